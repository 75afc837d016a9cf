"""Measures: the forms of one measure are explained to a reader as one reason."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest

from farmscore.features import FAMILIES, Measure, feature_specs, measures
from farmscore.model.measure_groups import MeasureGroups
from farmscore.score_rows import score_to_dict
from farmscore.scoring import Scorer, _direction_note
from tests.conftest import farm_text, substantive_text


def test_each_declared_measure_takes_features_of_its_own_family_and_no_feature_twice() -> None:
    all_features = {spec.name for spec in feature_specs()}
    seen: set[str] = set()
    for family in FAMILIES.values():
        own = {spec.name for spec in family.FEATURES}
        for measure in family.MEASURES:
            assert len(measure.features) >= 2, f"{measure.name}: a measure of one form"
            assert set(measure.features) <= own, f"{measure.name}: {measure.features}"
            assert not seen & set(measure.features), f"{measure.name}: a feature taken twice"
            assert measure.name not in all_features, f"{measure.name}: named like a feature"
            assert measure.title
            seen |= set(measure.features)


def test_measures_cover_every_feature_once_in_column_order() -> None:
    names = [spec.name for spec in feature_specs()]
    covered = [name for measure in measures() for name in measure.features]
    assert sorted(covered) == sorted(names)
    firsts = [names.index(measure.features[0]) for measure in measures()]
    assert firsts == sorted(firsts)


def test_a_column_no_measure_names_is_its_own_measure_and_sums_add_its_columns() -> None:
    groups = MeasureGroups.for_columns(
        ["a_count", "b", "a_rate", "wording"],
        [Measure("a", "The a", ("a_count", "a_rate"))],
        {"b": "The b", "wording": "Wording"},
    )
    assert groups.names == ("a", "b", "wording")
    assert groups.titles == ("The a", "The b", "Wording")
    assert groups.columns == ((0, 2), (1,), (3,))
    rows = np.array([[1.0, 2.0, -0.5, 4.0], [0.0, -1.0, 3.0, 0.25]])
    assert groups.sums(rows[0]).tolist() == [0.5, 2.0, 4.0]
    assert groups.sums(rows).tolist() == [[0.5, 2.0, 4.0], [3.0, -1.0, 0.25]]


@pytest.mark.parametrize("seed", [3, 12, 21])
def test_a_measure_reason_is_the_sum_of_its_parts_led_by_its_largest_push(
    tiny_model_dir: Path, seed: int
) -> None:
    scorer = Scorer.load(tiny_model_dir)
    wide = Scorer(scorer.model, scorer.card, n_reasons=20)
    rng = random.Random(seed)
    for text in (farm_text(rng), substantive_text(rng)):
        result = wide.score(text=text)
        shown: list[str] = []
        for reason in result.reasons:
            if not reason.parts:
                shown.append(reason.feature)
                continue
            shown.extend(part.feature for part in reason.parts)
            assert math.isclose(
                sum(part.contribution for part in reason.parts), reason.contribution, abs_tol=1e-9
            )
            lead = reason.parts[0]
            assert lead.contribution * reason.contribution > 0
            same_way = [p for p in reason.parts if p.contribution * reason.contribution > 0]
            assert abs(lead.contribution) == max(abs(p.contribution) for p in same_way)
            assert (reason.value, reason.typical) == (lead.value, lead.typical)
        assert len(shown) == len(set(shown)), "a feature explained in two reasons"


def test_with_every_measure_shown_the_reasons_explain_the_whole_score(
    tiny_model_dir: Path,
) -> None:
    scorer = Scorer.load(tiny_model_dir)
    every = Scorer(scorer.model, scorer.card, n_reasons=len(scorer.model.feature_names))
    result = every.score(text=farm_text(random.Random(4)))
    assert result.explained_share == pytest.approx(1.0)
    few = Scorer(scorer.model, scorer.card, n_reasons=2).score(text=farm_text(random.Random(4)))
    assert few.explained_share is not None
    assert few.explained_share < 1.0


@pytest.mark.parametrize(
    ("value", "typical", "contribution", "direction", "says"),
    [
        # More sourced specifics toward substantive: the evidence's own way, nothing to say.
        (30.0, 4.0, -0.2, -1, ""),
        (30.0, 4.0, 0.2, -1, "yet toward content farm"),
        (5.0, 1.0, 0.3, 1, ""),
        (0.0, 1.0, 0.3, 1, "yet toward content farm"),
        # A measure with no side of its own says so when it is not read as "more is farm".
        (0.3, 0.5, 0.2, 0, "neither side of this measure is farm-like in itself"),
        (0.7, 0.5, 0.2, 0, ""),
        (0.5, 0.5, 0.2, 0, ""),
    ],
)
def test_a_direction_note_reads_the_contribution_against_the_features_own_direction(
    value: float, typical: float, contribution: float, direction: int, says: str
) -> None:
    note = _direction_note(value, typical, contribution, direction)
    assert (note == "") == (says == "")
    assert says in note


def test_a_json_row_lists_a_measures_parts_and_a_one_form_reason_has_none(
    tiny_model_dir: Path,
) -> None:
    scorer = Scorer.load(tiny_model_dir)
    wide = Scorer(scorer.model, scorer.card, n_reasons=20)
    text = farm_text(random.Random(7))
    rows = score_to_dict(wide.score(text=text), text)["reasons"]
    grouped = [row for row in rows if "parts" in row]
    assert grouped, "twenty reasons hold at least one measure of several forms"
    for row in grouped:
        assert sum(part["contribution"] for part in row["parts"]) == pytest.approx(
            row["contribution"], abs=1e-3
        )
        assert (row["value"], row["typical"]) == (
            row["parts"][0]["value"],
            row["parts"][0]["typical"],
        )
    assert all("parts" not in row for row in rows if row["feature"] in _FEATURE_NAMES)


_FEATURE_NAMES = {spec.name for spec in feature_specs()}
