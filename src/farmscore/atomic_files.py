"""Write files atomically: a temporary file in the same folder, renamed into place with
`os.replace` only once it is complete, so a reader sees the old file or the whole new one and an
interrupted write leaves nothing half-written behind.

Used by every stage that writes (the word-table cache, the server's model generations, the
audit's results), so it sits below them all.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

# Temporary files start with a dot and end in .tmp, so no reader takes them for results.
TEMP_PREFIX = ".farmscore-"
TEMP_SUFFIX = ".tmp"


def write_text_atomic(path: Path, text: str) -> Path:
    """Write `text` (UTF-8) to `path` through a temporary file in the same folder."""
    return write_atomic(path, lambda temp: temp.write_text(text, encoding="utf-8"))


def write_atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """`write(temp)` to a temporary file in `path`'s folder, then rename it to `path`: a
    reader sees the old file or the whole new one, and a failed write leaves no temporary."""
    with staged_paths(path.parent, 1) as (temp,):
        write(temp)
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
