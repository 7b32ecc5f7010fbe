"""`type: x` — posts on X through API v2 (tweepy): a recent search, or the brand account's mentions.

X bills every post read, so each `fetch` reads at most `max_pages` pages of `max_results` posts.
The cursor is the newest post id read (`since_id`). When `max_pages` stops a run before the end,
the unread older posts are not dropped: the cursor also keeps that gap as a `since_id`/`until_id`
range, read first on the next run (see docs/connectors/x.md).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Annotated, Any, ClassVar, Literal

import requests
import tweepy  # type: ignore[import-untyped]
from pydantic import BeforeValidator, Field, SecretStr, model_validator

from connectors.base import (
    ConnectorError,
    ConnectorSettings,
    FatalConnectorError,
    ReplyRejected,
    RetriableConnectorError,
)
from connectors.retry import call_with_retries
from connectors.x_payload import (
    POST_LIMIT,
    URL_WEIGHT,
    BadPage,
    Cursor,
    Page,
    parse_page,
    reply_problem,
    same_reply_text,
    snowflake,
)
from monitor.models import Batch, Mention

logger = logging.getLogger(__name__)

RECENT_WINDOW = timedelta(days=7)
WINDOW_MARGIN = timedelta(minutes=5)
"""X refuses a `start_time` even a moment older than 7 days: stay clear of the edge."""
EXPANSIONS = "author_id"
USER_FIELDS = "public_metrics,username,name"
TWEET_FIELDS = (
    "created_at,lang,public_metrics,conversation_id,in_reply_to_user_id,referenced_tweets,entities"
)


def _id_text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _handle(value: Any) -> Any:
    return value.strip().lstrip("@") if isinstance(value, str) else value


XId = Annotated[str, BeforeValidator(_id_text), Field(pattern=r"^[0-9]{1,19}$")]
Handle = Annotated[str, BeforeValidator(_handle), Field(pattern=r"^[A-Za-z0-9_]{1,15}$")]


class XSettings(ConnectorSettings):
    type: Literal["x"] = "x"
    mode: Literal["search", "mentions"] = "search"
    query: str | None = Field(None, min_length=1, max_length=4096)
    user_id: XId | None = None
    brand_handle: Handle | None = None
    bearer_token: SecretStr
    consumer_key: SecretStr | None = None
    consumer_secret: SecretStr | None = None
    access_token: SecretStr | None = None
    access_token_secret: SecretStr | None = None
    max_results: int = Field(100, ge=10, le=100)
    max_pages: int = Field(3, ge=1, le=50)
    timeout: float = Field(15.0, gt=0, le=300)

    @model_validator(mode="after")
    def _mode_needs(self) -> XSettings:
        if self.mode == "search" and not (self.query or "").strip():
            raise ValueError("`query` is required when mode is search")
        if self.mode == "mentions" and self.user_id is None:
            raise ValueError("`user_id` (the brand account's numeric id) is required for mentions")
        if self.enabled and not self.bearer_token.get_secret_value().strip():
            raise ValueError("`bearer_token` is empty")
        return self

    def user_context(self) -> dict[str, str] | None:
        """The four OAuth 1.0a user-context keys replies need; None unless all are set."""
        keys = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
        values = {key: getattr(self, key) for key in keys}
        if any(v is None or not v.get_secret_value().strip() for v in values.values()):
            return None
        return {key: v.get_secret_value() for key, v in values.items()}


class _TimeoutSession(requests.Session):
    """tweepy passes no timeout to requests; this session adds one to every request."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, method: str, url: str, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, **kwargs)


class _StaleSinceId(FatalConnectorError):
    """X refused `since_id` as older than its recent window (a connector idle for a week)."""


@dataclass(slots=True)
class _Read:
    mentions: list[Mention] = field(default_factory=list)
    skipped: int = 0
    newest: int | None = None
    oldest: int | None = None
    pages: int = 0
    truncated: bool = False
    lower: int = 0  # the id bound this read started above (since_id, or the window's start)


class XConnector:
    """Reads new posts for one query or account; replies to direct mentions when asked."""

    Settings: ClassVar[type[ConnectorSettings]] = XSettings

    def __init__(
        self,
        settings: XSettings,
        client: tweepy.Client,
        *,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.settings = settings
        self._client = client
        self._sleep = sleep

    @classmethod
    def from_settings(cls, settings: XSettings) -> XConnector:
        bearer = settings.bearer_token.get_secret_value().strip()
        if not bearer:
            raise FatalConnectorError(f"{settings.name}: bearer_token is empty (X_BEARER_TOKEN)")
        client = tweepy.Client(
            bearer_token=bearer,
            **(settings.user_context() or {}),
            wait_on_rate_limit=False,  # a 429 is raised with its reset time, never slept on
            return_type=dict,  # parsed here, post by post: one bad post must not lose a page
        )
        client.session = _TimeoutSession(settings.timeout)
        return cls(settings, client)

    @property
    def client(self) -> tweepy.Client:
        return self._client

    def close(self) -> None:
        """Release pooled HTTP connections."""
        self._client.session.close()

    # --- Reading --------------------------------------------------------------------------------

    def fetch(self, cursor: str | None) -> Batch:
        """New posts since the cursor; a gap left by `max_pages` last run is read first."""
        name = self.settings.name
        state = Cursor.parse(cursor, name)
        newest, gap, budget = state.newest, state.gap, self.settings.max_pages
        reads: list[_Read] = []
        if gap is not None:
            read = self._read(gap[0], gap[1], budget)
            reads.append(read)
            budget -= read.pages
            gap = _gap_left(read)
        if gap is None and budget > 0:
            read = self._read(newest, None, budget)
            reads.append(read)
            gap = _gap_left(read)
            newest = max((i for i in (newest, read.newest) if i is not None), default=None)
        if gap is not None:
            logger.warning(
                "x %s: max_pages (%d) reached with at least one page left; posts between ids "
                "%d and %d are read next run",
                name,
                self.settings.max_pages,
                gap[0],
                gap[1],
            )
        mentions = [m for read in reads for m in read.mentions]
        mentions.sort(key=lambda m: (m.created_at, int(m.external_id)))
        skipped = sum(read.skipped for read in reads)
        pages = sum(read.pages for read in reads)
        logger.debug("x %s: %d posts, %d skipped, %d pages", name, len(mentions), skipped, pages)
        return Batch(mentions, Cursor(newest, gap).dump(), more=False, skipped=skipped)

    def _read(self, since_id: int | None, until_id: int | None, budget: int) -> _Read:
        try:
            return self._pages(since_id, until_id, budget)
        except _StaleSinceId:
            floor = self._window_start()
            logger.warning(
                "x %s: cursor older than X's 7-day window, reading from %s; older posts are gone",
                self.settings.name,
                floor.isoformat(),
            )
            if until_id is None:
                return self._pages(None, None, budget)
            if until_id <= snowflake(floor):
                return _Read()  # the whole gap has aged out of the window
            return self._pages(snowflake(floor), until_id, budget)

    def _pages(self, since_id: int | None, until_id: int | None, budget: int) -> _Read:
        # X refuses start_time together with since_id/until_id: the window only bounds first runs.
        start = self._window_start() if since_id is None and until_id is None else None
        read, token = _Read(lower=since_id or snowflake(start or datetime.now(UTC))), None
        while read.pages < budget:
            page = self._page(since_id, until_id, start, token)
            read.pages += 1
            read.mentions.extend(page.mentions)
            read.skipped += page.skipped
            if page.newest is not None:
                read.newest = max(read.newest or 0, page.newest)
            if page.oldest is not None:
                read.oldest = min(read.oldest or page.oldest, page.oldest)
            token = page.next_token
            if token is None:
                return read
        read.truncated = True
        return read

    def _page(
        self, since_id: int | None, until_id: int | None, start: datetime | None, token: str | None
    ) -> Page:
        s = self.settings
        params: dict[str, Any] = {
            "expansions": EXPANSIONS,
            "user_fields": USER_FIELDS,
            "tweet_fields": TWEET_FIELDS,
            "max_results": s.max_results,
            "since_id": since_id,
            "until_id": until_id,
            "start_time": start,
        }
        if s.mode == "search":
            params.update(query=s.query, sort_order="recency", next_token=token)
            call = partial(self._client.search_recent_tweets, **params)
        else:
            params.update(id=s.user_id, pagination_token=token)
            call = partial(self._client.get_users_mentions, **params)
        payload = call_with_retries(partial(self._call, call), attempts=3, sleep=self._sleep)
        try:
            page = parse_page(
                payload, connector=s.name, brand_handle=s.brand_handle, user_id=s.user_id
            )
        except BadPage as exc:
            raise RetriableConnectorError(f"{s.name}: unexpected response from X: {exc}") from exc
        if page.errors:
            first = page.errors[0] if isinstance(page.errors[0], dict) else {}
            logger.info(
                "x %s: X reported %d partial errors with this page (first: %s)",
                s.name,
                len(page.errors),
                first.get("detail") or first.get("title") or "?",
            )
        return page

    def _window_start(self) -> datetime:
        now = datetime.now(UTC)
        return max(now - self.settings.lookback, now - RECENT_WINDOW + WINDOW_MARGIN)

    def _call(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except tweepy.BadRequest as exc:
            if any("since_id" in (e.get("parameters") or {}) for e in _dicts(exc.api_errors)):
                raise _StaleSinceId(f"{self.settings.name}: {_detail(exc)}") from exc
            raise _translate(exc, self.settings.name) from exc
        except (tweepy.HTTPException, requests.RequestException) as exc:
            raise _translate(exc, self.settings.name) from exc

    # --- Replying -------------------------------------------------------------------------------

    def reply_rules(self) -> str:
        """For the reply modal: X's length rule and whom the API lets us answer."""
        account = self._account()
        whom = f"@{account}" if account else "the brand account"
        return (
            f"X: up to {POST_LIMIT} characters (a link counts {URL_WEIGHT}, an emoji or a CJK "
            "character 2); only posts "
            f"that mention {whom} can be answered through the API"
        )

    def reply_problem(self, mention: Mention, text: str | None) -> str | None:
        """Why X would refuse this reply, before any call; None when it can be sent."""
        if mention.source != "x":
            return f"not an X post: {mention.source}"
        if not self._addressed(mention):
            return (
                "not a direct mention: X only accepts API replies to posts that mention or reply "
                "to the brand account; answer from the X app instead"
            )
        if text is None:
            return None
        addressed = replace(mention, metrics={**mention.metrics, "direct_mention": True})
        return reply_problem(addressed, text.strip())

    def reply(self, mention: Mention, text: str) -> str:
        """Post `text` as a public reply to `mention`; the caller (an agent) decides to send it."""
        name = self.settings.name
        self._need_user_context()
        body = text.strip()
        problem = self.reply_problem(mention, body)
        if problem:
            raise ReplyRejected(problem)
        try:
            payload = self._client.create_tweet(
                text=body, in_reply_to_tweet_id=mention.external_id, user_auth=True
            )
        except (tweepy.BadRequest, tweepy.Forbidden, tweepy.NotFound) as exc:
            detail = _detail(exc)
            if "duplicate" in detail.lower():
                raise ReplyRejected("duplicate: X refuses the same text twice; reword it") from exc
            if isinstance(exc, tweepy.Forbidden) and "repl" not in detail.lower():
                raise _translate(exc, name) from exc  # app permissions, suspended account
            raise ReplyRejected(f"refused by X: {detail}") from exc
        except (tweepy.HTTPException, requests.RequestException) as exc:
            raise _translate(exc, name) from exc
        data = payload.get("data") if isinstance(payload, dict) else None
        reply_id = data.get("id") if isinstance(data, dict) else None
        if not isinstance(reply_id, str):
            raise ConnectorError(f"{name}: X accepted the reply but returned no id")
        logger.info("x %s: replied to %s with %s", name, mention.external_id, reply_id)
        return reply_id

    def find_reply(self, mention: Mention, text: str, *, since: datetime) -> str | None:
        """Our post answering `mention` with this text, from the account's own timeline (newer
        than the post).

        After a crash mid-send, this tells "posted, the answer was lost" from "never posted".
        Another reply of ours to the same post (an earlier answer, a different text) is not
        this one, so the text must match as X returns it (see `same_reply_text`).
        """
        self._need_user_context()
        try:
            me = self._client.get_me(user_auth=True)
            user_id = (me.get("data") or {}).get("id") if isinstance(me, dict) else None
            if not isinstance(user_id, str):
                raise RetriableConnectorError(f"{self.settings.name}: X returned no user id")
            page = self._client.get_users_tweets(
                id=user_id,
                since_id=mention.external_id,
                max_results=100,
                tweet_fields="referenced_tweets,created_at",
                user_auth=True,
            )
        except (tweepy.HTTPException, requests.RequestException) as exc:
            raise _translate(exc, self.settings.name) from exc
        posts = page.get("data") if isinstance(page, dict) else None
        for post in posts if isinstance(posts, list) else []:
            if not isinstance(post, dict) or not isinstance(post.get("id"), str):
                continue
            refs = post.get("referenced_tweets")
            answers = any(
                isinstance(ref, dict)
                and ref.get("type") == "replied_to"
                and ref.get("id") == mention.external_id
                for ref in (refs if isinstance(refs, list) else [])
            )
            posted = post.get("text")
            if answers and isinstance(posted, str) and same_reply_text(posted, text):
                return str(post["id"])
        return None

    def _need_user_context(self) -> None:
        if self.settings.user_context() is None:
            raise FatalConnectorError(
                f"{self.settings.name}: replies need user-context credentials (consumer_key, "
                "consumer_secret, access_token, access_token_secret: X_API_KEY, X_API_SECRET, "
                "X_ACCESS_TOKEN, X_ACCESS_SECRET)"
            )

    def _account(self) -> str | None:
        """The brand's handle without `@`: `reply.account`, else `brand_handle`."""
        account = self.settings.reply.account or self.settings.brand_handle
        return account.strip().lstrip("@") or None if account else None

    def _addressed(self, mention: Mention) -> bool:
        """X's rule: the post mentions or answers the brand account.

        `metrics.direct_mention` decides when the connector knew the account while reading
        (`brand_handle` or `user_id`); otherwise the post's mentions or text are checked for
        `reply.account`.
        """
        if mention.metrics.get("direct_mention") or self.settings.mode == "mentions":
            return True
        known = self.settings.brand_handle or self.settings.user_id
        if known and "direct_mention" in mention.metrics:
            return False
        account = self._account()
        if not account:
            return False
        raw = mention.raw or {}
        entities = raw.get("entities") if isinstance(raw, dict) else None
        named = entities.get("mentions") if isinstance(entities, dict) else None
        for item in named if isinstance(named, list) else []:
            username = item.get("username") if isinstance(item, dict) else None
            if isinstance(username, str) and username.lower() == account.lower():
                return True
        pattern = rf"(?<![A-Za-z0-9_])@{re.escape(account)}(?![A-Za-z0-9_])"
        return re.search(pattern, mention.text, re.IGNORECASE) is not None


def _translate(exc: Exception, name: str) -> ConnectorError:
    """tweepy / requests errors → repmon's tree: try again later, or stop and tell ops."""
    if isinstance(exc, tweepy.TooManyRequests):
        reset = exc.reset_time
        reset_at = datetime.fromtimestamp(reset, UTC) if isinstance(reset, int) else None
        return RetriableConnectorError(f"{name}: rate limited by X (429)", reset_at=reset_at)
    if isinstance(exc, tweepy.Unauthorized | tweepy.Forbidden):
        status = exc.response.status_code
        return FatalConnectorError(f"{name}: X refused the credentials ({status}): {_detail(exc)}")
    if isinstance(exc, tweepy.HTTPException):
        status = exc.response.status_code
        message = f"{name}: X answered {status}: {_detail(exc)}"
        if status >= 500:
            return RetriableConnectorError(message)
        return FatalConnectorError(message)  # 400 bad query, 404 unknown user_id, ...
    if isinstance(exc, requests.JSONDecodeError):
        return RetriableConnectorError(f"{name}: truncated or invalid JSON from X")
    return RetriableConnectorError(f"{name}: cannot reach X: {type(exc).__name__}")


def _gap_left(read: _Read) -> tuple[int, int] | None:
    """Ids a read stopped by `max_pages` left unread: above its lower bound, below its oldest."""
    if read.truncated and read.oldest is not None and read.lower < read.oldest:
        return (read.lower, read.oldest)
    return None


def _dicts(values: Any) -> list[dict[str, Any]]:
    return [v for v in values if isinstance(v, dict)] if isinstance(values, list) else []


def _detail(exc: Any) -> str:
    messages = [str(m) for m in getattr(exc, "api_messages", []) if m]
    return "; ".join(messages)[:300] or str(exc).splitlines()[0]
