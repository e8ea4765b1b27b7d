"""Start-up checks that name what is missing, and a Slack API that is waited for, not tracebacked.

Bolt's own start-up calls auth.test once and lets a connection error escape as a traceback; the
bot instead checks the token itself, retrying an unreachable API with backoff (tenacity), and ends
with one line that says what to do."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from tenacity import RetryError, Retrying, retry_if_exception, stop_after_delay, wait_exponential

from avtalebot.errors import ConfigError
from avtalebot.settings import Settings

log = logging.getLogger("avtalebot.bot")


def required_settings(settings: Settings, mode: str) -> None:
    """Each mode names the variables it needs, all at once (Socket Mode needs no signing secret)."""
    need = {"SLACK_BOT_TOKEN": settings.slack_bot_token}
    if mode == "socket":
        need["SLACK_APP_TOKEN"] = settings.slack_app_token
    else:
        need["SLACK_SIGNING_SECRET"] = settings.slack_signing_secret
    missing = [name for name, value in need.items() if value is None]
    if missing:
        how = (
            "Socket Mode needs the bot token (xoxb-…) and an app-level token with connections:write (xapp-…)"
            if mode == "socket"
            else "HTTP mode needs the bot token (xoxb-…) and the app's signing secret"
        )
        raise ConfigError(f"{' and '.join(missing)} not set: {how}; see the README's Slack section")


def _unreachable(exc: BaseException) -> bool:
    if isinstance(exc, SlackApiError):  # Slack answered: only its rate limit is worth waiting for
        return exc.response.status_code == 429
    return isinstance(exc, OSError)  # URLError, connection refused, timeouts


def verify_slack(client: WebClient, *, budget_s: float) -> dict:
    """auth.test, retried with backoff for up to budget_s while the API is unreachable."""
    warned: list[bool] = []

    def before_sleep(state) -> None:
        if not warned:
            exc = state.outcome.exception()
            log.warning(
                "Slack API at %s unreachable (%s): retrying for up to %.0f s",
                client.base_url, type(exc).__name__, budget_s,
            )  # fmt: skip
            warned.append(True)

    try:
        for attempt in Retrying(
            retry=retry_if_exception(_unreachable),
            stop=stop_after_delay(budget_s),
            wait=wait_exponential(multiplier=0.5, max=8),
            before_sleep=before_sleep,
        ):
            with attempt:
                data = client.auth_test().data
                return dict(data) if isinstance(data, dict) else {}
    except RetryError as exc:
        last = exc.last_attempt.exception()
        raise ConfigError(
            f"the Slack API at {client.base_url} is unreachable ({type(last).__name__}: {last}) after "
            f"{budget_s:.0f} s: check the network or SLACK_API_URL"
        ) from None
    except SlackApiError as exc:
        error = exc.response.get("error") or exc.response.status_code
        raise ConfigError(f"Slack refused the bot token ({error}): check SLACK_BOT_TOKEN (xoxb-…)") from None
    raise AssertionError("unreachable")  # Retrying either returns, or raises
