"""Read tables of articles (`.csv`, `.parquet`) into `Document`s, and walk audit inputs.

A table needs a `text` or `html` column; `id`, `url`, `source` and `title` are optional. A row
that cannot become a document is an `InputError` naming the file and the row (1 = the first
data row, whatever the header), so nothing is dropped silently.

>>> from pathlib import Path
from typing import BinaryIO
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "a.csv").write_text("id,text\\nx1,Some words.\\nx2,\\n", encoding="utf-8")
>>> [type(r).__name__ for r in iter_table_documents(folder / "a.csv")]
['Document', 'InputError']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from farmscore.reading.files import (
    STDIN,
    SUPPORTED_SUFFIXES,
    Record,
    iter_documents,
    open_decompressed,
    page_document,
    read_file,
)
from farmscore.reading.markdown import as_read_text
from farmscore.reading.paths import InputFile, logical_suffix, name_of, shown, walk_inputs
from farmscore.reading.settings import MAX_DOCUMENT_BYTES
from farmscore.types import Document, InputError
from farmscore.words import NO_WORDS_REASON, has_words

if TYPE_CHECKING:
    import pandas as pd

TABLE_SUFFIXES = frozenset({".csv", ".parquet"})
# Everything an audit reads: the readers' files plus tables.
AUDIT_SUFFIXES = SUPPORTED_SUFFIXES | TABLE_SUFFIXES
TEXT_COLUMNS = ("text", "html")


@dataclass(frozen=True, slots=True)
class SourcedRecord:
    """A record with the file it came from, so a failed record still has a place."""

    file: str
    record: Record


def iter_input_records(
    paths: Iterable[str], exclude: Path | None = None, follow_links: bool = False
) -> Iterator[SourcedRecord]:
    """Every document (or error) in `paths`: files, or folders searched recursively in sorted
    order for `.txt .md .html .htm .jsonl .csv .parquet` (and each of them `.gz`). Files under
    `exclude` (an audit's own output folder) are skipped, so a second audit does not read the
    first one's results; unreadable folders and entries, dangling links and links out of the
    folders given (unless `follow_links`) are errors (`farmscore.reading.paths`)."""
    for found in walk_inputs(paths, AUDIT_SUFFIXES, exclude=exclude, follow_links=follow_links):
        if isinstance(found, InputError):
            yield SourcedRecord(found.where, found)
            continue
        for record in _read_any(found):
            yield SourcedRecord(found.name, record)


def _read_any(found: InputFile) -> Iterator[Record]:
    if found.suffix in TABLE_SUFFIXES:
        yield from iter_table_documents(found.path)
    elif found.suffix in SUPPORTED_SUFFIXES:
        yield from read_file(found)
    else:
        yield InputError(
            shown(found.name),
            f"unsupported file type {found.suffix or '(none)'}; "
            f"give {', '.join(sorted(AUDIT_SUFFIXES))} files (or any of them .gz)",
        )


def iter_any_documents(paths: Iterable[str], stdin: BinaryIO | None = None) -> Iterator[Record]:
    """Every document (or error) of `paths` as `farmscore score` and `features` read them: the
    files and folders an audit reads, and `-` for standard input (`iter_documents`)."""
    for path in paths:
        if path == STDIN:
            yield from iter_documents([STDIN], stdin)
        else:
            for sourced in iter_input_records([path]):
                record = sourced.record
                if isinstance(record, Document) and not has_words(record.text):
                    yield InputError(record.id, NO_WORDS_REASON)
                else:
                    yield record


def iter_table_documents(file: Path) -> Iterator[Record]:
    """One `Document` per row of a `.csv` or `.parquet` table, or an `InputError` naming the
    file (for a table that cannot be read) or the row (for a row without usable text)."""
    name = name_of(file)
    try:
        frame = _read_table(file)
    except UnicodeDecodeError as error:
        yield InputError(
            name,
            f"not UTF-8 (bad byte at offset {error.start}); save the table as UTF-8 CSV",
        )
        return
    except Exception as error:  # pandas and pyarrow raise many types for a malformed file
        yield InputError(name, f"cannot be read as {file.suffix.lower()[1:]}: {error}")
        return
    columns = [str(column) for column in frame.columns]
    if not set(TEXT_COLUMNS) & set(columns):
        yield InputError(
            name, f"no 'text' or 'html' column; it has {columns[:10]}; rename the article column"
        )
        return
    for number, row in enumerate(frame.to_dict(orient="records"), start=1):
        yield _row_document(row, name, number)


def _read_table(file: Path) -> pd.DataFrame:
    # pandas (and pyarrow for Parquet) load only when a table is read.
    import pandas as pd

    with open_decompressed(file) as stream:
        if logical_suffix(file) == ".parquet":
            return pd.read_parquet(stream)
        # Strings throughout: an id like 007 stays 007, and an empty cell stays "" not NaN.
        return pd.read_csv(stream, dtype=str, keep_default_na=False, encoding="utf-8")


def _row_document(row: dict[str, object], name: str, number: int) -> Record:
    where = f"{name} row {number}"
    doc_id = _cell_text(row.get("id")) or where
    url = _cell_text(row.get("url")) or None
    source = _cell_text(row.get("source")) or None
    title = _cell_text(row.get("title")) or None
    text, html = row.get("text"), row.get("html")
    for value, column in ((text, "text"), (html, "html")):
        if not isinstance(value, str):
            if _is_missing(value):
                continue
            # A list or array cell (Parquet allows them) is no article: say so, row by row.
            return InputError(where, f"the {column} cell is a {type(value).__name__}, not a string")
        if value == "":
            continue
        if len(value.encode("utf-8")) > MAX_DOCUMENT_BYTES:
            return InputError(
                where, f"the {column} cell is over the {MAX_DOCUMENT_BYTES:,}-byte limit"
            )
        if column == "text":
            return Document(
                id=doc_id, text=as_read_text(value), title=title, url=url, source=source
            )
        return page_document(value, doc_id, title=title, url=url, source=source)
    return InputError(where, "the text (or html) cell is empty; fill it or drop the row")


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _cell_text(value: object) -> str:
    """A cell as text: missing values are empty, numbers keep their usual form."""
    if _is_missing(value):
        return ""
    return str(value).strip()
