"""The default answerer: one linear pipeline from a question to a cited answer or an honest decline.

  analyse the question once (query.py) → retrieve chunks (vectorstore) → gather candidates
  (candidates.py) → describe them (features.py) → score them (scorer.py) → decide (decide.py)
  → the special answers (strategies.py), else compose (compose.py)

`prepare` runs the stages up to the features and `finish` the rest, so calibration can fit the
scorer on prepared questions and evaluate any parameters without re-running retrieval.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from avtalebot.answer.candidates import Pool, gather
from avtalebot.answer.compose import compose, decline
from avtalebot.answer.decide import decide
from avtalebot.answer.features import FEATURES, featurize
from avtalebot.answer.labels import label
from avtalebot.answer.query import Query, analyse, untranslated
from avtalebot.answer.scorer import Scorer, ScorerParams
from avtalebot.answer.strategies import STRATEGIES
from avtalebot.answer.validity import statuses
from avtalebot.types import Answer
from ingest.text import content_terms
from vectorstore.index import LoadedIndex
from vectorstore.retriever import LiveIndex

RETRIEVE_K = 12
# The embedder reads at most 512 tokens anyway; a longer question only costs time (and held every
# other asker up behind it). Longer questions are cut at a word boundary, and the answer says so.
MAX_QUESTION_CHARS = 1000


def cap_question(question: str) -> tuple[str, bool]:
    question = question.strip()
    if len(question) <= MAX_QUESTION_CHARS:
        return question, False
    cut = question.rfind(" ", MAX_QUESTION_CHARS // 2, MAX_QUESTION_CHARS)
    return question[: cut if cut > 0 else MAX_QUESTION_CHARS], True


@dataclass
class Prepared:
    """A question taken as far as the features: everything the scorer and the decision need."""

    query: Query
    lang: str
    index: LoadedIndex
    pool: Pool
    x: np.ndarray
    status: dict[str, tuple[str, str]]
    missing_place: str | None


class ExtractiveAnswerer:
    def __init__(self, *, live: LiveIndex, scorer: Scorer, top_k: int = 4) -> None:
        self._live = live
        self.scorer = scorer
        self._top_k = top_k
        self._status_cache: dict[tuple[str, date], dict[str, tuple[str, str]]] = {}
        self._lock = threading.Lock()

    def statuses(self, index: LoadedIndex, as_of: date) -> dict[str, tuple[str, str]]:
        key = (index.snapshot_id, as_of)
        with self._lock:
            if key not in self._status_cache:
                self._status_cache = {key: statuses(index.docs, as_of)}
            return self._status_cache[key]

    def prepare(self, question: str, *, previous: str | None = None, as_of: date | None = None) -> Prepared:
        retriever = self._live.retriever()
        index = retriever.index
        question = cap_question(question)[0]
        query = analyse(question, previous)
        lang = query.lang
        qvec = np.asarray(retriever.embed_query(query.text), dtype=np.float32)
        hits = retriever.retrieve(qvec.tolist(), list(query.terms), k=RETRIEVE_K)
        status = self.statuses(index, as_of or date.today())
        pool = gather(hits, index, lang)
        q_dense = max((h.dense for h in hits), default=0.0)
        x = featurize(query, pool, index, qvec, q_dense, status)
        return Prepared(
            query, lang, index, pool, x, status, ungrounded_place(query.places, index, pool.doc_order[:3])
        )

    def finish(self, prep: Prepared, scorer: Scorer | None = None) -> Answer:
        """Score, decide and compose (with another scorer's parameters when calibrating)."""
        scorer = scorer or self.scorer
        scores = scorer.predict(prep.x)
        scope, right = scorer.assess(prep.x, scores, prep.lang, [c.doc_id for c in prep.pool.candidates])
        return self.decide_and_compose(prep, scores, scorer.certainty(scope, right), scorer.params, scope)

    def decide_and_compose(
        self, prep: Prepared, scores: np.ndarray, certainty: str, params: ScorerParams, scope: float = 1.0
    ) -> Answer:
        cands = prep.pool.candidates
        # a passage from a document that never names the place asked about never leads (issue 11)
        may_lead = prep.x[:, FEATURES.index("place_miss")] == 0 if len(cands) else None
        first = _first_key(prep)
        decision = decide(scores, certainty, cands, params.support_ratio, may_lead, first)
        for strategy in STRATEGIES:
            found = strategy(prep, scores, may_lead)
            if found is not None:
                return found
        if not decision.answer:
            close = decision.best is not None and scope >= params.threshold / 2
            near = cands[decision.best] if close and decision.best is not None else None
            missing = (
                unstated_words(prep.query, prep.index.doc_text(near.doc_id), prep.index.keyword.known)
                if near
                else []
            )
            return decline(prep.lang, near, prep.index, missing)
        return compose(decision, cands, scores, prep.index, prep.lang, prep.status)

    def answer(self, question: str, *, previous: str | None = None, as_of: date | None = None) -> Answer:
        if not question.strip():
            lang = analyse(question).lang
            return Answer(label(lang, "empty"), (), True, lang=lang)
        question, cut = cap_question(question)
        answer = self.finish(self.prepare(question, previous=previous, as_of=as_of))
        if cut:
            note = label(answer.lang, "long_question").format(n=MAX_QUESTION_CHARS)
            answer = replace(answer, text=f"{note}\n\n{answer.text}")
        return answer


def ungrounded_place(places: tuple[str, ...], index: LoadedIndex, doc_ids: list[str]) -> str | None:
    """A county or NAV region named in the question that none of the best documents mentions."""
    texts = [index.doc_text(d).lower().replace(" ", "-") for d in doc_ids] if places else []
    for place in places:
        if not any(place.lower().replace(" ", "-") in t for t in texts):
            return place
    return None


def _first_key(prep: Prepared) -> np.ndarray | None:
    """Among the quotes chosen, which come first (lower first; the ranker's order otherwise): one
    holding the kind of answer asked for before one that does not (the signer before the signing
    date), then one from an agreement in force before one expired or superseded, unless the
    question asks about an earlier version."""
    if not len(prep.pool.candidates):
        return None
    col = FEATURES.index
    old = prep.x[:, col("not_in_force")] * float(not prep.query.asks_old)
    return 2.0 * prep.x[:, col("type_miss")] + old


def unstated_words(query: Query, doc_text: str, known: Callable[[str], bool] = lambda t: True) -> list[str]:
    """Question words (4+ letters) that the nearest document never uses: what it does not state.
    An English word the glossary leaves untranslated and no document uses (`known`: the index has
    the stem) is left out: a Norwegian document lacks it whatever it states ("does not state «need»")."""
    present = set(content_terms(doc_text))
    return [
        w
        for w, g in zip(query.group_words, query.groups, strict=True)
        if len(w) >= 4
        and not w.isdigit()
        and not any(t in present for t in g)
        and not (untranslated(query, w) and not any(known(t) for t in g))
    ]
