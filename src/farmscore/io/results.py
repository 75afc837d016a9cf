"""Write an audit's outputs atomically: each file goes to a temporary name in the same
folder and is renamed into place with `os.replace` only when every file is complete, so an
interrupted audit never leaves a half-written result beside the complete ones.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> written = write_results(pd.DataFrame({"id": ["a"], "score": [0.5]}), folder)
>>> sorted(path.name for path in folder.iterdir())
['results.csv', 'results.parquet']
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

RESULTS_PARQUET = "results.parquet"
RESULTS_CSV = "results.csv"
REPORT_HTML = "report.html"
# Temporary files start with a dot and end in .tmp, so no reader takes them for results.
_TEMP_PREFIX = ".farmscore-"
_TEMP_SUFFIX = ".tmp"


@dataclass(frozen=True, slots=True)
class ResultFiles:
    """Where the results were written."""

    parquet: Path
    csv: Path


def write_results(frame: pd.DataFrame, folder: Path) -> ResultFiles:
    """Write `frame` as `folder/results.parquet` and `folder/results.csv`; both appear
    together, after both are complete."""
    files = ResultFiles(folder / RESULTS_PARQUET, folder / RESULTS_CSV)
    writers: list[tuple[Path, Callable[[Path], None]]] = [
        (files.parquet, lambda path: frame.to_parquet(path, index=False)),
        (files.csv, lambda path: frame.to_csv(path, index=False, encoding="utf-8")),
    ]
    with _staged(folder, len(writers)) as temps:
        for (_, write), temp in zip(writers, temps, strict=True):
            write(temp)
        for (final, _), temp in zip(writers, temps, strict=True):
            os.replace(temp, final)
    return files


def write_text_atomic(path: Path, text: str) -> Path:
    """Write `text` (UTF-8) to `path` through a temporary file in the same folder."""
    with _staged(path.parent, 1) as (temp,):
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, path)
    return path


@contextlib.contextmanager
def _staged(folder: Path, count: int) -> Iterator[list[Path]]:
    """`count` unused temporary paths in `folder`, removed on the way out if still there
    (after a failure or an interrupt; after success they have been renamed away). The files
    are created by their writers, so they get the usual permissions, not mkstemp's 0600."""
    folder.mkdir(parents=True, exist_ok=True)
    temps = [folder / f"{_TEMP_PREFIX}{secrets.token_hex(8)}{_TEMP_SUFFIX}" for _ in range(count)]
    try:
        yield temps
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)
