"""Listeners for Slack's AI-app surface: the assistant container opening, and the App Home tabs."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.home import publish_home

log = logging.getLogger(__name__)


def register_assistant(app, *, service, admin, data_dir: Path) -> None:
    def on_assistant_thread(event, client):
        """The assistant container opened: suggested prompts in the user's language."""
        thread = event.get("assistant_thread") or {}
        if service.assistant and thread.get("channel_id"):
            service.assistant.suggest(
                client, channel=thread["channel_id"], thread_ts=thread.get("thread_ts"), user=thread.get("user_id", "")
            )

    def on_home_opened(event, client):
        """The Home tab: what the bot knows and how to ask; the Messages tab: suggested prompts."""
        user = event.get("user", "")
        if service.assistant is None or not user:
            return
        if event.get("tab") == "home":
            lang = service.assistant.user_lang(client, user)
            try:
                publish_home(client, user=user, lang=lang, live=service.live, data_dir=data_dir, admin=admin.is_admin(user))
            except Exception as exc:
                log.warning("views.publish failed: %s", type(exc).__name__)
        elif event.get("tab") == "messages" and event.get("channel"):
            service.assistant.suggest(client, channel=event["channel"], thread_ts=None, user=user)

    app.event("assistant_thread_started")(on_assistant_thread)
    app.event("app_home_opened")(on_home_opened)
    app.event("assistant_thread_context_changed")(lambda: None)  # the channel a user views: not used
