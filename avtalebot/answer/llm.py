"""Generated answers: the model reads the top retrieved passages and writes at most five sentences,
each citing the passages it rests on; every sentence is checked (grounding.py) before anyone sees
it. Whenever the generated answer cannot stand — the call fails or runs over its budget, the first
sentence or more than half of them fail the checks, or the model says NOT_IN_SOURCES while the
extractive answer is confident — the extractive answer is shown instead, marked as such."""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as BudgetExceeded
from dataclasses import replace

import prompts
from avtalebot.answer.compose import Citations, clip, status_notes
from avtalebot.answer.grounding import Checked, Evidence, check, sentences
from avtalebot.answer.labels import label
from avtalebot.answer.support import normalise_citations
from avtalebot.answer.validity import status_word
from avtalebot.types import Answer

log = logging.getLogger(__name__)
_LANGUAGE = {"nb": "Norwegian Bokmål", "nn": "Norwegian Nynorsk", "en": "English"}
PASSAGES = 6
MAX_SENTENCES = 5  # the prompt asks for at most five; more are not shown whatever the model writes
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
        passes its checks, on_text gets the checked text so far (nothing unchecked is ever passed on,
        nothing twice). Once a sentence has been shown the final answer keeps it: it never switches
        to the quotes under the reader's eyes. The budget is a wall-clock deadline: a server that
        sends keep-alives and nothing else is given up on at the deadline, whatever it sends."""
        prep, extractive, passages, messages = self._setup(question, previous, as_of)
        if not passages:
            return extractive
        evidence = {n: Evidence.of(c.text) for n, c in passages.items()}
        deadline = time.monotonic() + self._budget
        pieces: queue.Queue = queue.Queue()
        stop = threading.Event()

        def read() -> None:  # its own thread: a stalled stream holds it, not a worker of ours
            try:
                for chunk in self._chat.stream(messages):
                    if stop.is_set():
                        return
                    pieces.put(str(chunk.content))
                pieces.put(None)
            except Exception as exc:  # network, 429 after retries, malformed replies
                pieces.put(exc)

        threading.Thread(target=read, daemon=True, name="llm-stream").start()
        text, last, failed_first = "", "", False
        shown: list = []
        try:
            while True:
                try:
                    piece = pieces.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    return self._cut_short(shown, passages, prep, extractive, "over the time budget")
                if isinstance(piece, Exception):
                    return self._cut_short(shown, passages, prep, extractive, f"call failed ({type(piece).__name__})")
                if piece is None:
                    break
                text += piece
                done = sentences(normalise_citations(text))[:-1]  # the last one may still be growing
                if failed_first or not done:
                    continue
                good = self._good(done, evidence, prep)
                failed_first = good is None
                if good and _compose(good, passages, prep, extractive.tentative).text != last:
                    shown = good
                    last = _compose(good, passages, prep, extractive.tentative).text
                    on_text(last)
        finally:
            stop.set()
        return self._checked(text.strip(), prep, extractive, passages, shown=shown)

    def _good(self, done: list[str], evidence: dict, prep) -> list[Checked] | None:
        """The sentences that pass, at most MAX_SENTENCES; None when the first fails or the text is
        in another language than the question (then nothing is shown)."""
        checked = [check(x, evidence, prep.query.text) for x in done]
        if not checked[0].ok or _other_language(checked, prep.lang):
            return None
        return [c for c in checked if c.ok][:MAX_SENTENCES]

    def _cut_short(self, shown: list, passages: dict, prep, extractive: Answer, cause: str) -> Answer:
        if shown:  # what the reader has seen stays: the checked sentences, not the quotes
            log.warning("the generated answer was cut short (%s): the sentences shown stand", cause)
            self.stats[f"cut short: {cause}"] += 1
            return _compose(shown, passages, prep, extractive.tentative)
        return self._fallback(extractive, cause)

    def _checked(self, text: str, prep, extractive: Answer, passages: dict, shown: list | None = None) -> Answer:
        if text.startswith("NOT_IN_SOURCES") and not shown:
            # a decline only when the extractive scorer finds nothing confident either
            self.stats["not_in_sources"] += 1
            return extractive if extractive.abstained else self._fallback(extractive, "model declined")
        evidence = {n: Evidence.of(c.text) for n, c in passages.items()}
        checked = [check(s, evidence, prep.query.text) for s in sentences(normalise_citations(text))]
        for i, c in enumerate(checked, 1):
            self.stats["kept" if c.ok else f"dropped: {c.reason.split(' ')[0]}"] += 1
            if not c.ok:  # never the sentence itself at INFO: it may quote documents
                log.info("dropped generated sentence %d of %d: %s", i, len(checked), c.reason)
        kept = [c for c in checked if c.ok][:MAX_SENTENCES]
        if shown:  # the sentences shown while streaming are the first ones kept: they stay
            return _compose(kept if len(kept) >= len(shown) else shown, passages, prep, extractive.tentative)
        if not checked or not checked[0].ok or len(kept) * 2 < min(len(checked), MAX_SENTENCES * 2):
            return self._fallback(extractive, "the generated answer failed its checks")
        if _other_language(kept, prep.lang):
            return self._fallback(extractive, "the generated answer is in another language")
        return _compose(kept, passages, prep, extractive.tentative)

    def _fallback(self, extractive: Answer, cause: str) -> Answer:
        log.warning("showing the extractive answer: %s", cause)
        self.stats[f"fallback: {cause}"] += 1
        if extractive.abstained:
            return extractive
        return replace(extractive, text=f"{label(extractive.lang, 'quotes_only')}\n\n{extractive.text}")


def top_passages(prep, extractive: Answer) -> dict[int, object]:
    """About six retrieved chunks, best first — always including those the extractive answer cites;
    never a chunk of a document that addresses a language model (flagged at ingest): a model would
    read its instructions as ours."""

    def safe(chunk) -> bool:
        doc = prep.index.docs.get(chunk.doc_id)
        return doc is not None and not doc.raw_meta.get("addressed_to_model")

    ranked = sorted(
        {c.chunk.chunk_id: c for c in prep.pool.candidates if c.rank is not None and safe(c.chunk)}.values(),
        key=lambda c: c.rank,
    )
    chunks = [c.chunk for c in ranked][:PASSAGES]
    ids = {c.chunk_id for c in chunks}
    for cite in extractive.citations:
        chunk = next((c.chunk for c in prep.pool.candidates if c.chunk.chunk_id == cite.chunk_id), None)
        if chunk is not None and chunk.chunk_id not in ids and safe(chunk):
            chunks.append(chunk)
            ids.add(chunk.chunk_id)
    return {n: chunk for n, chunk in enumerate(chunks, 1)}


def _passage_text(n: int, chunk, prep) -> str:
    doc = prep.index.docs[chunk.doc_id]
    state = prep.status.get(chunk.doc_id, ("unknown", ""))[0]
    return f"[{n}] {doc.title} — {chunk.section} ({status_word(state, prep.lang)})\n{chunk.text}"


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
    notes = status_notes(cites.items, prep.index.docs, prep.status, prep.lang)
    hedge = [label(prep.lang, "tentative")] if tentative else []
    # the sentences are cut to what is left of the limit once the hedge and the notes have room:
    # a note that the agreement is superseded is never the part cut off
    room = 1200 - sum(len(x) + 2 for x in [*hedge, *notes])
    body = clip(" ".join(out), max(200, room))
    text = "\n\n".join([*hedge, body, *notes])
    return Answer(text, tuple(cites.items), False, tentative, lang=prep.lang, snapshot=prep.index.snapshot_id)


def _other_language(kept: list[Checked], lang: str) -> bool:
    """An English answer to a Norwegian question or the other way round (bokmål and nynorsk are one
    language here: a model mixes them, a reader does not mind)."""
    from ingest.text import detect_lang

    body = " ".join(re.sub(r"\[\d+\]", " ", c.text) for c in kept)
    return (detect_lang(body) == "en") != (lang == "en")


def _renumber(text: str, numbers: dict[int, int]) -> str:
    return re.sub(r"\[(\d+)\]", lambda m: f"[{numbers.get(int(m.group(1)), m.group(1))}]", text)
