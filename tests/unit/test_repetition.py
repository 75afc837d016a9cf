"""The repetition family: Gopher's duplicate measures, near-duplicate sentences, the same story
told twice, loops and compression, on small texts whose values can be worked out by hand."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from farmscore.features.base import MAX_EVIDENCE_PER_FEATURE
from farmscore.features.repetition import FEATURES, extract
from farmscore.features.text import AnalyzedText
from tests.conftest import outputs_under_hash_seeds

NAMES = [spec.name for spec in FEATURES]
# The words of the lead's property tests: few enough that random text repeats itself.
VOCABULARY = (
    *("the", "mayor", "said", "council", "budget", "2024", "voted", "residents", "library"),
    *("fire", "chief", "million", "however", "report", "police", "river", "school", "Smith"),
    *("Tuesday", "percent", "new", "plan", "city", "would"),
)
UNBOUNDED = {"repetition_zlib_compression_ratio", "repetition_repeated_passage_word_count"}

RESCUE = (
    "Firefighters rescued three hikers stranded on Mount Baker after a sudden blizzard on "
    "Saturday. The hikers, all students from Seattle, spent two nights in a snow cave before a "
    "helicopter crew spotted their signal fire. Officials said the rescue took eleven hours and "
    "praised the students for staying calm and rationing food."
)
RESCUE_SPUN = (
    "After a sudden blizzard on Saturday, three hikers were stranded on Mount Baker until "
    "firefighters rescued them. A helicopter crew spotted the signal fire of the hikers, "
    "students from Seattle who spent two nights in a snow cave. The rescue took eleven hours, "
    "officials said, praising the students for rationing food and staying calm."
)
LIBRARY = (
    "The city council voted to expand the central library with a new wing for children's books "
    "and a rooftop reading garden. Construction will begin next spring, funded by a municipal "
    "bond approved by voters last November, and the architects expect the work to finish "
    "within eighteen months."
)


def values(text: str) -> dict[str, float]:
    return extract(AnalyzedText(text)).values


def evidence(text: str, feature: str) -> list[tuple[str, str]]:
    """(quoted text, note) of each span the feature points at."""
    spans = extract(AnalyzedText(text)).evidence
    return [(text[e.start : e.end], e.note) for e in spans if e.feature == feature]


def test_features_are_documented_and_named_with_the_family_prefix() -> None:
    assert len(set(NAMES)) == len(NAMES)
    for spec in FEATURES:
        assert spec.name.startswith("repetition_")
        assert spec.unit
        assert spec.definition
        assert spec.rationale
    assert list(values("Some words here.\n\nSome words here.")) == NAMES


def _garbage() -> str:
    rng = random.Random(7)
    return bytes(rng.getrandbits(8) for _ in range(50_000)).decode("utf-8", errors="replace")


def _prose_line(size: int) -> str:
    rng = random.Random(3)
    sentence = " ".join(rng.choice(VOCABULARY) for _ in range(40)) + ". "
    return (sentence * (size // len(sentence) + 1))[:size]


EDGE_TEXTS = {
    "empty": "",
    "whitespace": " \n\t \n\n  ",
    "one word": "word",
    "chinese": "这是一个测试。我们在这里写一些中文句子。\n\n这是一个测试。" * 20,
    "russian": "Мэр сказал, что бюджет города вырос на десять процентов.\n\n" * 30,
    "binary garbage": _garbage(),
    "1 MB of one character": "a" * 1_000_000,
    "100,000 one-word lines": "\n".join(["word"] * 100_000),
    "5 MB on one line": _prose_line(5_000_000),
}


@pytest.mark.parametrize("text", EDGE_TEXTS.values(), ids=EDGE_TEXTS.keys())
def test_every_value_is_finite_and_in_range_on_edge_inputs(text: str) -> None:
    result = extract(AnalyzedText(text))
    assert list(result.values) == NAMES
    for name, value in result.values.items():
        assert isinstance(value, float)
        assert math.isfinite(value), name
        assert value >= 0.0, name
        if name not in UNBOUNDED:
            assert value <= 1.0, name
    for span in result.evidence:
        assert span.feature in NAMES
        assert 0 <= span.start < span.end <= len(text)
    per_feature = Counter(span.feature for span in result.evidence)
    assert max(per_feature.values(), default=0) <= MAX_EVIDENCE_PER_FEATURE


@pytest.mark.parametrize("text", ["", "   \n\n\t", "word"])
def test_texts_without_repetition_score_zero(text: str) -> None:
    measured = values(text)
    assert all(measured[name] == 0.0 for name in NAMES if name not in UNBOUNDED)


def test_edge_inputs_made_of_one_thing_repeated_score_as_repetition() -> None:
    one_char = values(EDGE_TEXTS["1 MB of one character"])
    assert one_char["repetition_loop_char_fraction"] == 1.0
    assert one_char["repetition_zlib_compression_ratio"] > 100
    one_word_lines = values(EDGE_TEXTS["100,000 one-word lines"])
    assert one_word_lines["repetition_duplicate_line_fraction"] == pytest.approx(0.99999)
    assert one_word_lines["repetition_duplicate_paragraph_fraction"] == 0.0  # one block


@pytest.mark.parametrize(
    ("text", "line_fraction", "line_char_fraction"),
    [
        ("a\nb\na", 1 / 3, 1 / 3),
        ("Share\nThe mayor spoke.\nShare\nShare", 2 / 4, 10 / 31),
        ("  same  \nsame\n\n\nother", 1 / 3, 4 / 13),  # compared stripped; blank lines skipped
        ("Same\nsame", 0.0, 0.0),  # case matters for whole lines, as in Gopher
        ("unique\nlines\nonly", 0.0, 0.0),
    ],
)
def test_duplicate_lines_count_every_occurrence_after_the_first(
    text: str, line_fraction: float, line_char_fraction: float
) -> None:
    measured = values(text)
    assert measured["repetition_duplicate_line_fraction"] == pytest.approx(line_fraction)
    assert measured["repetition_duplicate_line_char_fraction"] == pytest.approx(line_char_fraction)


@pytest.mark.parametrize(
    ("text", "paragraph_fraction", "paragraph_char_fraction"),
    [
        ("A.\n\nB.\n\nA.", 1 / 3, 2 / 6),
        ("Para one\nline two\n\nPara one\nline two", 1 / 2, 1 / 2),
        ("a\na", 0.0, 0.0),  # no blank line: one paragraph, though its lines repeat
        ("First.\n\nSecond.", 0.0, 0.0),
    ],
)
def test_duplicate_paragraphs_are_blank_line_blocks(
    text: str, paragraph_fraction: float, paragraph_char_fraction: float
) -> None:
    measured = values(text)
    assert measured["repetition_duplicate_paragraph_fraction"] == pytest.approx(paragraph_fraction)
    assert measured["repetition_duplicate_paragraph_char_fraction"] == pytest.approx(
        paragraph_char_fraction
    )


def test_duplicate_line_evidence_points_at_the_later_copies() -> None:
    text = "Share\nThe mayor spoke.\nShare\nShare"
    assert evidence(text, "repetition_duplicate_line_fraction") == [
        ("Share", "repeats the line at char 0"),
        ("Share", "repeats the line at char 0"),
    ]
    paragraphs = "One.\n\nTwo.\n\nOne."
    assert evidence(paragraphs, "repetition_duplicate_paragraph_fraction") == [
        ("One.", "repeats the paragraph at char 0")
    ]
    spans = [e for e in extract(AnalyzedText(text)).evidence if e.note.startswith("repeats")]
    assert [span.start for span in spans] == [23, 29]


@pytest.mark.parametrize(
    ("text", "top2", "top3", "top4"),
    [
        ("x y x y x y x y z", 8 / 9, 7 / 9, 8 / 9),
        ("alpha beta gamma delta", 0.0, 0.0, 0.0),
        ("Big News big news", 1.0, 0.0, 0.0),  # case-folded
        ("alpha beta\ngamma alpha\nbeta delta", 0.0, 0.0, 0.0),  # never across a line break
        ("a b c a b\na b c a b", 4 / 5, 0.0, 0.0),  # the repeated line is read once
    ],
)
def test_top_ngram_share_is_the_coverage_of_the_most_frequent_ngram(
    text: str, top2: float, top3: float, top4: float
) -> None:
    measured = values(text)
    assert measured["repetition_top_2gram_char_fraction"] == pytest.approx(top2)
    assert measured["repetition_top_3gram_char_fraction"] == pytest.approx(top3)
    assert measured["repetition_top_4gram_char_fraction"] == pytest.approx(top4)


def test_top_ngram_evidence_quotes_each_occurrence() -> None:
    found = evidence("x y x y x y x y z", "repetition_top_2gram_char_fraction")
    assert found == [("x y", "'x y' occurs 4 times")] * 4


def test_duplicated_ngram_share_covers_words_of_repeated_sequences() -> None:
    text = "The quick brown fox jumps high. Later the quick brown fox jumps again."
    measured = values(text)
    # 13 words of 56 characters; "the quick brown fox jumps" (21 characters) occurs twice.
    assert measured["repetition_duplicate_5gram_char_fraction"] == pytest.approx(42 / 56)
    assert measured["repetition_duplicate_7gram_char_fraction"] == 0.0
    assert measured["repetition_duplicate_10gram_char_fraction"] == 0.0
    quoted = evidence(text, "repetition_duplicate_5gram_char_fraction")
    assert [quote for quote, _ in quoted] == [
        "The quick brown fox jumps",
        "the quick brown fox jumps",
    ]


def test_a_repeated_line_too_short_for_an_ngram_counts_whole() -> None:
    text = (
        "Read more\nThe council approved the budget after a long debate on Tuesday night\nRead more"
    )
    measured = values(text)
    # "Read more" twice is 16 of 73 word characters; the long line repeats nothing.
    for n in (5, 7, 10):
        assert measured[f"repetition_duplicate_{n}gram_char_fraction"] == pytest.approx(16 / 73)


@pytest.mark.parametrize(
    ("text", "fraction"),
    [
        (
            "The mayor approved the new library budget on Tuesday. "
            "On Tuesday the mayor approved a new budget for the library.",
            1 / 2,
        ),
        (
            "The mayor approved the new library budget on Tuesday. "
            "Heavy rain flooded three farms near the river overnight.",
            0.0,
        ),
        ("Read more here now. Read more here now.", 0.0),  # too short to count
        (RESCUE + " " + RESCUE_SPUN, 3 / 6),
    ],
)
def test_near_duplicate_sentences_share_most_content_words_with_an_earlier_one(
    text: str, fraction: float
) -> None:
    assert values(text)["repetition_near_duplicate_sentence_fraction"] == pytest.approx(fraction)


def test_near_duplicate_evidence_names_the_earlier_sentence() -> None:
    first = "The mayor approved the new library budget on Tuesday."
    second = "On Tuesday the mayor approved a new budget for the library."
    found = evidence(f"{first} {second}", "repetition_near_duplicate_sentence_fraction")
    assert found == [(second, "shares 100% of its content words with the sentence at char 0")]
    copied = evidence(f"{first}\n{first}", "repetition_near_duplicate_sentence_fraction")
    assert copied == [(first, "repeats the sentence at char 0")]


def test_the_same_story_told_twice_scores_above_two_different_stories() -> None:
    twice = values(RESCUE + "\n\n" + RESCUE_SPUN)
    different = values(RESCUE + "\n\n" + LIBRARY)
    assert twice["repetition_halves_content_cosine"] > 0.7
    assert different["repetition_halves_content_cosine"] < 0.2
    assert twice["repetition_max_section_content_cosine"] > 0.5
    assert (
        twice["repetition_max_section_content_cosine"]
        > different["repetition_max_section_content_cosine"] + 0.3
    )


def test_sections_split_at_headings_and_evidence_points_at_the_retelling() -> None:
    text = (
        f"Hikers Rescued on Mount Baker\n\n{RESCUE}\n\nCity News\n\n{LIBRARY}\n\n"
        f"What It Means for Hikers\n\n{RESCUE_SPUN}"
    )
    assert values(text)["repetition_max_section_content_cosine"] > 0.7
    ((quoted, note),) = evidence(text, "repetition_max_section_content_cosine")
    assert quoted.startswith("What It Means for Hikers\n\nAfter a sudden blizzard")
    assert quoted.endswith("calm")
    assert note.endswith("with the section at char 0")


def test_halves_weigh_counts_by_log_so_one_repeated_name_does_not_dominate() -> None:
    first_half = ["smith"] * 12 + [f"north{i}" for i in range(20)]
    second_half = ["smith"] + [f"south{i}" for i in range(31)]
    measured = values(" ".join(first_half + second_half))
    name_weight = 1 + math.log(12)
    expected = name_weight / (math.sqrt(name_weight**2 + 20) * math.sqrt(32))
    assert measured["repetition_halves_content_cosine"] == pytest.approx(expected)


def test_texts_too_short_to_halve_score_zero_similarity() -> None:
    measured = values("Hikers rescued.\n\nHikers rescued on the mountain.")
    assert measured["repetition_halves_content_cosine"] == 0.0
    assert measured["repetition_max_section_content_cosine"] == 0.0


@pytest.mark.parametrize(
    ("text", "fraction"),
    [
        ("this is very very very good news", 12 / 26),
        ("bass banana bass banana bass banana", 1.0),
        ("MMMMMMMMMM yes", 10 / 13),
        ("very very good", 0.0),  # twice is emphasis, not a loop
        ("It cost 1000000 dollars", 0.0),  # six zeros are a number
        ("very very\nvery good", 0.0),  # never across a line break
    ],
)
def test_loops_are_units_repeated_three_times_in_a_row(text: str, fraction: float) -> None:
    assert values(text)["repetition_loop_char_fraction"] == pytest.approx(fraction)


def test_loop_evidence_quotes_the_loop() -> None:
    found = evidence("this is very very very good news", "repetition_loop_char_fraction")
    assert found == [("very very very", "words repeated 3+ times in a row")]


def test_compression_ratio_rises_with_repetition() -> None:
    prose = values(RESCUE)["repetition_zlib_compression_ratio"]
    assert 1.0 < prose < 3.0
    pasted = values("\n\n".join([RESCUE] * 3))["repetition_zlib_compression_ratio"]
    assert pasted == pytest.approx(3 * prose, rel=0.01)  # copies of lines cost nothing
    retold = values(RESCUE + "\n\n" + RESCUE_SPUN)["repetition_zlib_compression_ratio"]
    assert retold > values(RESCUE + "\n\n" + LIBRARY)["repetition_zlib_compression_ratio"]


def _article(rng: random.Random) -> list[str]:
    def sentence() -> str:
        return " ".join(rng.choices(VOCABULARY, k=rng.randint(3, 18))).capitalize() + "."

    def paragraph() -> str:
        kind = rng.random()
        if kind < 0.1:
            return rng.choice(["Read more", "Share", "very very very", "x"])
        if kind < 0.2:
            return "\n".join(sentence() for _ in range(rng.randint(2, 3)))
        return " ".join(sentence() for _ in range(rng.randint(1, 5)))

    return [paragraph() for _ in range(rng.randint(1, 7))]


def test_appending_a_copy_of_a_paragraph_never_lowers_a_feature() -> None:
    rng = random.Random(11)
    articles = [_article(rng) for _ in range(120)]
    articles += [[RESCUE, LIBRARY, RESCUE_SPUN], ["Headline", RESCUE, "Final Thoughts", LIBRARY]]
    for paragraphs in articles:
        before = values("\n\n".join(paragraphs))
        for copied in paragraphs:
            after = values("\n\n".join([*paragraphs, copied]))
            lowered = {n: (before[n], after[n]) for n in NAMES if after[n] < before[n] - 1e-9}
            assert not lowered, (paragraphs, copied, lowered)


def test_appending_a_copied_line_to_a_text_without_blank_lines_never_lowers_a_feature() -> None:
    rng = random.Random(5)
    for _ in range(40):
        text = "\n".join(_article(rng))
        before = values(text)
        for start, end in AnalyzedText(text).lines:
            after = values(text + "\n\n" + text[start:end])
            assert all(after[n] >= before[n] - 1e-9 for n in NAMES), (text, start)


_SEED_CHECK = """
import random, sys
from farmscore.features.extractor import analyze_text
rng = random.Random(5)
vocabulary = [f"topic{i}" for i in range(40)]
text = " ".join(" ".join(rng.sample(vocabulary, 8)) + "." for _ in range(3000))
result = analyze_text(text)
print(repr((sorted(result.values.items()), result.evidence)))
"""


def test_features_do_not_depend_on_the_string_hash_seed() -> None:
    # Sentences drawn from a few words tie for near-duplicate candidates everywhere: the
    # values and spans must not depend on the order in which a set happens to hold words.
    runs = outputs_under_hash_seeds(_SEED_CHECK, ("1", "2", "3"))
    assert runs[0], "the check printed nothing"
    assert runs[1] == runs[0]
    assert runs[2] == runs[0]


_STORY = [
    "The county board met on Monday to review the new road plan for the river district.",
    "Engineers said the bridge repairs would close two lanes until the end of March.",
    "Shop owners on Front Street asked for signs directing drivers to the detour.",
    "The board will vote on the final contract at its next meeting in April.",
]


def _passage(text: str) -> tuple[float, float]:
    values = extract(AnalyzedText(text)).values
    return (
        values["repetition_repeated_passage_word_count"],
        values["repetition_repeated_sentence_word_fraction"],
    )


def test_a_body_pasted_twice_is_half_of_the_page() -> None:
    body = " ".join(_STORY)
    words, share = _passage(f"{body}\n\n{body}")
    assert words == len(body.split())
    assert share == pytest.approx(0.5)


def test_a_run_of_sentences_pasted_elsewhere_is_found_with_both_copies() -> None:
    text = " ".join([*_STORY, "Unrelated words follow here for a while today.", *_STORY[1:3]])
    words, _ = _passage(text)
    assert words == len(" ".join(_STORY[1:3]).split())
    spans = [
        e for e in extract(AnalyzedText(text)).evidence if e.feature.endswith("passage_word_count")
    ]
    assert [text[e.start : e.end] for e in spans] == [" ".join(_STORY[1:3])] * 2


@pytest.mark.parametrize(
    "text",
    [
        " ".join(_STORY),
        # One sentence repeated (a pull quote), short lines repeated (captions, a recipe card).
        " ".join([*_STORY, _STORY[0]]),
        "Photo: AP.\n\n" + " ".join(_STORY) + "\n\nPhoto: AP.",
        "1 cup sugar.\n2 eggs.\n1 cup sugar.\n2 eggs.\n1 cup sugar.",
    ],
)
def test_single_sentences_and_short_lines_are_not_pasted_passages(text: str) -> None:
    words, _ = _passage(text)
    assert words == 0.0


def test_a_body_that_repeats_a_line_many_times_itself_is_still_one_pasted_run() -> None:
    # A scraped page whose body repeats its own furniture line more often than the copies a
    # run starts from: the second copy of the body is still followed to its end.
    furniture = "Share this story with a friend today please."
    body = "\n".join(part for sentence in _STORY for part in (sentence, *[furniture] * 3))
    words, _ = _passage(f"{body}\n\n{body}")
    assert words == len(body.split())


def test_a_sentence_without_words_does_not_cut_a_pasted_body_in_two() -> None:
    body = " ".join(_STORY[:2]) + "\n\n***\n\n" + " ".join(_STORY[2:])
    words, _ = _passage(f"{body}\n\n{body}")
    assert words == len(" ".join(_STORY).split())


def test_a_long_single_sentence_pasted_twice_is_a_passage_and_a_shorter_one_is_not() -> None:
    lone = " ".join(["The committee heard from residents about the plan"] * 3) + "."  # 24 words
    longer = lone[:-1] + " and the county's other plans for roads and bridges."  # 33 words
    assert _passage(f"{lone}\n\n{lone}")[0] == 0.0
    assert _passage(f"{longer}\n\n{longer}")[0] == len(longer.split())
