"""Stage 3b of answering: one learned scorer for every candidate, and its calibrated confidence.

Two logistic regressions, fitted by `avtalebot calibrate` on labelled questions:
* the ranker scores each candidate from the features of features.py (a candidate is positive when
  it holds an expected answer and comes from the expected document);
* the confidence layer turns the best candidate's score, with what the question as a whole shows
  (how similar its best passage is, how much of it the index knows), into the probability that the
  answer is right. One calibrated threshold on that probability decides between answer and decline.
Logistic regression because the data is small (a few hundred questions), its output is a probability
a threshold can be calibrated on, its weights can be read, and scoring is a dot product: the bot loads
no model library. The parameters are a small JSON file: the one shipped in the package, or a user's
own in the data directory (written by `avtalebot calibrate`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from avtalebot.answer.features import FEATURES
from avtalebot.errors import ConfigError

log = logging.getLogger(__name__)
SHIPPED = Path(__file__).with_name("scorer.json")
USER_FILE = "scorer.json"  # in the data directory
# The question-level evidence the confidence layer reads (see decision_features).
DECISION = [
    "top",
    "gap",
    "top3",
    "top_docs",
    "top_dense",
    "top_cov",
    "top_cov_local",
    "top_type_miss",
    "top_type_any",
    "q_dense",
    "q_unknown",
    "en",
    "top_miss_idf",
    "top_doc_miss",
    "en_top",
    "en_top_dense",
    "en_q_unknown",
]


@dataclass
class Linear:
    """A standardised linear model: (x - mean) / scale · coef + intercept."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float

    @classmethod
    def blank(cls, names: list[str]) -> Linear:
        return cls(list(names), [0.0] * len(names), [1.0] * len(names), [0.0] * len(names), 0.0)

    def apply(self, x: np.ndarray) -> np.ndarray:
        """The linear score of rows whose columns are in self.features' order."""
        return ((np.asarray(x, dtype=np.float64) - self.mean) / np.asarray(self.scale)) @ np.asarray(
            self.coef
        ) + self.intercept

    def aligned(self, names: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean, scale and weights in the order of `names` (a name it lacks gets no weight)."""
        index = {n: i for i, n in enumerate(self.features)}
        missing = [n for n in names if n not in index]
        if missing:
            log.warning("scorer parameters lack features %s; they are ignored", missing)
        cols = np.asarray([index.get(n, -1) for n in names])
        known = cols >= 0
        pick = np.where(known, cols, 0)
        mean = np.where(known, np.asarray(self.mean)[pick], 0.0)
        scale = np.where(known, np.asarray(self.scale)[pick], 1.0)
        coef = np.where(known, np.asarray(self.coef)[pick], 0.0)
        return mean, scale, coef


@dataclass
class ScorerParams:
    ranker: Linear
    confidence: Linear
    threshold: float = 0.5  # decline when the confidence is below this
    support_ratio: float = 0.6  # further quotes need this share of the best candidate's probability
    c: float = 1.0  # the regularisation it was fitted with
    trained_on: dict = field(default_factory=dict)  # what it was fitted on, and its cross-validated figures

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_dict(cls, raw: dict) -> ScorerParams:
        raw = dict(raw)
        raw["ranker"], raw["confidence"] = Linear(**raw["ranker"]), Linear(**raw["confidence"])
        return cls(**raw)

    @classmethod
    def from_file(cls, path: Path) -> ScorerParams:
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise ConfigError(f"cannot read the scorer parameters in {path}: {exc}") from exc


def decision_features(x: np.ndarray, scores: np.ndarray, lang: str, docs: list[str] | None = None) -> np.ndarray:
    """What the question as a whole shows, read off its best candidates (values in DECISION order):
    the best score and its lead, how well the next ones agree, how many documents the best five come
    from, and the best candidate's meaning, word and answer-type match.
    The word match is the candidate's own words, not its lead-in, section or document title: those
    show the topic, which an out-of-scope or unanswerable question often shares ("budsjettet for
    Fagbrevbroa" under Fagbrevbroa's heading); whether the asked attribute is stated shows in the
    passage itself. Leave-documents-out (202 questions) with the context's coverage here instead:
    accuracy 0.874 / out-of-scope 0.80 / unanswerable 0.17 declined, false declines 0.006; with the
    candidate's own: 0.886 / 0.80 / 0.42 / 0.006.
    The share of question words the index does not know gets a weight of its own for English
    questions: an English word a Norwegian index lacks is what every untranslated word looks like,
    while a Norwegian one ("sykepenger", "brøyting") says the topic is not there. With it: 0.880 /
    0.93 / 0.33 / 0.006 (two more out-of-scope questions declined, one unanswerable fewer, and one
    answer that had been right by its third quote now quoting two: the quote ratio refitted)."""
    en = float(lang == "en")
    if not len(scores):
        return np.asarray(
            [-10.0, 0.0, -10.0, 5.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, en, 1.0, 1.0, -10.0 * en, 0.0, en]
        )
    order = np.argsort(-scores)
    best = x[order[0]]
    gap = float(scores[order[0]] - scores[order[1]]) if len(order) > 1 else 5.0
    spread = len({docs[i] for i in order[:5]}) if docs else 1
    col = FEATURES.index
    return np.asarray(
        [
            float(scores[order[0]]),
            gap,
            float(scores[order[:3]].mean()),
            float(spread),
            best[col("dense")],
            best[col("cov")],
            best[col("cov_local")],
            best[col("type_miss")],
            best[col("type_any")],
            best[col("q_dense")],
            best[col("q_unknown")],
            en,
            best[col("miss_idf")],
            best[col("doc_miss_idf")],
            en * float(scores[order[0]]),
            en * best[col("dense")],
            en * best[col("q_unknown")],
        ]
    )


class Scorer:
    """Scores candidates (logits) and the confidence that the best one answers the question."""

    def __init__(self, params: ScorerParams) -> None:
        self.params = params
        self._r = params.ranker.aligned(FEATURES)
        self._c = params.confidence.aligned(DECISION)
        self.threshold = params.threshold
        self.support_ratio = params.support_ratio

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The ranker's logit per candidate."""
        if len(x) == 0:
            return np.zeros(0)
        mean, scale, coef = self._r
        return ((np.asarray(x, dtype=np.float64) - mean) / scale) @ coef + self.params.ranker.intercept

    def confidence(self, x: np.ndarray, scores: np.ndarray, lang: str, docs: list[str] | None = None) -> float:
        """Probability that the best candidate answers; docs: each candidate's document."""
        mean, scale, coef = self._c
        evidence = decision_features(x, scores, lang, docs)
        z = float(((evidence - mean) / scale) @ coef + self.params.confidence.intercept)
        return 1.0 / (1.0 + np.exp(-z))


def load_scorer(data_dir: Path | None = None) -> Scorer:
    """The user's calibrated parameters when `avtalebot calibrate` has written them, else the shipped ones."""
    user = Path(data_dir) / USER_FILE if data_dir else None
    path = user if user is not None and user.exists() else SHIPPED
    return Scorer(ScorerParams.from_file(path))


def fit_linear(
    x: np.ndarray, y: np.ndarray, names: list[str], c: float, weight: np.ndarray | None = None
) -> Linear:
    """Logistic regression (scikit-learn, imported only here: calibration, not answering)."""
    from sklearn.linear_model import LogisticRegression

    if x.shape[1] != len(names):
        raise ValueError(f"{x.shape[1]} feature columns but {len(names)} feature names")
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    binary = np.all((x == 0) | (x == 1), axis=0)  # left as they are: scaling a rare 0/1 feature by its
    mean[binary], scale[binary] = 0.0, 1.0  # small spread would blow its weight up
    model = LogisticRegression(C=c, max_iter=3000)
    model.fit((x - mean) / scale, y, sample_weight=weight)
    return Linear(
        list(names), mean.tolist(), scale.tolist(), model.coef_[0].tolist(), float(model.intercept_[0])
    )
