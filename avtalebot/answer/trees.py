"""A boosted tree ensemble as plain arrays, evaluated with numpy.

The ranker is trained with LightGBM (`avtalebot calibrate`, the `calibrate` extra) and shipped as
data: every node's feature, threshold and children, every leaf's value. Answering then needs no
model library: importing LightGBM costs more start-up time and memory than the rest of answering (it
pulls in SciPy), while these arrays are small and all trees are walked for all candidates at once,
one level per step (`avtalebot bench` measures the latency).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Forest:
    """Sum of regression trees over the named features. Node arrays are flat over all trees;
    a leaf has feature -1 and its value in `value`."""

    features: list[str]
    feature: list[int]
    threshold: list[float]
    left: list[int]
    right: list[int]
    value: list[float]
    roots: list[int]
    depth: int
    kind: str = "forest"

    def __post_init__(self) -> None:
        self._feature = np.asarray(self.feature, dtype=np.int64)
        self._threshold = np.asarray(self.threshold, dtype=np.float64)
        self._left = np.asarray(self.left, dtype=np.int64)
        self._right = np.asarray(self.right, dtype=np.int64)
        self._value = np.asarray(self.value, dtype=np.float64)
        self._roots = np.asarray(self.roots, dtype=np.intp)
        # For the walk: a leaf loops to itself (feature 0, threshold +inf, both children itself), so
        # every (tree, row) pair takes the same number of steps with no bookkeeping of which are done;
        # the children sit side by side (2 * node + went_left), one gather per step.
        leaf = self._feature < 0
        self._walk_feature = np.where(leaf, 0, self._feature).astype(np.intp)
        self._walk_threshold = np.where(leaf, np.inf, self._threshold)
        # float32 rows compare with the largest float32 not above each threshold: the same answer
        # as comparing in float64, at half the memory traffic
        t32 = self._walk_threshold.astype(np.float32)
        over = t32.astype(np.float64) > self._walk_threshold
        t32[over] = np.nextafter(t32[over], np.float32(-np.inf))
        self._walk_threshold32 = t32
        self._children = np.empty(2 * len(self._feature), dtype=np.intp)
        self._children[0::2] = np.where(leaf, np.arange(len(leaf)), self._right)
        self._children[1::2] = np.where(leaf, np.arange(len(leaf)), self._left)

    def to_dict(self) -> dict:
        keys = ("features", "feature", "threshold", "left", "right", "value", "roots", "depth", "kind")
        return {k: getattr(self, k) for k in keys}

    def apply(self, x: np.ndarray) -> np.ndarray:
        """The ensemble's score of rows whose columns are in self.features' order."""
        x = np.asarray(x)
        if x.dtype != np.float32:
            x = x.astype(np.float64)
        threshold = self._walk_threshold32 if x.dtype == np.float32 else self._walk_threshold
        n = len(x)
        if not n or not len(self._roots):
            return np.zeros(n)
        # every (tree, row) pair walks down at once, one level per step
        node = np.repeat(self._roots, n)
        offset = np.tile(np.arange(n, dtype=np.intp) * x.shape[1], len(self._roots))
        flat = np.ascontiguousarray(x).ravel()
        for _ in range(self.depth - 1):  # `depth` counts the levels; a leaf is reached in one step fewer
            went_left = flat[offset + self._walk_feature[node]] <= threshold[node]
            node = self._children[2 * node + went_left]
        return self._value[node].reshape(len(self._roots), n).sum(axis=0)

    def aligned(self, names: list[str]) -> Forest:
        """The same forest reading columns in the order of `names` (a feature it lacks reads 0)."""
        index = {n: i for i, n in enumerate(names)}
        missing = sorted({self.features[f] for f in self._feature[self._feature >= 0]} - set(index))
        if missing:
            raise ValueError(f"the ranker needs features this version does not compute: {missing}")
        remap = [index.get(f, -1) for f in self.features]
        feature = [remap[f] if f >= 0 else -1 for f in self.feature]
        return Forest(
            list(names), feature, self.threshold, self.left, self.right, self.value, self.roots, self.depth
        )

    @classmethod
    def from_lightgbm(cls, dump: dict, names: list[str]) -> Forest:
        """From LightGBM's `Booster.dump_model()` (numerical splits, `<=` going left)."""
        feature: list[int] = []
        threshold: list[float] = []
        left: list[int] = []
        right: list[int] = []
        value: list[float] = []
        roots: list[int] = []
        depth = 0

        def add(node: dict, level: int) -> int:
            nonlocal depth
            depth = max(depth, level)
            i = len(feature)
            feature.append(-1)
            threshold.append(0.0)
            left.append(i)
            right.append(i)
            value.append(float(node.get("leaf_value", 0.0)))
            if "split_feature" in node:
                if node.get("decision_type", "<=") != "<=":
                    raise ValueError(f"unsupported split {node.get('decision_type')}")
                feature[i] = int(node["split_feature"])
                threshold[i] = float(node["threshold"])
                value[i] = 0.0
                left[i] = add(node["left_child"], level + 1)
                right[i] = add(node["right_child"], level + 1)
            return i

        for tree in dump["tree_info"]:
            roots.append(add(tree["tree_structure"], 0))
        return cls(list(names), feature, threshold, left, right, value, roots, depth + 1)
