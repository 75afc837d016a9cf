"""The train-and-evaluate workflow: build the examples, measure them once, choose a model kind
on held-out training groups, fit it, and evaluate it beside the TF-IDF baseline.

Data flow: corpora (and a user's labels) -> examples table -> feature matrix -> `FarmModel`
plus an evaluation report (plain dicts of floats, ready for the model card).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn.metrics import roc_auc_score

from farmscore.artifacts import DataSource, ModelCard, TrainingDataFile, source_label_key
from farmscore.corpus import load_corpora, split_by_group, strip_shared_openings
from farmscore.features.extractor import FeatureExtractor
from farmscore.model import (
    MODEL_KINDS,
    FarmModel,
    ModelKind,
    baseline_pipeline,
    build_classifier,
    classification_metrics,
    fit_calibrated,
)
from farmscore.pages import (
    assemble_farm_pages,
    assemble_human_pages,
    matched_lengths,
    normalise_layout,
)
from farmscore.splits import is_validation_group

# Long human corpora: cut into human pages, and their held-out articles measure false positives.
# Every other domain (l2r's, xsum) has both classes and gives the real examples.
LONG_HUMAN_DOMAINS = ("bbc", "opinion", "localnews")

KIND_REAL = "real"  # a short corpus text, laid out like the pages, both classes
KIND_PAGE = "assembled"  # a page assembled from corpus texts
KIND_LONG_HUMAN = "long_human"  # a held-out long human article, whole

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    return None


@dataclass(frozen=True, slots=True)
class BaseDataSettings:
    """How many assembled pages to build from the shared corpora, and the seed."""

    train_pages_per_class: int = 3000
    test_pages_per_class: int = 600
    test_long_human_articles: int = 600
    seed: int = 20261122


def build_base_examples(
    data_dir: Path, settings: BaseDataSettings = BaseDataSettings(), progress: Progress = _quiet
) -> pd.DataFrame:
    """Every example drawn from the shared corpora, with `split` (train/test) and `kind`.

    Real examples are the short paired corpora (l2r, xsum) after removing xsum's shared
    openings. Assembled pages come from each split's own rows only, so no story crosses the
    split. Held-out long human articles are kept as a test-only false-positive check.
    """
    rng = np.random.default_rng(settings.seed)
    corpora = strip_shared_openings(load_corpora(data_dir))
    train, test = split_by_group(corpora)
    progress(f"corpora: {len(train):,} train rows, {len(test):,} test rows")
    parts: list[pd.DataFrame] = []
    for split, rows, n_pages in (
        ("train", train, settings.train_pages_per_class),
        ("test", test, settings.test_pages_per_class),
    ):
        real = rows[~rows["domain"].isin(LONG_HUMAN_DOMAINS)].assign(kind=KIND_REAL)
        real["text"] = [normalise_layout(text, rng) for text in real["text"]]
        farm = assemble_farm_pages(
            rows[rows["label"] == 1], n_pages, matched_lengths(n_pages, rng), rng
        ).assign(kind=KIND_PAGE)
        human = assemble_human_pages(
            rows[rows["label"] == 0], n_pages, matched_lengths(n_pages, rng), rng
        ).assign(kind=KIND_PAGE)
        parts.extend(frame.assign(split=split) for frame in (real, farm, human))
        progress(
            f"{split}: {len(real):,} real texts, {len(farm):,} farm and {len(human):,} human pages"
        )
    long_human = test[test["domain"].isin(LONG_HUMAN_DOMAINS)]
    sample = long_human.sample(
        n=min(settings.test_long_human_articles, len(long_human)), random_state=settings.seed
    ).assign(kind=KIND_LONG_HUMAN, split="test")
    sample["text"] = [normalise_layout(text, rng) for text in sample["text"]]
    parts.append(sample)
    columns = [
        "id",
        "text",
        "label",
        "source",
        "group",
        "generator",
        "domain",
        "kind",
        "split",
        "file",
    ]
    examples = pd.concat([frame.reindex(columns=columns) for frame in parts], ignore_index=True)
    examples["file"] = examples["file"].fillna("assembled pages (" + examples["source"] + ")")
    examples["label"] = examples["label"].astype(int)
    examples["generator"] = examples["generator"].fillna("mixed")
    examples["domain"] = examples["domain"].fillna("mixed")
    return examples


def held_out_real_examples(data_dir: Path) -> pd.DataFrame:
    """The real texts of the held-out groups, laid out as for training: what the quality
    gate and the card's `held_out_real_text` figures measure."""
    settings = BaseDataSettings(train_pages_per_class=0, test_pages_per_class=0)
    examples = build_base_examples(data_dir, settings)
    return examples[(examples["split"] == "test") & (examples["kind"] == KIND_REAL)]


def measure(texts: Sequence[str], n_jobs: int = -1) -> NDArray[np.float64]:
    """The feature matrix of `texts`, using every core by default."""
    return FeatureExtractor(n_jobs=n_jobs).transform(list(texts))


def example_weights(examples: pd.DataFrame) -> NDArray[np.float64]:
    """Sample weights giving each (kind, label) cell the same total weight, averaging 1.

    Real texts are short and their farm side is four times the human side; pages are long and
    balanced. Unweighted, long texts would be mostly human and length would predict the
    label; with equal cells both classes have the same length distribution.
    """
    cells = examples["kind"].astype(str) + "|" + examples["label"].astype(str)
    counts = cells.map(cells.value_counts())
    n_cells = cells.nunique()
    return np.asarray(len(examples) / (n_cells * counts.to_numpy()), dtype=np.float64)


def word_count_auc(examples: pd.DataFrame, weights: NDArray[np.float64] | None = None) -> float:
    """ROC-AUC of word count alone as a predictor of the label, under the training weights:
    near 0.5 means length cannot stand in for the label."""
    counts = examples["text"].str.split().str.len().to_numpy()
    return float(roc_auc_score(examples["label"].to_numpy(), counts, sample_weight=weights))


@dataclass
class Evaluation:
    """Metrics of farmscore and of the baseline on one held-out set."""

    farmscore: dict[str, float]
    baseline: dict[str, float] | None = None

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"farmscore": self.farmscore}
        if self.baseline is not None:
            result["baseline_tfidf_logreg"] = self.baseline
        return result


def choose_model_kind(
    train: pd.DataFrame,
    X_train: NDArray[np.float64],
    kinds: Sequence[ModelKind] = MODEL_KINDS,
    progress: Progress = _quiet,
) -> tuple[ModelKind, dict[str, Any]]:
    """Pick the kind that generalises best to generators and domains it did not see.

    Only training groups are used: validation groups are carved from them by a second hash,
    each candidate is trained without one generator (or domain) at a time and scored on the
    validation rows of it. The kind with the best mean ROC-AUC over the left-out generators and
    domains wins; the worst case is dominated by davinci, a pre-instruction model whose
    continuations every kind finds human-like.
    """
    validation = train["group"].map(is_validation_group).to_numpy()
    weights = example_weights(train)
    summary: dict[str, Any] = {}
    for kind in kinds:
        aucs = {}
        labels = train["label"].to_numpy()
        for name, fit_mask, eval_mask in leave_out_splits(train, validation):
            # Ranking is what generalises or not; calibration and threshold come later.
            classifier = build_classifier(kind).fit(
                X_train[fit_mask], labels[fit_mask], sample_weight=weights[fit_mask]
            )
            scores = classifier.predict_proba(X_train[eval_mask])[:, 1]
            aucs[name] = float(roc_auc_score(labels[eval_mask], scores))
        summary[kind] = {
            "mean_roc_auc": float(np.mean(list(aucs.values()))),
            "worst_roc_auc": float(np.min(list(aucs.values()))),
            "by_left_out": aucs,
        }
        progress(
            f"selection: {kind} left-out ROC-AUC mean {summary[kind]['mean_roc_auc']:.3f}, "
            f"worst {summary[kind]['worst_roc_auc']:.3f}"
        )
    chosen = max(kinds, key=lambda k: summary[k]["mean_roc_auc"])
    return chosen, summary


def leave_out_splits(
    frame: pd.DataFrame, held_out: NDArray[np.bool_], by: Sequence[str] = ("generator", "domain")
) -> list[tuple[str, NDArray[np.bool_], NDArray[np.bool_]]]:
    """(name, fit mask, evaluation mask) for each generator and each paired domain left out.

    A left-out generator's texts are removed from fitting (real texts and pages built from
    them) and evaluated on the held-out rows: its texts plus all held-out human texts. A
    left-out domain removes both classes of that domain. Only real texts are evaluated.
    """
    real = (frame["kind"] == KIND_REAL).to_numpy()
    labels = frame["label"].to_numpy()
    splits = []
    for column in by:
        values = frame.loc[real & (labels == 1), column].unique()
        for value in sorted(values):
            matches = (frame[column] == value).to_numpy()
            if column == "generator":
                mixed_pages = (frame["kind"] == KIND_PAGE).to_numpy() & (labels == 1)
                fit = ~held_out & ~matches & ~mixed_pages
                evaluate = held_out & real & (matches | (labels == 0))
            else:
                fit = ~held_out & ~matches
                evaluate = held_out & real & matches
            if evaluate.sum() and len(np.unique(labels[evaluate])) == 2:
                splits.append((f"{column}={value}", fit, evaluate))
    return splits


def evaluate_on_test(
    model: FarmModel,
    train: pd.DataFrame,
    test: pd.DataFrame,
    X_train: NDArray[np.float64],
    X_test: NDArray[np.float64],
    with_baseline: bool = True,
    with_leave_outs: bool = True,
    progress: Progress = _quiet,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """The report: held-out real text, left-out generators and domains, assembled pages and
    held-out long human articles, each beside the baseline trained on the same rows; and the
    per-row predictions on the test rows (no text), for plots."""
    y_test = test["label"].to_numpy()
    scores = model.predict_proba(X_test)
    baseline_scores = _baseline_scores(train, test) if with_baseline else None
    predictions = test[["id", "label", "source", "generator", "domain", "kind"]].assign(
        score=scores, baseline_score=baseline_scores, n_words=test["text"].str.split().str.len()
    )
    report: dict[str, Any] = {}
    for name, mask in (
        ("held_out_real_text", (test["kind"] == KIND_REAL).to_numpy()),
        ("held_out_assembled_pages", (test["kind"] == KIND_PAGE).to_numpy()),
        ("held_out_long_human_articles", (test["kind"] == KIND_LONG_HUMAN).to_numpy()),
    ):
        report[name] = Evaluation(
            classification_metrics(y_test[mask], scores[mask], model.threshold),
            None
            if baseline_scores is None
            else classification_metrics(y_test[mask], baseline_scores[mask], 0.5),
        ).as_dict()
        progress(f"evaluated {name}: {mask.sum():,} rows")
    if with_leave_outs:
        report["left_out"] = _left_out_report(
            model, train, test, X_train, X_test, with_baseline, progress
        )
    return report, predictions


def _left_out_report(
    model: FarmModel,
    train: pd.DataFrame,
    test: pd.DataFrame,
    X_train: NDArray[np.float64],
    X_test: NDArray[np.float64],
    with_baseline: bool,
    progress: Progress,
) -> dict[str, Any]:
    both = pd.concat([train, test], ignore_index=True)
    X_both = np.vstack([X_train, X_test])
    is_test = np.r_[np.zeros(len(train), bool), np.ones(len(test), bool)]
    y = both["label"].to_numpy()
    weights = example_weights(both)
    report = {}
    for name, fit, evaluate in leave_out_splits(both, is_test):
        groups = list(both["group"].to_numpy()[fit])
        left_out = fit_calibrated(
            X_both[fit], y[fit], groups, model.kind, n_folds=3, sample_weight=weights[fit]
        )
        scores = left_out.predict_proba(X_both[evaluate])[:, 1]
        # The threshold is the full model's: what a user of the shipped model would see.
        metrics = classification_metrics(y[evaluate], scores, model.threshold)
        baseline = None
        if with_baseline:
            pipeline = baseline_pipeline().fit(
                both["text"][fit], y[fit], logisticregression__sample_weight=weights[fit]
            )
            baseline = classification_metrics(
                y[evaluate], pipeline.predict_proba(both["text"][evaluate])[:, 1], 0.5
            )
        report[name] = Evaluation(metrics, baseline).as_dict()
        progress(f"left out {name}: ROC-AUC {metrics['roc_auc']:.3f}")
    return report


def _baseline_scores(train: pd.DataFrame, test: pd.DataFrame) -> NDArray[np.float64]:
    pipeline = baseline_pipeline().fit(
        train["text"],
        train["label"].to_numpy(),
        logisticregression__sample_weight=example_weights(train),
    )
    return np.asarray(pipeline.predict_proba(test["text"])[:, 1], dtype=np.float64)


# ---- model cards ---------------------------------------------------------------------------

BASE_DATA_SOURCES = (
    DataSource(
        name="L2R (Learning to Rewrite) human texts and LLM rewrites, 21 domains",
        licence="CC BY 3.0",
        credit="L2R data set (Learning to Rewrite); used under CC BY 3.0",
    ),
    DataSource(
        name="XSum BBC openings and LLM continuations (Glimpse, Fast-DetectGPT corpora)",
        licence="research corpora; BBC text",
        credit="Glimpse and Fast-DetectGPT detector papers; XSum (BBC)",
    ),
    DataSource(
        name="Long human articles written before 2022: BBC news, opinion columns, local news",
        licence="as distributed in ../shared/data (see its README)",
        credit="BBC; national, local and college newspapers",
    ),
)

PAGE_NOTE = (
    "Assembled pages: the LLM side of the corpora is short and has no farm-page structure, so "
    "training also uses farm pages assembled from the LLM texts of one story (told at length, "
    "sometimes twice, with clickbait titles, generic headings, promotion lines, embedded-post "
    "remnants, comment footers and occasional leaked assistant text at varied rates) and human "
    "pages cut from long articles with honest furniture (captions, bylines, datelines, "
    "trailers, related links) at similar rates, with matched length distributions."
)


def _text_digest(texts: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def training_data_records(
    examples: pd.DataFrame, file_hashes: dict[str, str] | None = None
) -> tuple[TrainingDataFile, ...]:
    """Card records of the rows a model was fitted on: per input file (or assembled pages),
    its SHA-256 and its rows by source and label."""
    file_hashes = file_hashes or {}
    records = []
    label_names = {0: "substantive", 1: "content_farm"}
    for file, rows in examples.groupby("file", sort=True):
        counts = Counter(
            source_label_key(str(source), label_names[int(label)])
            for source, label in zip(rows["source"], rows["label"], strict=True)
        )
        records.append(
            TrainingDataFile(
                file=str(file),
                sha256=file_hashes.get(str(file), _text_digest(list(rows["text"]))),
                rows=len(rows),
                rows_by_source_and_label=dict(sorted(counts.items())),
                notes=(PAGE_NOTE,) if str(file).startswith("assembled") else (),
            )
        )
    return tuple(records)


def make_card(
    name: str,
    model: FarmModel,
    training_data: tuple[TrainingDataFile, ...],
    metrics: dict[str, Any],
    data_sources: Sequence[DataSource] = (),
    notes: Sequence[str] = (),
) -> ModelCard:
    """The card for a fitted model; `save_model_folder` adds hashes and versions."""
    return ModelCard(
        name=name,
        threshold=model.threshold,
        threshold_rule=model.threshold_rule,
        feature_names=tuple(model.feature_names),
        training_data=training_data,
        metrics=_json_ready(metrics),
        data_sources=tuple(data_sources),
        notes=tuple(notes),
    )


def _json_ready(value: Any) -> Any:
    """Metrics as JSON values: NaN (a metric undefined for one class) becomes the string 'n/a'."""
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return {str(i): _json_ready(v) for i, v in enumerate(value)}
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else "n/a"
    if isinstance(value, (int, np.integer)):
        return float(value)
    return str(value)


def score_real_pages(model: FarmModel, pages: Sequence[tuple[str, str]]) -> dict[str, float]:
    """False positives on real, human-written article pages given as (name, main text):
    every page is substantive, so every flag is a false positive."""
    texts = [text for _, text in pages]
    scores = model.predict_proba(measure(texts))
    flagged = scores >= model.threshold
    return {
        "pages": float(len(texts)),
        "flagged": float(flagged.sum()),
        "false_positive_rate": float(flagged.mean()) if texts else float("nan"),
        "median_score": float(np.median(scores)) if texts else float("nan"),
        "p95_score": float(np.quantile(scores, 0.95)) if texts else float("nan"),
    }
