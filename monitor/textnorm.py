"""Text folding for keyword matching: case- and accent-insensitive, so "envío" matches "envio"."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache, reduce
from itertools import repeat
from operator import or_

_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold_text(text: str) -> str:
    """Lower-case and strip diacritics (é → e, ñ → n): "envío" matches "envio".

    ASCII text (most of it) only needs lower-casing; otherwise decompose and drop the
    combining marks with one regex pass instead of a Python loop over characters.
    """
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """`fold_text` cached, for short strings that repeat (keywords, tokens)."""
    return fold_text(text)


def clip(text: str, limit: int) -> str:
    """One line of at most `limit` characters, with an ellipsis when cut (cards, tables)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


_TOKEN = re.compile(r"[\w@#]+")
_PLAIN = re.compile(r"^[\w@#]+$")


def tokens_of(folded_text: str) -> list[str]:
    """The word tokens keyword matching looks at (`@handles` and `#tags` kept whole)."""
    return _TOKEN.findall(folded_text)


Tokens = tuple[tuple[str, ...], frozenset[str]]
#: The last text `tokenized` split, with its tokens (one tuple: replaced atomically).
_LAST: list[tuple[str, tuple[str, ...], frozenset[str]]] = [("", (), frozenset())]


def tokenized(folded_text: str) -> Tokens:
    """`tokens_of(folded_text)` as a tuple and as a set, for the last text remembered.

    Brand matching, topic and urgency each look at the same text in a row, and splitting it
    costs more than any of their look-ups (about 4 µs for a 150-character post).
    """
    last = _LAST[0]
    if last[0] == folded_text:
        return last[1], last[2]
    words = tuple(_TOKEN.findall(folded_text))
    present = frozenset(words)
    _LAST[0] = (folded_text, words, present)
    return words, present


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class KeywordMatcher:
    """Finds keywords in folded text on word boundaries, fast.

    Single-word keywords are set look-ups over the text's tokens, stems (`refund*`) one
    `str.startswith` per token, and multi-word or punctuated keywords ("sin senal",
    "t-mobile") a substring search with a boundary check. A regex alternation over every
    keyword cost ~8 µs a text per list, as much as scoring the text.
    """

    def __init__(
        self, exact: set[str], stems: tuple[str, ...], phrases: list[tuple[str, bool]]
    ) -> None:
        self._exact = exact
        self._stems = stems
        self._phrases = phrases
        self._headed = [(phrase, is_stem, phrase_head(phrase)) for phrase, is_stem in phrases]

    @property
    def phrases(self) -> list[tuple[str, bool]]:
        """The multi-word or punctuated keywords, each with whether it is a stem."""
        return list(self._phrases)

    def matches_token(self, token: str) -> bool:
        """Whether one word token is a keyword (or starts with a stem)."""
        return token in self._exact or bool(self._stems and token.startswith(self._stems))

    def findall(self, folded_text: str, tokens: list[str] | None = None) -> list[str]:
        """Every keyword occurrence, in no particular order."""
        words = tokens if tokens is not None else _TOKEN.findall(folded_text)
        hits = [w for w in words if w in self._exact or (self._stems and w.startswith(self._stems))]
        for phrase, is_stem in self._phrases:
            hits.extend(phrase for _ in _occurrences(folded_text, phrase, is_stem))
        return hits

    def contains(self, folded_text: str) -> bool:
        """Whether any keyword occurs: `search(...) is not None`, in C-level set and `map`
        passes over the text's `tokenized` words instead of a Python loop.

        A phrase is only looked for when the text has its first word as a token (`phrase_head`).
        """
        words, present = tokenized(folded_text)
        if not self._exact.isdisjoint(present):
            return True
        stems = self._stems
        if stems and any(map(str.startswith, words, repeat(stems))):
            return True
        return self.has_phrase(folded_text, present)

    def has_phrase(self, folded_text: str, present: frozenset[str]) -> bool:
        """Whether a multi-word or punctuated keyword occurs (`present`: the text's tokens)."""
        for phrase, is_stem, head in self._headed:
            if head is not None and head not in present:
                continue
            if next(_occurrences(folded_text, phrase, is_stem), None) is not None:
                return True
        return False

    def search(self, folded_text: str, tokens: list[str] | None = None) -> str | None:
        """The first keyword found, or None."""
        words = tokens if tokens is not None else _TOKEN.findall(folded_text)
        for word in words:
            if word in self._exact or (self._stems and word.startswith(self._stems)):
                return word
        for phrase, is_stem in self._phrases:
            if next(_occurrences(folded_text, phrase, is_stem), None) is not None:
                return phrase
        return None


_GROUP_CACHE_LIMIT = 200_000


class MatcherGroup:
    """Which of several keyword lists occur in one text: `[m.contains(text) for m in matchers]`.

    Urgency asks four lists about every complaint, and each `contains` tried every token of
    the text against its stems (about 3 µs a list). Here which lists a token hits is worked
    out once per distinct token and remembered as a bit mask, so a text costs one dict look-up
    per distinct token plus the phrase checks of the lists not already hit.
    """

    def __init__(self, matchers: Sequence[KeywordMatcher]) -> None:
        self._matchers = tuple(matchers)
        self._token_bits: dict[str, int] = {}

    def hits(self, folded_text: str) -> list[bool]:
        """For each matcher, whether its keywords occur in `folded_text`."""
        _, present = tokenized(folded_text)
        cache = self._token_bits
        try:
            bits = reduce(or_, map(cache.__getitem__, present), 0)
        except KeyError:
            bits = reduce(or_, (cache[t] if t in cache else self._bits_of(t) for t in present), 0)
        return [
            bool(bits >> index & 1) or matcher.has_phrase(folded_text, present)
            for index, matcher in enumerate(self._matchers)
        ]

    def _bits_of(self, token: str) -> int:
        bits = sum(1 << i for i, m in enumerate(self._matchers) if m.matches_token(token))
        if len(self._token_bits) >= _GROUP_CACHE_LIMIT:
            self._token_bits.clear()
        self._token_bits[token] = bits
        return bits


def phrase_head(phrase: str) -> str | None:
    """The token every boundary-checked occurrence of a phrase starts: "sin" for "sin senal",
    "t" for "t-mobile"; None when the phrase starts with punctuation.

    An occurrence starts where no word character, `@` or `#` precedes it, and the phrase's
    leading word characters end at a character that is none of those; so the text's tokens
    (`tokens_of`) include that leading word exactly, and a text without it has no occurrence.
    """
    head = _TOKEN.match(phrase)
    if head is None or head.end() == len(phrase):
        return None
    return head.group()


def bounded_count(folded_text: str, phrase: str, is_stem: bool) -> int:
    """How many times `phrase` occurs in `folded_text` on word boundaries (as `findall` counts)."""
    count = 0
    start = folded_text.find(phrase)
    while start != -1:
        count += _bounded(folded_text, start, len(phrase), is_stem)
        start = folded_text.find(phrase, start + 1)
    return count


def _occurrences(text: str, phrase: str, is_stem: bool) -> Iterator[int]:
    """Where `phrase` occurs in `text` as keywords match: not glued to a word (see `_bounded`)."""
    start = text.find(phrase)
    while start != -1:
        if _bounded(text, start, len(phrase), is_stem):
            yield start
        start = text.find(phrase, start + 1)


def _bounded(text: str, start: int, length: int, is_stem: bool) -> bool:
    """The phrase at `start` is not glued to a word (or handle) before it, nor after it unless
    it is a stem."""
    if start > 0 and (_is_word_char(text[start - 1]) or text[start - 1] in "@#"):
        return False
    end = start + length
    return is_stem or end >= len(text) or not _is_word_char(text[end])


def keyword_pattern(keywords: Iterable[str], *, prefix: bool = False) -> KeywordMatcher | None:
    """A matcher for a keyword list, on word boundaries of folded text.

    A keyword ending in `*` (or every keyword, with `prefix=True`) matches as a word start, so
    "refund" matches "refunds" and "factura" matches "facturacion": cheap inflection-insensitivity.
    """
    exact: set[str] = set()
    stems: set[str] = set()
    phrases: set[tuple[str, bool]] = set()
    for keyword in keywords:
        word = fold(keyword.strip())
        if not word or word == "*":
            continue
        is_stem = prefix or word.endswith("*")
        word = word.rstrip("*")
        if _PLAIN.match(word):
            (stems if is_stem else exact).add(word)
        else:
            phrases.add((word, is_stem))
    if not (exact or stems or phrases):
        return None
    return KeywordMatcher(exact, tuple(sorted(stems)), sorted(phrases))
