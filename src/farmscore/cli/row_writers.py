"""Write rows of results as JSONL or CSV, one row at a time so that output streams."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping, Sequence
from typing import TextIO

from farmscore.spreadsheet_cells import defused


def _json_safe(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class JsonlWriter:
    """One JSON object per line; non-finite floats become null so every line is valid JSON."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, row: Mapping[str, object]) -> None:
        line = json.dumps(row, ensure_ascii=False, default=_json_safe, allow_nan=False)
        self._stream.write(line + "\n")


class CsvWriter:
    """CSV with a header naming `columns`; each row is a mapping over those columns. A text
    that a spreadsheet would run as a formula gets a leading apostrophe."""

    def __init__(self, stream: TextIO, columns: Sequence[str]) -> None:
        self._columns = list(columns)
        self._writer = csv.writer(stream)
        self._writer.writerow(self._columns)

    def write(self, row: Mapping[str, object]) -> None:
        self._writer.writerow([defused(row.get(column, "")) for column in self._columns])
