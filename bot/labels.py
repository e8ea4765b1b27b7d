"""Slack UI words in bokmål, nynorsk and English (the shared catalogue, ingest/lang/labels.<lang>.toml)."""

from __future__ import annotations

from ingest.lexicon import LANGUAGES
from ingest.lexicon import labels as catalogue

BOT_LABELS = {lang: catalogue(lang, "slack") for lang in LANGUAGES}


BOT_ITEMS: dict[str, dict[str, list]] = {
    lang: {
        name: [tuple(v) if isinstance(v, list) else v for v in values]
        for name, values in catalogue(lang, "slack_items").items()
    }
    for lang in LANGUAGES
}


def bot_label(lang: str, key: str) -> str:
    return BOT_LABELS.get(lang, BOT_LABELS["nb"])[key]


def bot_items(lang: str, key: str) -> list:
    """Lists of UI text (loading messages, suggested prompts as (title, message))."""
    return BOT_ITEMS.get(lang, BOT_ITEMS["nb"])[key]
