"""Scores of texts too short to judge, or not in English, carry a warning."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from farmscore.reading.language import (
    CLEARLY_ENGLISH_STOPWORD_FRACTION,
    WARNING_NOT_ENGLISH,
    WARNING_TOO_SHORT,
    judgeability_warnings,
)
from farmscore.scoring import Scorer
from tests.conftest import substantive_text

GERMAN = (
    "Der Stadtrat hat am Dienstag nach langer Debatte beschlossen, die marode Brücke über den "
    "Fluss im kommenden Frühjahr zu sanieren. Die Kosten von rund vier Millionen Euro sollen "
    "zur Hälfte vom Land getragen werden, wie die Bürgermeisterin nach der Sitzung mitteilte. "
    "Anwohner hatten sich seit Jahren über Umwege und Staus beschwert."
)
SPANISH = (
    "El ayuntamiento aprobó el martes un plan para reparar el puente del río antes del verano. "
    "La alcaldesa explicó que las obras costarán unos cuatro millones de euros y que la mitad "
    "la pagará el gobierno regional. Los vecinos llevaban años quejándose de los atascos."
)


@pytest.mark.parametrize("text", [GERMAN, SPANISH])
def test_another_language_is_flagged(text: str) -> None:
    assert judgeability_warnings(text, 60) == (WARNING_NOT_ENGLISH,)


def test_english_of_any_length_is_not_flagged_as_foreign() -> None:
    text = substantive_text(random.Random(3))
    assert judgeability_warnings(text, 400) == ()
    assert judgeability_warnings("Rain is due on Tuesday.", 5) == (WARNING_TOO_SHORT,)


def test_a_text_mostly_of_english_function_words_skips_the_language_check() -> None:
    # The shortcut trusts the stop-word share: even German text passes when told it has one.
    assert judgeability_warnings(GERMAN, 60, CLEARLY_ENGLISH_STOPWORD_FRACTION) == ()
    assert judgeability_warnings(GERMAN, 60, 0.05) == (WARNING_NOT_ENGLISH,)


def test_scores_carry_the_warnings(tiny_model_dir: Path) -> None:
    scorer = Scorer.load(tiny_model_dir)
    english = substantive_text(random.Random(4))
    assert scorer.score(text=english).warnings == ()
    assert scorer.score(text=GERMAN).warnings == (WARNING_NOT_ENGLISH,)
    assert scorer.score(text="The council met.").warnings == (WARNING_TOO_SHORT,)
    # The score is still given: a warning qualifies it, it does not replace it.
    assert 0.0 <= scorer.score(text=GERMAN).score <= 1.0
