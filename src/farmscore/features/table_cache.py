"""Word tables kept on disk between processes, rebuilt when their source changes.

Building the CMU and wordfreq tables parses 447,000 entries, about half a second at every
start of a command or worker. The built arrays are written once to the user's cache folder
(`FARMSCORE_CACHE_DIR`, else `$XDG_CACHE_HOME/farmscore`, else `~/.cache/farmscore`) under a
name that changes with the source file (path, size, modification time) and the table format;
a later process loads them in milliseconds. A cache that cannot be read or written is never an
error: the table is built in memory as before.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from farmscore.atomic_files import write_atomic
from farmscore.features.word_table import HashedWordTable

CACHE_VARIABLE = "FARMSCORE_CACHE_DIR"
# Bump when the table's hash or layout changes: old files are then never read.
TABLE_FORMAT = 2


def cache_folder() -> Path:
    given = os.environ.get(CACHE_VARIABLE)
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "farmscore"


def cached_table(name: str, source: Path, build: Callable[[], HashedWordTable]) -> HashedWordTable:
    """The table `build()` makes from `source`, loaded from the cache when a file made from
    this very source is there, else built and (when the folder is writable) saved."""
    path = cache_folder() / f"{name}-{_source_key(source)}.npz"
    try:
        with np.load(path, allow_pickle=False) as arrays:
            return HashedWordTable.from_arrays(arrays["hashes"], arrays["values"])
    except (OSError, KeyError, ValueError):
        pass  # absent, unreadable or damaged: build it again
    table = build()
    _save(path, table)
    return table


def _source_key(source: Path) -> str:
    status = source.stat()
    identity = [TABLE_FORMAT, str(source.resolve()), status.st_size, status.st_mtime_ns]
    return hashlib.sha256(json.dumps(identity).encode("utf-8")).hexdigest()[:16]


def _save(path: Path, table: HashedWordTable) -> None:
    hashes, values = table.arrays()

    def write(temp: Path) -> None:
        # Through an open file: given a name, np.savez would add ".npz" to the temporary's.
        with temp.open("wb") as stream:
            np.savez(stream, hashes=hashes, values=values)

    try:
        write_atomic(path, write)
    except OSError:
        return  # a read-only home or a full disk: the table still works, only slower to start
