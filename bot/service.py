"""What the bot does with a question, independent of how Slack delivered it."""

from __future__ import annotations

import html
import logging
import re
from datetime import date

from avtalebot.answer.followup import contextualize
from avtalebot.answer.validity import status_of, validity_note
from avtalebot.directory import CURRENT, DirectoryEntry, contact_directory
from avtalebot.feedback import FeedbackStore
from avtalebot.obligations import AgreementDuties, agreement_duties
from avtalebot.types import Answer, DocRecord
from bot.assistant import Assistant
from bot.blocks import answer_blocks, fallback_text, split_messages
from bot.labels import bot_label
from bot.streaming import AnswerStream
from ingest.text import detect_lang

log = logging.getLogger(__name__)
_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
WORKING_REACTION = "hourglass_flowing_sand"


def clean_question(text: str) -> str:
    """Slack message text -> the question: mentions removed, Slack's &amp; &lt; &gt; unescaped."""
    return html.unescape(_MENTION.sub(" ", text or "")).strip()


class BotService:
    def __init__(
        self,
        *,
        answerer,
        live,
        store: FeedbackStore,
        public_url: str | None = None,
        stream: bool = True,
        assistant: Assistant | None = None,
    ) -> None:
        self.public_url = public_url  # the review site: citations also link to their passage there
        self.stream = stream  # generated answers streamed into Slack as they are checked
        self.assistant = assistant  # Slack's status, prompts and titles for AI apps
        self._answerer = answerer
        self._live = live
        self.store = store

    @property
    def live(self):
        """The live index (the App Home lists its documents)."""
        return self._live

    def source_notes(self, answer: Answer) -> dict[int, str]:
        """Per citation: validity as stated and whether the agreement is in force today."""
        try:
            index = self._live.retriever().index
        except Exception:  # the index may be switching; the notes are decoration
            return {}
        notes = {}
        for c in answer.citations:  # the answerer already marked expired / superseded citations
            doc = index.docs.get(c.doc_id)
            if doc:
                meta = doc.meta
                notes[c.n] = validity_note(meta, answer.lang, c.status or status_of(meta, date.today()))
        return notes

    def source_document(self, doc_id: str) -> tuple[DocRecord | None, str]:
        """The document record and its cleaned text, for the 'Vis kilde' modal."""
        try:
            index = self._live.retriever().index
        except Exception:
            return None, ""
        doc = index.docs.get(doc_id)
        return doc, index.doc_text(doc_id) if doc else ""

    def contacts(self, query: str) -> list[DirectoryEntry]:
        """The contact directory over the live index, validity as of today."""
        index = self._live.retriever().index
        return contact_directory(
            index.docs, text_of=index.doc_text, chunk_id_at=self._chunk_id_at, as_of=date.today(), query=query
        )

    def duties(self, where: str) -> list[AgreementDuties]:
        """Obligations of the agreements matching `where`, those in force today first."""
        index = self._live.retriever().index
        found = agreement_duties(index.docs, chunk_id_at=self._chunk_id_at, as_of=date.today(), where=where)
        return sorted(found, key=lambda a: a.status not in CURRENT)

    def _chunk_id_at(self, doc_id: str, offset: int) -> str:
        chunk = self._live.retriever().index.chunk_at(doc_id, offset)
        return chunk.chunk_id if chunk else ""

    def answer(self, question: str, previous: str | None) -> Answer:
        return self._answerer.answer(question, previous=previous)

    def thread_context(
        self,
        client,
        channel: str,
        thread_ts: str,
        current_ts: str,
        bot_user_id: str,
        bot_id: str | None = None,
    ) -> tuple[bool, str | None]:
        """(has the bot answered in this thread?, the thread's question so far) via conversations.replies."""
        replies = client.conversations_replies(channel=channel, ts=thread_ts, limit=100)
        answered, question = False, None
        for m in replies.get("messages", []):
            if m.get("ts") == current_ts:
                continue
            if m.get("user") == bot_user_id or (bot_id and m.get("bot_id") == bot_id):
                answered = True
                continue
            if m.get("bot_id"):
                continue
            text = clean_question(m.get("text", ""))
            if text:
                question = contextualize(text, question)
        return answered, question

    def reply(
        self,
        client,
        *,
        question: str,
        user: str,
        channel: str,
        thread_ts: str | None,
        react_ts: str | None,
        previous: str | None = None,
        team: str | None = None,
    ) -> None:
        """Answer in the channel/thread. While it works: Slack's status in a DM thread (the assistant
        container), else — or where Slack refuses the status — a ⏳ reaction. Errors become an apology."""
        lang = detect_lang(question)
        status = bool(
            self.assistant and thread_ts and channel.startswith("D")
            and self.assistant.working(client, channel=channel, thread_ts=thread_ts, lang=lang)
        )  # fmt: skip
        reaction = bool(react_ts) and not status
        if reaction:
            _quietly(client.reactions_add, channel=channel, timestamp=react_ts, name=WORKING_REACTION)
        try:
            stream = getattr(self._answerer, "answer_stream", None) if self.stream else None
            if stream is not None:
                self._streamed(
                    client, stream, question, previous, user=user, channel=channel, thread_ts=thread_ts, team=team
                )
                return
            answer = self.answer(question, previous)
            answer_id = self.store.save_answer(
                question, answer, user=user, channel=channel, thread_ts=thread_ts or ""
            )
            self.post(client, answer, answer_id, channel=channel, thread_ts=thread_ts)
        except Exception:
            log.exception("answering failed in channel %s", channel)
            _quietly(
                client.chat_postMessage,
                channel=channel,
                thread_ts=thread_ts,
                text=bot_label(lang, "apology"),
                unfurl_links=False,
                unfurl_media=False,
            )
        finally:
            if status and self.assistant and thread_ts:
                self.assistant.done(client, channel=channel, thread_ts=thread_ts)
            if reaction:
                _quietly(
                    client.reactions_remove,
                    channel=channel,
                    timestamp=react_ts,
                    name=WORKING_REACTION,
                )

    def _streamed(self, client, stream, question, previous, *, user, channel, thread_ts, team) -> None:
        """A generated answer shown sentence by sentence as each passes its checks (Slack's native
        stream, or one message updated at most once a second); the final blocks end it."""
        out = AnswerStream(client, channel=channel, thread_ts=thread_ts, user=user, team=team)
        answer = stream(question, out.show, previous=previous)
        answer_id = self.store.save_answer(
            question, answer, user=user, channel=channel, thread_ts=thread_ts or ""
        )
        if not out.started:
            self.post(client, answer, answer_id, channel=channel, thread_ts=thread_ts)
            return
        notes = self.source_notes(answer)
        full = answer_blocks(answer, answer_id, notes, public_url=self.public_url)
        tail = answer_blocks(answer, answer_id, notes, public_url=self.public_url, with_text=False)
        rest = out.finish(answer, full=full, tail=tail, fallback=fallback_text(answer))
        _post_parts(client, answer, split_messages(rest) if rest else [], channel=channel, thread_ts=thread_ts)

    def post(
        self,
        client,
        answer: Answer,
        answer_id: str,
        *,
        channel: str,
        thread_ts: str | None,
        shared_by: str | None = None,
    ) -> None:
        blocks = answer_blocks(
            answer, answer_id, self.source_notes(answer), shared_by=shared_by, public_url=self.public_url
        )
        _post_parts(client, answer, split_messages(blocks), channel=channel, thread_ts=thread_ts)


def _post_parts(
    client, answer: Answer, parts: list[list[dict]], *, channel: str, thread_ts: str | None
) -> None:
    """An answer's blocks as one message per part (Slack allows 50 blocks a message), links not unfurled."""
    for part in parts:
        client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            text=fallback_text(answer),
            blocks=part,
            unfurl_links=False,
            unfurl_media=False,
        )


def _quietly(call, **kwargs) -> None:
    """Reactions and apologies must never raise out of a listener."""
    try:
        call(**kwargs)
    except Exception as exc:  # SlackApiError, network errors
        log.warning("Slack call %s failed: %s", getattr(call, "__name__", "?"), type(exc).__name__)
