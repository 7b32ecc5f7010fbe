"""What a card shows, as plain data, so the console and Slack render the same facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import Author, Case, MentionRow


@dataclass(frozen=True, slots=True)
class CardView:
    case_id: int
    status: str
    priority: float
    reasons: list[str]
    channel: str | None
    source: str
    url: str | None
    author: str | None
    followers: int | None
    rating: int | None
    title: str | None
    text: str
    lang: str | None
    label: str
    compound: float
    topic: str | None
    created_at: datetime
    mention_count: int
    weights: list[float] = field(default_factory=list)
    mention_id: int | None = None

    def explained_reasons(self) -> list[str]:
        """Reasons with how much each raised the priority: "1★ review +0.80"."""
        out = []
        for index, reason in enumerate(self.reasons):
            weight = self.weights[index] if index < len(self.weights) else 0.0
            out.append(f"{reason} +{weight:.2f}" if weight > 0 else reason)
        return out


def card_view(session: Session, case_id: int, mention_id: int | None = None) -> CardView | None:
    """The card of a case (or of one later mention in its thread); None if the case is gone."""
    case = session.get(Case, case_id)
    if case is None:
        return None
    mention = session.get(MentionRow, mention_id or case.mention_id)
    if mention is None:
        return None
    author = session.get(Author, mention.author_id) if mention.author_id else None
    return CardView(
        case_id=case.id,
        status=case.status,
        priority=case.priority,
        reasons=list(case.reasons or []),
        channel=case.channel,
        source=mention.source,
        url=mention.url,
        author=author.handle if author else None,
        followers=author.followers if author else None,
        rating=mention.rating,
        title=mention.title,
        text=mention.text,
        lang=mention.lang,
        label=mention.label,
        compound=mention.compound,
        topic=case.topic,
        created_at=mention.created_at,
        mention_count=case.mention_count,
        weights=[float(w) for w in (case.factors or {}).get("weights", [])],
        mention_id=mention.id,
    )
