"""Fit the scorer, calibrate its two decision layers, thresholds and quote ratio, and measure all of it
honestly: cross-validation that leaves documents (passages) out — no question's document is in the
fold that fits the parameters it is answered with — next to in-sample figures, and an ablation of
the feature groups.

The decision layers are fitted on out-of-fold ranker scores (an inner split by document), since a
ranker scores its own training questions more confidently than new ones:
* scope: does the index hold an answer at all? Fitted on answerable questions against questions
  to decline, each question set and each side weighing the same;
* confidence: is the best answer right? Fitted on every question's outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from avtalebot.answer.evidence import DECISION, decision_features
from avtalebot.answer.extractive import ExtractiveAnswerer
from avtalebot.answer.features import FEATURES, GROUPS
from avtalebot.answer.scorer import Blend, Linear, Ranker, ScorerParams, certainty
from avtalebot.calibration.examples import Example
from avtalebot.calibration.models import fit_forest, fit_linear
from avtalebot.evaluation import detail, summarize

RATIOS = (0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1.01)  # 1.01: only the best candidate is quoted
MEDIAN_CHARS = 500  # the answer-length target a ratio must meet
INNER_FOLDS = 5
OUTER_FOLDS = 5  # when there are more documents than LEAVE_ONE_OUT_UP_TO
LEAVE_ONE_OUT_UP_TO = 30  # documents: each is its own fold
# The decline threshold may decline at most this share of any question set's answerable questions
# it is fitted on: a false decline ("nothing found" for a passage that answers) costs a user more
# than a hedged answer. Below it, the tentative threshold marks this share of the answered ones.
MAX_FALSE_DECLINES = 0.02
TENTATIVE_SHARE = 0.15
MIN_SET = 20  # a set with fewer answerable questions does not bind the decline threshold


def _rows(examples: list[Example]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int], np.ndarray]:
    """Candidates of the examples that teach the ranker (not the questions to decline), with each
    question weighing its set's weight in all; and for the ranking trees, the number of rows of each
    question and a row weight that sums to its set's weight over the question (LightGBM weighs a
    question by the sum of its rows' weights: a larger pool must not weigh more)."""
    train = [e for e in examples if not e.to_decline]
    xs, ys, ws, groups, question_w = [], [], [], [], []
    for e in train:
        w = e.weight * e.set_weight * len(train)
        keep = w > 0
        if not keep.any():
            continue
        xs.append(e.prep.x[keep])
        ys.append(e.y[keep])
        ws.append(w[keep])
        groups.append(int(keep.sum()))
        question_w.append(np.full(int(keep.sum()), e.set_weight / keep.sum()))
    y = np.concatenate(ys) if ys else np.zeros(0)
    if not len(y) or y.min() == y.max():
        raise ValueError("the labelled questions give no positive (or no negative) candidates to learn from")
    return np.vstack(xs), y, np.concatenate(ws), groups, np.concatenate(question_w)


def fit_ranker(examples: list[Example], c: float, drop: set[str] | None = None, kind: str = "blend") -> Ranker:
    """Logistic regression on every labelled candidate, blended with boosted trees that learn to
    order each question's candidates (LambdaRank; chosen over the log-loss by leave-documents-out
    measurement, docs/experiments.md, 7 December 2026); features in `drop` are held at zero."""
    x, y, w, groups, question_w = _rows(examples)
    x = _masked(x, drop)
    linear = fit_linear(x, y, FEATURES, c, weight=w)
    if kind == "linear":
        return linear
    return Blend(linear, fit_forest(x, y, FEATURES, weight=question_w, groups=groups), 0.5)


def _masked(x: np.ndarray, drop: set[str] | None) -> np.ndarray:
    if not drop:
        return x
    x = x.copy()
    x[:, [FEATURES.index(f) for f in drop]] = 0.0
    return x


@dataclass
class _Scored:
    """One example scored by a ranker that never saw it."""

    example: Example
    scores: np.ndarray
    decision: np.ndarray  # decision_features


def _score(examples: list[Example], ranker: Ranker, drop: set[str] | None) -> list[_Scored]:
    out = []
    for e in examples:
        x = _masked(e.prep.x, drop)
        scores = ranker.apply(x) if len(x) else np.zeros(0)
        docs = [c.doc_id for c in e.prep.pool.candidates]
        out.append(_Scored(e, scores, decision_features(x, scores, e.prep.lang, docs)))
    return out


def folds(examples: list[Example], k: int) -> list[list[int]]:
    """Example indices in (at most) k folds that never split a document's questions."""
    groups = sorted({e.group for e in examples})
    out: list[list[int]] = [[] for _ in range(min(k, len(groups)))]
    fold_of = {g: n % len(out) for n, g in enumerate(groups)}
    for i, e in enumerate(examples):
        out[fold_of[e.group]].append(i)
    return out


def out_of_fold(examples: list[Example], c: float, drop: set[str] | None, kind: str) -> list[_Scored]:
    scored: list[_Scored | None] = [None] * len(examples)
    for fold in folds(examples, INNER_FOLDS):
        held = set(fold)
        ranker = fit_ranker([e for i, e in enumerate(examples) if i not in held], c, drop, kind)
        for i, s in zip(fold, _score([examples[i] for i in fold], ranker, drop), strict=True):
            scored[i] = s
    return [s for s in scored if s is not None]


def _outcomes(answerer: ExtractiveAnswerer, scored: list[_Scored], params: ScorerParams) -> list[dict]:
    """Each question's outcome if it is answered whatever the certainty."""
    return [
        detail(s.example.row, answerer.decide_and_compose(s.example.prep, s.scores, "confident", params))
        for s in scored
    ]


def _balanced(oof: list[_Scored]) -> np.ndarray:
    """Weights under which every question set, and within it the answerable questions and those to
    decline, weigh the same."""
    keys = [(s.example.set, s.example.to_decline) for s in oof]
    count: dict[tuple[str, bool], int] = {}
    for k in keys:
        count[k] = count.get(k, 0) + 1
    return np.asarray([len(oof) / (len(count) * count[k]) for k in keys])


def fit(
    answerer: ExtractiveAnswerer,
    examples: list[Example],
    c: float,
    drop: set[str] | None = None,
    kind: str = "blend",
) -> ScorerParams:
    """Ranker on all examples; decision layers, thresholds and ratio on out-of-fold scores."""
    ranker = fit_ranker(examples, c, drop, kind)
    oof = [s for s in out_of_fold(examples, c, drop, kind) if s.example.evaluate]
    x = np.vstack([s.decision for s in oof])
    in_scope = np.asarray([not s.example.to_decline for s in oof])
    if in_scope.all() or not in_scope.any():
        scope = None  # nothing to tell apart: the confidence alone decides
    else:
        scope = fit_linear(x, in_scope.astype(float), DECISION, 1.0, weight=_balanced(oof))
    sets = np.asarray([s.example.set for s in oof])
    weight = np.asarray([s.example.set_weight for s in oof])
    base = ScorerParams(ranker, Linear.blank(DECISION), c=c, scope=scope)
    choice = None
    for ratio in RATIOS:
        details = _outcomes(answerer, oof, replace(base, support_ratio=ratio))
        right = np.asarray([d["correct"] and d["in_scope"] for d in details], dtype=float)
        confidence = fit_linear(x, right, DECISION, 1.0, weight=weight / weight.mean())
        p_right = _sigmoid(confidence.apply(x))
        p_scope = _sigmoid(scope.apply(x)) if scope is not None else p_right
        theta = decline_threshold(p_scope, in_scope, sets)
        answered = p_scope >= theta
        tentative = _tentative_threshold(p_scope * p_right, in_scope & answered)
        forced = np.asarray([d["abstained"] for d in details])  # declined whatever the thresholds
        correct = int(np.where(in_scope, answered & ~forced & (right > 0), ~answered | forced).sum())
        lengths = sorted(d["chars"] for d in details if d["in_scope"] and not d["abstained"])
        short = (lengths[len(lengths) // 2] if lengths else 0) <= MEDIAN_CHARS
        key = (short, correct, -abs(ratio - 0.6))
        if choice is None or key > choice[0]:
            params = replace(base, confidence=confidence, threshold=theta, tentative=tentative, support_ratio=ratio)
            choice = (key, params)
    assert choice is not None
    return choice[1]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def decline_threshold(
    p_scope: np.ndarray, in_scope: np.ndarray, sets: np.ndarray, max_false: float = MAX_FALSE_DECLINES
) -> float:
    """The highest threshold that declines at most `max_false` of each set's answerable questions
    (sets with fewer than MIN_SET of them bind only when no set is that large)."""
    binding = [s for s in set(sets[in_scope]) if (in_scope & (sets == s)).sum() >= MIN_SET]
    binding = binding or sorted(set(sets[in_scope]))
    limits = []
    for s in binding:
        p = np.sort(p_scope[in_scope & (sets == s)])
        allowed = int(np.floor(max_false * len(p)))  # this many may fall below the threshold
        limits.append(p[allowed] if allowed < len(p) else 1.0)
    return float(min(limits)) if limits else 0.0


def _tentative_threshold(p: np.ndarray, answered: np.ndarray, share: float = TENTATIVE_SHARE) -> float:
    """The certainty below which `share` of the answered answerable questions fall."""
    return float(np.quantile(p[answered], share)) if answered.any() else 0.0


def answer_details(
    answerer: ExtractiveAnswerer, examples: list[Example], params: ScorerParams, drop: set[str] | None = None
) -> list[dict]:
    out = []
    for s in _score([e for e in examples if e.evaluate], params.ranker, drop):
        p_right = float(_sigmoid(params.confidence.apply(s.decision[None, :])[0]))
        p_scope = float(_sigmoid(params.scope.apply(s.decision[None, :])[0])) if params.scope else p_right
        verdict = certainty(params, p_scope, p_right)
        answer = answerer.decide_and_compose(s.example.prep, s.scores, verdict, params, p_scope)
        out.append(detail(s.example.row, answer) | {"set": s.example.set})
    return out


def cross_validate(
    answerer: ExtractiveAnswerer,
    examples: list[Example],
    c: float,
    drop: set[str] | None = None,
    on_fold: Callable[[int, int], None] | None = None,
    kind: str = "blend",
) -> list[dict]:
    """Each document's questions answered with parameters fitted and calibrated without any
    question about that document: one fold per document up to LEAVE_ONE_OUT_UP_TO documents, else
    OUTER_FOLDS folds of whole documents."""
    groups = len({e.group for e in examples})
    parts = folds(examples, groups if groups <= LEAVE_ONE_OUT_UP_TO else OUTER_FOLDS)
    details: list[dict] = []
    for n, fold in enumerate(parts, start=1):
        held = set(fold)
        train = [e for i, e in enumerate(examples) if i not in held]
        test = [examples[i] for i in fold]
        details.extend(answer_details(answerer, test, fit(answerer, train, c, drop, kind), drop))
        if on_fold:
            on_fold(n, len(parts))
    return details


def ablation(answerer: ExtractiveAnswerer, examples: list[Example], c: float) -> dict[str, dict]:
    """Cross-validated figures with each feature group removed in turn."""
    rows = {"all features": summarize(cross_validate(answerer, examples, c))}
    for name, features in GROUPS.items():
        rows[f"without {name}"] = summarize(cross_validate(answerer, examples, c, set(features)))
    return rows


def weights(model: Ranker) -> list[tuple[str, float]]:
    """Standardised coefficients of the linear part, largest first: which features carry the weight."""
    linear = model.linear if isinstance(model, Blend) else model
    if not isinstance(linear, Linear):
        return []
    return sorted(zip(linear.features, linear.coef, strict=True), key=lambda p: -abs(p[1]))
