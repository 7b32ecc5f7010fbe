"""Which function delivers each kind of outbox row besides Slack cards and thread notes.

Platform replies, report posts and alerts are queued as outbox rows of their own kind, so they
share the outbox's crash safety, backoff and (on PostgreSQL) per-row claiming. Each feature adds
its kind here; `repmon run --once`, `repmon serve` and the Slack app all send with this table.
"""

from __future__ import annotations

from monitor.app import App
from responders.outbox import Handler


def outbox_handlers(app: App) -> dict[str, Handler]:
    """The handlers for `app`, built lazily so a kind's SDK is imported only when configured."""
    handlers: dict[str, Handler] = {}
    from responders.platform import reply_handler

    handlers["reply"] = reply_handler(app)  # platform replies (responders.platform)
    from responders.alert_delivery import alert_handler

    handlers["alert"] = alert_handler(app.config, app.factory, app.clock)  # spike/silence alerts
    if app.config.slack.enabled:
        from monitor.reports.slack import report_handler

        handlers["report"] = report_handler(app.config, app.factory, app.clock)
    return handlers
