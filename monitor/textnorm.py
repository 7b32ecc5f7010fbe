"""Text folding for keyword matching: case- and accent-insensitive, so "envío" matches "envio"."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import repeat

_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _slow_fold(text: str) -> str:
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))


def _latin1_tables() -> tuple[bytes, bytes]:
    """`bytes.translate` tables for Latin-1 text: each character's fold where that is one
    Latin-1 character (É → e, ñ → n, ¿ → ¿), and the characters where it is not (ß → ss,
    µ → μ, ½ → 1⁄2), which must take the slow path."""
    folded = [_slow_fold(chr(code)) for code in range(256)]
    table = bytes(ord(f) if len(f) == 1 and ord(f) < 256 else code for code, f in enumerate(folded))
    simple = bytes(code for code, f in enumerate(folded) if len(f) == 1 and ord(f) < 256)
    return table, simple


_LATIN1_FOLD, _LATIN1_SIMPLE = _latin1_tables()


def fold_text(text: str) -> str:
    """Lower-case and strip diacritics (é → e, ñ → n): "envío" matches "envio".

    ASCII text (most of it) only needs lower-casing; otherwise decompose and drop the
    combining marks with one regex pass instead of a Python loop over characters.

    Latin-1 text (most Spanish and French) folds character by character: case folding is per
    character, NFKD decomposes each one on its own and only reorders combining marks, which
    are all dropped. So one byte-table translation gives the same text, at a third of the cost.
    """
    if text.isascii():
        return text.lower()
    data = text.encode("latin-1", "ignore")
    if len(data) == len(text) and not data.translate(None, _LATIN1_SIMPLE):
        return data.translate(_LATIN1_FOLD).decode("latin-1")
    return _slow_fold(text)


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """`fold_text` cached, for short strings that repeat (keywords, tokens)."""
    return fold_text(text)


def clip(text: str, limit: int) -> str:
    """One line of at most `limit` characters, with an ellipsis when cut (cards, tables)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


_TOKEN = re.compile(r"[\w@#]+")
#: Latin-1 characters for `bytes.translate`: token characters (`_TOKEN`'s) as themselves, the
#: others as a space (see `_split_tokens`).
_LATIN1_TOKEN_CHARS = bytes(code if _TOKEN.fullmatch(chr(code)) else 0x20 for code in range(256))
#: A token character beyond Latin-1 (`\w` less the first 256 characters; `@#` are ASCII).
_WIDE_TOKEN_CHAR = re.compile(r"[^\W\x00-\xff]")
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
    costs more than any of their look-ups (about 3 µs for a 150-character post).
    """
    last = _LAST[0]
    if last[0] == folded_text:
        return last[1], last[2]
    words = tuple(_split_tokens(folded_text))
    present = frozenset(words)
    _LAST[0] = (folded_text, words, present)
    return words, present


def _split_tokens(folded_text: str) -> list[str]:
    """`tokens_of(folded_text)`, at a third of the cost for Latin-1 text (most of it).

    Tokens are the maximal runs of token characters. One byte-table translation turns every
    other character into a space, and no token character is whitespace, so `str.split` cuts
    exactly those runs: C-level passes instead of the regex engine's (~1.2 µs instead of
    2.7 µs for a 150-character ASCII post, 4 µs for Latin-1). Characters beyond Latin-1 that
    are no token characters (€, emoji, ’) separate tokens too, and so does the "?" each is
    encoded as. Text with token characters beyond Latin-1 keeps the regex.
    """
    if folded_text.isascii():
        data = folded_text.encode("ascii")
    else:
        data = folded_text.encode("latin-1", "ignore")
        if len(data) != len(folded_text):  # characters beyond Latin-1
            if _WIDE_TOKEN_CHAR.search(folded_text) is not None:
                return _TOKEN.findall(folded_text)
            data = folded_text.encode("latin-1", "replace")
    return data.translate(_LATIN1_TOKEN_CHARS).decode("latin-1").split()


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
        #: Phrases by `phrase_head`: only those whose head is among a text's tokens can occur;
        #: the headless ones (starting with punctuation) are always looked for.
        self._by_head: dict[str, list[tuple[str, bool]]] = {}
        self._headless: list[tuple[str, bool]] = []
        for phrase, is_stem in phrases:
            head = phrase_head(phrase)
            if head is None:
                self._headless.append((phrase, is_stem))
            else:
                self._by_head.setdefault(head, []).append((phrase, is_stem))
        self._heads = frozenset(self._by_head)
        #: Whether every keyword is found through one of the text's tokens (no stems, no
        #: headless phrases): then a text without any of the `needles` matches nothing.
        self.token_only = not stems and not self._headless
        #: The tokens a `token_only` match needs one of: the exact keywords, the phrases' heads.
        self.needles = frozenset(exact) | self._heads

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
        """Whether a multi-word or punctuated keyword occurs (`present`: the text's tokens).

        One C-level set intersection picks the phrases worth a substring search, instead of a
        Python loop testing every phrase's head (most texts have none of them).
        """
        for phrase, is_stem in self._headless:
            if occurs(folded_text, phrase, is_stem):
                return True
        by_head = self._by_head
        for head in self._heads.intersection(present):
            for phrase, is_stem in by_head[head]:
                if phrase in folded_text and occurs(folded_text, phrase, is_stem):
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


#: A phrase of matcher `index`: (index, phrase, is_stem).
IndexedPhrase = tuple[int, str, bool]


def phrases_by_head(
    matchers: Sequence[KeywordMatcher],
) -> tuple[dict[str, list[IndexedPhrase]], list[IndexedPhrase]]:
    """The matchers' phrases by `phrase_head`, and those without a head: only phrases whose
    head is among a text's tokens can occur in it (see `KeywordMatcher.has_phrase`)."""
    by_head: dict[str, list[IndexedPhrase]] = {}
    headless: list[IndexedPhrase] = []
    for index, matcher in enumerate(matchers):
        for phrase, is_stem in matcher.phrases:
            head = phrase_head(phrase)
            if head is None:
                headless.append((index, phrase, is_stem))
            else:
                by_head.setdefault(head, []).append((index, phrase, is_stem))
    return by_head, headless


class MatcherGroup:
    """Which of several keyword lists occur in one text: `[m.contains(text) for m in matchers]`.

    Urgency asks four lists about every complaint, and each `contains` tried every token of
    the text against its stems (about 3 µs a list). Here each distinct token is classified
    once: most hit no list and start no phrase, and are remembered as `_boring`; one C-level
    set difference then leaves the few tokens of a text worth a look.
    """

    def __init__(self, matchers: Sequence[KeywordMatcher]) -> None:
        self._matchers = tuple(matchers)
        #: Tokens that hit some list or head some phrase → the lists they hit, as a bit mask.
        self._token_bits: dict[str, int] = {}
        #: Tokens that hit no list and are no phrase's head: nothing to learn from them.
        self._boring: set[str] = set()
        #: All lists' phrases by `phrase_head`, with the list's index (see `has_phrase`).
        self._by_head, self._headless = phrases_by_head(self._matchers)

    def hits(self, folded_text: str) -> list[bool]:
        """For each matcher, whether its keywords occur in `folded_text`."""
        bits = self.bits(folded_text)
        return [bool(bits >> index & 1) for index in range(len(self._matchers))]

    def bits(self, folded_text: str) -> int:
        """`hits` as a bit mask (bit i: matcher i), which callers test without a list."""
        _, present = tokenized(folded_text)
        bits = 0
        heads: list[str] = []
        known = self._token_bits
        by_head = self._by_head
        for token in present.difference(self._boring):
            token_bits = known.get(token)
            bits |= self._learn(token) if token_bits is None else token_bits
            if token in by_head:
                heads.append(token)
        for head in heads:  # after the tokens: skip the phrases of lists already hit
            for index, phrase, is_stem in by_head[head]:
                seen = bits >> index & 1
                if not seen and phrase in folded_text and occurs(folded_text, phrase, is_stem):
                    bits |= 1 << index
        for index, phrase, is_stem in self._headless:
            if not bits >> index & 1 and occurs(folded_text, phrase, is_stem):
                bits |= 1 << index
        return bits

    def _learn(self, token: str) -> int:
        """The lists `token` hits, remembered in `_token_bits` or `_boring`."""
        bits = sum(1 << i for i, m in enumerate(self._matchers) if m.matches_token(token))
        if len(self._token_bits) + len(self._boring) >= _GROUP_CACHE_LIMIT:
            self._token_bits.clear()
            self._boring.clear()
        if bits or token in self._by_head:
            self._token_bits[token] = bits
        else:
            self._boring.add(token)
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


def occurs(text: str, phrase: str, is_stem: bool) -> bool:
    """Whether `phrase` occurs in `text` as keywords match: `_occurrences` without a generator."""
    start = text.find(phrase)
    while start != -1:
        if _bounded(text, start, len(phrase), is_stem):
            return True
        start = text.find(phrase, start + 1)
    return False


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
