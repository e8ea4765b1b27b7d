"""Stage 5a of answering: the special answers, tried in order over one prepared question.

Each strategy reads the prepared question (its Query, its scored candidates) and returns an answer
or None; the first answer wins, and when none answers, the ranked answer (or an honest decline) is
composed from the decision. In order:
1. a county or NAV region named in the question that no document near the question mentions:
   declined as such, not answered from another county's agreement;
2. a yes/no question about a person in a stated situation ("Kan en 25-åring …?"): the verdict
   from the eligibility rule of the best passages;
3. a question about a party's duties ("Hva skal NAV Agder gjøre?"): that party's list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from avtalebot.answer.duties import duty_answer
from avtalebot.answer.eligibility_answer import eligibility_answer
from avtalebot.answer.labels import label
from avtalebot.types import Answer

if TYPE_CHECKING:  # extractive.py imports this module
    from avtalebot.answer.extractive import Prepared

Strategy = Callable[["Prepared", np.ndarray, np.ndarray | None], Answer | None]


def place_not_covered(prep, scores: np.ndarray, may_lead: np.ndarray | None) -> Answer | None:
    if not prep.missing_place:
        return None
    text = label(prep.lang, "no_place").format(place=prep.missing_place)
    return Answer(text, (), True, lang=prep.lang, snapshot=prep.index.snapshot_id)


def situation_verdict(prep, scores: np.ndarray, may_lead: np.ndarray | None) -> Answer | None:
    if prep.query.situation is None or not len(prep.pool.candidates):
        return None
    return eligibility_answer(prep, scores, prep.query.situation)


def party_duties(prep, scores: np.ndarray, may_lead: np.ndarray | None) -> Answer | None:
    cands = prep.pool.candidates
    if not prep.query.asks_duties or not len(cands):
        return None
    ranked = [cands[i] for i in np.argsort(-scores) if may_lead is None or may_lead[i]]
    return duty_answer(prep.query.words, ranked, prep.index, prep.status, prep.lang)


STRATEGIES: tuple[Strategy, ...] = (place_not_covered, situation_verdict, party_duties)
