"""Exact contributions: Shapley values against one reference row, checked against the
definition on small models, additive on the shipped kind, signed as monotone features say."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier

from farmscore.model.contributions import TreeContributions, linear_log_odds_contributions
from farmscore.model.tree_forest import CalibratedTrees, compile_estimator
from farmscore.training.fitting import ScaledLogisticRegression

N_FEATURES = 5


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(400, N_FEATURES))
    y = (X[:, 0] + X[:, 1] * X[:, 2] - 0.5 * X[:, 3] + rng.normal(size=400) > 0).astype(int)
    return X, y


def _trees(monotonic: list[int] | None = None, min_samples_leaf: int = 20) -> CalibratedTrees:
    X, y = _data()
    calibrated = CalibratedClassifierCV(
        HistGradientBoostingClassifier(
            max_iter=25,
            max_leaf_nodes=8,
            monotonic_cst=monotonic,
            min_samples_leaf=min_samples_leaf,
        ),
        method="sigmoid",
        cv=3,
        ensemble=False,
    ).fit(X, y)
    model = compile_estimator(calibrated, "boosted")
    assert isinstance(model, CalibratedTrees)
    return model


def _log_odds(model: object, rows: np.ndarray) -> np.ndarray:
    p = model.predict_proba(rows)[:, 1]  # type: ignore[attr-defined]
    return np.log(p / (1 - p))


def _shapley_by_definition(model: object, x: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Every coalition of features taken from x, the rest from r: the textbook formula."""
    n = len(x)
    values = np.zeros(n)
    for i in range(n):
        others = [j for j in range(n) if j != i]
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for coalition in itertools.combinations(others, size):
                without = r.copy()
                without[list(coalition)] = x[list(coalition)]
                with_i = without.copy()
                with_i[i] = x[i]
                values[i] += weight * float(
                    _log_odds(model, with_i[None])[0] - _log_odds(model, without[None])[0]
                )
    return values


def test_tree_values_equal_the_definition_and_add_up() -> None:
    model = _trees()
    X, _ = _data(1)
    rows, references = X[:6], np.repeat(X[6:7], 6, axis=0)
    values = TreeContributions(model).log_odds_contributions(rows, references)
    for row, reference, found in zip(rows, references, values, strict=True):
        np.testing.assert_allclose(found, _shapley_by_definition(model, row, reference), atol=1e-9)
    np.testing.assert_allclose(
        values.sum(axis=1), _log_odds(model, rows) - _log_odds(model, references), atol=1e-9
    )


def test_a_feature_at_the_reference_value_contributes_nothing() -> None:
    model = _trees()
    X, _ = _data(2)
    rows = X[:5].copy()
    references = np.repeat(X[5:6], 5, axis=0)
    rows[:, 2] = references[:, 2]
    values = TreeContributions(model).log_odds_contributions(rows, references)
    assert np.all(values[:, 2] == 0.0)


def test_each_row_can_have_its_own_reference() -> None:
    model = _trees()
    X, _ = _data(3)
    references = X[:3]
    which = np.array([2, 0, 1, 1, 0], dtype=np.intp)
    contributions = TreeContributions(model)
    by_reference = contributions.raw_contributions_by_reference(X[3:8], references, which)
    direct = contributions.raw_contributions(X[3:8], references[which])
    np.testing.assert_array_equal(by_reference, direct)


def test_monotone_features_push_the_way_their_difference_points() -> None:
    model = _trees(monotonic=[1, 0, 0, -1, 0])
    X, _ = _data(4)
    references = np.repeat(np.median(X, axis=0)[None], len(X), axis=0)
    values = TreeContributions(model).log_odds_contributions(X, references)
    above = references < X
    assert np.all(values[above[:, 0], 0] >= 0)
    assert np.all(values[~above[:, 0], 0] <= 0)
    assert np.all(values[above[:, 3], 3] <= 0)
    assert np.all(values[~above[:, 3], 3] >= 0)


def test_linear_terms_add_up_to_the_log_odds() -> None:
    X, y = _data(5)
    calibrated = CalibratedClassifierCV(
        ScaledLogisticRegression(), method="sigmoid", cv=3, ensemble=False
    ).fit(np.abs(X), y)
    model = compile_estimator(calibrated, "logistic")
    rows, references = np.abs(X[:8]), np.repeat(np.abs(X[8:9]), 8, axis=0)
    values = linear_log_odds_contributions(model, rows, references)  # type: ignore[arg-type]
    np.testing.assert_allclose(
        values.sum(axis=1), _log_odds(model, rows) - _log_odds(model, references), atol=1e-9
    )
    np.testing.assert_allclose(
        values[0], _shapley_by_definition(model, rows[0], references[0]), atol=1e-9
    )


@pytest.mark.parametrize("n_rows", [0, 1])
def test_no_rows_or_one_row(n_rows: int) -> None:
    model = _trees()
    X, _ = _data(6)
    values = TreeContributions(model).log_odds_contributions(X[:n_rows], X[:n_rows])
    assert values.shape == (n_rows, N_FEATURES)


def test_trees_that_never_split_contribute_nothing() -> None:
    # A model folder written before `train` refused such trees must still score.
    X, _ = _data()
    model = _trees(min_samples_leaf=len(X))
    contributions = TreeContributions(model).log_odds_contributions(
        X[:3], np.repeat(X[3:4], 3, axis=0)
    )
    assert np.array_equal(contributions, np.zeros_like(contributions))
