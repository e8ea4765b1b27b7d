"""The default answerer: quotes with numbered citations, facts from metadata, or an honest abstention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from avtalebot.answer.evidence import Scored, coverage, quote_for, score_units, select
from avtalebot.answer.facts import Fact, date_facts, doc_ranking, person_facts
from avtalebot.answer.followup import PLACE_RE, contextualize
from avtalebot.answer.labels import label
from avtalebot.answer.query import Query, analyse
from avtalebot.text import content_terms
from avtalebot.types import Answer, Citation
from vectorstore.index import LoadedIndex
from vectorstore.retriever import Hit, HybridRetriever, LiveIndex


@dataclass(frozen=True)
class Thresholds:
    """Abstention: answer only when the evidence is strong enough. Calibrated on in-scope vs
    out-of-scope dev questions (see tests/test_eval.py and README)."""

    dense_floor: float = (
        0.80  # top cosine similarity at which a Norwegian question starts to look on-topic
    )
    dense_floor_en: float = (
        0.76  # English questions over Norwegian text score lower across the board
    )
    dense_span: float = 0.08
    min_confidence: float = 0.55


@dataclass(frozen=True)
class Signals:
    dense: float
    coverage: float
    confidence: float


def confidence(hits: list[Hit], cov: float, query: Query, th: Thresholds) -> Signals:
    """Half lexical (how much of the question the best evidence covers), half semantic."""
    dense = max((h.dense for h in hits), default=0.0)
    floor = th.dense_floor_en if query.lang == "en" else th.dense_floor
    dense_part = min(1.0, max(0.0, (dense - floor) / th.dense_span))
    return Signals(dense, cov, 0.5 * cov + 0.5 * dense_part)


class ExtractiveAnswerer:
    def __init__(
        self, *, live: LiveIndex, top_k: int = 4, thresholds: Thresholds | None = None
    ) -> None:
        self._live = live
        self._top_k = top_k
        self._th = thresholds or Thresholds()

    def answer(
        self, question: str, *, previous: str | None = None, as_of: date | None = None
    ) -> Answer:
        retriever = self._live.retriever()
        full = contextualize(question.strip(), previous)
        query = analyse(full)
        lang = analyse(question).lang if previous else query.lang
        if not query.terms and not question.strip():
            return Answer(label(lang, "empty"), (), True, lang)
        hits, scored, signals = self.evidence(retriever, query)
        docs = retriever.index.docs
        ranking = doc_ranking(hits)
        facts = self.facts(query, docs, ranking, lang)
        if facts:
            kw = retriever.index.keyword
            fact_cov = max(
                coverage(
                    set(content_terms(f.text + " " + " ".join(docs[f.doc_id]["meta"]["parties"]))),
                    query,
                    kw,
                )
                for f in facts
            )
            signals = confidence(hits, max(signals.coverage, fact_cov), query, self._th)
        if signals.confidence < self._th.min_confidence:
            return Answer(label(lang, "abstain"), (), True, lang)
        missing_place = ungrounded_place(query.text, [docs[d] for d in ranking[:3]])
        if missing_place:
            return Answer(label(lang, "no_place").format(place=missing_place), (), True, lang)
        answer = compose(facts, select(scored), retriever.index, lang, self._top_k)
        missing = unknown_words(query, retriever.index.keyword) if lang != "en" else []
        if missing and not facts:
            note = label(lang, "not_mentioned").format(words=", ".join(f"«{w}»" for w in missing))
            answer = Answer(f"{answer.text}\n\n{note}", answer.citations, False, lang)
        return answer

    @staticmethod
    def facts(query: Query, docs: dict[str, dict], ranking: list[str], lang: str) -> list[Fact]:
        facts: list[Fact] = []
        if query.wants_person:
            facts += person_facts(query, docs, ranking, lang)
        if query.asks_when or query.asks_validity:
            facts += date_facts(query, docs, ranking, lang)
        return facts

    def evidence(
        self, retriever: HybridRetriever, query: Query
    ) -> tuple[list[Hit], list[Scored], Signals]:
        vector = retriever.embed_query(query.text)
        hits = retriever.retrieve(vector, list(query.terms), k=12)
        docs = retriever.index.docs
        context = {
            d: " ".join(docs[d]["meta"].get("parties", [])) for d in {h.chunk.doc_id for h in hits}
        }
        scored = score_units(hits, query, retriever.index.keyword, context)
        return (
            hits,
            scored,
            confidence(hits, max((x.coverage for x in scored[:5]), default=0.0), query, self._th),
        )


def ungrounded_place(question: str, top_docs: list[dict]) -> str | None:
    """A county or NAV region named in the question that none of the best documents mentions."""
    for m in PLACE_RE.finditer(question):
        place = m.group(0).lower().replace(" ", "-")
        if not any(place in d["text"].lower().replace(" ", "-") for d in top_docs):
            return m.group(0)
    return None


def unknown_words(query: Query, keyword) -> list[str]:
    """Question words (4+ letters) that occur nowhere in the indexed documents."""
    return [
        w
        for w, g in zip(query.group_words, query.groups, strict=True)
        if len(w) >= 4 and not w.isdigit() and not any(keyword.known(t) for t in g)
    ]


def compose(
    facts: list[Fact], quotes: list[Scored], index: LoadedIndex, lang: str, max_cites: int
) -> Answer:
    """Answer text with [n] markers; each citation knows file, title, section, chunk and quote."""
    docs = index.docs
    lines: list[str] = []
    citations: list[Citation] = []
    by_span: dict[tuple[str, int, int], int] = {}

    def cite(
        doc_id: str, start: int, end: int, quote: str, chunk_id: str, section: str, score: float
    ) -> int:
        key = (doc_id, start, end)
        if key in by_span:
            return by_span[key]
        doc = docs[doc_id]
        n = len(citations) + 1
        citations.append(
            Citation(
                n,
                doc["source"],
                doc["title"],
                section,
                chunk_id,
                quote,
                round(score, 4),
                doc_id,
                start,
                end,
            )
        )
        by_span[key] = n
        return n

    for f in facts:
        text = docs[f.doc_id]["text"]
        chunk = index.chunk_at(f.doc_id, f.start)
        chunk_id, section = (chunk.chunk_id, chunk.section) if chunk else ("", "")
        n = cite(f.doc_id, f.start, f.end, text[f.start : f.end], chunk_id, section, 1.0)
        lines.append(f"{f.text} [{n}]")
    for s in quotes:
        if len(citations) >= max_cites:
            break
        chunk = s.unit.hit.chunk
        quote, start, end = quote_for(s.unit, docs[chunk.doc_id]["text"])
        if any(c.doc_id == chunk.doc_id and c.start <= start and end <= c.end for c in citations):
            continue
        n = cite(chunk.doc_id, start, end, quote, chunk.chunk_id, chunk.section, s.score)
        lines.append(f"«{quote}» [{n}]")
    return Answer("\n\n".join(lines), tuple(citations), False, lang)
