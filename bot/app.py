"""Builds the Bolt app from already-built core objects (keyword-only, no globals)."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from avtalebot.errors import ConfigError
from avtalebot.settings import Settings
from avtalebot.wiring import build_feedback_store
from bot.admin import Admin
from bot.assistant import Assistant
from bot.dedupe import Deduper, RateLimit
from bot.handlers import Gate, register
from bot.service import BotService
from bot.startup import required_settings, verify_slack

DEFAULT_API = "https://slack.com/api/"


def build_web_client(settings: Settings) -> WebClient:
    if settings.slack_bot_token is None:
        raise ConfigError("SLACK_BOT_TOKEN is not set (the bot user OAuth token, xoxb-…)")
    client = WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url or DEFAULT_API,
        timeout=30,
    )
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
    client.retry_handlers.append(ConnectionErrorRetryHandler(max_retry_count=2))
    return client


class _DropMessage(logging.Filter):
    def __init__(self, message: str) -> None:
        super().__init__()
        self._message = message

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != self._message


def _quiet_token_warning(logger: logging.Logger) -> None:
    """Bolt reads SLACK_BOT_TOKEN from the environment itself and warns that the client we give it
    (same token, our base URL and retry handlers) wins. That is the intent: the warning is dropped."""
    from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

    message = warning_client_prioritized_and_token_skipped()
    if not any(isinstance(f, _DropMessage) for f in logger.filters):
        logger.addFilter(_DropMessage(message))


def build_bolt_app(
    *, settings: Settings, answerer, live, syncer, socket_mode: bool
) -> tuple[App, BotService]:
    """One Bolt app with a sized thread pool; listeners wired to the given core objects."""
    if not socket_mode:  # the app-level token of Socket Mode goes to its handler, not to the app
        required_settings(settings, "http")
    client = build_web_client(settings)
    verify_slack(client, budget_s=settings.slack_connect_timeout_s)
    _quiet_token_warning(logging.getLogger("avtalebot.bolt"))
    app = App(
        client=client,
        token_verification_enabled=False,  # verify_slack did it, with retries and a one-line error
        signing_secret=settings.slack_signing_secret.get_secret_value()
        if settings.slack_signing_secret
        else None,
        request_verification_enabled=not socket_mode,
        listener_executor=ThreadPoolExecutor(
            max_workers=settings.slack_workers, thread_name_prefix="avtalebot"
        ),
        logger=logging.getLogger("avtalebot.bolt"),
    )
    store = build_feedback_store(settings)
    service = BotService(
        answerer=answerer,
        live=live,
        store=store,
        public_url=settings.public_url,
        stream=settings.llm_stream,
        assistant=Assistant(live=live),
    )
    admin = Admin(settings=settings, syncer=syncer, api_host=urlparse(client.base_url).hostname or "")
    deliveries = Deduper(  # survives a restart, and is shared by every bot process on one database
        path=Path(settings.data_dir) / "deliveries.sqlite", database_url=settings.database()
    )
    gate = Gate(settings, deliveries, RateLimit(settings.slack_user_rate_per_min, 60.0))
    register(app, service=service, gate=gate, admin=admin, data_dir=Path(settings.data_dir))
    return app, service
