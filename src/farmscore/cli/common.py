"""What the commands share: output formats, error reporting, exit codes."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from farmscore.artifacts import ModelVerificationError
from farmscore.scoring import Scorer
from farmscore.types import InputError

# Exit codes: every record processed; some records could not be read; the command was misused.
EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2


class TableFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    table = "table"


def report_input_error(error: InputError) -> None:
    """One line on standard error per unreadable record, naming where it was."""
    print(f"farmscore: skipped {error.where}: {error.reason}", file=sys.stderr)


PathsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Files (.txt, .md, .html, .htm, .jsonl), folders of them, or - for standard input.",
        show_default="-",
    ),
]
ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="Model folder (default: the model shipped with farmscore)."),
]
ThresholdOption = Annotated[
    float | None,
    typer.Option(
        "--threshold",
        min=0.0,
        max=1.0,
        help="Label content_farm at or above this score "
        "(default: the model's, chosen for at most 1% false positives on held-out human text).",
    ),
]
JobsOption = Annotated[int, typer.Option("--jobs", help="Worker processes (-1: every core).")]


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print `farmscore: error: message` on standard error and exit with `code`."""
    print(f"farmscore: error: {message}", file=sys.stderr)
    raise typer.Exit(code)


def load_scorer(model: Path | None, threshold: float | None) -> Scorer:
    """The verified model, or a clear error and exit 2."""
    try:
        return Scorer.load(model, threshold=threshold)
    except ModelVerificationError as error:
        fail(str(error))
