"""Topic of a mention from the configured taxonomy (keywords per topic, any language)."""

from __future__ import annotations

from collections.abc import Mapping

from monitor.textnorm import keyword_pattern


class TopicClassifier:
    """The topic with the most keyword hits; ties go to the topic listed first in config."""

    def __init__(self, topics: Mapping[str, list[str]]) -> None:
        self._patterns = [
            (name, pattern)
            for name, words in topics.items()
            if (pattern := keyword_pattern(words, prefix=True)) is not None
        ]

    def topic_of(self, folded_text: str) -> str | None:
        best: str | None = None
        best_hits = 0
        for name, pattern in self._patterns:
            hits = len(pattern.findall(folded_text))
            if hits > best_hits:
                best, best_hits = name, hits
        return best
