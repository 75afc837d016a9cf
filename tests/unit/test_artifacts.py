"""The artifacts family: leaked assistant text found, human text left alone, every input."""

from __future__ import annotations

import math
import random

import pytest

import farmscore.features.artifacts as artifacts
from farmscore.features.base import MAX_EVIDENCE_PER_FEATURE
from farmscore.features.text import AnalyzedText

NAMES = [spec.name for spec in artifacts.FEATURES]
KINDS = [
    "self_reference",
    "prompter_address",
    "scaffolding",
    "markdown",
    "placeholder",
    "refusal",
    "knowledge_cutoff",
]


def values(text: str) -> dict[str, float]:
    return artifacts.extract(AnalyzedText(text)).values


def counts(text: str) -> dict[str, float]:
    """The non-zero per-kind counts of a text."""
    found = values(text)
    return {
        kind: found[f"artifacts_{kind}_count"] for kind in KINDS if found[f"artifacts_{kind}_count"]
    }


def evidence_texts(text: str, feature: str) -> list[str]:
    result = artifacts.extract(AnalyzedText(text))
    return [text[e.start : e.end] for e in result.evidence if e.feature == feature]


def test_features_are_documented_named_by_family_and_returned_in_order() -> None:
    assert len(NAMES) == len(set(NAMES)) == 2 * len(KINDS) + 2
    assert all(name.startswith("artifacts_") for name in NAMES)
    assert all(spec.unit and spec.definition and spec.rationale for spec in artifacts.FEATURES)
    assert list(values("Some text.")) == NAMES
    assert "artifacts_total_count" in NAMES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("As an AI language model, I cannot write that.", {"self_reference": 1}),
        ("As an AI, I do not have opinions.", {"self_reference": 1}),
        ("As an AI assistant I aim to help.", {"self_reference": 1}),
        ("I'm an AI developed by a lab.", {"self_reference": 1}),
        ("I am a large language model trained on text.", {"self_reference": 1}),
        ("Sure! Here is a 600-word article about the flood:", {"prompter_address": 1}),
        ("Certainly! Below is a revised version of your text.", {"prompter_address": 1}),
        ("Here's a rewritten version:\n\nThe mayor resigned.", {"prompter_address": 1}),
        ("Here is the revised text:\n\nThe mayor resigned.", {"prompter_address": 1}),
        ("The mayor resigned. I hope this helps!", {"prompter_address": 1}),
        ("Let me know if you'd like any changes.", {"prompter_address": 1}),
        ("Would you like me to expand on any section?", {"prompter_address": 1}),
        ("Meta description: A look at the floods.", {"scaffolding": 1}),
        ("Intro text.\nSEO title: Floods\nFocus keyword: flood", {"scaffolding": 2}),
        ("Title: The Flood\n\nIntroduction: Rivers rose.", {"scaffolding": 2}),
        ("The mayor resigned.\n\nWord count: 612", {"scaffolding": 1}),
        ("The river rose. [Insert image here] Then it fell.", {"scaffolding": 1}),
        ("(Note: This is a fictional article written for practice.)", {"scaffolding": 1}),
        ("This article is structured using HTML headings.", {"scaffolding": 1}),
        ("## The Flood\n\nRivers rose.", {"markdown": 1}),
        ("The **Economic Impact** was large.", {"markdown": 1}),
        ("Rivers rose.\n---\nThen fell.", {"markdown": 1}),
        ("See [the report](https://example.org/r) for more.", {"markdown": 1}),
        ("Signed, [Your Name]", {"placeholder": 1}),
        ("[Company Name] said [Date] was fine.", {"placeholder": 2}),
        ("The court held that [insert holding].", {"placeholder": 1}),
        ("John Doe works at XYZ Corporation.", {"placeholder": 2}),
        ("Lorem ipsum dolor sit amet.", {"placeholder": 1}),
        ("I cannot fulfill that request.", {"refusal": 1}),
        ("I'm sorry, but I can't assist with that.", {"refusal": 1}),
        ("This request goes against my guidelines.", {"refusal": 1}),
        ("As of my last knowledge update in 2023, rates rose.", {"knowledge_cutoff": 1}),
        ("I don't have real-time information about it.", {"knowledge_cutoff": 1}),
        ("My knowledge cutoff is 2023.", {"knowledge_cutoff": 1}),
    ],
)
def test_each_kind_is_found(text: str, expected: dict[str, float]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Human writing that shares words with the patterns.
        '"As an AI researcher, I worry about this," she said.',
        "The SEO guide explains what a meta description is.",
        "His book, whose title: well, nobody remembers it.",
        "Join the fight for #climate action.\n#climate is trending.",
        "# x = compute(1)\nprint(x)",
        "He said the f**k word twice.",
        "Note: This story has been updated with a statement from police.",
        'Lawyers sued "John Doe" defendants. She loves "Meet John Doe".',
        'The mayor said "[the city] will recover" next year.',
        "Would you like to go? Sure, what time?\nSure. At six.",
        "Here is the full text of the statement:",
        "\u201cI'm sorry, but I can't comment on that,\u201d the spokesman said.",
        "The company said it cannot provide that information at this time.",
        "Of course the council disagreed, here and elsewhere.",
    ],
)
def test_human_text_does_not_fire(text: str) -> None:
    assert counts(text) == {}


def test_evidence_spans_point_at_the_leaked_text() -> None:
    text = "The council met on Monday.\n\nAs an AI language model, I cannot fulfill this."
    assert evidence_texts(text, "artifacts_self_reference_count") == ["As an AI language model"]
    assert evidence_texts(text, "artifacts_refusal_count") == ["I cannot fulfill"]
    note = artifacts.extract(AnalyzedText(text)).evidence[0].note
    assert "As an AI language model" in note


def test_overlapping_matches_of_one_kind_merge_into_one() -> None:
    text = "Sure! Here is a 600-word article about the flood."
    assert counts(text) == {"prompter_address": 1}
    assert evidence_texts(text, "artifacts_prompter_address_count") == [
        "Sure! Here is a 600-word article"
    ]


def test_rates_are_per_thousand_words_shrunk_and_total_sums_the_kinds() -> None:
    # 10 words, one self-reference and one refusal: rates as if 250 more words had none.
    text = "As an AI language model, I cannot fulfill this today."
    found = values(text)
    assert found["artifacts_self_reference_per_1k_words"] == pytest.approx(1000 / 260)
    assert found["artifacts_total_count"] == 2.0
    assert found["artifacts_total_per_1k_words"] == pytest.approx(2000 / 260)
    # On a long page the prior hardly matters: 1 in 2,250 words is 1 in 2,500 counted.
    long_page = text + " The council met today." * 560
    assert values(long_page)["artifacts_self_reference_per_1k_words"] == pytest.approx(0.4)
    assert found["artifacts_total_count"] == sum(found[f"artifacts_{k}_count"] for k in KINDS)


def test_spans_stay_aligned_when_lowering_changes_the_length() -> None:
    # "İ" lowers to two code points; spans must still index the original text.
    text = "İstanbul İzmir. As an AI language model, I cannot fulfill this."
    assert evidence_texts(text, "artifacts_self_reference_count") == ["As an AI language model"]


def test_counts_keep_growing_past_the_evidence_cap() -> None:
    text = "\n\n".join(["As an AI language model, I refuse."] * 50)
    result = artifacts.extract(AnalyzedText(text))
    assert result.values["artifacts_self_reference_count"] == 50.0
    spans = [e for e in result.evidence if e.feature == "artifacts_self_reference_count"]
    assert len(spans) == MAX_EVIDENCE_PER_FEATURE


def test_inserting_a_leak_raises_the_total() -> None:
    clean = "The council voted on Tuesday.\n\nResidents cheered the budget."
    leaked = clean + "\n\nAs an AI language model, I cannot browse the internet."
    assert values(clean)["artifacts_total_count"] == 0.0
    assert values(leaked)["artifacts_total_count"] == 2.0


def _garbage() -> str:
    rng = random.Random(7)
    return bytes(rng.randrange(256) for _ in range(20_000)).decode("utf-8", errors="replace")


EDGE_INPUTS = {
    "empty": "",
    "whitespace": " \n\t \r\n ",
    "one word": "word",
    "chinese": "这是一个测试。我们今天讨论经济问题。\n\n总之，这是好的。",
    "russian": "Это тест. Мы обсуждаем экономику.\n\nВ заключение, всё хорошо.",
    "binary garbage": _garbage(),
    "one repeated character": "*" * 1_000_000,
    "many one-word lines": "\n".join(["word"] * 100_000),
    "pathological note": "(note: " * 50_000,
}


@pytest.mark.parametrize("name", list(EDGE_INPUTS))
def test_every_input_gives_finite_values_and_valid_spans(name: str) -> None:
    text = EDGE_INPUTS[name]
    result = artifacts.extract(AnalyzedText(text))
    assert list(result.values) == NAMES
    assert all(isinstance(v, float) and math.isfinite(v) for v in result.values.values())
    assert all(0 <= e.start <= e.end <= len(text) for e in result.evidence)
    if name != "binary garbage":
        assert result.values["artifacts_total_count"] == 0.0


def test_a_five_megabyte_line_finishes_and_counts_its_leaks() -> None:
    sentence = "The council voted 7-2 on Tuesday to approve the budget, the mayor said. "
    text = sentence * (5_000_000 // len(sentence)) + "As an AI language model, I refuse."
    found = values(text)
    assert all(math.isfinite(v) for v in found.values())
    assert found["artifacts_self_reference_count"] == 1.0
