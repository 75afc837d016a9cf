"""Feature families: each module measures one aspect of an article and explains its values.

| family | what it measures |
| --- | --- |
| `repetition` | duplicated lines, paragraphs, n-grams; near-duplicate sentences; retold stories |
| `filler` | filler, hedges, transitions and LLM-favoured words, weighted by a measured lexicon |
| `artifacts` | leaked assistant text, scaffolding, markdown remnants, placeholders, refusals |
| `readability` | standard readability indices, sentence-length mean and spread, word length |
| `specificity` | numbers, dates, proper nouns, attributed quotes, named sources |
| `structure` | headings, bullets, promotion lines, comment forms, embedded posts, titles |
| `lexical` | lexical diversity, word rarity, stop-word ratio |
"""

from __future__ import annotations

from types import ModuleType

from farmscore.features import (
    artifacts,
    filler,
    lexical,
    readability,
    repetition,
    specificity,
    structure,
)
from farmscore.features.base import FeatureSpec, Measure

FAMILIES: dict[str, ModuleType] = {
    "repetition": repetition,
    "filler": filler,
    "artifacts": artifacts,
    "readability": readability,
    "specificity": specificity,
    "structure": structure,
    "lexical": lexical,
}


def feature_specs() -> list[FeatureSpec]:
    """Every feature's documentation, in column order."""
    return [spec for family in FAMILIES.values() for spec in family.FEATURES]


def measures() -> list[Measure]:
    """Every measure, in the column order of its first feature: the families' measures taken
    in several forms (`Measure`), and each other feature as a measure of its own."""
    declared = [measure for family in FAMILIES.values() for measure in family.MEASURES]
    measure_of = {name: measure for measure in declared for name in measure.features}
    found: dict[str, Measure] = {}
    for spec in feature_specs():
        measure = measure_of.get(spec.name, Measure(spec.name, spec.title, (spec.name,)))
        found.setdefault(measure.name, measure)
    return list(found.values())


__all__ = ["FAMILIES", "FeatureSpec", "Measure", "feature_specs", "measures"]
