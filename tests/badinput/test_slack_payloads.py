"""Slack interaction payloads, forged or fuzzed, against the real Bolt app (signed dispatch and
the HTTP endpoint): refused with 401, or answered politely with nothing changed — never a 500."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from db.models import Case, CaseEvent, OutboxRow
from responders.slack.blocks import ASSIGN, CLAIM, DISMISS, ESCALATE, REPLY, RESOLVE, SNOOZE
from responders.slack.cli_support import EVENTS_PATH, http_server
from tests.badinput.strategies import hostile_text
from tests.responders.slack.conftest import AGENTS
from tests.responders.slack.signing import block_action, button, headers, interaction, submission
from tests.support import mention

ANGRY = "Acme is the worst, awful service, I hate it"
AGENT, STRANGER = AGENTS[0], "USTRANGER"
ACTIONS = [CLAIM, ASSIGN, REPLY, ESCALATE, SNOOZE, RESOLVE, DISMISS]
CARD_ACTIONS = [CLAIM, ASSIGN, SNOOZE, RESOLVE, DISMISS]  # answered in responders/slack/app.py
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def h(harness_factory):
    harness = harness_factory(slack={"agents": [AGENT], "escalation_channel": "#care-escalations"})
    harness.app.pipeline.ingest([mention("1", ANGRY, author="al")])
    harness.send()
    harness.bolt()
    return harness


def snapshot(h):
    with h.app.factory() as session:
        case = session.get(Case, 1)
        return (
            case.status,
            case.assignee,
            case.snoozed_until,
            session.scalar(select(func.count()).select_from(CaseEvent)),
            session.scalar(select(func.count()).select_from(OutboxRow)),
        )


block_ids = st.one_of(
    st.integers(min_value=2, max_value=2**80).map(lambda n: f"repmon_case:{n}"),  # no such case
    st.integers(max_value=0).map(lambda n: f"repmon_case:{n}"),
    hostile_text.map(lambda s: f"repmon_case:{s}"),
    hostile_text,
)


@st.composite
def fuzzed_action(draw):
    action = {
        "type": draw(st.sampled_from(["button", "static_select", "users_select", "overflow"])),
        "action_id": draw(st.sampled_from(CARD_ACTIONS)),
        "block_id": draw(block_ids),
        "value": draw(st.one_of(hostile_text, st.text(min_size=3000, max_size=4000))),
    }
    if draw(st.booleans()):
        action["selected_option"] = {"value": draw(hostile_text)}
    if draw(st.booleans()):
        action["selected_user"] = draw(st.sampled_from([AGENT, STRANGER, "", "U" + "9" * 500]))
    for key in draw(st.sets(st.sampled_from(["block_id", "value", "type"]))):
        action.pop(key, None)
    return action


@FUZZ
@given(action=fuzzed_action(), user=st.sampled_from([AGENT, STRANGER]))
def test_fuzzed_actions_on_unknown_cases_are_refused_politely_and_change_nothing(h, action, user):
    before = snapshot(h)
    answered = len(h.fake.calls_to("chat.postEphemeral")) + len(h.fake.opened)
    response = h.dispatch(block_action(action, user=user))
    assert response.status == 200, response.body
    assert snapshot(h) == before
    ephemerals = h.fake.calls_to("chat.postEphemeral")
    # Every click is answered: "only agents", "Nothing changed: ...", or a modal (reply/escalate
    # open one and check the case when it is submitted).
    assert len(ephemerals) + len(h.fake.opened) > answered
    for call in ephemerals[-1:]:
        assert call["user"] == user
        if user == STRANGER:
            assert "only repmon agents" in call["text"]


@pytest.mark.parametrize("action_id", [REPLY, ESCALATE])
def test_a_modal_button_with_a_forged_block_id_is_refused_politely(h, action_id):
    before = snapshot(h)
    action = {"type": "button", "action_id": action_id, "block_id": "forged", "value": "1"}
    assert h.dispatch(block_action(action, user=AGENT)).status == 200
    assert snapshot(h) == before and h.fake.opened == []


def test_every_action_id_refuses_non_agents_and_changes_nothing(h):
    before = snapshot(h)
    for action_id in ACTIONS:
        body = button(action_id, 1, user=STRANGER)
        assert h.dispatch(body).status == 200
    assert snapshot(h) == before
    assert h.fake.opened == []  # not even a modal opens for a stranger
    calls = h.fake.calls_to("chat.postEphemeral")
    assert len(calls) == len(ACTIONS) and all("only repmon agents" in c["text"] for c in calls)


def test_a_stranger_submitting_a_modal_gets_a_field_error_and_nothing_changes(h):
    before = snapshot(h)
    h.dispatch(button(ESCALATE, 1, user=AGENT))
    view = h.fake.opened[-1]
    values = {
        b["block_id"]: {
            b["element"]["action_id"]: {"type": "plain_text_input", "value": "x" * 5000}
        }
        for b in view["blocks"]
        if b["type"] == "input"
    }
    response = h.dispatch(submission(view, values, user=STRANGER))
    assert response.status == 200
    assert json.loads(response.body)["response_action"] == "errors"
    assert snapshot(h) == before


@FUZZ
@given(
    secret=st.one_of(st.just("test-signing-secret"), hostile_text),
    skew=st.sampled_from([0, -301, 301, -86400]),
    body=st.one_of(hostile_text, st.just(button(CLAIM, 1, user=AGENT))),
)
def test_forged_or_stale_signatures_are_401_and_never_change_anything(h, secret, skew, body):
    valid = secret == "test-signing-secret" and skew == 0
    before = snapshot(h)
    try:
        stamp = int(time.time()) + skew
        response = h.dispatch(
            body.encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
            secret=secret.encode("utf-8", "replace").decode() or "x",
            timestamp=stamp,
        )
    except UnicodeEncodeError:
        return
    if not valid:
        assert response.status == 401
        assert snapshot(h) == before


def test_over_http_forged_stale_and_junk_requests_never_reach_a_listener(h):
    server = http_server(h.context(), "127.0.0.1", 0)
    import threading

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}{EVENTS_PATH}"
    try:
        before = snapshot(h)
        good = button(CLAIM, 1, user=AGENT)
        huge = interaction(
            {
                "type": "block_actions",
                "user": {"id": AGENT},
                "actions": [{"action_id": CLAIM, "value": "x" * (1 << 20)}],
            }
        )
        cases = [
            (good, {"secret": "forged"}, 401),
            (good, {"timestamp": int(time.time()) - 3600}, 401),
            (good, {"timestamp": int(time.time()) + 3600}, 401),
            (huge, {"secret": "forged"}, 401),
            # Correctly signed junk (only Slack holds the secret): Bolt's own parser may answer
            # 500, but nothing changes and the server keeps serving.
            ("payload=%7Bnot-json", {}, None),
            ("", {}, None),
        ]
        for body, options, expected in cases:
            status = post(url, body, **options)
            if expected is not None:
                assert status == expected
        assert snapshot(h) == before
        unsigned = urllib.request.Request(url, data=good.encode(), method="POST")
        assert _status(unsigned) == 401
        assert post(url, good) == 200  # still serving
        # The listener runs after the ack, on the server's thread: let it finish before the
        # app is closed, or its database connection outlives the test.
        deadline = time.monotonic() + 10
        while h.case().status != "claimed" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert h.case().status == "claimed"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def post(url, body, **options):
    request = urllib.request.Request(
        url, data=body.encode(), method="POST", headers=headers(body, **options)
    )
    return _status(request)


def _status(request):
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code
