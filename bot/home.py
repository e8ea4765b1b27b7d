"""The App Home tab: what the bot knows, how to ask it, and (for admins) how the last reindex went.
Titles and file names come from documents, so they only ever go into plain_text."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from avtalebot.answer.labels import label
from avtalebot.answer.validity import statuses
from avtalebot.sync_log import read_last_sync
from avtalebot.types import DocRecord
from bot.escape import plain, truncate
from bot.labels import bot_label

MAX_DOCS = 30  # listed by name; Slack allows 100 blocks in a Home view


def home_view(docs: Mapping[str, DocRecord] | None, *, lang: str, last_sync: dict | None, admin: bool) -> dict:
    def text(s: str) -> dict:
        return {"type": "section", "text": plain(s)}

    blocks: list[dict] = [
        {"type": "header", "text": plain(bot_label(lang, "home_title"), 150)},
        text(bot_label(lang, "home_how")),
        {"type": "context", "elements": [plain(bot_label(lang, "home_commands"))]},
        {"type": "divider"},
    ]
    if not docs:
        blocks.append(text(bot_label(lang, "home_no_index")))
    else:
        state = statuses(docs, date.today())
        counts = Counter(s for s, _ in state.values())
        other = sum(n for s, n in counts.items() if s not in ("in_force", "expired", "superseded"))
        blocks.append(text(bot_label(lang, "home_docs").format(
            in_force=counts["in_force"], expired=counts["expired"], superseded=counts["superseded"], other=other,
        )))  # fmt: skip
        order = {"in_force": 0, "not_yet_in_force": 1, "unknown": 2, "expired": 3, "superseded": 4}
        ranked = sorted(docs, key=lambda d: (order.get(state[d][0], 5), docs[d].title or docs[d].source))
        lines = [
            f"• {truncate(docs[d].title or docs[d].source, 120)} – {_status(lang, state[d][0])}"
            for d in ranked[:MAX_DOCS]
        ]
        if len(ranked) > MAX_DOCS:
            lines.append(bot_label(lang, "home_more").format(n=len(ranked) - MAX_DOCS))
        blocks.append(text("\n".join(lines)))
    if admin and last_sync:
        failed = last_sync.get("failed") or []
        blocks += [{"type": "divider"}, text(bot_label(lang, "home_last_sync").format(
            at=last_sync.get("finished_at", "?"), documents=last_sync.get("documents", "?"), failed=len(failed),
        ))]  # fmt: skip
        if failed:
            blocks.append(text("\n".join(
                bot_label(lang, "home_failed").format(name=name, reason=truncate(str(reason), 200))
                for name, reason in failed[:10]
            )))  # fmt: skip
    return {"type": "home", "blocks": blocks}


def _status(lang: str, status: str) -> str:
    return label(lang, status) if status in ("in_force", "expired", "superseded", "unknown") else bot_label(lang, "not_in_force")


def publish_home(client, *, user: str, lang: str, live, data_dir: Path, admin: bool) -> None:
    try:
        docs = live.retriever().index.docs
    except Exception:  # no index yet
        docs = None
    view = home_view(docs, lang=lang, last_sync=read_last_sync(Path(data_dir)) if admin else None, admin=admin)
    client.views_publish(user_id=user, view=view)
