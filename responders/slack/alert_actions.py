"""The Acknowledge button on alerts: agents only, recorded once, then said in the thread."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from monitor.alert_store import AlertError, acknowledge
from responders.slack.alert_blocks import ACK, incident_id_of
from responders.slack.context import SlackContext
from responders.slack.guard import Body, Guard, tell, user_of


def register_alert_actions(app: App, ctx: SlackContext, guard: Guard) -> None:
    @app.action(ACK, middleware=[guard])
    def acknowledge_alert(ack: Ack, body: Body, client: WebClient) -> None:
        ack()
        action = body["actions"][0]
        try:
            incident = incident_id_of(str(action["block_id"]))
            acknowledge(ctx.factory, incident, user=user_of(body), now=ctx.now())
        except (AlertError, ValueError) as exc:
            tell(client, body, f"Nothing changed: {exc}")
            return
        ctx.deliver()  # the thread note and the updated alert, right away
