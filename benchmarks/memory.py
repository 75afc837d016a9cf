"""Peak resident memory of a command and every process it starts, sampled from /proc.

Linux only: the resident set is read from /proc/<pid>/status. Summing VmRSS over a tree
counts pages that forked workers share with their parent once per process, so the tree figure
is an upper bound on the memory the tree really holds.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

POLL_SECONDS = 0.05
BYTES_PER_KIB = 1024
PROC = Path("/proc")


@dataclass(frozen=True, slots=True)
class MemoryPeak:
    """What a command used: the largest sum of VmRSS over its process tree seen in any one
    sample, the main process's own high-water mark, and how it ended."""

    peak_tree_rss_bytes: int
    main_vmhwm_bytes: int
    samples: int
    seconds: float
    exit_code: int


def status_kib(pid: int, field: str) -> int | None:
    """A `kB` field of /proc/<pid>/status (VmRSS, VmHWM, ...), None when the process is gone
    or has no memory left (a zombie)."""
    try:
        text = (PROC / str(pid) / "status").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    prefix = field + ":"
    for line in text.splitlines():
        if line.startswith(prefix):
            return int(line.split()[1])
    return None


def descendants(pid: int) -> list[int]:
    """Every living process below `pid`, found through the parent field of /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        # The command name sits in parentheses and may hold spaces; fields follow its end.
        fields = stat[stat.rfind(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: list[int] = []
    frontier = [pid]
    while frontier:
        below = children.get(frontier.pop(), [])
        found.extend(below)
        frontier.extend(below)
    return found


def tree_rss_kib(pid: int) -> int:
    """VmRSS of `pid` plus all its descendants, in KiB."""
    return sum(status_kib(p, "VmRSS") or 0 for p in [pid, *descendants(pid)])


def measure_peak_rss(
    argv: Sequence[str],
    *,
    stdin_path: Path | None = None,
    stdout_path: Path | None = None,
    stderr_path: Path | None = None,
    env: dict[str, str] | None = None,
    poll_seconds: float = POLL_SECONDS,
) -> MemoryPeak:
    """Run `argv` to its end, sampling its tree's resident memory every `poll_seconds`.

    >>> peak = measure_peak_rss(["python3", "-c", "b = b'x' * 50_000_000"])
    >>> peak.exit_code, peak.main_vmhwm_bytes > 50_000_000
    (0, True)
    """
    with (
        open(stdin_path, "rb") if stdin_path else open(os.devnull, "rb") as stdin,
        open(stdout_path, "wb") if stdout_path else open(os.devnull, "wb") as stdout,
        open(stderr_path, "wb") if stderr_path else open(os.devnull, "wb") as stderr,
    ):
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=stderr, env=env)
        peak_kib = 0
        hwm_kib = 0
        samples = 0
        while process.poll() is None:
            peak_kib = max(peak_kib, tree_rss_kib(process.pid))
            # VmHWM only grows, and is gone once the process exits: keep the last reading.
            # (wait4's ru_maxrss is no substitute: Linux carries the forking parent's peak
            # into the child's across exec, so it reports this harness's own size.)
            hwm_kib = max(hwm_kib, status_kib(process.pid, "VmHWM") or 0)
            samples += 1
            time.sleep(poll_seconds)
        seconds = time.perf_counter() - start
    return MemoryPeak(
        peak_tree_rss_bytes=peak_kib * BYTES_PER_KIB,
        main_vmhwm_bytes=hwm_kib * BYTES_PER_KIB,
        samples=samples,
        seconds=seconds,
        exit_code=process.returncode,
    )
