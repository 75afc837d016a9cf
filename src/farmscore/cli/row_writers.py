"""Write rows of results as JSONL or CSV, one whole row at a time and flushed, so that output
streams and a failed write (a full disk) leaves the output ending on its last complete row."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from typing import TextIO

from farmscore.atomic_files import WholeRowWriter
from farmscore.spreadsheet_cells import defused


def _json_safe(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class JsonlWriter:
    """One JSON object per line; non-finite floats become null so every line is valid JSON."""

    def __init__(self, stream: TextIO) -> None:
        self._rows = WholeRowWriter(stream)

    def write(self, row: Mapping[str, object]) -> None:
        line = json.dumps(row, ensure_ascii=False, default=_json_safe, allow_nan=False)
        self._rows.write(line + "\n")


class CsvWriter:
    """CSV with a header naming `columns`; each row is a mapping over those columns. A text
    that a spreadsheet would run as a formula gets a leading apostrophe."""

    def __init__(self, stream: TextIO, columns: Sequence[str]) -> None:
        self._columns = list(columns)
        # A quoted cell may hold line breaks, so one CSV row can be several lines.
        self._rows = WholeRowWriter(stream, unit="row")
        self._row_text = io.StringIO()
        self._writer = csv.writer(self._row_text)
        self._write_cells(self._columns)

    def write(self, row: Mapping[str, object]) -> None:
        self._write_cells([defused(row.get(column, "")) for column in self._columns])

    def _write_cells(self, cells: Sequence[object]) -> None:
        """Format one row apart, then write it whole."""
        self._writer.writerow(cells)
        self._rows.write(self._row_text.getvalue())
        self._row_text.seek(0)
        self._row_text.truncate()
