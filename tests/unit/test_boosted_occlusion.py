"""The fast path for boosted-tree reasons gives the general path's numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from farmscore.features.extractor import analyze_text, feature_names
from farmscore.model.farm_model import FarmModel
from farmscore.model.occlusion import fast_path_for
from farmscore.model.tree_forest import compile_estimator
from farmscore.scoring import Scorer
from farmscore.training.fitting import fit_calibrated

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _rows(texts: list[str]) -> np.ndarray:
    return np.array([list(analyze_text(t).values.values()) for t in texts], dtype=np.float64)


def _texts() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*.txt"))]
    assert texts, f"no example articles in {EXAMPLES}"
    return [
        *texts,
        "",
        "One word",
        "As an AI language model, I cannot write that. Sure! Here is a 600-word article.",
        "\n".join(["Final Thoughts", "The stakes are high."] * 40),
    ]


def test_shipped_model_takes_the_fast_path_and_matches_the_general_one() -> None:
    model = Scorer.load().model
    fast = fast_path_for(model)
    assert fast is not None, "the shipped boosted model should have the fast path"
    texts = _texts()
    X = model.model_inputs(_rows(texts), texts)
    probability, contributions = fast.predict_and_contribute(X)
    expected_probability = model.predict_proba(X)
    np.testing.assert_allclose(probability, expected_probability, rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        contributions, model.contributions(X, expected_probability), rtol=0, atol=1e-9
    )
    # A feature at its typical value moves nothing, exactly.
    assert np.all(contributions[model.reference == X] == 0.0)
    assert np.count_nonzero(contributions) > X.shape[0], "some features must move scores"


@pytest.fixture(scope="module")
def small_training_set() -> tuple[np.ndarray, np.ndarray, list[str]]:
    rng = np.random.default_rng(3)
    n_rows, n_features = 240, len(feature_names())
    X = rng.normal(size=(n_rows, n_features))
    # Ties with the reference (the median) happen in real rows: many counts are 0.
    X[:, :10] = rng.integers(0, 3, size=(n_rows, 10))
    y = (X[:, 0] + X[:, 12] - X[:, 30] + rng.normal(scale=0.5, size=n_rows) > 0).astype(int)
    groups = [str(i // 2) for i in range(n_rows)]
    return X, y, groups


def test_freshly_trained_boosted_model_matches(
    small_training_set: tuple[np.ndarray, np.ndarray, list[str]],
) -> None:
    X, y, groups = small_training_set
    fitted = fit_calibrated(X, y, groups, "boosted")
    estimator = compile_estimator(fitted, "boosted")
    # The plain-number twin scores exactly as the scikit-learn estimator it came from.
    np.testing.assert_allclose(estimator.predict_proba(X), fitted.predict_proba(X), atol=1e-12)
    model = FarmModel(estimator, feature_names(), 0.5, "boosted", np.median(X, axis=0))
    fast = fast_path_for(model)
    assert fast is not None
    probability, contributions = fast.predict_and_contribute(X[:50])
    np.testing.assert_allclose(probability, model.predict_proba(X[:50]), rtol=0, atol=1e-12)
    np.testing.assert_allclose(contributions, model.contributions(X[:50]), rtol=0, atol=1e-9)


def test_no_rows_gives_empty_results() -> None:
    fast = fast_path_for(Scorer.load().model)
    assert fast is not None
    probability, contributions = fast.predict_and_contribute(np.empty((0, len(feature_names()))))
    assert probability.shape == (0,)
    assert contributions.shape == (0, len(feature_names()))


def test_logistic_model_takes_the_general_path(
    small_training_set: tuple[np.ndarray, np.ndarray, list[str]],
) -> None:
    X, y, groups = small_training_set
    fitted = fit_calibrated(X, y, groups, "logistic")
    estimator = compile_estimator(fitted, "logistic")
    np.testing.assert_allclose(estimator.predict_proba(X), fitted.predict_proba(X), atol=1e-12)
    model = FarmModel(estimator, feature_names(), 0.5, "logistic", np.median(X, axis=0))
    assert fast_path_for(model) is None
