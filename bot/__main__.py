"""Entry point: `avtalebot slack` or `python -m bot`. Builds everything once, then serves."""

from __future__ import annotations

import logging
import sys

from avtalebot.errors import AvtalebotError, ConfigError
from avtalebot.settings import Settings

log = logging.getLogger("avtalebot.bot")


def run(settings: Settings, *, mode: str | None = None, host: str = "0.0.0.0", port: int = 3000) -> int:
    from avtalebot.wiring import build_app, build_syncer
    from bot import logsafe
    from bot.app import build_bolt_app
    from bot.startup import required_settings

    secrets = [
        s.get_secret_value()
        for s in (settings.slack_bot_token, settings.slack_signing_secret, settings.slack_app_token)
        if s is not None
    ]
    logsafe.install(secrets)
    # Socket Mode (the README's path) unless only HTTP mode's signing secret is given
    http_only = settings.slack_signing_secret is not None and settings.slack_app_token is None
    mode = mode or ("http" if http_only else "socket")
    required_settings(settings, mode)
    core = build_app(settings)
    core.live.retriever()  # fail fast if there is no index yet
    syncer = build_syncer(settings, embedder=core.embedder, layout=core.layout)
    app, _ = build_bolt_app(
        settings=settings,
        answerer=core.answerer,
        live=core.live,
        syncer=syncer,
        socket_mode=mode == "socket",
    )
    if mode == "socket":
        from slack_bolt.adapter.socket_mode import SocketModeHandler
        from slack_sdk.errors import SlackApiError

        log.info("avtalebot: starting in Socket Mode")
        try:
            if settings.slack_app_token is None:
                raise ConfigError("Socket Mode needs SLACK_APP_TOKEN (the app-level token, xapp-…)")
            SocketModeHandler(app, settings.slack_app_token.get_secret_value()).start()
        except SlackApiError as exc:  # apps.connections.open refused the app-level token
            raise ConfigError(
                f"Slack refused the app-level token ({exc.response.get('error')}): check SLACK_APP_TOKEN (xapp-…, "
                "with connections:write)"
            ) from None
        except OSError as exc:
            raise ConfigError(f"Socket Mode could not connect to Slack ({type(exc).__name__}: {exc})") from None
        return 0
    from bot.http_server import EVENTS_PATH, BoltHTTPServer

    assert settings.slack_signing_secret is not None  # build_bolt_app refuses HTTP mode without it
    server = BoltHTTPServer(app, host, port, signing_secret=settings.slack_signing_secret.get_secret_value())
    log.info("avtalebot: listening on http://%s:%d%s", host, server.port, EVENTS_PATH)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.stop()
    return 0


def main() -> int:
    try:
        return run(Settings())
    except AvtalebotError as exc:
        print(f"avtalebot: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
