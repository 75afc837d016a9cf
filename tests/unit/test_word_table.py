"""The compact word tables give the same answers as the dicts they replace."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import wordfreq

from farmscore.features.table_cache import CACHE_VARIABLE, cached_table
from farmscore.features.word_lists import english_frequency_buckets, english_word_frequency
from farmscore.features.word_table import HashedWordTable
from tests.conftest import outputs_under_hash_seeds


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


def test_keys_are_the_same_in_every_process() -> None:
    # str and bytes hashes are salted per process; a table kept on disk needs keys that are not.
    code = "from farmscore.features.word_table import _hash; print(_hash('tapestry'), _hash('火'))"
    first, second = outputs_under_hash_seeds(code, ("1", "2"))
    assert first == second


def _source(tmp_path: Path) -> Path:
    source = tmp_path / "words.txt"
    source.write_text("cat 1\ndog 2\n")
    return source


def _build_from(source: Path) -> HashedWordTable:
    pairs = [line.split() for line in source.read_text().splitlines()]
    return HashedWordTable((word, int(value)) for word, value in pairs)


def test_a_cached_table_is_loaded_instead_of_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    source = _source(tmp_path)
    built = cached_table("test", source, lambda: _build_from(source))
    assert len(list((tmp_path / "cache").glob("test-*.npz"))) == 1

    def must_not_build() -> HashedWordTable:
        raise AssertionError("the cached table should have been loaded")

    loaded = cached_table("test", source, must_not_build)
    assert (loaded.get("cat"), loaded.get("dog"), loaded.get("eel")) == (1, 2, None)
    for mine, theirs in zip(loaded.arrays(), built.arrays(), strict=True):
        assert np.array_equal(mine, theirs)


def test_a_changed_source_or_a_damaged_cache_is_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    source = _source(tmp_path)
    cached_table("test", source, lambda: _build_from(source))
    source.write_text("cat 5\n")
    changed = cached_table("test", source, lambda: _build_from(source))
    assert (changed.get("cat"), changed.get("dog")) == (5, None)
    for path in (tmp_path / "cache").glob("test-*.npz"):
        path.write_bytes(b"not an npz file")
    rebuilt = cached_table("test", source, lambda: _build_from(source))
    assert rebuilt.get("cat") == 5


def test_an_unwritable_cache_folder_still_gives_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv(CACHE_VARIABLE, str(blocker / "cache"))
    source = _source(tmp_path)
    assert cached_table("test", source, lambda: _build_from(source)).get("dog") == 2


def test_tables_from_arrays_refuse_unsorted_hashes() -> None:
    with pytest.raises(ValueError, match="sorted and distinct"):
        HashedWordTable.from_arrays(np.array([3, 1], np.int64), np.array([1, 2], np.uint16))
