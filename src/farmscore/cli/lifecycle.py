"""How a command ends: on SIGTERM as on Ctrl-C, with every worker process stopped, and on an
output that cannot be written with one line that says so.

Python's default answer to SIGTERM is to die at once: no `finally` block runs, outputs are
not flushed, and the worker processes of `--jobs 2` (about 230 MB each) and their resource
tracker are left running for good. Here SIGTERM raises `SystemExit` instead, so the command
unwinds as it does on Ctrl-C, and whatever way it ends, the workers are stopped.

A write that fails (a full disk) would end in a traceback or two; here it ends with one line
on standard error, naming the output, the cause, what to do and what was completed, and
its own exit code.

Exit codes of every command: 0 done; 1 some records could not be read or scored (and a
reader downstream that closed the pipe early); 2 a usage error or a refusal before any
work; 3 an output could not be written (these four in common.py); 130 interrupted (Ctrl-C);
143 stopped by SIGTERM.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import NoReturn, TextIO

from farmscore.atomic_files import OutputWriteError, discard_unwritten
from farmscore.cli.common import EXIT_WRITE_FAILED

# Causes that only writing raises: an OSError with one of these that no writer named still
# means an output (a table, a JSON summary) could not be written.
WRITE_ONLY_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})

# What to do about each cause.
_REMEDIES = {
    errno.ENOSPC: "free some space there, or write elsewhere, and run again",
    errno.EDQUOT: "free some of your disk quota, or write elsewhere, and run again",
    errno.EFBIG: "the file is over its size limit (ulimit -f, or the file system's); "
    "write to another file system, or split the input, and run again",
    errno.EROFS: "the file system is read-only; write elsewhere and run again",
    errno.EIO: "the device reported an I/O error; check it (dmesg) and write elsewhere",
}
_REMEDY_OTHERWISE = "check the output's place and run again"

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
    """Run `command`, turning SIGTERM into `SystemExit` and a failed write into one line and
    `EXIT_WRITE_FAILED`, and stop the worker processes it started, however it ends."""
    previous_term = signal.signal(signal.SIGTERM, _raise_system_exit)
    previous_int = signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
    try:
        command()
    except OSError as error:
        failure = write_failure(error)
        if failure is None:
            raise
        stop_on_write_failure(failure)
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGINT, previous_int)
        stop_worker_processes()


def write_failure(error: OSError) -> OutputWriteError | None:
    """`error` as a failed write: itself when a writer named its output, or one naming the
    output as well as can be told when its cause is one only a write raises; None for any
    other OSError (an unreadable input is no write failure)."""
    if isinstance(error, OutputWriteError):
        return error
    if error.errno not in WRITE_ONLY_ERRNOS:
        return None
    if error.filename is not None:  # a file or folder that could not be made: nothing in it
        return OutputWriteError(os.fsdecode(error.filename), error, "")
    output = "standard output" if not _flushes(sys.stdout) else "an output"
    return OutputWriteError(output, error, "what was written to it may be cut short")


def stop_on_write_failure(failure: OutputWriteError) -> NoReturn:
    """Print `write_failure_line(failure)` on standard error and exit with
    `EXIT_WRITE_FAILED`. What a standard stream still holds and cannot write is dropped, so
    that Python's last flush neither fails again (into a second traceback) nor turns the
    exit code into 120."""
    _drop_unwritable(sys.stdout)
    try:
        print(write_failure_line(failure), file=sys.stderr, flush=True)
    except OSError:  # standard error is on the full disk too: the exit code still says it
        _drop_unwritable(sys.stderr)
    raise SystemExit(EXIT_WRITE_FAILED)


def write_failure_line(failure: OutputWriteError) -> str:
    """`farmscore: error: cannot write out.jsonl: No space left on device (errno 28); free
    some space there, or write elsewhere, and run again; 120 complete lines went to it, and
    it ends on the last of them`, and the failure's notes after that."""
    if failure.errno is None:
        cause = failure.strerror or "an unknown error"
    else:
        cause = f"{os.strerror(failure.errno)} (errno {failure.errno})"
    remedy = _REMEDIES.get(failure.errno or 0, _REMEDY_OTHERWISE)
    notes = getattr(failure, "__notes__", [])
    parts = [f"cannot write {failure.output}: {cause}", remedy, failure.completed, *notes]
    return "farmscore: error: " + "; ".join(part for part in parts if part)


def _flushes(stream: TextIO) -> bool:
    """Whether `stream` can write out what it holds."""
    try:
        stream.flush()
    except OSError:
        return False
    return True


def _drop_unwritable(stream: TextIO) -> None:
    if not _flushes(stream):
        with contextlib.suppress(OSError, ValueError):  # no file descriptor: nothing to drop
            discard_unwritten(stream.fileno())


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
