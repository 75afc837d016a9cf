"""The quality gate: the shipped model on data it never trained on, against recorded floors.

Fails when a metric drops below its floor (or rises above its ceiling) in
`tests/eval_baseline.json`, and when the data changed since the floors were recorded
(re-record them then, deliberately, with training/record_eval_baseline.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from farmscore.model.folder import default_model_dir, sha256_file
from farmscore.scoring import Scorer
from farmscore.training.corpora import REPOSITORY_CORPORA_DIR
from farmscore.training.corpus_files import MANIFEST_NAME
from farmscore.training.evaluation import GATE_SLICES, gate_metrics
from farmscore.training.examples import held_out_examples, measure
from farmscore.training.shared_pages import article_page_texts
from farmscore.training.splits import is_test_group
from tests.conftest import shared_path

BASELINE = json.loads((Path(__file__).parents[1] / "eval_baseline.json").read_text("utf-8"))

pytestmark = [pytest.mark.shared, pytest.mark.slow]


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    loaded = Scorer.load(default_model_dir())
    assert loaded.card.model_file.sha256 == BASELINE["model_sha256"], (
        "the shipped model changed since the floors were recorded: check its figures, then "
        "re-record them with training/record_eval_baseline.py"
    )
    return loaded


@pytest.fixture(scope="module")
def measured(scorer: Scorer) -> dict[str, Any]:
    data = shared_path("data")
    for name, digest in BASELINE["data_sha256"].items():
        folder = REPOSITORY_CORPORA_DIR if name == MANIFEST_NAME else data
        assert sha256_file(folder / name) == digest, f"{name} changed: re-record the floors"
    held_out = held_out_examples(data)
    # Only groups held out of training, and corpora never trained on.
    assert (held_out["group"].map(is_test_group) | held_out["held_out_source"]).all()
    return gate_metrics(scorer.model, held_out, measure(held_out["text"]))


def test_real_html_pages_are_rarely_flagged(scorer: Scorer) -> None:
    folder = shared_path("html")
    recorded = BASELINE["real_html_pages"]
    assert sha256_file(folder / "ground-truth.json") == recorded["ground_truth_sha256"], (
        "../shared/html changed since the floors were recorded: re-measure and re-record them"
    )
    texts = [text for _, text in article_page_texts(folder)]
    scores = np.array([s.score for s in scorer.score_many(texts)])
    flagged = int((scores >= scorer.threshold).sum())
    assert len(texts) == recorded["pages"]
    assert flagged <= recorded["max_flagged"], f"{flagged} of {len(texts)} human pages flagged"


@pytest.mark.parametrize("slice_name", GATE_SLICES)
def test_held_out_slice_keeps_its_figures(measured: dict[str, Any], slice_name: str) -> None:
    recorded = BASELINE["slices"][slice_name]
    metrics = measured[slice_name]
    for name, floor in recorded["floors"].items():
        assert metrics[name] >= floor, f"{slice_name}: {name} {metrics[name]:.4f} below {floor}"
    for name, ceiling in recorded["ceilings"].items():
        assert metrics[name] <= ceiling, f"{slice_name}: {name} {metrics[name]:.4f} above {ceiling}"
