"""Lexical diversity, word rarity, stop-word share and the non-English signal."""

from __future__ import annotations

import math
import random

import pytest
import wordfreq

from farmscore.features import lexical, word_lists
from farmscore.features.lexical import (
    FEATURE_NAMES,
    FEATURES,
    extract,
    mtld,
    window_type_token_ratio,
)
from farmscore.features.text import AnalyzedText
from farmscore.features.vocabulary import word_profile

ENGLISH = (
    "The city council approved a new budget on Tuesday. Spending on the fire department "
    "rises sharply, because the number of calls grew a lot last year. Several residents asked "
    "for more money for the library in the north of the city."
)
NON_ENGLISH = {
    "german": "Der Stadtrat hat am Dienstag einen neuen Haushalt beschlossen. Die Ausgaben für "
    "die Feuerwehr steigen deutlich, weil die Zahl der Einsätze im letzten Jahr stark "
    "gewachsen ist. Mehrere Bürger forderten mehr Geld für die Bibliothek im Norden.",
    "french": "Le conseil municipal a adopté mardi un nouveau budget. Les dépenses pour les "
    "pompiers augmentent nettement, car le nombre d'interventions a fortement progressé "
    "l'année dernière. Plusieurs habitants ont demandé plus d'argent pour la bibliothèque.",
    "russian": "Городской совет во вторник утвердил новый бюджет. Расходы на пожарную службу "
    "заметно растут, потому что число вызовов в прошлом году сильно увеличилось. Несколько "
    "жителей попросили больше денег для библиотеки в северном районе.",
    "chinese": "市议会星期二通过了新的预算。消防部门的开支明显增加，因为去年的出警次数大幅上升。"
    "几位居民要求为北区图书馆增加经费。" * 3,
}


def values_of(text: str) -> dict[str, float]:
    return extract(AnalyzedText(text)).values


def test_features_are_named_for_the_family_and_extracted_in_order() -> None:
    names = [spec.name for spec in FEATURES]
    assert len(set(names)) == len(names)
    assert all(name.startswith("lexical_") for name in names)
    assert all(spec.definition and spec.rationale and spec.unit for spec in FEATURES)
    assert list(values_of(ENGLISH)) == names


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ([], 0.0),
        (["a", "b", "a", "b"], 0.5),  # shorter than a window: the whole text's ratio
        ([f"w{i}" for i in range(100)], 1.0),
        ([f"w{i % 10}" for i in range(200)], 0.1),
        # The 50-word tail after the last full window is left out.
        ([f"w{i}" for i in range(100)] + ["x"] * 50, 1.0),
    ],
)
def test_window_type_token_ratio(words: list[str], expected: float) -> None:
    assert window_type_token_ratio(words) == pytest.approx(expected)


def test_window_type_token_ratio_does_not_fall_with_length() -> None:
    rng = random.Random(3)
    vocabulary = [f"w{i}" for i in range(300)]
    short = [rng.choice(vocabulary) for _ in range(200)]
    long = [rng.choice(vocabulary) for _ in range(5_000)]
    assert window_type_token_ratio(long) == pytest.approx(window_type_token_ratio(short), abs=0.05)
    assert len(set(long)) / len(long) < 0.5 * len(set(short)) / len(short)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ([], 0.0),
        (["a", "a", "a", "a"], 2.0),  # a factor closes at every second word
        (["the", "cat"] * 3, 3.0),
        # No factor completes: one partial factor of (1 - 3/4) / (1 - 0.72) in each direction.
        (["a", "b", "c", "a"], 4 / ((1 - 0.75) / 0.28)),
        ([f"w{i}" for i in range(50)], 50.0),  # no repetition: the text's length
        ([f"w{i}" for i in range(5_000)], lexical.MTLD_MAX_WORDS),
    ],
)
def test_mtld(words: list[str], expected: float) -> None:
    assert mtld(words) == pytest.approx(expected)


def test_mtld_is_lower_for_repetitive_text() -> None:
    varied = values_of(ENGLISH)["lexical_mtld_words"]
    repetitive = values_of("The stakes are high and the world is watching. " * 10)
    assert repetitive["lexical_mtld_words"] < varied / 2


def test_zipf_frequency_matches_wordfreq() -> None:
    values = values_of("the the house")
    expected = 2 * wordfreq.zipf_frequency("the", "en") + wordfreq.zipf_frequency("house", "en")
    assert values["lexical_zipf_frequency_mean"] == pytest.approx(expected / 3, abs=0.01)
    assert values["lexical_unlisted_word_fraction"] == 0.0


def test_unlisted_words_and_numbers() -> None:
    # Numbers are not alphabetic words: neither listed nor unlisted.
    values = values_of("The qwzxvbkj rose 2019 times")
    assert values["lexical_unlisted_word_fraction"] == pytest.approx(1 / 4)


def test_rare_vocabulary_has_lower_mean_zipf() -> None:
    common = values_of("It was a good day and we had a lot of fun with the kids.")
    rare = values_of("Pyroclastic ignimbrite deposits overlie the rhyolitic caldera.")
    assert rare["lexical_zipf_frequency_mean"] < common["lexical_zipf_frequency_mean"] - 1.5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The cat sat on the mat.", 3 / 6),
        ("Don’t stop: it’s fine.", 2 / 4),  # curly apostrophes match the list
        ("Budget approved quickly.", 0.0),
        ("", 0.0),
    ],
)
def test_stopword_fraction(text: str, expected: float) -> None:
    assert values_of(text)["lexical_english_stopword_fraction"] == pytest.approx(expected)


def test_english_is_not_flagged() -> None:
    result = extract(AnalyzedText(ENGLISH))
    assert result.values["lexical_english_stopword_fraction"] > 0.3
    assert result.evidence == []


@pytest.mark.parametrize("language", list(NON_ENGLISH))
def test_non_english_text_is_flagged_with_its_first_sentence(language: str) -> None:
    text = NON_ENGLISH[language]
    doc = AnalyzedText(text)
    result = extract(doc)
    assert result.values["lexical_english_stopword_fraction"] < 0.1
    [flag] = result.evidence
    assert flag.feature == "lexical_english_stopword_fraction"
    assert "probably not English" in flag.note
    assert text[flag.start : flag.end] == doc.span_text(doc.sentences[0])


def test_short_text_is_not_flagged() -> None:
    assert extract(AnalyzedText("Budget approved. Library closed.")).evidence == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a b c d", 2.0),
        ("a a a a", 0.0),
        ("a a b b", 1.0),
        ("", 0.0),
    ],
)
def test_unigram_entropy_bits(text: str, expected: float) -> None:
    assert values_of(text)["lexical_unigram_entropy_bits"] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello 123 world ---", 2 / 4),
        ("It costs $5, or 5€.", 3 / 5),
        ("Prose with 4x4 trucks.", 1.0),  # one letter is enough
        ("| » • 2019", 0.0),
        ("", 0.0),
    ],
)
def test_alphabetic_token_fraction(text: str, expected: float) -> None:
    assert values_of(text)["lexical_alphabetic_token_fraction"] == pytest.approx(expected)


def test_runs_with_the_network_blocked(no_network: None) -> None:
    word_lists.english_frequency_buckets.cache_clear()
    word_profile.cache_clear()
    assert values_of(ENGLISH)["lexical_zipf_frequency_mean"] > 4.0


def edge_texts() -> dict[str, str]:
    rng = random.Random(5)
    garbage = bytes(rng.getrandbits(8) for _ in range(20_000)).decode("utf-8", errors="replace")
    return {
        "empty": "",
        "whitespace": " \n\t\r\n  ",
        "one word": "Hello",
        "binary garbage": garbage,
        "5 MB on one line": (ENGLISH + " ") * (5_000_000 // len(ENGLISH)),
        "1 MB of one character": "a" * 1_000_000,
        "100,000 one-word lines": "word\n" * 100_000,
        "1 MB of symbols": "-- " * 330_000,
        **NON_ENGLISH,
    }


@pytest.mark.parametrize(("name", "text"), list(edge_texts().items()))
def test_degenerate_inputs_give_finite_values(name: str, text: str) -> None:
    values = values_of(text)
    assert list(values) == list(FEATURE_NAMES)
    for feature, value in values.items():
        assert isinstance(value, float), (name, feature)
        assert math.isfinite(value), (name, feature)
        assert value >= 0.0, (name, feature)
    for feature in (
        "lexical_window_type_token_ratio",
        "lexical_unlisted_word_fraction",
        "lexical_english_stopword_fraction",
        "lexical_alphabetic_token_fraction",
    ):
        assert values[feature] <= 1.0, (name, feature)
    assert values["lexical_mtld_words"] <= lexical.MTLD_MAX_WORDS
