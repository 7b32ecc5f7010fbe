"""Which brand a mention is about, and whether it is noise the brand's `exclude` terms drop."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from monitor.targeting import about_brand
from monitor.textnorm import KeywordMatcher, keyword_pattern, occurs, phrase_head, tokenized


@dataclass(frozen=True, slots=True)
class BrandRule:
    name: str
    keywords: KeywordMatcher | None
    exclude: KeywordMatcher | None
    competitors: KeywordMatcher | None = None


#: The phrases of one list that start with one token: the list's bit, a regex search for any
#: of them (as plain substrings), and the phrases with whether each is a stem.
_Headed = tuple[int, Callable[[str], object], tuple[tuple[str, bool], ...]]
#: What one of a `BrandMatcher`'s needle tokens tells: the lists it is a keyword of, as a bit
#: mask, and the phrases it is the head of, list by list.
_Needle = tuple[int, tuple[_Headed, ...]]


class BrandMatcher:
    """First brand whose keywords appear; a connector's own `brand` wins (reviews rarely say it).

    With no keyword match the first configured brand is assumed: the connector's query already
    chose the item, and an app review is about the app whatever its words.
    """

    def __init__(self, brands: list[tuple[str, list[str], list[str], list[str]]]) -> None:
        self._rules = [
            BrandRule(
                name, keyword_pattern(keywords), keyword_pattern(exclude), keyword_pattern(rivals)
            )
            for name, keywords, exclude, rivals in brands
        ]
        self._by_name = {rule.name: rule for rule in self._rules}
        self._default = self._rules[0].name if self._rules else None
        #: Rule i's keywords, exclude terms and competitors are the lists of bits 3i, 3i+1, 3i+2.
        self._rule_bits = [
            (rule, 1 << 3 * i, 1 << 3 * i + 1, 1 << 3 * i + 2) for i, rule in enumerate(self._rules)
        ]
        self._competitor_bit = {rule.name: (rule, bit) for rule, _, _, bit in self._rule_bits}
        #: Each needle token's `_Needle`, when every list is `token_only` (else None: stems and
        #: headless phrases take the plain path). A text with none of them matches no list.
        self._table = self._needle_table()
        self._needles = frozenset(self._table or ())

    def _needle_table(self) -> dict[str, _Needle] | None:
        """What each needle token tells (`_Needle`); built once, a few entries per keyword."""
        slots = [m for rule in self._rules for m in (rule.keywords, rule.exclude, rule.competitors)]
        matchers = [matcher for matcher in slots if matcher is not None]
        if not all(matcher.token_only for matcher in matchers):
            return None
        table: dict[str, _Needle] = {}
        for token in frozenset().union(*(matcher.needles for matcher in matchers)):
            exact = 0
            headed: list[_Headed] = []
            for index, matcher in enumerate(slots):
                if matcher is None:
                    continue
                if matcher.matches_token(token):
                    exact |= 1 << index
                phrases = tuple(p for p in matcher.phrases if phrase_head(p[0]) == token)
                if phrases:
                    any_of = re.compile("|".join(re.escape(phrase) for phrase, _ in phrases))
                    headed.append((1 << index, any_of.search, phrases))
            table[token] = (exact, tuple(headed))
        return table

    def match(
        self, folded_text: str, text: str, connector_brand: str | None = None
    ) -> tuple[str | None, bool, str]:
        """(brand, excluded, text to score) in one call, for `folded_text` = `fold_text(text)`;
        an excluded mention's text is `text` as is.

        The three methods (`brand_of`, `is_excluded`, `scoring_text`) asked each list about the
        text's tokens in turn, ~2 µs a text besides splitting it. Here one set intersection
        with every list's `needles` settles half the texts (no brand, exclusion or rival
        named); for the others the one or two tokens found tell which lists occur
        (`_lists_found`), as bits.
        """
        table = self._table
        if table is None:
            return self._match_plainly(folded_text, text, connector_brand)
        found = tokenized(folded_text)[1] & self._needles
        if not found:  # no list occurs (bits 0 below): the default brand, kept, whole text
            return connector_brand or self._default, False, text
        bits = self._lists_found(folded_text, found, table)
        brand = connector_brand
        if not brand:
            brand = self._default
            for rule, keyword_bit, _, _ in self._rule_bits:
                if bits & keyword_bit:
                    brand = rule.name
                    break
        for rule, _, exclude_bit, _ in self._rule_bits:
            if bits & exclude_bit and (brand is None or rule.name == brand):
                return brand, True, text
        named = self._competitor_bit.get(brand or "")
        if named is None or not bits & named[1]:
            return brand, False, text
        rule = named[0]
        if rule.keywords is None or rule.competitors is None:
            return brand, False, text
        return brand, False, about_brand(text, rule.keywords, rule.competitors)

    @staticmethod
    def _lists_found(folded_text: str, found: frozenset[str], table: dict[str, _Needle]) -> int:
        """Which lists occur in the text, as a bit mask, from the needle tokens `found` in it.

        Keywords first, so that the phrases of a list already found are not searched. A phrase
        occurs only where its head is a token (`phrase_head`), so the phrases headed by the
        tokens found are all there is to look for; one regex search tells whether any of a
        list's occurs at all, before `occurs` checks the word boundaries phrase by phrase.
        """
        bits = 0
        for token in found:
            bits |= table[token][0]
        for token in found:
            for bit, any_of, phrases in table[token][1]:
                if bits & bit or any_of(folded_text) is None:
                    continue
                for phrase, is_stem in phrases:
                    if phrase in folded_text and occurs(folded_text, phrase, is_stem):
                        bits |= bit
                        break
        return bits

    def _match_plainly(
        self, folded_text: str, text: str, connector_brand: str | None
    ) -> tuple[str | None, bool, str]:
        """`match` through the three public methods, for lists with stems or headless phrases."""
        brand = self.brand_of(folded_text, connector_brand)
        if self.is_excluded(folded_text, brand):
            return brand, True, text
        return brand, False, self.scoring_text(text, brand, folded_text=folded_text)

    def scoring_text(self, text: str, brand: str | None, *, folded_text: str | None = None) -> str:
        """The part of `text` that is about `brand` when it also names a competitor.

        With `folded_text` (= `fold_text(text)`, already at hand in the pipeline) a text that
        names no competitor is returned without folding it again.
        """
        rule = self._by_name.get(brand or "")
        if rule is None or rule.keywords is None or rule.competitors is None:
            return text
        if folded_text is not None and not rule.competitors.contains(folded_text):
            return text  # what about_brand returns when no competitor is named
        return about_brand(text, rule.keywords, rule.competitors)

    def brand_of(self, folded_text: str, connector_brand: str | None = None) -> str | None:
        if connector_brand:
            return connector_brand
        for rule in self._rules:
            if rule.keywords is not None and rule.keywords.contains(folded_text):
                return rule.name
        return self._rules[0].name if self._rules else None

    def is_excluded(self, folded_text: str, brand: str | None) -> bool:
        for rule in self._rules:
            applies = brand is None or rule.name == brand
            if applies and rule.exclude is not None and rule.exclude.contains(folded_text):
                return True
        return False
