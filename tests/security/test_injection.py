"""Injection, end to end: hostile mention text reaches Slack neutralised; templates cannot run
code; SQL is parameterised everywhere (a static check of the packages, and hostile values
through `repmon import` and `repmon queue`)."""

from __future__ import annotations

import ast
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from responders.templates import SAMPLE, Template, TemplateLibrary
from tests.responders.fakeslack import CHANNELS
from tests.support import mention

ROOT = Path(__file__).resolve().parents[2]
CARE = CHANNELS["care"]
HOSTILE = (
    "Acme is the worst <!channel> <!here> <!everyone> <@U123ABC> <#C999|general> "
    "<https://evil.example/phish|click here for a refund> *bold* _it_ ~gone~ `code` "
    "&lt;!channel&gt; @channel @here \u202eevil\u202c"
)
RAW_CONTROLS = re.compile(r"<(!channel|!here|!everyone|@U123ABC|#C999|https://evil)")


def strings(node):
    """Every string inside a Block Kit structure (texts, alt texts, values, URLs)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


# --- Slack mrkdwn, mentions and links ----------------------------------------------------------


def test_hostile_mentions_reach_slack_neutralised_on_cards_and_threads(harness_factory):
    h = harness_factory()
    h.app.pipeline.ingest(
        [
            mention(
                "1",
                HOSTILE,
                author="<!channel>",
                author_name="<@U123ABC> *Admin*",
                url="https://x.com/a/status/1|<!here>",
                title="<https://evil.example|Acme refund>",
            )
        ]
    )
    h.send()
    h.app.pipeline.ingest([mention("2", HOSTILE + " again", author="<!channel>")])
    assert h.send().sent == 1
    messages = h.fake.messages[CARE]
    assert len(messages) == 2  # the card and its thread reply
    posted = [*h.fake.calls_to("chat.postMessage"), *h.fake.calls_to("chat.update")]
    for call in posted:
        for text in strings(
            [
                call.get("text"),
                json.loads(call["blocks"])
                if isinstance(call.get("blocks"), str)
                else call.get("blocks"),
            ]
        ):
            assert not RAW_CONTROLS.search(text), text
            assert "@channel" not in text and "@here" not in text  # defused with a joiner
    card_text = json.dumps(messages[0]["blocks"], ensure_ascii=False)
    assert "&lt;!channel&gt;" in card_text and "&lt;@U123ABC&gt;" in card_text
    assert "&amp;lt;!channel&amp;gt;" in card_text  # an entity typed by the author stays text


# --- Templates ---------------------------------------------------------------------------------

ATTACKS = {
    "mro": "{{ name.__class__.__mro__[1].__subclasses__() }}",
    "globals": "{{ brand.upper.__globals__ }}",
    "import": "{{ name.__class__.__init__.__globals__['__builtins__']['__import__']('os') }}",
    "format": "{{ '{0.__class__.__mro__}'.format(name) }}",
    "attr-filter": "{{ name|attr('__class__')|attr('__base__') }}",
}


@pytest.mark.parametrize("source", ATTACKS.values(), ids=ATTACKS.keys())
def test_a_template_trying_to_reach_python_is_refused(tmp_path, source):
    folder = tmp_path / "responses"
    folder.mkdir()
    (folder / "general.en.j2").write_text(source, encoding="utf-8")
    library = TemplateLibrary(folder)
    report = library.check(["en"])
    assert report.errors and "general.en.j2" in report.errors[0]
    # Refused by the sandbox (unsafe attribute) or because the object has no such attribute.
    assert re.search(r"SecurityError|unsafe|UndefinedError", report.errors[0]), report.errors
    assert report.rendered == 0


def test_templates_check_cli_refuses_a_hostile_template_with_exit_2(tmp_path):
    folder = tmp_path / "responses"
    folder.mkdir()
    for lang in ("en", "es", "fr"):
        (folder / f"general.{lang}.j2").write_text(ATTACKS["mro"], encoding="utf-8")
    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    config["database"]["url"] = f"sqlite:///{tmp_path / 'repmon.db'}"
    config.setdefault("slack", {})["templates_dir"] = str(folder)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "templates", "check", "--config", str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    assert "unsafe" in result.stderr and "Traceback" not in result.stderr


def test_what_customers_typed_is_never_evaluated_as_a_template():
    template = Template("general", "en", ROOT / "templates" / "responses" / "general.en.j2")
    library = TemplateLibrary(template.path.parent)
    text = library.render(
        template, {**SAMPLE, "name": "{{ 7*7 }} {% raw %}x", "agent": "{{ brand }}"}
    )
    assert "{{ 7*7 }} {% raw %}x" in text and "49" not in text and "{{ brand }}" in text


# --- SQL ---------------------------------------------------------------------------------------

PACKAGES = ("monitor", "connectors", "responders", "db")
SQL_CALLS = {"text", "execute", "exec_driver_sql", "executescript", "executemany"}
ALLOWED = {
    # (file, line text): why a built string is safe there
    (
        "db/session.py",
        'cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")',
    ): "a module constant (an int), no input; PRAGMA takes no bound parameters",
    (
        "db/session.py",
        'cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")',
    ): "a module constant (an int), no input; PRAGMA takes no bound parameters",
}


def built_strings() -> list[tuple[str, int, str]]:
    """SQL calls whose statement is an f-string, a `%` / `+` expression or a .format() call."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            for node in ast.walk(ast.parse(source)):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name not in SQL_CALLS:
                    continue
                statement = node.args[0]
                built = (
                    isinstance(statement, ast.JoinedStr)
                    or (
                        isinstance(statement, ast.BinOp)
                        and isinstance(statement.op, ast.Mod | ast.Add)
                    )
                    or (
                        isinstance(statement, ast.Call)
                        and getattr(statement.func, "attr", None) == "format"
                    )
                )
                if built:
                    line = source.splitlines()[node.lineno - 1].strip()
                    found.append((str(path.relative_to(ROOT)), node.lineno, line))
    return found


def test_no_sql_statement_is_built_from_strings_outside_the_allowlist():
    offenders = [(f, n, line) for f, n, line in built_strings() if (f, line) not in ALLOWED]
    assert offenders == [], "SQL built by string formatting: use bound parameters"
    assert {(f, line) for f, _, line in built_strings()} == set(ALLOWED), "stale allowlist"


SQLI = [
    "x'; DROP TABLE mentions; --",
    "1 OR 1=1",
    "'); DELETE FROM cases; --",
    '" OR ""="',
    "acme%' UNION SELECT name FROM sqlite_master --",
]


def test_hostile_values_through_import_and_queue_are_stored_and_shown_verbatim(tmp_path):
    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    db = tmp_path / "repmon.db"
    config["database"]["url"] = f"sqlite:///{db}"
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    records = [
        {
            "source": "x",
            "external_id": f"{payload}-{i}",
            "text": f"@acmehelp worst service ever, internet down, refund me now {payload}",
            "created_at": "2026-11-21T10:00:00Z",
            "author": payload,
            "author_followers": 5000,
            "title": payload,
        }
        for i, payload in enumerate(SQLI)
    ]
    feed = tmp_path / "hostile.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")

    def repmon(*args):
        return subprocess.run(
            [sys.executable, "-m", "monitor", *args, "--config", str(path)],
            cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    imported = repmon("import", str(feed))
    assert imported.returncode == 0, imported.stderr
    queue = repmon("queue", "--format", "json", "--limit", "50")
    assert queue.returncode == 0, queue.stderr
    shown = json.loads(queue.stdout)
    assert {item["author"] for item in shown} == set(SQLI)
    connection = sqlite3.connect(db)
    try:
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        ids = {r[0] for r in connection.execute("SELECT external_id FROM mentions")}
        handles = {r[0] for r in connection.execute("SELECT handle FROM authors")}
    finally:
        connection.close()
    assert {"mentions", "cases", "authors", "outbox"} <= tables
    assert ids == {r["external_id"] for r in records} and handles == set(SQLI)
