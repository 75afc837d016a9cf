"""What the commands share: output formats, error reporting, exit codes."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from farmscore.model.card import ModelVerificationError
from farmscore.model.verdict import Policy
from farmscore.reading.files import STDIN
from farmscore.scoring import Scorer
from farmscore.types import InputError

# Exit codes: every record processed; some records could not be read; the command was misused;
# an output could not be written (a full disk, a quota, an I/O error, a file over its size
# limit, a read-only file system), distinct from 1, which a pipeline may choose to accept.
EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_WRITE_FAILED = 3


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
        help="Files (.txt, .md, .html, .htm, .jsonl, .csv, .parquet, or any of them .gz), "
        "folders of them, or - for standard input (the default).",
        show_default=False,
    ),
]


def input_paths(paths: list[str] | None) -> list[str]:
    """The paths to read: standard input when none are given, said on standard error when a
    person is typing at it, so that a command that seems to hang says what it waits for."""
    if paths:
        return paths
    if sys.stdin.isatty():
        print(
            "farmscore: reading standard input until end of file (Ctrl-D); or give files or "
            "folders to read",
            file=sys.stderr,
        )
    return [STDIN]


def fail_when_nothing_read(read: int, failed: int) -> None:
    """Exit 1 with one line when every input failed: no empty table, no empty output."""
    if read == 0 and failed:
        fail(
            f"nothing read: every input failed ({failed} error{'s' if failed != 1 else ''} above)",
            EXIT_SOME_FAILED,
        )


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
        help="Label content_farm at or above this score in every length band (default: each "
        "band's own, chosen for at most 1% false positives on held-out human text of that "
        "band).",
    ),
]


class PolicyChoice(StrEnum):
    farm = "farm"
    machine = "machine"


PolicyOption = Annotated[
    PolicyChoice,
    typer.Option(
        "--policy",
        help="farm: reject content farms (tells decide; machine prose with human-level sourced "
        "substance stays, with a machine_prose warning). machine: reject any machine prose at "
        "the machine head's threshold.",
    ),
]
JOBS_HELP = (
    "Worker processes (-1: every core), started once the input fills a few batches of 64: "
    "a short input, or a slow feed's rows, are scored in this process."
)


def _checked_jobs(jobs: int) -> int:
    """--jobs as joblib takes it: 1, 2, ... processes, or -1 (every core), -2 (all but
    one)... 0 would mean no process at all."""
    if jobs == 0:
        raise typer.BadParameter("0 would use no process; give 1 or more, or -1 for every core")
    return jobs


JobsOption = Annotated[int, typer.Option("--jobs", help=JOBS_HELP, callback=_checked_jobs)]


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print `farmscore: error: message` on standard error and exit with `code`."""
    print(f"farmscore: error: {message}", file=sys.stderr)
    raise typer.Exit(code)


def load_scorer(
    model: Path | None, threshold: float | None, policy: PolicyChoice = PolicyChoice.farm
) -> Scorer:
    """The verified model, or a clear error and exit 2."""
    chosen: Policy = "machine" if policy is PolicyChoice.machine else "farm"
    try:
        return Scorer.load(model, threshold=threshold, policy=chosen)
    except ModelVerificationError as error:
        fail(str(error))
