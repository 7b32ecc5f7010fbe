"""Priority of a complaint in [0, 1], with the reasons an agent reads on the card.

Each signal alone can push priority up by at most its weight, and signals combine like
independent chances (noisy-OR): `priority = 1 - Π(1 - weight_k · factor_k)`. So a furious 1★
review is urgent on its own, a calm post from a big account is urgent on its own, and every
extra signal raises priority without ever passing 1. Each reason is shown with its share.
"""

from __future__ import annotations

import functools
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
    # Most complaints carry no urgency signal: skip the comprehension and max() for them.
    if urgency:
        names = [s.reason for s in urgency]
        urgency_factor = max([s.weight for s in urgency])
    else:
        names = []
        urgency_factor = 0.0
    if author_complaints >= REPEAT_AFTER:
        urgency_factor = max(urgency_factor, REPEAT_FACTOR)
    compound = score.compound
    rounded = round(compound, 4)
    # = round(max(0.0, -compound), 4): rounding is symmetric in sign, and max() keeps 0.0 for
    # 0.0, -0.0, NaN and positive scores.
    severity = -rounded if compound < 0 else 0.0
    factors: dict[str, Any] = {
        "tier": tier,
        "confidence": score.confidence,
        "misrated": score.misrated,
        "severity": severity,
        "compound": rounded,
        "rating": rating,
        "followers": followers,
        "urgency": names,
        "urgency_factor": urgency_factor,
        "author_complaints": author_complaints,
    }
    # The values just stored, passed as they are: what rerank(factors) would read back.
    return _ranking(
        factors,
        severity=severity,
        rating=rating,
        followers=followers,
        urgency_factor=urgency_factor,
        urgency=names,
        author_complaints=author_complaints,
        tier=tier,
        misrated=score.misrated,
        confidence=score.confidence,
        waiting=waiting,
        policy=policy,
    )


def rerank(factors: dict[str, Any], *, waiting: timedelta, policy: RankingPolicy) -> Ranking:
    """Priority and reasons from stored factors at a given waiting time (the queue re-ranks)."""
    get = factors.get
    return _ranking(
        factors,
        severity=get("severity"),
        rating=get("rating"),
        followers=get("followers"),
        urgency_factor=get("urgency_factor"),
        urgency=get("urgency"),
        author_complaints=get("author_complaints"),
        tier=get("tier"),
        misrated=get("misrated"),
        confidence=get("confidence"),
        waiting=waiting,
        policy=policy,
    )


@dataclass(frozen=True, slots=True)
class _Terms:
    """What a policy contributes to every ranking, worked out once per policy object."""

    policy: RankingPolicy
    rating: dict[int, tuple[float, str]]  # star rating → (contribution, reason), if it counts
    tier: dict[str, tuple[float, str]]  # tier → (contribution, reason), if it counts
    log_reach_full: float | None  # None: log10 raises; it must raise only when followers show
    waiting_full_hours: float
    rounded: dict[float, float]  # round(c, 2) of the contributions above and of full waiting


def _terms_of(policy: RankingPolicy) -> _Terms:
    """Each value computed exactly as the ranking would, so reusing it changes no bit."""
    w = policy.weights
    try:
        log_reach_full: float | None = math.log10(policy.reach_full_at)
    except (ValueError, TypeError):
        log_reach_full = None
    rating = {r: (w.rating * f, f"{r}★ review") for r, f in RATING_FACTOR.items() if f > 0}
    tier = {t: (w.participation * f, _TIER_REASON[t]) for t, f in TIER_FACTOR.items() if f > 0}
    # Contributions that recur: every rating and tier one, and waiting once it is full.
    constant = [c for c, _ in [*rating.values(), *tier.values()]] + [w.waiting * 1.0]
    return _Terms(
        policy=policy,
        rating=rating,
        tier=tier,
        log_reach_full=log_reach_full,
        waiting_full_hours=policy.waiting_full_after.total_seconds() / 3600,
        rounded={c: round(c, 2) for c in constant},
    )


# id(policy) → its terms. The entry holds the policy, so its id cannot be reused while cached;
# a handful of policies per process at most (config, tests), cleared if that ever grows.
_TERMS: dict[int, _Terms] = {}


def _terms_for(policy: RankingPolicy) -> _Terms:
    """The policy's terms, worked out on its first ranking (policies are frozen)."""
    terms = _TERMS.get(id(policy))
    if terms is None or terms.policy is not policy:
        if len(_TERMS) >= 16:
            _TERMS.clear()
        terms = _TERMS[id(policy)] = _terms_of(policy)
    return terms


def _ranking(
    factors: dict[str, Any],
    *,
    severity: Any,
    rating: Any,
    followers: Any,
    urgency_factor: Any,
    urgency: Any,
    author_complaints: Any,
    tier: Any,
    misrated: Any,
    confidence: Any,
    waiting: timedelta,
    policy: RankingPolicy,
) -> Ranking:
    """The ranking of raw factor values (as `factors.get` returns them), shared by rank and
    rerank so rank need not read back the dict it just built. Conversions run in the order
    they always did, so malformed stored factors fail with the same error."""
    terms = _terms_for(policy)
    w = policy.weights
    parts: list[tuple[float, str]] = []
    severity = float(severity or 0.0)
    if severity > 0:
        parts.append((w.severity * severity, _severity_reason(severity)))
    if rating is not None:
        rated = terms.rating.get(int(rating))
        if rated is not None:
            parts.append(rated)
    if followers:
        count = int(followers)
        parts.append((w.reach * _reach(count, terms), f"{humanize_count(count)} followers"))
    urgency_factor = float(urgency_factor or 0.0)
    if urgency_factor > 0:
        parts.append((w.urgency * urgency_factor, _urgency_reason(urgency, author_complaints)))
    participation = terms.tier.get(str(tier or "passive"))
    if participation is not None:
        parts.append(participation)
    # max(0.0, hours) is only ever read when hours >= 1, where it is hours itself.
    hours = waiting.total_seconds() / 3600
    if hours >= 1:
        waited = hours / terms.waiting_full_hours
        waited = waited if waited < 1.0 else 1.0  # min(1.0, waited)
        parts.append((w.waiting * waited, f"waiting {humanize_hours(hours)}"))
    keep = 1.0
    for contribution, _ in parts:
        # min(1.0, c) without the call: min keeps 1.0 unless c < 1.0 (so for NaN too).
        keep *= 1.0 - (contribution if contribution < 1.0 else 1.0)
    priority = round(1.0 - keep, 4)
    parts.sort(reverse=True)
    reasons = []
    weights = []
    rounded = terms.rounded
    for c, reason in parts:
        if c >= 0.02:
            reasons.append(reason)
            # Every contribution is a float (weight × float factor), so a float-keyed lookup
            # answers what round() would; ±0.0 and NaN, where that could differ, are not >= 0.02.
            r = rounded.get(c)
            weights.append(round(c, 2) if r is None else r)
    # Notes that raise nothing but change how an agent should read the card.
    if misrated:
        reasons.append(f"likely mis-rating ({rating}★ with angry text)")
        weights.append(0.0)
    if confidence is not None and float(confidence) < LOW_CONFIDENCE:
        reasons.append(f"low confidence ({float(confidence):.0%}): check the text")
        weights.append(0.0)
    return Ranking(priority, reasons, factors, weights)


@functools.lru_cache(maxsize=10_000)
def _severity_reason(severity: float) -> str:
    """Cached: rank rounds severity to 4 decimals, so the same few values recur (always a
    float here, so 1 and 1.0 sharing an entry cannot happen)."""
    label = "very negative text" if severity >= 0.6 else "negative text"
    return f"{label} ({-severity:+.2f})"


def _reach(count: int, terms: _Terms) -> float:
    """min(1.0, log10(count + 1) / log10(reach_full_at)), evaluated in that order."""
    log_reach = math.log10(count + 1)
    log_full = terms.log_reach_full
    if log_full is None:
        log_full = math.log10(terms.policy.reach_full_at)  # raises, as it always did here
    reach = log_reach / log_full
    return reach if reach < 1.0 else 1.0  # min(1.0, reach) without the call


def _urgency_reason(urgency: Any, author_complaints: Any) -> str:
    """The urgency signals, and the author's complaint count once it counts as urgency."""
    names = list(urgency or [])
    complaints = int(author_complaints or 0)
    if complaints >= REPEAT_AFTER:
        names.append(f"repeat complainer ({complaints} posts)")
    return ", ".join(names)


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
