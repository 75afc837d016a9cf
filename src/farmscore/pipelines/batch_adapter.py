"""`ScoreBatch`: farmscore as one step of a table-shaped engine (Hugging Face `datasets`, Dask,
Ray Data, Spark). It maps a batch of rows, a pandas DataFrame or a dict of columns, to the same
columns plus the verdict of each row's text, and pickles without a model, so an engine can
ship it to its workers; each worker process loads the model once, on its first row.

>>> score = ScoreBatch()
>>> scored = score({"id": ["a", "b"], "text": ["The council voted 5-2 on Tuesday.", "!!!"]})
>>> 0.0 <= scored["score"][0] <= 1.0, scored["error"][0]
(True, None)
>>> scored["score"][1], scored["label"][1], scored["error"][1][:20]
(None, None, 'the text has no word')

Recipes for each engine are in `docs/recipes.md`.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from farmscore.model.card import ModelVerificationError
from farmscore.model.folder import default_model_dir, read_card
from farmscore.model.verdict import DEFAULT_POLICY, LABEL_FARM, POLICIES, Policy
from farmscore.pipelines.verdict_fields import verdict_fields, why_unscorable
from farmscore.scoring import Scorer
from farmscore.types import Document, Score

# The columns added to every batch, each with its Spark SQL type. A row that cannot be scored
# has all of them missing but `error`, which says why; a scored row has `error` missing.
OUTPUT_TYPES: dict[str, str] = {
    "score": "double",
    "label": "string",
    "decided_by": "string",
    # The strongest reason's feature name (`tell_pasted_twice`, `wording_machine_log_odds`):
    # stable snake_case a report can count; `farmscore.scoring.feature_titles()` titles it.
    "top_reason": "string",
    "machine": "double",
    "substance_percentile": "double",
    # Joined by "; " as in `farmscore score --format csv`: "too_short; not_english".
    "warnings": "string",
    "error": "string",
}


class ScoreBatch:
    """A picklable callable that scores a batch of rows: a pandas DataFrame in gives a copy with
    `OUTPUT_TYPES`'s columns added (index kept), a dict of columns in gives a dict of the same
    columns plus those (lists, or numpy arrays when the text column is one).

    `model` is a model folder (default: the shipped model); `threshold` and `policy` are those
    of `Scorer.load`. A row whose text is missing or has no word is never dropped and never
    raises: its verdict columns are missing (None in lists and object arrays, NaN in a
    DataFrame and in float arrays) and `error` says why. Scores are rounded to 6 places, as
    `farmscore score --format jsonl` writes them.

    The model is loaded on the first batch with a row to score, once per process and settings
    however often the adapter is unpickled there (`datasets` and Spark unpickle it per task),
    and never pickled with the adapter. The model is the one whose card the adapter read when
    it was made: a worker that finds another there (a folder rewritten since, or the shipped
    model of another farmscore) raises `ModelVerificationError` rather than mix verdicts."""

    def __init__(
        self,
        model: str | Path | None = None,
        *,
        text_column: str = "text",
        threshold: float | None = None,
        policy: Policy = DEFAULT_POLICY,
        output_prefix: str = "",
    ) -> None:
        # Checked here, where the job is built, not in a worker an hour into the run.
        if policy not in POLICIES:
            raise ValueError(f"unknown policy {policy!r}; choose one of {', '.join(POLICIES)}")
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
        # Absolute, since an engine's workers may run in another working directory.
        self.model = None if model is None else str(Path(model).resolve())
        # Which model scores, read off its card without loading it: an engine's cache of
        # results (the fingerprints of `datasets`) then changes when the model does, and a
        # worker that finds another model in the folder refuses it rather than mix verdicts.
        card = read_card(default_model_dir() if self.model is None else Path(self.model))
        self.model_sha256 = card.model_file.sha256
        self.text_column = text_column
        self.threshold = threshold
        self.policy: Policy = policy
        self.output_prefix = output_prefix

    def __repr__(self) -> str:
        return (
            f"ScoreBatch(model={self.model!r}, text_column={self.text_column!r}, "
            f"threshold={self.threshold!r}, policy={self.policy!r}, "
            f"output_prefix={self.output_prefix!r})"
        )

    def output_types(self) -> dict[str, str]:
        """The columns this adapter adds, prefixed, with their Spark SQL types."""
        return {self.output_prefix + name: kind for name, kind in OUTPUT_TYPES.items()}

    def __call__(self, batch: pd.DataFrame | Mapping[str, Any]) -> pd.DataFrame | dict[str, Any]:
        """`batch` with the verdict columns added; see the class."""
        texts = self._texts(batch)
        clashes = [name for name in self.output_types() if name in batch]
        if clashes:
            raise ValueError(
                f"the batch already has a column {clashes[0]!r}, which ScoreBatch would "
                f"overwrite; pass output_prefix= (for example 'farmscore_') to name the "
                f"added columns {list(self.output_types())} apart"
            )
        added = self._verdict_columns(texts)
        if isinstance(batch, pd.DataFrame):
            result = batch.copy()
            for name, values in added.items():
                result[name] = _series(values, self.output_types()[name], batch.index)
            return result
        if isinstance(batch[self.text_column], np.ndarray):
            types = self.output_types()
            return {
                **batch,
                **{name: _array(values, types[name]) for name, values in added.items()},
            }
        return {**batch, **added}

    def keep(self, batch: pd.DataFrame | Mapping[str, Any]) -> list[bool]:
        """For a batched filter: True for each row scored and not labelled content_farm. A row
        that cannot be scored is not kept, as `farmscore gate` sends it to its errors rather
        than its accepted output; to keep such rows, filter on `label` after mapping."""
        labels = self._verdict_columns(self._texts(batch))[self.output_prefix + "label"]
        return [label is not None and label != LABEL_FARM for label in labels]

    def _texts(self, batch: pd.DataFrame | Mapping[str, Any]) -> list[object]:
        if not isinstance(batch, pd.DataFrame | Mapping):
            raise TypeError(
                f"ScoreBatch takes a pandas DataFrame or a dict of columns, not "
                f"{type(batch).__name__}; ask the engine for pandas batches"
            )
        if self.text_column not in batch:
            raise KeyError(
                f"no column {self.text_column!r}; the batch has {list(batch.keys())}; pass "
                f"text_column= to name the column holding the text"
            )
        return list(batch[self.text_column])

    def _verdict_columns(self, texts: Sequence[object]) -> dict[str, list[Any]]:
        """One list per output column: the verdict of each text, or why it has none."""
        errors = [why_unscorable(text, f"column {self.text_column!r}") for text in texts]
        documents = [
            Document(id=str(row), text=str(text))
            for row, (text, error) in enumerate(zip(texts, errors, strict=True))
            if error is None
        ]
        scores = iter(self._scorer().score_batch(documents) if documents else [])
        rows = [_unscored(error) if error else _verdict_row(next(scores)) for error in errors]
        return {self.output_prefix + name: [row[name] for row in rows] for name in OUTPUT_TYPES}

    def _scorer(self) -> Scorer:
        with _LOADING:
            return _load_scorer(self.model, self.model_sha256, self.threshold, self.policy)


# One load at a time: a Dask worker with several threads would otherwise load one model each.
_LOADING = threading.Lock()


@lru_cache(maxsize=4)
def _load_scorer(
    model: str | None, model_sha256: str, threshold: float | None, policy: Policy
) -> Scorer:
    scorer = Scorer.load(model, threshold=threshold, policy=policy)
    found = scorer.card.model_file.sha256
    if found != model_sha256:
        raise ModelVerificationError(
            f"the model in {scorer.folder} has SHA-256 {found[:12]}..., not the "
            f"{model_sha256[:12]}... this ScoreBatch was made with: the folder was rewritten "
            f"since, or this worker's farmscore ships another model; make the ScoreBatch again, "
            f"or install the driver's farmscore on every worker"
        )
    # Only the strongest reason is kept, and it comes first whatever the number asked for.
    scorer.n_reasons = 1
    return scorer


def _verdict_row(score: Score) -> dict[str, Any]:
    fields = verdict_fields(score, reasons=1)
    return {
        "score": fields["score"],
        "label": fields["label"],
        "decided_by": fields["decided_by"] or None,
        "top_reason": fields["reasons"][0]["feature"] if fields["reasons"] else None,
        "machine": fields["machine"],
        "substance_percentile": fields["substance_percentile"],
        "warnings": "; ".join(fields["warnings"]),
        "error": None,
    }


def _unscored(error: str) -> dict[str, Any]:
    return dict.fromkeys(OUTPUT_TYPES) | {"error": error}


# pandas' own string type (`str` from pandas 3 on, missing as NaN), not object: Dask cannot
# tell the type of an empty object column, and so cannot write it to Parquet.
_PANDAS_STRING = "str" if int(pd.__version__.split(".")[0]) >= 3 else "string"


def _series(values: list[Any], kind: str, index: pd.Index) -> pd.Series:
    # Explicit dtypes: an empty or all-missing batch then has the types of a full one, which
    # Dask's `meta` and Spark's schema rely on.
    if kind == "double":
        return pd.Series(_floats(values), index=index, dtype="float64")
    return pd.Series(values, index=index, dtype=_PANDAS_STRING)


def _array(values: list[Any], kind: str) -> np.ndarray:
    if kind == "double":
        return np.array(_floats(values), dtype=np.float64)
    return np.array(values, dtype=object)


def _floats(values: list[Any]) -> list[float]:
    return [math.nan if value is None else float(value) for value in values]
