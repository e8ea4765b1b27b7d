"""Site words in Norwegian (default) and English (?lang=en or the browser's language)."""

from __future__ import annotations

WEB_LABELS = {
    "nb": {
        "title": "avtalebot – gjennomgang", "ask": "Spør", "question": "Spørsmål", "documents": "Dokumenter",
        "review": "Gjennomgang", "logout": "Logg ut", "login": "Logg inn", "token": "Tilgangsnøkkel",
        "name": "Ditt navn", "bad_login": "Feil tilgangsnøkkel.", "sources": "Kilder", "declined": "avslått", "tentative": "usikkert",
        "parties": "Parter", "validity": "Gyldighet", "status": "Status", "indexed": "Indeksert",
        "download": "Last ned originalfilen", "supersedes": "Erstatter", "superseded_by": "Erstattet av",
        "chunks": "Biter", "last_sync": "Siste reindeksering", "added": "lagt til", "changed": "endret",
        "removed": "fjernet", "failed": "feilet", "right": "Riktig", "wrong": "Feil", "passage": "Riktig kilde (valgfritt)",
        "save": "Lagre", "all": "Alle", "thumbs_down": "👎", "by_document": "Dokument", "from": "Fra",
        "to": "Til", "filter": "Filtrer", "reviewed_by": "vurdert av", "answerer": "Svarer", "feedback": "Tilbakemelding",
        "in_force": "i kraft", "scanned": "skannet", "expired": "utløpt", "superseded": "erstattet", "not_yet_in_force": "ikke trådt i kraft",
        "unknown": "ukjent", "not_found": "Finnes ikke i indeksen.", "no_index": "Ingen indeks ennå.",
        "passages_added": "nye avsnitt", "passages_removed": "fjernede avsnitt", "placeholder": "Hva lurer du på?", "obligations": "Plikter per part", "contacts": "Kontaktpersoner",
    },
    "en": {
        "title": "avtalebot – review", "ask": "Ask", "question": "Question", "documents": "Documents",
        "review": "Review", "logout": "Log out", "login": "Log in", "token": "Access token",
        "name": "Your name", "bad_login": "Wrong access token.", "sources": "Sources", "declined": "declined", "tentative": "uncertain",
        "parties": "Parties", "validity": "Validity", "status": "Status", "indexed": "Indexed",
        "download": "Download the original file", "supersedes": "Supersedes", "superseded_by": "Superseded by",
        "chunks": "Chunks", "last_sync": "Last reindex", "added": "added", "changed": "changed",
        "removed": "removed", "failed": "failed", "right": "Right", "wrong": "Wrong", "passage": "Right passage (optional)",
        "save": "Save", "all": "All", "thumbs_down": "👎", "by_document": "Document", "from": "From",
        "to": "To", "filter": "Filter", "reviewed_by": "reviewed by", "answerer": "Answerer", "feedback": "Feedback",
        "in_force": "in force", "scanned": "scanned", "expired": "expired", "superseded": "superseded", "not_yet_in_force": "not yet in force",
        "unknown": "unknown", "not_found": "Not in the index.", "no_index": "No index yet.",
        "passages_added": "passages added", "passages_removed": "passages removed", "placeholder": "What do you want to know?", "obligations": "Obligations per party", "contacts": "Contacts",
    },
}  # fmt: skip


def pick_lang(query_lang: str | None, accept_language: str | None) -> str:
    if query_lang in WEB_LABELS:
        return query_lang
    first = (accept_language or "").split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "nb"
