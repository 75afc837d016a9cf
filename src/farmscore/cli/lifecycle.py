"""How a command ends: on SIGTERM as on Ctrl-C, with every worker process stopped.

Python's default answer to SIGTERM is to die at once: no `finally` block runs, outputs are
not flushed, and the worker processes of `--jobs 2` (about 230 MB each) and their resource
tracker are left running for good. Here SIGTERM raises `SystemExit` instead, so the command
unwinds as it does on Ctrl-C, and whatever way it ends, the workers are stopped.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from types import FrameType


def _raise_system_exit(signum: int, frame: FrameType | None) -> None:
    # The exit status shells give a process ended by a signal: 128 + its number.
    raise SystemExit(128 + signum)


def run_until_done(command: Callable[[], None]) -> None:
    """Run `command`, turning SIGTERM into `SystemExit`, and stop the worker processes it
    started, however it ends."""
    previous = signal.signal(signal.SIGTERM, _raise_system_exit)
    try:
        command()
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop_worker_processes()


def stop_worker_processes() -> None:
    """Kill the worker processes of joblib's process pool, when this process started one; a
    no-op otherwise. Its resource tracker ends by itself once no process holds its pipe."""
    if "joblib.externals.loky" not in sys.modules:
        return  # no pool was ever made
    from joblib.externals.loky import reusable_executor

    executor = reusable_executor._executor
    if executor is not None:
        executor.shutdown(wait=True, kill_workers=True)
