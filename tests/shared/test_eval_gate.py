"""The quality gate: the shipped model on data it never trained on, against recorded floors.

Fails when a metric drops below its floor in `tests/eval_baseline.json`, and when the data
changed since the floors were recorded (re-record them then, deliberately).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from farmscore.artifacts import default_model_dir, sha256_file
from farmscore.io.shared_pages import article_page_texts
from farmscore.model import classification_metrics
from farmscore.scoring import Scorer
from farmscore.splits import is_test_group
from farmscore.training import held_out_real_examples, measure
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


def test_held_out_real_text_keeps_its_figures(scorer: Scorer) -> None:
    data = shared_path("data")
    recorded = BASELINE["held_out_real_text"]
    for name, digest in recorded["data_sha256"].items():
        assert sha256_file(data / name) == digest, f"{name} changed: re-record the floors"
    test = held_out_real_examples(data)
    assert test["group"].map(is_test_group).all()
    scores = scorer.model.predict_proba(measure(test["text"]))
    metrics = classification_metrics(test["label"].to_numpy(), scores, scorer.threshold)
    for name, floor in recorded["floors"].items():
        assert metrics[name] >= floor, f"{name} {metrics[name]:.4f} fell below {floor}"
    for name, ceiling in recorded["ceilings"].items():
        assert metrics[name] <= ceiling, f"{name} {metrics[name]:.4f} rose above {ceiling}"
