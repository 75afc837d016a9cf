"""`farmscore score`: a calibrated score, a label and the reasons for every document."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console

from farmscore.atomic_files import WholeRowWriter
from farmscore.cli.common import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    JobsOption,
    ModelOption,
    PathsArgument,
    PolicyChoice,
    PolicyOption,
    ThresholdOption,
    fail_when_nothing_read,
    input_paths,
    load_scorer,
    report_input_error,
)
from farmscore.cli.row_writers import CsvWriter, JsonlWriter
from farmscore.cli.tables import print_table
from farmscore.model.length_bands import BAND_NAMES
from farmscore.reading.tables import iter_any_documents
from farmscore.score_rows import reasons_summary, score_to_dict
from farmscore.scoring import DEFAULT_REASONS, MAX_REASONS, Scorer
from farmscore.types import Document, InputError

# One row per article for spreadsheets: the threshold is there so a reader can re-cut the
# scores, the word count because short texts are scored less surely.
CSV_COLUMNS = (
    "id",
    "score",
    "label",
    "threshold",
    "band",
    "decided_by",
    "machine",
    "substance_percentile",
    "tells",
    "word_count",
    "warnings",
    "reasons",
)


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def score(
    paths: PathsArgument = None,
    model: ModelOption = None,
    output_format: Annotated[
        ScoreFormat,
        typer.Option(
            "--format",
            help="table: one line per document; json: one array; jsonl: one row per document "
            "as it is scored; csv: one row per document with the reasons joined.",
        ),
    ] = ScoreFormat.table,
    threshold: ThresholdOption = None,
    policy: PolicyOption = PolicyChoice.farm,
    jobs: JobsOption = 1,
    reasons: Annotated[
        int,
        typer.Option(
            "--reasons",
            min=0,
            max=MAX_REASONS,
            help="Reasons per document in json, jsonl and csv, strongest first (the "
            "service's `reasons` field); the table shows the 3 strongest.",
        ),
    ] = DEFAULT_REASONS,
) -> None:
    """Score each document: whether it is a content-farm page (or, with --policy machine,
    machine prose), both answers behind the verdict, and why.

    Exit codes: 0 every document was scored, 1 some could not be read, 2 usage error, 3 the
    output could not be written (one line says why and what it holds).
    """
    scorer = load_scorer(model, threshold, policy)
    scorer.n_reasons = reasons
    failed = 0
    texts: dict[str, str] = {}

    def documents() -> Iterator[Document]:
        nonlocal failed
        for record in iter_any_documents(input_paths(paths)):
            if isinstance(record, InputError):
                report_input_error(record)
                failed += 1
                continue
            texts[record.id] = record.text
            yield record

    json_rows: list[dict[str, Any]] = []
    table_rows: list[list[object]] = []
    jsonl = JsonlWriter(sys.stdout) if output_format is ScoreFormat.jsonl else None
    csv_out = CsvWriter(sys.stdout, list(CSV_COLUMNS)) if output_format is ScoreFormat.csv else None
    scored = 0
    for result in scorer.score_documents(documents(), n_jobs=jobs):
        scored += 1
        text = texts.pop(result.id, None)
        if jsonl:
            jsonl.write(score_to_dict(result, text))
        elif csv_out:
            csv_out.write(
                {
                    "id": result.id,
                    "score": round(result.score, 6),
                    "label": result.label,
                    "threshold": round(result.threshold, 6),
                    "band": result.band,
                    "decided_by": result.decided_by,
                    "machine": "" if result.machine is None else round(result.machine, 6),
                    "substance_percentile": ""
                    if result.substance_percentile is None
                    else round(result.substance_percentile, 1),
                    "tells": "; ".join(result.tells),
                    "word_count": result.word_count,
                    "warnings": "; ".join(result.warnings),
                    "reasons": reasons_summary(result, limit=reasons),
                }
            )
        elif output_format is ScoreFormat.json:
            json_rows.append(score_to_dict(result, text))
        else:
            label = result.label + "".join(f" ({warning})" for warning in result.warnings)
            table_rows.append([result.id, f"{result.score:.3f}", label, reasons_summary(result)])
    fail_when_nothing_read(scored, failed)
    if output_format is ScoreFormat.json:
        # Written whole: a disk that fills leaves no half array behind.
        document = json.dumps(json_rows, indent=2, ensure_ascii=False) + "\n"
        WholeRowWriter(sys.stdout, unit="JSON array").write(document)
    elif output_format is ScoreFormat.table:
        print_table(
            Console(),
            f"farmscore (model {scorer.name}, policy {scorer.policy}, "
            f"{_thresholds_summary(scorer)})",
            ["id", "score", "label", "strongest reasons"],
            table_rows,
        )
    raise typer.Exit(EXIT_SOME_FAILED if failed else EXIT_OK)


def _thresholds_summary(scorer: Scorer) -> str:
    if scorer.threshold_override is not None:
        return f"threshold {scorer.threshold_override:.3f}"
    bands = ", ".join(
        f"{band} {scorer.threshold_for(index):.3f}" for index, band in enumerate(BAND_NAMES)
    )
    return f"thresholds by words: {bands}"


__all__ = ["score"]
