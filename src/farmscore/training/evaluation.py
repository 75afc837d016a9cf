"""Honest evaluation of a fitted model on held-out examples, beside the TF-IDF baseline trained
on the same rows with the same weights.

Slices: real text by corpus, assembled pages (with and without farm furniture), long human
articles, human structured writing (from corpora in training and from corpora never trained
on), length bands, and long machine articles by generator family. Refits: every generator
family and every corpus left out of training in turn, evaluated on what was left out.
Every figure at a threshold uses the shipped model's threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from farmscore.model.farm_model import FarmModel
from farmscore.model.feature_directions import monotonic_constraints
from farmscore.model.length_bands import LENGTH_BANDS_WORDS, length_band
from farmscore.model.wording import WORDING_FEATURE, WordingCounts, count_texts, tokens_of
from farmscore.training.examples import (
    KIND_LONG_HUMAN,
    KIND_PAGE,
    KIND_REAL,
    KIND_STRUCTURED,
    example_weights,
    word_counts,
)
from farmscore.training.fitting import (
    band_indices,
    baseline_pipeline,
    classification_metrics,
    fit_calibrated,
    with_wording_column,
)

# A machine article this long or longer is "long": what a content farm publishes.
LONG_ARTICLE_MIN_WORDS = 300
# Folds of the left-out refits: fewer than the shipped model's, to keep `make model` short.
LEFT_OUT_FOLDS = 3
HUMAN = "human"

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    return None


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


@dataclass(frozen=True, slots=True)
class _Scored:
    """Held-out rows with both models' scores, and how to slice them."""

    test: pd.DataFrame
    scores: NDArray[np.float64]
    baseline: NDArray[np.float64] | None
    # Each row's threshold: the model's for the row's length band.
    thresholds: NDArray[np.float64]

    def evaluate(self, mask: NDArray[np.bool_] | pd.Series) -> dict[str, Any]:
        mask = np.asarray(mask, dtype=bool)
        y = self.test["label"].to_numpy()[mask]
        baseline = (
            None if self.baseline is None else classification_metrics(y, self.baseline[mask], 0.5)
        )
        return Evaluation(
            classification_metrics(y, self.scores[mask], self.thresholds[mask]), baseline
        ).as_dict()


def row_thresholds(model: FarmModel, texts: Sequence[str] | pd.Series) -> NDArray[np.float64]:
    """The machine head's threshold for each text: its length band's."""
    bands = band_indices(word_counts(texts))
    return np.array([model.threshold_for(int(band)) for band in bands], dtype=np.float64)


def long_human_rows(frame: pd.DataFrame) -> NDArray[np.bool_]:
    """Human texts of at least `LONG_ARTICLE_MIN_WORDS` words that are articles (real,
    long human or structured), not assembled pages."""
    kinds = frame["kind"].isin([KIND_REAL, KIND_LONG_HUMAN, KIND_STRUCTURED]).to_numpy()
    long = word_counts(frame["text"]) >= LONG_ARTICLE_MIN_WORDS
    return np.asarray(kinds & long & (frame["label"].to_numpy() == 0))


def long_machine_rows(frame: pd.DataFrame) -> NDArray[np.bool_]:
    """Real machine texts of at least `LONG_ARTICLE_MIN_WORDS` words."""
    long = word_counts(frame["text"]) >= LONG_ARTICLE_MIN_WORDS
    return np.asarray((frame["kind"] == KIND_REAL).to_numpy() & long & (frame["label"] == 1))


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
    """The report, slice by slice, and per-row predictions on the test rows (no text)."""
    texts = list(test["text"])
    scores = model.score_texts(X_test, texts)
    baseline_scores = _baseline_scores(train, test) if with_baseline else None
    scored = _Scored(test, scores, baseline_scores, row_thresholds(model, test["text"]))
    n_words = word_counts(test["text"])
    predictions = test[
        ["id", "label", "source", "generator", "family", "corpus", "kind", "held_out_source"]
    ].assign(score=scores, baseline_score=baseline_scores, n_words=n_words)
    kind = test["kind"].to_numpy()
    corpus = test["corpus"].to_numpy()
    family = test["family"].to_numpy()
    held_out_source = test["held_out_source"].to_numpy()
    real, page = kind == KIND_REAL, kind == KIND_PAGE
    structured = (kind == KIND_STRUCTURED) & ~held_out_source
    articles = np.isin(kind, [KIND_REAL, KIND_LONG_HUMAN, KIND_STRUCTURED]) & ~held_out_source
    long_human = long_human_rows(test) & ~held_out_source
    long_machine = long_machine_rows(test)
    farm_furniture = test["page_traits"].map(_has_farm_furniture).to_numpy()
    bands = np.array([length_band(int(n)) for n in n_words])

    report: dict[str, Any] = {
        "held_out_real_text": scored.evaluate(real),
        "held_out_real_text_by_corpus": {
            name: scored.evaluate(real & (corpus == name)) for name in sorted(set(corpus[real]))
        },
        "held_out_assembled_pages": scored.evaluate(page),
        "held_out_assembled_pages_without_farm_furniture": scored.evaluate(
            page & ((test["label"].to_numpy() == 0) | ~farm_furniture)
        ),
        "held_out_long_human_articles": scored.evaluate(kind == KIND_LONG_HUMAN),
        "held_out_structured_human_by_corpus": {
            name: scored.evaluate(structured & (corpus == name))
            for name in sorted(set(corpus[structured]))
        },
        "structured_human_from_corpora_never_trained_on": {
            name: scored.evaluate(held_out_source & (corpus == name))
            for name in sorted(set(corpus[held_out_source]))
        }
        | {"all": scored.evaluate(held_out_source)},
        "by_length_band": {
            band: scored.evaluate(articles & (bands == band))
            for band in _band_names()
            if (articles & (bands == band)).any()
        },
        "long_machine_vs_long_human_articles": scored.evaluate(long_machine | long_human),
        "long_machine_by_family": {
            name: scored.evaluate((long_machine & (family == name)) | long_human)
            for name in sorted(set(family[long_machine]))
        },
    }
    progress(f"evaluated {len(test):,} held-out rows by slice")
    if with_leave_outs:
        report["left_out"] = left_out_report(model, train, test, X_train, X_test, progress)
    return report, predictions


def _band_names() -> list[str]:
    return [length_band(low) for low in LENGTH_BANDS_WORDS]


# Traits of assembled pages that only farm pages carry.
_FARM_TRAITS = frozenset(
    {
        "clickbait_title",
        "generic_headings",
        "promo_lines",
        "embedded_post",
        "comment_footer",
        "leaked_assistant",
        "recap",
        "retold_story",
    }
)


def _has_farm_furniture(traits: str) -> bool:
    return bool(_FARM_TRAITS & set(traits.split(",")))


# ---- left-out refits --------------------------------------------------------------------------


def left_out_report(
    model: FarmModel,
    train: pd.DataFrame,
    test: pd.DataFrame,
    X_train: NDArray[np.float64],
    X_test: NDArray[np.float64],
    progress: Progress = _quiet,
) -> dict[str, Any]:
    """Every generator family, then every corpus, left out of training in turn.

    A left-out family loses its texts and every farm page built with one of them; it is
    evaluated on its held-out long articles (all its held-out texts when it has no long ones)
    against every held-out long human article. A left-out corpus loses both its classes and
    the pages built from it, and is evaluated on its held-out texts. The wording block's
    vocabulary comes from every training text (it uses no label); its weights, like the
    trees, only from the rows kept.
    """
    counts = count_texts(list(train["text"]))
    families_of_page = train["part_families"].str.split()
    report: dict[str, Any] = {}
    machine_families = sorted(set(train.loc[train["label"] == 1, "family"]) - {"mixed"})
    long_human = long_human_rows(test) & ~test["held_out_source"].to_numpy()
    for family in machine_families:
        dropped = (train["family"] == family).to_numpy() | families_of_page.map(
            lambda families, f=family: f in families
        ).to_numpy()
        own = (test["family"] == family).to_numpy() & (test["kind"] == KIND_REAL).to_numpy()
        own_long = own & long_machine_rows(test)
        if own_long.any():
            target, evaluated_on = own_long | long_human, "long articles"
        else:
            # Short texts only: against the human texts of the same corpora and lengths.
            same_corpora = test["corpus"].isin(set(test.loc[own, "corpus"])).to_numpy()
            humans = same_corpora & (test["kind"] == KIND_REAL).to_numpy() & (test["label"] == 0)
            target, evaluated_on = (
                own | humans.to_numpy(),
                "its texts and their corpora's human texts",
            )
        report[f"family={family}"] = _left_out(
            model, train, test, X_train, X_test, counts, ~dropped, target
        ) | {"evaluated_on": evaluated_on}
        progress(f"left out family {family}: {report[f'family={family}']['farmscore']['roc_auc']}")
    corpus_of_page = train["part_corpora"].str.split()
    for corpus in sorted(set(train["corpus"]) - {"assembled"}):
        dropped = (train["corpus"] == corpus).to_numpy() | corpus_of_page.map(
            lambda corpora, c=corpus: c in corpora
        ).to_numpy()
        target = (test["corpus"] == corpus).to_numpy()
        if not target.any():
            continue
        report[f"corpus={corpus}"] = _left_out(
            model, train, test, X_train, X_test, counts, ~dropped, target
        )
        progress(f"left out corpus {corpus}")
    return report


def _left_out(
    model: FarmModel,
    train: pd.DataFrame,
    test: pd.DataFrame,
    X_train: NDArray[np.float64],
    X_test: NDArray[np.float64],
    counts: WordingCounts,
    fit: NDArray[np.bool_],
    evaluate: NDArray[np.bool_],
) -> dict[str, Any]:
    y = train["label"].to_numpy()
    groups = list(train["group"].astype(str))
    rows = np.flatnonzero(fit)
    weights = np.zeros(len(train))
    weights[rows] = example_weights(train.iloc[rows])
    wording, X_fit = with_wording_column(
        X_train[rows], y, groups, counts, rows, LEFT_OUT_FOLDS, weights
    )
    estimator = fit_calibrated(
        X_fit,
        y[rows],
        [groups[i] for i in rows],
        model.kind,
        LEFT_OUT_FOLDS,
        sample_weight=weights[rows],
        monotonic=_monotonic(model),
    )
    texts = list(test["text"][evaluate])
    column = [wording.log_odds(tokens_of(text)) for text in texts]
    scores = estimator.predict_proba(np.column_stack([X_test[evaluate], column]))[:, 1]
    y_test = test["label"].to_numpy()[evaluate]
    pipeline = baseline_pipeline().fit(
        train["text"].iloc[rows], y[rows], logisticregression__sample_weight=weights[rows]
    )
    baseline = pipeline.predict_proba(texts)[:, 1]
    return Evaluation(
        classification_metrics(y_test, scores, row_thresholds(model, texts)),
        classification_metrics(y_test, baseline, 0.5),
    ).as_dict()


def _monotonic(model: FarmModel) -> list[int] | None:
    """The constraints the model was fitted with, for a refit of the same kind."""
    if model.kind != "boosted" or not model.extra.get("monotonic_constraints", False):
        return None
    return monotonic_constraints(model.feature_names)


def _baseline_scores(train: pd.DataFrame, test: pd.DataFrame) -> NDArray[np.float64]:
    pipeline = baseline_pipeline().fit(
        train["text"],
        train["label"].to_numpy(),
        logisticregression__sample_weight=example_weights(train),
    )
    return np.asarray(pipeline.predict_proba(test["text"])[:, 1], dtype=np.float64)


def style_only_report(
    model: FarmModel,
    train: pd.DataFrame,
    test: pd.DataFrame,
    X_train: NDArray[np.float64],
    X_test: NDArray[np.float64],
) -> dict[str, Any]:
    """The same trees without the wording block, trained on the same rows: what the block
    adds, on held-out real text and on long machine against long human articles."""
    y = train["label"].to_numpy()
    style_names = [name for name in model.feature_names if name != WORDING_FEATURE]
    estimator = fit_calibrated(
        X_train,
        y,
        list(train["group"].astype(str)),
        model.kind,
        LEFT_OUT_FOLDS,
        sample_weight=example_weights(train),
        monotonic=monotonic_constraints(style_names) if _monotonic(model) else None,
    )
    scores = estimator.predict_proba(X_test)[:, 1]
    scored = _Scored(test, scores, None, row_thresholds(model, test["text"]))
    real = (test["kind"] == KIND_REAL).to_numpy()
    long_pairs = long_machine_rows(test) | (
        long_human_rows(test) & ~test["held_out_source"].to_numpy()
    )
    return {
        "held_out_real_text": scored.evaluate(real),
        "long_machine_vs_long_human_articles": scored.evaluate(long_pairs),
    }


# ---- the quality gate ------------------------------------------------------------------------

# The gate's slices of held-out examples, each measured at the model's threshold.
GATE_SLICES = (
    "held_out_real_text",
    "long_machine_vs_long_human_articles",
    "structured_human_from_corpora_never_trained_on",
)


def gate_metrics(
    model: FarmModel, held_out: pd.DataFrame, X: NDArray[np.float64]
) -> dict[str, Any]:
    """The figures the quality gate holds a model to, on held-out examples (real texts, long
    human articles, structured texts; no pages) whose style features are `X`."""
    scores = model.score_texts(X, list(held_out["text"]))
    held_out = held_out.reset_index(drop=True)
    scored = _Scored(held_out, scores, None, row_thresholds(model, held_out["text"]))
    held_out_source = held_out["held_out_source"].to_numpy()
    masks = {
        "held_out_real_text": (held_out["kind"] == KIND_REAL).to_numpy(),
        "long_machine_vs_long_human_articles": long_machine_rows(held_out)
        | (long_human_rows(held_out) & ~held_out_source),
        "structured_human_from_corpora_never_trained_on": held_out_source,
    }
    return {name: scored.evaluate(masks[name])["farmscore"] for name in GATE_SLICES}


# ---- slices of a user's labelled data ---------------------------------------------------------

# Style features that only count farm furniture: a text with any of them is a "page with farm
# furniture"; one with none is "plain prose".
FARM_FURNITURE_FEATURES = (
    "structure_bait_promo_line_count",
    "structure_comment_form_phrase_count",
    "structure_embedded_post_remnant_count",
    "structure_title_clickbait_marker_count",
    "structure_generic_heading_count",
    "artifacts_total_count",
)
PRESENTATION_FURNITURE = "with farm furniture"
PRESENTATION_PLAIN = "plain prose"


def has_farm_furniture(values: dict[str, float]) -> bool:
    """Whether a text's style features count any farm furniture."""
    return any(values.get(name, 0.0) > 0 for name in FARM_FURNITURE_FEATURES)


def labelled_slices(
    y: NDArray[np.int_],
    scores: NDArray[np.float64],
    threshold: float | NDArray[np.float64],
    n_words: NDArray[np.int_],
    furniture: NDArray[np.bool_],
    columns: dict[str, Sequence[str]] | None = None,
) -> dict[str, dict[str, dict[str, float]]]:
    """Metrics of labelled texts by length band, by presentation (with farm furniture or plain
    prose) and by each value of each given column (such as `source`)."""
    bands = np.array([length_band(int(n)) for n in n_words])
    presentation = np.where(furniture, PRESENTATION_FURNITURE, PRESENTATION_PLAIN)
    slicings = {"length_band": bands, "presentation": presentation}
    for name, values in (columns or {}).items():
        slicings[f"by_{name}"] = np.asarray(values, dtype=object)
    order = {band: i for i, band in enumerate(_band_names())}
    return {
        slicing: {
            str(value): classification_metrics(
                y[labels == value],
                scores[labels == value],
                threshold[labels == value] if isinstance(threshold, np.ndarray) else threshold,
            )
            for value in sorted(set(labels), key=lambda v: (order.get(v, len(order)), str(v)))
        }
        for slicing, labels in slicings.items()
    }
