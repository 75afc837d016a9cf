"""The compact word tables give the same answers as the dicts they replace."""

from __future__ import annotations

import random

import pytest
import wordfreq

from farmscore.features.word_lists import english_frequency_buckets, english_word_frequency
from farmscore.features.word_table import HashedWordTable


def test_lookups_membership_and_missing_words() -> None:
    table = HashedWordTable([("cat", 1), ("tapestry", 3), ("", 0), ("naïve", 65_535)])
    assert table.get("cat") == 1
    assert table["tapestry"] == 3
    assert table.get("") == 0
    assert table.get("naïve") == 65_535
    assert table.get("dog") is None
    assert "cat" in table
    assert "dog" not in table
    assert 3 not in table
    assert len(table) == 4
    with pytest.raises(KeyError):
        table["dog"]


def test_words_with_the_same_internal_bytes_stay_apart() -> None:
    # CPython hashes a str's internal buffer: "kp" and "火" share their bytes there.
    table = HashedWordTable([("kp", 1), ("火", 2)])
    assert (table.get("kp"), table.get("火"), len(table)) == (1, 2, 2)


def test_a_word_given_twice_keeps_its_last_value_like_a_dict() -> None:
    table = HashedWordTable([("cat", 1), ("dog", 2), ("cat", 7)])
    assert table.get("cat") == 7
    assert len(table) == 2


def test_empty_table_and_out_of_range_values() -> None:
    assert HashedWordTable([]).get("anything") is None
    with pytest.raises(ValueError, match="'big': value 70000"):
        HashedWordTable([("big", 70_000)])


def test_english_frequencies_equal_wordfreqs_dict() -> None:
    expected = wordfreq.get_frequency_dict("en", wordlist="best")
    assert len(english_frequency_buckets()) == len(expected)
    sample = random.Random(0).sample(sorted(expected), 5_000)
    for word in sample:
        assert english_word_frequency(word) == expected[word], word
    for unlisted in ("zxqvbn", "farmscorez", "qqqq"):
        assert unlisted not in expected
        assert english_word_frequency(unlisted) is None


def test_a_word_given_twice_can_keep_its_first_value() -> None:
    table = HashedWordTable([("cat", 1), ("dog", 2), ("cat", 7)], keep="first")
    assert (table["cat"], table["dog"], len(table)) == (1, 2, 2)
