"""The responder used when Slack is not configured: each new case printed as a card."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from monitor.textnorm import clip
from responders.cards import CardView

MAX_TEXT = 400


class ConsoleResponder:
    """Prints cards and thread updates; returns a result the outbox records."""

    name = "console"

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(highlight=False, soft_wrap=False)

    def send_card(self, card: CardView) -> dict[str, str]:
        stars = f" · {'★' * card.rating}{'☆' * (5 - card.rating)}" if card.rating else ""
        who = f"@{card.author}" if card.author else "unknown author"
        header = (
            f"[bold]case #{card.case_id}[/] · priority [bold]{card.priority:.2f}[/] · "
            f"{escape(card.source)}{stars} · {escape(who)} · {card.lang or '?'} · "
            f"{card.label} ({card.compound:+.2f})"
        )
        body = Text()
        if card.title:
            body.append(clip(card.title, 120) + "\n", style="bold")
        body.append(clip(card.text, MAX_TEXT) + "\n")
        body.append("why: " + "; ".join(card.explained_reasons()), style="yellow")
        if card.topic:
            body.append(f"\ntopic: {card.topic}", style="cyan")
        if card.url:
            body.append(f"\n{card.url}", style="dim")
        self.console.print(
            Panel(body, title=header, title_align="left", subtitle=f"→ {card.channel or '-'}")
        )
        return {"printed": "card"}

    def send_thread(self, card: CardView) -> dict[str, str]:
        who = f"@{card.author}" if card.author else "unknown author"
        self.console.print(
            Text.assemble(
                (f"  ↳ case #{card.case_id} ", "bold"),
                (f"{who} again ({card.label} {card.compound:+.2f}): ", "dim"),
                clip(card.text, 200),
            )
        )
        return {"printed": "thread"}
