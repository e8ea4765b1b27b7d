"""Stage 3b of answering: one learned scorer for every candidate, and its calibrated confidence.

Both are fitted by `avtalebot calibrate` on labelled questions:
* the ranker scores each candidate from the features of features.py (a candidate is positive when
  it holds the expected answer and comes from the expected document): boosted trees (trees.py)
  fitted with LightGBM, or a logistic regression; either ships as arrays of numbers, so answering
  loads no model library;
* the confidence layer, a logistic regression, turns the best candidate's score with what the
  question as a whole shows (how similar its best passage is, how much of it the index knows) into
  the probability that the answer is right. Two calibrated thresholds on it give three answers:
  declined below `threshold`, tentative below `tentative`, confident above.
The parameters are a JSON file: the one shipped in the package, or a user's own in the data
directory (written by `avtalebot calibrate`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from avtalebot.answer.evidence import DECISION, decision_features
from avtalebot.answer.features import FEATURES
from avtalebot.answer.trees import Forest
from avtalebot.errors import ConfigError

log = logging.getLogger(__name__)
SHIPPED = Path(__file__).with_name("scorer.json")
USER_FILE = "scorer.json"  # in the data directory
CERTAINTY = ("confident", "tentative", "declined")


@dataclass
class Linear:
    """A standardised linear model: (x - mean) / scale · coef + intercept."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    kind: str = "linear"

    @classmethod
    def blank(cls, names: list[str]) -> Linear:
        return cls(list(names), [0.0] * len(names), [1.0] * len(names), [0.0] * len(names), 0.0)

    def apply(self, x: np.ndarray) -> np.ndarray:
        """The linear score of rows whose columns are in self.features' order."""
        return ((np.asarray(x, dtype=np.float64) - self.mean) / np.asarray(self.scale)) @ np.asarray(
            self.coef
        ) + self.intercept

    def aligned(self, names: list[str]) -> Linear:
        """The same model reading columns in the order of `names` (a name it lacks gets no weight)."""
        index = {n: i for i, n in enumerate(self.features)}
        missing = [n for n in names if n not in index]
        if missing:
            log.warning("scorer parameters lack features %s; they are ignored", missing)
        cols = np.asarray([index.get(n, -1) for n in names], dtype=int)
        known = cols >= 0
        pick = np.where(known, cols, 0)
        mean = np.where(known, np.asarray(self.mean)[pick], 0.0)
        scale = np.where(known, np.asarray(self.scale)[pick], 1.0)
        coef = np.where(known, np.asarray(self.coef)[pick], 0.0)
        return Linear(list(names), mean.tolist(), scale.tolist(), coef.tolist(), self.intercept)


@dataclass
class Blend:
    """A share of a linear model's logit plus the rest of boosted trees' score (trees fitted to
    order each question's candidates): the trees learn from the thousands of real questions what the
    few hundred agreement questions cannot teach, the linear part keeps what those taught
    (docs/quality.md and docs/experiments.md have the measurements)."""

    linear: Linear
    forest: Forest
    share: float = 0.5
    kind: str = "blend"

    def apply(self, x: np.ndarray) -> np.ndarray:
        return self.share * self.linear.apply(x) + (1.0 - self.share) * self.forest.apply(x)

    def aligned(self, names: list[str]) -> Blend:
        return Blend(self.linear.aligned(names), self.forest.aligned(names), self.share)

    def to_dict(self) -> dict:
        return {"kind": "blend", "share": self.share, "linear": asdict(self.linear), "forest": self.forest.to_dict()}


Ranker = Linear | Forest | Blend


def ranker_from_dict(raw: dict) -> Ranker:
    raw = dict(raw)
    kind = raw.pop("kind", "linear")
    if kind == "forest":
        return Forest(**raw)
    if kind == "blend":
        return Blend(Linear(**raw["linear"]), Forest(**raw["forest"]), float(raw.get("share", 0.5)))
    return Linear(**raw)


def _ranker_dict(r: Ranker) -> dict:
    return asdict(r) if isinstance(r, Linear) else r.to_dict()


@dataclass
class ScorerParams:
    """The fitted numbers. Declined when the probability that the index holds the answer (`scope`)
    is below `threshold`; tentative when that times the probability that the best answer is right
    (`confidence`) is below `tentative`. Parameters without a scope layer (written before it
    existed) decline on the confidence alone."""

    ranker: Ranker
    confidence: Linear
    threshold: float = 0.5
    tentative: float = 0.0
    support_ratio: float = 0.6  # further quotes need this share of the best candidate's probability
    c: float = 1.0  # the regularisation it was fitted with
    trained_on: dict = field(default_factory=dict)  # what it was fitted on, and its cross-validated figures
    scope: Linear | None = None

    def to_json(self) -> str:
        out = asdict(self)
        out["ranker"] = _ranker_dict(self.ranker)
        compact = not isinstance(self.ranker, Linear)  # thousands of tree nodes: one line
        return json.dumps(out, ensure_ascii=False, **({"separators": (",", ":")} if compact else {"indent": 1}))

    @classmethod
    def from_dict(cls, raw: dict) -> ScorerParams:
        raw = dict(raw)
        raw["ranker"] = ranker_from_dict(raw["ranker"])
        raw["confidence"] = Linear(**raw["confidence"])
        raw["scope"] = Linear(**raw["scope"]) if raw.get("scope") else None
        return cls(**raw)

    @classmethod
    def from_file(cls, path: Path) -> ScorerParams:
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise ConfigError(f"cannot read the scorer parameters in {path}: {exc}") from exc


class Scorer:
    """Scores candidates (logits) and how certain the answer is."""

    def __init__(self, params: ScorerParams) -> None:
        self.params = params
        try:
            self._ranker = params.ranker.aligned(FEATURES)
        except ValueError as exc:
            raise ConfigError(f"the scorer parameters do not fit this version: {exc}") from exc
        self._confidence = params.confidence.aligned(DECISION)
        self._scope = params.scope.aligned(DECISION) if params.scope else None
        self.threshold = params.threshold
        self.support_ratio = params.support_ratio

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The ranker's score (a logit) per candidate."""
        return self._ranker.apply(x) if len(x) else np.zeros(0)

    def assess(self, x: np.ndarray, scores: np.ndarray, lang: str, docs: list[str] | None = None) -> tuple[float, float]:
        """(probability that the index holds an answer, probability that the best one is it);
        docs: each candidate's document."""
        evidence = decision_features(x, scores, lang, docs)[None, :]
        right = float(_sigmoid(self._confidence.apply(evidence)[0]))
        scope = float(_sigmoid(self._scope.apply(evidence)[0])) if self._scope else right
        return scope, right

    def certainty(self, scope: float, right: float) -> str:
        """'declined', 'tentative' or 'confident' (see ScorerParams)."""
        return certainty(self.params, scope, right)


def certainty(params: ScorerParams, scope: float, right: float) -> str:
    if scope < params.threshold:
        return "declined"
    return "tentative" if scope * right < params.tentative else "confident"


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def load_scorer(data_dir: Path | None = None) -> Scorer:
    """The user's calibrated parameters when `avtalebot calibrate` has written them, else the shipped ones."""
    user = Path(data_dir) / USER_FILE if data_dir else None
    path = user if user is not None and user.exists() else SHIPPED
    return Scorer(ScorerParams.from_file(path))
