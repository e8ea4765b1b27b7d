"""Generated answers: the model reads the top retrieved passages and writes at most five sentences,
each citing the passages it rests on; every sentence is checked (grounding.py) before anyone sees
it. Whenever the generated answer cannot stand — the call fails or runs over its budget, the first
sentence or more than half of them fail the checks, or the model says NOT_IN_SOURCES while the
extractive answer is confident — the extractive answer is shown instead, marked as such."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as BudgetExceeded
from dataclasses import replace

import prompts
from avtalebot.answer.compose import Citations, clip, status_notes
from avtalebot.answer.grounding import Evidence, check, sentences
from avtalebot.answer.labels import label
from avtalebot.answer.validity import status_word
from avtalebot.types import Answer

log = logging.getLogger(__name__)
_LANGUAGE = {"nb": "Norwegian Bokmål", "nn": "Norwegian Nynorsk", "en": "English"}
PASSAGES = 6
_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="llm")


class LLMAnswerer:
    def __init__(self, *, extractive, chat_model, budget_s: float = 20.0) -> None:
        self._extractive = extractive
        self._chat = chat_model
        self._budget = budget_s
        self._prompt = prompts.answer_prompt()
        self.stats: Counter[str] = Counter()  # sentences kept / dropped by reason, fallbacks by cause

    def _setup(self, question: str, previous: str | None, as_of):
        prep = self._extractive.prepare(question, previous=previous, as_of=as_of)
        extractive = self._extractive.finish(prep)
        passages = top_passages(prep, extractive)
        messages = self._prompt.format_messages(
            language=_LANGUAGE.get(prep.lang, "Norwegian"),
            question=question,
            previous=previous or "-",
            passages="\n\n".join(_passage_text(n, c, prep) for n, c in passages.items()),
        )
        return prep, extractive, passages, messages

    def answer(self, question: str, *, previous: str | None = None, as_of=None) -> Answer:
        prep, extractive, passages, messages = self._setup(question, previous, as_of)
        if not passages:
            return extractive
        try:
            reply = _POOL.submit(self._chat.invoke, messages).result(timeout=self._budget)
            text = str(reply.content).strip()
        except BudgetExceeded:
            return self._fallback(extractive, "over the time budget")
        except Exception as exc:  # network, 429 after retries, malformed replies
            return self._fallback(extractive, f"call failed ({type(exc).__name__})")
        return self._checked(text, prep, extractive, passages)

    def answer_stream(
        self, question: str, on_text: Callable[[str], None], *, previous: str | None = None, as_of=None
    ) -> Answer:
        """As answer(), reading the reply as it streams: each time a further sentence is complete and
        passes its checks, on_text gets the checked text so far (nothing unchecked is ever passed on).
        The returned answer is the final one, which may still be the extractive fallback."""
        prep, extractive, passages, messages = self._setup(question, previous, as_of)
        if not passages:
            return extractive
        evidence = {n: Evidence.of(c.text) for n, c in passages.items()}
        deadline = time.monotonic() + self._budget
        text, shown, failed_first = "", 0, False
        try:
            for chunk in self._chat.stream(messages):
                text += str(chunk.content)
                if time.monotonic() > deadline:
                    return self._fallback(extractive, "over the time budget")
                done = sentences(text)[:-1]  # the last one may still be growing
                if len(done) > shown and not failed_first:
                    checked = [check(x, evidence) for x in done]
                    failed_first = not checked[0].ok
                    good = [c for c in checked if c.ok]
                    if good and not failed_first:
                        on_text(_compose(good, passages, prep, extractive.tentative).text)
                    shown = len(done)
        except Exception as exc:
            return self._fallback(extractive, f"call failed ({type(exc).__name__})")
        return self._checked(text.strip(), prep, extractive, passages)

    def _checked(self, text: str, prep, extractive: Answer, passages: dict) -> Answer:
        if text.startswith("NOT_IN_SOURCES"):
            # a decline only when the extractive scorer finds nothing confident either
            self.stats["not_in_sources"] += 1
            return extractive if extractive.abstained else self._fallback(extractive, "model declined")
        evidence = {n: Evidence.of(c.text) for n, c in passages.items()}
        checked = [check(s, evidence) for s in sentences(text)]
        for i, c in enumerate(checked, 1):
            self.stats["kept" if c.ok else f"dropped: {c.reason.split(' ')[0]}"] += 1
            if not c.ok:  # never the sentence itself at INFO: it may quote documents
                log.info("dropped generated sentence %d of %d: %s", i, len(checked), c.reason)
        kept = [c for c in checked if c.ok]
        if not checked or not checked[0].ok or len(kept) * 2 < len(checked):
            return self._fallback(extractive, "the generated answer failed its checks")
        return _compose(kept, passages, prep, extractive.tentative)

    def _fallback(self, extractive: Answer, cause: str) -> Answer:
        log.warning("showing the extractive answer: %s", cause)
        self.stats[f"fallback: {cause}"] += 1
        if extractive.abstained:
            return extractive
        return replace(extractive, text=f"{label(extractive.lang, 'quotes_only')}\n\n{extractive.text}")


def top_passages(prep, extractive: Answer) -> dict[int, object]:
    """About six retrieved chunks, best first — always including those the extractive answer cites."""
    ranked = sorted(
        {c.chunk.chunk_id: c for c in prep.pool.candidates if c.rank is not None}.values(),
        key=lambda c: c.rank,
    )
    chunks = [c.chunk for c in ranked][:PASSAGES]
    ids = {c.chunk_id for c in chunks}
    for cite in extractive.citations:
        chunk = next((c.chunk for c in prep.pool.candidates if c.chunk.chunk_id == cite.chunk_id), None)
        if chunk is not None and chunk.chunk_id not in ids:
            chunks.append(chunk)
            ids.add(chunk.chunk_id)
    return {n: chunk for n, chunk in enumerate(chunks, 1)}


def _passage_text(n: int, chunk, prep) -> str:
    doc = prep.index.docs[chunk.doc_id]
    state = prep.status.get(chunk.doc_id, ("unknown", ""))[0]
    return f"[{n}] {doc['title']} — {chunk.section} ({status_word(state, prep.lang)})\n{chunk.text}"


def _compose(kept, passages: dict, prep, tentative: bool) -> Answer:
    """The checked sentences with their citations renumbered in order of use, each pointing at the
    exact passage (chunk span) the model was given. Tentative when the extractive scorer was unsure
    of the passages: a fluent sentence does not make the retrieval surer."""
    from avtalebot.answer.candidates import Candidate

    cites = Citations(prep.index, prep.status)
    numbers: dict[int, int] = {}
    out = []
    for c in kept:
        text = c.text
        for n in c.cites:
            chunk = passages[n]
            cand = Candidate(chunk.doc_id, chunk, chunk.start, chunk.end, "sentence", chunk.text)
            numbers[n] = cites.cite(cand, 1.0)
        text = _renumber(text, numbers)
        out.append(text)
    body = " ".join(out)
    notes = status_notes(cites.items, prep.index.docs, prep.status, prep.lang)
    hedge = [label(prep.lang, "tentative")] if tentative else []
    text = clip("\n\n".join([*hedge, body, *notes]), 1200)
    return Answer(text, tuple(cites.items), False, tentative, lang=prep.lang, snapshot=prep.index.snapshot_id)


def _renumber(text: str, numbers: dict[int, int]) -> str:
    import re

    return re.sub(r"\[(\d+)\]", lambda m: f"[{numbers.get(int(m.group(1)), m.group(1))}]", text)
