"""Bad input: fuzzed config, files, payloads and Slack requests are refused or skipped."""
