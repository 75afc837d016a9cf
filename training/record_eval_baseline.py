"""Record the quality gate's floors for the shipped model (tests/eval_baseline.json).

    .venv/bin/python training/record_eval_baseline.py

Measures the shipped model on data it never trained on (the held-out groups' real texts and
the real HTML pages), and records floors a small margin under the figures, with the hashes of
the data, so that `tests/shared/test_eval_gate.py` fails when quality drops or data changes.
Run it deliberately after `make model`, never to make a failing gate pass.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from farmscore.artifacts import default_model_dir, sha256_file
from farmscore.corpus import DEFAULT_CORPUS_FILES
from farmscore.io.shared_pages import article_page_texts
from farmscore.model import classification_metrics
from farmscore.scoring import Scorer
from farmscore.training import held_out_real_examples, measure

# Room for the small randomness of layout (typography, paragraphing) between runs.
RANKING_MARGIN = 0.01
RATE_MARGIN = 0.02
FLAGGED_PAGES_MARGIN = 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--out", type=Path, default=Path("tests/eval_baseline.json"))
    args = parser.parse_args()
    scorer = Scorer.load(default_model_dir())

    data = args.shared / "data"
    test = held_out_real_examples(data)
    scores = scorer.model.predict_proba(measure(test["text"]))
    metrics = classification_metrics(test["label"].to_numpy(), scores, scorer.threshold)

    html = args.shared / "html"
    texts = [text for _, text in article_page_texts(html)]
    page_scores = np.array([s.score for s in scorer.score_many(texts)])
    flagged = int((page_scores >= scorer.threshold).sum())

    baseline = {
        "model_sha256": scorer.card.model_file.sha256,
        "held_out_real_text": {
            "measured": {
                k: metrics[k]
                for k in ("roc_auc", "pr_auc", "recall_at_1pct_fpr", "brier", "fpr_at_threshold")
            },
            "data_sha256": {name: sha256_file(data / name) for name in DEFAULT_CORPUS_FILES},
            "floors": {
                "roc_auc": round(metrics["roc_auc"] - RANKING_MARGIN, 3),
                "pr_auc": round(metrics["pr_auc"] - RANKING_MARGIN, 3),
                "recall_at_1pct_fpr": round(metrics["recall_at_1pct_fpr"] - RATE_MARGIN * 2, 3),
            },
            "ceilings": {
                "brier": round(metrics["brier"] + RATE_MARGIN, 3),
                "fpr_at_threshold": round(metrics["fpr_at_threshold"] + RATE_MARGIN, 3),
            },
        },
        "real_html_pages": {
            "ground_truth_sha256": sha256_file(html / "ground-truth.json"),
            "pages": len(texts),
            "flagged_when_recorded": flagged,
            "max_flagged": flagged + FLAGGED_PAGES_MARGIN,
        },
    }
    args.out.write_text(json.dumps(baseline, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(baseline, indent=2))


if __name__ == "__main__":
    main()
