"""Labelled question sets of their own, answered end to end on the corpus and every constructed
agreement (real e5, real Chroma): a party's duties answered from that party's list, and eligibility
questions about a person's situation answered with the right verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
DUTIES = [json.loads(x) for x in (DATA / "duty_questions.jsonl").open()]
ELIGIBILITY = [json.loads(x) for x in (DATA / "eligibility_questions.jsonl").open()]
STARTS = {
    "yes": ("Ja", "Yes"),
    "no": ("Nei", "No"),
    "depends": ("Det kommer an", "Det kjem an", "It depends"),
    "not_stated": ("Avtalene sier ikke hvem", "Avtalane seier ikkje kven", "The agreements do not say who"),
}


def verdict_of(answer: str) -> str:
    return next((k for k, starts in STARTS.items() if answer.startswith(starts)), "other")


@pytest.mark.integration
def test_duty_questions_are_answered_from_the_partys_list(agreements_app):

    index = agreements_app.live.retriever().index
    right, misses = 0, []
    for q in DUTIES:
        answer = agreements_app.answerer.answer(q["q"])
        doc = next(d for d in index.docs.values() if d.source == q["source"])
        duties = [o.text for o in doc.meta.obligations if o.party == q["party"]]
        cited = answer.citations[0].source if answer.citations else None
        ok = cited == q["source"] and bool(duties) and all(t[:40] in answer.text for t in duties[:3])
        right += ok
        if not ok:
            misses.append((q["q"], cited))
    print(f"\nduty questions: {right}/{len(DUTIES)} answered from the party's list; misses: {misses}")
    assert right / len(DUTIES) >= 0.9 and {q["lang"] for q in DUTIES} == {"nb", "nn", "en"}


@pytest.mark.integration
def test_situation_questions_on_all_agreements(agreements_app):
    right, wrong_yes, misses = 0, 0, []
    for q in ELIGIBILITY:
        answer = agreements_app.answerer.answer(q["q"])
        got = verdict_of(answer.text)
        cited = answer.citations[0].source if answer.citations else None
        ok = got == q["verdict"] and (q["verdict"] == "not_stated" or cited == q["source"])
        right += ok
        wrong_yes += got == "yes" and q["verdict"] != "yes"
        if not ok:
            misses.append((q["q"], q["verdict"], got, cited))
    print(f"\neligibility: {right}/{len(ELIGIBILITY)} right, {wrong_yes} wrong yes; misses: {misses}")
    assert wrong_yes == 0
    assert right / len(ELIGIBILITY) >= 0.9
    assert len(ELIGIBILITY) >= 30 and {q["lang"] for q in ELIGIBILITY} == {"nb", "nn", "en"}
