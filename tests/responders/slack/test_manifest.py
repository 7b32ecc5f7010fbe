"""The app manifest in the repo asks for what the app uses; Socket Mode needs no signing secret."""

from __future__ import annotations

from pathlib import Path

import yaml

from responders.slack.app import build_app
from responders.slack.commands import COMMAND
from tests.responders.slack.conftest import AGENTS
from tests.responders.slack.signing import button, request
from tests.support import mention

MANIFEST = Path(__file__).parents[3] / "slack" / "manifest.yaml"


def test_manifest_matches_the_app():
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    features, settings = manifest["features"], manifest["settings"]
    assert [c["command"] for c in features["slash_commands"]] == [COMMAND]
    assert features["app_home"]["home_tab_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert settings["socket_mode_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {
        "chat:write",
        "channels:history",
        "groups:history",
        "channels:read",
        "commands",
        "users:read",
        "files:write",  # the report chart (monitor.reports.slack)
    } <= scopes


def test_socket_mode_app_runs_without_a_signing_secret(harness_factory):
    h = harness_factory(slack={"signing_secret": None})
    h.app.pipeline.ingest([mention("1", "Acme is the worst, awful service, I hate it")])
    h.send()
    app = build_app(h.context(), socket_mode=True, process_before_response=True)
    # Socket Mode envelopes are authenticated by the app-level token, not signed.
    response = app.dispatch(request(button("repmon_claim", 1, user=AGENTS[0]), secret="any"))
    assert response.status == 200 and h.case().status == "claimed"
