"""Generated answers shown while they are checked: Slack's native stream where it is allowed
(chat.startStream / appendStream / stopStream), else one message posted and updated in place.

Only text the answerer has checked ever reaches Slack (it calls `show` with the checked text so
far), and it goes out escaped: no mention, link or Markdown from a document or a model survives."""

from __future__ import annotations

import logging
import time

from slack_sdk.errors import SlackApiError

from avtalebot.types import Answer
from bot.escape import escape_markdown, escape_mrkdwn

log = logging.getLogger(__name__)
UPDATE_EVERY_S = 1.0  # the fallback's chat.update, at most once a second per message


class AnswerStream:
    """One answer's message. `show(text)` gets the checked text so far (each call extends the last);
    `finish` ends the message with the final blocks. The native stream is tried first; a workspace
    or method that refuses it (an error from chat.startStream) gets the post-and-update path."""

    def __init__(self, client, *, channel: str, thread_ts: str | None, user: str, team: str | None) -> None:
        self._client = client
        self._channel, self._thread_ts = channel, thread_ts
        self._user, self._team = user, team
        self._native = thread_ts is not None  # a stream is always a reply in a thread
        self.ts: str | None = None
        self._sent = ""  # the text already in the message
        self._at = 0.0

    @property
    def started(self) -> bool:
        return self.ts is not None

    @property
    def native(self) -> bool:
        return self._native and self.started

    def show(self, text: str) -> None:
        if self._native and self._show_native(text):
            return
        self._show_updated(text)

    def _show_native(self, text: str) -> bool:
        try:
            if self.ts is None:
                extra = {"recipient_user_id": self._user}
                if self._team:
                    extra["recipient_team_id"] = self._team
                r = self._client.chat_startStream(
                    channel=self._channel, thread_ts=self._thread_ts, markdown_text=escape_markdown(text), **extra
                )
                self.ts, self._sent = r["ts"], text
                return True
            if text.startswith(self._sent) and len(text) > len(self._sent):
                delta = text[len(self._sent) :]
                self._client.chat_appendStream(channel=self._channel, ts=self.ts, markdown_text=escape_markdown(delta))
                self._sent = text
            return True
        except SlackApiError as exc:
            if self.ts is not None:
                raise  # mid-stream: the answer's apology path, not a second message
            log.info("native streaming refused (%s): posting and updating instead", exc.response.get("error"))
            self._native = False
            return False

    def _show_updated(self, text: str) -> None:
        now = time.monotonic()
        if self.ts is None:
            r = self._client.chat_postMessage(
                channel=self._channel,
                thread_ts=self._thread_ts,
                text=escape_mrkdwn(text),
                unfurl_links=False,
                unfurl_media=False,
            )
            self.ts, self._sent, self._at = r["ts"], text, now
        elif now - self._at >= UPDATE_EVERY_S:
            self._client.chat_update(channel=self._channel, ts=self.ts, text=escape_mrkdwn(text))
            self._sent, self._at = text, now

    def finish(self, answer: Answer, *, full: list[dict], tail: list[dict], fallback: str) -> list[dict]:
        """End the message: `full` is every block of the answer (its text included), `tail` the
        blocks after its text (sources, Vis kilde, feedback). Returns the blocks still to post as
        further messages (Slack's 50-block limit)."""
        assert self.ts is not None
        if not self.native:
            time.sleep(max(0.0, UPDATE_EVERY_S - (time.monotonic() - self._at)))
            self._client.chat_update(channel=self._channel, ts=self.ts, text=fallback, blocks=full[:50])
            return full[50:]
        rest = answer.text[len(self._sent) :] if answer.text.startswith(self._sent) else ""
        kwargs = {"markdown_text": escape_markdown(rest)} if rest.strip() else {}
        self._client.chat_stopStream(channel=self._channel, ts=self.ts, blocks=tail[:50], **kwargs)
        if not answer.text.startswith(self._sent):  # the final text is not what was shown: replace it
            self._client.chat_update(channel=self._channel, ts=self.ts, text=fallback, blocks=full[:50])
            return full[50:]
        return tail[50:]
