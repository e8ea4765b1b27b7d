"""`avtalebot web`: builds the site from settings once and serves it with uvicorn."""

from __future__ import annotations

import sys

from avtalebot.errors import ConfigError
from avtalebot.settings import Settings
from avtalebot.wiring import build_app, build_feedback_store
from web.auth import Auth


def build_site(settings: Settings, core=None):
    """The FastAPI app over the core objects (built from settings unless given)."""
    try:
        from web.app import create_app
    except ImportError as exc:  # fastapi / jinja2 / python-multipart
        raise ConfigError(
            f"the review site needs the 'web' extra: pip install 'avtalebot[web]' ({exc})"
        ) from exc
    if settings.web_token is None and not settings.web_trusted_proxy_header:
        raise ConfigError(
            "set AVTALEBOT_WEB_TOKEN (the shared secret to log in with) or AVTALEBOT_WEB_TRUSTED_PROXY_HEADER "
            "(a user header from an authenticating proxy): the site is never open to anonymous users"
        )
    core = core or build_app(settings)
    auth = Auth(
        token=settings.web_token.get_secret_value() if settings.web_token else None,
        proxy_header=settings.web_trusted_proxy_header,
        proxies=tuple(settings.web_trusted_proxies),
    )
    if weak := auth.weakness():
        raise ConfigError(weak + " (e.g. python -c 'import secrets; print(secrets.token_urlsafe(24))')")
    store = build_feedback_store(settings)
    return create_app(answerer=core.answerer, live=core.live, layout=core.layout, store=store, auth=auth)


def serve(settings: Settings, *, host: str, port: int) -> int:
    import uvicorn

    app = build_site(settings)
    print(f"review site on http://{host}:{port}/ (Ctrl-C to stop)", file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
    return 0
