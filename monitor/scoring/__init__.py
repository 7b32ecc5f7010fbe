"""Sentiment scoring: one interface, one scorer per language, the rating rule on top."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from monitor.language import LanguageDetector
from monitor.models import Score
from monitor.scoring.base import Scorer, Thresholds, apply_rating_rule, confidence
from monitor.scoring.registry import language_scorers

__all__ = [
    "MultiLanguageScorer",
    "Scorer",
    "Thresholds",
    "apply_rating_rule",
    "build_scorer",
]


class MultiLanguageScorer:
    """Detects the language (the platform's hint first) and asks that language's scorer."""

    def __init__(
        self, scorers: Mapping[str, Scorer], detector: LanguageDetector, *, fallback: str = "en"
    ) -> None:
        self._scorers = dict(scorers)
        self._detector = detector
        self._fallback = self._scorers[fallback]

    @property
    def languages(self) -> list[str]:
        return sorted(self._scorers)

    def score(self, text: str, lang: str | None = None, rating: int | None = None) -> Score:
        code = self._detector.detect(text, lang)
        result = self._scorers.get(code, self._fallback).score(text, code, rating)
        if result.confidence is None:  # our scorers fill it in; a plug-in Scorer may not
            result = replace(result, confidence=confidence(result))
        return result


def build_scorer(
    languages: list[str] | None = None,
    *,
    negative_threshold: float = -0.05,
    positive_threshold: float = 0.05,
) -> MultiLanguageScorer:
    """The scorer the pipeline and `repmon score` use, restricted to the configured languages."""
    thresholds = Thresholds(negative=negative_threshold, positive=positive_threshold)
    available = language_scorers(thresholds)
    wanted = [code for code in (languages or ["en"]) if code in available] or ["en"]
    if "en" not in wanted:
        wanted.append("en")
    detector = LanguageDetector(languages or wanted, default=wanted[0])
    return MultiLanguageScorer({code: available[code] for code in wanted}, detector)
