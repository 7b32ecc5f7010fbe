"""Everything that leaves repmon: cards and thread updates (console, Slack), platform replies."""

from __future__ import annotations
