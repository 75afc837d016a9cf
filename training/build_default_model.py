"""Rebuild the default model in models/default from ../shared/data and training/corpora, and
its evaluation.

    .venv/bin/python training/build_default_model.py --data ../shared/data --out models/default

Writes the model folder (model.joblib, model_card.json) and, under --reports, the held-out
predictions the notebook plots. Every step is the package's public API.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from farmscore.features.extractor import feature_names
from farmscore.model.folder import save_model_folder
from farmscore.training.corpora import REPOSITORY_CORPORA_DIR, file_digests
from farmscore.training.evaluation import evaluate_on_test, style_only_report
from farmscore.training.evaluation_files import write_evaluation_outputs
from farmscore.training.examples import (
    BASE_DATA_SOURCES,
    BaseDataSettings,
    build_base_examples,
    example_weights,
    human_reporting_rows,
    make_card,
    measure,
    repository_data_sources,
    score_real_pages,
    training_data_records,
    word_count_auc,
)
from farmscore.training.fitting import fit_farm_model
from farmscore.training.shared_pages import article_page_texts

START = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - START:7.1f}s] {message}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--corpora", type=Path, default=REPOSITORY_CORPORA_DIR)
    parser.add_argument("--html", type=Path, default=Path("../shared/html"))
    parser.add_argument("--out", type=Path, default=Path("models/default"))
    parser.add_argument("--reports", type=Path, default=Path("reports/default"))
    parser.add_argument("--train-pages", type=int, default=BaseDataSettings().train_pages_per_class)
    parser.add_argument("--test-pages", type=int, default=BaseDataSettings().test_pages_per_class)
    parser.add_argument("--no-leave-outs", action="store_true", help="skip the slow left-out runs")
    args = parser.parse_args()

    settings = BaseDataSettings(
        train_pages_per_class=args.train_pages,
        test_pages_per_class=args.test_pages,
        corpora_dir=args.corpora,
    )
    examples = build_base_examples(args.data, settings, progress=say)
    train = examples[examples["split"] == "train"].reset_index(drop=True)
    test = examples[examples["split"] == "test"].reset_index(drop=True)
    say(f"measuring {len(examples):,} texts")
    X_train, X_test = measure(train["text"]), measure(test["text"])
    weights = example_weights(train)
    length_auc = word_count_auc(train, weights)
    say(f"word-count ROC-AUC on training examples: {length_auc:.3f}")

    model = fit_farm_model(
        X_train,
        train["label"].to_numpy(),
        list(train["group"]),
        feature_names(),
        "boosted",
        sample_weight=weights,
        texts=list(train["text"]),
        substance_reference=human_reporting_rows(train),
        progress=say,
    )
    say(f"threshold {model.threshold:.4f} ({model.threshold_rule})")
    report, predictions = evaluate_on_test(
        model, train, test, X_train, X_test, with_leave_outs=not args.no_leave_outs, progress=say
    )
    report["style_features_only"] = style_only_report(model, train, test, X_train, X_test)
    report["training_word_count_roc_auc"] = length_auc
    report["threshold_by_length_band"] = model.extra["threshold_by_length_band"]
    report["out_of_fold"] = model.extra["out_of_fold_metrics"]
    if args.html.exists():
        report["real_html_pages"] = score_real_pages(model, article_page_texts(args.html))
        say(f"real HTML pages: {report['real_html_pages']}")

    hashes = {d["file"]: d["sha256"] for d in file_digests(args.data)}
    card = make_card(
        "default",
        model,
        training_data_records(train, hashes),
        report,
        [*BASE_DATA_SOURCES, *repository_data_sources(args.corpora)],
        notes=(
            "gradient-boosted trees over the style features and the out-of-fold log-odds of "
            "the wording block (word 1-2-grams, rare words masked), sigmoid-calibrated over "
            "story-group folds",
            "metrics under held_out_real_text are on real corpus texts of held-out story "
            "groups only; assembled pages are reported separately",
            "left_out: each generator family and each corpus removed from training in turn "
            "(3 folds), evaluated on what was removed at the shipped threshold",
        ),
    )
    saved = save_model_folder(args.out, model, card)
    say(f"saved {args.out} ({saved.model_file.size_bytes:,} bytes)")
    X_report = model.model_inputs(X_test, list(test["text"]))
    write_evaluation_outputs(args.reports, report, predictions, X_report, model.feature_names)
    print(json.dumps(_headline(report), indent=2))


def _headline(report: dict[str, object]) -> dict[str, object]:
    """The figures worth a glance at the end of a build."""
    keys = (
        "held_out_real_text",
        "long_machine_vs_long_human_articles",
        "structured_human_from_corpora_never_trained_on",
        "real_html_pages",
    )
    return {key: report[key] for key in keys if key in report} | {
        "left_out": {
            name: np.round(
                [v["farmscore"]["roc_auc"], v["farmscore"]["recall_at_threshold"]], 4
            ).tolist()
            for name, v in report.get("left_out", {}).items()  # type: ignore[union-attr]
        }
    }


if __name__ == "__main__":
    main()
