"""`type: googleplay` — Android app reviews, and replies, via the Google Play Developer API."""

from __future__ import annotations

import json
import logging
import weakref
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Literal

import google_auth_httplib2  # type: ignore[import-untyped]
import httplib2
from google.auth.exceptions import GoogleAuthError, RefreshError, TransportError
from google.oauth2 import service_account
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from pydantic import Field

from connectors._http import Clock, Sleep, status_error, utc_now
from connectors._watermark import (
    bounded_id,
    dump_json_cursor,
    fingerprint,
    iso,
    load_json_cursor,
    resume_from,
)
from connectors.base import (
    ConnectorError,
    ConnectorSettings,
    FatalConnectorError,
    ReplyRejected,
    RetriableConnectorError,
)
from connectors.records import clean_text
from connectors.retry import call_with_retries
from monitor.configtypes import ConfigPath, Duration
from monitor.language import normalize_hint
from monitor.models import Batch, Mention

logger = logging.getLogger(__name__)

SCOPE = "https://www.googleapis.com/auth/androidpublisher"
MAX_REPLY_CHARS = 350
"""Play refuses longer developer replies; checked before sending."""
_REVIEW_URL = "https://play.google.com/store/apps/details?id={package}&reviewId={review}"


class GooglePlaySettings(ConnectorSettings):
    type: Literal["googleplay"] = "googleplay"
    package_name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$")
    credentials_file: ConfigPath
    translation_language: str | None = None
    max_results: int = Field(100, ge=1, le=100)
    max_pages: int = Field(5, ge=1, le=50)
    api_endpoint: str | None = None
    timeout: Duration = timedelta(seconds=30)


class _Malformed(ValueError):
    """One review that cannot become a Mention."""


class GooglePlayConnector:
    """`reviews.list` newest first (by last modification) until a page has nothing new.

    Cursor: `{"last_modified": ISO, "ids": [...]}` — the newest `lastModified` seen and the review
    ids at that second. A review edited later (1★ → 4★) comes back with a newer `lastModified`
    and the same id, so it is returned again; the store dedupes on (source, external_id) and
    `metrics.last_modified` / `metrics.rating` show the edit.
    """

    Settings: ClassVar[type[ConnectorSettings]] = GooglePlaySettings

    def __init__(
        self,
        settings: GooglePlaySettings,
        client: Any,
        *,
        sleep: Sleep | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.settings = settings
        self._service = client
        self._sleep = sleep
        self._clock = clock

    @classmethod
    def from_settings(
        cls, settings: GooglePlaySettings, *, sleep: Sleep | None = None, clock: Clock = utc_now
    ) -> GooglePlayConnector:
        path = settings.credentials_file
        try:
            load = service_account.Credentials.from_service_account_file
            credentials = load(str(path), scopes=[SCOPE])  # type: ignore[no-untyped-call]
        except OSError as exc:
            raise FatalConnectorError(
                f"googleplay {settings.name}: cannot read credentials file {path}: "
                f"{exc.strerror or type(exc).__name__}"
            ) from exc
        except (ValueError, GoogleAuthError) as exc:
            raise FatalConnectorError(
                f"googleplay {settings.name}: {path} is not a service-account JSON key "
                f"({type(exc).__name__})"
            ) from exc
        http = google_auth_httplib2.AuthorizedHttp(
            credentials, http=httplib2.Http(timeout=settings.timeout.total_seconds())
        )
        options = {"api_endpoint": settings.api_endpoint} if settings.api_endpoint else None
        service = build(
            "androidpublisher",
            "v3",
            http=http,
            cache_discovery=False,
            static_discovery=True,
            client_options=options,
        )
        connector = cls(settings, service, sleep=sleep, clock=clock)
        weakref.finalize(connector, service.close)
        return connector

    def close(self) -> None:
        self._service.close()

    def fetch(self, cursor: str | None) -> Batch:
        before = resume_from(
            load_json_cursor(cursor),
            since=self._clock() - self.settings.lookback,
            time_key="last_modified",
            label=f"googleplay {self.settings.name}",
        )
        mark = before.copy()
        found: list[Mention] = []
        skipped = 0
        token: str | None = None
        pages = 0
        while pages < self.settings.max_pages:
            pages += 1
            response = self._list(token)
            reviews = response.get("reviews") or []
            fresh = seen = 0
            for review in reviews if isinstance(reviews, list) else []:
                try:
                    moment, review_id = _identity(review)
                except _Malformed as exc:
                    if mark.first_skip(fingerprint(review)):
                        skipped += 1
                        logger.warning("googleplay %s: review skipped: %s", self.settings.name, exc)
                    continue
                mark.note(moment, review_id)
                if not before.is_new(moment, review_id):
                    seen += 1
                    continue
                fresh += 1
                try:
                    found.append(self._mention(review, review_id, moment))
                except _Malformed as exc:
                    skipped += 1
                    logger.warning(
                        "googleplay %s: review %s skipped: %s", self.settings.name, review_id, exc
                    )
            token = (response.get("tokenPagination") or {}).get("nextPageToken")
            if not token or (fresh == 0 and seen > 0):
                break  # newest first: a page of reviews read before means the rest were too
        else:
            if token:
                logger.warning(
                    "googleplay %s: stopped after max_pages=%d; older new reviews not read",
                    self.settings.name,
                    self.settings.max_pages,
                )
        logger.info(
            "googleplay %s: %d new, %d skipped, %d page(s)",
            self.settings.name,
            len(found),
            skipped,
            pages,
        )
        return Batch(
            found, dump_json_cursor(mark.as_dict(time_key="last_modified")), skipped=skipped
        )

    def _list(self, token: str | None) -> dict[str, Any]:
        params: dict[str, Any] = {
            "packageName": self.settings.package_name,
            "maxResults": self.settings.max_results,
        }
        if token:
            params["token"] = token
        if self.settings.translation_language:
            params["translationLanguage"] = self.settings.translation_language
        label = f"googleplay {self.settings.name}: reviews.list"
        request = self._service.reviews().list(**params)
        data = self._execute(request, label)
        if not isinstance(data, dict):
            raise FatalConnectorError(f"{label}: unexpected response ({type(data).__name__})")
        return data

    def _mention(self, review: dict[str, Any], review_id: str, moment: datetime) -> Mention:
        user, developer = _comments(review)
        rating = user.get("starRating")
        if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
            raise _Malformed(f"starRating out of range: {rating!r}")
        body = user.get("text")
        if not isinstance(body, str):
            raise _Malformed("userComment.text is missing")
        # "In some cases ... title and body are concatenated and separated by a tab character."
        title, _, text = body.partition("\t") if "\t" in body else ("", "", body)
        text, title = clean_text(text.strip()), clean_text(title.strip(), limit=500)
        if not text and not title:
            raise _Malformed("empty review text")
        metrics: dict[str, Any] = {"rating": rating, "last_modified": iso(moment)}
        for key, name in (
            ("appVersionName", "app_version"),
            ("appVersionCode", "app_version_code"),
            ("device", "device"),
            ("androidOsVersion", "android_os_version"),
            ("thumbsUpCount", "thumbs_up"),
        ):
            if user.get(key) is not None:
                metrics[name] = user[key]
        if developer is not None:
            metrics["developer_reply"] = _developer_reply(developer)
        lang = normalize_hint(user.get("reviewerLanguage"))
        if self.settings.translation_language and "originalText" in user:
            metrics["original_lang"] = lang
            lang = normalize_hint(self.settings.translation_language)
        author = str(review.get("authorName") or "").strip() or None
        return Mention(
            source="googleplay",
            connector=self.settings.name,
            external_id=review_id,
            text=text or title,
            created_at=moment,
            url=_REVIEW_URL.format(package=self.settings.package_name, review=review_id),
            author=author,
            author_name=author,
            lang=lang,
            rating=rating,
            title=title or None,
            metrics=metrics,
            raw=review,
        )

    def reply_rules(self) -> str:
        """For the reply modal."""
        return (
            f"Google Play: up to {MAX_REPLY_CHARS} characters; one developer reply per review "
            "(a new one replaces the old)"
        )

    def reply_problem(self, mention: Mention, text: str | None) -> str | None:
        """Why Play would refuse this reply, before any call; None when it can be sent."""
        if mention.source != "googleplay":
            return f"not a Google Play review: {mention.source}"
        if text is None:
            return None
        if not text.strip():
            return "the reply is empty"
        if len(text) > MAX_REPLY_CHARS:
            return (
                f"Google Play replies are limited to {MAX_REPLY_CHARS} characters "
                f"(this one has {len(text)})"
            )
        return None

    def reply(self, mention: Mention, text: str) -> str:
        """Set the developer reply (one per review: a new one replaces the old); the review id."""
        problem = self.reply_problem(mention, text)
        if problem:
            raise ReplyRejected(problem)
        label = f"googleplay {self.settings.name}: reviews.reply"
        request = self._service.reviews().reply(
            packageName=self.settings.package_name,
            reviewId=mention.external_id,
            body={"replyText": text},
        )
        self._execute(request, label, rejections=(400, 404))
        logger.info("googleplay %s: replied to review %s", self.settings.name, mention.external_id)
        return mention.external_id

    def find_reply(self, mention: Mention, text: str, *, since: datetime) -> str | None:
        """The review id when `reviews.get` shows this text, or any reply set since `since`,
        as its developer comment (after a crash: posted, or not)."""
        label = f"googleplay {self.settings.name}: reviews.get"
        request = self._service.reviews().get(
            packageName=self.settings.package_name, reviewId=mention.external_id
        )
        review = self._execute(request, label)
        try:
            _, developer = _comments(review)
        except _Malformed as exc:
            raise RetriableConnectorError(f"{label}: unexpected review: {exc}") from exc
        if developer is None:
            return None
        if str(developer.get("text") or "").strip() == text.strip():
            return mention.external_id
        try:
            changed = _timestamp(developer.get("lastModified"))
        except _Malformed:
            return None
        return mention.external_id if changed >= since - timedelta(minutes=1) else None

    def _execute(self, request: Any, label: str, *, rejections: tuple[int, ...] = ()) -> Any:
        def attempt() -> Any:
            try:
                result = request.execute(num_retries=0)
            except HttpError as exc:
                raise _http_error(exc, label, self._clock(), rejections) from exc
            except RefreshError as exc:
                if getattr(exc, "retryable", False):
                    raise RetriableConnectorError(f"{label}: token refresh failed") from exc
                raise FatalConnectorError(
                    f"{label}: the service account was refused a token; check the key"
                ) from exc
            except TransportError as exc:
                raise RetriableConnectorError(
                    f"{label}: cannot reach Google's token server"
                ) from exc
            except TimeoutError as exc:
                raise RetriableConnectorError(f"{label}: timed out") from exc
            except (OSError, httplib2.HttpLib2Error) as exc:  # refused, reset, DNS, ...
                raise RetriableConnectorError(f"{label}: {type(exc).__name__}") from exc
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise RetriableConnectorError(f"{label}: response is not complete JSON") from exc
            if isinstance(result, str | bytes):  # the client hands back a body it cannot decode
                raise RetriableConnectorError(f"{label}: response is not complete JSON")
            return result

        return call_with_retries(attempt, sleep=self._sleep)

    def recheck(self, mentions: list[Mention]) -> list[Mention]:
        """Each review as `reviews.get` shows it now, for the outcome loop (monitor.outcomes);
        deleted reviews (404) and malformed ones are left out."""
        label = f"googleplay {self.settings.name}: reviews.get"
        out: list[Mention] = []
        for mention in mentions:
            request = self._service.reviews().get(
                packageName=self.settings.package_name, reviewId=mention.external_id
            )
            try:
                review = self._execute(request, label, rejections=(404,))  # 404: ReplyRejected
                moment, review_id = _identity(review)
                out.append(self._mention(review, review_id, moment))
            except (ReplyRejected, _Malformed) as exc:
                logger.info("%s: review %s left out: %s", label, mention.external_id, exc)
        return out


def _http_error(
    exc: HttpError, label: str, now: datetime, rejections: tuple[int, ...]
) -> ConnectorError:
    status = int(getattr(exc.resp, "status", 0) or 0)
    if status in rejections:
        reason = exc.reason if isinstance(getattr(exc, "reason", None), str) else ""
        return ReplyRejected(f"Google Play refused the reply (HTTP {status}): {reason}")
    error = status_error(
        status,
        label=label,
        retry_after_header=exc.resp.get("retry-after"),
        now=now,
        hint="; give the service account access to the app in Play Console (API access)",
    )
    return error or FatalConnectorError(f"{label}: unexpected HTTP {status}")


def _comments(review: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    comments = review.get("comments")
    if not isinstance(comments, list):
        raise _Malformed("comments is not a list")
    user: dict[str, Any] | None = None
    developer: dict[str, Any] | None = None
    for comment in comments:
        if not isinstance(comment, dict):
            continue
        if user is None and isinstance(comment.get("userComment"), dict):
            user = comment["userComment"]
        if isinstance(comment.get("developerComment"), dict):
            developer = comment["developerComment"]
    if user is None:
        raise _Malformed("no userComment")
    return user, developer


def _timestamp(value: Any) -> datetime:
    """A protobuf Timestamp (`seconds` as a string, `nanos`) → aware UTC datetime."""
    if not isinstance(value, dict):
        raise _Malformed("lastModified is missing")
    try:
        seconds = int(value["seconds"])
        nanos = int(value.get("nanos") or 0)
        moment = datetime.fromtimestamp(seconds, tz=UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError) as exc:
        raise _Malformed(f"lastModified is not a timestamp: {value!r}") from exc
    return moment + timedelta(microseconds=nanos // 1000)


def _identity(review: Any) -> tuple[datetime, str]:
    if not isinstance(review, dict):
        raise _Malformed(f"review is a {type(review).__name__}, not an object")
    review_id = review.get("reviewId")
    if not isinstance(review_id, str | int) or not str(review_id).strip():
        raise _Malformed("no reviewId")
    user, _ = _comments(review)
    return _timestamp(user.get("lastModified")), bounded_id(str(review_id).strip())


def _developer_reply(comment: dict[str, Any]) -> dict[str, Any]:
    reply: dict[str, Any] = {"text": clean_text(str(comment.get("text") or ""))}
    try:
        reply["last_modified"] = iso(_timestamp(comment.get("lastModified")))
    except _Malformed:
        reply["last_modified"] = None
    return reply
