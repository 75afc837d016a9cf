"""`farmscore audit`: score a batch of articles and write results and an HTML report."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from farmscore.atomic_files import OutputWriteError, WholeRowWriter, write_text_atomic
from farmscore.audit.report import render_report
from farmscore.audit.result_files import (
    REPORT_HTML,
    ResultFiles,
    staged_result_parts,
    write_results,
)
from farmscore.audit.run import (
    DEFAULT_PARTITION_SIZE,
    TOP_FLAGGED,
    AuditResult,
    label_counts,
    result_frame,
    run_audit,
    summary,
)
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
from farmscore.cli.tables import print_table
from farmscore.model.card import ModelVerificationError
from farmscore.scoring import Scorer

# Flagged documents listed by the table format; the report shows more.
TABLE_TOP_FLAGGED = 10


class AuditFormat(StrEnum):
    table = "table"
    json = "json"


class AuditEngine(StrEnum):
    local = "local"
    dask = "dask"


# Called with the number of rows just finished.
Advance = Callable[[int], None]


def audit(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Files or folders (searched recursively) of .txt, .md, .html, .htm, .jsonl, "
            ".csv, .parquet. Tables need a text or html column; id, url, source are optional."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option("--out", help="Folder for results.parquet, results.csv and report.html."),
    ],
    model: ModelOption = None,
    jobs: JobsOption = -1,
    output_format: Annotated[
        AuditFormat,
        typer.Option("--format", help="What to print at the end: a table or the JSON summary."),
    ] = AuditFormat.table,
    threshold: ThresholdOption = None,
    policy: PolicyOption = PolicyChoice.farm,
    engine: Annotated[
        AuditEngine,
        typer.Option(
            "--engine",
            help="local: --jobs processes on this machine. dask: a Dask distributed cluster "
            "(needs farmscore[dask]); results.parquet is then a folder of parts, in input order.",
        ),
    ] = AuditEngine.local,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="With --engine dask: address of a running Dask scheduler, e.g. "
            "tcp://10.0.0.5:8786 (--jobs is then ignored). Default: a cluster of --jobs "
            "worker processes on this machine.",
        ),
    ] = None,
    top: Annotated[
        int,
        typer.Option(
            "--top",
            min=0,
            help="How many of the likeliest content-farm documents, and of the borderline ones "
            "just below the threshold, the report and the summary show with their evidence.",
        ),
    ] = TOP_FLAGGED,
    follow_links: Annotated[
        bool,
        typer.Option(
            "--follow-links",
            help="Follow symbolic links that lead out of the folders given (by default each "
            "such link is a row with an error, and nothing outside is read).",
        ),
    ] = False,
    partition_size: Annotated[
        int | None,
        typer.Option(
            "--partition-size",
            min=1,
            help=f"With --engine dask: documents per task [default: {DEFAULT_PARTITION_SIZE}].",
        ),
    ] = None,
) -> None:
    """Audit many articles: one row per document (score, label, reasons, every feature, or
    the error) and a self-contained HTML report. Exit 1 when some documents failed."""
    for path in paths:
        if not path.exists():
            fail(f"{path}: no such file or folder")
    if out.exists() and not out.is_dir():
        fail(f"--out {out} is a file; give a folder (it is created when missing)")
    if engine is AuditEngine.local:
        for option, value in (("--scheduler", scheduler), ("--partition-size", partition_size)):
            if value is not None:
                fail(f"{option} needs --engine dask; add it, or drop {option}")
    scorer = load_scorer(model, threshold, policy)
    inputs = [str(path) for path in paths]
    if engine is AuditEngine.local:
        with _progress() as advance:
            result = run_audit(
                inputs,
                scorer,
                n_jobs=jobs,
                exclude=out,
                on_row=lambda: advance(1),
                follow_links=follow_links,
                top=top,
            )
        _fail_when_empty(result, inputs)
        files = write_results(result_frame(result), out)
        written = f"{files.parquet}"
    else:
        size = partition_size or DEFAULT_PARTITION_SIZE
        result, files, n_parts = _audit_on_dask(
            inputs, scorer, out, scheduler, jobs, size, follow_links, top
        )
        written = f"{files.parquet} ({n_parts} parts)"
    try:
        report = write_text_atomic(out / REPORT_HTML, render_report(result, inputs=inputs))
    except OutputWriteError as error:
        error.add_note(f"{written} and {files.csv} were written in full")
        raise
    print(f"farmscore: wrote {written}, {files.csv} and {report}", file=sys.stderr)
    if output_format is AuditFormat.json:
        document = json.dumps(summary(result, top=top), indent=2, ensure_ascii=False)
        WholeRowWriter(sys.stdout, unit="JSON summary").write(document + "\n")
    else:
        _print_tables(result)
    raise typer.Exit(EXIT_SOME_FAILED if result.n_failed else EXIT_OK)


def _audit_on_dask(
    inputs: list[str],
    scorer: Scorer,
    out: Path,
    scheduler: str | None,
    jobs: int,
    partition_size: int,
    follow_links: bool,
    top: int,
) -> tuple[AuditResult, ResultFiles, int]:
    """Run the Dask engine, writing parts as they arrive; the files appear only when the
    whole audit has succeeded."""
    try:
        from joblib import effective_n_jobs

        from farmscore.audit.dask_engine import ClusterError, dask_client, run_dask_audit
    except ImportError as error:
        if error.name is None or error.name.partition(".")[0] not in ("dask", "distributed"):
            raise
        fail(f"--engine dask needs Dask ({error}); install it with pip install 'farmscore[dask]'")
    try:
        with (
            dask_client(scheduler, effective_n_jobs(jobs)) as client,
            staged_result_parts(out) as parts,
            _progress() as advance,
        ):
            result = run_dask_audit(
                inputs,
                scorer,
                client,
                partition_size=partition_size,
                on_part=parts.add,
                exclude=out,
                on_rows=advance,
                follow_links=follow_links,
                top=top,
            )
            _fail_when_empty(result, inputs)
            return result, parts.commit(), parts.count
    except (ClusterError, ModelVerificationError) as error:
        fail(str(error))


def _fail_when_empty(result: AuditResult, inputs: list[str]) -> None:
    if not result.rows:
        fail(
            f"no documents found in {', '.join(inputs)}; audit reads .txt .md .html .htm "
            ".jsonl .csv .parquet"
        )


@contextmanager
def _progress() -> Iterator[Advance]:
    """A per-document progress bar on a terminal; nothing when stderr is a file or pipe."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda rows: None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("auditing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("documents"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("audit", total=None)
        yield lambda rows: progress.advance(task, rows)


def _print_tables(result: AuditResult) -> None:
    console = Console()
    counts = label_counts(result)
    total = len(result.rows)
    print_table(
        console,
        f"farmscore audit (model {result.model}, threshold {result.threshold:.3f})",
        ["label", "documents", "share"],
        [[label, count, f"{count / total:.0%}"] for label, count in counts.items()],
    )
    if result.flagged:
        print_table(
            console,
            "most likely content farm",
            ["id", "site", "score", "reasons"],
            [
                [
                    doc.id,
                    doc.site,
                    doc.score.score,
                    ", ".join(r.feature for r in doc.score.reasons[:3]),
                ]
                for doc in result.flagged[:TABLE_TOP_FLAGGED]
            ],
        )
    failed = [row for row in result.rows if row["error"] is not None]
    if failed:
        print_table(
            console,
            f"could not be scored ({len(failed)}; all in results.csv)",
            ["document", "error"],
            [[row["id"], row["error"]] for row in failed[:TABLE_TOP_FLAGGED]],
        )
