"""Slack listeners: small functions that check, deduplicate and hand over to BotService."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from avtalebot.settings import Settings
from bot.assistant_events import register_assistant
from bot.blocks import FEEDBACK_ACTION, answer_blocks, fallback_text, source_view
from bot.contact_blocks import contact_blocks, contacts_fallback
from bot.dedupe import Deduper, RateLimit
from bot.duty_blocks import duties_fallback, duty_blocks
from bot.labels import bot_label
from bot.service import BotService, clean_question
from ingest.text import detect_lang

log = logging.getLogger(__name__)
CONTACT_VERBS = {"kontakt": "nb", "kontakter": "nb", "kontaktar": "nn", "contact": "en", "contacts": "en"}
DUTY_VERBS = {"plikter": "nb", "plikt": "nb", "pliktar": "nn", "duties": "en", "obligations": "en"}


class Gate:
    """Which events get answered: allowed channels, no bots, each message once, each user within
    the rate limit."""

    def __init__(self, settings: Settings, deduper: Deduper, rate: RateLimit | None = None) -> None:
        self._allowed = set(settings.allowed_channels)
        self._dedupe = deduper
        self._rate = rate or RateLimit(0)

    def rate(self, user: str) -> str:
        """'ok', 'limited' (tell the user once) or 'quiet'."""
        return self._rate.check(user)

    def allows(self, event: dict, body: dict, context) -> bool:
        channel = event.get("channel", "")
        if self._allowed and not channel.startswith("D") and channel not in self._allowed:
            return False
        if event.get("bot_id") or event.get("subtype") == "bot_message":
            return False
        if event.get("user") and event.get("user") == context.get("bot_user_id"):
            return False
        return self._dedupe.first_time(
            f"event:{body.get('event_id', '')}", f"msg:{channel}:{event.get('ts')}"
        )

    def first_command(self, command: dict) -> bool:
        """A slash command is answered once: a replayed request carries the same trigger id."""
        key = command.get("trigger_id") or "|".join(
            str(command.get(k, "")) for k in ("user_id", "channel_id", "command", "text", "response_url")
        )
        return self._dedupe.first_time(f"command:{key}")


def register(app, *, service: BotService, gate: Gate, admin, data_dir: Path) -> None:
    def over_rate(client, event: dict) -> bool:
        """Every path that answers goes through here: a user past the limit is told once, then
        ignored until the window has passed."""
        verdict = gate.rate(event.get("user", ""))
        if verdict == "limited":
            log.warning("rate limit: user %s", event.get("user", ""))
            kwargs = {"thread_ts": event["thread_ts"]} if event.get("thread_ts") else {}
            client.chat_postEphemeral(
                channel=event["channel"], user=event.get("user", ""),
                text=bot_label(detect_lang(event.get("text", "")), "rate_limited"), **kwargs,
            )  # fmt: skip
        return verdict != "ok"

    def on_mention(event, body, client, context):
        if not gate.allows(event, body, context) or over_rate(client, event):
            return
        previous = None
        if event.get("thread_ts"):
            _, previous = service.thread_context(
                client,
                event["channel"],
                event["thread_ts"],
                event["ts"],
                context.get("bot_user_id"),
                context.get("bot_id"),
            )
        service.reply(
            client,
            question=clean_question(event.get("text", "")),
            user=event.get("user", ""),
            channel=event["channel"],
            thread_ts=event.get("thread_ts") or event["ts"],
            react_ts=event["ts"],
            previous=previous,
            team=body.get("team_id"),
        )

    def on_direct_message(event, body, client, context):
        """A DM is answered in a thread (the assistant container's conversations are threads); a
        follow-up in the thread is read with the thread's earlier question, and a thread's first
        question becomes its title."""
        if not gate.allows(event, body, context) or over_rate(client, event):
            return
        question = clean_question(event.get("text", ""))
        thread_ts, previous = event.get("thread_ts"), None
        if thread_ts:
            _, previous = service.thread_context(
                client, event["channel"], thread_ts, event["ts"], context.get("bot_user_id"), context.get("bot_id")
            )
        if previous is None and service.assistant is not None:
            service.assistant.title(client, channel=event["channel"], thread_ts=thread_ts or event["ts"], question=question)
        service.reply(
            client,
            question=question,
            user=event.get("user", ""),
            channel=event["channel"],
            thread_ts=thread_ts or event["ts"],
            react_ts=event["ts"],
            previous=previous,
            team=body.get("team_id"),
        )

    def on_message(event, body, client, context):
        subtype = event.get("subtype")
        if subtype == "file_share":
            admin.on_file_share(event, body, client, context)
            return
        if subtype is not None or event.get("bot_id"):
            return
        bot_user = context.get("bot_user_id") or ""
        if event.get("channel_type") == "im":
            on_direct_message(event, body, client, context)
            return
        thread_ts = event.get("thread_ts")
        if not thread_ts or thread_ts == event.get("ts") or f"<@{bot_user}>" in event.get("text", ""):
            return  # not a follow-up; mentions are answered by on_mention
        answered, previous = service.thread_context(
            client, event["channel"], thread_ts, event["ts"], bot_user, context.get("bot_id")
        )
        if answered and gate.allows(event, body, context) and not over_rate(client, event):
            service.reply(
                client,
                question=clean_question(event.get("text", "")),
                user=event.get("user", ""),
                channel=event["channel"],
                thread_ts=thread_ts,
                react_ts=event["ts"],
                previous=previous,
                team=body.get("team_id"),
            )

    app.event("app_mention")(on_mention)
    app.event("message")(on_message)

    register_assistant(app, service=service, admin=admin, data_dir=data_dir)

    def ack_question(ack, command):
        text = (command.get("text") or "").strip()
        lang = detect_lang(text)
        ack(text=bot_label(lang, "working") if text else bot_label(lang, "usage"))

    def answer_command(respond, command):
        question = clean_question(command.get("text") or "")
        if not question or not gate.first_command(command):
            return
        verdict = gate.rate(command.get("user_id", ""))
        if verdict != "ok":
            if verdict == "limited":
                respond(response_type="ephemeral", text=bot_label(detect_lang(question), "rate_limited"))
            return
        verb, _, rest = question.partition(" ")
        if verb.casefold() in CONTACT_VERBS:
            return contacts_command(respond, verb.casefold(), rest.strip())
        if verb.casefold() in DUTY_VERBS:
            return duties_command(respond, DUTY_VERBS[verb.casefold()], rest.strip())
        try:
            answer = service.answer(question, None)
            answer_id = service.store.save_answer(
                question,
                answer,
                user=command.get("user_id", ""),
                channel=command.get("channel_id", ""),
                thread_ts="",
            )
            respond(
                response_type="ephemeral",
                replace_original=True,
                text=fallback_text(answer),
                blocks=answer_blocks(
                    answer, answer_id, service.source_notes(answer), share=True, public_url=service.public_url
                ),
            )
        except Exception:
            log.exception("slash command failed")
            respond(response_type="ephemeral", text=bot_label(detect_lang(question), "apology"))

    def fact_view(respond, lang: str, query: str, find, blocks, fallback, what: str):
        """A view over facts extracted at ingest (contacts, obligations), shown only to the asker."""
        try:
            found = find(query)
            respond(
                response_type="ephemeral",
                replace_original=True,
                text=fallback(found, query, lang),
                blocks=blocks(found, query, lang),
            )
        except Exception:
            log.exception("%s failed", what)
            respond(response_type="ephemeral", text=bot_label(lang, "apology"))

    def contacts_command(respond, verb: str, query: str):
        """`/avtale kontakt <name, county, role or programme>`: the directory. The query is names and
        places, so its language cannot be told: the verb's decides."""
        fact_view(
            respond,
            CONTACT_VERBS[verb],
            query,
            service.contacts,
            contact_blocks,
            contacts_fallback,
            "contacts",
        )

    def duties_command(respond, lang: str, where: str):
        """`/avtale plikter <county or agreement>`: the parties' obligations side by side."""
        fact_view(respond, lang, where, service.duties, duty_blocks, duties_fallback, "obligations view")

    app.command("/avtale")(ack=ack_question, lazy=[answer_command])

    def just_ack(ack):
        ack()

    def share(body, client, respond):
        answer_id = body["actions"][0]["value"]
        loaded = service.store.load_answer(answer_id)
        if loaded is None:
            return
        _, answer = loaded
        if service.store.asker(answer_id) != body["user"]["id"]:
            # an ephemeral answer is private: only its asker may make it public
            respond(response_type="ephemeral", replace_original=False, text=bot_label(answer.lang, "share_not_yours"))
            return
        service.post(
            client,
            answer,
            answer_id,
            channel=body["channel"]["id"],
            thread_ts=None,
            shared_by=body["user"]["id"],
        )
        respond(delete_original=True)

    app.action("share_answer")(ack=just_ack, lazy=[share])

    def show_source(ack, body, client):
        ack()
        answer_id, n = body["actions"][0]["value"].rsplit(":", 1)
        loaded = service.store.load_answer(answer_id)
        if loaded is None:
            return
        _, answer = loaded
        citation = next((c for c in answer.citations if str(c.n) == n), None)
        if citation is None:
            return
        doc, text = service.source_document(citation.doc_id)
        note = service.source_notes(answer).get(citation.n, "")
        view = source_view(citation, doc, text, answer.lang, note)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    app.action(re.compile(r"^show_source_\d+$"))(show_source)

    def feedback(ack, body, client):
        ack()
        answer_id, _, vote = str(body["actions"][0].get("value", "")).rpartition(":")
        user = body["user"]["id"]
        if not service.store.add_feedback(answer_id, vote, user):
            log.warning("feedback refused: not a vote on an answer given")
            return
        loaded = service.store.load_answer(answer_id)
        lang = loaded[1].lang if loaded else "nb"
        channel = (body.get("channel") or {}).get("id")
        if channel:
            client.chat_postEphemeral(channel=channel, user=user, text=bot_label(lang, "thanks"))

    # Slack's feedback_buttons (answer_feedback), and the buttons of messages posted before them
    app.action(re.compile(rf"^(feedback_(up|down)|{FEEDBACK_ACTION})$"))(feedback)

    app.command("/avtale-reindex")(ack=admin.ack_reindex, lazy=[admin.reindex])
