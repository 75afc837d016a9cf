"""The audit: read every input, score every document, and keep one row per document with its
score, label, reasons, every feature value and, for a document that could not be scored, the
error. Rows stay in input order; failures are rows too, never gaps.

>>> site_of(Document(id="a", text="...", url="https://www.example.org/news/1"), "in/a.jsonl")
'example.org'
>>> site_of(Document(id="b", text="..."), "crawl/blog.example/post.html")
'blog.example'
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from farmscore.features.extractor import feature_names
from farmscore.io.tables import iter_input_records
from farmscore.report.serialize import reasons_summary
from farmscore.scoring import LABEL_FARM, LABEL_SUBSTANTIVE, Scorer
from farmscore.types import Document, InputError, Score

LABEL_ERROR = "error"
LABELS = (LABEL_FARM, LABEL_SUBSTANTIVE, LABEL_ERROR)
# Columns before the features, in the order a reader of results.csv wants them.
BASE_COLUMNS = ("id", "path", "url", "site", "score", "label", "reasons", "word_count", "error")
# Flagged documents kept with their text for the report: a reader checks the worst first.
TOP_FLAGGED = 20
# Reasons written in the `reasons` column: the scorer keeps five, all are worth reading.
REASONS_IN_TEXT = 5

FeatureValues = dict[str, float]
Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class FlaggedDocument:
    """A content-farm document kept with its text, so its evidence can be shown."""

    id: str
    path: str
    site: str
    text: str
    score: Score


@dataclass(slots=True)
class AuditResult:
    """Everything an audit found: one row per document (`BASE_COLUMNS` then every feature),
    the highest-scoring flagged documents with their text, and how often each feature was
    among the reasons pushing a flagged document toward content farm."""

    model: str
    threshold: float
    feature_names: list[str]
    rows: list[Row] = field(default_factory=list)
    flagged: list[FlaggedDocument] = field(default_factory=list)
    reason_counts: Counter[str] = field(default_factory=Counter)

    @property
    def n_failed(self) -> int:
        return sum(1 for row in self.rows if row["error"] is not None)

    @property
    def columns(self) -> list[str]:
        return [*BASE_COLUMNS, *self.feature_names]


@dataclass(frozen=True, slots=True)
class SiteStats:
    """One site's (or source's) share of an audit."""

    site: str
    documents: int
    failed: int
    flagged: int
    mean_score: float

    @property
    def flagged_share(self) -> float:
        scored = self.documents - self.failed
        return self.flagged / scored if scored else 0.0


@dataclass(frozen=True, slots=True)
class _Pending:
    """A document on its way through the scorer, with what its row needs besides the score."""

    id: str
    path: str
    url: str | None
    site: str
    text: str


def run_audit(
    paths: Iterable[str],
    scorer: Scorer,
    *,
    n_jobs: int = 1,
    exclude: Path | None = None,
    on_row: Callable[[], None] | None = None,
) -> AuditResult:
    """Audit every document under `paths` (see `iter_input_records`) with `scorer`, using
    `n_jobs` processes (-1: every core). `on_row` is called once per finished row, for a
    progress bar. Files under `exclude` are not read."""
    result = AuditResult(scorer.name, scorer.threshold, feature_names())
    # Rows waiting for the documents before them to be scored, so output keeps input order.
    queue: deque[_Pending | Row] = deque()
    top: list[tuple[float, int, FlaggedDocument]] = []
    order = itertools.count()

    def emit(row: Row) -> None:
        result.rows.append(row)
        if on_row is not None:
            on_row()

    def flush_failures() -> None:
        while queue:
            head = queue[0]
            if isinstance(head, _Pending):
                return
            queue.popleft()
            emit(head)

    def documents() -> Iterator[Document]:
        for sourced in iter_input_records(paths, exclude=exclude):
            record = sourced.record
            if isinstance(record, InputError):
                queue.append(_error_row(record.where, sourced.file, None, None, record.reason))
                continue
            site = site_of(record, sourced.file)
            empty = _emptiness(record)
            if empty is not None:
                queue.append(_error_row(record.id, sourced.file, record.url, site, empty))
                continue
            queue.append(_Pending(record.id, sourced.file, record.url, site, record.text))
            # Workers need the text only; the page's html would just be pickled and dropped.
            yield Document(id=record.id, text=record.text)

    for score, measured in scorer.score_documents_with_features(documents(), n_jobs):
        values = measured.values
        flush_failures()
        pending = queue.popleft()
        assert isinstance(pending, _Pending), "scores arrive in the order documents were read"
        emit(_score_row(pending, score, values))
        if score.label == LABEL_FARM:
            result.reason_counts.update(r.feature for r in score.reasons if r.contribution > 0)
            flagged = FlaggedDocument(pending.id, pending.path, pending.site, pending.text, score)
            entry = (score.score, -next(order), flagged)
            if len(top) < TOP_FLAGGED:
                heapq.heappush(top, entry)
            else:
                heapq.heappushpop(top, entry)
    flush_failures()
    result.flagged = [entry[2] for entry in sorted(top, reverse=True)]
    return result


def site_of(document: Document, file: str) -> str:
    """Where a document comes from: its table's `source` (or a JSONL record's), else its URL's
    host without `www.`, else the name of the folder holding its file."""
    source = document.source or document.meta.get("source")
    if isinstance(source, str) and source.strip():
        return source.strip()
    if document.url:
        host = urlsplit(document.url).hostname or ""
        if host:
            return host.removeprefix("www.")
    return _folder_name(file)


def _folder_name(file: str) -> str:
    parent = Path(file).parent
    return parent.name or parent.resolve().name or "."


def _emptiness(document: Document) -> str | None:
    if document.text.strip():
        return None
    if document.html is not None:
        return "empty: no article text found in the page"
    return "empty: no text to score"


def _error_row(where: str, file: str, url: str | None, site: str | None, reason: str) -> Row:
    return {
        "id": where,
        "path": file,
        "url": url,
        "site": site if site is not None else _folder_name(file),
        "score": None,
        "label": LABEL_ERROR,
        "reasons": None,
        "word_count": None,
        "error": reason,
    }


def _score_row(pending: _Pending, score: Score, values: FeatureValues) -> Row:
    return {
        "id": pending.id,
        "path": pending.path,
        "url": pending.url,
        "site": pending.site,
        "score": score.score,
        "label": score.label,
        "reasons": reasons_summary(score, limit=REASONS_IN_TEXT),
        "word_count": score.n_words,
        "error": None,
        **values,
    }


def result_frame(result: AuditResult) -> pd.DataFrame:
    """The rows as a table with every column present and typed, even when every document
    failed: word counts are nullable integers, scores and features floats."""
    frame = pd.DataFrame.from_records(result.rows, columns=result.columns)
    for column in ("id", "path", "url", "site", "label", "reasons", "error"):
        frame[column] = frame[column].astype("string")
    frame["word_count"] = frame["word_count"].astype("Int64")
    float_columns = ["score", *result.feature_names]
    frame[float_columns] = frame[float_columns].astype(np.float64)
    return frame


def label_counts(result: AuditResult) -> dict[str, int]:
    """Documents per label, `error` counting the ones that could not be scored."""
    counts = Counter(row["label"] for row in result.rows)
    return {label: counts.get(label, 0) for label in LABELS}


def site_stats(result: AuditResult) -> list[SiteStats]:
    """One entry per site, most documents first."""
    groups: dict[str, list[Row]] = {}
    for row in result.rows:
        groups.setdefault(str(row["site"]), []).append(row)
    stats = []
    for site, rows in groups.items():
        scores = [row["score"] for row in rows if row["error"] is None]
        stats.append(
            SiteStats(
                site=site,
                documents=len(rows),
                failed=len(rows) - len(scores),
                flagged=sum(1 for row in rows if row["label"] == LABEL_FARM),
                mean_score=float(np.mean(scores)) if scores else float("nan"),
            )
        )
    return sorted(stats, key=lambda s: (-s.documents, s.site))


def summary(result: AuditResult, top: int = 10) -> dict[str, Any]:
    """The audit in a few numbers, as a JSON-ready dict."""
    return {
        "model": result.model,
        "threshold": round(result.threshold, 6),
        "documents": len(result.rows),
        "failed": result.n_failed,
        "counts_by_label": label_counts(result),
        "top_reasons": [
            {"feature": name, "flagged_documents": count}
            for name, count in result.reason_counts.most_common(top)
        ],
        "sites": [
            {
                "site": s.site,
                "documents": s.documents,
                "failed": s.failed,
                "flagged_share": round(s.flagged_share, 4),
                "mean_score": None if np.isnan(s.mean_score) else round(s.mean_score, 6),
            }
            for s in site_stats(result)
        ],
        "top_flagged": [
            {
                "id": doc.id,
                "path": doc.path,
                "site": doc.site,
                "score": round(doc.score.score, 6),
                "reasons": [r.feature for r in doc.score.reasons],
            }
            for doc in result.flagged[:top]
        ],
        "errors": [
            {"id": row["id"], "error": row["error"]}
            for row in result.rows
            if row["error"] is not None
        ],
    }
