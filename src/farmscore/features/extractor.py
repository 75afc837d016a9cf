"""Run every feature family over a text and name every column.

Only the standard library and the families: scoring imports this, and the scikit-learn
transformer over it lives in `farmscore.features.transformer`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from farmscore.features import FAMILIES, feature_specs
from farmscore.features.text import AnalyzedText
from farmscore.types import Evidence

# Curly and straight quotes say more about a corpus's typesetting than about its author, and
# the training corpora differ in them by source. Mapping one character to one character keeps
# every evidence offset valid for the original text.
_STRAIGHT_QUOTES = (
    ("‘", "'"),
    ("’", "'"),
    ("‚", "'"),
    ("‛", "'"),
    ("“", '"'),
    ("”", '"'),
    ("„", '"'),
    ("‟", '"'),
)


def normalise_typography(text: str) -> str:
    """`text` with curly and low quotes made straight, one character for one.

    >>> normalise_typography("It’s “fine”")
    'It\'s "fine"'
    """
    # One str.replace per quote that occurs: each is a C scan of the text, where
    # str.translate looks every character up in a dict (about 100 times slower).
    for curly, straight in _STRAIGHT_QUOTES:
        if curly in text:
            text = text.replace(curly, straight)
    return text


@dataclass(frozen=True, slots=True)
class TextFeatures:
    """Every feature value of one text, in column order, with the spans behind them."""

    values: dict[str, float]
    evidence: tuple[Evidence, ...]
    n_words: int


def feature_names() -> list[str]:
    """Column names of the extractor's output, in order."""
    return [spec.name for spec in feature_specs()]


def analyze_text(text: str) -> TextFeatures:
    """Measure one text with every family.

    >>> result = analyze_text("As an AI language model, I cannot write that.")
    >>> result.values["artifacts_total_count"] >= 1
    True
    """
    return analyze_document(text)[0]


def analyze_document(text: str) -> tuple[TextFeatures, AnalyzedText]:
    """`analyze_text`, with the tokenised document it measured, for whatever else reads the
    same words (the model's wording block)."""
    doc = AnalyzedText(normalise_typography(text))
    values: dict[str, float] = {}
    evidence: list[Evidence] = []
    for family in FAMILIES.values():
        result = family.extract(doc)
        for spec in family.FEATURES:
            value = float(result.values[spec.name])
            # A family bug must not poison a model: non-finite values become 0 and are
            # caught by the property tests rather than shipped.
            values[spec.name] = value if math.isfinite(value) else 0.0
        evidence.extend(result.evidence)
    return TextFeatures(values, tuple(evidence), doc.n_words), doc
