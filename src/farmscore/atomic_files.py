"""Write outputs so that a failure never leaves half of one behind.

A whole file is written atomically: a temporary file in the same folder, renamed into place
with `os.replace` only once it is complete, so a reader sees the old file or the whole new one.
A stream of rows (JSONL, CSV) is written a whole row at a time, and when a write fails (a full
disk), the part of the row that reached the file is cut off again, so the file ends on its last
complete row. Either way the failure is an `OutputWriteError`, which names the output and says
what of it is complete.

Used by every stage that writes (the word-table cache, the server's model generations, the
audit's results, the commands' rows), so it sits below them all.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import shutil
import stat
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

# Temporary files start with a dot and end in .tmp, so no reader takes them for results.
TEMP_PREFIX = ".farmscore-"
TEMP_SUFFIX = ".tmp"

# What a failed atomic write leaves.
_LEFT_AS_IT_WAS = "it was left as it was (it is written whole or not at all)"

# How the standard streams are named in messages.
_STREAM_NAMES = {"<stdout>": "standard output", "<stderr>": "standard error"}


class OutputWriteError(OSError):
    """An output could not be written (a full disk, a quota, an I/O error, a file over its size
    limit, a read-only file system): `output` names it, `completed` says what of it is
    complete, and `errno` and `strerror` are the cause's. Notes added on the way up
    (`add_note`) say what else was done.

    An OSError, as the failure it wraps: callers that shrug off a failed write (the word-table
    cache on a full disk) still do."""

    def __init__(self, output: str, cause: OSError, completed: str) -> None:
        super().__init__(cause.errno, cause.strerror or str(cause), output)
        self.output = output
        self.completed = completed


class WholeRowWriter:
    """Writes rows to `stream`, each one whole and flushed at once (a flush costs microseconds,
    a row's score milliseconds), so that readers downstream see rows as they come and a
    failed write can be undone: the part of the failed row that reached the file is cut off,
    so the file ends on its last complete row, and `OutputWriteError` says so. A row is one
    line or several, ending in a newline; a whole table or JSON document may be one row.

    Cutting back needs a regular file written at its end; on a pipe or a device the error says
    that the last row may be cut short. Once a write has failed, every later one raises the
    same error: nothing reaches the file unseen. Safe to call from several threads."""

    def __init__(self, stream: IO[Any], name: str | None = None, unit: str = "line") -> None:
        self.name = name or stream_name(stream)
        self.rows = 0
        self._stream = stream
        self._unit = unit
        self._descriptor = _file_descriptor(stream)
        self._appends = self._descriptor is not None and _appends(self._descriptor)
        self._failure: OutputWriteError | None = None
        self._lock = threading.Lock()

    def write(self, row: str | bytes) -> None:
        """Write and flush `row`; `OutputWriteError` when it cannot be written, after
        cutting off what reached the file. A closed pipe raises `BrokenPipeError` as ever."""
        with self._lock:
            if self._failure is not None:
                raise self._failure
            start = self._row_start()
            try:
                _write_whole(self._stream, row)
            except BrokenPipeError:
                raise  # a reader that stopped reading is no write failure: callers stop quietly
            except OSError as error:
                self._failure = OutputWriteError(self.name, error, self._give_up(start))
                raise self._failure from error
            self.rows += 1

    def _row_start(self) -> int | None:
        """Where the next row starts in the file, when it is a regular file written at its end
        (a new file, `>`, `>>`); None otherwise."""
        if self._descriptor is None:
            return None
        try:
            status = os.fstat(self._descriptor)
            position = os.lseek(self._descriptor, 0, os.SEEK_CUR)
        except OSError:
            return None
        if not stat.S_ISREG(status.st_mode):
            return None
        if position == status.st_size or self._appends:
            return status.st_size
        return None  # written in the middle (`1<>`): what it overwrites cannot be restored

    def _give_up(self, start: int | None) -> str:
        """Drop what the stream still holds, cut the file back to `start`, and say what of
        it is complete."""
        cut_back = self._descriptor is not None and _cut_back(self._descriptor, start)
        count = f"{self.rows:,} complete {self._unit}{'' if self.rows == 1 else 's'}"
        not_cut = "only a regular file written at its end can be cut back"
        if cut_back and self.rows:
            last = f"that {self._unit}" if self.rows == 1 else "the last of them"
            return f"{count} went to it, and it ends on {last}"
        if cut_back:
            return f"no part of the {self._unit} was kept"
        if self.rows:
            return f"{count} went to it, perhaps with part of the next ({not_cut})"
        return f"no complete {self._unit} went to it, perhaps part of one ({not_cut})"


def _write_whole(stream: IO[Any], row: str | bytes) -> None:
    """Write `row` to `stream` and flush it; text goes through the stream's bytes layer
    when it has one, as `_write_all` needs."""
    if not isinstance(stream, io.TextIOBase):
        _write_all(stream, row.encode() if isinstance(row, str) else row)
        return
    text = row if isinstance(row, str) else row.decode()
    if not hasattr(stream, "buffer"):  # text held in memory
        stream.write(text)
        return
    stream.flush()  # what the text layer holds goes first
    _write_all(stream.buffer, text.encode(stream.encoding, stream.errors or "strict"))


def _write_all(binary: IO[bytes], data: bytes) -> None:
    """Write all of `data` and flush it, or raise. Unbuffered (PYTHONUNBUFFERED=1, as many
    containers set), standard output's bytes layer is the bare file: on a disk that fills,
    it writes part of what it is given and says so only in its count, which a text stream
    ignores, silently dropping the rest. Carried on, the next write raises."""
    unwritten = memoryview(data)
    while unwritten:
        # None: a non-blocking file that takes nothing for now; try again.
        unwritten = unwritten[binary.write(unwritten) or 0 :]
    binary.flush()


def stream_name(stream: IO[Any]) -> str:
    """`stream`'s file name, or "standard output" / "standard error"."""
    name = str(getattr(stream, "name", "the output"))
    return _STREAM_NAMES.get(name, name)


def discard_unwritten(descriptor: int) -> None:
    """Point `descriptor` at the null device: whatever its stream still buffers is dropped,
    and flushing or closing it cannot fail again (Python flushes standard output on the way
    out, and a failed flush there turns any exit code into 120)."""
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, descriptor)
        finally:
            os.close(null)


def _file_descriptor(stream: IO[Any]) -> int | None:
    try:
        return stream.fileno()
    except (OSError, ValueError):  # an in-memory stream (io.UnsupportedOperation is both)
        return None


def _appends(descriptor: int) -> bool:
    """Whether every write to `descriptor` goes to the end of its file (`>>`), wherever its
    position (0 until the first write)."""
    if sys.platform == "win32":
        return False  # no fcntl: only the first row of `>>` cannot be cut back
    import fcntl

    try:
        return bool(fcntl.fcntl(descriptor, fcntl.F_GETFL) & os.O_APPEND)
    except OSError:
        return False


def _cut_back(descriptor: int, start: int | None) -> bool:
    """Drop what is still buffered for `descriptor` and, when `start` is known, truncate its
    file there; whether the file now ends at `start`."""
    kept = _duplicate(descriptor) if start is not None else None
    discard_unwritten(descriptor)
    if start is None or kept is None:
        return False
    try:
        os.ftruncate(kept, start)
        # Another descriptor on the same open file (`> out 2>&1`) goes on writing from here.
        os.lseek(kept, start, os.SEEK_SET)
        return True
    except OSError:
        return False
    finally:
        os.close(kept)


def _duplicate(descriptor: int) -> int | None:
    """A second descriptor on the same file, which stays on it when `descriptor` is pointed
    at the null device."""
    try:
        return os.dup(descriptor)
    except OSError:
        return None


def write_text_atomic(path: Path, text: str) -> Path:
    """Write `text` (UTF-8) to `path` through a temporary file in the same folder."""
    return write_atomic(path, lambda temp: temp.write_text(text, encoding="utf-8"))


def write_atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """`write(temp)` to a temporary file in `path`'s folder, then rename it to `path`: a
    reader sees the old file or the whole new one, and a failed write leaves no temporary
    and raises `OutputWriteError` naming `path`."""
    with staged_paths(path.parent, 1) as (temp,):
        try:
            write(temp)
        except OSError as error:
            raise OutputWriteError(str(path), error, _LEFT_AS_IT_WAS) from error
        os.replace(temp, path)
    return path


def replace_path(temp: Path, final: Path) -> None:
    """`os.replace(temp, final)`, also when either is a folder (a local audit's Parquet file
    where a distributed one wrote a folder, or the reverse, or folder over folder), which
    `os.replace` refuses: the old one is renamed aside first and removed after."""
    if not (temp.is_dir() or final.is_dir()) or not final.exists():
        os.replace(temp, final)
        return
    aside = final.parent / f"{TEMP_PREFIX}{secrets.token_hex(8)}{TEMP_SUFFIX}"
    os.replace(final, aside)
    os.replace(temp, final)
    remove_path(aside)


def remove_path(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def staged_paths(folder: Path, count: int) -> Iterator[list[Path]]:
    """`count` unused temporary paths in `folder`, removed on the way out if still there
    (after a failure or an interrupt; after success they have been renamed away). The files
    are created by their writers, so they get the usual permissions, not mkstemp's 0600."""
    folder.mkdir(parents=True, exist_ok=True)
    temps = [folder / f"{TEMP_PREFIX}{secrets.token_hex(8)}{TEMP_SUFFIX}" for _ in range(count)]
    try:
        yield temps
    finally:
        for temp in temps:
            remove_path(temp)
