"""Fuzz stage: JSONL records nested around the reader's depth limit, and numbers JSON cannot
hold, through `gate` (one and two workers), `score` and `features`.

A record's `extra` field nests lists, objects or both in turn from just under the limit
(`farmscore.reading.safe_json.MAX_DEPTH`, 500 levels counting the record itself) to where
the standard library's parser gives up (about 1,000) and far past it. Other records put NaN,
Infinity or 1e400 in a field that gate would pass through. Good records sit between them.
Every line must end in exactly one output: a row when the record is within the limit, an
error naming its line when it is not; NaN and Infinity must never be written back.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from benchmarks.fuzz_outputs import (
    accounting_problems,
    gate_output_options,
    gate_output_paths,
    jsonl_row_ids,
    outputs_by_line,
    skipped_messages,
)
from benchmarks.fuzz_report import Finding, FuzzReport, farmscore_argv, run_command
from benchmarks.hostile import prose
from farmscore.reading.safe_json import MAX_DEPTH

# Levels of nesting in `extra`: around the limit, around where json's parser recurses too
# deep, and far past both.
DEPTHS = (498, 499, 500, 501, 502, 980, 985, 990, 5_000, 100_000)
SHAPES = ("objects", "arrays", "alternating")
SCALAR_LEAVES = ("1", '"x"', "null", "true", "-2.5e3")
# JSON texts for numbers no JSON writer can give back, and where they sit in `extra`.
NON_FINITE = ("NaN", "Infinity", "-Infinity", "1e400", "-1e400")
NON_FINITE_PLACES = ("{value}", '{{"a": {value}}}', "[1, {value}]")
# One sweep of every depth and shape per this many inputs of a campaign, at least one.
INPUTS_PER_SWEEP = 2_500
# Each way in, by its name in the report: the command and its options (the stream goes
# after the command's name; gate's outputs are added).
COMMANDS = {
    "gate --jobs 1": ("gate", "--jobs", "1"),
    "gate --jobs 2": ("gate", "--jobs", "2"),
    "score": ("score", "--format", "jsonl"),
    "features": ("features", "--format", "jsonl"),
}
_ROW_ID = re.compile(r"L(\d+)")


@dataclass
class DepthStream:
    """A written stream and, by line number, which records must be scored and which refused."""

    path: Path
    to_score: set[int]
    to_refuse: set[int]

    @property
    def lines(self) -> set[int]:
        return self.to_score | self.to_refuse


def nested(shape: str, depth: int, leaf: str) -> str:
    """`depth` levels of objects, lists or the two in turn around `leaf`, as JSON text."""
    opening: list[str] = []
    closing: list[str] = []
    for level in range(depth):
        is_object = shape == "objects" or (shape == "alternating" and level % 2 == 0)
        opening.append('{"k": ' if is_object else "[")
        closing.append("}" if is_object else "]")
    return "".join(opening) + leaf + "".join(reversed(closing))


def _record(number: int, text: str, extra: str | None = None) -> bytes:
    """A record line, its `extra` field given as JSON text (it may be JSON no writer makes)."""
    head = json.dumps({"fuzz_line": number, "id": f"L{number}", "text": text})
    if extra is None:
        return head.encode()
    return f'{head[:-1]}, "extra": {extra}}}'.encode()


def write_depth_stream(rng: random.Random, path: Path, n_sweeps: int) -> DepthStream:
    """`n_sweeps` sweeps of every depth and shape and every non-finite number, shuffled, a
    good record after each."""
    hostile: list[tuple[str, bool]] = []  # (extra as JSON text, whether it is within limits)
    for _ in range(n_sweeps):
        for depth in DEPTHS:
            for shape in SHAPES:
                # The record's own object is one level more.
                hostile.append((nested(shape, depth, rng.choice(SCALAR_LEAVES)), depth < MAX_DEPTH))
        for value in NON_FINITE:
            hostile.append((rng.choice(NON_FINITE_PLACES).format(value=value), False))
    rng.shuffle(hostile)
    stream = DepthStream(path, set(), set())
    with path.open("wb") as out:
        number = 0
        for extra, within_limits in hostile:
            number += 1
            out.write(_record(number, prose(rng, rng.randint(60, 300)), extra) + b"\n")
            (stream.to_score if within_limits else stream.to_refuse).add(number)
            number += 1
            out.write(_record(number, prose(rng, rng.randint(60, 300))) + b"\n")
            stream.to_score.add(number)
    return stream


def wrong_outcomes(ended: dict[int, list[str]], stream: DepthStream) -> list[str]:
    """Lines that were refused within the limit, or read past it. `ended` holds for each
    line where it went: `errors`, or any other name for a row."""
    refused = {n for n, places in ended.items() if "errors" in places}
    read = {n for n, places in ended.items() if any(p != "errors" for p in places)}
    problems = []
    if wrongly_refused := sorted(stream.to_score & refused):
        problems.append(
            f"{len(wrongly_refused)} records within the limit refused, first {wrongly_refused[:5]}"
        )
    if wrongly_read := sorted(stream.to_refuse & read):
        problems.append(
            f"{len(wrongly_read)} records past the limit read, first {wrongly_read[:5]}"
        )
    return problems


# Where each line went (an output's name, or `row` and `errors`), and what is wrong with
# rows that name no line; None when the command hung.
Endings = tuple[dict[int, list[str]], list[str]] | None


def gate_endings(
    stream: DepthStream, workdir: Path, command: tuple[str, ...], report: FuzzReport, way_in: str
) -> Endings:
    outputs = gate_output_paths(workdir, f"depth-jobs-{command[-1]}")
    argv = farmscore_argv(command[0], str(stream.path), *command[1:], *gate_output_options(outputs))
    if run_command(argv, report, way_in) is None:
        return None
    return outputs_by_line(outputs)


def row_endings(
    stream: DepthStream, command: tuple[str, ...], report: FuzzReport, way_in: str
) -> Endings:
    """Where each line went in `score` or `features`: `row`, or `errors` for a skip message
    naming the file and line."""
    done = run_command(farmscore_argv(*command, str(stream.path)), report, way_in)
    if done is None:
        return None
    ids, problems = jsonl_row_ids(done.stdout)
    ended: dict[int, list[str]] = {}
    for row_id in ids:
        matched = _ROW_ID.fullmatch(row_id)
        if matched is None:
            problems.append(f"a row whose id names no line: {row_id[:80]!r}")
            continue
        ended.setdefault(int(matched.group(1)), []).append("row")
    where = re.compile(re.escape(f"{stream.path}:") + r"(\d+): ")
    for message in skipped_messages(done.stderr):
        matched = where.match(message)
        if matched is None:
            problems.append(f"a skip message naming no line: {message[:120]!r}")
            continue
        ended.setdefault(int(matched.group(1)), []).append("errors")
    return ended, problems


def fuzz_depth(rng: random.Random, n_inputs: int, workdir: Path, report: FuzzReport) -> None:
    n_sweeps = max(1, n_inputs // INPUTS_PER_SWEEP)
    stream = write_depth_stream(rng, workdir / "depth.jsonl", n_sweeps)
    for name, command in COMMANDS.items():
        way_in = f"deep JSON {name}"
        if command[0] == "gate":
            endings = gate_endings(stream, workdir, command, report, way_in)
        else:
            endings = row_endings(stream, command, report, way_in)
        report.inputs[way_in] += len(stream.lines)
        if endings is None:
            continue
        ended, problems = endings
        seen = Counter({number: len(places) for number, places in ended.items()})
        for problem in problems + accounting_problems(seen, stream.lines):
            report.lost.append(Finding(way_in, stream.path.name, problem))
        for problem in wrong_outcomes(ended, stream):
            report.crashes.append(Finding(way_in, stream.path.name, problem))
