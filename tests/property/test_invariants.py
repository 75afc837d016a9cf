"""Invariants every feature family keeps, checked on generated texts."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from farmscore.features.extractor import analyze_text

VOCABULARY = (
    "the mayor said council budget 2024 voted residents library fire chief million "
    "however report police river school Smith Tuesday percent new plan city would"
)
WORDS = st.sampled_from(VOCABULARY.split(" "))
SENTENCES = st.lists(WORDS, min_size=3, max_size=18).map(lambda w: " ".join(w).capitalize() + ".")
PARAGRAPHS = st.lists(SENTENCES, min_size=1, max_size=5).map(" ".join)
ARTICLES = st.lists(PARAGRAPHS, min_size=1, max_size=6)

LEAK = "As an AI language model, I cannot browse the internet for the latest updates."

PROPERTY_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(st.text(max_size=2000))
def test_every_value_is_finite_for_any_text(text: str) -> None:
    values = analyze_text(text).values
    assert all(math.isfinite(v) for v in values.values()), {
        k: v for k, v in values.items() if not math.isfinite(v)
    }


@PROPERTY_SETTINGS
@given(ARTICLES, st.data())
def test_repeating_a_paragraph_never_lowers_a_repetition_feature(
    paragraphs: list[str], data: st.DataObject
) -> None:
    repeated = data.draw(st.sampled_from(paragraphs))
    before = analyze_text("\n\n".join(paragraphs)).values
    after = analyze_text("\n\n".join([*paragraphs, repeated])).values
    lowered = {
        name: (before[name], after[name])
        for name in before
        if name.startswith("repetition_") and after[name] < before[name] - 1e-9
    }
    assert not lowered


@PROPERTY_SETTINGS
@given(ARTICLES, st.data())
def test_inserting_leaked_assistant_text_raises_an_artifact_feature_and_adds_its_span(
    paragraphs: list[str], data: st.DataObject
) -> None:
    position = data.draw(st.integers(min_value=0, max_value=len(paragraphs)))
    with_leak = [*paragraphs[:position], LEAK, *paragraphs[position:]]
    text = "\n\n".join(with_leak)
    before = analyze_text("\n\n".join(paragraphs))
    after = analyze_text(text)
    raised = [
        name
        for name in after.values
        if name.startswith("artifacts_") and after.values[name] > before.values[name]
    ]
    assert raised
    leak_start = text.index(LEAK)
    leak_end = leak_start + len(LEAK)
    assert any(
        span.feature.startswith("artifacts_") and leak_start <= span.start < leak_end
        for span in after.evidence
    )
