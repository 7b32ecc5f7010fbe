"""Score what a post says about *our* brand when it also talks about a competitor.

"I hate BrandX, Acme saved me" is praise for Acme, not a complaint: the clauses about a
competitor (and the clauses that carry on about it) are left out before scoring.
"""

from __future__ import annotations

import re

from monitor.textnorm import KeywordMatcher, fold_text

# Clause boundaries: sentence ends, semicolons, commas, and contrast words in en/es/fr.
_SPLIT = re.compile(
    r"(?<=[.!?;])\s+|\s*[;,]\s+|\s+(?=(?:but|however|whereas|while|pero|aunque|mientras|"
    r"sin embargo|mais|alors que|tandis que|cependant|pourtant)\b)",
    re.IGNORECASE,
)


def clauses(text: str) -> list[str]:
    return [part for part in _SPLIT.split(text) if part and part.strip()]


def about_brand(text: str, ours: KeywordMatcher, theirs: KeywordMatcher) -> str:
    """The part of `text` to score for our brand; the whole text when no competitor is named.

    A clause naming a competitor but not us is dropped, and so are the unnamed clauses right
    after it (they go on about the competitor), until a clause names us again. If nothing is
    left, the whole text is scored: better a noisy score than none.
    """
    folded = fold_text(text)
    if not theirs.search(folded):
        return text
    kept: list[str] = []
    following_competitor = False
    for clause in clauses(text):
        folded_clause = fold_text(clause)
        names_us = bool(ours.search(folded_clause))
        names_them = bool(theirs.search(folded_clause))
        if names_them and not names_us:
            following_competitor = True
            continue
        if names_us:
            following_competitor = False
        if not following_competitor:
            kept.append(clause)
    return " ".join(kept) if kept else text
