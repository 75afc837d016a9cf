"""The rules that split paired machine rewrites into the polished and spun trial slices."""

from __future__ import annotations

from farmscore.training.trials import (
    LONG_WORDS,
    _items,
    keeps_numbers_and_names,
    polished_rule,
    spun_rule,
)

SOURCE = (
    '"We will rebuild the bridge by May," said Mayor Ana Ruiz on Tuesday. The repairs will '
    "cost 4.2 million dollars, and 310 homes lost power, according to Carl Lind of the water "
    "board."
)
FILLER = " The town waited." * (LONG_WORDS // 3)


def test_a_rewrite_that_keeps_the_numbers_names_and_a_named_speaker_is_polished() -> None:
    source = _items(SOURCE)
    kept = _items(SOURCE + FILLER)
    assert source.speakers, "the source names a speaker"
    assert polished_rule(source, kept)


def test_a_rewrite_that_drops_the_speakers_words_is_not_polished() -> None:
    source = _items(SOURCE)
    unattributed = _items(
        "Ana Ruiz and Carl Lind watched as 310 homes lost power; repairs cost 4.2 million "
        "dollars." + FILLER
    )
    assert not polished_rule(source, unattributed)
    assert not keeps_numbers_and_names(source, unattributed)


def test_a_source_that_names_no_speaker_gives_an_unattributed_rewrite_not_a_polished_one() -> None:
    plain = "Ana Ruiz and Carl Lind opened the bridge. It cost 4.2 million dollars; 310 came."
    source = _items(plain)
    rewrite = _items(plain + FILLER)
    assert not source.speakers
    assert keeps_numbers_and_names(source, rewrite)
    assert not polished_rule(source, rewrite)
    assert spun_rule(rewrite)  # nothing sourced; the unattributed slice is checked first
