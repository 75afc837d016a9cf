"""The scikit-learn transformer that turns texts into the extractor's feature rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, TransformerMixin

from farmscore.features.extractor import analyze_text, feature_names

# Below this many documents a worker pool costs more than it saves.
MIN_DOCUMENTS_PER_JOB = 64


def _feature_rows(texts: Sequence[str]) -> NDArray[np.float64]:
    rows = np.empty((len(texts), len(feature_names())), dtype=np.float64)
    for i, text in enumerate(texts):
        rows[i] = list(analyze_text(text).values.values())
    return rows


def _as_texts(X: Any) -> list[str]:
    """Validate the input: a 1-D sequence of strings, one document each."""
    if isinstance(X, str):
        raise TypeError(
            "FeatureExtractor expects a 1-D sequence of texts, got a single string; "
            "wrap it in a list: extractor.transform([text])"
        )
    array = np.asarray(X, dtype=object)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"FeatureExtractor expects a 1-D sequence of texts, got an array of shape {array.shape}"
        )
    texts: list[str] = []
    for index, item in enumerate(array):
        if not isinstance(item, str):
            raise TypeError(
                f"document {index} is {type(item).__name__}, not str: every document must be "
                f"text (decode bytes, replace missing values with '')"
            )
        texts.append(item)
    return texts


class FeatureExtractor(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Turn texts into one row of documented, named features each.

    Stateless: `fit` only validates and records the column names, so the same extractor can
    run before or without fitting.

    Parameters
    ----------
    n_jobs:
        Worker processes for large batches (None or 1: this process; -1: every core).

    >>> X = FeatureExtractor().fit_transform(["Plain words here.", "More plain words."])
    >>> X.shape[0]
    2
    """

    def __init__(self, n_jobs: int | None = None) -> None:
        self.n_jobs = n_jobs

    def fit(self, X: Iterable[str], y: Any = None) -> FeatureExtractor:
        _as_texts(X)
        self.feature_names_out_ = np.asarray(feature_names(), dtype=object)
        return self

    def transform(self, X: Iterable[str]) -> NDArray[np.float64]:
        """Return an array of shape (n_documents, n_features), every value finite."""
        texts = _as_texts(X)
        n_jobs = self.n_jobs or 1
        if n_jobs == 1 or len(texts) < 2 * MIN_DOCUMENTS_PER_JOB:
            return _feature_rows(texts)
        n_workers = Parallel(n_jobs=n_jobs)._effective_n_jobs()
        chunk = max(MIN_DOCUMENTS_PER_JOB, -(-len(texts) // (4 * n_workers)))
        parts = Parallel(n_jobs=n_jobs)(
            delayed(_feature_rows)(texts[i : i + chunk]) for i in range(0, len(texts), chunk)
        )
        return np.vstack(parts)

    def get_feature_names_out(self, input_features: Any = None) -> NDArray[np.object_]:
        return np.asarray(feature_names(), dtype=object)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.one_d_array = True
        tags.input_tags.string = True
        tags.requires_fit = False
        return tags
