"""Reading Reddit's answers: listing entries → Mention (no lazy fetches), the cursor, errors."""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from praw.exceptions import RedditAPIException
from praw.models import Comment, Redditor, Submission, Subreddit
from prawcore import exceptions as pc

from connectors.base import (
    ConnectorError,
    FatalConnectorError,
    ReplyRejected,
    RetriableConnectorError,
)
from connectors.records import clean_text
from monitor.errors import InputError
from monitor.models import Mention

SOURCE = "reddit"
WEB_URL = "https://www.reddit.com"
MAX_FUTURE = timedelta(hours=1)
"""Clock skew allowed; a creation time further ahead is out of range, since as the cursor it
would hide every real item until then."""

_ID = re.compile(r"^[0-9a-z]{1,16}$")
_GONE = frozenset({"[deleted]", "[removed]"})
_COMMON = ("id", "name", "author", "author_fullname", "created_utc", "permalink", "score")
_SUBMISSION = ("title", "selftext", "num_comments", "upvote_ratio", "subreddit")
_COMMENT = ("body", "parent_id", "link_id", "context", "num_comments", "subreddit")
_MAX_REMEMBERED = 500
_MAX_EPOCH = 32_503_680_000  # year 3000
_WAIT = re.compile(r"(\d+) (millisecond|second|minute)s?")


@dataclass(frozen=True, slots=True)
class Entry:
    """One decoded listing entry: its fullname, creation time and the plain fields we read."""

    kind: str
    fullname: str
    created: float
    fields: dict[str, Any]
    author_karma: int | None = None

    @property
    def text(self) -> str:
        if self.kind == "t1":
            return str(self.fields["body"])
        title = str(self.fields["title"])
        body = self.fields.get("selftext")
        body = body if isinstance(body, str) else ""  # a malformed body is left out, not fatal
        return f"{title}\n\n{body}" if body and body not in _GONE else title


def identity(obj: Any) -> str:
    """A stable name for a listing entry, even one we cannot decode (remembered once skipped)."""
    if isinstance(obj, Submission | Comment):
        ident = vars(obj).get("id")
        if isinstance(ident, str) and ident:
            return f"{'t3' if isinstance(obj, Submission) else 't1'}_{ident}"
    try:
        # A praw object's own repr needs its id, which is what may be missing: use its fields.
        fields = vars(obj) if isinstance(obj, Submission | Comment) else obj
        shape = json.dumps(_plain(fields), sort_keys=True, default=_safe_repr)
    except ValueError:  # a reference cycle: fall back to the type
        shape = type(obj).__name__
    digest = hashlib.sha1(shape.encode("utf-8", "surrogatepass"), usedforsecurity=False)
    return "sha1:" + digest.hexdigest()[:16]


def decode(obj: Any, *, now: datetime) -> Entry:
    """The entry's fields, or InputError naming what is missing or out of range."""
    names: tuple[str, ...]
    if isinstance(obj, Submission):
        kind, names = "t3", _SUBMISSION
    elif isinstance(obj, Comment):
        kind, names = "t1", _COMMENT
    else:
        raise InputError(f"undecodable listing entry ({type(obj).__name__})")
    data = vars(obj)
    fields: dict[str, Any] = {"kind": kind}
    for name in (*_COMMON, *names):
        if name in data:
            fields[name] = _plain(data[name])
    fields.update(
        {k: _plain(v) for k, v in data.items() if k.startswith("author_flair_") and v is not None}
    )
    ident = fields.get("id")
    if not isinstance(ident, str) or not _ID.match(ident):
        raise InputError("id: missing or invalid")
    created = _created(fields.get("created_utc"), now=now)
    text_field = "body" if kind == "t1" else "title"
    text = fields.get(text_field)
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{text_field}: missing or empty")
    return Entry(kind, f"{kind}_{ident}", created, fields, _karma(data.get("author")))


def to_mention(entry: Entry, *, connector: str) -> Mention:
    """The Mention for one entry; `raw` is the dict of fields read, never the praw object."""
    fields = entry.fields
    author = fields.get("author")
    parent = fields.get("parent_id") if entry.kind == "t1" else None
    metrics = {
        key: fields[key]
        for key in ("score", "num_comments", "upvote_ratio", "subreddit")
        if fields.get(key) is not None
    }
    title = fields.get("title") if entry.kind == "t3" else None
    return Mention(
        source=SOURCE,
        external_id=entry.fullname,
        text=clean_text(entry.text),
        created_at=datetime.fromtimestamp(entry.created, tz=UTC),
        connector=connector,
        url=_url(fields),
        author=author if isinstance(author, str) and author not in _GONE else None,
        author_followers=entry.author_karma,
        lang=None,
        title=clean_text(title, limit=500) if isinstance(title, str) else None,
        in_reply_to=parent if isinstance(parent, str) and parent else None,
        metrics=metrics,
        raw=dict(fields),
    )


def _created(value: Any, *, now: datetime) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError("created_utc: missing or not a number")
    seconds = float(value)
    if not math.isfinite(seconds) or seconds <= 0:
        raise InputError(f"created_utc: out of range ({value!r})")
    if seconds > (now + MAX_FUTURE).timestamp():
        raise InputError(f"created_utc: in the future ({value!r})")
    return seconds


def _plain(value: Any) -> Any:
    """JSON-ready values: authors and subreddits (praw objects) become their names."""
    if isinstance(value, Redditor):
        return vars(value).get("name")
    if isinstance(value, Subreddit):
        return vars(value).get("display_name")
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return _safe_repr(value)


def _safe_repr(value: Any) -> str:
    """repr(), or the type's name when a half-built praw object cannot describe itself."""
    try:
        return repr(value)
    except Exception:  # any failure here just means "no better name"
        return type(value).__name__


def _karma(author: Any) -> int | None:
    """Karma only if the listing already carried it: reading it from praw would cost a request."""
    if not isinstance(author, Redditor):
        return None
    data = vars(author)
    link, comment = data.get("link_karma"), data.get("comment_karma")
    if isinstance(link, int) and isinstance(comment, int):
        return max(0, link + comment)
    return None


def _url(fields: dict[str, Any]) -> str | None:
    for key in ("permalink", "context"):  # inbox mentions carry `context`, not `permalink`
        path = fields.get(key)
        if isinstance(path, str) and path.startswith("/"):
            return WEB_URL + path.split("?", 1)[0]
    return None


@dataclass(frozen=True, slots=True)
class Cursor:
    """Newest creation time read, the fullnames read at that second, and skipped entries.

    Reddit times have one-second resolution, so the fullnames at `t` tell a second item of the
    same second from one already stored. `skipped` remembers malformed entries still above the
    stopping point, so that they are counted once, not on every run.
    """

    t: float
    seen: frozenset[str] = frozenset()
    skipped: frozenset[str] = field(default=frozenset())

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        """None for no cursor; ValueError for one this connector did not write."""
        if not text:
            return None
        state = json.loads(text)
        if not isinstance(state, dict):
            raise ValueError("not a JSON object")
        t = state["t"]
        if isinstance(t, bool) or not isinstance(t, int | float) or not 0 <= t < _MAX_EPOCH:
            raise ValueError("t: not a time in seconds")
        seen, skipped = state.get("seen", []), state.get("skipped", [])
        if not _strings(seen) or not _strings(skipped):
            raise ValueError("seen/skipped: not lists of strings")
        return cls(float(t), frozenset(seen), frozenset(skipped))

    def admits(self, entry: Entry) -> bool:
        """Newer than `t`, or at `t` and not read yet."""
        return entry.created > self.t or (
            entry.created == self.t and entry.fullname not in self.seen
        )

    def dumps(self) -> str:
        state: dict[str, Any] = {"t": self.t, "seen": sorted(self.seen)}
        if self.skipped:
            state["skipped"] = sorted(self.skipped)
        return json.dumps(state)


def advance(
    previous: Cursor | None, read: Iterable[Entry], skipped: Iterable[str], *, floor: float
) -> Cursor | None:
    """The cursor after `read` (entries the previous cursor admitted) and skipped entries.

    A first run that read nothing keeps no cursor, so the next run looks back afresh.
    """
    entries = list(read)
    bad = frozenset(list(skipped)[:_MAX_REMEMBERED])
    if not entries:
        if previous is not None:
            return Cursor(previous.t, previous.seen, bad)
        return Cursor(floor, frozenset(), bad) if bad else None
    newest = max(e.created for e in entries)
    at_newest = {e.fullname for e in entries if e.created == newest}
    if previous is not None and newest == previous.t:
        at_newest |= previous.seen
    return Cursor(newest, frozenset(at_newest), bad)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


# --- Errors ------------------------------------------------------------------------------------


def map_error(exc: Exception, name: str) -> ConnectorError:
    """Transient (rate limits, 5xx, network, truncated bodies) or fatal (auth, missing target)."""
    if isinstance(exc, pc.ResponseException):
        return _response_error(exc, name)
    if isinstance(exc, pc.RequestException):  # connection errors and timeouts, after praw's retries
        cause = type(exc.original_exception).__name__
        return RetriableConnectorError(f"{name}: request to Reddit failed ({cause})")
    if isinstance(exc, pc.OAuthException):
        return FatalConnectorError(f"{name}: Reddit refused the credentials ({exc.error})")
    if isinstance(exc, RedditAPIException):
        return api_error(exc)
    return FatalConnectorError(f"{name}: {type(exc).__name__}: {exc}")


def _response_error(exc: pc.ResponseException, name: str) -> ConnectorError:
    status = exc.response.status_code
    if status == 429:
        reset_at = _reset_at(exc.response.headers)
        return RetriableConnectorError(f"{name}: rate limited by Reddit", reset_at=reset_at)
    if isinstance(exc, pc.BadJSON) or status >= 500 or status == 408:
        bad_json = isinstance(exc, pc.BadJSON)
        what = "an invalid or truncated JSON body" if bad_json else f"HTTP {status}"
        return RetriableConnectorError(f"{name}: Reddit answered {what}")
    if isinstance(exc, pc.Redirect):  # Reddit sends unknown subreddits to its search page
        return FatalConnectorError(f"{name}: subreddit not found (redirected to {exc.path})")
    hint = (
        "check client id, secret, account and whether the subreddits are private"
        if status in (401, 403)
        else type(exc).__name__
    )
    return FatalConnectorError(f"{name}: Reddit answered HTTP {status} ({hint})")


def api_error(exc: RedditAPIException) -> ConnectorError:
    """RATELIMIT is worth waiting for; anything else (locked, deleted, archived) is a refusal."""
    detail = "; ".join(f"{item.error_type}: {item.message}" for item in exc.items)
    for item in exc.items:
        if item.error_type == "RATELIMIT":
            match = _WAIT.search(item.message or "")
            reset_at = None
            if match:
                unit = {"millisecond": 0.001, "second": 1, "minute": 60}[match.group(2)]
                reset_at = datetime.now(UTC) + timedelta(seconds=int(match.group(1)) * unit)
            return RetriableConnectorError(f"Reddit limits posting: {detail}", reset_at=reset_at)
    return ReplyRejected(f"Reddit refused the reply: {detail}")


def _reset_at(headers: Any) -> datetime | None:
    """When Reddit's window resets: `x-ratelimit-reset` or `retry-after`, both in seconds."""
    waits = []
    for key in ("x-ratelimit-reset", "retry-after"):
        try:
            wait = float(headers.get(key))
        except (TypeError, ValueError):
            continue
        if math.isfinite(wait) and wait >= 0:
            waits.append(wait)
    return datetime.now(UTC) + timedelta(seconds=max(waits)) if waits else None
