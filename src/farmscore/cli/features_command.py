"""`farmscore features`: print every feature of every document."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console

from farmscore.cli.common import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    PathsArgument,
    TableFormat,
    fail_when_nothing_read,
    input_paths,
    report_input_error,
)
from farmscore.cli.row_writers import CsvWriter, JsonlWriter
from farmscore.cli.tables import headline_columns, print_table
from farmscore.features.extractor import analyze_text, feature_names
from farmscore.reading.tables import iter_any_documents
from farmscore.types import Document


def features(
    paths: PathsArgument = None,
    output_format: Annotated[
        TableFormat, typer.Option("--format", help="jsonl and csv carry every feature.")
    ] = TableFormat.table,
) -> None:
    """Print one row of features per document.

    Exit codes: 0 every document was read, 1 some could not be, 2 usage error, 3 the output
    could not be written (one line says why and what it holds).
    """
    names = feature_names()
    failed = 0
    table_rows: list[list[object]] = []
    shown = headline_columns(names)
    jsonl = JsonlWriter(sys.stdout) if output_format is TableFormat.jsonl else None
    csv_out = CsvWriter(sys.stdout, ["id", *names]) if output_format is TableFormat.csv else None
    read = 0
    for record in iter_any_documents(input_paths(paths)):
        if not isinstance(record, Document):
            report_input_error(record)
            failed += 1
            continue
        read += 1
        values = analyze_text(record.text).values
        if jsonl:
            jsonl.write({"id": record.id, "features": values})
        elif csv_out:
            csv_out.write({"id": record.id, **values})
        else:
            table_rows.append([record.id, *(values[name] for name in shown)])
    fail_when_nothing_read(read, failed)
    if output_format is TableFormat.table:
        console = Console()
        print_table(
            console, "farmscore features (all of them: --format csv)", ["id", *shown], table_rows
        )
    raise typer.Exit(EXIT_SOME_FAILED if failed else EXIT_OK)
