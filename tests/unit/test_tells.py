"""Tells read off the features: each kind found, honest pages left alone."""

from __future__ import annotations

import pytest

from farmscore.features.extractor import analyze_text
from farmscore.features.tells import TELLS, tells_in

BODY = (
    "The city council voted 7-2 on Tuesday to approve the budget, Mayor Jane Smith said. "
    "The plan adds $4.5 million for road repairs across the north side of town.\n\n"
    "Residents who spoke at the meeting were divided over the cost of the new bus lanes. "
    "Council member Tom Reyes said the vote came after months of negotiation.\n\n"
    "Opponents, led by the Riverside Neighbors Association, said the lanes would slow "
    "deliveries to shops on Main Street. The association plans to appeal in March.\n\n"
    "The budget takes effect on July 1. A public hearing on the bus lanes is set for "
    "Thursday at City Hall, where the transit agency will present ridership figures."
)


def kinds(text: str) -> list[str]:
    found = analyze_text(text)
    return [tell.kind for tell in tells_in(found.values, found.n_words)]


def test_every_tell_names_features_the_extractor_computes() -> None:
    values = analyze_text("One text.").values
    assert all(name in values for tell in TELLS for name in tell.features)
    assert len({tell.kind for tell in TELLS}) == len(TELLS)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Sure! Here's a 600-word article on the budget vote:\n\n" + BODY, "prompter_address"),
        (BODY + "\n\nWant me to add quotes from residents?", "prompter_address"),
        (BODY + "\n\nAs an AI language model, I cannot verify these figures.", "ai_disclosure"),
        ("Write a 500-word news article about the budget vote.\n\n" + BODY, "prompt_echo"),
        (BODY + "\n\nMeta description: The council approved the budget.", "format_note"),
        (BODY + "\n\n[Insert quote from the mayor here]", "placeholder"),
        ("[assistant]: " + BODY, "role_marker"),
        (BODY + "\n\n" + BODY, "pasted_twice"),
        (
            BODY[: len(BODY) // 2]
            + "\n\nALSO READ: 10 Shocking Facts About Bus Lanes\n\n"
            + BODY[len(BODY) // 2 :],
            "promotion",
        ),
    ],
)
def test_each_kind_of_tell_is_found(text: str, kind: str) -> None:
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        BODY,
        BODY + '\n\nThe chatbot replied, "As an AI language model, I cannot take sides."',
        BODY + "\n\nRead more: Council approves school funding",
        "Photo: AP.\n\n" + BODY + "\n\nPhoto: AP.",
        BODY + "\n\nYou may also like...",
    ],
)
def test_honest_pages_carry_no_tell(text: str) -> None:
    assert kinds(text) == []
