"""Word lists that ship inside installed packages, each loaded once per process."""

from __future__ import annotations

import gzip
import importlib.util
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import msgpack

from farmscore.features.table_cache import cached_table
from farmscore.features.word_table import HashedWordTable

# wordfreq's "best" English list is its large one.
_WORDFREQ_ENGLISH = "data/large_en.msgpack.gz"


def package_file(package: str, relative: str) -> Path:
    """A data file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"{package} is not installed: farmscore reads {relative} from it; "
            "install farmscore's dependencies (pip install -e .)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: the installed {package} is not the version farmscore expects; "
            "reinstall with pip install -c requirements.lock -e ."
        )
    return path


@lru_cache(maxsize=1)
def dale_chall_easy_words() -> frozenset[str]:
    """The Dale-Chall list of easy words that ships with textstat, lowercase.

    Found through the import system without importing textstat, which would import nltk.
    """
    path = package_file("textstat", "resources/en/easy_words.txt")
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines())


@lru_cache(maxsize=1)
def english_frequency_buckets() -> HashedWordTable:
    """wordfreq's English words, each with its frequency bucket: bucket b holds the words
    whose frequency (share of all words) is 10 ** (-b / 100), as in `wordfreq.cB_to_freq`."""
    source = package_file("wordfreq", _WORDFREQ_ENGLISH)
    return cached_table("wordfreq-en", source, lambda: HashedWordTable(_cbpack_words(source)))


def _cbpack_words(path: Path) -> Iterator[tuple[str, int]]:
    """(word, bucket) pairs of a wordfreq "cBpack" file, streamed one bucket at a time.

    The file is gzipped msgpack: a list of a header and then the buckets, each a list of
    words. `wordfreq.get_frequency_list` would load it whole and keep it cached (about
    30 MB, with wordfreq's own imports), which is why farmscore reads it itself.
    """
    with gzip.open(path, "rb") as stream:
        unpacker = msgpack.Unpacker(stream, raw=False)
        entries = unpacker.read_array_header()
        header = unpacker.unpack()
        if not isinstance(header, dict) or header.get("format") != "cB":
            raise ValueError(f"{path}: not a wordfreq cBpack file (header {header!r})")
        for bucket in range(entries - 1):
            for word in unpacker.unpack():
                yield word, bucket


def english_word_frequency(word: str) -> float | None:
    """The share of all English words that are `word` (wordfreq), or None if unlisted.

    >>> round(english_word_frequency("the"), 3), english_word_frequency("zxqv")
    (0.054, None)
    """
    bucket = english_frequency_buckets().get(word)
    # The same expression as wordfreq.cB_to_freq(-bucket), so values match wordfreq's dict.
    return None if bucket is None else 10 ** (-bucket / 100)
