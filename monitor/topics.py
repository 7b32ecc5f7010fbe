"""Topic of a mention from the configured taxonomy (keywords per topic, any language)."""

from __future__ import annotations

from collections.abc import Mapping

from monitor.textnorm import (
    KeywordMatcher,
    bounded_count,
    keyword_pattern,
    phrases_by_head,
    tokenized,
)

_TOKEN_CACHE_LIMIT = 200_000


class TopicClassifier:
    """The topic with the most keyword hits; ties go to the topic listed first in config.

    Every topic keyword matches as a word start (`refund` counts "refunds"). Words repeat a lot
    across mentions, so which topics each word hits is worked out once and remembered: the text
    is tokenised once, not once per topic, and the tokens that match nothing are set aside in
    one C-level set difference.
    """

    def __init__(self, topics: Mapping[str, list[str]]) -> None:
        matchers = [
            (name, matcher)
            for name, words in topics.items()
            if (matcher := keyword_pattern(words, prefix=True)) is not None
        ]
        self._names = [name for name, _ in matchers]
        self._matchers: list[KeywordMatcher] = [matcher for _, matcher in matchers]
        #: Phrases by `phrase_head`: only those whose head is among a text's tokens can occur
        #: (see `KeywordMatcher.has_phrase`); the headless ones are always counted.
        self._by_head, self._headless = phrases_by_head(self._matchers)
        #: Tokens that match some topic or head some phrase → the topics they match.
        self._token_topics: dict[str, tuple[int, ...]] = {}
        #: Tokens that match no topic and are no phrase's head (most): nothing to count.
        self._boring: set[str] = set()

    def topic_of(self, folded_text: str) -> str | None:
        if not self._names:
            return None
        hits = [0] * len(self._names)
        words, present = tokenized(folded_text)
        known = self._token_topics
        by_head = self._by_head
        # One C-level set difference leaves the few distinct tokens that count for something.
        for token in present.difference(self._boring):
            topics = known.get(token)
            if topics is None:
                topics = self._learn(token)
            if topics:
                occurrences = words.count(token)
                for index in topics:
                    hits[index] += occurrences
            for index, phrase, is_stem in by_head.get(token, ()):
                if phrase in folded_text:  # C-level, to skip the Python call most of the time
                    hits[index] += bounded_count(folded_text, phrase, is_stem)
        for index, phrase, is_stem in self._headless:
            if phrase in folded_text:
                hits[index] += bounded_count(folded_text, phrase, is_stem)
        best = max(hits)
        return self._names[hits.index(best)] if best else None  # first of equals wins

    def _learn(self, token: str) -> tuple[int, ...]:
        """The topics `token` matches, remembered in `_token_topics` or `_boring`."""
        topics = tuple(i for i, m in enumerate(self._matchers) if m.matches_token(token))
        if len(self._token_topics) + len(self._boring) >= _TOKEN_CACHE_LIMIT:
            self._token_topics.clear()
            self._boring.clear()
        if topics or token in self._by_head:
            self._token_topics[token] = topics
        else:
            self._boring.add(token)
        return topics
