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
        """`brand_of`, `is_excluded` and `scoring_text` in one call, for `folded_text` =
        `fold_text(text)`: the text is split into words once, and the competitor check
        reuses the folded text instead of folding it again.

        Returns (brand, excluded, text to score); an excluded mention's text is `text` as is.
        """
        brand = connector_brand or None
        if brand is None:
            for rule in self._rules:
                if rule.keywords is not None and rule.keywords.contains(folded_text):
                    brand = rule.name
                    break
            else:
                brand = self._rules[0].name if self._rules else None
        for rule in self._rules:
            if (
                (brand is None or rule.name == brand)
                and rule.exclude is not None
                and rule.exclude.contains(folded_text)
            ):
                return brand, True, text
        own = self._by_name.get(brand or "")
        if own is None or own.keywords is None or own.competitors is None:
            return brand, False, text
        if not own.competitors.contains(folded_text):
            return brand, False, text  # what about_brand returns when no competitor is named
        return brand, False, about_brand(text, own.keywords, own.competitors)

    def scoring_text(self, text: str, brand: str | None) -> str:
        """The part of `text` that is about `brand` when it also names a competitor."""
        rule = self._by_name.get(brand or "")
        if rule is None or rule.keywords is None or rule.competitors is None:
            return text
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
