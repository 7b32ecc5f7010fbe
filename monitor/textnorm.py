"""Text folding for keyword matching: case- and accent-insensitive, so "envío" matches "envio"."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower-case and strip diacritics (é → e, ñ → n); cached because keywords repeat."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_text(text: str) -> str:
    """`fold` for long, unique texts (not cached)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def keyword_pattern(keywords: Iterable[str], *, prefix: bool = False) -> re.Pattern[str] | None:
    """One regex for a keyword list, matched on word boundaries of folded text.

    A keyword ending in `*` (or every keyword, with `prefix=True`) matches as a word start, so
    "refund" matches "refunds" and "factura" matches "facturacion": cheap inflection-insensitivity.
    """
    exact: set[str] = set()
    stems: set[str] = set()
    for keyword in keywords:
        word = fold(keyword.strip())
        if not word or word == "*":
            continue
        if prefix or word.endswith("*"):
            stems.add(re.escape(word.rstrip("*")))
        else:
            exact.add(re.escape(word))
    alternatives = []
    if stems:
        alternatives.append("(?:" + "|".join(sorted(stems, key=len, reverse=True)) + r")\w*")
    if exact:
        alternatives.append("(?:" + "|".join(sorted(exact, key=len, reverse=True)) + r")(?!\w)")
    if not alternatives:
        return None
    return re.compile(r"(?<![\w@#])(?:" + "|".join(alternatives) + ")")
