"""Optional LLM answerer behind langchain's chat-model interface.

The extractive answerer still selects the evidence and decides whether to abstain; the model only
rewrites the cited quotes into prose. An answer that cites nothing, or cites a passage it was not
given, is discarded in favour of the extractive answer: no uncited claims reach the user.
"""

from __future__ import annotations

import logging
import re

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

import prompts
from avtalebot.answer.labels import label
from avtalebot.errors import ConfigError
from avtalebot.settings import Settings
from avtalebot.types import Answer

log = logging.getLogger(__name__)
_LANGUAGE = {"nb": "Norwegian Bokmål", "nn": "Norwegian Nynorsk", "en": "English"}
_CITE = re.compile(r"\[(\d+)\]")


class LLMAnswerer:
    def __init__(self, *, extractive, chat_model: BaseChatModel) -> None:
        self._extractive = extractive
        self._chat = chat_model

    def messages(self, question: str, evidence: Answer) -> list:
        passages = "\n".join(f"[{c.n}] ({c.title}, {c.source}) {c.quote}" for c in evidence.citations)
        return [
            SystemMessage(
                prompts.load("answer_system").format(language=_LANGUAGE.get(evidence.lang, "Norwegian"))
            ),
            HumanMessage(prompts.load("answer_user").format(question=question, passages=passages)),
        ]

    def answer(self, question: str, *, previous: str | None = None, as_of=None) -> Answer:
        evidence = self._extractive.answer(question, previous=previous, as_of=as_of)
        if evidence.abstained or not evidence.citations:
            return evidence
        try:
            reply = self._chat.invoke(self.messages(question, evidence))
            text = str(reply.content).strip()
        except Exception as exc:  # network, quota, timeouts: the extractive answer still stands
            log.warning("LLM call failed (%s); using the extractive answer", type(exc).__name__)
            return evidence
        if text.startswith("NOT_IN_SOURCES"):
            return Answer(label(evidence.lang, "abstain"), (), True, evidence.lang)
        cited = {int(n) for n in _CITE.findall(text)}
        known = {c.n for c in evidence.citations}
        if not cited or not cited <= known:
            log.warning(
                "LLM answer cited %s of %s; using the extractive answer",
                sorted(cited),
                sorted(known),
            )
            return evidence
        return Answer(text, tuple(c for c in evidence.citations if c.n in cited), False, evidence.lang)


def build_chat_model(settings: Settings) -> BaseChatModel:
    """OpenAI-compatible chat model (any server speaking /v1/chat/completions)."""
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise ConfigError("the llm answerer needs langchain-openai: pip install 'avtalebot[llm]'") from exc
    if not settings.llm_base_url and settings.llm_api_key is None:
        raise ConfigError("AVTALEBOT_ANSWERER=llm needs AVTALEBOT_LLM_BASE_URL and/or AVTALEBOT_LLM_API_KEY")
    return ChatOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed",
        temperature=0,
        timeout=30,
        max_retries=1,
    )
