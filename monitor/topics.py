"""Topic of a mention from the configured taxonomy (keywords per topic, any language)."""

from __future__ import annotations

from collections.abc import Mapping

from monitor.textnorm import (
    KeywordMatcher,
    bounded_count,
    keyword_pattern,
    phrase_head,
    tokenized,
)

_TOKEN_CACHE_LIMIT = 200_000


class TopicClassifier:
    """The topic with the most keyword hits; ties go to the topic listed first in config.

    Every topic keyword matches as a word start (`refund` counts "refunds"). Words repeat a lot
    across mentions, so which topics each word hits is worked out once and remembered: the text
    is tokenised once, not once per topic, and most tokens cost one dict look-up.
    """

    def __init__(self, topics: Mapping[str, list[str]]) -> None:
        matchers = [
            (name, matcher)
            for name, words in topics.items()
            if (matcher := keyword_pattern(words, prefix=True)) is not None
        ]
        self._names = [name for name, _ in matchers]
        self._matchers: list[KeywordMatcher] = [matcher for _, matcher in matchers]
        self._phrases = [
            (index, phrase, is_stem, phrase_head(phrase))
            for index, matcher in enumerate(self._matchers)
            for phrase, is_stem in matcher.phrases
        ]
        self._token_topics: dict[str, tuple[int, ...]] = {}

    def topic_of(self, folded_text: str) -> str | None:
        if not self._names:
            return None
        hits = [0] * len(self._names)
        cache = self._token_topics
        words, present = tokenized(folded_text)
        try:
            found = list(map(cache.__getitem__, words))
        except KeyError:
            found = [
                cache[token] if token in cache else self._topics_of_token(token) for token in words
            ]
        for topics in filter(None, found):
            for index in topics:
                hits[index] += 1
        for index, phrase, is_stem, head in self._phrases:
            if (head is None or head in present) and phrase in folded_text:
                hits[index] += bounded_count(folded_text, phrase, is_stem)
        best = max(range(len(hits)), key=hits.__getitem__)  # first of equals wins
        return self._names[best] if hits[best] else None

    def _topics_of_token(self, token: str) -> tuple[int, ...]:
        topics = tuple(i for i, m in enumerate(self._matchers) if m.matches_token(token))
        if len(self._token_topics) >= _TOKEN_CACHE_LIMIT:
            self._token_topics.clear()
        self._token_topics[token] = topics
        return topics
