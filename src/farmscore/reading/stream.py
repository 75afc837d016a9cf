"""Stream JSONL records one line at a time, keeping each line's number and raw text.

A line becomes a `ParsedRecord` (the record as given, and the `Document` to score) or an
`UnreadableRecord` (an errors row: where, the raw text, why). Lines are never read whole
past the record limit, so one enormous line cannot exhaust memory.

>>> import io
>>> records = list(jsonl_records(io.BytesIO(b'{"id": "a", "text": "Rain due."}\\n[1]\\n')))
>>> records[0].record, records[1].row()["error"]
({'id': 'a', 'text': 'Rain due.'}, 'a JSON list, not an object with a text field')
"""

from __future__ import annotations

import base64
import io
import os
import re
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from farmscore.reading.files import parse_jsonl_object, record_document
from farmscore.reading.lines import RAW_PREVIEW_CHARS, UTF8_BOM, RawLine, iter_raw_lines
from farmscore.reading.settings import MAX_DOCUMENT_BYTES
from farmscore.types import Document, InputError
from farmscore.words import NO_WORDS_REASON, has_words

# Bytes looked at to tell JSONL from a feed; a JSON Feed names its version near the top.
SNIFF_BYTES = 1 << 16
# Gate refuses a record without words: there is nothing to judge.
NO_WORDS = NO_WORDS_REASON
_JSON_FEED_VERSION = re.compile(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/1(?:\.1)?/?"')


class InputKind(StrEnum):
    jsonl = "jsonl"
    json_feed = "json_feed"
    xml_feed = "xml_feed"
    plain_text = "plain_text"


@dataclass(frozen=True, slots=True)
class ParsedRecord:
    """A record that can be scored: its position, the record as given, its `Document`, and
    where it was as an errors row names it (`{"line": n}`, or `{"line": None, "item": n}`)."""

    position: int
    record: dict[str, object]
    document: Document
    where: dict[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UnreadableRecord:
    """A record that cannot be scored: where it was, its raw text and the reason.

    `where` is `{"line": n}` for JSONL, `{"line": None, "item": n}` for a feed item;
    `extra` holds `raw_truncated`, `raw_bytes` or `raw_base64` when the raw text alone
    would not say what the input was."""

    where: dict[str, int | None]
    raw: str
    error: str
    extra: dict[str, object] = field(default_factory=dict)

    def row(self) -> dict[str, object]:
        """The errors row: `{"line", ["item"], "raw", "error", ...extra}`."""
        return {**self.where, "raw": self.raw, "error": self.error, **self.extra}


SourceRecord = ParsedRecord | UnreadableRecord


def open_input(path: str | Path) -> BinaryIO:
    """A buffered binary reader on `path` (raises `OSError` when it cannot be read)."""
    if Path(path).is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a file")
    return open(path, "rb", buffering=SNIFF_BYTES)  # the caller closes it


def file_identity(path: str | Path) -> tuple[object, ...]:
    """What makes two paths one file: device and inode for a file that exists (so that a hard
    link or a symbolic link to an input is caught), else the resolved path."""
    try:
        found = os.stat(path)
    except OSError:
        return ("path", Path(path).resolve())
    return ("inode", found.st_dev, found.st_ino)


def stdin_identity() -> tuple[object, ...] | None:
    """The identity of the file standard input was redirected from, if it is a regular file."""
    try:
        found = os.fstat(sys.stdin.fileno())
    except (OSError, ValueError, AttributeError):  # closed, or a test runner's stand-in
        return None
    return ("inode", found.st_dev, found.st_ino) if stat.S_ISREG(found.st_mode) else None


def open_output(path: str | Path) -> BinaryIO:
    """A binary writer on `path`, created or emptied (raises `OSError` when it cannot be)."""
    return open(path, "wb")  # the caller closes it


def buffered(stream: BinaryIO) -> io.BufferedReader:
    """`stream` as a reader that can peek; a test's BytesIO is not one."""
    if isinstance(stream, io.BufferedReader):
        return stream
    return io.BufferedReader(stream, buffer_size=SNIFF_BYTES)  # type: ignore[arg-type]


def detect_input_kind(stream: io.BufferedReader) -> InputKind:
    """JSON Feed, XML feed, JSONL or plain text, from the first 64 KiB, without consuming them.

    `<` starts an XML (RSS or Atom) feed; `{` with a JSON Feed version key starts a JSON
    Feed; a stream with a line starting with `{` in its first 64 KiB (or that is empty, or
    one line longer than that) is JSONL, read line by line, its bad lines errors rows; any
    other text is plain text, which is no stream of records."""
    head = sniffable(stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]).lstrip()
    if head.startswith(b"<"):
        return InputKind.xml_feed
    if head.startswith(b"{") and _JSON_FEED_VERSION.search(head):
        return InputKind.json_feed
    lines = head.splitlines()
    if len(lines) > 1 and not any(line.lstrip().startswith(b"{") for line in lines):
        return InputKind.plain_text
    return InputKind.jsonl


# Byte-order marks other than UTF-8's, whose text is read to tell what kind of input it is;
# UTF-32 first, as its little-endian mark starts like UTF-16's.
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def sniffable(head: bytes) -> bytes:
    """The first bytes of an input as UTF-8 without a byte-order mark, so that a UTF-16 or
    UTF-32 feed (whose parser reads its mark) is recognised as one."""
    for bom, codec in _WIDE_BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="ignore").encode("utf-8")
    return head.removeprefix(UTF8_BOM)


def read_document(stream: BinaryIO, max_bytes: int) -> bytes:
    """The whole of `stream`, but never more than `max_bytes` + 1 bytes: a result longer
    than `max_bytes` means the document was over the limit."""
    return stream.read(max_bytes + 1)


def jsonl_records(
    stream: BinaryIO, max_line_bytes: int = MAX_DOCUMENT_BYTES
) -> Iterator[SourceRecord]:
    """One `ParsedRecord` or `UnreadableRecord` per non-blank line of a JSONL stream, lazily
    and in input order. Blank lines are not records and are skipped."""
    for line in iter_raw_lines(stream, max_line_bytes):
        if not line.data.strip() and not line.oversized:
            continue
        yield parse_line(line, max_line_bytes)


def parse_line(line: RawLine, max_line_bytes: int = MAX_DOCUMENT_BYTES) -> SourceRecord:
    """One JSONL line into a record to score, or an errors row naming the line."""
    where: dict[str, int | None] = {"line": line.number}
    if line.oversized:
        preview = line.preview()
        return UnreadableRecord(
            where,
            preview,
            f"the line is {line.n_bytes:,} bytes, over the {max_line_bytes:,}-byte limit for "
            f"one record; raw holds only its first {RAW_PREVIEW_CHARS:,} characters; "
            f"split the article or shorten it",
            {"raw_truncated": True, "raw_bytes": line.n_bytes},
        )
    name = f"line {line.number}"
    record = parse_jsonl_object(line.data, name)
    if isinstance(record, InputError):
        return unreadable(where, line.data, record.reason)
    document = record_document(record, name, name, line.data)
    if isinstance(document, InputError):
        return unreadable(where, line.data, document.reason)
    if not has_words(document.text):
        return unreadable(where, line.data, NO_WORDS)
    return ParsedRecord(line.number, record, document, where)


def unreadable(where: dict[str, int | None], data: bytes, reason: str) -> UnreadableRecord:
    """An errors row for raw bytes; bytes that are not UTF-8 are kept exactly in base64."""
    try:
        return UnreadableRecord(where, data.decode("utf-8"), reason)
    except UnicodeDecodeError:
        return UnreadableRecord(
            where,
            data.decode("utf-8", errors="replace"),
            reason,
            {"raw_base64": base64.b64encode(data).decode("ascii")},
        )


__all__ = [
    "NO_WORDS",
    "RAW_PREVIEW_CHARS",
    "InputKind",
    "ParsedRecord",
    "RawLine",
    "SourceRecord",
    "UnreadableRecord",
    "buffered",
    "detect_input_kind",
    "file_identity",
    "iter_raw_lines",
    "jsonl_records",
    "open_input",
    "open_output",
    "parse_line",
    "read_document",
    "stdin_identity",
    "unreadable",
]
