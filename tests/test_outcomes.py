"""The outcome loop end to end: replies are watched, and cases end recovered or reopened.

The Google Play tests run the real google-api-python-client against the loopback androidpublisher
fake (as tests/connectors/test_googleplay.py does) through `repmon run --once`, the App Store test
the connector's httpx client against the loopback App Store Connect; the others feed
the pipeline directly with a clock the test moves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import time_machine
import vcr
import yaml
from sqlalchemy import select
from typer.testing import CliRunner

from db.models import Case, CaseEvent, MentionRow, OutboxRow
from monitor.app import App
from monitor.cli import app as cli
from monitor.config import load_config
from monitor.outcomes import judge_edit, tick
from responders.slack.actions import resolve
from responders.slack.replies import mark_manual
from tests.connectors.fake_connect import APP_ID as ASC_APP_ID
from tests.connectors.fake_connect import KEVIN as ASC_KEVIN
from tests.connectors.fake_connect import FakeConnect, connect_block, new_key
from tests.connectors.fake_connect import payload as asc_payload
from tests.connectors.fakeserver import FakeServer, Reply, Request
from tests.connectors.harness_stores import write_service_account
from tests.support import NOW, make_config, mention

PAYLOADS = Path(__file__).resolve().parent / "payloads" / "googleplay"
PACKAGE = "com.acme.app"
LIST = f"/androidpublisher/v3/applications/{PACKAGE}/reviews"
GET = re.compile(rf"{re.escape(LIST)}/([^/]+)")
KEVIN = "gp:AOqpTOH6bq2RA1sRYkL0B9s1mFSw8b6fxYxCRZ8mKOcG5yQ7yKf1"  # 1★ at 10:00, 4★ at 11:40


def payload(name: str) -> Reply:
    body = (PAYLOADS / name).read_bytes()
    return Reply(200, body, {"Content-Type": "application/json; charset=UTF-8"})


def reviews_list(first: str) -> Any:
    """`reviews.list`: `first`, then page 2 for the token it hands out."""
    return lambda request: payload("reviews_page2.json" if request.param("token") else first)


def review_get(source: str) -> Any:
    """`reviews.get`: the review with that id as `source` (a reviews.list payload) has it."""

    def respond(request: Request) -> Reply:
        wanted = unquote(GET.fullmatch(request.path).group(1))  # type: ignore[union-attr]
        for review in json.loads((PAYLOADS / source).read_text())["reviews"]:
            if review["reviewId"] == wanted:
                return Reply.json(review)
        return Reply.json({"error": {"code": 404, "message": "not found"}}, status=404)

    return respond


class Play:
    """A config with one Google Play connector on the fake, and the CLI to run it."""

    def __init__(self, server: FakeServer, db_url: str, tmp_path: Path) -> None:
        self.server = server
        key = write_service_account(tmp_path / "sa.json", f"{server.url}/token")
        config = {
            "database": {"url": db_url},
            "brands": [{"name": "Acme", "keywords": ["acme"]}],
            "connectors": [
                {
                    "name": "play-acme",
                    "type": "googleplay",
                    "package_name": PACKAGE,
                    "credentials_file": str(key),
                    "api_endpoint": server.url,
                }
            ],
        }
        self.path = tmp_path / "config.yaml"
        self.path.write_text(yaml.safe_dump(config, sort_keys=False))
        self.runner = CliRunner()
        upgraded = self.runner.invoke(cli, ["db", "upgrade", "--config", str(self.path)])
        assert upgraded.exit_code == 0, upgraded.output

    def run_once(self, at: datetime) -> str:
        with time_machine.travel(at, tick=False):
            result = self.runner.invoke(cli, ["run", "--once", "--force", "-c", str(self.path)])
        assert result.exit_code == 0, result.output
        return result.output

    def app(self) -> App:
        return App.open(load_config(self.path), upgrade=False)


@pytest.fixture
def play(db_url: str, tmp_path: Path) -> Iterator[Play]:
    with FakeServer() as server:
        server.route("POST", "/token", payload("token.json"))
        yield Play(server, db_url, tmp_path)
    assert server.errors == []


def kevins_case(app: App) -> Case:
    with app.factory() as session:
        row = session.scalars(select(MentionRow).where(MentionRow.external_id == KEVIN)).one()
        assert row.case_id is not None
        case = session.get(Case, row.case_id)
        assert case is not None
        return case


def events(app: App, case_id: int) -> list[tuple[str, str, str | None]]:
    with app.factory() as session:
        rows = session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        )
        return [(e.actor, e.action, e.note) for e in rows]


def test_a_review_edited_from_1_to_4_stars_after_a_reply_marks_the_case_recovered(play):
    t1 = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
    replied = datetime(2026, 11, 22, 10, 45, tzinfo=UTC)
    t3 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    play.server.route("GET", LIST, reviews_list("reviews_page1.json"))
    play.server.route("GET", GET, review_get("reviews_edited.json"))
    play.run_once(t1)
    app = play.app()
    try:
        case = kevins_case(app)
        assert (case.status, case.recovered_at) == ("routed", None)
        # The agent answers from Slack ("replied manually"): the watch starts with the reply.
        assert mark_manual(
            app.factory,
            case.id,
            agent="U01",
            text="Sorry Kevin, refund on its way",
            key="r1",
            now=replied,
        )
        assert kevins_case(app).watch_until == replied + timedelta(days=7)

        play.server.route("GET", LIST, reviews_list("reviews_edited.json"))
        play.run_once(t3)

        case = kevins_case(app)
        assert case.recovered_at == t3
        assert (case.status, case.outcome) == ("resolved", "recovered")
        assert ("repmon", "recovered", "review edited: 1★ → 4★") in events(app, case.id)
        assert ("repmon", "resolve", "recovered") in events(app, case.id)
        with app.factory() as session:
            row = session.scalars(select(MentionRow).where(MentionRow.external_id == KEVIN)).one()
            assert (row.rating, row.title, row.label) == (4, "Refund arrived", "positive")
            assert row.raw["repmon_previous"][0]["rating"] == 1  # the 1★ version is kept
        # The tick also re-fetched the watched review with reviews.get (nothing new by then).
        gets = [r.path for r in play.server.requests if GET.fullmatch(r.path)]
        assert [unquote(p).rsplit("/", 1)[1] for p in gets] == [KEVIN]
    finally:
        app.close()


def test_the_tick_rechecks_a_watched_review_and_finds_the_edit(play):
    t1 = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
    replied = datetime(2026, 11, 22, 10, 45, tzinfo=UTC)
    play.server.route("GET", LIST, reviews_list("reviews_page1.json"))
    play.server.route("GET", GET, review_get("reviews_page1.json"))  # still 1★
    play.run_once(t1)
    app = play.app()
    try:
        case_id = kevins_case(app).id
        mark_manual(app.factory, case_id, agent="U01", text="Sorry", key="r1", now=replied)
        play.run_once(datetime(2026, 11, 22, 11, 0, tzinfo=UTC))
        assert kevins_case(app).recovered_at is None  # re-checked, unchanged
        # reviews.list shows nothing new, but reviews.get now returns the 4★ edit.
        play.server.route("GET", GET, review_get("reviews_edited.json"))
        play.run_once(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
        case = kevins_case(app)
        assert (case.status, case.outcome) == ("resolved", "recovered")
    finally:
        app.close()


def test_a_review_deleted_while_watched_is_left_out_of_the_recheck(play):
    play.server.route("GET", LIST, reviews_list("reviews_page1.json"))
    play.server.route("GET", GET, review_get("reviews_page2.json"))  # Kevin's is gone: 404
    play.run_once(datetime(2026, 11, 22, 10, 30, tzinfo=UTC))
    app = play.app()
    try:
        case_id = kevins_case(app).id
        replied = datetime(2026, 11, 22, 10, 45, tzinfo=UTC)
        mark_manual(app.factory, case_id, agent="U01", text="Sorry", key="r1", now=replied)
        play.run_once(datetime(2026, 11, 22, 11, 0, tzinfo=UTC))  # exit code 0: not a failure
        assert any(GET.fullmatch(r.path) for r in play.server.requests)
        case = kevins_case(app)
        assert (case.status, case.recovered_at) == ("replied", None)
    finally:
        app.close()


# --- App Store Connect: the same recheck through `GET customerReviews/{id}` ----------------------


@pytest.fixture
def connect(db_url: str, tmp_path: Path) -> Iterator[tuple[FakeConnect, Path]]:
    """The loopback App Store Connect (tests/connectors/fake_connect.py) and a config using it."""
    pem, public = new_key()
    fake = FakeConnect(public)
    config = {
        "database": {"url": db_url},
        "brands": [{"name": "Acme", "keywords": ["acme"]}],
        "connectors": [
            {
                "name": "appstore-acme",
                "type": "appstore",
                "app_id": ASC_APP_ID,
                "connect": connect_block(fake.url, pem),
            }
        ],
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    upgraded = CliRunner().invoke(cli, ["db", "upgrade", "--config", str(path)])
    assert upgraded.exit_code == 0, upgraded.output
    yield fake, path
    fake.close()
    assert fake.server.errors == []


def test_an_app_store_review_edited_from_1_to_4_stars_is_found_by_the_recheck(connect):
    fake, path = connect
    kevin, lucia = asc_payload("reviews_page1.json")["data"]  # Kevin: 1★ at 10:14 UTC
    fake.reviews = [kevin, lucia]
    runner = CliRunner()

    def run_once(at: datetime) -> None:
        with time_machine.travel(at, tick=False):
            result = runner.invoke(cli, ["run", "--once", "--force", "-c", str(path)])
        assert result.exit_code == 0, result.output

    run_once(datetime(2026, 11, 22, 10, 30, tzinfo=UTC))
    app = App.open(load_config(path), upgrade=False)
    try:
        with app.factory() as session:
            row = session.scalars(select(MentionRow).where(MentionRow.external_id == ASC_KEVIN))
            case_id = row.one().case_id
        assert case_id is not None
        replied = datetime(2026, 11, 22, 10, 45, tzinfo=UTC)
        mark_manual(app.factory, case_id, agent="U01", text="Sorry", key="r1", now=replied)
        # Kevin edits his review: App Store Connect keeps its createdDate, so the incremental
        # list (sorted and cursored by createdDate) never hands it back; only the recheck sees it.
        edited = json.loads(json.dumps(kevin))
        edited["attributes"].update(
            rating=4, title="Refund arrived", body="Acme refunded me the next day, thanks!"
        )
        fake.reviews = [edited, lucia]
        run_once(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
        case = get_case(app, case_id)
        assert (case.status, case.outcome) == ("resolved", "recovered")
        assert case.recovered_at == datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
        assert ("repmon", "recovered", "review edited: 1★ → 4★") in events(app, case_id)
        with app.factory() as session:
            row = session.scalars(select(MentionRow).where(MentionRow.external_id == ASC_KEVIN))
            stored = row.one()
            assert (stored.rating, stored.title) == (4, "Refund arrived")
            assert stored.raw["repmon_previous"][0]["rating"] == 1
        looked = [r.path for r in fake.requests if r.path.startswith("/v1/customerReviews/")]
        assert looked == [f"/v1/customerReviews/{ASC_KEVIN}"]  # only the watched review
    finally:
        app.close()


# --- the other rules, through the pipeline with a clock the test moves ---------------------------


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def loop(db_url: str, tmp_path: Path) -> Iterator[tuple[App, Clock]]:
    clock = Clock(NOW)
    app = App.open(make_config(db_url, tmp_path), clock=clock, upgrade=True)
    yield app, clock
    app.close()


def complain_and_reply(app: App, clock: Clock) -> int:
    """kim complains at NOW; an agent replies manually an hour later. Returns the case id."""
    app.pipeline.ingest(
        [mention("k1", "Acme charged me twice, refund now!", author="kim", created_at=NOW)]
    )
    with app.factory() as session:
        case_id = session.scalars(select(Case.id)).one()
    clock.now = NOW + timedelta(hours=1)
    mark_manual(app.factory, case_id, agent="U01", text="Sorry", key="r1", now=clock.now)
    return case_id


def get_case(app: App, case_id: int) -> Case:
    with app.factory() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case


def test_quiet_for_three_days_after_the_reply_is_a_recovery(loop):
    app, clock = loop
    case_id = complain_and_reply(app, clock)
    clock.now = NOW + timedelta(hours=1, days=3) - timedelta(minutes=1)
    assert tick(app).recovered == []
    clock.now = NOW + timedelta(hours=1, days=3)
    assert tick(app).recovered == [case_id]
    case = get_case(app, case_id)
    assert (case.recovered_at, case.status, case.outcome) == (clock.now, "resolved", "recovered")
    assert ("repmon", "recovered", "no further complaint for 3 days after the reply") in events(
        app, case_id
    )
    assert tick(app).recovered == []  # once


def test_a_calm_answer_from_the_author_is_a_recovery(loop):
    app, clock = loop
    case_id = complain_and_reply(app, clock)
    clock.now = NOW + timedelta(hours=5)
    app.pipeline.ingest(
        [
            mention(
                "k2",
                "Thanks Acme, the refund arrived, great support!",
                author="kim",
                created_at=NOW + timedelta(hours=4),
            )
        ]
    )
    case = get_case(app, case_id)
    assert (case.recovered_at, case.outcome) == (clock.now, "recovered")
    assert ("repmon", "recovered", "positive post by the author") in events(app, case_id)
    with app.factory() as session:
        assert session.scalar(select(Case.id).where(Case.id != case_id)) is None  # no new case
        # Stored linked to the case that was open, then unlinked: the post closed it.
        k2 = select(MentionRow.case_id).where(MentionRow.external_id == "k2")
        assert session.scalars(k2).one() is None


def test_a_worse_follow_up_reopens_a_resolved_case_into_its_thread(loop):
    app, clock = loop
    case_id = complain_and_reply(app, clock)
    clock.now = NOW + timedelta(hours=2)
    resolve(app.factory, case_id, actor="U01", outcome="resolved", now=clock.now)
    clock.now = NOW + timedelta(days=1)
    result = app.pipeline.ingest(
        [
            mention(
                "k3",
                "Acme charged me AGAIN. Terrible, I want my money back!",
                author="kim",
                created_at=NOW + timedelta(hours=23),
            )
        ]
    )
    assert (result.cases_opened, result.cases_joined) == (0, 1)
    case = get_case(app, case_id)
    assert (case.status, case.closed_at, case.outcome) == ("routed", None, None)
    assert (case.reopened_count, case.reopened_at, case.mention_count) == (1, clock.now, 2)
    actions = [(actor, action) for actor, action, _ in events(app, case_id)]
    assert actions[-2:] == [("repmon", "reopened"), ("repmon", "reopen")]
    with app.factory() as session:
        follow_up = select(MentionRow.id, MentionRow.case_id).where(MentionRow.external_id == "k3")
        mention_id, linked_to = session.execute(follow_up).one()
        assert linked_to == case_id  # stored unlinked (the case was closed), then linked
        rows = session.scalars(select(OutboxRow).where(OutboxRow.case_id == case_id)).all()
    threads = [r.payload for r in rows if r.kind == "thread"]
    assert threads == [{"case_id": case_id, "mention_id": mention_id}]  # the post, in the thread
    assert any(r.kind == "card_update" and r.key.startswith(f"update:{case_id}:") for r in rows)
    # The author did not stay quiet: no recovery at the quiet deadline.
    clock.now = NOW + timedelta(days=4)
    assert tick(app).recovered == []


def test_nothing_changes_outside_the_watch_window(loop):
    app, clock = loop
    case_id = complain_and_reply(app, clock)
    clock.now = NOW + timedelta(hours=2)
    resolve(app.factory, case_id, actor="U01", outcome="not_resolved", now=clock.now)
    after = NOW + timedelta(hours=1, days=7)  # the window (7 days from the reply) is over
    clock.now = after + timedelta(hours=1)
    app.pipeline.ingest(
        [
            mention("k4", "Thanks Acme, all good now, great!", author="kim", created_at=after),
            mention(
                "k5",
                "Acme broke my account again, awful service!",
                author="kim",
                created_at=after + timedelta(minutes=5),
            ),
        ]
    )
    case = get_case(app, case_id)
    assert (case.status, case.outcome, case.recovered_at, case.reopened_count) == (
        "resolved",
        "not_resolved",
        None,
        0,
    )
    assert [action for _, action, _ in events(app, case_id)][-1] == "resolve"
    with app.factory() as session:
        others = session.scalars(select(Case).where(Case.id != case_id)).all()
    assert len(others) == 1  # the new complaint opened its own case, as before the loop


def test_an_edited_review_with_fewer_stars_on_an_open_case_goes_to_its_thread(loop):
    app, clock = loop
    review = {"source": "googleplay", "connector": "play", "author": "Ana"}
    app.pipeline.ingest([mention("g1", "Acme app crashes", rating=3, created_at=NOW, **review)])
    with app.factory() as session:
        case_id = session.scalars(select(Case.id)).one()
    clock.now = NOW + timedelta(hours=1)
    mark_manual(app.factory, case_id, agent="U01", text="Sorry", key="r1", now=clock.now)
    clock.now = NOW + timedelta(hours=3)
    result = app.pipeline.ingest(
        [
            mention(
                "g1",
                "Acme app crashes on every start",
                rating=1,
                created_at=NOW + timedelta(hours=2),
                **review,
            )
        ]
    )
    assert (result.edited, result.stored) == (1, 0)
    case = get_case(app, case_id)
    assert case.status == "replied"
    assert events(app, case_id)[-1] == ("repmon", "worsened", "review edited: 3★ → 1★")
    with app.factory() as session:
        row = session.scalars(select(MentionRow).where(MentionRow.external_id == "g1")).one()
        threads = session.scalars(select(OutboxRow.payload).where(OutboxRow.kind == "thread")).all()
    assert (row.rating, row.text) == (1, "Acme app crashes on every start")
    assert threads == [{"case_id": case_id, "mention_id": row.id}]


def test_a_shorter_window_from_config_is_applied_by_the_tick(db_url, tmp_path):
    clock = Clock(NOW)
    config = make_config(db_url, tmp_path, outcomes={"window": "2d", "quiet_after": "1d"})
    app = App.open(config, clock=clock, upgrade=True)
    try:
        case_id = complain_and_reply(app, clock)
        assert get_case(app, case_id).watch_until == clock.now + timedelta(days=7)  # default
        assert tick(app).aligned == 1
        assert get_case(app, case_id).watch_until == clock.now + timedelta(days=2)
    finally:
        app.close()


@pytest.mark.parametrize(
    ("old", "new", "old_label", "new_label", "verdict"),
    [
        (1, 4, "negative", "positive", "better"),
        (1, 5, "negative", "positive", "better"),
        (1, 3, "negative", "neutral", None),  # up, but not to `recovered_rating`
        (4, 2, "positive", "negative", "worse"),
        (2, 2, "negative", "negative", None),  # only the text changed
        (None, None, "negative", "neutral", "better"),
        (None, None, "neutral", "negative", "worse"),
    ],
)
def test_judging_an_edit(old, new, old_label, new_label, verdict):
    assert judge_edit(old, new, old_label, new_label, recovered_rating=4) == verdict


def test_outcomes_config_is_strict(tmp_path):
    from monitor.errors import ConfigError

    with pytest.raises(ConfigError, match="quiet_after must not be longer than window"):
        make_config("sqlite://", tmp_path, outcomes={"window": "1d", "quiet_after": "2d"})
    with pytest.raises(ConfigError, match="unknown key"):
        make_config("sqlite://", tmp_path, outcomes={"windows": "1d"})


def test_the_first_reply_starts_the_watch_and_each_reopen_is_counted():
    from db.models import Case as CaseRow
    from monitor.cases import transition

    case = CaseRow(
        id=1,
        status="routed",
        priority=0.5,
        reasons=[],
        factors={},
        source="x",
        mention_id=1,
        mention_count=1,
        opened_at=NOW,
        updated_at=NOW,
    )
    transition(case, "reply", actor="U01", at=NOW, watch=timedelta(days=2))
    transition(case, "reply", actor="U01", at=NOW + timedelta(hours=1))  # not the first
    assert (case.replied_at, case.watch_until) == (NOW, NOW + timedelta(days=2))
    for n in (1, 2):
        transition(case, "resolve", actor="U01", at=NOW + timedelta(hours=n))
        transition(case, "reopen", actor="U01", at=NOW + timedelta(hours=n, minutes=5))
    assert (case.reopened_count, case.reopened_at) == (2, NOW + timedelta(hours=2, minutes=5))


# --- Reddit: the author answers our comment (the connector reads the account's inbox replies) ---

REDDIT_CASSETTES = Path(__file__).resolve().parent / "cassettes" / "reddit"


def test_a_calm_answer_to_our_reddit_comment_marks_the_case_recovered(db_url, tmp_path):
    """Real praw against the recorded inbox: run 1 reads the mention (no answer yet), an agent
    replies, run 2 reads the author's answer from GET /message/comments: recovered."""
    config = {
        "database": {"url": db_url},
        "brands": [{"name": "Acme", "keywords": ["acme"]}],
        "connectors": [
            {
                "name": "reddit-acme",
                "type": "reddit",
                "brand": "Acme",
                "mode": "inbox",
                "client_id": "test-client-id",
                "client_secret": "test-client-secret",
                "username": "AcmeSupport",
                "password": "hunter2-not-real",
                "user_agent": "test:repmon:0.1 (by /u/AcmeSupport)",
                "reply": {"enabled": True},
            }
        ],
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade", "--config", str(path)]).exit_code == 0
    recorded = vcr.VCR(
        cassette_library_dir=str(REDDIT_CASSETTES),
        record_mode="none",
        filter_headers=["authorization", "cookie"],
        match_on=["method", "scheme", "host", "port", "path", "query"],
    )

    def run_once(at: datetime) -> None:
        with time_machine.travel(at, tick=False):
            result = runner.invoke(cli, ["run", "--once", "--force", "-c", str(path)])
        assert result.exit_code == 0, result.output

    complained = "t1_lxq9z3k"  # 15:45, in inbox_mentions.yaml
    replied = datetime(2024, 11, 21, 15, 50, tzinfo=UTC)
    answered = datetime(2024, 11, 21, 15, 55, tzinfo=UTC)  # t1_lxr0005, under our t1_lxqa1b2
    with recorded.use_cassette("inbox_then_reply.yaml") as cassette:
        run_once(datetime(2024, 11, 21, 15, 46, tzinfo=UTC))
        app = App.open(load_config(path), upgrade=False)
        try:
            with app.factory() as session:
                row = session.scalars(
                    select(MentionRow).where(MentionRow.external_id == complained)
                ).one()
                assert row.case_id is not None
                case_id = row.case_id
            assert mark_manual(
                app.factory, case_id, agent="U01", text="Sorry! DM us", key="r1", now=replied
            )
            run_once(datetime(2024, 11, 21, 16, 0, tzinfo=UTC))
            assert cassette.all_played
            case = get_case(app, case_id)
            assert case.recovered_at is not None
            assert (case.status, case.outcome) == ("resolved", "recovered")
            assert ("repmon", "recovered", "positive post by the author") in events(app, case_id)
            with app.factory() as session:
                answer = session.scalars(
                    select(MentionRow).where(MentionRow.external_id == "t1_lxr0005")
                ).one()
                assert (answer.in_reply_to, answer.created_at) == ("t1_lxqa1b2", answered)
                assert session.scalar(select(Case.id).where(Case.id != case_id)) is None
        finally:
            app.close()
