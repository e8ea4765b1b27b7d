"""Block Kit for answers and source modals. Document text only ever goes into plain_text or
rich_text text elements (never parsed as mrkdwn), and the notification fallback is escaped."""

from __future__ import annotations

from urllib.parse import quote

from avtalebot.answer.labels import label
from avtalebot.types import Answer, Citation, DocRecord
from bot.escape import escape_mrkdwn, plain, split_text, truncate
from bot.labels import bot_label

MAX_BLOCKS = 50
FEEDBACK_ACTION = "answer_feedback"  # the old feedback_up / feedback_down buttons are still handled


def fallback_text(answer: Answer, limit: int = 3000) -> str:
    """The message's notification text: escaped, so it cannot mention or link anyone."""
    return escape_mrkdwn(truncate(answer.text, limit))


def answer_blocks(
    answer: Answer,
    answer_id: str,
    source_notes: dict[int, str],
    *,
    share: bool = False,
    shared_by: str | None = None,
    public_url: str | None = None,
    with_text: bool = True,
) -> list[dict]:
    """The answer's text (left out for a natively streamed answer, whose text is already in the
    message), its sources with a 'Vis kilde' per passage, and Slack's feedback control."""
    lang = answer.lang
    blocks: list[dict] = []
    if shared_by:
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": bot_label(lang, "shared_by").format(user=escape_mrkdwn(shared_by)),
                    }
                ],
            }
        )
    if with_text:
        blocks += [{"type": "section", "text": plain(part)} for part in split_text(answer.text)]
    if answer.citations:
        blocks.append({"type": "divider"})
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "plain_text", "text": label(lang, "sources"), "emoji": False}],
            }
        )
        by_doc: dict[str, list[Citation]] = {}
        for c in answer.citations:
            by_doc.setdefault(c.doc_id or c.source, []).append(c)
        for cites in by_doc.values():  # one title per document, a button per passage
            blocks += document_blocks(cites, answer_id, source_notes.get(cites[0].n, ""), lang)
            if public_url:
                blocks.append(site_links(cites, public_url, lang))
    if not answer.abstained:
        blocks.append(feedback_block(answer_id, lang))
    if share:
        blocks.append(
            {
                "type": "actions",
                "block_id": f"answer_actions_{answer_id}",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "share_answer",
                        "style": "primary",
                        "text": plain(bot_label(lang, "share")),
                        "value": answer_id,
                    }
                ],
            }
        )
    return blocks


def feedback_block(answer_id: str, lang: str) -> dict:
    """Slack's own feedback control (👍/👎 in a context_actions block); each value names the answer."""

    def button(vote: str, key: str) -> dict:
        return {"text": plain(bot_label(lang, key), 75), "value": f"{answer_id}:{vote}",
                "accessibility_label": bot_label(lang, key)}  # fmt: skip

    return {
        "type": "context_actions",
        "block_id": f"feedback_{answer_id}",
        "elements": [
            {
                "type": "feedback_buttons",
                "action_id": FEEDBACK_ACTION,
                "positive_button": button("up", "helpful"),
                "negative_button": button("down", "not_helpful"),
            }
        ],
    }


def _source_button(c: Citation, answer_id: str, lang: str, numbered: bool) -> dict:
    text = bot_label(lang, "show_source") + (f" [{c.n}]" if numbered else "")
    return {
        "type": "button",
        "action_id": f"show_source_{c.n}",
        "value": f"{answer_id}:{c.n}",
        "text": plain(text),
    }


def document_blocks(cites: list[Citation], answer_id: str, note: str, lang: str) -> list[dict]:
    """A document's line in the sources: '[1][3] Title — sections · validity', with 'Vis kilde' for
    its first passage beside it and one more button per further passage below it."""
    first = cites[0]
    sections = list(dict.fromkeys(c.section for c in cites if c.section not in ("", c.title)))
    line = "".join(f"[{c.n}]" for c in cites) + f" {first.title}"
    if sections:
        line += " — " + "; ".join(sections)
    if first.scanned:
        line += f" ({label(lang, 'scanned')})"
    if note:
        line += f" · {note}"
    many = len(cites) > 1
    blocks = [
        {
            "type": "section",
            "text": plain(line, 2000),
            "accessory": _source_button(first, answer_id, lang, many),
        }
    ]
    if many:
        buttons = [_source_button(c, answer_id, lang, True) for c in cites[1:5]]
        blocks.append({"type": "actions", "block_id": f"sources_{answer_id}_{first.n}", "elements": buttons})
    return blocks


def site_links(cites: list[Citation], public_url: str, lang: str) -> dict:
    """'[1] Åpne i gjennomgangssiden': each passage on the review site (our own URL, escaped)."""
    base = public_url.rstrip("/")
    links = [
        f"<{escape_mrkdwn(f'{base}/doc/{quote(c.doc_id)}?span={c.start}-{c.end}#hit')}|[{c.n}] "
        f"{escape_mrkdwn(bot_label(lang, 'open_on_site'))}>"
        for c in cites[:5]
    ]
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": "  ".join(links)}]}


def split_messages(blocks: list[dict], limit: int = MAX_BLOCKS) -> list[list[dict]]:
    """Slack allows 50 blocks per message: longer answers go out as several messages."""
    return [blocks[i : i + limit] for i in range(0, len(blocks), limit)] or [[]]


def _surrounding(text: str, start: int, end: int, budget: int = 1800) -> tuple[str, str, str]:
    """The quoted span with its paragraph(s) around it, trimmed to a budget."""
    left = text.rfind("\n\n", 0, start)
    right = text.find("\n\n", end)
    left = 0 if left < 0 else left + 2
    right = len(text) if right < 0 else right
    before, quote, after = text[left:start], text[start:end], text[end:right]
    room = max(0, budget - len(quote))
    if len(before) > room // 2:
        before = "…" + before[-(room // 2) :]
    if len(after) > room // 2:
        after = after[: room // 2] + "…"
    return before, quote, after


def source_view(c: Citation, doc: DocRecord | None, text: str, lang: str, validity_note: str) -> dict:
    """The 'Vis kilde' modal: the passage highlighted inside its paragraph, and the document's metadata."""
    blocks: list[dict] = [{"type": "header", "text": plain(truncate(c.title, 150))}]
    if doc is not None and c.end > c.start and text[c.start : c.end]:
        before, quote, after = _surrounding(text, c.start, c.end)
    else:
        before, quote, after = "", c.quote, ""
    elements = [
        e
        for e in (
            {"type": "text", "text": before},
            {"type": "text", "text": quote, "style": {"bold": True}},
            {"type": "text", "text": after},
        )
        if e["text"]
    ]
    blocks.append({"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": elements}]})
    blocks.append({"type": "divider"})
    fields = [(label(lang, "file"), c.source)]
    if c.section and c.section != c.title:
        fields.append((label(lang, "section").capitalize(), c.section))
    if doc is not None:
        meta = doc.meta
        if meta.parties:
            fields.append((label(lang, "parties"), ", ".join(meta.parties)))
        if meta.signed_date:
            fields.append((label(lang, "signed_label"), meta.signed_date))
        if meta.published:
            fields.append((label(lang, "published"), meta.published))
    if validity_note:
        fields.append((label(lang, "validity_label"), validity_note))
    blocks.append({"type": "section", "fields": [plain(truncate(f"{k}: {v}", 1900)) for k, v in fields[:10]]})
    return {
        "type": "modal",
        "title": plain(bot_label(lang, "modal_title"), 24),
        "close": plain("OK" if lang == "en" else "Lukk"),
        "blocks": blocks,
    }
