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
from typing import TYPE_CHECKING, Any, Literal

from monitor.models import Score
from monitor.scoring.base import LOW_CONFIDENCE
from monitor.urgency import Signal

if TYPE_CHECKING:
    from monitor.config import RankingConfig

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
    participation: float = 0.3


@dataclass(frozen=True, slots=True)
class RankingPolicy:
    weights: Weights = Weights()
    min_priority: float = 0.3
    reach_full_at: int = 1_000_000
    waiting_full_after: timedelta = timedelta(hours=24)

    @classmethod
    def from_config(cls, ranking: RankingConfig) -> RankingPolicy:
        """The policy of `ranking` in config.yaml, without building scorers (for `queue`)."""
        return cls(
            weights=Weights(**ranking.weights.model_dump()),
            min_priority=ranking.min_priority,
            reach_full_at=ranking.reach_full_at,
            waiting_full_after=ranking.waiting_full_after,
        )


@dataclass(frozen=True, slots=True)
class Ranking:
    """`weights[i]` is how much `reasons[i]` alone raised the priority (0–1)."""

    priority: float
    reasons: list[str]
    factors: dict[str, Any] = field(default_factory=dict)
    weights: list[float] = field(default_factory=list)


Tier = Literal["creator", "commenter", "passive"]
TIER_FACTOR: dict[str, float] = {"creator": 1.0, "commenter": 0.3, "passive": 0.0}
CREATOR_POSTS = 5
CREATOR_FOLLOWERS = 10_000


def participation_tier(*, mentions_seen: int, followers: int | None, is_reply: bool) -> Tier:
    """The few who create content reach the many: creators post often or start threads to a
    large audience; commenters join conversations; everyone else reads and rarely writes."""
    if mentions_seen >= CREATOR_POSTS or (
        not is_reply and followers is not None and followers >= CREATOR_FOLLOWERS
    ):
        return "creator"
    if is_reply or mentions_seen >= 2:
        return "commenter"
    return "passive"


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
    tier: Tier = "passive",
) -> Ranking:
    """Rank one complaint; `factors` keep what is needed to recompute waiting time later."""
    factors: dict[str, Any] = {
        "tier": tier,
        "confidence": score.confidence,
        "misrated": score.misrated,
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
    tier = str(factors.get("tier") or "passive")
    if TIER_FACTOR.get(tier, 0.0) > 0:
        parts.append((w.participation * TIER_FACTOR[tier], _TIER_REASON[tier]))
    hours = max(0.0, waiting.total_seconds() / 3600)
    full = policy.waiting_full_after.total_seconds() / 3600
    if hours >= 1:
        parts.append((w.waiting * min(1.0, hours / full), f"waiting {humanize_hours(hours)}"))
    keep = 1.0
    for contribution, _ in parts:
        keep *= 1.0 - min(1.0, contribution)
    priority = round(1.0 - keep, 4)
    shown = [(round(c, 2), reason) for c, reason in sorted(parts, reverse=True) if c >= 0.02]
    # Notes that raise nothing but change how an agent should read the card.
    notes = []
    if factors.get("misrated"):
        notes.append(f"likely mis-rating ({rating}★ with angry text)")
    confidence = factors.get("confidence")
    if confidence is not None and float(confidence) < LOW_CONFIDENCE:
        notes.append(f"low confidence ({float(confidence):.0%}): check the text")
    return Ranking(
        priority=priority,
        reasons=[reason for _, reason in shown] + notes,
        factors=factors,
        weights=[c for c, _ in shown] + [0.0] * len(notes),
    )


_TIER_REASON = {"creator": "content creator", "commenter": "active commenter"}


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
