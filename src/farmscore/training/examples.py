"""The training examples: the shared corpora and the repository's corpora as one table, split by
story group, with assembled pages, and weighted so that neither corpus size nor text length
can stand in for the label.

Data flow: corpora (and a user's labels) -> examples table -> feature matrix -> `FarmModel`
(`farmscore.training.fitting`) -> evaluation report (`farmscore.training.evaluation`) -> model
card (here).
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

from farmscore.features.tells import TELLS
from farmscore.features.transformer import FeatureExtractor
from farmscore.model.card import DataSource, ModelCard, TrainingDataFile, source_label_key
from farmscore.model.farm_model import FarmModel
from farmscore.model.length_bands import BAND_NAMES, band_index
from farmscore.model.verdict import DEFAULT_POLICY, POLICIES, SUBSTANCE_RELIEF_FULL, TELL_SCORE
from farmscore.reading.markdown import as_read_text
from farmscore.training.corpora import (
    REPOSITORY_CORPORA_DIR,
    load_corpora,
    load_repository_corpora,
    split_by_group,
    strip_shared_openings,
)
from farmscore.training.corpus_sources import ROLE_EVALUATION, ROLE_TRAIN
from farmscore.training.pages import (
    assemble_farm_pages,
    assemble_human_pages,
    matched_lengths,
    normalise_layout,
)
from farmscore.words import count_words

# Long human corpora: whole articles, and the source of human pages.
LONG_HUMAN_CORPORA = ("bbc", "opinion", "localnews")
# Short paired corpora, whose layout differs by source and is normalised on both sides.
SHORT_PAIRED_CORPORA = ("l2r", "xsum")

KIND_REAL = "real"  # a real corpus text with machine and human sides (l2r, xsum, pan24_news)
KIND_PAGE = "assembled"  # a page assembled from corpus texts
KIND_LONG_HUMAN = "long_human"  # a long human article, whole (bbc, opinion, localnews)
KIND_STRUCTURED = "structured"  # human writing with headings and lists (how-tos, blogs, docs)
KINDS = (KIND_REAL, KIND_PAGE, KIND_LONG_HUMAN, KIND_STRUCTURED)

# Word-count bins inside which both classes are given the same total weight.
LENGTH_WEIGHT_BINS_WORDS: tuple[int, ...] = (0, 60, 100, 150, 250, 400, 650, 1000, 1600)

EXAMPLE_COLUMNS: tuple[str, ...] = (
    "id",
    "text",
    "label",
    "source",
    "group",
    "generator",
    "family",
    "domain",
    "corpus",
    "genre",
    "kind",
    "split",
    "file",
    "held_out_source",
    "page_traits",
    "part_corpora",
    "part_families",
)

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    return None


@dataclass(frozen=True, slots=True)
class BaseDataSettings:
    """How many pages and long human articles to draw from the corpora, and the seed."""

    train_pages_per_class: int = 3000
    test_pages_per_class: int = 600
    train_long_human_articles: int = 3000
    test_long_human_articles: int = 1000
    seed: int = 20261122
    # The repository's corpora (training/corpora); None leaves them out.
    corpora_dir: Path | None = REPOSITORY_CORPORA_DIR


def build_base_examples(
    data_dir: Path, settings: BaseDataSettings = BaseDataSettings(), progress: Progress = _quiet
) -> pd.DataFrame:
    """Every example drawn from the shared corpora and the repository's corpora, with `split`
    (train/test), `kind` and `held_out_source` (a corpus never trained on).

    Story groups are split once (`farmscore.training.splits`); pages are assembled from each
    split's own rows, so no story crosses the split. Corpora whose role is `evaluation` are test
    rows only; corpora of any other role are never examples.
    """
    rng = np.random.default_rng(settings.seed)
    corpora = strip_shared_openings(load_corpora(data_dir))
    if settings.corpora_dir is not None:
        corpora = pd.concat([corpora, load_repository_corpora(settings.corpora_dir)])
    evaluation_only = corpora[corpora["role"] == ROLE_EVALUATION]
    # Other roles (the verdict trials' corpora) never become examples.
    train, test = split_by_group(corpora[corpora["role"] == ROLE_TRAIN])
    progress(f"corpora: {len(train):,} train rows, {len(test):,} test rows")
    parts: list[pd.DataFrame] = []
    for split, rows, n_pages, n_long in (
        ("train", train, settings.train_pages_per_class, settings.train_long_human_articles),
        ("test", test, settings.test_pages_per_class, settings.test_long_human_articles),
    ):
        real = _real_examples(rows, rng)
        structured = _structured_examples(rows)
        # Pages are news and opinion pages: made from the real corpora and the long articles.
        page_rows = rows[rows["corpus"].isin({*real["corpus"], *LONG_HUMAN_CORPORA})]
        farm = assemble_farm_pages(
            page_rows[page_rows["label"] == 1], n_pages, matched_lengths(n_pages, rng), rng
        )
        human = assemble_human_pages(
            page_rows[page_rows["label"] == 0], n_pages, matched_lengths(n_pages, rng), rng
        )
        farm, human = (_page_examples(pages, page_rows) for pages in (farm, human))
        long_human = _long_human_examples(rows, n_long, settings.seed, rng)
        parts.extend(
            frame.assign(split=split) for frame in (real, farm, human, long_human, structured)
        )
        progress(
            f"{split}: {len(real):,} real texts, {len(farm):,} farm and {len(human):,} human "
            f"pages, {len(long_human):,} long human and {len(structured):,} structured texts"
        )
    held_out = _structured_examples(evaluation_only).assign(split="test", held_out_source=True)
    parts.append(held_out)
    progress(f"test: {len(held_out):,} structured texts from corpora never trained on")
    examples = pd.concat(
        [frame.reindex(columns=list(EXAMPLE_COLUMNS)) for frame in parts], ignore_index=True
    )
    examples["file"] = _text_column(examples["file"]).fillna(
        "assembled pages (" + examples["source"] + ")"
    )
    # Read as a text field is read, so that training and scoring see the same text.
    examples["text"] = examples["text"].map(as_read_text)
    examples["label"] = examples["label"].astype(int)
    for column in ("generator", "family", "domain", "genre"):
        examples[column] = _text_column(examples[column]).fillna("mixed")
    examples["held_out_source"] = examples["held_out_source"].eq(True)  # missing means False
    for column in ("page_traits", "part_corpora", "part_families"):
        examples[column] = _text_column(examples[column]).fillna("")
    return examples


def _text_column(column: pd.Series) -> pd.Series:
    """`column` as Python strings with its gaps still missing: a column no part filled is
    all-NaN float, and pandas will not fill a float column with text."""
    return column.astype(object).where(column.notna(), None)


def _page_examples(pages: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Assembled pages as examples, with the corpora and generator families of the texts each
    was built from (so that leaving a corpus or a family out drops its pages too)."""
    corpus_of = dict(zip(rows["id"], rows["corpus"], strict=True))
    family_of = dict(zip(rows["id"], rows["family"], strict=True))

    def origins(ids: str, origin_of: dict[str, str]) -> str:
        return " ".join(sorted({origin_of[i] for i in ids.split()}))

    return pages.assign(
        kind=KIND_PAGE,
        corpus="assembled",
        part_corpora=[origins(ids, corpus_of) for ids in pages["part_ids"]],
        part_families=[origins(ids, family_of) for ids in pages["part_ids"]],
    )


def _real_examples(rows: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The corpora with both classes. Short paired texts are laid out as pages are; the
    long news texts keep their own paragraphs, written the same way on both sides."""
    real = rows[rows["corpus"].isin(SHORT_PAIRED_CORPORA) | _is_paired_long(rows)].copy()
    short = real["corpus"].isin(SHORT_PAIRED_CORPORA)
    real.loc[short, "text"] = [normalise_layout(text, rng) for text in real.loc[short, "text"]]
    return real.assign(kind=KIND_REAL)


def _is_paired_long(rows: pd.DataFrame) -> pd.Series:
    paired = rows.groupby("corpus")["label"].transform("nunique") == 2
    return paired & ~rows["corpus"].isin(SHORT_PAIRED_CORPORA)


def _structured_examples(rows: pd.DataFrame) -> pd.DataFrame:
    """Human structured writing: the human-only corpora of the repository."""
    human_only = rows.groupby("corpus")["label"].transform("nunique") == 1
    structured = rows[human_only & ~rows["corpus"].isin(LONG_HUMAN_CORPORA)]
    return structured.assign(kind=KIND_STRUCTURED)


def _long_human_examples(
    rows: pd.DataFrame, n_articles: int, seed: int, rng: np.random.Generator
) -> pd.DataFrame:
    long_human = rows[rows["corpus"].isin(LONG_HUMAN_CORPORA)]
    sample = long_human.sample(n=min(n_articles, len(long_human)), random_state=seed)
    sample = sample.assign(kind=KIND_LONG_HUMAN)
    sample["text"] = [normalise_layout(text, rng) for text in sample["text"]]
    return sample


def held_out_examples(
    data_dir: Path, corpora_dir: Path | None = REPOSITORY_CORPORA_DIR
) -> pd.DataFrame:
    """The held-out real texts, long human articles and structured texts (no pages): what the
    quality gate measures."""
    settings = BaseDataSettings(
        train_pages_per_class=0,
        test_pages_per_class=0,
        train_long_human_articles=0,
        corpora_dir=corpora_dir,
    )
    examples = build_base_examples(data_dir, settings)
    return examples[examples["split"] == "test"].reset_index(drop=True)


def measure(texts: Sequence[str], n_jobs: int = -1) -> NDArray[np.float64]:
    """The style feature matrix of `texts`, using every core by default."""
    return FeatureExtractor(n_jobs=n_jobs).transform(list(texts))


def word_counts(texts: Sequence[str] | pd.Series) -> NDArray[np.int_]:
    """Words per text, counted as the features count them (so bands agree with scoring)."""
    return np.array([count_words(str(text)) for text in texts], dtype=np.int64)


def example_weights(examples: pd.DataFrame) -> NDArray[np.float64]:
    """Sample weights, averaging 1, under which neither a corpus's size nor a text's length
    says anything about the label.

    Each class gets half the total weight, shared equally by its cells (kind and corpus: l2r's
    real texts, PAN's, the assembled pages, each structured corpus...), so that no one corpus
    dominates. Then, inside each bin of word count (`LENGTH_WEIGHT_BINS_WORDS`) holding both
    classes, the two classes are rescaled to the same total: the machine side of the corpora
    is mostly short rewrites and the long texts mostly human, and unweighted, length alone
    would predict the label.
    """
    labels = examples["label"].to_numpy()
    corpus = examples["corpus"] if "corpus" in examples else pd.Series("", index=examples.index)
    cells = (
        examples["kind"].astype(str)
        + "|"
        + corpus.astype(str)
        + "|"
        + examples["label"].astype(str)
    )
    counts = cells.map(cells.value_counts()).to_numpy(dtype=np.float64)
    weights = np.zeros(len(examples))
    for label in (0, 1):
        mine = labels == label
        n_cells = cells[mine].nunique()
        if n_cells:
            weights[mine] = 0.5 / (n_cells * counts[mine])
    bins = np.searchsorted(LENGTH_WEIGHT_BINS_WORDS, word_counts(examples["text"]), side="right")
    for length_bin in np.unique(bins):
        inside = bins == length_bin
        totals = [weights[inside & (labels == label)].sum() for label in (0, 1)]
        if min(totals) > 0:
            for label, total in zip((0, 1), totals, strict=True):
                weights[inside & (labels == label)] *= sum(totals) / (2 * total)
    return np.asarray(weights * len(weights) / weights.sum(), dtype=np.float64)


def word_count_auc(examples: pd.DataFrame, weights: NDArray[np.float64] | None = None) -> float:
    """ROC-AUC of word count alone as a predictor of the label, under the training weights:
    near 0.5 means length cannot stand in for the label."""
    counts = word_counts(examples["text"])
    return float(roc_auc_score(examples["label"].to_numpy(), counts, sample_weight=weights))


def score_real_pages(model: FarmModel, pages: Sequence[tuple[str, str]]) -> dict[str, float]:
    """False positives on real, human-written article pages given as (name, main text):
    every page is substantive, so every flag is a false positive."""
    texts = [text for _, text in pages]
    scores = model.score_texts(measure(texts), texts)
    thresholds = [model.threshold_for(band_index(n)) for n in word_counts(texts)]
    flagged = scores >= np.array(thresholds)
    return {
        "pages": float(len(texts)),
        "flagged": float(flagged.sum()),
        "false_positive_rate": float(flagged.mean()) if texts else float("nan"),
        "median_score": float(np.median(scores)) if texts else float("nan"),
        "p95_score": float(np.quantile(scores, 0.95)) if texts else float("nan"),
    }


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
    "Assembled pages: the LLM side of the corpora has no farm-page structure, so training also "
    "uses farm pages assembled from the LLM texts of one story (told at length, sometimes "
    "twice, with clickbait titles, generic headings, promotion lines, embedded-post remnants, "
    "comment footers and occasional leaked assistant text at varied rates) and human pages cut "
    "from long articles, with matched length distributions. Honest furniture (captions, "
    "bylines, datelines, trailers, related links, subheadings) is put on pages of both classes "
    "at the same rates: a farm can add it for free, so it must not tell them apart."
)


def repository_data_sources(corpora_dir: Path | None = REPOSITORY_CORPORA_DIR) -> list[DataSource]:
    """One card entry per corpus stored in the repository, from its manifest."""
    if corpora_dir is None:
        return []
    from farmscore.training.corpus_files import read_manifest

    return [
        DataSource(
            name=f"{entry['description']} ({entry['file']})",
            licence=entry["licence"],
            credit=f"{entry['repository']} at commit {entry['commit']}; role: {entry['role']}",
        )
        for entry in read_manifest(corpora_dir)
    ]


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
        thresholds_by_band={
            band: model.threshold_for(index) for index, band in enumerate(BAND_NAMES)
        },
        verdict=verdict_description(model),
        feature_names=tuple(model.feature_names),
        training_data=training_data,
        metrics=_json_ready(metrics),
        data_sources=tuple(data_sources),
        notes=tuple(notes),
    )


# Human reporting, the reference of substance: news texts of the human side.
NEWS_CORPORA = ("bbc", "localnews", "xsum", "pan24_news")
NEWS_DOMAIN_OF_L2R = "NewsArticle"


def human_reporting_rows(examples: pd.DataFrame) -> NDArray[np.bool_]:
    """Human news articles, whole (real corpus texts and long human articles): what a page's
    substance is measured against."""
    kinds = examples["kind"].isin([KIND_REAL, KIND_LONG_HUMAN])
    news = examples["corpus"].isin(NEWS_CORPORA) | (
        (examples["corpus"] == "l2r") & (examples["domain"] == NEWS_DOMAIN_OF_L2R)
    )
    return np.asarray((kinds & news & (examples["label"] == 0)).to_numpy())


def verdict_description(model: FarmModel) -> dict[str, Any]:
    """How a model's results are reached, for its card: the two heads and the rule."""
    return {
        "default_policy": DEFAULT_POLICY,
        "policies": list(POLICIES),
        "machine_head": (
            f"{model.kind} classifier over the style features"
            + (" and the wording block" if model.wording is not None else "")
            + ", trained on who wrote a text (person or LLM), sigmoid-calibrated; a threshold "
            "per length band"
        ),
        "substance_head": (
            "specificity_substance_per_1k_words as a percentile of human reporting of the "
            "same length band"
            if model.substance_quantiles is not None
            else "none (the model has no substance reference)"
        ),
        "rule": (
            "a tell makes a page content_farm (score at least "
            f"{TELL_SCORE}); machine prose (machine >= its band's threshold) is content_farm "
            f"unless it carries human-level sourced substance (at least the "
            f"{SUBSTANCE_RELIEF_FULL:.0f}th percentile of human reporting of its band, with a "
            f"named attribution), which keeps it substantive with a machine_prose warning"
        ),
        "tells": [tell.kind for tell in TELLS],
        "monotonic_constraints": bool(model.extra.get("monotonic_constraints", False)),
    }


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
