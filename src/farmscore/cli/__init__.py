"""The `farmscore` command: thin typer commands that delegate to the package."""

from __future__ import annotations

import typer

from farmscore.cli import (
    audit_command,
    features_command,
    gate_command,
    score_command,
    train_command,
)

app = typer.Typer(
    name="farmscore",
    help="Tell substantive articles from content-farm pages, with reasons a person can check.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("features")(features_command.features)
app.command("score")(score_command.score)
app.command("train")(train_command.train)
app.command("evaluate")(train_command.evaluate)
app.command("audit")(audit_command.audit)
app.command("gate")(gate_command.gate)


def main() -> None:
    """Entry point of the `farmscore` console script."""
    app()


__all__ = ["app", "main"]
