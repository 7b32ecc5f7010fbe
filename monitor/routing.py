"""Which channel a case goes to: the first routing rule that matches it (DESIGN 3.2 `routing`)."""

from __future__ import annotations

from db.models import Case
from monitor.config import RoutingConfig, RuleMatch


def _matches(value: str | None, wanted: str | list[str] | None) -> bool:
    if wanted is None:
        return True
    options = [wanted] if isinstance(wanted, str) else wanted
    return value is not None and value.lower() in {o.lower() for o in options}


def rule_matches(match: RuleMatch, case: Case, *, rating: int | None) -> bool:
    """Every key given in `match` must hold; keys left out match anything."""
    if match.max_rating is not None and (rating is None or rating > match.max_rating):
        return False
    if match.min_priority is not None and case.priority < match.min_priority:
        return False
    return (
        _matches(case.lang, match.lang)
        and _matches(case.topic, match.topic)
        and _matches(case.source, match.source)
        and _matches(case.brand, match.brand)
    )


class Router:
    def __init__(self, config: RoutingConfig) -> None:
        self._config = config

    def channel_for(self, case: Case, *, rating: int | None) -> str:
        for rule in self._config.rules:
            if rule.channel and rule_matches(rule.match, case, rating=rating):
                return rule.channel
        return self._config.default_channel
