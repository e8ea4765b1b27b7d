"""Block Kit for the contact directory (`/avtale kontakt …`). Like answers, everything taken from
documents goes into plain_text, so a name or quote can never mention, link or format anything."""

from __future__ import annotations

from avtalebot.directory import DirectoryEntry
from bot.escape import escape_mrkdwn, plain, truncate
from bot.labels import bot_label

MAX_ENTRIES = 15  # two blocks each, under Slack's 50 blocks per message
_STATUS = {
    "nb": {"in_force": "i kraft", "expired": "utløpt", "superseded": "erstattet", "not_yet_in_force": "ikke trådt i kraft", "unknown": "gyldighet ukjent"},
    "nn": {"in_force": "i kraft", "expired": "gått ut", "superseded": "erstatta", "not_yet_in_force": "ikkje tredd i kraft", "unknown": "gyldigheit ukjend"},
    "en": {"in_force": "in force", "expired": "expired", "superseded": "superseded", "not_yet_in_force": "not yet in force", "unknown": "validity unknown"},
}  # fmt: skip


def contact_blocks(entries: list[DirectoryEntry], query: str, lang: str) -> list[dict]:
    if not entries:
        return [{"type": "section", "text": plain(bot_label(lang, "no_contacts").format(q=query))}]
    blocks: list[dict] = [
        {"type": "section", "text": plain(bot_label(lang, "contacts_found").format(n=len(entries), q=query))}
    ]
    for e in entries[:MAX_ENTRIES]:
        lines = [
            e.name
            + (
                f" — {', '.join(x for x in (e.role, e.organisation) if x)}"
                if e.role or e.organisation
                else ""
            )
        ]
        reach = "  ".join(
            x for x in (f"✉ {e.email}" if e.email else "", f"☎ {e.phone}" if e.phone else "") if x
        )
        if reach:
            lines.append(reach)
        if not e.current:
            lines.append("⚠ " + bot_label(lang, "not_current"))
        blocks.append({"type": "section", "text": plain("\n".join(lines))})
        blocks.append({"type": "context", "elements": [_source(s, lang) for s in e.sources[:10]]})
    if len(entries) > MAX_ENTRIES:
        more = bot_label(lang, "more_contacts").format(n=len(entries) - MAX_ENTRIES)
        blocks.append({"type": "context", "elements": [plain(more)]})
    return blocks


def contacts_fallback(entries: list[DirectoryEntry], query: str, lang: str) -> str:
    key = "contacts_found" if entries else "no_contacts"
    # the notification text is mrkdwn: escaped, so a query cannot mention or link anyone
    return escape_mrkdwn(plain(bot_label(lang, key).format(n=len(entries), q=query))["text"])


def status_word(status: str, lang: str) -> str:
    return _STATUS.get(lang, _STATUS["nb"]).get(status, status)


def _source(s, lang: str) -> dict:
    return plain(truncate(f"📄 {s.title or s.source} ({status_word(s.status, lang)}): “{s.quote}”", 2000))
