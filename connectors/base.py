"""The connector API (DESIGN 3.3): protocols every source implements and the errors they raise.

RepmonError
└── ConnectorError
    ├── RetriableConnectorError   429, 5xx, timeouts: back off, keep the cursor
    ├── FatalConnectorError       bad credentials or query: pause the connector, tell ops
    └── ReplyRejected             the platform refused one reply (too long, duplicate, ...)
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar, Literal, Protocol, runtime_checkable

from pydantic import Field

from monitor.configtypes import Duration, ScheduleConfig, Strict
from monitor.errors import RepmonError
from monitor.models import Batch, Mention


class ConnectorError(RepmonError):
    """Anything a connector could not do; subclasses say whether trying again can help."""


class RetriableConnectorError(ConnectorError):
    """A transient failure; `reset_at` (UTC) says when the platform allows the next call."""

    def __init__(self, message: str, *, reset_at: datetime | None = None) -> None:
        super().__init__(message)
        self.reset_at = reset_at


class FatalConnectorError(ConnectorError):
    """A failure that repeats until a human fixes config or credentials."""


class ReplyRejected(ConnectorError):
    """The platform refused a reply; the message explains why to the agent."""


class ReplySettings(Strict):
    """Public replies through this connector: off until an admin turns them on.

    `account` is the brand's own handle on the platform (`"@acmehelp"`): X answers API replies
    only to posts that mention it, and crash recovery looks for replies posted by it.
    """

    enabled: bool = False
    account: str | None = Field(None, min_length=1, max_length=64)


class ConnectorSettings(Strict):
    """Keys every connector block accepts; each connector subclasses this with its own."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    type: str
    enabled: bool = True
    schedule: ScheduleConfig = ScheduleConfig(every=timedelta(minutes=5))
    brand: str | None = None
    lookback: Duration = timedelta(days=7)
    mode: Literal["search", "mentions", "subreddit", "inbox", "feed", "file"] | None = None
    reply: ReplySettings = ReplySettings()


class Connector(Protocol):
    """A source of mentions that resumes from an opaque cursor."""

    Settings: ClassVar[type[ConnectorSettings]]
    settings: ConnectorSettings

    def fetch(self, cursor: str | None) -> Batch:
        """Items newer than `cursor` (a bounded look-back when it is None) and the next cursor."""
        ...


@runtime_checkable
class SupportsReply(Protocol):
    """A capability: connectors whose platform accepts public replies through its API."""

    def reply(self, mention: Mention, text: str) -> str:
        """Post `text` in answer to `mention`; return the platform's id of the reply."""
        ...


@runtime_checkable
class ChecksReplies(Protocol):
    """Connectors that can say, before any call, whether a reply would be refused and why."""

    def reply_rules(self) -> str:
        """The platform's limits in one sentence, shown to the agent in the reply modal."""
        ...

    def reply_problem(self, mention: Mention, text: str | None) -> str | None:
        """Why the platform would refuse `text` as a reply to `mention` (with `text` None: any
        reply to it); None when it can be sent."""
        ...


@runtime_checkable
class FindsReplies(Protocol):
    """Connectors that can look up a reply they may have posted before a crash."""

    def find_reply(self, mention: Mention, text: str, *, since: datetime) -> str | None:
        """The platform id of our reply to `mention` posted since `since`, or None if none."""
        ...


@runtime_checkable
class SupportsRecheck(Protocol):
    """Connectors that can fetch given items again as they are now (monitor.outcomes watches
    replied reviews for edits)."""

    def recheck(self, mentions: list[Mention]) -> list[Mention]:
        """The items as the platform shows them now; ones that are gone are left out."""
        ...
