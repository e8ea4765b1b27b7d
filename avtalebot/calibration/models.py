"""The two learners calibration fits: boosted trees for the ranker (LightGBM) and logistic
regression (scikit-learn). Both are imported here only, when fitting: answering reads the fitted
numbers (scorer.py, trees.py) and loads neither library."""

from __future__ import annotations

import numpy as np

from avtalebot.answer.scorer import Linear
from avtalebot.answer.trees import Forest
from avtalebot.errors import ConfigError

# Trees for the ranker: chosen by leave-passages-out measurement on NorQuAD's training passages and
# leave-documents-out on the agreement questions (see docs/quality.md); kept small enough that
# walking all of them for a question's candidates stays within a few milliseconds (these settings
# against the three other forests tried: docs/experiments.md, 4 December 2026).
FOREST = {
    "n_estimators": 300,
    "learning_rate": 0.05,
    "num_leaves": 31,
    "max_depth": 6,
    "min_child_samples": 20,
}


def _require(module: str):
    try:
        return __import__(module)
    except ImportError as exc:
        raise ConfigError(
            f"fitting the scorer needs {module}: pip install 'avtalebot[calibrate]'"
        ) from exc


def fit_linear(
    x: np.ndarray, y: np.ndarray, names: list[str], c: float, weight: np.ndarray | None = None
) -> Linear:
    """Logistic regression on standardised columns."""
    _require("sklearn")
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


def fit_forest(
    x: np.ndarray,
    y: np.ndarray,
    names: list[str],
    weight: np.ndarray | None = None,
    seed: int = 0,
    groups: list[int] | None = None,
) -> Forest:
    """Boosted trees. With `groups` (the number of consecutive rows of each question) the trees learn
    to order each question's candidates (LambdaRank): which passage of a pool answers is what the
    ranker must get right, and a question's scores only ever compete with each other. Without, on
    the log-loss over all rows at once."""
    lgb = _require("lightgbm")
    if x.shape[1] != len(names):
        raise ValueError(f"{x.shape[1]} feature columns but {len(names)} feature names")
    if groups is None:
        model = lgb.LGBMClassifier(verbose=-1, random_state=seed, n_jobs=2, **FOREST)
        model.fit(np.asarray(x, dtype=np.float64), y, sample_weight=weight)
    else:
        if sum(groups) != len(x):
            raise ValueError(f"groups cover {sum(groups)} rows of {len(x)}")
        model = lgb.LGBMRanker(objective="lambdarank", verbose=-1, random_state=seed, n_jobs=2, **FOREST)
        model.fit(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=int), group=groups, sample_weight=weight)
    return Forest.from_lightgbm(model.booster_.dump_model(), list(names))
