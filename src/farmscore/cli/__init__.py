"""The `farmscore` command: thin typer commands that delegate to the package."""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated

import typer

from farmscore.cli import (
    audit_command,
    features_command,
    gate_command,
    score_command,
    serve_command,
    train_command,
)
from farmscore.cli.lifecycle import run_until_done

# Every command's exit codes (cli/lifecycle.py says the same).
EXIT_CODES_HELP = (
    "Exit codes: 0 done; 1 some records or documents could not be read or scored, or a reader "
    "downstream closed the pipe; 2 usage error, or a refusal before any work (an unverified "
    "model, an input that is no stream of records); 3 an output could not be written (a full "
    "disk, a quota, an I/O error, a file over its size limit, a read-only file system): one "
    "line on standard error names it, says what to do and what it holds, and a file is cut "
    "back to its last complete row; 130 interrupted (Ctrl-C); 143 stopped by SIGTERM."
)

app = typer.Typer(
    name="farmscore",
    help="Tell substantive articles from content-farm pages, with reasons a person can check.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        print(f"farmscore {version('farmscore')}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_print_version, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Tell substantive articles from content-farm pages, with reasons a person can check."""


app.command("features")(features_command.features)
app.command("score")(score_command.score)
app.command("train")(train_command.train)
app.command("evaluate")(train_command.evaluate)
app.command("audit")(audit_command.audit)
app.command("gate")(gate_command.gate)
app.command("serve")(serve_command.serve)


def main() -> None:
    """Entry point of the `farmscore` console script."""
    run_until_done(app)


__all__ = ["app", "main"]
