"""A compact, read-only map from words to small integers, for dictionaries of 100,000+ words.

A Python dict of str costs about 100 bytes a word (the string, the entry, the value); the
CMU and wordfreq lists together held about 50 MB that way, a sixth of a scoring process.
Here a word costs 10 bytes: a 64-bit hash of its UTF-8 bytes and a 16-bit value, in sorted
numpy arrays.
A lookup is a binary search (a few microseconds), made rare by the per-word memo in
`farmscore.features.vocabulary`.

The hash is BLAKE2b's, cut to 64 bits: the same in every process (Python's own str and bytes
hashes are salted per process), so a table built once is kept on disk (`cached_table`) and a
new process loads it in milliseconds instead of parsing 447,000 dictionary entries (about half
a second, most of a command's start-up). Two words with the same 64-bit hash would share a
value. Among 447,000 words the chance that any two collide is about 5e-9, and the chance that
a given unlisted word is taken for a listed one is about 2e-14 per lookup: far below any
effect on a feature.

>>> table = HashedWordTable([("cat", 1), ("tapestry", 3)])
>>> table.get("tapestry"), table.get("dog"), "cat" in table, len(table)
(3, None, True, 2)
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from hashlib import blake2b
from typing import Literal

import numpy as np
from numpy.typing import NDArray

_MAX_VALUE = np.iinfo(np.uint16).max


class HashedWordTable:
    """Words mapped to integers in [0, 65535]; a word given twice keeps its last value, as in
    a dict, or its first with `keep="first"`."""

    def __init__(
        self, items: Iterable[tuple[str, int]], keep: Literal["first", "last"] = "last"
    ) -> None:
        # Machine arrays, not lists: 300,000 int objects would cost 10 MB while building.
        hashes = array("q")
        values = array("H")
        for word, value in items:
            if not 0 <= value <= _MAX_VALUE:
                raise ValueError(f"{word!r}: value {value} is outside 0..{_MAX_VALUE}")
            hashes.append(_hash(word))
            values.append(value)
        all_hashes = np.frombuffer(hashes, dtype=np.int64)
        order = np.argsort(all_hashes, kind="stable")
        sorted_hashes = all_hashes[order]
        # Equal hashes (the same word given again) sit in the order given: keep one end.
        kept = np.ones(len(sorted_hashes), dtype=bool)
        if keep == "last":
            kept[:-1] = sorted_hashes[:-1] != sorted_hashes[1:]
        else:
            kept[1:] = sorted_hashes[1:] != sorted_hashes[:-1]
        self._hashes = sorted_hashes[kept]
        self._values = np.frombuffer(values, dtype=np.uint16)[order][kept]

    @classmethod
    def from_arrays(cls, hashes: NDArray[np.int64], values: NDArray[np.uint16]) -> HashedWordTable:
        """A table from `arrays()` of another: sorted, distinct hashes and their values."""
        if hashes.dtype != np.int64 or values.dtype != np.uint16 or hashes.shape != values.shape:
            raise ValueError("a word table is int64 hashes and as many uint16 values")
        if hashes.ndim != 1 or (len(hashes) > 1 and not (hashes[1:] > hashes[:-1]).all()):
            raise ValueError("a word table's hashes are sorted and distinct")
        table = cls([])
        table._hashes, table._values = hashes, values
        return table

    def arrays(self) -> tuple[NDArray[np.int64], NDArray[np.uint16]]:
        return self._hashes, self._values

    def get(self, word: str) -> int | None:
        key = _hash(word)
        index = int(np.searchsorted(self._hashes, key))
        if index < len(self._hashes) and self._hashes[index] == key:
            return int(self._values[index])
        return None

    def __getitem__(self, word: str) -> int:
        value = self.get(word)
        if value is None:
            raise KeyError(word)
        return value

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __len__(self) -> int:
        return len(self._hashes)


def _hash(word: str) -> int:
    # Of the UTF-8 bytes: "kp" (two 1-byte characters) and "火" (one 2-byte character) share
    # their internal bytes in CPython, and must not share a key.
    digest = blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)
