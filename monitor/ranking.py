"""Priority of a complaint in [0, 1], with the reasons an agent reads on the card.

Each signal alone can push priority up by at most its weight, and signals combine like
independent chances (noisy-OR): `priority = 1 - Π(1 - weight_k · factor_k)`. So a furious 1★
review is urgent on its own, a calm post from a big account is urgent on its own, and every
extra signal raises priority without ever passing 1. Each reason is shown with its share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from monitor.models import Score
from monitor.urgency import Signal

RATING_FACTOR = {1: 1.0, 2: 0.75, 3: 0.4, 4: 0.0, 5: 0.0}
REPEAT_AFTER = 3  # complaints by one author before "repeat complainer" counts as urgency
REPEAT_FACTOR = 0.5


@dataclass(frozen=True, slots=True)
class Weights:
    severity: float = 1.0
    reach: float = 0.5
    rating: float = 0.8
    urgency: float = 0.7
    waiting: float = 0.2


@dataclass(frozen=True, slots=True)
class RankingPolicy:
    weights: Weights = Weights()
    min_priority: float = 0.3
    reach_full_at: int = 1_000_000
    waiting_full_after: timedelta = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Ranking:
    priority: float
    reasons: list[str]
    factors: dict[str, Any] = field(default_factory=dict)


def is_complaint(score: Score, rating: int | None) -> bool:
    """What the ranker looks at: negative text, or any review of 3★ or less."""
    return score.label == "negative" or (rating is not None and rating <= 3)


def rank(
    score: Score,
    *,
    rating: int | None,
    followers: int | None,
    urgency: list[Signal],
    author_complaints: int,
    waiting: timedelta,
    policy: RankingPolicy,
) -> Ranking:
    """Rank one complaint; `factors` keep what is needed to recompute waiting time later."""
    factors: dict[str, Any] = {
        "severity": round(max(0.0, -score.compound), 4),
        "compound": round(score.compound, 4),
        "rating": rating,
        "followers": followers,
        "urgency": [s.reason for s in urgency],
        "urgency_factor": max((s.weight for s in urgency), default=0.0),
        "author_complaints": author_complaints,
    }
    if author_complaints >= REPEAT_AFTER:
        factors["urgency_factor"] = max(factors["urgency_factor"], REPEAT_FACTOR)
    return rerank(factors, waiting=waiting, policy=policy)


def rerank(factors: dict[str, Any], *, waiting: timedelta, policy: RankingPolicy) -> Ranking:
    """Priority and reasons from stored factors at a given waiting time (the queue re-ranks)."""
    w = policy.weights
    parts: list[tuple[float, str]] = []
    severity = float(factors.get("severity") or 0.0)
    if severity > 0:
        label = "very negative text" if severity >= 0.6 else "negative text"
        parts.append((w.severity * severity, f"{label} ({-severity:+.2f})"))
    rating = factors.get("rating")
    if rating is not None and RATING_FACTOR.get(int(rating), 0.0) > 0:
        parts.append((w.rating * RATING_FACTOR[int(rating)], f"{int(rating)}★ review"))
    followers = factors.get("followers")
    if followers:
        reach = min(1.0, math.log10(int(followers) + 1) / math.log10(policy.reach_full_at))
        parts.append((w.reach * reach, f"{humanize_count(int(followers))} followers"))
    urgency_factor = float(factors.get("urgency_factor") or 0.0)
    if urgency_factor > 0:
        names = list(factors.get("urgency") or [])
        complaints = int(factors.get("author_complaints") or 0)
        if complaints >= REPEAT_AFTER:
            names.append(f"repeat complainer ({complaints} posts)")
        parts.append((w.urgency * urgency_factor, ", ".join(names)))
    hours = max(0.0, waiting.total_seconds() / 3600)
    full = policy.waiting_full_after.total_seconds() / 3600
    if hours >= 1:
        parts.append((w.waiting * min(1.0, hours / full), f"waiting {humanize_hours(hours)}"))
    keep = 1.0
    for contribution, _ in parts:
        keep *= 1.0 - min(1.0, contribution)
    priority = round(1.0 - keep, 4)
    reasons = [
        reason for contribution, reason in sorted(parts, reverse=True) if contribution >= 0.02
    ]
    return Ranking(priority=priority, reasons=reasons, factors=factors)


def humanize_count(value: int) -> str:
    """14000 → "14k", 1200000 → "1.2M", 850 → "850"."""
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M"
    if value >= 10_000:
        return f"{value // 1000}k"
    if value >= 1000:
        return f"{value / 1000:.1f}".rstrip("0").rstrip(".") + "k"
    return str(value)


def humanize_hours(hours: float) -> str:
    """3.2 → "3 h", 50 → "2 d"."""
    if hours < 48:
        return f"{int(hours)} h"
    return f"{int(hours // 24)} d"
