"""A logging filter that keeps Slack tokens and secrets out of every log line."""

from __future__ import annotations

import logging
import re

_TOKEN = re.compile(r"\b(xox[abprse]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)")


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s and len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        clean = _TOKEN.sub("[redacted]", msg)
        for s in self._secrets:
            clean = clean.replace(s, "[redacted]")
        if clean != msg:
            record.msg, record.args = clean, None
        return True


def install(secrets: list[str]) -> RedactSecrets:
    """Attach the filter to every root handler (and to the root logger for handlers added later)."""
    f = RedactSecrets(secrets)
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for h in root.handlers:
        h.addFilter(f)
    return f
