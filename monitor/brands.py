"""Which brand a mention is about, and whether it is noise the brand's `exclude` terms drop."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.targeting import about_brand
from monitor.textnorm import KeywordMatcher, keyword_pattern


@dataclass(frozen=True, slots=True)
class BrandRule:
    name: str
    keywords: KeywordMatcher | None
    exclude: KeywordMatcher | None
    competitors: KeywordMatcher | None = None


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

    def match(
        self, folded_text: str, text: str, connector_brand: str | None = None
    ) -> tuple[str | None, bool, str]:
        """(brand, excluded, text to score) in one call, for `folded_text` = `fold_text(text)`;
        an excluded mention's text is `text` as is."""
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
