"""The per-text vocabulary: dictionary facts of each distinct word, summed over a text."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from farmscore.features.vocabulary import Vocabulary, word_profile

_WORDS = ["the", "readability", "farmscore", "it's", "naïve", "2024", "zxqv", "東京", "x"]


@given(st.lists(st.sampled_from(_WORDS), max_size=40))
@settings(max_examples=200, deadline=None)
def test_totals_equal_a_loop_over_every_word(words: list[str]) -> None:
    vocabulary = Vocabulary.of(Counter(words))
    profiles = [word_profile(word) for word in words]
    assert vocabulary.total(vocabulary.syllables) == sum(p.syllables for p in profiles)
    assert vocabulary.total(vocabulary.letters) == sum(p.letters for p in profiles)
    stop_words = sum(p.english_stop_word for p in profiles)
    assert vocabulary.occurrences(vocabulary.english_stop_word) == stop_words
    easy = sum(p.dale_chall_easy for p in profiles)
    assert vocabulary.occurrences(vocabulary.dale_chall_easy) == easy


def test_an_empty_text_has_an_empty_vocabulary() -> None:
    vocabulary = Vocabulary.of(Counter())
    assert vocabulary.counts == vocabulary.syllables == vocabulary.zipf_frequency == ()
    assert vocabulary.total(vocabulary.letters) == 0
