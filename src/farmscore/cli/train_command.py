"""`farmscore train` and `farmscore evaluate`: retrain on a team's own labels, and measure a
model on labelled data."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import typer
from rich.console import Console

from farmscore.cli.common import JobsOption, ModelOption, ThresholdOption, fail, load_scorer
from farmscore.cli.tables import print_table

if TYPE_CHECKING:
    import pandas as pd

    from farmscore.model.farm_model import ModelKind

# Fewer examples than this per class cannot be calibrated over group folds with any meaning.
MIN_EXAMPLES_PER_CLASS = 10
# Below this cross-validated ROC-AUC a model is not worth shipping without a word of warning.
WEAK_ROC_AUC = 0.7
MIN_GROUPS_PER_CLASS = 5
DEFAULT_BASE_DATA = Path("../shared/data")


class KindChoice(StrEnum):
    boosted = "boosted"
    logistic = "logistic"


class ReportFormat(StrEnum):
    table = "table"
    json = "json"


def train(
    labels: Annotated[
        list[Path],
        typer.Argument(help="CSV, JSONL or Parquet with text (or html) and label; optional group."),
    ],
    out: Annotated[Path, typer.Option("--out", help="Model folder to write.")],
    base: Annotated[
        bool, typer.Option("--base", help="Add the shared training corpora to your labels.")
    ] = False,
    data: Annotated[
        Path, typer.Option("--data", help="Where the shared corpora are (with --base).")
    ] = DEFAULT_BASE_DATA,
    kind: Annotated[
        KindChoice,
        typer.Option(
            "--kind",
            help="Classifier. boosted: gradient-boosted trees, best from a few hundred rows "
            "(below 2,000 rows a leaf holds a 50th of them, at least 5); logistic: logistic "
            "regression, the better choice for a few dozen rows.",
        ),
    ] = KindChoice.boosted,
    wording: Annotated[
        bool,
        typer.Option(
            "--wording/--no-wording",
            help="Add the wording block (word 1-2-grams, learned out of fold) to the style "
            "features.",
        ),
    ] = True,
    name: Annotated[
        str | None, typer.Option("--name", help="Model name (default: folder).")
    ] = None,
    jobs: JobsOption = -1,
) -> None:
    """Train a model on labelled examples; print cross-validated metrics; write the folder."""
    if name is not None and not name.isprintable():
        fail(f"--name {name!r} holds control characters; give printable text")
    # Imported here: training needs scikit-learn, SciPy and pandas, which every other command
    # (scoring above all) starts faster and smaller without.
    import pandas as pd

    from farmscore.features.extractor import feature_names
    from farmscore.model.card import DataSource
    from farmscore.model.folder import save_model_folder, sha256_file
    from farmscore.reading.labels import LabelFileError, read_label_files
    from farmscore.training.corpora import REPOSITORY_CORPORA_DIR
    from farmscore.training.examples import (
        BASE_DATA_SOURCES,
        KIND_REAL,
        BaseDataSettings,
        build_base_examples,
        example_weights,
        make_card,
        measure,
        repository_data_sources,
        training_data_records,
    )
    from farmscore.training.fitting import fit_farm_model

    try:
        user = read_label_files(labels)
    except LabelFileError as error:
        fail(str(error))
    _check_enough(user, base)
    user = user.assign(
        kind=KIND_REAL, corpus="user", split="train", generator="unknown", domain="unknown"
    )
    examples = user
    corpora = REPOSITORY_CORPORA_DIR if REPOSITORY_CORPORA_DIR.is_dir() else None
    if base:
        if not data.is_dir():
            fail(f"--base needs the shared corpora, but {data} is not a folder; give --data DIR")
        settings = BaseDataSettings(corpora_dir=corpora)
        shared = build_base_examples(data, settings, progress=_say)
        examples = pd.concat([shared[shared["split"] == "train"], user], ignore_index=True)
    if not user["group_given"].all():
        _say(
            "warning: no group column, so every row is its own group; if rows share a story "
            "(an article and its rewrites) or a site, add a group column so that folds keep "
            "them together, or the cross-validated figures will be too good"
        )
    _say(f"measuring {len(examples):,} texts")
    X = measure(examples["text"], n_jobs=jobs)
    y = examples["label"].to_numpy()
    model_kind: ModelKind = "boosted" if kind is KindChoice.boosted else "logistic"
    try:
        model = fit_farm_model(
            X,
            y,
            list(examples["group"].astype(str)),
            feature_names(),
            model_kind,
            sample_weight=example_weights(examples),
            texts=list(examples["text"]) if wording else None,
            progress=_say,
        )
    except ValueError as error:
        fail(str(error))
    metrics = model.extra["out_of_fold_metrics"]
    _print_metrics("cross-validated (group folds, out-of-fold)", metrics)
    if not metrics["roc_auc"] >= WEAK_ROC_AUC:
        _say(_weak_model_warning(metrics["roc_auc"], len(user), model_kind))
    hashes = {str(path): sha256_file(path) for path in labels}
    sources = [
        DataSource(name=str(path), licence="supplied by the user", credit="") for path in labels
    ]
    card = make_card(
        name or out.name,
        model,
        training_data_records(examples, hashes),
        {"cross_validated": metrics},
        [
            *sources,
            *(BASE_DATA_SOURCES if base else ()),
            *(repository_data_sources(corpora) if base else ()),
        ],
        notes=(f"trained with `farmscore train` on {len(user):,} labelled examples",),
    )
    save_model_folder(out, model, card)
    _say(f"wrote {out} (threshold {model.threshold:.4f})")


def evaluate(
    data: Annotated[list[Path], typer.Argument(help="Labelled CSV, JSONL or Parquet.")],
    model: ModelOption = None,
    output_format: Annotated[
        ReportFormat,
        typer.Option("--format", help="table: the metrics as a table; json: the whole report."),
    ] = ReportFormat.table,
    threshold: ThresholdOption = None,
    jobs: JobsOption = 1,
    by: Annotated[
        list[str] | None,
        typer.Option(
            "--by",
            help="Also report by each value of this column of the label files "
            "(repeatable; default: source).",
        ),
    ] = None,
) -> None:
    """Measure a model on labelled data: ranking and calibration metrics, the confusion
    matrix at the threshold, a calibration table, and the same metrics by length band, by
    presentation (with farm furniture or plain prose) and by source."""
    # Imported here, as in `train`: metrics need scikit-learn, label files pandas.
    from farmscore.reading.labels import LabelFileError, read_label_files
    from farmscore.training.evaluation import has_farm_furniture, labelled_slices
    from farmscore.training.fitting import calibration_table, classification_metrics
    from farmscore.types import Document

    try:
        frame = read_label_files(data)
    except LabelFileError as error:
        fail(str(error))
    columns = by or ["source"]
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        fail(f"--by {missing[0]}: the label files have no such column; they have {list(frame)}")
    scorer = load_scorer(model, threshold)
    documents = (Document(id=str(i), text=text) for i, text in enumerate(frame["text"], start=1))
    scored = list(scorer.score_documents_with_features(documents, n_jobs=jobs))
    scores = np.array([result.score for result, _ in scored])
    y = frame["label"].to_numpy()
    metrics = classification_metrics(y, scores, scorer.threshold)
    calibration = calibration_table(y, scores)
    slices = labelled_slices(
        y,
        scores,
        scorer.threshold,
        np.array([features.n_words for _, features in scored]),
        np.array([has_farm_furniture(features.values) for _, features in scored]),
        {column: [str(v) for v in frame[column]] for column in columns},
    )
    if output_format is ReportFormat.json:
        report: dict[str, Any] = {
            "model": scorer.name,
            "threshold": scorer.threshold,
            "metrics": _finite(metrics),
            "confusion_matrix": {
                "labels": ["substantive", "content_farm"],
                "rows_true_columns_predicted": [
                    [int(metrics["true_negatives"]), int(metrics["false_positives"])],
                    [int(metrics["false_negatives"]), int(metrics["true_positives"])],
                ],
            },
            "calibration": calibration,
            "slices": {
                slicing: {value: _finite(m) for value, m in by_value.items()}
                for slicing, by_value in slices.items()
            },
        }
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    console = Console()
    _print_metrics(f"model {scorer.name} at threshold {scorer.threshold:.4f}", metrics, console)
    print_table(
        console,
        "confusion matrix (rows: true label; columns: predicted)",
        ["", "predicted substantive", "predicted content_farm"],
        [
            ["substantive", int(metrics["true_negatives"]), int(metrics["false_positives"])],
            ["content_farm", int(metrics["false_negatives"]), int(metrics["true_positives"])],
        ],
    )
    print_table(
        console,
        "calibration",
        ["score bin", "documents", "mean score", "share content_farm"],
        [
            [f"{r['low']:.1f}-{r['high']:.1f}", r["count"], r["mean_score"], r["observed_rate"]]
            for r in calibration
        ],
    )
    _print_slices(console, slices)


def _print_slices(console: Console, slices: dict[str, dict[str, dict[str, float]]]) -> None:
    for slicing, by_value in slices.items():
        print_table(
            console,
            f"by {slicing.removeprefix('by_').replace('_', ' ')}",
            [slicing.removeprefix("by_"), "texts", "content_farm", "roc_auc", "recall", "fpr"],
            [
                [
                    value,
                    int(m["n"]),
                    int(m["n_farm"]),
                    m["roc_auc"],
                    m["recall_at_threshold"],
                    m["fpr_at_threshold"],
                ]
                for value, m in by_value.items()
            ],
        )


def _finite(metrics: dict[str, float]) -> dict[str, float | None]:
    """Metrics for JSON: one undefined for a slice of one class becomes null."""
    return {k: (v if np.isfinite(v) else None) for k, v in metrics.items()}


def _check_enough(frame: pd.DataFrame, base: bool) -> None:
    counts = frame.groupby("label")["group"].agg(["size", "nunique"])
    for label, name in ((0, "substantive"), (1, "content_farm")):
        rows = int(counts["size"].get(label, 0))
        groups = int(counts["nunique"].get(label, 0))
        if base:
            continue
        if rows == 0:
            fail(f"only one class in the labels: no {name} rows; add some, or use --base")
        if rows < MIN_EXAMPLES_PER_CLASS or groups < MIN_GROUPS_PER_CLASS:
            fail(
                f"too few {name} examples: {rows} rows in {groups} groups; give at least "
                f"{MIN_EXAMPLES_PER_CLASS} rows in {MIN_GROUPS_PER_CLASS} groups, or use --base"
            )


def _weak_model_warning(roc_auc: float, n_user_rows: int, kind: ModelKind) -> str:
    chance = "no better than" if not roc_auc > 0.5 else "little better than"
    remedies = [f"add labelled examples (you gave {n_user_rows:,})"]
    if kind == "boosted":
        remedies.insert(0, "train with --kind logistic, which suits small label files")
    remedies.append("train with --base to add the shared corpora")
    return (
        f"warning: the cross-validated ROC-AUC is {roc_auc:.2f}, so this model ranks texts "
        f"{chance} chance (0.5); {', '.join(remedies[:-1])}, or {remedies[-1]}"
    )


def _print_metrics(title: str, metrics: dict[str, float], console: Console | None = None) -> None:
    names = (
        "roc_auc",
        "pr_auc",
        "recall_at_1pct_fpr",
        "brier",
        "ece",
        "fpr_at_threshold",
        "recall_at_threshold",
    )
    print_table(
        console or Console(stderr=True),
        title,
        ["metric", "value"],
        [[name, metrics[name]] for name in names],
    )


def _say(message: str) -> None:
    print(f"farmscore: {message}", file=sys.stderr, flush=True)
