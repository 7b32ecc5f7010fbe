"""One mention record (DESIGN 3.4) → a validated Mention; shared by file connector and import."""

from __future__ import annotations

import dataclasses
import math
import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from monitor.errors import InputError
from monitor.models import Mention

MAX_TEXT_CHARS = 20_000
MAX_FIELD_CHARS = 255
"""Handles, names and ids: the width of their columns (PostgreSQL enforces it, SQLite not)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_SHORT_FIELDS = {"source": 64, "connector": 128, "lang": 8}


def clean_text(value: str, *, limit: int = MAX_TEXT_CHARS) -> str:
    """Drop control characters (PostgreSQL refuses NUL), replace lone surrogates (no database
    can encode them; a JSON `\\ud800` escape makes one) and bound the size we store and score.

    Almost every value has neither: a printable string (C-level check) or one regex pass
    settles that, so the two substitutions run only on the rare value that needs them.
    """
    if not value.isprintable() and _UNSTORABLE.search(value):
        if _CONTROL.search(value):
            value = _CONTROL.sub("", value)
        if _SURROGATE.search(value):
            value = _SURROGATE.sub("\ufffd", value)
    return value if len(value) <= limit else value[:limit]


def clean_json(value: Any) -> Any:
    """JSON both databases store: clean strings and keys, non-finite numbers as None."""
    kind = type(value)
    if kind is int or kind is bool or value is None:
        return value
    if isinstance(value, str):
        return clean_text(value, limit=len(value))
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {clean_text(str(k), limit=MAX_FIELD_CHARS): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    return value


def _field_limit(name: str) -> int | None:
    """How `storable` bounds a field: None for the JSON ones, else its length limit."""
    if name in ("metrics", "raw"):
        return None
    if name in ("text", "url"):
        return MAX_TEXT_CHARS
    if name == "title":
        return 500
    return _SHORT_FIELDS.get(name, MAX_FIELD_CHARS)


#: Mention's fields with their limits, worked out once instead of per mention.
_FIELD_LIMITS = tuple((f.name, _field_limit(f.name)) for f in dataclasses.fields(Mention))


def storable(mention: Mention) -> Mention:
    """The mention with every field fit for storage, whatever the platform sent.

    One odd item (a NUL in a name, a 1000-character handle, NaN in a metric) must not make the
    batch's transaction fail: that batch would be retried, and fail, on every run.
    """
    changes: dict[str, Any] = {}
    for name, limit in _FIELD_LIMITS:
        value = getattr(mention, name)
        if limit is None:
            cleaned = clean_json(value)
        elif not isinstance(value, str):
            continue
        else:
            cleaned = clean_text(value, limit=limit)
        if cleaned != value:
            changes[name] = cleaned
    return dataclasses.replace(mention, **changes) if changes else mention


def parse_timestamp(value: Any) -> datetime:
    """ISO 8601 (a trailing Z, or no offset, means UTC) or epoch seconds → aware UTC datetime.

    Every unusable value is a ValueError, including the ones Python reports otherwise (epoch
    seconds past time_t, a year-9999 time whose offset overflows UTC), so callers skip the item.
    """
    try:
        # A string first: records bring one nearly always (the types exclude each other).
        if isinstance(value, str) and (text := value.strip()):
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        elif isinstance(value, datetime):
            moment = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            moment = datetime.fromtimestamp(float(value), tz=UTC)
        else:
            raise ValueError("expected an ISO 8601 timestamp")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (OverflowError, OSError) as exc:
        raise ValueError(f"timestamp out of range: {value!r}"[:200]) from exc


def _id_string(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


Opt = Annotated[str | None, BeforeValidator(_blank_to_none)]


class MentionRecord(BaseModel):
    """The JSONL / CSV schema; unknown keys are ignored so newer exports still import."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)

    source: str = Field(min_length=1, max_length=64)
    external_id: Annotated[str, BeforeValidator(_id_string), Field(min_length=1, max_length=255)]
    text: str
    created_at: Annotated[datetime, BeforeValidator(parse_timestamp)]
    url: Opt = None
    author: Opt = None
    author_name: Opt = None
    author_followers: Annotated[
        # The column is a BIGINT: a larger count is a bad line, not an import that dies at INSERT.
        Annotated[int, Field(ge=0, le=2**63 - 1)] | None,
        BeforeValidator(_blank_to_none),
    ] = None
    lang: Opt = None
    rating: Annotated[Annotated[int, Field(ge=1, le=5)] | None, BeforeValidator(_blank_to_none)] = (
        None
    )
    title: Opt = None
    in_reply_to: Annotated[
        str | None, BeforeValidator(_id_string), BeforeValidator(_blank_to_none)
    ] = None
    metrics: dict[str, Any] = {}


#: A validated record, the fields in MentionRecord's order (a tuple: cheapest to build).
_Record = tuple[
    str,  # source
    str,  # external_id
    str,  # text
    datetime,  # created_at
    str | None,  # url
    str | None,  # author
    str | None,  # author_name
    int | None,  # author_followers
    str | None,  # lang
    int | None,  # rating
    str | None,  # title
    str | None,  # in_reply_to
    dict[str, Any],  # metrics
]


def _fields(record: MentionRecord) -> _Record:
    return (
        record.source,
        record.external_id,
        record.text,
        record.created_at,
        record.url,
        record.author,
        record.author_name,
        record.author_followers,
        record.lang,
        record.rating,
        record.title,
        record.in_reply_to,
        record.metrics,
    )


#: Ids as numbers turn into strings well within limits (str() refuses 4300+ digits).
_BIG_ID = 10**100
#: Follower counts the fast path takes (a BIGINT column); larger ones go to pydantic.
_MAX_FOLLOWERS = 2**63 - 1


def _opt_int(value: Any, low: int, high: int) -> int | None:
    """An optional int field of a plain record; raises _NotPlain for anything but a bounded
    int, a blank string or None."""
    if value is None or (type(value) is str and not value.strip()):
        return None
    if type(value) is not int or not low <= value <= high:
        raise _NotPlain
    return value


def _has_surrogate(value: str) -> bool:
    """pydantic refuses some strings with lone surrogates; those records go to it."""
    return not value.isascii() and _SURROGATE.search(value) is not None


class _NotPlain(Exception):
    """The record needs MentionRecord's full validation (or is invalid)."""


def _plain_record(obj: dict[str, Any]) -> tuple[_Record, bool] | None:
    """What `MentionRecord.model_validate` returns for a record of plain, valid JSON values
    (strings, small ints, a dict of metrics), at a fraction of the cost, and whether all its
    strings but the text (metrics keys included) are printable; None for anything else, which
    pydantic then validates (and words the error for). tests/test_records_plain.py pins the two
    to the same result.
    """
    get = obj.get
    source, external_id, text = get("source"), get("external_id"), get("text")
    if type(external_id) is int and -_BIG_ID < external_id < _BIG_ID:
        external_id = str(external_id)
    if (
        type(source) is not str
        or type(external_id) is not str
        or type(text) is not str
        or not 1 <= len(source) <= 64
        or not 1 <= len(external_id) <= MAX_FIELD_CHARS
    ):
        return None
    url, author, name, lang, title = (
        get("url"),
        get("author"),
        get("author_name"),
        get("lang"),
        get("title"),
    )
    reply = get("in_reply_to")
    if type(reply) is int and -_BIG_ID < reply < _BIG_ID:
        reply = str(reply)
    texts = [source, external_id]  # not the text: the one field often unprintable (newlines)
    for value in (url, author, name, lang, title, reply):
        if value is not None:
            if type(value) is not str:
                return None
            texts.append(value)
    metrics = get("metrics", {})
    if type(metrics) is not dict:
        return None
    try:
        texts.extend(metrics)  # a key that is not a string makes the join raise TypeError
        joined = "".join(texts)
        # A printable string has no surrogate (category Cs), so the search runs only on the rest.
        printable = joined.isprintable()
        if (not printable and _has_surrogate(joined)) or (
            not text.isprintable() and _has_surrogate(text)
        ):
            return None
        created_at = parse_timestamp(obj["created_at"])
        # Absent or a valid int is settled here; _opt_int decides the rest (saves its call).
        followers = get("author_followers")
        if followers is not None and not (
            type(followers) is int and 0 <= followers <= _MAX_FOLLOWERS
        ):
            followers = _opt_int(followers, 0, _MAX_FOLLOWERS)
        rating = get("rating")
        if rating is not None and not (type(rating) is int and 1 <= rating <= 5):
            rating = _opt_int(rating, 1, 5)
    except (KeyError, TypeError, ValueError, _NotPlain):
        return None
    # Blank optional texts are None, as `_blank_to_none` makes them for pydantic.
    fields = (
        source,
        external_id,
        text,
        created_at,
        url if url is None or url.strip() else None,
        author if author is None or author.strip() else None,
        name if name is None or name.strip() else None,
        followers,
        lang if lang is None or lang.strip() else None,
        rating,
        title if title is None or title.strip() else None,
        reply if reply is None or reply.strip() else None,
        dict(metrics),
    )
    return fields, printable


def to_mention(obj: Any, *, connector: str) -> Mention:
    """Validate one decoded record; InputError says which field is wrong."""
    if not isinstance(obj, dict):
        raise InputError("expected a JSON object")
    plain = _plain_record(obj)
    if plain is None:
        try:
            fields = _fields(MentionRecord.model_validate(obj))
        except ValidationError as exc:
            first = exc.errors(include_url=False, include_input=False)[0]
            field = ".".join(str(p) for p in first["loc"]) or "record"
            raise InputError(f"{field}: {first['msg']}") from None
    else:
        fields, printable = plain
        if printable:
            return _printable_mention(fields, connector)
    (
        source,
        external_id,
        raw_text,
        created_at,
        url,
        author,
        name,
        followers,
        lang,
        rating,
        title,
        reply,
        metrics,
    ) = fields
    text = clean_text(raw_text)
    if not text.strip() and not (title or "").strip():
        raise InputError("text: empty")
    # The fields as `storable` leaves them, cleaned here once: text and title are cleaned
    # already (cleaning twice changes nothing), the rest get storable's limits.
    cleaned_metrics = clean_json(metrics)
    return Mention(  # positional (Mention's field order): a third cheaper than keywords
        clean_text(source.strip().lower(), limit=_SHORT_FIELDS["source"]),
        clean_text(external_id.strip(), limit=MAX_FIELD_CHARS),
        text,
        created_at,
        clean_text(connector, limit=_SHORT_FIELDS["connector"]),
        clean_text(url) if url is not None else None,
        clean_text(author.strip().lstrip("@"), limit=MAX_FIELD_CHARS) if author else None,
        clean_text(name, limit=MAX_FIELD_CHARS) if name is not None else None,
        followers,
        clean_text(lang, limit=_SHORT_FIELDS["lang"]) if lang is not None else None,
        rating,
        clean_text(title, limit=500) if title else None,
        clean_text(reply, limit=MAX_FIELD_CHARS) if reply is not None else None,
        metrics if cleaned_metrics == metrics else cleaned_metrics,
    )


def _printable_mention(fields: _Record, connector: str) -> Mention:
    """`to_mention`'s Mention for a plain record whose strings but the text are all printable
    (nearly every one): `clean_text` of such a string only cuts it to its limit, and so it does
    of the parts built from them (strip() keeps a substring; lower() maps every printable
    character to printable ones, checked over all code points), so the cuts are made here.
    """
    (
        source,
        external_id,
        text,
        created_at,
        url,
        author,
        name,
        followers,
        lang,
        rating,
        title,
        reply,
        metrics,
    ) = fields
    text = clean_text(text)
    if not text.strip() and not title:  # a plain record's title is None or not blank
        raise InputError("text: empty")
    # Metrics of int values under printable keys up to MAX_FIELD_CHARS are what clean_json
    # returns them as; others (strings, floats, nesting, long keys) are cleaned.
    for key, value in metrics.items():
        if type(value) is not int or len(key) > MAX_FIELD_CHARS:
            cleaned_metrics = clean_json(metrics)
            if cleaned_metrics != metrics:
                metrics = cleaned_metrics
            break
    return Mention(
        source.strip().lower()[: _SHORT_FIELDS["source"]],
        external_id.strip(),  # at most MAX_FIELD_CHARS already
        text,
        created_at,
        clean_text(connector, limit=_SHORT_FIELDS["connector"]),
        url[:MAX_TEXT_CHARS] if url is not None else None,
        author.strip().lstrip("@")[:MAX_FIELD_CHARS] if author else None,
        name[:MAX_FIELD_CHARS] if name is not None else None,
        followers,
        lang[: _SHORT_FIELDS["lang"]] if lang is not None else None,
        rating,
        title[:500] if title is not None else None,
        reply[:MAX_FIELD_CHARS] if reply is not None else None,
        metrics,
    )
