"""Site words in Norwegian (default) and English (?lang=en or the browser's language)."""

from __future__ import annotations

from ingest.lexicon import LANGUAGES
from ingest.lexicon import labels as catalogue

WEB_LABELS = {lang: found for lang in LANGUAGES if (found := catalogue(lang, "web"))}


def pick_lang(query_lang: str | None, accept_language: str | None) -> str:
    if query_lang in WEB_LABELS:
        return query_lang
    first = (accept_language or "").split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "nb"
