"""What the question as a whole shows, for the confidence layer: named evidence read off its best
candidates.

The confidence layer (scorer.py) is a logistic regression over these fields; its parameters name
them, so a field added, removed or reordered here lines up by name with a scorer fitted before
(`Linear.aligned`). The word match is the candidate's own words, not its lead-in, section or
document title: those show the topic, which an out-of-scope or unanswerable question often shares
("budsjettet for Fagbrevbroa" under Fagbrevbroa's heading); whether the asked attribute is stated
shows in the passage itself. The share of question words the index does not know gets a weight of
its own for English questions: an untranslated English word is unknown to a Norwegian index
whatever it states, while an unknown Norwegian word ("sykepenger") says the topic is not there.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields

import numpy as np

from avtalebot.answer.features import FEATURES


@dataclass(frozen=True)
class Evidence:
    top: float  # the best candidate's score (a logit)
    gap: float  # its lead over the second
    top3: float  # the mean of the best three: do the next ones agree
    top_docs: float  # how many documents the best five come from
    top_dense: float  # the best candidate's meaning match
    top_cov: float  # its share of the question's words
    top_cov_local: float  # the same, its own words only
    top_type_miss: float  # it lacks the answer type asked for
    top_type_any: float  # it holds some answer type asked for
    q_dense: float  # how close the question's best passage is at all
    q_unknown: float  # the share of question words the index does not know
    en: float  # an English question
    top_miss_idf: float  # the rarest question word the passage lacks
    top_doc_miss: float  # the rarest question word its document lacks
    en_top: float  # English copies: their own weights
    en_top_dense: float
    en_q_unknown: float

    @classmethod
    def nothing(cls, en: float) -> Evidence:
        """No candidate at all: the least evidence each field can show."""
        return cls(
            top=-10.0, gap=0.0, top3=-10.0, top_docs=5.0, top_dense=0.0, top_cov=0.0, top_cov_local=0.0,
            top_type_miss=1.0, top_type_any=0.0, q_dense=0.0, q_unknown=1.0, en=en, top_miss_idf=1.0,
            top_doc_miss=1.0, en_top=-10.0 * en, en_top_dense=0.0, en_q_unknown=en,
        )  # fmt: skip


DECISION = [f.name for f in fields(Evidence)]


def evidence(x: np.ndarray, scores: np.ndarray, lang: str, docs: list[str] | None = None) -> Evidence:
    """x: the candidates' features (FEATURES order); scores: the ranker's; docs: each one's document."""
    en = float(lang == "en")
    if not len(scores):
        return Evidence.nothing(en)
    order = np.argsort(-scores)
    best = dict(zip(FEATURES, (float(v) for v in x[order[0]]), strict=True))
    top = float(scores[order[0]])
    return Evidence(
        top=top,
        gap=float(scores[order[0]] - scores[order[1]]) if len(order) > 1 else 5.0,
        top3=float(scores[order[:3]].mean()),
        top_docs=float(len({docs[i] for i in order[:5]}) if docs else 1),
        top_dense=best["dense"],
        top_cov=best["cov"],
        top_cov_local=best["cov_local"],
        top_type_miss=best["type_miss"],
        top_type_any=best["type_any"],
        q_dense=best["q_dense"],
        q_unknown=best["q_unknown"],
        en=en,
        top_miss_idf=best["miss_idf"],
        top_doc_miss=best["doc_miss_idf"],
        en_top=en * top,
        en_top_dense=en * best["dense"],
        en_q_unknown=en * best["q_unknown"],
    )


def decision_features(x: np.ndarray, scores: np.ndarray, lang: str, docs: list[str] | None = None) -> np.ndarray:
    """The evidence as the confidence layer's input row (DECISION order)."""
    return np.asarray(astuple(evidence(x, scores, lang, docs)), dtype=float)
