"""X API v2 data for `connectors.x`: posts → Mentions, the cursor, reply checks; no I/O."""

from __future__ import annotations

import html
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connectors.records import clean_text, parse_timestamp
from monitor.models import Mention

logger = logging.getLogger(__name__)

POST_LIMIT = 280
URL_WEIGHT = 23
"""X shortens every link to a t.co URL and counts it as 23 characters, whatever its length."""

_LINKISH = re.compile(r"://|^\W*www\.|[A-Za-z0-9-]\.[A-Za-z]{2,}", re.IGNORECASE)
"""A word X may turn into a t.co link: a URL, `www.`, or something shaped like a domain."""
_MAX_ID = 2**63 - 1  # X ids are 64-bit snowflakes
_NO_LANGUAGE = frozenset({"und", "zxx", "qam", "qct", "qht", "qme", "qst"})
"""X's codes for "no language": undetermined, media only, mentions/cashtags/hashtags only, ..."""
_LEGACY_LANG = {"in": "id", "iw": "he", "ji": "yi"}
_SNOWFLAKE_EPOCH_MS = 1_288_834_974_657
_METRICS = ("like_count", "retweet_count", "reply_count", "quote_count", "impression_count")


class BadPage(ValueError):
    """A response that is valid JSON but not shaped like an X API v2 page."""


class MalformedPost(ValueError):
    """One post that cannot become a Mention; the message names the field."""


@dataclass(slots=True)
class Page:
    """One response: its mentions, what was skipped, and the id range it covered."""

    mentions: list[Mention] = field(default_factory=list)
    skipped: int = 0
    newest: int | None = None
    oldest: int | None = None
    next_token: str | None = None
    errors: list[Any] = field(default_factory=list)


def post_id(value: Any) -> int:
    """A valid X id (a decimal string, as X sends them) as an int; MalformedPost otherwise."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and 0 < int(value) <= _MAX_ID:
        return int(value)
    raise MalformedPost("id: missing or not an X id")


def _maybe_id(value: Any) -> int | None:
    try:
        return post_id(value)
    except MalformedPost:
        return None


def parse_page(
    payload: Any, *, connector: str, brand_handle: str | None, user_id: str | None
) -> Page:
    """Every well-formed post of a response; a bad post is skipped and counted, not fatal."""
    if not isinstance(payload, dict):
        raise BadPage("the response is not a JSON object")
    data = payload.get("data")
    if data is None:
        data = []
    if not isinstance(data, list):
        raise BadPage("`data` is not a list")
    meta = payload.get("meta")
    if not isinstance(meta, dict):
        meta = {}
    token = meta.get("next_token")
    errors = payload.get("errors")
    page = Page(
        next_token=token if isinstance(token, str) and token else None,
        errors=errors if isinstance(errors, list) else [],
    )
    ids = [i for i in (_maybe_id(meta.get("newest_id")), _maybe_id(meta.get("oldest_id"))) if i]
    users = _users(payload.get("includes"))
    for tweet in data:
        found = _maybe_id(tweet.get("id")) if isinstance(tweet, dict) else None
        if found is not None:
            ids.append(found)  # consumed even if skipped: the cursor moves past it
        try:
            page.mentions.append(
                to_mention(
                    tweet, users, connector=connector, brand_handle=brand_handle, user_id=user_id
                )
            )
        except MalformedPost as exc:
            page.skipped += 1
            logger.warning("x %s: skipped post %s: %s", connector, found or "without id", exc)
    if ids:
        page.newest, page.oldest = max(ids), min(ids)
    return page


def _users(includes: Any) -> dict[str, dict[str, Any]] | None:
    """Authors by id; None when the response has no `includes` (followers then unknown)."""
    if not isinstance(includes, dict) or not isinstance(includes.get("users"), list):
        return None
    return {
        user["id"]: user
        for user in includes["users"]
        if isinstance(user, dict) and isinstance(user.get("id"), str)
    }


def to_mention(
    tweet: Any,
    users: dict[str, dict[str, Any]] | None,
    *,
    connector: str,
    brand_handle: str | None,
    user_id: str | None,
) -> Mention:
    """One post object (DESIGN 3.3 fields); MalformedPost says which field is wrong."""
    if not isinstance(tweet, dict):
        raise MalformedPost("not a JSON object")
    external_id = str(post_id(tweet.get("id")))
    text = tweet.get("text")
    if not isinstance(text, str) or not text.strip():
        raise MalformedPost("text: missing or not a string")
    created = tweet.get("created_at")
    if not isinstance(created, str):
        raise MalformedPost("created_at: missing or not a string")
    try:
        created_at = parse_timestamp(created)
    except ValueError:
        raise MalformedPost("created_at: not an ISO 8601 timestamp") from None
    author = (users or {}).get(str(tweet.get("author_id")))
    username = author.get("username") if author else None
    username = username if isinstance(username, str) and username else None
    name = author.get("name") if author else None
    raw = dict(tweet)
    if author is not None:
        raw["author"] = author
    return Mention(
        source="x",
        connector=connector,
        external_id=external_id,
        url=(
            f"https://x.com/{username}/status/{external_id}"
            if username
            else f"https://x.com/i/web/status/{external_id}"
        ),
        text=clean_text(html.unescape(text)),  # X escapes &, < and > in `text`
        author=username,
        author_name=name if isinstance(name, str) else None,
        author_followers=_followers(author),
        created_at=created_at,
        lang=normalise_lang(tweet.get("lang")),
        in_reply_to=_replied_to(tweet.get("referenced_tweets")),
        metrics={
            **_public_metrics(tweet.get("public_metrics")),
            "direct_mention": is_direct_mention(tweet, brand_handle=brand_handle, user_id=user_id),
        },
        raw=raw,
    )


def _followers(author: dict[str, Any] | None) -> int | None:
    metrics = author.get("public_metrics") if author else None
    count = metrics.get("followers_count") if isinstance(metrics, dict) else None
    return count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else None


def _public_metrics(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        return {}
    return {
        key: value[key]
        for key in _METRICS
        if isinstance(value.get(key), int) and not isinstance(value.get(key), bool)
    }


def _replied_to(value: Any) -> str | None:
    for ref in value if isinstance(value, list) else []:
        if isinstance(ref, dict) and ref.get("type") == "replied_to":
            found = _maybe_id(ref.get("id"))
            return str(found) if found is not None else None
    return None


def normalise_lang(value: Any) -> str | None:
    """X's BCP 47 tag → ISO 639-1, or None for X's "no language" codes (und, zxx, qme, ...)."""
    if not isinstance(value, str):
        return None
    primary = value.strip().lower().split("-")[0]
    if primary in _NO_LANGUAGE or not re.fullmatch(r"[a-z]{2}", primary):
        return None
    return _LEGACY_LANG.get(primary, primary)


def is_direct_mention(
    tweet: dict[str, Any], *, brand_handle: str | None, user_id: str | None
) -> bool:
    """Whether the post @-mentions or answers the brand account: X allows API replies only then."""
    if user_id and tweet.get("in_reply_to_user_id") == user_id:
        return True
    entities = tweet.get("entities")
    mentions = entities.get("mentions") if isinstance(entities, dict) else None
    handle = brand_handle.lower() if brand_handle else None
    for mention in mentions if isinstance(mentions, list) else []:
        if not isinstance(mention, dict):
            continue
        username = mention.get("username")
        if handle and isinstance(username, str) and username.lower() == handle:
            return True
        if user_id and mention.get("id") == user_id:
            return True
    return False


def weighted_length(text: str) -> int:
    """Characters as X counts them for the 280 limit (twitter-text's rules: a link counts 23,
    an emoji or a CJK character 2, accents and most other scripts 1)."""
    from twitter_text import parse_tweet  # its regexes take ~250 ms to build: only for replies

    return int(parse_tweet(text).weightedLength)


def reply_problem(mention: Mention, text: str) -> str | None:
    """Why X would refuse this reply, in words for the agent; None when it can be sent."""
    if not text.strip():
        return "empty: write the reply first"
    if not mention.metrics.get("direct_mention"):
        return (
            "not a direct mention: X only accepts API replies to posts that mention or reply "
            "to the brand account; answer from the X app instead"
        )
    length = weighted_length(text)
    if length > POST_LIMIT:
        return (
            f"too long: {length} characters as X counts them, X allows {POST_LIMIT} "
            "(a link counts 23, an emoji or a CJK character 2)"
        )
    return None


def same_reply_text(posted: str, sent: str) -> bool:
    """Whether a post's `text` as X returns it is the reply text we sent.

    X changes the text on the way: it prepends the @handles a reply goes to, escapes `&`, `<` and
    `>` as HTML entities, and swaps every link (even a bare `acme.example/x`) for a t.co URL. So
    both sides lose leading @handles and link-like words (the number of links must still agree)
    and the rest, whitespace collapsed, must be equal.
    """
    theirs = posted.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return _reply_words(theirs) == _reply_words(sent)


def _reply_words(text: str) -> tuple[list[str], int]:
    words = unicodedata.normalize("NFC", text).split()
    while words and words[0].startswith("@"):
        words.pop(0)
    kept = [word for word in words if not _LINKISH.search(word)]
    return kept, len(words) - len(kept)


def snowflake(moment: datetime) -> int:
    """The smallest X id created at `moment`: lets a time bound be expressed as an id bound."""
    return (int(moment.timestamp() * 1000) - _SNOWFLAKE_EPOCH_MS) << 22


@dataclass(frozen=True, slots=True)
class Cursor:
    """`newest`: the since_id. `gap`: (since_id, until_id) of older posts a run left unread."""

    newest: int | None = None
    gap: tuple[int, int] | None = None

    @classmethod
    def parse(cls, text: str | None, name: str) -> Cursor:
        """A plain id, or JSON with a gap; anything else restarts from the look-back window."""
        if not text:
            return cls()
        try:
            if text.isascii() and text.isdigit():
                return cls(int(text))
            state = json.loads(text)
            newest = int(state["newest"]) if state.get("newest") else None
            low, high = (int(v) for v in state["gap"])
            return cls(newest, (low, high) if low < high else None)
        except (ValueError, KeyError, TypeError, AttributeError):
            logger.warning("x %s: unreadable cursor, reading the look-back window again", name)
            return cls()

    def dump(self) -> str | None:
        if self.gap is None:
            return None if self.newest is None else str(self.newest)
        newest = None if self.newest is None else str(self.newest)
        return json.dumps({"newest": newest, "gap": [str(self.gap[0]), str(self.gap[1])]})
