"""How a command ends: on SIGTERM as on Ctrl-C, with every worker process stopped.

Python's default answer to SIGTERM is to die at once: no `finally` block runs, outputs are
not flushed, and the worker processes of `--jobs 2` (about 230 MB each) and their resource
tracker are left running for good. Here SIGTERM raises `SystemExit` instead, so the command
unwinds as it does on Ctrl-C, and whatever way it ends, the workers are stopped.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType

# loky's thread that feeds the worker pool. Torn down mid-dispatch, it can trip over a task
# cancelled under it (a KeyError in `add_call_item_to_queue`, seen in one stop of a
# 10,000-input fuzz run) and print a traceback, though the workers are stopped all the same.
POOL_MANAGER_THREAD = "ExecutorManagerThread"


def _raise_system_exit(signum: int, frame: FrameType | None) -> None:
    quiet_pool_manager_while_stopping()
    # The exit status shells give a process ended by a signal: 128 + its number.
    raise SystemExit(128 + signum)


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    quiet_pool_manager_while_stopping()
    raise KeyboardInterrupt


def run_until_done(command: Callable[[], None]) -> None:
    """Run `command`, turning SIGTERM into `SystemExit`, and stop the worker processes it
    started, however it ends."""
    previous_term = signal.signal(signal.SIGTERM, _raise_system_exit)
    previous_int = signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
    try:
        command()
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGINT, previous_int)
        stop_worker_processes()


def quiet_pool_manager_while_stopping() -> None:
    """From now on, an exception that ends the worker pool's manager thread is not printed:
    the command is stopping and `stop_worker_processes` ends the pool whatever its state.
    Any other thread's exception is printed as before."""
    previous = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        if args.thread is not None and args.thread.name == POOL_MANAGER_THREAD:
            return
        previous(args)

    threading.excepthook = hook


def stop_worker_processes() -> None:
    """Kill the worker processes of joblib's process pool, when this process started one; a
    no-op otherwise. Its resource tracker ends by itself once no process holds its pipe."""
    if "joblib.externals.loky" not in sys.modules:
        return  # no pool was ever made
    from joblib.externals.loky import reusable_executor

    executor = reusable_executor._executor
    if executor is not None:
        executor.shutdown(wait=True, kill_workers=True)
