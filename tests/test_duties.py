"""A question about one party's duties is answered from that party's list of obligations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from avtalebot.answer.duties import _named
from avtalebot.answer.query import analyse
from ingest.text import words

QUESTIONS = [json.loads(x) for x in (Path(__file__).parent / "data" / "duty_questions.jsonl").open()]


def test_duty_questions_and_party_names():
    def asks_duties(q: str) -> bool:
        return analyse(q).asks_duties

    assert asks_duties("Hva skal NAV Agder gjøre?") and asks_duties("What are Nav Troms's obligations?")
    assert asks_duties("Kva oppgåver har fylkeskommunen?") and not asks_duties(
        "Innen hvor mange dager skal OT ringe?"
    )
    q = frozenset(words("Kva har Møre og Romsdal fylkeskommune ansvar for?"))
    assert _named("Møre og Romsdal fylkeskommune", q) == 2 and _named("Nav Møre og Romsdal", q) == 0
    assert _named("Agder fylkeskommune", frozenset(words("Kva skal fylkeskommunen gjere?"))) == 1


@pytest.mark.integration
def test_duty_questions_are_answered_from_the_partys_list(agreements_app):
    from avtalebot.types import DocMeta

    index = agreements_app.live.retriever().index
    right, misses = 0, []
    for q in QUESTIONS:
        answer = agreements_app.answerer.answer(q["q"])
        doc = next(d for d in index.docs.values() if d["source"] == q["source"])
        duties = [o.text for o in DocMeta.from_dict(doc["meta"]).obligations if o.party == q["party"]]
        cited = answer.citations[0].source if answer.citations else None
        ok = cited == q["source"] and bool(duties) and all(t[:40] in answer.text for t in duties[:3])
        right += ok
        if not ok:
            misses.append((q["q"], cited))
    print(f"\nduty questions: {right}/{len(QUESTIONS)} answered from the party's list; misses: {misses}")
    assert right / len(QUESTIONS) >= 0.9 and {q["lang"] for q in QUESTIONS} == {"nb", "nn", "en"}
