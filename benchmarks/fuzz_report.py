"""What a fuzz campaign found, and how its stages run a command and judge how it ended.

Shared by `benchmarks.fuzz` and the stages in `benchmarks/fuzz_*.py`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

MB = 1_000_000
# A subprocess that runs longer than this has hung on something: that is a crash.
COMMAND_TIMEOUT_S = 900
# 0: every input was handled; 1: some were errors rows. Any other code is a crash, unless a
# case expects it (a refusal's 2, a failed write's 3).
ORDINARY_EXIT_CODES = (0, 1)
STDERR_TAIL_CHARS = 600


@dataclass
class Finding:
    way_in: str
    case: str
    problem: str


@dataclass
class FuzzReport:
    inputs: Counter[str] = field(default_factory=Counter)
    crashes: list[Finding] = field(default_factory=list)
    lost: list[Finding] = field(default_factory=list)
    slowest_s_per_mb: float = 0.0
    slowest_case: str = ""
    slowest_large_s_per_mb: float = 0.0
    slowest_large_case: str = ""
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    # Measurements to read, not to judge, by section: peak memory of each way in, how long
    # stopping took, what was skipped and why.
    figures: dict[str, dict[str, object]] = field(default_factory=dict)

    def figure(self, section: str, name: str, value: object) -> None:
        self.figures.setdefault(section, {})[name] = value

    def time(self, case: str, n_bytes: int, seconds: float) -> None:
        """Keep the slowest input per MB, counting anything under 1 KB as 1 KB (start-up
        costs of a tiny input are no measure of its size)."""
        per_mb = seconds / (max(n_bytes, 1_000) / MB)
        if per_mb > self.slowest_s_per_mb:
            self.slowest_s_per_mb, self.slowest_case = per_mb, case
        if n_bytes >= MB // 4 and seconds / (n_bytes / MB) > self.slowest_large_s_per_mb:
            self.slowest_large_s_per_mb = seconds / (n_bytes / MB)
            self.slowest_large_case = f"{case} ({n_bytes / MB:.2f} MB, {seconds:.2f} s)"

    def as_dict(self) -> dict[str, object]:
        return {
            "inputs": sum(self.inputs.values()),
            "inputs_by_way_in": dict(self.inputs),
            "crashes": [vars(f) for f in self.crashes],
            "lost_records": [vars(f) for f in self.lost],
            "slowest_seconds_per_mb": round(self.slowest_s_per_mb, 3),
            "slowest_case": self.slowest_case,
            "slowest_seconds_per_mb_of_inputs_over_quarter_mb": round(
                self.slowest_large_s_per_mb, 3
            ),
            "slowest_case_over_quarter_mb": self.slowest_large_case,
            "seconds": round(self.seconds, 1),
            "seconds_by_stage": {k: round(v, 1) for k, v in self.stage_seconds.items()},
            "figures": self.figures,
        }


Stage = tuple[str, Callable[[], None]]


def run_stages(
    stages: Sequence[Stage], report: FuzzReport, progress: Callable[[str], None]
) -> None:
    """Run each named stage in turn, timing it into `report.stage_seconds`."""
    for name, stage in stages:
        progress(name)
        started = time.perf_counter()
        stage()
        report.stage_seconds[name] = time.perf_counter() - started


def farmscore_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "farmscore", *args]


def case_of(argv: Sequence[str]) -> str:
    """A command line without the interpreter: `gate in.jsonl --jobs 2`, with bytes of a path
    that are no UTF-8 written `\\xff` so that the report can be written."""
    return " ".join(os.fsencode(arg).decode("utf-8", "backslashreplace") for arg in argv[3:])


def run_command(
    argv: list[str],
    report: FuzzReport,
    way_in: str,
    *,
    exit_codes: tuple[int, ...] = ORDINARY_EXIT_CODES,
    stdin: Path | None = None,
) -> subprocess.CompletedProcess[bytes] | None:
    """Run a command, its standard input from `stdin` when given; a hang, a traceback or an
    exit code outside `exit_codes` is a crash. None when it hung."""
    with open(stdin, "rb") if stdin is not None else nullcontext(None) as source:
        try:
            done = subprocess.run(
                argv, stdin=source, capture_output=True, timeout=COMMAND_TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired:
            report.crashes.append(Finding(way_in, case_of(argv), "hung"))
            return None
    note_bad_ending(report, way_in, case_of(argv), done.returncode, done.stderr, exit_codes)
    return done


def note_bad_ending(
    report: FuzzReport,
    way_in: str,
    case: str,
    exit_code: int,
    stderr: bytes,
    exit_codes: tuple[int, ...] = ORDINARY_EXIT_CODES,
) -> bool:
    """Record a crash when a command printed a traceback or ended with a code outside
    `exit_codes`; returns whether it ended well."""
    if b"Traceback" not in stderr and exit_code in exit_codes:
        return True
    tail = stderr.decode("utf-8", "replace")[-STDERR_TAIL_CHARS:]
    report.crashes.append(Finding(way_in, case, f"exit {exit_code}: {tail}"))
    return False
