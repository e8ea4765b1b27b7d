"""User-facing words of answers in bokmål, nynorsk and English (ingest/lang/labels.<lang>.toml, the
catalogue Slack and the web site share); quotes stay as written."""

from __future__ import annotations

from ingest.lexicon import LANGUAGES
from ingest.lexicon import labels as catalogue

LABELS = {lang: catalogue(lang, "answer") for lang in LANGUAGES}


def label(lang: str, key: str) -> str:
    return LABELS.get(lang, LABELS["nb"])[key]
