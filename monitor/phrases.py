"""Emerging phrases: word pairs and triples that customers use far more this period than last.

A burst of "no signal" or "double charge" among negative mentions is often the first sign of a
service failure or a billing bug; summaries and alerts quote them. Phrases are counted once per
customer (one angry author repeating himself is not a trend), stopwords of every configured
language are ignored at the edges of a phrase, and a phrase must be new or have grown. A spike
about one topic quotes that topic's phrases only (`topic=`).
"""

from __future__ import annotations

import enum
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import MentionRow
from monitor.textnorm import fold_text

_WORD = re.compile(r"[a-z0-9][a-z0-9'’]*")
_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"[@#]\w+")


class _Any(enum.Enum):
    ANY = "any"


#: `brand=ANY` / `topic=ANY` (the defaults): every mention, whatever its brand or topic. None
#: means the mentions that matched no brand or no topic, as a spike's scope counts them.
ANY: Final = _Any.ANY
Filter = str | None | Literal[_Any.ANY]


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    customers: int
    previous: int
    growth: float  # customers now ÷ (customers before + 1)


# Function words only (the scoring packs' stopword lists also hold neutral domain words such as
# "internet" or "charge", which are exactly what an emerging phrase is made of).
_FUNCTION_WORDS = {
    "en": """a an the and or but if so of to in on at by for from with without about into over
        after before again just very really too also still even not no nor only than then
        there here this that these those it its it's i i'm i've me my we our you your he him
        his she her they them their is are was were be been being am do does did done have
        has had having will would can could should may might must shall what which who whom
        whose when where why how all any some every each more most such own same as
        once while until because through during""",
    "es": """el la los las un una unos unas y o u pero si no ni de del al a en por para con sin
        sobre entre hasta desde que qué quien como cómo cuando donde muy más mas menos ya
        también tambien todavía aun aún esto esta este estos estas eso esa ese esos esas lo le
        les se me te nos os mi mis tu tus su sus yo tú tu él ella ellos ellas nosotros es son
        era fue ha han he has hay está esta están estan estoy ser estar tener tengo tiene
        todo toda todos todas otro otra""",
    "fr": """le la les l un une des du de d et ou mais si ne n pas plus ni à a au aux en dans
        par pour avec sans sur sous chez entre que qu qui quoi comme quand où ou très tres
        aussi encore déjà deja ce cet cette ces ça ca cela c se s me m te t nous vous lui leur
        leurs mon ma mes ton ta tes son sa ses notre votre je tu il elle on ils elles est sont
        était etait été ete ai as avons avez ont suis être etre avoir fait tout toute tous
        toutes y""",
}


def stopwords(languages: Iterable[str]) -> frozenset[str]:
    """Function words of every configured language (English always), folded like the texts."""
    words: set[str] = set()
    for code in {"en", *languages}:
        words |= {fold_text(w) for w in _FUNCTION_WORDS.get(code, "").split()}
    return frozenset(words)


def ngrams(text: str, stop: frozenset[str], *, sizes: tuple[int, ...] = (2, 3)) -> set[str]:
    """Distinct n-grams of a text that neither start nor end with a stopword."""
    folded = _HANDLE.sub(" ", _URL.sub(" ", fold_text(text)))
    words = _WORD.findall(folded)
    found: set[str] = set()
    for size in sizes:
        for start in range(len(words) - size + 1):
            gram = words[start : start + size]
            if gram[0] in stop or gram[-1] in stop or any(len(w) < 2 for w in gram):
                continue
            found.add(" ".join(gram))
    return found


def customer_counts(
    texts_by_customer: Iterable[tuple[str, str]], stop: frozenset[str]
) -> Counter[str]:
    """How many distinct customers used each phrase (`(customer, text)` pairs)."""
    seen: dict[str, set[str]] = {}
    for customer, text in texts_by_customer:
        for gram in ngrams(text, stop):
            seen.setdefault(gram, set()).add(customer)
    return Counter({gram: len(customers) for gram, customers in seen.items()})


def emerging(
    current: Counter[str], previous: Counter[str], *, min_customers: int = 3, limit: int = 10
) -> list[Phrase]:
    """Phrases used by at least `min_customers` now, ranked by growth then by reach.

    A longer phrase hides the shorter ones it contains when they have the same count, so
    "no signal since" does not crowd the list next to "no signal" and "signal since".
    """
    candidates = [
        Phrase(gram, n, previous.get(gram, 0), round(n / (previous.get(gram, 0) + 1), 2))
        for gram, n in current.items()
        if n >= min_customers and n > previous.get(gram, 0)
    ]
    candidates.sort(key=lambda p: (-p.growth * math.log1p(p.customers), -p.customers, p.text))
    chosen: list[Phrase] = []
    for phrase in candidates:
        if any(
            (phrase.text in other.text or other.text in phrase.text)
            and phrase.customers <= other.customers
            for other in chosen
        ):
            continue
        chosen.append(phrase)
        if len(chosen) == limit:
            break
    return chosen


def negative_texts(
    session: Session,
    *,
    start: datetime,
    end: datetime,
    brand: Filter = ANY,
    topic: Filter = ANY,
) -> list[tuple[str, str]]:
    """(customer, text) of the negative mentions in [start, end), streamed from the database.

    `brand` and `topic` narrow to one brand or topic (None: to mentions with none).
    """
    stmt = (
        select(MentionRow.author_id, MentionRow.external_id, MentionRow.source, MentionRow.text)
        .where(
            MentionRow.label == "negative",
            MentionRow.created_at >= start,
            MentionRow.created_at < end,
        )
        .execution_options(yield_per=2000)
    )
    for column, wanted in ((MentionRow.brand, brand), (MentionRow.topic, topic)):
        if wanted is None:
            stmt = stmt.where(column.is_(None))
        elif wanted is not ANY:
            stmt = stmt.where(column == wanted)
    out = []
    for author_id, external_id, source, text in session.execute(stmt):
        customer = f"a{author_id}" if author_id is not None else f"{source}:{external_id}"
        out.append((customer, text))
    return out


def emerging_phrases(
    session: Session,
    *,
    start: datetime,
    end: datetime,
    languages: Iterable[str],
    brand: Filter = ANY,
    topic: Filter = ANY,
    min_customers: int = 3,
    limit: int = 10,
) -> list[Phrase]:
    """Emerging phrases of [start, end) against the period of the same length before it."""
    stop = stopwords(languages)
    length = end - start
    now = customer_counts(
        negative_texts(session, start=start, end=end, brand=brand, topic=topic), stop
    )
    before = customer_counts(
        negative_texts(session, start=start - length, end=start, brand=brand, topic=topic), stop
    )
    return emerging(now, before, min_customers=min_customers, limit=limit)


__all__ = [
    "ANY",
    "Filter",
    "Phrase",
    "emerging",
    "emerging_phrases",
    "negative_texts",
    "ngrams",
    "stopwords",
]
