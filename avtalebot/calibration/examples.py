"""Labelled examples for the scorer: questions run through the answering pipeline up to the features,
each candidate labelled from the question's expected answers or from feedback on a given answer."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from avtalebot.answer.extractive import ExtractiveAnswerer, Prepared


@dataclass
class Example:
    row: dict  # the question, in the eval JSONL format
    prep: Prepared
    y: np.ndarray  # 1 for a candidate that answers, per candidate
    weight: np.ndarray  # training weight per candidate (0: no label); each question weighs 1 in all
    group: str  # the document the question is about: folds never split a document's questions
    evaluate: bool = True  # False for feedback on an answer (no expected string to check against)
    set: str = ""  # the question set it comes from (figures are reported per set)
    set_weight: float = 1.0  # how much each of its questions weighs in fitting

    @property
    def to_decline(self) -> bool:
        """A question whose right answer is a decline (no source)."""
        return self.evaluate and not self.row.get("source")


def label_candidates(prep: Prepared, row: dict) -> tuple[np.ndarray, np.ndarray]:
    """Positive: the candidate comes from the expected document and shows an expected string.
    A whole list (a lead-in with its items) that holds the answer is positive only when the question
    asks for a list or the lead-in itself holds it; else it is left unlabelled (weight 0): the item
    that answers should be quoted, not the list, but quoting the list is not wrong either."""
    source, expected = row.get("source"), [a.lower() for a in row.get("answer_any", [])]
    docs = prep.index.docs
    n = len(prep.pool.candidates)
    y, known = np.zeros(n), np.ones(n)
    if source is None:
        return y, known
    for i, c in enumerate(prep.pool.candidates):
        doc = docs[c.doc_id]
        if (doc.source == source or source in doc.aliases) and any(
            a in c.shown.lower() for a in expected
        ):
            if (
                c.kind == "leadin"
                and "list" not in prep.query.wants
                and not any(a in c.own.lower() for a in expected)
            ):
                known[i] = 0.0
            else:
                y[i] = 1.0
    return y, known


def _group(prep: Prepared, row: dict) -> str:
    """A question without a source is grouped with the document it retrieves first, so that a
    left-out document takes its unanswerable questions along (a derived one names its group)."""
    if row.get("group"):
        return row["group"]
    if row.get("source"):
        return row["source"]
    order = prep.pool.doc_order
    return prep.index.docs[order[0]].source if order else "(none)"


def labelled_examples(
    answerer: ExtractiveAnswerer,
    rows: Iterable[dict],
    progress: Callable[[int], None] | None = None,
    *,
    set_name: str = "",
    set_weight: float = 1.0,
) -> list[Example]:
    out = []
    for row in rows:
        prep = answerer.prepare(row["q"])
        y, known = label_candidates(prep, row)
        group = f"{set_name}/{_group(prep, row)}" if set_name else _group(prep, row)
        out.append(Example(row, prep, y, known / max(known.sum(), 1.0), group, set=set_name, set_weight=set_weight))
        if progress:
            progress(1)
    return out


def feedback_examples(answerer: ExtractiveAnswerer, records: Iterable[dict]) -> list[Example]:
    """Feedback on answers: a 👍 answer's cited passages count as positives (the other candidates as
    negatives), a 👎 answer's cited passages as negatives (the others stay unlabelled).
    One example per answer, whatever the number of votes on it: the majority of its votes decides
    (a tie teaches nothing), so that many votes on one answer cannot outweigh the labelled questions."""
    out = []
    for rec in _one_per_answer(records):
        vote, question = rec.get("vote"), str(rec.get("question") or "")
        prep = answerer.prepare(question)
        cited = [(c.get("doc_id"), c.get("start", 0), c.get("end", 0)) for c in rec.get("citations", [])]
        hit = np.asarray(
            [
                any(c.doc_id == d and c.start < e and s < c.end for d, s, e in cited)
                for c in prep.pool.candidates
            ],
            dtype=bool,
        )
        if not hit.any():
            continue  # the passages are no longer among the candidates (the documents changed)
        n = len(hit)
        y = hit.astype(float) if vote == "up" else np.zeros(n)
        weight = np.full(n, 1.0 / n) if vote == "up" else hit / hit.sum()
        out.append(
            Example({"q": question, "source": None}, prep, y, weight, _group(prep, {}), evaluate=False)
        )
    return out


def _one_per_answer(records: Iterable[dict]) -> list[dict]:
    """Each rated answer once, with the majority vote of its raters; records without an answer id
    (older exports) each stand alone."""
    groups: dict[object, list[dict]] = {}
    for n, rec in enumerate(records):
        if rec.get("vote") in ("up", "down") and rec.get("question"):
            groups.setdefault(rec.get("answer_id") or ("record", n), []).append(rec)
    out = []
    for recs in groups.values():
        ups = sum(r["vote"] == "up" for r in recs)
        downs = len(recs) - ups
        if ups != downs:
            out.append(recs[-1] | {"vote": "up" if ups > downs else "down"})
    return out
