"""Write an audit's outputs atomically: each file goes to a temporary name in the same
folder and is renamed into place with `os.replace` only when every file is complete, so an
interrupted audit never leaves a half-written result beside the complete ones.

A distributed audit writes `results.parquet` as a folder of parts (`part-000000.parquet`, ...,
in input order) and appends to `results.csv` as parts arrive; both are staged under temporary
names the same way and renamed into place together at the end.

>>> import tempfile
>>> import pandas as pd
>>> folder = Path(tempfile.mkdtemp())
>>> written = write_results(pd.DataFrame({"id": ["a"], "score": [0.5]}), folder)
>>> sorted(path.name for path in folder.iterdir())
['results.csv', 'results.parquet']
>>> with staged_result_parts(folder / "parts") as parts:
...     parts.add(pd.DataFrame({"id": ["a"], "score": [0.5]}))
...     parts.add(pd.DataFrame({"id": ["b"], "score": [0.7]}))
...     written = parts.commit()
>>> sorted(path.name for path in written.parquet.iterdir())
['part-000000.parquet', 'part-000001.parquet']
>>> list(pd.read_parquet(written.parquet)["id"])
['a', 'b']
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from farmscore.atomic_files import (
    OutputWriteError,
    discard_unwritten,
    replace_path,
    staged_paths,
)
from farmscore.spreadsheet_cells import defused

if TYPE_CHECKING:
    import pandas as pd

RESULTS_PARQUET = "results.parquet"
RESULTS_CSV = "results.csv"
REPORT_HTML = "report.html"
# Readers (pyarrow, and so pandas) take a folder's parts in sorted name order: zero-padded
# numbers keep that the input order for up to a million parts.
PART_NAME = "part-{number:06d}.parquet"
MAX_PARTS = 1_000_000
# What a failed write leaves: the results are renamed into place together, only once complete.
_UNCHANGED = "the results there were left as they were, and the temporary files removed"


def for_spreadsheets(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as results.csv writes it: text cells that start like a formula defused."""
    texts = frame.select_dtypes(include=["object", "string"]).columns
    if texts.empty:
        return frame
    return frame.assign(**{str(column): frame[column].map(defused) for column in texts})


@dataclass(frozen=True, slots=True)
class ResultFiles:
    """Where the results were written."""

    parquet: Path
    csv: Path


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    # Through a file Python opened: pyarrow cannot open a path whose name is not UTF-8.
    with path.open("wb") as file:
        frame.to_parquet(file, index=False)


def write_results(frame: pd.DataFrame, folder: Path) -> ResultFiles:
    """Write `frame` as `folder/results.parquet` and `folder/results.csv`; both appear
    together, after both are complete."""
    files = ResultFiles(folder / RESULTS_PARQUET, folder / RESULTS_CSV)
    for_csv = for_spreadsheets(frame)
    writers: list[tuple[Path, Callable[[Path], None]]] = [
        (files.parquet, lambda path: _write_parquet(frame, path)),
        (files.csv, lambda path: for_csv.to_csv(path, index=False, encoding="utf-8")),
    ]
    with staged_paths(folder, len(writers)) as temps:
        for (final, write), temp in zip(writers, temps, strict=True):
            try:
                write(temp)
            except OSError as error:
                raise OutputWriteError(str(final), error, _UNCHANGED) from error
        for (final, _), temp in zip(writers, temps, strict=True):
            replace_path(temp, final)
    return files


class ResultParts:
    """Results arriving part by part, in input order: each part becomes one Parquet file of
    a staged `results.parquet` folder and is appended to a staged `results.csv`. Nothing
    shows under the final names until `commit`."""

    def __init__(self, folder: Path, parts_folder: Path, csv: TextIO) -> None:
        self.folder = folder
        self.count = 0
        self._parts_folder = parts_folder
        self._csv = csv

    def add(self, frame: pd.DataFrame) -> None:
        """Write the next part; every part must have the same columns and types.
        `OutputWriteError` when it cannot be written."""
        if self.count >= MAX_PARTS:
            raise ValueError(f"more than {MAX_PARTS:,} parts; use bigger partitions")
        part = self._parts_folder / PART_NAME.format(number=self.count)
        with self._failing_as(RESULTS_PARQUET):
            frame.to_parquet(part, index=False)
        with self._failing_as(RESULTS_CSV):
            # The header once, then rows only: the file reads as if written whole.
            for_spreadsheets(frame).to_csv(self._csv, index=False, header=self.count == 0)
            self._csv.flush()
        self.count += 1

    def commit(self) -> ResultFiles:
        """Rename the folder of parts and the CSV into place, together."""
        with self._failing_as(RESULTS_CSV):
            self._csv.close()
        files = ResultFiles(self.folder / RESULTS_PARQUET, self.folder / RESULTS_CSV)
        replace_path(self._parts_folder, files.parquet)
        replace_path(Path(self._csv.name), files.csv)
        return files

    @contextlib.contextmanager
    def _failing_as(self, name: str) -> Iterator[None]:
        """A failed write becomes an `OutputWriteError` naming the result file, not its
        temporary; what the CSV still buffers is dropped, so closing it cannot fail again."""
        try:
            yield
        except OSError as error:
            if not self._csv.closed:
                discard_unwritten(self._csv.fileno())
            raise OutputWriteError(str(self.folder / name), error, _UNCHANGED) from error


@contextlib.contextmanager
def staged_result_parts(folder: Path) -> Iterator[ResultParts]:
    """A `ResultParts` writing under temporary names in `folder`; whatever was not committed
    is removed on the way out (after a failure, an interrupt, or a run that found nothing)."""
    with staged_paths(folder, 2) as (parts_folder, csv_path):
        parts_folder.mkdir()
        # newline="": the CSV writer ends lines itself, as it does when pandas opens the file.
        with csv_path.open("w", encoding="utf-8", newline="") as csv:
            yield ResultParts(folder, parts_folder, csv)
