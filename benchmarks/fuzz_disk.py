"""Fuzz stage: outputs that cannot be written.

`gate`, `score` and `features` write to /dev/full (every write fails with ENOSPC); then, when
this process may mount one, `gate` writes its accepted and rejected records to a 256 KiB tmpfs
that fills part-way through the stream. Each must end with `EXIT_WRITE_FAILED`, one line on
standard error that says so and no traceback, and leave every file it wrote ending on a
complete JSONL row.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
from pathlib import Path

from benchmarks.fuzz_outputs import ends_on_complete_line
from benchmarks.fuzz_report import (
    COMMAND_TIMEOUT_S,
    Finding,
    FuzzReport,
    case_of,
    farmscore_argv,
    note_bad_ending,
)
from benchmarks.hostile import prose
from farmscore.cli.common import EXIT_WRITE_FAILED

DEV_FULL = Path("/dev/full")
TMPFS_SIZE = "256k"
# Records of about 2.5 KB of text, each a gate row of about 4 KB: 120 fill 256 KiB halfway.
N_RECORDS = 120
RECORD_WORDS = 400
ERROR_LINE_PREFIX = b"farmscore: error: cannot write "
SECTION = "disk full"
# How the error line counts the rows a file it names holds.
COMPLETE_ROWS_SAID = re.compile(r"([\d,]+) complete (?:line|row)s? went to it")


def write_records(rng: random.Random, path: Path) -> None:
    records = [{"id": f"r{n}", "text": prose(rng, RECORD_WORDS)} for n in range(N_RECORDS)]
    path.write_bytes(b"".join(json.dumps(record).encode() + b"\n" for record in records))


def run_failing_write(
    argv: list[str], stdout: Path, files: list[Path], report: FuzzReport, way_in: str
) -> None:
    """Run a command whose output cannot all be written, its standard output into `stdout`;
    check how it ended and that each of `files` ends on a complete row."""
    with stdout.open("wb") as out:
        try:
            done = subprocess.run(
                argv, stdout=out, stderr=subprocess.PIPE, timeout=COMMAND_TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired:
            report.crashes.append(Finding(way_in, case_of(argv), "hung"))
            return
    report.inputs[way_in] += 1
    if not note_bad_ending(
        report, way_in, case_of(argv), done.returncode, done.stderr, (EXIT_WRITE_FAILED,)
    ):
        return
    lines = done.stderr.splitlines()
    if len(lines) != 1 or not lines[0].startswith(ERROR_LINE_PREFIX):
        problem = f"not one error line: {done.stderr[-400:]!r}"
        report.crashes.append(Finding(way_in, case_of(argv), problem))
        return
    for path in files:
        for problem in written_file_problems(path, lines[0].decode(errors="replace")):
            report.lost.append(Finding(way_in, case_of(argv), problem))


def written_file_problems(path: Path, error_line: str) -> list[str]:
    """What is wrong with a file a failed command wrote: a half row at its end, or, when the
    error line names it, a count of complete rows it does not hold."""
    if not path.exists():
        return []
    if not ends_on_complete_line(path):
        return [f"{path.name} ends mid-row"]
    said = COMPLETE_ROWS_SAID.search(error_line)
    if f"cannot write {path}:" not in error_line or said is None:
        return []
    held = len(path.read_bytes().splitlines())
    if int(said.group(1).replace(",", "")) != held:
        return [f"{path.name} holds {held} rows; the error line says {said.group(1)}"]
    return []


def fuzz_dev_full(stream: Path, workdir: Path, report: FuzzReport) -> None:
    """Standard output, or gate's --accept and --reject, on /dev/full."""
    errors = workdir / "dev-full-errors.jsonl"
    on_dev_full = ["--reject", str(DEV_FULL), "--errors", str(errors)]
    commands = {
        "gate --jobs 1": ["gate", str(stream), *on_dev_full],
        "gate --jobs 2": ["gate", str(stream), "--jobs", "2", *on_dev_full],
        "gate --accept": ["gate", str(stream), "--accept", str(DEV_FULL), *on_dev_full],
        "score": ["score", str(stream), "--format", "jsonl"],
        "features": ["features", str(stream), "--format", "jsonl"],
    }
    for name, command in commands.items():
        way_in = f"disk full /dev/full {name}"
        run_failing_write(farmscore_argv(*command), DEV_FULL, [errors], report, way_in)


def mount_tmpfs(folder: Path) -> str | None:
    """Mount a small tmpfs on `folder`; None when done, else why it could not be."""
    if os.geteuid() != 0:
        return f"mounting a tmpfs needs root; this runs as uid {os.geteuid()}"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        return f"mount failed: {mounted.stderr.strip() or mounted.returncode}"
    return None


def fuzz_filling_tmpfs(stream: Path, workdir: Path, report: FuzzReport) -> None:
    """gate's accepted and rejected records onto a tmpfs that fills mid-stream."""
    folder = workdir / "small-tmpfs"
    not_mounted = mount_tmpfs(folder)
    if not_mounted is not None:
        report.figure(SECTION, f"a {TMPFS_SIZE} tmpfs that fills", f"skipped: {not_mounted}")
        return
    try:
        outputs = [folder / "accept.jsonl", folder / "reject.jsonl"]
        argv = farmscore_argv(
            "gate",
            str(stream),
            "--accept",
            str(outputs[0]),
            "--reject",
            str(outputs[1]),
            "--errors",
            str(workdir / "tmpfs-errors.jsonl"),
        )
        stdout = workdir / "tmpfs-gate.out"
        run_failing_write(argv, stdout, outputs, report, "disk full tmpfs gate")
        report.figure(SECTION, f"a {TMPFS_SIZE} tmpfs that fills", "ran")
    finally:
        unmounted = subprocess.run(["umount", str(folder)], capture_output=True, check=False)
        if unmounted.returncode != 0:
            report.figure(SECTION, "umount failed", unmounted.stderr.decode(errors="replace"))


def fuzz_disk_full(rng: random.Random, workdir: Path, report: FuzzReport) -> None:
    stream = workdir / "disk-full.jsonl"
    write_records(rng, stream)
    if DEV_FULL.exists():
        fuzz_dev_full(stream, workdir, report)
    else:
        report.figure(SECTION, "/dev/full", "skipped: no /dev/full (Linux only)")
    fuzz_filling_tmpfs(stream, workdir, report)
