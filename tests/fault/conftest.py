"""The Slack fixtures (a fake Web API, a repmon app wired to it) for this folder too."""

from tests.responders.slack.conftest import fake, harness_factory  # noqa: F401
