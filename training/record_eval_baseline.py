"""Record the quality gate's floors for the shipped model (tests/eval_baseline.json).

    .venv/bin/python training/record_eval_baseline.py

Measures the shipped model on data it never trained on (the held-out groups' real texts, long
machine and human articles, structured writing from corpora never trained on, and the real
HTML pages), and records floors and ceilings a small margin from the figures, with the hashes
of the data, so that `tests/shared/test_eval_gate.py` fails when quality drops or data
changes. Run it deliberately after `make model`, never to make a failing gate pass.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from farmscore.model.folder import default_model_dir, sha256_file
from farmscore.scoring import Scorer
from farmscore.training.corpora import DEFAULT_CORPUS_FILES, REPOSITORY_CORPORA_DIR
from farmscore.training.corpus_files import MANIFEST_NAME
from farmscore.training.evaluation import GATE_SLICES, gate_metrics
from farmscore.training.examples import held_out_examples, measure
from farmscore.training.shared_pages import article_page_texts

# Room for the small randomness of layout (typography, paragraphing) between runs.
RANKING_MARGIN = 0.01
RATE_MARGIN = 0.02
FLAGGED_PAGES_MARGIN = 1
# Per slice: the metrics that must not fall (floors) and those that must not rise (ceilings).
FLOORS = ("roc_auc", "pr_auc", "recall_at_1pct_fpr", "recall_at_threshold")
CEILINGS = ("brier", "fpr_at_threshold")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--out", type=Path, default=Path("tests/eval_baseline.json"))
    args = parser.parse_args()
    scorer = Scorer.load(default_model_dir())

    data = args.shared / "data"
    held_out = held_out_examples(data)
    measured = gate_metrics(scorer.model, held_out, measure(held_out["text"]))

    html = args.shared / "html"
    texts = [text for _, text in article_page_texts(html)]
    page_scores = np.array([s.score for s in scorer.score_many(texts)])
    flagged = int((page_scores >= scorer.threshold).sum())

    baseline = {
        "model_sha256": scorer.card.model_file.sha256,
        "data_sha256": {name: sha256_file(data / name) for name in DEFAULT_CORPUS_FILES}
        | {MANIFEST_NAME: sha256_file(REPOSITORY_CORPORA_DIR / MANIFEST_NAME)},
        "slices": {name: _limits(measured[name]) for name in GATE_SLICES},
        "real_html_pages": {
            "ground_truth_sha256": sha256_file(html / "ground-truth.json"),
            "pages": len(texts),
            "flagged_when_recorded": flagged,
            "max_flagged": flagged + FLAGGED_PAGES_MARGIN,
        },
    }
    args.out.write_text(json.dumps(baseline, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    print(json.dumps(baseline, indent=2))


def _limits(metrics: dict[str, float]) -> dict[str, dict[str, float | None]]:
    """The measured figures, and floors and ceilings a margin away (NaN metrics, undefined
    for a slice of one class, get none)."""
    floors, ceilings = {}, {}
    for name in FLOORS:
        if np.isfinite(metrics[name]):
            margin = RANKING_MARGIN if name in ("roc_auc", "pr_auc") else 2 * RATE_MARGIN
            floors[name] = round(metrics[name] - margin, 3)
    for name in CEILINGS:
        if np.isfinite(metrics[name]):
            ceilings[name] = round(metrics[name] + RATE_MARGIN, 3)
    return {
        # null, not NaN: the file stays strict JSON.
        "measured": {
            name: metrics[name] if np.isfinite(metrics[name]) else None
            for name in (*FLOORS, *CEILINGS)
        },
        "floors": floors,
        "ceilings": ceilings,
    }


if __name__ == "__main__":
    main()
