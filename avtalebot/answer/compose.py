"""Stage 5 of answering: the answer text, its citations and validity notes, or an honest decline.

The best candidate comes first; every quote is cut from the document as written and cited with
file, title, section, chunk, span and quote. A list item is quoted with its lead-in, a whole list
(when a lead-in is the best answer) with at most eight items and how many more there are. The text
never exceeds MAX_ANSWER characters; a quote never exceeds MAX_QUOTE.
"""

from __future__ import annotations

from collections.abc import Mapping

from avtalebot.answer.candidates import Candidate
from avtalebot.answer.decide import Decision
from avtalebot.answer.facts import validity_line
from avtalebot.answer.labels import label
from avtalebot.answer.validity import NOT_IN_FORCE, status_word
from avtalebot.types import Answer, Citation, DocRecord
from vectorstore.index import LoadedIndex

MAX_ANSWER = 1200
MAX_QUOTE = 600
NOTES_ROOM = 120  # kept free for the validity notes
HEDGE_ROOM = 60  # and for the line saying an answer is tentative


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary, marked with '…'."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip() + " …"


def _line(c: Candidate, n: int, room: int) -> str:
    mark = f" [{n}]"
    if c.kind == "fact":
        statement = f"{c.fact}{mark}"
        quote = clip(c.text, max(0, min(MAX_QUOTE, room - len(statement) - 4)))
        return f"{statement}\n«{quote}»" if quote else statement
    return f"«{clip(c.shown, max(40, min(MAX_QUOTE, room - len(mark) - 2)))}»{mark}"


class Citations:
    """Numbers passages in order of first use; one number per exact span."""

    def __init__(self, index: LoadedIndex, status: dict[str, tuple[str, str]]) -> None:
        self._index, self._status = index, status
        self.items: list[Citation] = []
        self._by_span: dict[tuple[str, int, int], int] = {}

    def cite(self, c: Candidate, score: float) -> int:
        key = (c.doc_id, c.start, c.end)
        if key not in self._by_span:
            doc = self._index.docs[c.doc_id]
            state = self._status.get(c.doc_id, ("", ""))[0]
            end = c.end
            if c.kind == "leadin":  # the citation spans the list shown
                end = c.start + len(self._index.doc_text(c.doc_id)[c.start :].split("\n\n", 1)[0])
            self.items.append(
                Citation(
                    n=len(self.items) + 1,
                    source=doc.source,
                    title=doc.title,
                    section=c.chunk.section,
                    chunk_id=c.chunk.chunk_id,
                    quote=clip(self._index.doc_text(c.doc_id)[c.start : end], MAX_QUOTE),
                    score=round(float(score), 4),
                    doc_id=c.doc_id,
                    start=c.start,
                    end=end,
                    status=state if state in NOT_IN_FORCE else "",
                    scanned=bool(doc.meta.ocr_pages),
                )
            )
            self._by_span[key] = len(self.items)
        return self._by_span[key]


def compose(
    decision: Decision,
    candidates: list[Candidate],
    scores,
    index: LoadedIndex,
    lang: str,
    status: dict[str, tuple[str, str]],
) -> Answer:
    cites = Citations(index, status)
    lines: list[str] = []
    used = 0
    for i in decision.chosen:
        c = candidates[i]
        room = MAX_ANSWER - NOTES_ROOM - HEDGE_ROOM * decision.tentative - used
        if lines and room < 120:
            break
        n = cites.cite(c, scores[i])
        line = _line(c, n, room)
        lines.append(line)
        used += len(line) + 2
    notes = status_notes(cites.items, index.docs, status, lang)
    # a tentative answer says so first: the best passage found, not a claim that it answers
    hedge = [label(lang, "tentative")] if decision.tentative else []
    # the quotes give way when the whole is too long: the hedge and the notes are never cut
    room = MAX_ANSWER - sum(len(x) + 2 for x in hedge + notes)
    body = "\n\n".join(lines)
    if len(body) > room:
        body = clip(body, max(120, room))
    text = "\n\n".join([*hedge, body, *notes])
    return Answer(text, tuple(cites.items), False, decision.tentative, lang=lang, snapshot=index.snapshot_id)


def status_notes(citations: list[Citation], docs: Mapping[str, DocRecord], status, lang: str) -> list[str]:
    """Notes under an answer: a cited document that addresses a language model (a warning, first),
    one no longer in force (its status and validity or its successor)."""
    notes: list[str] = []
    done: set[str | tuple[str, str]] = set()
    for c in citations:
        doc = docs.get(c.doc_id)
        phrases = doc.meta.addressed_to_model if doc is not None else ()
        if phrases and ("model", c.doc_id) not in done:
            done.add(("model", c.doc_id))
            marks = "".join(f"[{x.n}]" for x in citations if x.doc_id == c.doc_id)
            notes.append(f"⚠ {marks} " + label(lang, "addressed_to_model").format(phrase=phrases[0][:60]))
    for c in citations:
        if not c.status or c.doc_id in done:
            continue
        done.add(c.doc_id)
        marks = "".join(f"[{x.n}]" for x in citations if x.doc_id == c.doc_id)
        detail = ""
        newer = status.get(c.doc_id, ("", ""))[1]
        if c.status == "superseded" and newer in docs:
            detail = f" → {docs[newer].title} ({docs[newer].source})"
        elif c.status == "expired":
            detail = f" ({validity_line(docs[c.doc_id].meta, lang).rstrip('.')})"
        notes.append(f"⚠ {marks} {status_word(c.status, lang)}{detail}")
    return notes


def decline(lang: str, nearest: Candidate | None, index: LoadedIndex, missing: list[str]) -> Answer:
    """An honest 'not found'; when a document comes close, it is named with what it does not state."""
    text = label(lang, "abstain")
    if nearest is not None:
        doc = index.docs[nearest.doc_id]
        what = ", ".join(f"«{w}»" for w in missing[:3]) or label(lang, "this_question")
        text += "\n\n" + label(lang, "nearest").format(title=doc.title, source=doc.source, what=what)
    return Answer(text, (), True, lang=lang, snapshot=index.snapshot_id)
