"""`type: reddit` — search, subreddit (keyword-filtered) or inbox mentions via praw; replies,
and the answers to them from the account's inbox."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

import praw
from praw.exceptions import PRAWException, RedditAPIException
from prawcore import exceptions as pc
from pydantic import AfterValidator, BeforeValidator, Field, SecretStr, model_validator

from connectors.base import ConnectorSettings, FatalConnectorError, ReplyRejected
from connectors.reddit_payload import (
    Cursor,
    Entry,
    advance,
    api_error,
    decode,
    identity,
    map_error,
    to_mention,
)
from connectors.retry import call_with_retries
from monitor.errors import InputError
from monitor.models import Batch, Mention
from monitor.textnorm import fold_text, keyword_pattern

logger = logging.getLogger(__name__)

MAX_REPLY_CHARS = 10_000
_SUBREDDIT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{1,20}$")
_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
_FULLNAME = re.compile(r"^t[13]_[0-9a-z]{1,16}$")
_TIME_FILTERS = (
    (timedelta(hours=1), "hour"),
    (timedelta(days=1), "day"),
    (timedelta(days=7), "week"),
    (timedelta(days=31), "month"),
    (timedelta(days=366), "year"),
)
REPLIES = "replies"
"""The listing of answers to the account's comments (`GET /message/comments`)."""


def _subreddit(name: str) -> str:
    if not _SUBREDDIT.match(name):
        raise ValueError(f"not a subreddit name: {name!r} (write `acme`, not `r/acme`)")
    return name


def _endpoint(url: str) -> str:
    """https, or http to a loopback test server: credentials never travel in clear text."""
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        return url.rstrip("/")
    raise ValueError("must be an https:// URL (http:// only for a loopback test server)")


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


class RedditSettings(ConnectorSettings):
    type: Literal["reddit"] = "reddit"
    mode: Literal["search", "subreddit", "inbox"] = "search"
    subreddits: list[Annotated[str, AfterValidator(_subreddit)]] = Field(["all"], min_length=1)
    query: str | None = None
    keywords: list[str] = []
    client_id: SecretStr
    client_secret: SecretStr
    user_agent: str = Field(min_length=7)  # Reddit: "platform:app-id:version (by /u/username)"
    username: Annotated[str | None, BeforeValidator(_blank_to_none)] = None
    password: Annotated[SecretStr | None, BeforeValidator(_blank_to_none)] = None
    limit: int = Field(100, ge=1, le=1000)
    timeout: float = Field(16, gt=0, le=300)
    oauth_url: Annotated[str, AfterValidator(_endpoint)] = "https://oauth.reddit.com"
    reddit_url: Annotated[str, AfterValidator(_endpoint)] = "https://www.reddit.com"

    @model_validator(mode="after")
    def _mode_needs(self) -> RedditSettings:
        if self.mode == "search" and not (self.query or "").strip():
            raise ValueError("`query` is required when mode is search")
        if self.mode == "subreddit" and keyword_pattern(self.keywords) is None:
            raise ValueError("`keywords` (a non-empty list) is required when mode is subreddit")
        if (self.username is None) != (self.password is None) and self.enabled:
            raise ValueError("give both `username` and `password`, or neither")
        if self.mode == "inbox" and self.enabled and self.username is None:
            raise ValueError("`username` and `password` are required when mode is inbox")
        return self


@dataclass
class _Read:
    entries: list[Entry] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)
    skipped: int = 0
    answers: set[str] = field(default_factory=set)  # read from REPLIES: kept without keywords


class RedditConnector:
    """Newest-first listings read down to the cursor; one praw instance each (not thread-safe)."""

    Settings: ClassVar[type[ConnectorSettings]] = RedditSettings

    def __init__(
        self,
        settings: RedditSettings,
        reddit: praw.Reddit,
        *,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.settings = settings
        self._reddit = reddit
        self._sleep = sleep  # between retries within a run; tests pass a no-op
        subreddit_mode = settings.mode == "subreddit"
        self._keywords = keyword_pattern(settings.keywords) if subreddit_mode else None

    @classmethod
    def from_settings(
        cls, settings: RedditSettings, *, sleep: Callable[[float], None] | None = None
    ) -> RedditConnector:
        account = settings.username is not None and settings.password is not None
        password = settings.password.get_secret_value() if account and settings.password else None
        try:
            reddit = praw.Reddit(  # read-only (client credentials) unless there is an account
                client_id=settings.client_id.get_secret_value(),
                client_secret=settings.client_secret.get_secret_value(),
                user_agent=settings.user_agent,
                username=settings.username if account else None,
                password=password,
                check_for_async=False,
                check_for_updates=False,  # praw would otherwise ask PyPI once per process
                timeout=math.ceil(settings.timeout),
                oauth_url=settings.oauth_url,
                reddit_url=settings.reddit_url,
            )
        except (PRAWException, pc.PrawcoreException) as exc:
            raise FatalConnectorError(f"{settings.name}: cannot set up praw: {exc}") from exc
        return cls(settings, reddit, sleep=sleep)

    def fetch(self, cursor: str | None) -> Batch:
        name = self.settings.name
        try:
            state = Cursor.parse(cursor)
        except (ValueError, KeyError) as exc:
            logger.warning("%s: unusable cursor (%s); looking back as on a first run", name, exc)
            state = None
        now = datetime.now(UTC)
        floor = state.t if state else (now - self.settings.lookback).timestamp()
        read = call_with_retries(lambda: self._read(state, floor, now), sleep=self._sleep)
        mentions = [
            to_mention(e, connector=name)
            for e in read.entries
            if e.fullname in read.answers or self._wanted(e)
        ]
        new_cursor = advance(state, read.entries, read.bad, floor=floor)
        logger.debug(
            "%s: %d new, %d not matching keywords, %d skipped",
            name,
            len(mentions),
            len(read.entries) - len(mentions),
            read.skipped,
        )
        return Batch(mentions, new_cursor.dumps() if new_cursor else None, skipped=read.skipped)

    def reply_rules(self) -> str:
        """For the reply modal."""
        who = f"u/{self.settings.username}" if self.settings.username else "the configured account"
        return f"Reddit: up to {MAX_REPLY_CHARS} characters, posted as a comment by {who}"

    def reply_problem(self, mention: Mention, text: str | None) -> str | None:
        """Why Reddit would refuse this reply, before any call; None when it can be sent."""
        kind, _, ident = mention.external_id.partition("_")
        if mention.source != "reddit" or kind not in ("t1", "t3") or not ident:
            return f"not a Reddit post or comment: {mention.external_id!r}"
        if text is None:
            return None
        if not text.strip():
            return "the reply is empty"
        if len(text) > MAX_REPLY_CHARS:
            return f"the reply has {len(text)} characters; Reddit allows {MAX_REPLY_CHARS}"
        return None

    def reply(self, mention: Mention, text: str) -> str:
        """Post a comment under the mention as the configured account; its fullname."""
        name = self.settings.name
        self._need_account()
        problem = self.reply_problem(mention, text)
        if problem:
            raise ReplyRejected(problem)
        kind, _, ident = mention.external_id.partition("_")
        target = self._reddit.comment(ident) if kind == "t1" else self._reddit.submission(ident)
        try:
            posted = target.reply(body=text)
        except RedditAPIException as exc:
            raise api_error(exc) from exc
        except (pc.Forbidden, pc.NotFound) as exc:
            raise ReplyRejected(
                f"Reddit refused the reply ({exc}): locked, removed or banned"
            ) from exc
        except (PRAWException, pc.PrawcoreException) as exc:
            raise map_error(exc, name) from exc
        if posted is None:  # quarantined subreddit: posted, but Reddit returns no id
            logger.warning("%s: reply to %s posted without an id", name, mention.external_id)
            return ""
        logger.info("%s: replied to %s", name, mention.external_id)
        return f"t1_{vars(posted)['id']}"

    def find_reply(self, mention: Mention, text: str, *, since: datetime) -> str | None:
        """Our comment under `mention`, from the account's newest comments (after a crash)."""
        self._need_account()
        floor = since.timestamp() - 60  # clocks differ; a minute's margin is plenty
        try:
            for comment in self._reddit.redditor(self.settings.username).comments.new(limit=100):
                data = vars(comment)
                if float(data.get("created_utc") or 0) < floor:
                    break  # newest first: everything further is older than the attempt
                if data.get("parent_id") == mention.external_id:
                    return f"t1_{data['id']}"
        except RedditAPIException as exc:
            raise api_error(exc) from exc
        except (PRAWException, pc.PrawcoreException) as exc:
            raise map_error(exc, self.settings.name) from exc
        return None

    def _need_account(self) -> None:
        if self.settings.username is None or self.settings.password is None:
            raise FatalConnectorError(
                f"{self.settings.name}: replies need `username` and `password`"
            )

    def _wanted(self, entry: Entry) -> bool:
        return self._keywords is None or self._keywords.search(fold_text(entry.text)) is not None

    def _reads_replies(self) -> bool:
        """Whether we post replies, so that answers to them matter (the outcome loop judges the
        author's answer); they arrive only in the account's inbox, which needs the account."""
        settings = self.settings
        has_account = settings.username is not None and settings.password is not None
        return settings.reply.enabled and has_account

    def _listings(self, state: Cursor | None, now: datetime) -> Iterator[tuple[str, Any]]:
        """praw's listing generators (newest first) for one attempt: their URL, params and limit."""
        yield from self._mode_listings(state, now)
        if self._reads_replies():
            yield REPLIES, self._reddit.inbox.comment_replies(limit=self.settings.limit)

    def _mode_listings(self, state: Cursor | None, now: datetime) -> Iterator[tuple[str, Any]]:
        limit = self.settings.limit
        if self.settings.mode == "inbox":
            yield "inbox", self._reddit.inbox.mentions(limit=limit)
            return
        subreddit = self._reddit.subreddit("+".join(self.settings.subreddits))
        if self.settings.mode == "subreddit":
            yield "new", subreddit.new(limit=limit)
            yield "comments", subreddit.comments(limit=limit)
            return
        since = now - datetime.fromtimestamp(state.t, tz=UTC) if state else timedelta(0)
        window = max(self.settings.lookback, since)
        time_filter = _time_filter(window)
        query = self.settings.query or ""
        yield "search", subreddit.search(query, sort="new", time_filter=time_filter, limit=limit)

    def _read(self, state: Cursor | None, floor: float, now: datetime) -> _Read:
        out, fullnames = _Read(), set()
        name = self.settings.name
        for label, listing in self._listings(state, now):
            count, reached = 0, False
            for obj in _children(self._reddit, listing, name):
                count += 1
                try:
                    if isinstance(obj, _Unbuilt):
                        raise InputError(obj.reason)
                    entry = decode(obj, now=now)
                except InputError as exc:
                    ident = obj.name if isinstance(obj, _Unbuilt) else identity(obj)
                    out.bad.append(ident)
                    if state is None or ident not in state.skipped:
                        out.skipped += 1
                        logger.warning("%s: %s entry %s skipped: %s", name, label, ident, exc)
                    continue
                if entry.created < floor:
                    reached = True
                    break
                if label == REPLIES:  # even when another listing read it first
                    out.answers.add(entry.fullname)
                if (state and not state.admits(entry)) or entry.fullname in fullnames:
                    continue
                fullnames.add(entry.fullname)
                out.entries.append(entry)
            if state and not reached and count >= self.settings.limit:
                logger.warning(
                    "%s: %s: read limit %d reached before the cursor; older new items were "
                    "not read (raise `limit` or poll more often)",
                    name,
                    label,
                    self.settings.limit,
                )
        return out


@dataclass(frozen=True, slots=True)
class _Unbuilt:
    """A listing child praw could not build: skipped and counted alone, like a malformed post."""

    name: str
    reason: str


def _children(reddit: praw.Reddit, listing: Any, name: str) -> Iterator[Any]:
    """The entries of one of praw's listing generators, newest first, up to its `limit`.

    praw's generator builds a whole page at once, so one child it cannot build would fail the
    page and lose its good posts. Here each page is read as JSON (`Reddit.request`, with the
    generator's own URL and parameters) and each child is built on its own.
    """
    params = dict(listing.params)
    left: int | None = listing.limit
    while True:
        try:
            page = reddit.request(method="GET", path=listing.url, params=params)
        except (PRAWException, pc.PrawcoreException) as exc:
            raise map_error(exc, name) from exc
        children, after = _page(page, name)
        for child in children:
            if left is not None:
                if left <= 0:
                    return
                left -= 1
            yield _build(reddit, child)
        if not children or after is None or after == params.get("after"):
            return
        params["after"] = after


def _page(page: Any, name: str) -> tuple[list[Any], str | None]:
    """A listing's children and `after`; FatalConnectorError for an answer that is no listing."""
    data = page.get("data") if isinstance(page, dict) else None
    children = data.get("children") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(children, list):
        what = type(page).__name__
        raise FatalConnectorError(f"{name}: Reddit answered something that is no listing ({what})")
    after = data.get("after")
    return children, after if isinstance(after, str) and after else None


def _build(reddit: praw.Reddit, child: Any) -> Any:
    """The praw object for one child, as praw's generator would build it, or `_Unbuilt`."""
    try:
        # praw has no public per-child builder; its objector is what its own generator uses.
        return reddit._objector.objectify(data=child)
    except (PRAWException, AssertionError, AttributeError, KeyError, TypeError, ValueError) as exc:
        # praw's parsers assume Reddit's JSON; fuzzing finds each of these (asserts included).
        reason = f"praw could not build it ({type(exc).__name__}: {exc})"
        return _Unbuilt(_child_name(child), reason)


def _child_name(child: Any) -> str:
    """Its fullname when the child carries a usable one, else a digest of its fields."""
    data = child.get("data") if isinstance(child, dict) else None
    fullname = data.get("name") if isinstance(data, dict) else None
    if isinstance(fullname, str) and _FULLNAME.match(fullname):
        return fullname
    return identity(child)


def _time_filter(window: timedelta) -> str:
    for limit, label in _TIME_FILTERS:
        if window <= limit:
            return label
    return "all"
