"""The audit: read every input, score every document, and keep one row per document with its
score, label, reasons, every feature value and, for a document that could not be scored, the
error. Rows stay in input order; failures are rows too, never gaps.

Both engines build rows the same way: `audit_items` turns inputs into documents waiting to be
scored (or finished error rows), `score_items` scores them into rows, `FlaggedTally` keeps the
worst flagged documents and the reason counts, and `rows_frame` types the table. The local
engine (`run_audit`) runs them over the whole input; the Dask engine runs `audit_part` on each
partition in a worker and merges the parts.

>>> site_of(Document(id="a", text="...", url="https://www.example.org/news/1"), "in/a.jsonl")
'example.org'
>>> site_of(Document(id="b", text="..."), "crawl/blog.example/post.html")
'blog.example'
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import numpy as np

from farmscore.features.extractor import feature_names
from farmscore.model.verdict import LABEL_FARM, LABEL_SUBSTANTIVE
from farmscore.reading.tables import iter_input_records
from farmscore.score_rows import reasons_summary
from farmscore.scoring import Scorer
from farmscore.types import Document, InputError, Score
from farmscore.words import NO_WORDS_REASON, has_words

if TYPE_CHECKING:
    import pandas as pd

LABEL_ERROR = "error"
LABELS = (LABEL_FARM, LABEL_SUBSTANTIVE, LABEL_ERROR)
# Columns before the features, in the order a reader of results.csv wants them.
BASE_COLUMNS = (
    "id",
    "path",
    "url",
    "site",
    "score",
    "label",
    "band",
    "decided_by",
    "machine",
    "substance_percentile",
    "tells",
    "reasons",
    "word_count",
    "warnings",
    "error",
)
# What the report, the summary and the printed tables read of each row; an engine that writes
# full rows to disk as it goes keeps only these in memory.
SUMMARY_COLUMNS = ("id", "site", "score", "label", "error")
# Flagged documents kept with their text for the report: a reader checks the worst first.
TOP_FLAGGED = 20
# Borderline documents: below the threshold by at most this much in log-odds (for a threshold
# of 0.95, scores from 0.81 up), where a reader's judgement adds the most.
BORDERLINE_LOG_ODDS = 1.5
# Reasons written in the `reasons` column: the scorer keeps five, all are worth reading.
REASONS_IN_TEXT = 5
# Documents per task of a distributed audit: big enough that a task's overhead (a few
# milliseconds) is small beside scoring it, small enough that a lost task is cheap to redo.
DEFAULT_PARTITION_SIZE = 1000

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
    among the reasons pushing a flagged document toward content farm.

    `rows_complete` is False when each row holds only `SUMMARY_COLUMNS` (the Dask engine,
    which writes the full rows to disk partition by partition instead of keeping them)."""

    model: str
    threshold: float
    feature_names: list[str]
    rows: list[Row] = field(default_factory=list)
    flagged: list[FlaggedDocument] = field(default_factory=list)
    reason_counts: Counter[str] = field(default_factory=Counter)
    rows_complete: bool = True
    # The highest-scoring documents just below the threshold (`borderline_floor`).
    borderline: list[FlaggedDocument] = field(default_factory=list)

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
class PendingDocument:
    """A document on its way to the scorer, with what its row needs besides the score."""

    id: str
    path: str
    url: str | None
    site: str
    text: str


# One input record on its way through an audit: a document to score, or its finished error row.
AuditItem = PendingDocument | Row


def borderline_floor(threshold: float) -> float:
    """The lowest score of a borderline document: `BORDERLINE_LOG_ODDS` below `threshold`.

    >>> round(borderline_floor(0.95), 3)
    0.809
    """
    if threshold <= 0.0:
        return 0.0
    if threshold >= 1.0:
        return 1.0
    log_odds = math.log(threshold / (1.0 - threshold)) - BORDERLINE_LOG_ODDS
    return 1.0 / (1.0 + math.exp(-log_odds))


_Kept = tuple[float, int, FlaggedDocument]


@dataclass(slots=True)
class FlaggedTally:
    """The `size` highest-scoring flagged documents seen so far (on a tie, the one earlier in
    the input), the `size` highest-scoring borderline ones (from `borderline_floor` up to the
    threshold), and how often each feature was a reason toward content farm. The tallies of
    consecutive parts of an audit merge into the tally of the whole."""

    threshold: float = 1.0
    size: int = TOP_FLAGGED
    reason_counts: Counter[str] = field(default_factory=Counter)
    # (score, -position, document): min-heaps whose root is the first to drop out.
    top: list[_Kept] = field(default_factory=list)
    borderline: list[_Kept] = field(default_factory=list)

    def add(self, position: int, document: PendingDocument, score: Score) -> None:
        """Count `score` for the document at `position` (0-based, in input order)."""
        if score.label == LABEL_FARM:
            # By direction: a tell that moved the score by nothing still counts.
            self.reason_counts.update(
                r.feature for r in score.reasons if r.direction == "content_farm"
            )
            heap = self.top
        elif score.score >= borderline_floor(score.threshold):
            heap = self.borderline
        else:
            return
        kept = FlaggedDocument(document.id, document.path, document.site, document.text, score)
        self._keep(heap, (score.score, -position, kept))

    def merge(self, other: FlaggedTally) -> None:
        """Add everything `other` counted (a part of the same audit, other positions)."""
        self.reason_counts.update(other.reason_counts)
        for entry in other.top:
            self._keep(self.top, entry)
        for entry in other.borderline:
            self._keep(self.borderline, entry)

    def best(self) -> list[FlaggedDocument]:
        """The kept flagged documents, highest score first."""
        return _highest_first(self.top)

    def best_borderline(self) -> list[FlaggedDocument]:
        """The kept borderline documents, highest score first."""
        return _highest_first(self.borderline)

    def _keep(self, heap: list[_Kept], entry: _Kept) -> None:
        if len(heap) < self.size:
            heapq.heappush(heap, entry)
        elif self.size > 0:
            heapq.heappushpop(heap, entry)


def _highest_first(heap: list[_Kept]) -> list[FlaggedDocument]:
    return [entry[2] for entry in sorted(heap, key=lambda e: (e[0], e[1]), reverse=True)]


@dataclass(frozen=True, slots=True)
class PartAudit:
    """One partition's share of an audit: its rows as a typed table, the `SUMMARY_COLUMNS`
    of each row, and its flagged documents and reason counts."""

    frame: pd.DataFrame
    summary_rows: list[Row]
    flagged: FlaggedTally


def run_audit(
    paths: Iterable[str],
    scorer: Scorer,
    *,
    n_jobs: int = 1,
    exclude: Path | None = None,
    on_row: Callable[[], None] | None = None,
    follow_links: bool = False,
    top: int = TOP_FLAGGED,
) -> AuditResult:
    """Audit every document under `paths` (see `iter_input_records`) with `scorer`, using
    `n_jobs` processes (-1: every core; workers start only once the input fills a batch,
    see `Scorer.score_documents`). `on_row` is called once per finished row, for a
    progress bar. Files under `exclude` are not read."""
    result = AuditResult(scorer.name, scorer.threshold, feature_names())
    flagged = FlaggedTally(scorer.threshold, top)
    items = audit_items(paths, exclude=exclude, follow_links=follow_links)
    rows = score_items(items, scorer, n_jobs=n_jobs)
    for position, (row, scored) in enumerate(rows):
        result.rows.append(row)
        if scored is not None:
            flagged.add(position, *scored)
        if on_row is not None:
            on_row()
    result.flagged = flagged.best()
    result.borderline = flagged.best_borderline()
    result.reason_counts = flagged.reason_counts
    return result


def audit_items(
    paths: Iterable[str], exclude: Path | None = None, follow_links: bool = False
) -> Iterator[AuditItem]:
    """Every record under `paths`, in input order: a document to score, or the error row of
    a record that cannot be scored (unreadable, or without text)."""
    for sourced in iter_input_records(paths, exclude=exclude, follow_links=follow_links):
        record = sourced.record
        if isinstance(record, InputError):
            yield _error_row(record.where, sourced.file, None, None, record.reason)
            continue
        doc_id, url = _writable(record.id), record.url and _writable(record.url)
        site = _writable(site_of(record, sourced.file))
        empty = _emptiness(record)
        if empty is not None:
            yield _error_row(doc_id, sourced.file, url, site, empty)
            continue
        yield PendingDocument(doc_id, sourced.file, url, site, record.text)


def score_items(
    items: Iterable[AuditItem], scorer: Scorer, *, n_jobs: int = 1
) -> Iterator[tuple[Row, tuple[PendingDocument, Score] | None]]:
    """Each item's row in input order, with the document and its score when it was scored.
    Items are read only as fast as the scorer takes documents, so a stream stays a stream."""
    # Items waiting for the documents before them to be scored, so rows keep input order.
    queue: deque[AuditItem] = deque()

    def documents() -> Iterator[Document]:
        for item in items:
            queue.append(item)
            if isinstance(item, PendingDocument):
                # Workers need the text only; the page's html would just be pickled and dropped.
                yield Document(id=item.id, text=item.text)

    def error_rows() -> Iterator[tuple[Row, None]]:
        while queue and not isinstance(queue[0], PendingDocument):
            row = queue.popleft()
            assert isinstance(row, dict)
            yield row, None

    for score, measured in scorer.score_documents_with_features(documents(), n_jobs):
        yield from error_rows()
        pending = queue.popleft()
        assert isinstance(pending, PendingDocument), "scores arrive in reading order"
        yield _score_row(pending, score, measured.values), (pending, score)
    yield from error_rows()


def audit_part(
    items: Sequence[AuditItem], scorer: Scorer, *, start: int, top: int = TOP_FLAGGED
) -> PartAudit:
    """Score one partition whose first item is at position `start` of the whole input, in
    this process: what a Dask worker does with each task."""
    rows: list[Row] = []
    flagged = FlaggedTally(scorer.threshold, top)
    for position, (row, scored) in enumerate(score_items(items, scorer), start=start):
        rows.append(row)
        if scored is not None:
            flagged.add(position, *scored)
    return PartAudit(
        frame=rows_frame(rows, feature_names()),
        summary_rows=[summary_row(row) for row in rows],
        flagged=flagged,
    )


def summary_row(row: Row) -> Row:
    """The `SUMMARY_COLUMNS` of a row: what the report needs once the row is on disk."""
    return {column: row[column] for column in SUMMARY_COLUMNS}


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


def _writable(text: str) -> str:
    """`text` with a lone surrogate (a `\\udc80` escape in a JSON id or url) written as that
    escape: Parquet, like UTF-8, cannot hold one."""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _emptiness(document: Document) -> str | None:
    if has_words(document.text):
        return None
    if document.html is not None:
        return "empty: no article text found in the page"
    return f"empty: {NO_WORDS_REASON}"


def _error_row(where: str, file: str, url: str | None, site: str | None, reason: str) -> Row:
    return {
        "id": where,
        "path": file,
        "url": url,
        "site": site if site is not None else _folder_name(file),
        "score": None,
        "label": LABEL_ERROR,
        "band": None,
        "decided_by": None,
        "machine": None,
        "substance_percentile": None,
        "tells": None,
        "reasons": None,
        "word_count": None,
        "warnings": None,
        "error": reason,
    }


def _score_row(pending: PendingDocument, score: Score, values: FeatureValues) -> Row:
    return {
        "id": pending.id,
        "path": pending.path,
        "url": pending.url,
        "site": pending.site,
        "score": score.score,
        "label": score.label,
        "band": score.band,
        "decided_by": score.decided_by,
        "machine": score.machine,
        "substance_percentile": score.substance_percentile,
        "tells": "; ".join(score.tells),
        "reasons": reasons_summary(score, limit=REASONS_IN_TEXT),
        "word_count": score.word_count,
        "warnings": ", ".join(score.warnings),
        "error": None,
        **values,
    }


def result_frame(result: AuditResult) -> pd.DataFrame:
    """The rows as a table with every column present and typed (see `rows_frame`)."""
    if not result.rows_complete:
        raise ValueError(
            "this audit kept only the summary columns of its rows; read the full rows from "
            "its results.parquet folder"
        )
    return rows_frame(result.rows, result.feature_names)


def rows_frame(rows: Sequence[Row], names: Sequence[str]) -> pd.DataFrame:
    """`rows` as a table of `BASE_COLUMNS` then the features `names`, every column present and
    typed even when every document failed: word counts are nullable integers, scores and
    features floats, the rest strings."""
    # Imported here: only the audit's tables need pandas, and `farmscore.audit.run` is imported
    # by the command line before it knows which command runs.
    import pandas as pd

    frame = pd.DataFrame.from_records(list(rows), columns=[*BASE_COLUMNS, *names])
    text_columns = ("id", "path", "url", "site", "label", "band", "decided_by", "tells")
    for column in (*text_columns, "reasons", "warnings", "error"):
        frame[column] = frame[column].astype("string")
    frame["word_count"] = frame["word_count"].astype("Int64")
    float_columns = ["score", "machine", "substance_percentile", *names]
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


def _kept_summary(doc: FlaggedDocument) -> dict[str, Any]:
    return {
        "id": doc.id,
        "path": doc.path,
        "site": doc.site,
        "score": round(doc.score.score, 6),
        "reasons": [r.feature for r in doc.score.reasons],
    }


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
        "top_flagged": [_kept_summary(doc) for doc in result.flagged[:top]],
        "borderline_floor": round(borderline_floor(result.threshold), 6),
        "borderline": [_kept_summary(doc) for doc in result.borderline[:top]],
        "errors": [
            {"id": row["id"], "error": row["error"]}
            for row in result.rows
            if row["error"] is not None
        ],
    }
