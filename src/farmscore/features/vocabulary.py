"""What the dictionaries say about one lowercase word, looked up once per word per process.

Readability and lexical measures both walk every distinct word of a text through the same
dictionaries (CMU syllables, the Dale-Chall easy list, wordfreq, the stop-word list). Words
recur across documents by Zipf's law, so one memoised record per word replaces four lookups
and several string copies per word and per document. The memo is bounded: a stream of
never-repeating garbage costs at most `PROFILE_MEMO_WORDS` records.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import mul
from typing import NamedTuple

from farmscore.features.stopwords import ENGLISH_STOP_WORDS
from farmscore.features.syllables import syllable_count
from farmscore.features.word_lists import dale_chall_easy_words, english_word_frequency

# About 8 MB of records at most; the 32,768 most recently used words cover nearly every
# token of English prose.
PROFILE_MEMO_WORDS = 32_768
# wordfreq frequencies are shares of all words; Zipf = log10(occurrences per billion words).
_ZIPF_OFFSET = 9.0


class WordProfile(NamedTuple):
    """One lowercase word as the dictionaries see it."""

    syllables: int
    # Letters and digits, apostrophes not counted.
    letters: int
    dale_chall_easy: bool
    english_stop_word: bool
    # Letters only (apart from apostrophes): the words rarity is measured over.
    alphabetic: bool
    # Zipf frequency in wordfreq's English list; None when the word is not on it.
    zipf_frequency: float | None


@lru_cache(maxsize=PROFILE_MEMO_WORDS)
def word_profile(word: str) -> WordProfile:
    """The dictionaries' view of one lowercase word; curly apostrophes count as straight.

    >>> word_profile("readability").syllables, word_profile("the").english_stop_word
    (5, True)
    """
    key = word.replace("’", "'")
    frequency = english_word_frequency(key)
    return WordProfile(
        syllables=syllable_count(key),
        letters=len(key) - key.count("'"),
        dale_chall_easy=key in dale_chall_easy_words(),
        english_stop_word=key in ENGLISH_STOP_WORDS,
        alphabetic=key.replace("'", "").isalpha(),
        zipf_frequency=None if frequency is None else math.log10(frequency) + _ZIPF_OFFSET,
    )


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The distinct words of one text as columns of their profiles, with how often each
    occurs: readability and lexical measures sum over these with C-level maps instead of a
    Python loop per word each.

    >>> vocabulary = Vocabulary.of(Counter({"the": 2, "readability": 1}))
    >>> vocabulary.total(vocabulary.syllables), vocabulary.occurrences(vocabulary.english_stop_word)
    (7, 2)
    """

    counts: tuple[int, ...]
    syllables: tuple[int, ...]
    letters: tuple[int, ...]
    dale_chall_easy: tuple[bool, ...]
    english_stop_word: tuple[bool, ...]
    alphabetic: tuple[bool, ...]
    zipf_frequency: tuple[float | None, ...]

    @classmethod
    def of(cls, word_counts: Counter[str]) -> Vocabulary:
        """The vocabulary of a text from its lowercase word counts, in the counter's order."""
        profiles = map(word_profile, word_counts)
        columns = tuple(zip(*profiles, strict=True)) or ((),) * len(WordProfile._fields)
        return cls(tuple(word_counts.values()), *columns)

    def occurrences(self, flags: Iterable[bool]) -> int:
        """How many words of the text have their distinct word's flag set."""
        return sum(compress(self.counts, flags))

    def total(self, values: Iterable[int]) -> int:
        """A per-word integer summed over every word of the text."""
        return sum(map(mul, values, self.counts))
