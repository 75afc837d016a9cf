"""The numpy tree evaluator computes what scikit-learn's compiled predictor computes."""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.ensemble._hist_gradient_boosting.common import PREDICTOR_RECORD_DTYPE

from farmscore.model.tree_forest import TREE_NODE_DTYPE, TreeForest


def test_node_layout_is_scikit_learns() -> None:
    assert TREE_NODE_DTYPE == PREDICTOR_RECORD_DTYPE


def test_forest_gives_scikit_learns_raw_scores_to_the_last_bit() -> None:
    rng = np.random.default_rng(7)
    X = rng.normal(size=(600, 6))
    y = (X[:, 0] - X[:, 3] + rng.normal(scale=0.3, size=600) > 0).astype(int)
    # Missing values in training give splits that send them right or left, and a value equal
    # to a threshold must go left.
    X[rng.random(X.shape) < 0.1] = np.nan
    booster = HistGradientBoostingClassifier(max_iter=40, random_state=0).fit(X, y)
    nodes = [iteration[0].nodes.copy() for iteration in booster._predictors]
    assert any(n["missing_go_to_left"][n["is_leaf"] == 0].any() for n in nodes)
    assert any((~n["missing_go_to_left"][n["is_leaf"] == 0].astype(bool)).any() for n in nodes)
    thresholds = nodes[0]["num_threshold"][nodes[0]["is_leaf"] == 0]
    probe = np.repeat(X[:5], 2, axis=0)
    probe[::2, nodes[0]["feature_idx"][0]] = thresholds[0]
    rows = np.vstack([X, probe])
    baseline = float(np.ravel(booster._baseline_prediction)[0])
    ours = TreeForest(nodes).raw_scores(rows, baseline)
    np.testing.assert_array_equal(ours, booster._raw_predict(rows)[:, 0])


def test_forest_of_single_leaves_returns_the_baseline_plus_leaf_values() -> None:
    leaf = np.zeros(1, dtype=TREE_NODE_DTYPE)
    leaf["is_leaf"] = 1
    leaf["value"] = 0.25
    forest = TreeForest([leaf, leaf.copy()])
    np.testing.assert_array_equal(forest.raw_scores(np.zeros((3, 2)), 1.0), [1.5, 1.5, 1.5])
