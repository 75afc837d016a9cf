"""Read what a command wrote, for the fuzz stages to check that every input ended in exactly one
output: gate's accept, reject and errors files, and the rows and skip messages of `score`,
`features` and `audit`."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

GATE_OUTPUTS = ("accept", "reject", "errors")
SKIPPED_PREFIX = "farmscore: skipped "


class NonFiniteNumberError(ValueError):
    """A row holds NaN or Infinity, which is not JSON."""


def _refuse_constant(name: str) -> object:
    raise NonFiniteNumberError(f"{name} in a row")


def strict_json(raw: bytes | str) -> object:
    """A row as JSON, refusing NaN and Infinity as a strict reader downstream would."""
    return json.loads(raw, parse_constant=_refuse_constant)


def json_rows(data: bytes) -> list[dict[str, object]]:
    """The rows of a JSONL output that are JSON objects; the checks that account for every
    row say what is wrong with the others."""
    rows = []
    for raw in data.splitlines():
        try:
            row = strict_json(raw)
        except ValueError:
            continue
        if isinstance(row, dict):
            rows.append(row)
    return rows


def gate_output_paths(folder: Path, prefix: str) -> dict[str, Path]:
    return {name: folder / f"{prefix}-{name}.jsonl" for name in GATE_OUTPUTS}


def gate_output_options(outputs: dict[str, Path]) -> list[str]:
    """`--accept a --reject r --errors e` for `outputs`."""
    return [option for name, path in outputs.items() for option in (f"--{name}", str(path))]


def outputs_by_line(outputs: dict[str, Path]) -> tuple[dict[int, list[str]], list[str]]:
    """The outputs each input line went to (accepted and rejected rows by their `fuzz_line`,
    errors rows by their `line`), and what is wrong with rows that name none. An output that
    was never written holds nothing."""
    found: dict[int, list[str]] = {}
    problems: list[str] = []
    for name, path in outputs.items():
        if not path.exists():
            continue
        for raw in path.read_bytes().splitlines():
            try:
                row = strict_json(raw)
            except ValueError as error:
                problems.append(f"a {name} row that is not JSON ({error}): {raw[:120]!r}")
                continue
            number = _line_named(row, "line" if name == "errors" else "fuzz_line")
            if number is None:
                problems.append(f"a {name} row without its line: {raw[:120]!r}")
                continue
            found.setdefault(number, []).append(name)
    return found, problems


def _line_named(row: object, key: str) -> int | None:
    number = row.get(key) if isinstance(row, dict) else None
    return number if isinstance(number, int) else None


def check_gate_outputs(outputs: dict[str, Path], expected: set[int]) -> list[str]:
    """Every expected line in exactly one output: accepted and rejected rows by their
    `fuzz_line`, errors rows by their `line`. Returns what is wrong."""
    found, problems = outputs_by_line(outputs)
    return problems + accounting_problems(Counter({n: len(o) for n, o in found.items()}), expected)


def accounting_problems(seen: Counter[int], expected: set[int]) -> list[str]:
    """What is wrong with how often each expected line was seen: missing or doubled."""
    problems: list[str] = []
    missing = sorted(expected - set(seen))
    doubled = sorted(n for n, count in seen.items() if count > 1)
    if missing:
        problems.append(f"{len(missing)} lines in no output, first {missing[:5]}")
    if doubled:
        problems.append(f"{len(doubled)} lines in two outputs, first {doubled[:5]}")
    return problems


def jsonl_row_ids(stdout: bytes) -> tuple[list[str], list[str]]:
    """The `id` of every JSONL row `score` or `features` printed, and what is wrong with
    rows that are not strict UTF-8 JSON objects with a string id."""
    ids: list[str] = []
    problems: list[str] = []
    for raw in stdout.splitlines():
        try:
            row = strict_json(raw.decode("utf-8"))
        except ValueError as error:  # UnicodeDecodeError is one
            problems.append(f"a row that is not UTF-8 JSON ({error}): {raw[:120]!r}")
            continue
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            problems.append(f"a row without a string id: {raw[:120]!r}")
            continue
        ids.append(row["id"])
    return ids, problems


def skipped_messages(stderr: bytes) -> list[str]:
    """What follows `farmscore: skipped ` on each line of standard error: `where: reason`."""
    lines = stderr.decode("utf-8", "replace").splitlines()
    return [line.removeprefix(SKIPPED_PREFIX) for line in lines if line.startswith(SKIPPED_PREFIX)]


def ends_on_complete_line(path: Path) -> bool:
    """Whether `path` is empty or ends on a line break after which nothing is left half
    written, every line of it a JSON row."""
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        return False
    try:
        for raw in data.splitlines():
            strict_json(raw)
    except ValueError:
        return False
    return True
