"""`farmscore gate`: score a stream before ingestion and route every record, losing none."""

from __future__ import annotations

import sys
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from farmscore.atomic_files import OutputWriteError, discard_unwritten
from farmscore.cli.common import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    JobsOption,
    ModelOption,
    PolicyChoice,
    PolicyOption,
    ThresholdOption,
    fail,
    load_scorer,
)
from farmscore.cli.lifecycle import WRITE_ONLY_ERRNOS
from farmscore.gate import GateSinks, NotRecordsError, Unsupported, run_gate, source_records
from farmscore.reading.files import STDIN
from farmscore.reading.stream import file_identity, open_input, open_output, stdin_identity


def gate(
    source: Annotated[
        str,
        typer.Argument(
            metavar="[INPUT|-]",
            help="A JSONL stream (one record a line, with text or html) or an RSS, Atom or "
            "JSON Feed document; - or nothing for standard input.",
            show_default=False,
        ),
    ] = STDIN,
    accept: Annotated[
        Path | None,
        typer.Option("--accept", help="Write accepted records here (default: standard output)."),
    ] = None,
    reject: Annotated[
        Path | None,
        typer.Option(
            "--reject",
            help="Write rejected (content-farm) records here (default: standard error, "
            "beside the errors rows).",
        ),
    ] = None,
    drop_rejected: Annotated[
        bool,
        typer.Option(
            "--drop-rejected",
            help="Discard rejected records: they are only counted in the summary.",
        ),
    ] = False,
    errors: Annotated[
        Path | None,
        typer.Option(
            "--errors",
            help="Write records that cannot be scored here (default: standard error), as "
            'JSONL rows {"line", "raw", "error"}; rows of feed items have "item" and a null line.',
        ),
    ] = None,
    threshold: ThresholdOption = None,
    policy: PolicyOption = PolicyChoice.farm,
    model: ModelOption = None,
    jobs: JobsOption = 1,
    on_unsupported: Annotated[
        Unsupported,
        typer.Option(
            "--on-unsupported",
            help="Where a record goes whose score carries a warning (too_short: under 50 "
            "words; not_english): label routes it by its score like any other, with the "
            "warning in its verdict; accept, reject or error send it there.",
        ),
    ] = Unsupported.label,
) -> None:
    """Score each record and route it: substantive ones to --accept, content farm to
    --reject, unscorable ones to --errors. Every input record ends in exactly one output,
    in input order within each, with all its fields plus a "farmscore" object (score,
    label, threshold, model, word_count, warnings, reasons). A summary line on standard error
    counts them.

    Nothing is dropped silently: without --reject, rejected records go to standard error as
    JSONL (they carry a "farmscore" object; errors rows carry "error"); --drop-rejected
    discards them and the summary counts them.

    Limits: a JSONL line over 10,000,000 bytes goes to errors with its first 1,000 characters.
    A feed is read whole, up to 50,000,000 bytes. A record with no words is an error.

    Every row is written whole and flushed at once. When an output cannot be written (a full
    disk), one line on standard error names it, says what to do and what it holds: a file is
    cut back to its last complete row.

    Exit codes: 0 every record was scored, 1 some went to errors (or a reader downstream
    closed the pipe), 2 usage error, 3 an output could not be written, 130 interrupted,
    143 stopped by SIGTERM.
    """
    if reject is not None and drop_rejected:
        fail("give either --reject FILE or --drop-rejected, not both")
    _check_distinct(source, {"--accept": accept, "--reject": reject, "--errors": errors})
    scorer = load_scorer(model, threshold, policy)
    # While the input may still be on its way: a feed's first row should not pay for it.
    scorer.warm_up(jobs)
    with ExitStack() as files:
        try:
            stream = files.enter_context(open_input(source)) if source != STDIN else None
        except OSError as error:
            fail(f"cannot read {source}: {error.strerror or error}; check the path")

        try:
            # Before any output is opened: refusing the input must not empty a file.
            records = source_records(stream or sys.stdin.buffer)
        except NotRecordsError as error:
            fail(f"{'standard input' if source == STDIN else source}: {error}")
        sinks = GateSinks(
            accept=_output(files, "--accept", accept) if accept else sys.stdout.buffer,
            reject=_reject_sink(files, reject, drop_rejected),
            errors=_output(files, "--errors", errors) if errors else sys.stderr.buffer,
        )
        try:
            counts = run_gate(records, scorer, sinks, n_jobs=jobs, on_unsupported=on_unsupported)
        except BrokenPipeError:
            # A reader downstream closed early (`| head`): stop quietly, without a traceback.
            _silence_stdout()
            raise typer.Exit(EXIT_SOME_FAILED) from None
    print(counts.summary(rejected_dropped=drop_rejected), file=sys.stderr)
    raise typer.Exit(EXIT_SOME_FAILED if counts.errors else EXIT_OK)


def _reject_sink(files: ExitStack, reject: Path | None, drop: bool) -> BinaryIO | None:
    """Where rejected records go: the --reject file, standard error by default (so that
    `cat feed | farmscore gate > clean.jsonl` loses nothing), or nowhere when asked."""
    if drop:
        return None
    return _output(files, "--reject", reject) if reject else sys.stderr.buffer


def _output(files: ExitStack, option: str, path: Path) -> BinaryIO:
    try:
        return files.enter_context(open_output(path))
    except OSError as error:
        if error.errno in WRITE_ONLY_ERRNOS:  # a full or read-only disk: no usage error
            raise OutputWriteError(f"{option} {path}", error, "nothing was written") from error
        fail(f"cannot write {option} {path}: {error.strerror or error}")


def _check_distinct(source: str, outputs: dict[str, Path | None]) -> None:
    """Two outputs in one file, or an output over the input, would destroy records: files are
    compared by device and inode, so a hard link or a symbolic link to the input is refused.
    Devices and pipes (/dev/null, /dev/stderr) may be shared: nothing there is overwritten."""
    seen: dict[tuple[object, ...], str] = {}
    if source != STDIN:
        seen[file_identity(source)] = "INPUT"
    else:
        redirected = stdin_identity()
        if redirected is not None:
            seen[redirected] = "the file standard input reads"
    for option, path in outputs.items():
        if path is None or (path.exists() and not path.is_file()):
            continue
        identity = file_identity(path)
        if identity in seen:
            fail(f"{option} {path} is the same file as {seen[identity]}; give each its own file")
        seen[identity] = option


def _silence_stdout() -> None:
    """Point standard output at /dev/null so that Python's final flush does not fail."""
    with suppress(OSError, ValueError):  # no real file descriptor (a test runner's capture)
        discard_unwritten(sys.stdout.fileno())


__all__ = ["gate"]
