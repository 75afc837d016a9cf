"""Training weights that hide corpus size and length, the threshold kept in every length band,
and the slices of labelled data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from farmscore.model.length_bands import length_band
from farmscore.training.evaluation import has_farm_furniture, labelled_slices
from farmscore.training.examples import LENGTH_WEIGHT_BINS_WORDS, example_weights, word_count_auc
from farmscore.training.fitting import threshold_by_length_band


def _frame() -> pd.DataFrame:
    """Short texts mostly machine, long texts mostly human, one corpus far bigger than the
    others: the shape of the shared corpora, where length alone would predict the label."""
    rng = np.random.default_rng(0)
    rows = []
    for corpus, kind, label, n, low, high in (
        ("l2r", "real", 1, 4000, 40, 200),
        ("l2r", "real", 0, 1000, 40, 200),
        ("pan", "real", 1, 900, 250, 2000),
        ("pan", "real", 0, 100, 250, 2000),
        ("bbc", "long_human", 0, 600, 300, 2000),
        ("docs", "structured", 0, 300, 150, 1200),
    ):
        for _ in range(n):
            rows.append(
                {
                    "text": "w " * int(rng.integers(low, high)),
                    "label": label,
                    "kind": kind,
                    "corpus": corpus,
                }
            )
    return pd.DataFrame(rows)


def test_weights_give_each_class_half_and_hide_length() -> None:
    frame = _frame()
    assert word_count_auc(frame) < 0.4  # unweighted, length gives the label away
    weights = example_weights(frame)
    assert weights.mean() == pytest.approx(1.0)
    labels = frame["label"].to_numpy()
    assert weights[labels == 0].sum() == pytest.approx(weights[labels == 1].sum())
    assert word_count_auc(frame, weights) == pytest.approx(0.5, abs=0.03)
    words = frame["text"].str.split().str.len().to_numpy()
    bins = np.searchsorted(LENGTH_WEIGHT_BINS_WORDS, words, side="right")
    for length_bin in np.unique(bins):
        inside = bins == length_bin
        if len(np.unique(labels[inside])) == 2:
            human, machine = (weights[inside & (labels == c)].sum() for c in (0, 1))
            assert human == pytest.approx(machine)


def test_threshold_keeps_false_positives_low_in_every_length_band() -> None:
    rng = np.random.default_rng(1)
    n = 4000
    n_words = rng.choice([100, 300, 700, 2000], size=n)
    y = rng.integers(0, 2, size=n)
    # Long human texts score higher than short ones: one threshold on all of them together
    # would let long human texts through far more often than 1%.
    scores = np.clip(rng.normal(0.2 + 0.15 * (n_words >= 1000), 0.1) + 0.6 * y, 0, 1)
    threshold, by_band = threshold_by_length_band(scores, y, y == 0, 0.01, n_words)
    assert set(by_band) == {"<150", "150-400", "400-1000", ">=1000"}
    # Each band has its own threshold; the one returned is the strictest, for a summary.
    for band, figures in by_band.items():
        inside = (y == 0) & (np.array([length_band(int(w)) for w in n_words]) == band)
        own = figures["threshold"]
        assert (scores[inside] >= own).mean() <= 0.01
        assert figures["false_positive_rate"] == pytest.approx((scores[inside] >= own).mean())
    assert by_band[">=1000"]["threshold"] > by_band["<150"]["threshold"]
    assert threshold == max(figures["threshold"] for figures in by_band.values())


def test_labelled_slices_split_by_length_presentation_and_column() -> None:
    y = np.array([0, 1, 0, 1, 0, 1])
    scores = np.array([0.1, 0.9, 0.2, 0.95, 0.3, 0.2])
    n_words = np.array([100, 120, 500, 600, 1500, 1600])
    furniture = np.array([False, True, False, False, False, False])
    slices = labelled_slices(y, scores, 0.5, n_words, furniture, {"source": list("aabbcc")})
    assert list(slices["length_band"]) == ["<150", "400-1000", ">=1000"]
    assert slices["length_band"][">=1000"]["recall_at_threshold"] == 0.0
    assert slices["presentation"]["with farm furniture"]["n"] == 1
    assert slices["by_source"]["a"]["roc_auc"] == 1.0
    assert has_farm_furniture({"structure_comment_form_phrase_count": 2.0})
    assert not has_farm_furniture({"structure_news_furniture_line_count": 3.0})
