"""Lines of a stream read with a bound: a line over the document limit keeps only its first
bytes and the rest is skipped as it is read, so that one huge line (or a small `.jsonl.gz`
that unpacks to one) never sits whole in memory. Every JSONL reader goes through here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from farmscore.reading.settings import MAX_DOCUMENT_BYTES

# Characters of an oversized line kept in its errors row: enough to recognise the record.
RAW_PREVIEW_CHARS = 1_000
# Bytes read at a time while skipping the rest of an oversized line.
SKIP_CHUNK_BYTES = 1 << 20

UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class RawLine:
    """One input line without its line ending; only the first bytes when it is oversized."""

    number: int
    data: bytes
    n_bytes: int
    oversized: bool = False

    def preview(self) -> str:
        """The line's first characters, for an errors row that names it."""
        return self.data.decode("utf-8", errors="replace")[:RAW_PREVIEW_CHARS]


def iter_raw_lines(stream: BinaryIO, max_line_bytes: int = MAX_DOCUMENT_BYTES) -> Iterator[RawLine]:
    """Lines of `stream` numbered from 1, read one at a time. A line over `max_line_bytes`
    keeps only its first bytes; the rest is skipped, not held."""
    number = 0
    while chunk := stream.readline(max_line_bytes + 2):
        number += 1
        complete = chunk.endswith(b"\n") or len(chunk) < max_line_bytes + 2
        line = chunk.removesuffix(b"\n").removesuffix(b"\r")
        if number == 1:
            line = line.removeprefix(UTF8_BOM)
        if complete and len(line) <= max_line_bytes:
            yield RawLine(number, line, len(line))
            continue
        n_bytes = len(line)
        while not complete:
            chunk = stream.readline(SKIP_CHUNK_BYTES)
            complete = not chunk or chunk.endswith(b"\n")
            n_bytes += len(chunk.removesuffix(b"\n").removesuffix(b"\r"))
        # Up to 4 bytes a character: enough bytes for the preview's characters.
        yield RawLine(number, line[: RAW_PREVIEW_CHARS * 4], n_bytes, oversized=True)
