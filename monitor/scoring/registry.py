"""Which scorer answers for which language; adding a language means adding an entry here."""

from __future__ import annotations

from monitor.scoring.base import Scorer, Thresholds
from monitor.scoring.vader import VaderScorer


def language_scorers(thresholds: Thresholds) -> dict[str, Scorer]:
    """One scorer per supported language code."""
    return {"en": VaderScorer(thresholds)}
