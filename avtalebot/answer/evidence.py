"""Pick, from retrieved chunks, the sentences or list items that answer the question."""

from __future__ import annotations

import re
from dataclasses import dataclass

from avtalebot.answer.query import Query
from avtalebot.text import content_terms, split_sentences
from vectorstore.keyword import KeywordIndex
from vectorstore.retriever import Hit

_DATE = re.compile(
    r"\b\d{1,2}\.\s?(januar|februar|mars|april|mai|juni|juli|august|september|oktober|"
    r"november|desember)\b|\b\d{1,2}\.\d{1,2}\.\d{4}\b|\b(19|20)\d{2}\b",
    re.I,
)
_PERSON = re.compile(r"\b[A-ZÆØÅ][a-zæøå]+(?:-[A-ZÆØÅ][a-zæøå]+)? [A-ZÆØÅ][a-zæøå]+")
_DIGIT = re.compile(r"\d")
_ANAPHOR = re.compile(r"^(Dette|Det|Den|Disse|De|Han|Hun|Ho|Dei|Tiltaket|Tilbudet|Kurset)\b")
MAX_ITEMS = 8


@dataclass(frozen=True)
class Unit:
    """A quotable span: a sentence, a list item, or a lead-in with its items."""

    hit: Hit
    start: int  # offsets in the document's cleaned text
    end: int
    text: str
    prefix: str = ""  # lead-in shown before a list item, as context
    is_leadin: bool = False
    items: str = ""  # for a lead-in: the text of its items (quoted with it)


@dataclass(frozen=True)
class Scored:
    unit: Unit
    score: float
    coverage: float  # share of the question covered by the passage and its document's context


def _units(hit: Hit) -> list[Unit]:
    """Sentences of paragraphs, items of lists; a lead-in line carries its items."""
    c = hit.chunk
    units: list[Unit] = []
    lines = c.text.split("\n")
    pos = c.start
    leadin: Unit | None = None
    for line in lines:
        s, e = pos, pos + len(line)
        pos = e + 1
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("• "):
            offset = line.index("• ") + 2
            units.append(
                Unit(hit, s + offset, e, line[offset:].strip(), prefix=leadin.text if leadin else "")
            )
            if leadin is not None:
                i = units.index(leadin)
                leadin = Unit(**{**leadin.__dict__, "items": f"{leadin.items}\n{line}"})
                units[i] = leadin
            continue
        if stripped.endswith(":"):
            leadin = Unit(hit, s, e, stripped, is_leadin=True)
            units.append(leadin)
            continue
        leadin = None
        for a, b in split_sentences(line, base=s):
            units.append(Unit(hit, a, b, c.text[a - c.start : b - c.start]))
    return units


def coverage(unit_terms: set[str], query: Query, kw: KeywordIndex) -> float:
    """IDF-weighted share of the question's words found in the unit (unknown words weigh most).
    A word counts as found when any of its alternative stems is present."""
    known = [max(kw.idf(t) for t in g) for g in query.groups if any(kw.known(t) for t in g)]
    unknown_weight = max(known, default=1.0)
    total = found = 0.0
    for group in query.groups:
        weight = max(kw.idf(t) for t in group) if any(kw.known(t) for t in group) else unknown_weight
        total += weight
        if any(t in unit_terms for t in group):
            found += weight
    return found / total if total else 0.0


_LIST_QUESTION = re.compile(r"^\s*(hva|hvilke|kva|kva for|what|which)\b", re.I)


def _cue(unit: Unit, query: Query) -> float:
    text = unit.text if not unit.is_leadin else unit.text + unit.items
    if unit.is_leadin and _LIST_QUESTION.match(query.text) and not (query.asks_when or query.asks_who):
        return 1.0
    if query.asks_when or query.asks_validity:
        return 1.0 if _DATE.search(text) else 0.0
    if query.asks_who:
        return 1.0 if _PERSON.search(text) else 0.0
    if query.asks_number:
        return 1.0 if _DIGIT.search(text) else 0.0
    return 0.5


def score_units(
    hits: list[Hit],
    query: Query,
    kw: KeywordIndex,
    doc_context: dict[str, str],
    doc_weight: dict[str, float] | None = None,
    max_chunks: int = 8,
) -> list[Scored]:
    """Score every sentence / item / lead-in of the top chunks. doc_context: per document, words
    that describe it as a whole (parties), which count as context for all its passages;
    doc_weight: a factor below 1 for documents to prefer less (agreements no longer in force)."""
    doc_weight = doc_weight or {}
    if not hits:
        return []
    top = hits[:max_chunks]
    best_fused = max(h.fused for h in top)
    best_dense = max(h.dense for h in top) or 1.0
    scored: list[Scored] = []
    for rank, hit in enumerate(top):
        context_terms = set(
            content_terms(f"{hit.chunk.title} {hit.chunk.section} {doc_context.get(hit.chunk.doc_id, '')}")
        )
        chunk_rel = 0.5 * hit.fused / best_fused + 0.5 * (hit.dense / best_dense) - 0.03 * rank
        for unit in _units(hit):
            unit_terms = set(content_terms(f"{unit.prefix} {unit.text} {unit.items}"))
            cov = coverage(unit_terms, query, kw)
            ctx = coverage(unit_terms | context_terms, query, kw)
            if unit.is_leadin and not _LIST_QUESTION.match(query.text):
                cov *= 0.95  # a whole list only when no single item answers as well
            score = 0.50 * cov + 0.10 * ctx + 0.28 * chunk_rel + 0.12 * _cue(unit, query)
            score *= doc_weight.get(hit.chunk.doc_id, 1.0)
            scored.append(Scored(unit, score, max(cov, ctx)))
    scored.sort(key=lambda s: s.score, reverse=True)
    return scored


def select(scored: list[Scored], max_quotes: int = 3, ratio: float = 0.8) -> list[Scored]:
    """The best unit, plus runners-up close to it from other places."""
    if not scored:
        return []
    best = scored[0].score
    chosen: list[Scored] = []
    for s in scored:
        if len(chosen) >= max_quotes or s.score < ratio * best:
            break
        if any(_overlaps(s.unit, c.unit) for c in chosen):
            continue
        chosen.append(s)
    return chosen


def _overlaps(a: Unit, b: Unit) -> bool:
    if a.hit.chunk.doc_id != b.hit.chunk.doc_id:
        return False
    if a.is_leadin and a.hit.chunk.chunk_id == b.hit.chunk.chunk_id:
        return True
    if b.is_leadin and a.hit.chunk.chunk_id == b.hit.chunk.chunk_id:
        return True
    return a.start < b.end and b.start < a.end


def quote_for(unit: Unit, doc_text: str) -> tuple[str, int, int]:
    """The exact text to quote, widened for context: a lead-in gets its items, an anaphoric
    sentence ('Dette foregår …') gets the sentence before it."""
    start, end = unit.start, unit.end
    chunk = unit.hit.chunk
    if unit.is_leadin:
        items, pos = [], unit.end + 1
        for line in doc_text[unit.end + 1 : chunk.end].split("\n"):
            if line.strip().startswith("• "):
                items.append((line.strip(), pos + len(line)))
            elif line.strip():
                break
            pos += len(line) + 1
        shown = items[:MAX_ITEMS]
        more = "\n…" if len(items) > MAX_ITEMS else ""
        end = shown[-1][1] if shown else end
        return "\n".join([unit.text, *(t for t, _ in shown)]) + more, start, end
    if _ANAPHOR.match(unit.text) and not unit.prefix:
        before = split_sentences(doc_text[chunk.start : start].rstrip(), base=chunk.start)
        if before:
            start = before[-1][0]
    text = doc_text[start:end]
    if unit.prefix:
        return f"{unit.prefix} … {text}", start, end
    return text, start, end
