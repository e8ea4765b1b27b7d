"""Text addressed to a language model, not to readers: "Ignorer alle tidligere instruksjoner …",
"ignore previous instructions", "du er en AI", chat role markers. An agreement has no reason to
hold any of it, so a document that does is flagged at ingest: its passages are never given to a
model, and a quote from it carries a warning. The markers are the known forms of prompt injection
(bokmål, nynorsk, English), not fitted to any document."""

from __future__ import annotations

import re

from ingest.lexicon import alternatives

_MARKERS = re.compile(alternatives("addressed", "markers"), re.I | re.M)


def addressed_to_model(text: str, limit: int = 3) -> tuple[str, ...]:
    """The phrases (at most `limit`, each cut to 80 characters) that address a model, if any."""
    found = []
    for m in _MARKERS.finditer(text):
        found.append(" ".join(m.group(0).split())[:80])
        if len(found) >= limit:
            break
    return tuple(found)
