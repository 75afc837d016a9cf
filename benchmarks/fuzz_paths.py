"""Fuzz stages about paths: file names that are not UTF-8, and outputs that are the input
under another name.

Names: files, a subfolder and a dangling link whose names hold bytes that are no UTF-8
(`\\xe9`, `\\xff`, `\\x80`, an encoded surrogate), made from bytes paths, through `score`,
`features` and `audit`. Every entry gives one row or one error, under its name with those
bytes written `\\xff` (`farmscore.reading.paths.name_of`).

Same file: `gate` whose `--accept`, `--reject` or `--errors` is a hard link or a symbolic
link to its input, or the file its standard input is redirected from, or whose two outputs
are one file. Each must be refused (exit 2) before any output is opened, leaving every file
as it was.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from benchmarks.fuzz_outputs import jsonl_row_ids, skipped_messages
from benchmarks.fuzz_report import (
    Finding,
    FuzzReport,
    farmscore_argv,
    run_command,
)
from benchmarks.hostile import prose

# Byte sequences that are no UTF-8: Latin-1 é, bytes never in UTF-8, a lone continuation
# byte, a lead byte without its continuation, and a UTF-16 surrogate encoded as UTF-8.
NOT_UTF8 = (b"\xe9", b"\xff", b"\x80", b"\xc3(", b"\xed\xa0\x80", b"\xfe\xfe")
# Between them, UTF-8 that is fine: ASCII, é and 字.
UTF8_PARTS = (b"", b"x", b"caf\xc3\xa9", b"\xe5\xad\x97")
FILE_KINDS = ("text", "markdown", "page", "gzip", "jsonl", "latin1", "no_words")
# One odd name per this many inputs of a campaign, and at least this many.
INPUTS_PER_NAME = 200
MIN_NAMES = 14
# The folder given on the command line, itself named in bytes that are no UTF-8: the report's
# header names it.
ROOT_NAME = b"names-\xfe"
# Every fifth file goes into a subfolder, whose name is no UTF-8 either.
SUBFOLDER_EVERY = 5


def escaped(path: bytes) -> str:
    """How farmscore names a path: bytes that are not UTF-8 written as `\\xff`."""
    return path.decode("utf-8", "backslashreplace")


def odd_name(rng: random.Random, index: int, suffix: bytes) -> bytes:
    parts = (rng.choice(NOT_UTF8), rng.choice(UTF8_PARTS), rng.choice(NOT_UTF8))
    return b"%05d " % index + b"".join(parts) + suffix


@dataclass
class NamedFolder:
    """A folder of oddly named entries, and the name each row or error must carry, as many
    times as it must appear."""

    path: bytes
    expected: Counter[str]


def _write(path: bytes, data: bytes) -> None:
    with open(path, "wb") as out:
        out.write(data)


def write_named_file(rng: random.Random, folder: bytes, index: int) -> list[str]:
    """One file of a random kind with an odd name; the names its rows or errors carry."""
    kind = rng.choice(FILE_KINDS)
    text = prose(rng, rng.randint(30, 200))
    suffix = {"markdown": b".md", "page": b".html", "gzip": b".txt.gz", "jsonl": b".jsonl"}
    path = os.path.join(folder, odd_name(rng, index, suffix.get(kind, b".txt")))
    if kind == "jsonl":
        # A record with its own id is named by it; one without, by the file and line.
        records = [{"id": f"record-{index}", "text": text}, {"text": prose(rng, 50)}]
        _write(path, b"".join(json.dumps(r).encode() + b"\n" for r in records))
        return [f"record-{index}", f"{escaped(path)}:2"]
    data = {
        "page": f"<html><body><p>{text}</p></body></html>".encode(),
        "gzip": gzip.compress(text.encode()),
        "latin1": f"Caf\xe9 {text}".encode("latin-1"),  # an error: not UTF-8 text
        "no_words": b"!!! ???",  # an error: nothing to judge
    }.get(kind, text.encode())
    _write(path, data)
    return [escaped(path)]


def write_named_folder(rng: random.Random, workdir: Path, n_names: int) -> NamedFolder:
    """A folder holding `n_names` files named with bytes that are no UTF-8 (some in a
    subfolder so named) and a dangling link so named."""
    root = os.path.join(os.fsencode(workdir), ROOT_NAME)
    subfolder = os.path.join(root, b"sub-\x80")
    os.makedirs(subfolder)
    expected: Counter[str] = Counter()
    for index in range(n_names):
        folder = subfolder if index % SUBFOLDER_EVERY == 0 else root
        expected.update(write_named_file(rng, folder, index))
    dangling = os.path.join(root, b"dangling-\xfe.txt")
    os.symlink(os.path.join(root, b"missing-\xff.txt"), dangling)
    expected[escaped(dangling)] += 1
    return NamedFolder(root, expected)


def naming_problems(named: Counter[str], expected: Counter[str]) -> list[str]:
    """What is wrong with the names rows and errors carried, against those expected."""
    problems = []
    if missing := sorted((expected - named).elements()):
        problems.append(f"{len(missing)} entries without a row or error, first {missing[:3]}")
    if unexpected := sorted((named - expected).elements()):
        problems.append(f"{len(unexpected)} rows or errors too many, first {unexpected[:3]}")
    return problems


def skipped_names(stderr: bytes, expected: Counter[str]) -> tuple[Counter[str], list[str]]:
    """The expected name each skip message starts with, and the messages that name none."""
    named: Counter[str] = Counter()
    unmatched: list[str] = []
    for message in skipped_messages(stderr):
        # The longest match: one name may start another (`a.jsonl` and `a.jsonl:2`).
        matches = [name for name in expected if message.startswith(f"{name}: ")]
        if matches:
            named[max(matches, key=len)] += 1
        else:
            unmatched.append(f"a skip message naming no entry: {message[:160]!r}")
    return named, unmatched


def fuzz_named_rows(folder: NamedFolder, command: str, report: FuzzReport) -> None:
    way_in = f"non-UTF-8 names {command}"
    argv = farmscore_argv(command, os.fsdecode(folder.path), "--format", "jsonl")
    done = run_command(argv, report, way_in)
    report.inputs[way_in] += sum(folder.expected.values())
    if done is None:
        return
    ids, problems = jsonl_row_ids(done.stdout)
    named, unmatched = skipped_names(done.stderr, folder.expected)
    named.update(ids)
    case = f"{command} {escaped(folder.path)}"
    for problem in problems + unmatched + naming_problems(named, folder.expected):
        report.lost.append(Finding(way_in, case, problem))


def fuzz_named_audit(folder: NamedFolder, workdir: Path, report: FuzzReport) -> None:
    way_in = "non-UTF-8 names audit"
    out = workdir / "names-audit"
    argv = farmscore_argv("audit", os.fsdecode(folder.path), "--out", str(out), "--jobs", "2")
    done = run_command(argv, report, way_in)
    report.inputs[way_in] += sum(folder.expected.values())
    if done is None:
        return
    case = f"audit {escaped(folder.path)}"
    try:
        with (out / "results.csv").open(newline="", encoding="utf-8") as results:
            named = Counter(row["id"] for row in csv.DictReader(results))
        (out / "report.html").read_text(encoding="utf-8")
    except (OSError, ValueError) as error:  # missing, or not UTF-8
        report.lost.append(Finding(way_in, case, f"results unreadable: {error}"))
        return
    for problem in naming_problems(named, folder.expected):
        report.lost.append(Finding(way_in, case, problem))


def fuzz_names(rng: random.Random, n_inputs: int, workdir: Path, report: FuzzReport) -> None:
    folder = write_named_folder(rng, workdir, max(MIN_NAMES, n_inputs // INPUTS_PER_NAME))
    for command in ("score", "features"):
        fuzz_named_rows(folder, command, report)
    fuzz_named_audit(folder, workdir, report)


# ---- outputs that are the input, or each other -------------------------------------------------

EXIT_REFUSED = 2
SAME_FILE_WAY_IN = "same-file outputs gate"


@dataclass(frozen=True, slots=True)
class SameFileCase:
    """A gate command that must be refused, and where its standard input comes from."""

    name: str
    arguments: list[str]
    stdin: Path | None = None


def same_file_cases(source: Path, output: Path) -> list[SameFileCase]:
    """Every way an output can be the input, or another output, under another name. Makes
    the links it needs beside `source` and `output`."""
    folder = source.parent
    hard, soft = folder / "hard-link.jsonl", folder / "symbolic-link.jsonl"
    os.link(source, hard)
    soft.symlink_to(source)
    output_hard = folder / "output-hard-link.jsonl"
    os.link(output, output_hard)
    cases = []
    for option in ("--accept", "--reject", "--errors"):
        cases += [
            SameFileCase(f"{option} a hard link to the input", [str(source), option, str(hard)]),
            SameFileCase(f"{option} a link to the input", [str(source), option, str(soft)]),
            SameFileCase(f"{option} the file on stdin", ["-", option, str(source)], source),
            SameFileCase(f"{option} a hard link to stdin's file", [option, str(hard)], source),
        ]
    cases += [
        SameFileCase(
            "--reject a hard link to --accept",
            [str(source), "--accept", str(output), "--reject", str(output_hard)],
        ),
        SameFileCase(
            "--errors the same file as --accept",
            [str(source), "--accept", str(output), "--errors", str(output)],
        ),
    ]
    return cases


def fuzz_same_file(rng: random.Random, workdir: Path, report: FuzzReport) -> None:
    folder = workdir / "same-file"
    folder.mkdir()
    source, output = folder / "in.jsonl", folder / "out.jsonl"
    records = [{"id": f"r{n}", "text": prose(rng, 120)} for n in range(3)]
    original = b"".join(json.dumps(record).encode() + b"\n" for record in records)
    source.write_bytes(original)
    output.write_bytes(b'{"id": "from an earlier run"}\n')
    earlier = output.read_bytes()
    for case in same_file_cases(source, output):
        argv = farmscore_argv("gate", *case.arguments)
        done = run_command(
            argv, report, SAME_FILE_WAY_IN, exit_codes=(EXIT_REFUSED,), stdin=case.stdin
        )
        report.inputs[SAME_FILE_WAY_IN] += 1
        if done is not None and b"same file" not in done.stderr:
            report.crashes.append(Finding(SAME_FILE_WAY_IN, case.name, "refused without a word"))
        for path, before in ((source, original), (output, earlier)):
            if path.read_bytes() != before:
                report.lost.append(Finding(SAME_FILE_WAY_IN, case.name, f"{path.name} changed"))
                path.write_bytes(before)  # through every link: the next case starts afresh
