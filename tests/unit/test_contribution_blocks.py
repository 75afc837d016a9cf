"""A batch's Shapley contributions are computed a block of rows at a time, so that their
temporaries (about 0.4 MB a row for the shipped trees) do not grow with the batch; the values,
and so the scores and reasons, are those of one pass over the whole batch."""

from __future__ import annotations

import random

import numpy as np
import pytest

import farmscore.model.contributions as contributions
from farmscore.model.contributions import CONTRIBUTION_ROWS, TreeContributions
from farmscore.model.length_bands import BAND_NAMES
from farmscore.scoring import BATCH_SIZE, Scorer
from farmscore.types import Document
from tests.conftest import farm_text, substantive_text


@pytest.fixture(scope="module")
def shipped() -> Scorer:
    return Scorer.load()


def documents(n: int) -> list[Document]:
    rng = random.Random(5)
    write = (substantive_text, farm_text)
    return [Document(id=str(i), text=write[i % 2](rng)) for i in range(n)]


def test_a_full_batch_is_explained_in_blocks_of_at_most_contribution_rows(
    shipped: Scorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows_asked: list[int] = []
    explain = TreeContributions._raw_block

    def counting(self: TreeContributions, X: np.ndarray, r_ok: np.ndarray) -> np.ndarray:
        rows_asked.append(len(X))
        return explain(self, X, r_ok)

    monkeypatch.setattr(TreeContributions, "_raw_block", counting)
    shipped.score_batch(documents(BATCH_SIZE + 5))
    assert rows_asked == [CONTRIBUTION_ROWS] * (BATCH_SIZE // CONTRIBUTION_ROWS) + [5]


@pytest.mark.parametrize("n_rows", [1, CONTRIBUTION_ROWS, CONTRIBUTION_ROWS + 1, BATCH_SIZE])
def test_blocks_give_the_contributions_of_one_pass(
    shipped: Scorer, n_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(n_rows)
    bands = rng.integers(0, len(BAND_NAMES), n_rows)
    # The typical row of each band, each value moved up or down by as much as half.
    n_features = len(shipped.model.feature_names)
    X = shipped.model.reference_rows()[bands] * rng.uniform(0.5, 1.5, (n_rows, n_features))
    blocked = shipped.model.contributions(X, bands)
    monkeypatch.setattr(contributions, "CONTRIBUTION_ROWS", BATCH_SIZE)
    assert blocked.shape == (n_rows, n_features)
    assert np.count_nonzero(blocked) > n_rows
    np.testing.assert_allclose(blocked, shipped.model.contributions(X, bands), rtol=1e-12)


def test_scores_and_reasons_are_those_of_one_pass(
    shipped: Scorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = documents(40)
    in_blocks = shipped.score_batch(batch)
    monkeypatch.setattr(contributions, "CONTRIBUTION_ROWS", BATCH_SIZE)
    in_one_pass = shipped.score_batch(batch)
    assert [s.label for s in in_blocks] == [s.label for s in in_one_pass]
    assert [s.score for s in in_blocks] == pytest.approx([s.score for s in in_one_pass])
    assert [[r.feature for r in s.reasons] for s in in_blocks] == [
        [r.feature for r in s.reasons] for s in in_one_pass
    ]
    assert [[r.contribution for r in s.reasons] for s in in_blocks] == [
        pytest.approx([r.contribution for r in s.reasons]) for s in in_one_pass
    ]
