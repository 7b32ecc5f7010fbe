"""The merge of multi-word entries looks only where one can start: it must equal a full scan."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.scoring.engine import PackScorer, Token
from monitor.scoring.packs import load_pack

SCORERS = {code: PackScorer(load_pack(code)) for code in ("es", "fr")}


def _merged_by_full_scan(scorer: PackScorer, tokens: list[Token]) -> list[Token]:
    """Greedy longest match tried at every word token, as the engine did before it listed the
    tokens worth a look while tokenizing."""
    out: list[Token] = []
    i, n = 0, len(tokens)
    while i < n:
        key, _, clause, _, word, _ = tokens[i]
        found, length = "", 0
        if word and key in scorer._prefixes:
            for j in range(i + 1, n):
                follower = tokens[j]
                if not follower[4] or follower[2] != clause:
                    break
                key = f"{key} {follower[0]}"
                if key in scorer._phrases:
                    found, length = key, j - i + 1
                if key not in scorer._prefixes:
                    break
        if found:
            caps = all(t[3] for t in tokens[i : i + length])
            out.append((found, scorer._phrases[found], clause, caps, True, length))
            i += length
        else:
            out.append(tokens[i])
            i += 1
    return out


def _vocabulary(code: str) -> list[str]:
    """Words of the pack's phrases (so that phrases and their prefixes meet), and breakers."""
    scorer = SCORERS[code]
    words = sorted({w for phrase in scorer._phrases for w in phrase.split()})
    return [*words, *(w.upper() for w in words[:50]), "0", ",", ".", "?", "😡", ":)", "genial"]


@pytest.mark.parametrize("code", ["es", "fr"])
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_merging_equals_a_full_scan(code, data):
    scorer = SCORERS[code]
    words = data.draw(st.lists(st.sampled_from(_vocabulary(code)), max_size=30))
    text = " ".join(words)
    merged = scorer._tokenize(text)[0]
    raw = PackScorer(load_pack(code))
    raw._merge = lambda tokens, starts: tokens  # type: ignore[method-assign]
    assert merged == _merged_by_full_scan(scorer, raw._tokenize(text)[0])


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("es", "Sin embargo, buenas tardes: de mierda 0 soluciones, ni fu ni fa."),
        ("fr", "Pas mal, un peu nul, ne marche pas du tout. PAS MAL 😡 pas terrible"),
    ],
)
def test_known_phrases_merge_as_a_full_scan(code, text):
    scorer = SCORERS[code]
    raw = PackScorer(load_pack(code))
    raw._merge = lambda tokens, starts: tokens  # type: ignore[method-assign]
    unmerged = raw._tokenize(text)[0]
    merged = scorer._tokenize(text)[0]
    assert len(merged) < len(unmerged)
    assert merged == _merged_by_full_scan(scorer, unmerged)
