"""Fuzz stage: one document just under the 10 MB record limit, and one line far over it, each
between two good records, with the peak memory of every command.

The document (about 9.9 MB of news-like prose) goes through `gate` with one and two workers
and through `score`: one row each, carrying the `scored_in_windows` warning of a text
measured in windows (`farmscore.long_texts`). The line (about 500 MB, written in chunks, never
held) goes through `gate`, `score`, `features` and `audit`: an error naming the line and the
limit, and the records around it scored. Peak resident memory is measured, not judged: the
figures go in the report beside their targets.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.documents import news_article
from benchmarks.fuzz_outputs import (
    check_gate_outputs,
    gate_output_options,
    gate_output_paths,
    json_rows,
    jsonl_row_ids,
    skipped_messages,
)
from benchmarks.fuzz_report import (
    MB,
    Finding,
    FuzzReport,
    case_of,
    farmscore_argv,
    note_bad_ending,
)
from benchmarks.hostile import prose
from benchmarks.memory import MemoryPeak, measure_peak_rss
from farmscore.long_texts import WARNING_WINDOWED
from farmscore.reading.settings import MAX_DOCUMENT_BYTES

# Targets for peak memory, reported beside the figures, never asserted.
DOCUMENT_GATE_TARGET_MB = 300
OVERSIZED_LINE_TARGET_MB = 200
# News-like prose runs about 5.5 bytes a word: ask for more words than fit, then cut.
BYTES_PER_WORD_AT_MOST = 5
# The oversized line is written in blocks of this much prose, repeated.
BLOCK_WORDS = 170_000
PEAK_RSS_SECTION = "peak_rss_mb"
HUGE_LINE = 2  # the line number of the huge record, between two good ones
GOOD_LINES = (1, 3)


@dataclass(frozen=True, slots=True)
class LimitSizes:
    """How large the inputs at the size limit are: a JSONL line just under the record limit
    (its text over `farmscore.long_texts.WINDOW_CHARS`, so it is scored in windows), and a
    line far over it."""

    document_line_bytes: int = 9_900_000
    oversized_line_bytes: int = 500_000_000


CAMPAIGN_SIZES = LimitSizes()


def _good_line(rng: random.Random, number: int) -> bytes:
    record = {"fuzz_line": number, "id": f"L{number}", "text": prose(rng, rng.randint(80, 300))}
    return json.dumps(record).encode()


def document_line(rng: random.Random, line_bytes: int) -> bytes:
    """A record of news-like prose whose JSONL line is at most `line_bytes` long, cut after a
    sentence close to it."""
    text = news_article(line_bytes // BYTES_PER_WORD_AT_MOST, seed=rng.randrange(2**31))
    while True:
        record = {"fuzz_line": HUGE_LINE, "id": f"L{HUGE_LINE}", "text": text}
        line = json.dumps(record).encode()
        if len(line) <= line_bytes:
            return line
        # Escapes make the line longer than its text: cut the excess and a little more.
        text = text[: text.rfind(". ", 0, len(text) - (len(line) - line_bytes)) + 1]


def write_document_stream(rng: random.Random, path: Path, line_bytes: int) -> int:
    """Good record, huge record, good record; returns the bytes written."""
    lines = [_good_line(rng, 1), document_line(rng, line_bytes), _good_line(rng, 3)]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path.stat().st_size


def write_oversized_stream(rng: random.Random, path: Path, line_bytes: int) -> None:
    """Good record, a record line of at least `line_bytes` bytes, good record; the long line
    is written a block at a time."""
    block = json.dumps(prose(rng, BLOCK_WORDS))[1:-1].encode()
    block = block[: block.rfind(b" ") + 1]  # a whole escape sequence at each end
    with path.open("wb") as out:
        out.write(_good_line(rng, 1) + b"\n")
        out.write(b'{"fuzz_line": 2, "id": "L2", "text": "')
        written = 0
        while written < line_bytes:
            out.write(block)
            written += len(block)
        out.write(b'"}\n')
        out.write(_good_line(rng, 3) + b"\n")


def measured(
    argv: list[str], folder: Path, report: FuzzReport, way_in: str, target_mb: int | None
) -> tuple[MemoryPeak, Path, Path] | None:
    """Run `argv` under `measure_peak_rss`, its output and errors in files named after
    `way_in`; record its peak beside `target_mb` in the report's figures. None when it
    crashed."""
    name = way_in.replace(" ", "-")
    stdout, stderr = folder / f"{name}.out", folder / f"{name}.err"
    peak = measure_peak_rss(argv, stdout_path=stdout, stderr_path=stderr)
    figures = {
        "process_tree": round(peak.peak_tree_rss_bytes / MB, 1),
        "main_process": round(peak.main_vmhwm_bytes / MB, 1),
        "seconds": round(peak.seconds, 1),
        "target": target_mb,
    }
    report.figure(PEAK_RSS_SECTION, way_in, figures)
    if not note_bad_ending(report, way_in, case_of(argv), peak.exit_code, stderr.read_bytes()):
        return None
    return peak, stdout, stderr


# ---- the document just under the limit -------------------------------------------------------


def windowed_rows(rows: Sequence[object]) -> list[str]:
    """What is wrong with the huge record's row: it must carry the windows warning."""
    if len(rows) != 1:
        return [f"{len(rows)} rows for the huge record"]
    warnings = rows[0].get("warnings") if isinstance(rows[0], dict) else None
    if not isinstance(warnings, list) or WARNING_WINDOWED not in warnings:
        return [f"the huge record's row has warnings {warnings!r}, not {WARNING_WINDOWED!r}"]
    return []


def fuzz_huge_document_gate(
    stream: Path, n_bytes: int, jobs: int, workdir: Path, report: FuzzReport
) -> None:
    way_in = f"huge document gate --jobs {jobs}"
    outputs = gate_output_paths(workdir, f"huge-document-{jobs}")
    argv = farmscore_argv("gate", str(stream), "--jobs", str(jobs), *gate_output_options(outputs))
    ran = measured(argv, workdir, report, way_in, DOCUMENT_GATE_TARGET_MB)
    report.inputs[way_in] += 1 + len(GOOD_LINES)
    if ran is None:
        return
    report.time(way_in, n_bytes, ran[0].seconds)
    for problem in check_gate_outputs(outputs, {HUGE_LINE, *GOOD_LINES}):
        report.lost.append(Finding(way_in, stream.name, problem))
    verdicts = [
        row.get("farmscore")
        for name in ("accept", "reject")
        for row in json_rows(outputs[name].read_bytes())
        if row.get("fuzz_line") == HUGE_LINE
    ]
    for problem in windowed_rows(verdicts):
        report.crashes.append(Finding(way_in, stream.name, problem))


def fuzz_huge_document_score(stream: Path, n_bytes: int, workdir: Path, report: FuzzReport) -> None:
    way_in = "huge document score"
    argv = farmscore_argv("score", str(stream), "--format", "jsonl")
    ran = measured(argv, workdir, report, way_in, target_mb=None)
    report.inputs[way_in] += 1 + len(GOOD_LINES)
    if ran is None:
        return
    report.time(way_in, n_bytes, ran[0].seconds)
    ids, problems = jsonl_row_ids(ran[1].read_bytes())
    if sorted(ids) != sorted(f"L{n}" for n in (HUGE_LINE, *GOOD_LINES)):
        problems.append(f"rows {ids}, not one for each of lines 1 to 3")
    for problem in problems:
        report.lost.append(Finding(way_in, stream.name, problem))
    rows = json_rows(ran[1].read_bytes())
    huge = [row for row in rows if row.get("id") == f"L{HUGE_LINE}"]
    for problem in windowed_rows(huge):
        report.crashes.append(Finding(way_in, stream.name, problem))


def fuzz_huge_document(
    rng: random.Random, sizes: LimitSizes, workdir: Path, report: FuzzReport
) -> None:
    stream = workdir / "huge-document.jsonl"
    n_bytes = write_document_stream(rng, stream, sizes.document_line_bytes)
    for jobs in (1, 2):
        fuzz_huge_document_gate(stream, n_bytes, jobs, workdir, report)
    fuzz_huge_document_score(stream, n_bytes, workdir, report)
    stream.unlink()


# ---- the line far over the limit -----------------------------------------------------------


def names_the_limit(message: str) -> bool:
    return f"{MAX_DOCUMENT_BYTES:,}" in message


def gate_oversized_problems(outputs: dict[str, Path]) -> list[str]:
    """What is wrong with gate's errors row for the oversized line."""
    rows = json_rows(outputs["errors"].read_bytes())
    errors = [row for row in rows if row.get("line") == HUGE_LINE]
    if len(errors) != 1 or not names_the_limit(str(errors[0].get("error"))):
        return [f"no errors row for line {HUGE_LINE} naming the limit: {str(errors)[:300]}"]
    return []


def rows_oversized_problems(stream: Path, stdout: Path, stderr: Path) -> list[str]:
    """What is wrong with `score` or `features` on the stream: a row for each good line, one
    skip message for the oversized one, naming it and the limit."""
    ids, problems = jsonl_row_ids(stdout.read_bytes())
    if sorted(ids) != [f"L{n}" for n in GOOD_LINES]:
        problems.append(f"rows {ids}, not one for each good line {list(GOOD_LINES)}")
    skipped = skipped_messages(stderr.read_bytes())
    where = f"{stream}:{HUGE_LINE}: "
    if len(skipped) != 1 or not skipped[0].startswith(where) or not names_the_limit(skipped[0]):
        problems.append(f"skip messages {skipped}, not one naming {where!r} and the limit")
    return problems


def audit_oversized_problems(stream: Path, out: Path) -> list[str]:
    """What is wrong with the audit's results: three rows, the oversized line's an error
    naming it and the limit, and a report."""
    missing = [name for name in ("results.csv", "report.html") if not (out / name).exists()]
    if missing:
        return [f"no {' or '.join(missing)}"]
    with (out / "results.csv").open(newline="", encoding="utf-8") as results:
        rows = list(csv.DictReader(results))
    errors = [row for row in rows if row["error"]]
    if len(rows) != 3 or len(errors) != 1:
        return [f"{len(rows)} rows and {len(errors)} errors, not 3 rows and 1 error"]
    if errors[0]["id"] != f"{stream}:{HUGE_LINE}" or not names_the_limit(errors[0]["error"]):
        return [f"the error row {errors[0]['id']!r}: {errors[0]['error'][:200]!r}"]
    return []


def oversized_case(
    command: list[str], workdir: Path, report: FuzzReport, way_in: str
) -> tuple[Path, Path] | None:
    """Run one way in on the oversized stream, measured; its output and errors files, or None
    when it crashed."""
    ran = measured(farmscore_argv(*command), workdir, report, way_in, OVERSIZED_LINE_TARGET_MB)
    report.inputs[way_in] += 1 + len(GOOD_LINES)
    return None if ran is None else (ran[1], ran[2])


def fuzz_oversized_line(
    rng: random.Random, sizes: LimitSizes, workdir: Path, report: FuzzReport
) -> None:
    stream = workdir / "oversized-line.jsonl"
    write_oversized_stream(rng, stream, sizes.oversized_line_bytes)
    found: dict[str, list[str]] = {}
    for jobs in (1, 2):
        way_in = f"oversized line gate --jobs {jobs}"
        outputs = gate_output_paths(workdir, f"oversized-{jobs}")
        command = ["gate", str(stream), "--jobs", str(jobs), *gate_output_options(outputs)]
        if oversized_case(command, workdir, report, way_in) is not None:
            lines = {HUGE_LINE, *GOOD_LINES}
            found[way_in] = check_gate_outputs(outputs, lines) + gate_oversized_problems(outputs)
    for name in ("score", "features"):
        way_in = f"oversized line {name}"
        ran = oversized_case([name, str(stream), "--format", "jsonl"], workdir, report, way_in)
        if ran is not None:
            found[way_in] = rows_oversized_problems(stream, *ran)
    audit_out = workdir / "oversized-audit"
    way_in = "oversized line audit"
    if oversized_case(["audit", str(stream), "--out", str(audit_out)], workdir, report, way_in):
        found[way_in] = audit_oversized_problems(stream, audit_out)
    for way_in, problems in found.items():
        report.lost.extend(Finding(way_in, stream.name, problem) for problem in problems)
    report.figure("oversized line", "bytes", stream.stat().st_size)
    stream.unlink()
