"""Slack's surface for AI apps: suggested prompts when the assistant or the Messages tab is
opened, a thread title, and a working status while an answer is prepared.

Every call here is decoration: a refusal or a network error is logged in one line and the answer
goes on (the ⏳ reaction stands in for a status Slack refuses)."""

from __future__ import annotations

import logging
import threading
from datetime import date

from avtalebot.answer.validity import statuses
from bot.escape import truncate
from bot.labels import bot_items, bot_label
from ingest.gazetteer import county_name

log = logging.getLogger(__name__)
MAX_PROMPTS = 4  # Slack shows at most four
_LOCALES = 1000  # users whose locale is remembered


def lang_of_locale(locale: str | None) -> str:
    """Slack's locale ('nb-NO', 'nn-NO', 'en-GB', …) -> our language; bokmål by default."""
    code = (locale or "").split("-")[0].casefold()
    return {"en": "en", "nn": "nn"}.get(code, "nb")


class Assistant:
    """What the bot says before a question is asked, and while it works on one."""

    def __init__(self, *, live) -> None:
        self._live = live
        self._locales: dict[str, str] = {}
        self._lock = threading.Lock()

    def user_lang(self, client, user: str) -> str:
        """The user's Slack language (users.info with its locale), remembered per user."""
        with self._lock:
            if user in self._locales:
                return self._locales[user]
        try:
            locale = client.users_info(user=user, include_locale=True)["user"].get("locale")
        except Exception as exc:  # no users:read scope, network: bokmål
            log.info("users.info for the locale failed (%s): bokmål", type(exc).__name__)
            locale = None
        lang = lang_of_locale(locale)
        with self._lock:
            if len(self._locales) >= _LOCALES:
                self._locales.clear()
            self._locales[user] = lang
        return lang

    def prompts(self, lang: str) -> list[dict[str, str]]:
        """A validity, a contact and an eligibility question, about a county the index covers with
        an agreement in force (so the first click is answered); without one, general wording."""
        county = self._county_in_force()
        key = "prompts_place" if county else "prompts"
        return [
            {"title": truncate(title.format(place=county), 75), "message": message.format(place=county)}
            for title, message in bot_items(lang, key)[:MAX_PROMPTS]
        ]

    def _county_in_force(self) -> str | None:
        try:
            docs = self._live.retriever().index.docs
        except Exception:  # no index yet, or switching
            return None
        state = statuses(docs, date.today())
        for doc_id in sorted(docs):
            if state[doc_id][0] != "in_force":
                continue
            for party in docs[doc_id].meta.parties:
                if county := county_name(party):
                    return county
        return None

    def suggest(self, client, *, channel: str, thread_ts: str | None, user: str) -> None:
        lang = self.user_lang(client, user)
        extra = {"thread_ts": thread_ts} if thread_ts else {}
        _quietly(
            client.assistant_threads_setSuggestedPrompts,
            channel_id=channel, prompts=self.prompts(lang), title=bot_label(lang, "prompts_title"), **extra,
        )  # fmt: skip

    def title(self, client, *, channel: str, thread_ts: str, question: str) -> None:
        _quietly(client.assistant_threads_setTitle, channel_id=channel, thread_ts=thread_ts, title=truncate(question, 80))

    def working(self, client, *, channel: str, thread_ts: str, lang: str) -> bool:
        """Show 'Leter i avtalene …' in the thread; False when Slack refuses (then use the reaction)."""
        return _quietly(
            client.assistant_threads_setStatus,
            channel_id=channel, thread_ts=thread_ts, status=bot_label(lang, "status"),
            loading_messages=bot_items(lang, "loading"),
        )  # fmt: skip

    def done(self, client, *, channel: str, thread_ts: str) -> None:
        """Clear the status (Slack also clears it when the answer is posted)."""
        _quietly(client.assistant_threads_setStatus, channel_id=channel, thread_ts=thread_ts, status="")


def _quietly(call, **kwargs) -> bool:
    try:
        call(**kwargs)
        return True
    except Exception as exc:  # SlackApiError (a workspace without the feature), network errors
        error = getattr(getattr(exc, "response", None), "get", lambda _k: None)("error")
        log.info("Slack call %s refused: %s", getattr(call, "__name__", "?"), error or type(exc).__name__)
        return False
