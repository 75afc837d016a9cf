"""Gate a stream before ingestion: score each record and route it to accept, reject or
errors, so that every input record ends in exactly one of them, in input order within each.

Records stream through `Scorer.score_documents`; only the batches in flight are held, so
memory stays flat however long the stream. Accepted and rejected rows are the input record
with all its fields plus a `farmscore` object (score, label, threshold, model, word_count,
reasons); errors rows are `{"line", "raw", "error"}` (see `farmscore.reading.stream`).

>>> counts = GateCounts(read=3, accepted=1, rejected=1, errors=1)
>>> counts.summary()
'farmscore gate: 3 read, 1 accepted, 1 rejected, 1 errors'
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, BinaryIO

from farmscore.atomic_files import OutputWriteError, WholeRowWriter
from farmscore.model.verdict import LABEL_FARM
from farmscore.reading.feeds import FEED_MAX_BYTES, feed_records
from farmscore.reading.stream import (
    SNIFF_BYTES,
    InputKind,
    ParsedRecord,
    SourceRecord,
    buffered,
    detect_input_kind,
    jsonl_records,
    read_document,
    sniffable,
)
from farmscore.score_rows import score_to_dict
from farmscore.scoring import Scorer
from farmscore.types import Document, Score

_ROW_ENCODER = json.JSONEncoder(ensure_ascii=False)
_LONG_ROW_CHARS = 1_000_000
# The key under which a row carries its verdict; an input field of that name is replaced.
VERDICT_KEY = "farmscore"


@dataclass(slots=True)
class GateCounts:
    """How many records were read and where each went; `read` is always the sum of the rest."""

    read: int = 0
    accepted: int = 0
    rejected: int = 0
    errors: int = 0

    def summary(self, rejected_dropped: bool = False) -> str:
        """`farmscore gate: 120 read, 97 accepted, 20 rejected, 3 errors`."""
        dropped = " (dropped)" if rejected_dropped else ""
        return (
            f"farmscore gate: {self.read} read, {self.accepted} accepted, "
            f"{self.rejected} rejected{dropped}, {self.errors} errors"
        )

    def routed(self) -> str:
        """`97 accepted, 20 rejected, 3 errors`: where the records went, without `read`, which
        counts records still in flight when the gate stops early."""
        return f"{self.accepted} accepted, {self.rejected} rejected, {self.errors} errors"


@dataclass(frozen=True, slots=True)
class GateSinks:
    """Where rows go. `reject` is None only when the caller chose to drop rejected records;
    they are still counted."""

    accept: BinaryIO
    reject: BinaryIO | None
    errors: BinaryIO


class NotRecordsError(ValueError):
    """Input that is neither JSONL nor a feed: plain text has no records to route."""


def source_records(stream: BinaryIO) -> Iterator[SourceRecord]:
    """The records of a JSONL stream (read line by line) or of a feed (read whole, up to
    `FEED_MAX_BYTES`), told apart by their first bytes; `NotRecordsError` for plain text,
    before a single record is read."""
    reader = buffered(stream)
    kind = detect_input_kind(reader)
    if kind is InputKind.plain_text:
        first = sniffable(reader.peek(SNIFF_BYTES)[:SNIFF_BYTES]).lstrip()
        opening = first.split(b"\n", 1)[0][:60].decode("utf-8", errors="replace")
        raise NotRecordsError(
            f"this is neither JSONL (one JSON object per line, with text or html) nor an RSS, "
            f"Atom or JSON feed: it starts {opening!r} and no line of its first 64 KiB starts "
            f"with '{{'; to score plain text, use farmscore score"
        )
    if kind is InputKind.jsonl:
        return jsonl_records(reader)
    return feed_records(read_document(reader, FEED_MAX_BYTES), kind)


class Unsupported(StrEnum):
    """Where a record goes whose score carries a warning (too short, not English)."""

    label = "label"  # by its label, like any other record (the warning rides in its verdict)
    accept = "accept"
    reject = "reject"
    error = "error"


def run_gate(
    records: Iterable[SourceRecord],
    scorer: Scorer,
    sinks: GateSinks,
    n_jobs: int = 1,
    on_unsupported: Unsupported = Unsupported.label,
) -> GateCounts:
    """Score `records` lazily and write each to exactly one sink; returns the counts.

    Content-farm labels (score at or above the scorer's threshold) are rejected, the rest
    accepted; a record whose score has warnings goes where `on_unsupported` says. Every row
    is written whole and flushed at once (a flush costs microseconds, a score milliseconds),
    so a reader downstream sees rows while the input still flows, and a record that was
    judged is on its way out even if the process dies on a later one.

    A sink that cannot be written (a full disk) raises `OutputWriteError`: the file ends on
    its last complete row, and a note counts the records routed before it."""
    counts = GateCounts()
    accept, errors = WholeRowWriter(sinks.accept), WholeRowWriter(sinks.errors)
    reject = WholeRowWriter(sinks.reject) if sinks.reject is not None else None
    # Records handed to the scorer and not yet scored; scores come back in input order.
    in_flight: deque[ParsedRecord] = deque()

    def documents() -> Iterator[Document]:
        # May run in joblib's dispatch thread: it touches only `read`, `errors`, the errors
        # sink and the right end of `in_flight`.
        for item in records:
            counts.read += 1
            if not isinstance(item, ParsedRecord):
                errors.write(encode_row(item.row()))
                counts.errors += 1
                continue
            in_flight.append(item)
            # Only id and text travel to the scorer (and to worker processes), not the html.
            yield Document(id=item.document.id, text=item.document.text)

    scores = scorer.score_documents(documents(), n_jobs=n_jobs)
    try:
        for score in scores:
            item = in_flight.popleft()
            if score.id != item.document.id:
                raise RuntimeError(f"score for {score.id!r} came back for {item.document.id!r}")
            row = {**item.record, VERDICT_KEY: verdict(score, item.document.text)}
            route = _route(score, on_unsupported)
            if route is Unsupported.error:
                reason = f"not judged: {', '.join(score.warnings)} (--on-unsupported error)"
                raw = json.dumps(item.record, ensure_ascii=False)
                errors.write(encode_row({**item.where, "raw": raw, "error": reason}))
                counts.errors += 1
            elif route is Unsupported.reject:
                if reject is not None:
                    reject.write(encode_row(row))
                counts.rejected += 1
            else:
                accept.write(encode_row(row))
                counts.accepted += 1
    except OutputWriteError as error:
        error.add_note(f"routed before it: {counts.routed()}")
        raise
    finally:
        # Stops worker processes when the loop ends early (a closed pipe downstream).
        close = getattr(scores, "close", None)
        if close is not None:
            close()
    return counts


def _route(score: Score, on_unsupported: Unsupported) -> Unsupported:
    """accept, reject or error for one scored record."""
    if score.warnings and on_unsupported is not Unsupported.label:
        return on_unsupported
    return Unsupported.reject if score.label == LABEL_FARM else Unsupported.accept


def verdict(score: Score, text: str) -> dict[str, Any]:
    """The `farmscore` object of a row: score, label, threshold, model, word_count and reasons
    with the text of their evidence spans (offsets are into the scored, extracted text)."""
    result = score_to_dict(score, text)
    del result["id"]
    return result


def encode_row(row: dict[str, Any]) -> bytes:
    """One JSONL line as UTF-8. Values are written as they came (the reader refuses NaN,
    Infinity and 1e400, which JSON cannot hold); a lone surrogate (a `\\ud800` escape in the
    input) cannot be UTF-8, so that row stays escaped.

    A row holding a long text is encoded piece by piece: the text is then copied once as
    escaped text and once as UTF-8, not also joined with the rest of the row and with its
    newline (with one character past U+FFFF, each such copy of 10 MB of text takes 40 MB).
    Other rows take the one-shot encoder, three times faster."""
    try:
        if sum(len(value) for value in row.values() if isinstance(value, str)) < _LONG_ROW_CHARS:
            return (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
        pieces = [piece.encode("utf-8") for piece in _ROW_ENCODER.iterencode(row)]
    except UnicodeEncodeError:
        return (json.dumps(row, ensure_ascii=True) + "\n").encode("ascii")
    pieces.append(b"\n")
    return b"".join(pieces)


__all__ = [
    "VERDICT_KEY",
    "GateCounts",
    "GateSinks",
    "NotRecordsError",
    "Unsupported",
    "encode_row",
    "run_gate",
    "source_records",
    "verdict",
]
