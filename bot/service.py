"""What the bot does with a question, independent of how Slack delivered it."""

from __future__ import annotations

import html
import logging
import re
import time
from datetime import date

from avtalebot.answer.followup import contextualize
from avtalebot.answer.validity import status_of, validity_note
from avtalebot.directory import CURRENT, DirectoryEntry, contact_directory
from avtalebot.feedback import FeedbackStore
from avtalebot.obligations import AgreementDuties, agreement_duties
from avtalebot.text import detect_lang
from avtalebot.types import Answer, DocMeta
from bot.blocks import answer_blocks, fallback_text, split_messages
from bot.escape import escape_mrkdwn
from bot.labels import bot_label

log = logging.getLogger(__name__)
_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
WORKING_REACTION = "hourglass_flowing_sand"
UPDATE_EVERY_S = 1.0  # chat.update at most once a second per message


def clean_question(text: str) -> str:
    """Slack message text -> the question: mentions removed, Slack's &amp; &lt; &gt; unescaped."""
    return html.unescape(_MENTION.sub(" ", text or "")).strip()


class BotService:
    def __init__(
        self, *, answerer, live, store: FeedbackStore, public_url: str | None = None, stream: bool = True
    ) -> None:
        self.public_url = public_url  # the review site: citations also link to their passage there
        self.stream = stream  # generated answers streamed into Slack with chat.update
        self._answerer = answerer
        self._live = live
        self.store = store

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
                meta = DocMeta.from_dict(doc["meta"])
                notes[c.n] = validity_note(meta, answer.lang, c.status or status_of(meta, date.today()))
        return notes

    def source_document(self, doc_id: str) -> tuple[dict | None, str]:
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
    ) -> None:
        """Answer in the channel/thread; a reaction shows work under way; errors become an apology."""
        lang = detect_lang(question)
        if react_ts:
            _quietly(client.reactions_add, channel=channel, timestamp=react_ts, name=WORKING_REACTION)
        try:
            stream = getattr(self._answerer, "answer_stream", None) if self.stream else None
            if stream is not None:
                self._streamed(
                    client, stream, question, previous, user=user, channel=channel, thread_ts=thread_ts
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
            if react_ts:
                _quietly(
                    client.reactions_remove,
                    channel=channel,
                    timestamp=react_ts,
                    name=WORKING_REACTION,
                )

    def _streamed(self, client, stream, question, previous, *, user, channel, thread_ts) -> None:
        """A generated answer posted once its first checked sentence is ready and updated in place
        (at most once a second) as further checked sentences arrive; the final text comes with its
        citations and buttons. Only sentences that passed their checks are ever sent."""
        msg: dict = {"ts": None, "at": 0.0}

        def show(text: str) -> None:
            now = time.monotonic()
            if msg["ts"] is None:
                r = client.chat_postMessage(
                    channel=channel,
                    thread_ts=thread_ts,
                    text=escape_mrkdwn(text),
                    unfurl_links=False,
                    unfurl_media=False,
                )
                msg["ts"], msg["at"] = r["ts"], now
            elif now - msg["at"] >= UPDATE_EVERY_S:
                client.chat_update(channel=channel, ts=msg["ts"], text=escape_mrkdwn(text))
                msg["at"] = now

        answer = stream(question, show, previous=previous)
        answer_id = self.store.save_answer(
            question, answer, user=user, channel=channel, thread_ts=thread_ts or ""
        )
        if msg["ts"] is None:
            self.post(client, answer, answer_id, channel=channel, thread_ts=thread_ts)
            return
        blocks = answer_blocks(answer, answer_id, self.source_notes(answer), public_url=self.public_url)
        first, *rest = split_messages(blocks)
        time.sleep(max(0.0, UPDATE_EVERY_S - (time.monotonic() - msg["at"])))
        client.chat_update(channel=channel, ts=msg["ts"], text=fallback_text(answer), blocks=first)
        _post_parts(client, answer, rest, channel=channel, thread_ts=thread_ts)

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
