"""The Slack app (docs/slack.md): cards from the outbox, agents' actions, replies, App Home.

Entry points for the CLI are in `responders.slack.cli_support`; the pieces:
blocks/notes/views (pure Block Kit), sender + api + ledger (the outbox side, crash-safe),
app + guard + modals + commands (Bolt handlers), actions + replies + home (plain domain code).
Nothing here is imported until Slack is enabled, so the console quickstart never loads Bolt.
"""
