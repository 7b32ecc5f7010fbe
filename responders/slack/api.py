"""The few Web API calls the sender makes, each mapped to repmon errors and paced per channel."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk import WebClient

from responders.slack.errors import SlackFatalError, mapped

_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
HISTORY_PAGES = 5
LOOKBACK_SLACK_SECONDS = 120  # clock skew between us and Slack when bounding a history search


class SlackApi:
    """chat.postMessage / chat.update / history look-ups with a pause between posts per channel.

    Slack allows about one message per second per channel; the pause keeps bursts under it.
    """

    def __init__(
        self,
        client: WebClient,
        *,
        post_interval: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self._interval = post_interval
        self._sleep, self._monotonic = sleep, monotonic
        self._last_post: dict[str, float] = {}
        self._channels: dict[str, str] = {}
        self._lock = threading.Lock()

    def resolve(self, channel: str) -> str:
        """A channel ID for `#name` or an ID (history look-ups need IDs)."""
        if _CHANNEL_ID.match(channel):
            return channel
        name = channel.removeprefix("#")
        if name not in self._channels:
            cursor: str | None = None
            while True:
                with mapped("conversations.list"):
                    page = self.client.conversations_list(
                        types="public_channel,private_channel",
                        exclude_archived=True,
                        limit=1000,
                        cursor=cursor,
                    )
                for item in page.get("channels") or []:
                    self._channels[str(item["name"])] = str(item["id"])
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if name in self._channels or not cursor:
                    break
        try:
            return self._channels[name]
        except KeyError:
            raise SlackFatalError(
                f"channel #{name} not found, or the app was not added to it"
            ) from None

    def post(
        self,
        channel: str,
        *,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        """Post and return the message's ts."""
        self._pace(channel)
        with mapped("chat.postMessage"):
            response = self.client.chat_postMessage(
                channel=channel,
                text=text,
                blocks=blocks,
                thread_ts=thread_ts,
                metadata=metadata,
                unfurl_links=False,
                unfurl_media=False,
            )
        return str(response["ts"])

    def update(self, channel: str, ts: str, *, text: str, blocks: list[dict[str, Any]]) -> None:
        self._pace(channel)
        with mapped("chat.update"):
            self.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)

    def permalink(self, channel: str, ts: str) -> str | None:
        with mapped("chat.getPermalink"):
            response = self.client.chat_getPermalink(channel=channel, message_ts=ts)
        link = response.get("permalink")
        return str(link) if link else None

    def find(
        self, channel: str, key: str, *, since: datetime, thread_ts: str | None = None
    ) -> str | None:
        """The ts of a message we posted with metadata `key` since `since`, if Slack has one."""
        oldest = f"{since.timestamp() - LOOKBACK_SLACK_SECONDS:.6f}"
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            method = "conversations.replies" if thread_ts else "conversations.history"
            with mapped(method):
                if thread_ts:
                    page = self.client.conversations_replies(
                        channel=channel,
                        ts=thread_ts,
                        oldest=oldest,
                        limit=200,
                        include_all_metadata=True,
                        cursor=cursor,
                    )
                else:
                    page = self.client.conversations_history(
                        channel=channel,
                        oldest=oldest,
                        limit=200,
                        include_all_metadata=True,
                        cursor=cursor,
                    )
            for message in page.get("messages") or []:
                payload = (message.get("metadata") or {}).get("event_payload") or {}
                if payload.get("key") == key:
                    return str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
        return None

    def _pace(self, channel: str) -> None:
        if self._interval <= 0:
            return
        with self._lock:
            now = self._monotonic()
            wait = self._last_post.get(channel, now - self._interval) + self._interval - now
            self._last_post[channel] = now + max(0.0, wait)
        if wait > 0:
            self._sleep(wait)
