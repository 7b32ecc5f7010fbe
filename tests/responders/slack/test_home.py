"""App Home and `/repmon queue | stats | away | back`."""

from __future__ import annotations

import json

from responders.slack.blocks import CLAIM, DISMISS
from tests.responders.slack.conftest import AGENTS
from tests.responders.slack.signing import button, command, event

ANGRY = "Acme is the worst, awful service, I hate it"
AGENT = AGENTS[0]


def setup(harness_factory):
    from tests.support import mention

    h = harness_factory()
    h.app.pipeline.ingest([mention("1", ANGRY, author="a"), mention("2", ANGRY + "!!", author="b")])
    h.send()
    h.bolt()
    return h


def slash(h, text, user=AGENT):
    before = len(h.fake.responses)
    response = h.dispatch(command(text, user=user, response_url=f"{h.fake.root}/response/1"))
    assert response.status == 200
    return h.fake.responses[-1]["text"] if len(h.fake.responses) > before else None


def open_home(h, user):
    body = event({"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"})
    assert h.dispatch(body, content_type="application/json").status == 200
    return json.dumps(h.fake.published[user], ensure_ascii=False)


def test_home_shows_my_cases_and_the_team_queue(harness_factory):
    h = setup(harness_factory)
    h.dispatch(button(CLAIM, 2, user=AGENT))
    home = open_home(h, AGENT)
    assert "Your open cases (1)" in home
    assert "<https://acme.slack.com/archives/CCARE0001/p" in home and "|#2>" in home
    assert "*2 open* · unclaimed 1 · claimed 1" in home
    assert "You are *available*" in home


def test_home_for_someone_who_is_not_an_agent(harness_factory):
    h = setup(harness_factory)
    assert "You are not a repmon agent" in open_home(h, "USTRANGER")


def test_queue_lists_open_cases_with_links(harness_factory):
    h = setup(harness_factory)
    text = slash(h, "queue")
    assert text.startswith("*Top 2 open cases*")
    assert text.count("<https://acme.slack.com/archives/") == 2


def test_stats_count_not_relevant_per_connector(harness_factory):
    h = setup(harness_factory)
    h.dispatch(button(DISMISS, 1, user=AGENT))
    text = slash(h, "stats")
    assert "`test`: 2 cases, 1 not relevant (50% false positives)" in text
    assert "Open: unclaimed 1" in text


def test_usage_and_refusal(harness_factory):
    h = setup(harness_factory)
    assert slash(h, "").startswith("`/repmon queue`")
    assert slash(h, "queue", user="USTRANGER") is None
    [refusal] = h.fake.calls_to("chat.postEphemeral")
    assert refusal["user"] == "USTRANGER" and "only repmon agents" in refusal["text"]
