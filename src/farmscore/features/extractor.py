"""The scikit-learn transformer that runs every feature family and names every column."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, TransformerMixin

from farmscore.features import FAMILIES, feature_specs
from farmscore.features.text import AnalyzedText
from farmscore.types import Evidence

# Below this many documents a worker pool costs more than it saves.
MIN_DOCUMENTS_PER_JOB = 64

# Curly and straight quotes say more about a corpus's typesetting than about its author, and
# the training corpora differ in them by source. Mapping one character to one character keeps
# every evidence offset valid for the original text.
_TYPOGRAPHIC_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'}
)
# str.translate visits every character (about 0.4 ms for 1,000 words); most texts hold none
# of the quotes, and a membership test per quote is far cheaper.
_QUOTE_CHARACTERS = tuple(chr(code) for code in _TYPOGRAPHIC_QUOTES)


def normalise_typography(text: str) -> str:
    """`text` with curly and low quotes made straight, one character for one.

    >>> normalise_typography("It’s “fine”")
    'It\'s "fine"'
    """
    if any(quote in text for quote in _QUOTE_CHARACTERS):
        return text.translate(_TYPOGRAPHIC_QUOTES)
    return text


@dataclass(frozen=True, slots=True)
class TextFeatures:
    """Every feature value of one text, in column order, with the spans behind them."""

    values: dict[str, float]
    evidence: tuple[Evidence, ...]
    n_words: int


def feature_names() -> list[str]:
    """Column names of the extractor's output, in order."""
    return [spec.name for spec in feature_specs()]


def analyze_text(text: str) -> TextFeatures:
    """Measure one text with every family.

    >>> result = analyze_text("As an AI language model, I cannot write that.")
    >>> result.values["artifacts_total_count"] >= 1
    True
    """
    return analyze_document(text)[0]


def analyze_document(text: str) -> tuple[TextFeatures, AnalyzedText]:
    """`analyze_text`, with the tokenised document it measured, for whatever else reads the
    same words (the model's wording block)."""
    doc = AnalyzedText(normalise_typography(text))
    values: dict[str, float] = {}
    evidence: list[Evidence] = []
    for family in FAMILIES.values():
        result = family.extract(doc)
        for spec in family.FEATURES:
            value = float(result.values[spec.name])
            # A family bug must not poison a model: non-finite values become 0 and are
            # caught by the property tests rather than shipped.
            values[spec.name] = value if math.isfinite(value) else 0.0
        evidence.extend(result.evidence)
    return TextFeatures(values, tuple(evidence), doc.n_words), doc


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
