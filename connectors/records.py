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
_SHORT_FIELDS = {"source": 64, "connector": 128, "lang": 8}


def clean_text(value: str, *, limit: int = MAX_TEXT_CHARS) -> str:
    """Drop control characters (PostgreSQL refuses NUL), replace lone surrogates (no database
    can encode them; a JSON `\\ud800` escape makes one) and bound the size we store and score."""
    if _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    if _SURROGATE.search(value):
        value = _SURROGATE.sub("\ufffd", value)
    return value if len(value) <= limit else value[:limit]


def clean_json(value: Any) -> Any:
    """JSON both databases store: clean strings and keys, non-finite numbers as None."""
    if isinstance(value, str):
        return clean_text(value, limit=len(value))
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {clean_text(str(k), limit=MAX_FIELD_CHARS): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    return value


def storable(mention: Mention) -> Mention:
    """The mention with every field fit for storage, whatever the platform sent.

    One odd item (a NUL in a name, a 1000-character handle, NaN in a metric) must not make the
    batch's transaction fail: that batch would be retried, and fail, on every run.
    """
    changes: dict[str, Any] = {}
    for field in dataclasses.fields(mention):
        value = getattr(mention, field.name)
        if field.name in ("metrics", "raw"):
            cleaned = clean_json(value)
        elif not isinstance(value, str):
            continue
        elif field.name == "text":
            cleaned = clean_text(value)
        elif field.name in ("url", "title"):
            cleaned = clean_text(value, limit=MAX_TEXT_CHARS if field.name == "url" else 500)
        else:
            cleaned = clean_text(value, limit=_SHORT_FIELDS.get(field.name, MAX_FIELD_CHARS))
        if cleaned != value:
            changes[field.name] = cleaned
    return dataclasses.replace(mention, **changes) if changes else mention


def parse_timestamp(value: Any) -> datetime:
    """ISO 8601 (a trailing Z, or no offset, means UTC) or epoch seconds → aware UTC datetime.

    Every unusable value is a ValueError, including the ones Python reports otherwise (epoch
    seconds past time_t, a year-9999 time whose offset overflows UTC), so callers skip the item.
    """
    try:
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            moment = datetime.fromtimestamp(float(value), tz=UTC)
        elif isinstance(value, str) and value.strip():
            text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
            moment = datetime.fromisoformat(text)
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
        Annotated[int, Field(ge=0)] | None, BeforeValidator(_blank_to_none)
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


def to_mention(obj: Any, *, connector: str) -> Mention:
    """Validate one decoded record; InputError says which field is wrong."""
    if not isinstance(obj, dict):
        raise InputError("expected a JSON object")
    try:
        record = MentionRecord.model_validate(obj)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        field = ".".join(str(p) for p in first["loc"]) or "record"
        raise InputError(f"{field}: {first['msg']}") from None
    text = clean_text(record.text)
    if not text.strip() and not (record.title or "").strip():
        raise InputError("text: empty")
    mention = Mention(
        source=record.source.strip().lower(),
        external_id=record.external_id.strip(),
        text=text,
        created_at=record.created_at,
        connector=connector,
        url=record.url,
        author=record.author.strip().lstrip("@") if record.author else None,
        author_name=record.author_name,
        author_followers=record.author_followers,
        lang=record.lang,
        rating=record.rating,
        title=clean_text(record.title, limit=500) if record.title else None,
        in_reply_to=record.in_reply_to,
        metrics=record.metrics,
    )
    return storable(mention)
