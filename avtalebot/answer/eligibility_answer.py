"""The answer to a situation question: the verdict in one line with its reasoning, then the rule
quoted and cited (with the validity note when the agreement is no longer in force)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from avtalebot.answer.compose import MAX_ANSWER, MAX_QUOTE, Citations, clip, status_notes
from avtalebot.answer.eligibility import Verdict, age_detail, find_rule
from avtalebot.answer.features import FEATURES
from avtalebot.answer.labels import label
from avtalebot.answer.situation import Situation
from avtalebot.types import Answer


def eligibility_answer(prep, scores: np.ndarray, s: Situation) -> Answer | None:
    """None when the best passages state no conditions of the kind (the normal answer is better)."""
    cands = prep.pool.candidates
    # like any answer, a rule from a document that never names the place asked about is not used
    place_ok = prep.x[:, FEATURES.index("place_miss")] == 0
    order = [int(i) for i in np.argsort(-scores) if place_ok[i]]
    terms = set(prep.query.stems)
    def duties(doc_id: str) -> list:
        return list(prep.index.docs[doc_id].meta.obligations)

    verdict = find_rule([cands[i] for i in order], prep.index.doc_text, s, terms, prep.status, duties)
    lang = prep.lang
    if verdict.verdict == "not_stated" or verdict.group is None:
        return Answer(label(lang, "elig_not_stated"), (), True, lang=lang, snapshot=prep.index.snapshot_id)
    text = _verdict_line(verdict, s, lang)
    top, g = verdict.candidate, verdict.group
    assert top is not None
    doc_text = prep.index.doc_text(top.doc_id)
    group_cand = replace(top, start=g.start, end=g.end, kind="sentence", text=doc_text[g.start : g.end])
    cites = Citations(prep.index, prep.status)
    n = cites.cite(group_cand, float(scores[order[0]]))
    quote = clip(doc_text[g.start : g.end], min(MAX_QUOTE, MAX_ANSWER - len(text) - 160))
    lines = [text, f"«{quote}» [{n}]"] + status_notes(cites.items, prep.index.docs, prep.status, lang)
    return Answer("\n\n".join(lines), tuple(cites.items), False, lang=lang, snapshot=prep.index.snapshot_id)


def _verdict_line(v: Verdict, s: Situation, lang: str) -> str:
    reasons = ", ".join(v.reasons)
    if v.verdict == "yes":
        return label(lang, "elig_yes").format(reasons=reasons)
    if v.verdict == "no":
        return label(lang, "elig_no").format(reasons=reasons, detail=age_detail(v, s, lang))
    line = label(lang, "elig_depends").format(open="; ".join(f"«{clip(o, 160)}»" for o in v.open[:4]))
    return line + (label(lang, "elig_depends_met").format(reasons=reasons) if reasons else "")
