"""Block Kit for `/avtale plikter <county or agreement>`: per agreement, its parties side by side
(one column per party, each obligation a line quoted from the agreement), then the source. All
document text is plain_text."""

from __future__ import annotations

from avtalebot.obligations import AgreementDuties
from bot.contact_blocks import status_word
from bot.escape import escape_mrkdwn, plain, truncate
from bot.labels import bot_label

MAX_AGREEMENTS = 4


def duty_blocks(agreements: list[AgreementDuties], query: str, lang: str) -> list[dict]:
    if not agreements:
        return [{"type": "section", "text": plain(bot_label(lang, "no_duties").format(q=query))}]
    blocks: list[dict] = []
    for a in agreements[:MAX_AGREEMENTS]:
        status = status_word(a.status, lang)
        blocks.append({"type": "header", "text": plain(truncate(a.title or a.source, 150))})
        fields = [
            plain(truncate(f"{party}\n" + "\n".join(f"• {d.text}" for d in duties), 1900))
            for party, duties in list(a.by_party.items())[:10]
        ]
        blocks.append({"type": "section", "fields": fields})
        blocks.append({"type": "context", "elements": [plain(f"📄 {a.source} ({status})")]})
    if len(agreements) > MAX_AGREEMENTS:
        more = bot_label(lang, "more_duties").format(n=len(agreements) - MAX_AGREEMENTS)
        blocks.append({"type": "context", "elements": [plain(more)]})
    return blocks


def duties_fallback(agreements: list[AgreementDuties], query: str, lang: str) -> str:
    # the notification text is mrkdwn: escaped, so a query or a title cannot mention or link anyone
    if not agreements:
        return escape_mrkdwn(plain(bot_label(lang, "no_duties").format(q=query))["text"])
    return escape_mrkdwn(plain(", ".join(a.title or a.source for a in agreements[:MAX_AGREEMENTS]))["text"])
