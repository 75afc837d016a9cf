"""The verdict: tells decide, substance protects machine prose, the policy picks the question,
and the parts add up in log-odds."""

from __future__ import annotations

import pytest

from farmscore.model.verdict import (
    MACHINE_PROSE_WARNING,
    SUBSTANCE_RELIEF_FULL,
    TELL_SCORE,
    decide,
    log_odds,
    substance_relief_share,
)

THRESHOLD = 0.95


@pytest.mark.parametrize("machine", [0.001, 0.3, 0.96, 0.9999])
@pytest.mark.parametrize("policy", ["farm", "machine"])
def test_a_tell_decides_whoever_wrote_the_rest(machine: float, policy: str) -> None:
    verdict = decide(machine, THRESHOLD, ["pasted_twice"], 90.0, True, policy)  # type: ignore[arg-type]
    assert verdict.label == "content_farm"
    assert verdict.decided_by == "tell"
    assert verdict.score >= TELL_SCORE
    assert verdict.lift >= 0.0
    assert verdict.tells == ("pasted_twice",)


def test_thin_machine_prose_is_farm() -> None:
    verdict = decide(0.99, THRESHOLD, [], SUBSTANCE_RELIEF_FULL / 2 - 1, True)
    assert (verdict.label, verdict.decided_by, verdict.warnings) == ("content_farm", "machine", ())


def test_unsourced_machine_prose_is_farm_however_dense() -> None:
    verdict = decide(0.99, THRESHOLD, [], 90.0, False)
    assert (verdict.label, verdict.relief) == ("content_farm", 0.0)


def test_sourced_machine_prose_with_human_level_substance_stays_with_a_warning() -> None:
    verdict = decide(0.999999, THRESHOLD, [], 40.0, True)
    assert verdict.label == "substantive"
    assert verdict.decided_by == "substance"
    assert verdict.warnings == (MACHINE_PROSE_WARNING,)
    assert verdict.score < THRESHOLD
    assert verdict.machine == 0.999999


def test_the_machine_policy_rejects_any_machine_prose() -> None:
    verdict = decide(0.99, THRESHOLD, [], 90.0, True, policy="machine")
    assert (verdict.label, verdict.relief, verdict.warnings) == ("content_farm", 0.0, ())


def test_human_prose_is_substantive_under_both_policies() -> None:
    for policy in ("farm", "machine"):
        verdict = decide(0.2, THRESHOLD, [], None, False, policy)  # type: ignore[arg-type]
        assert (verdict.label, verdict.decided_by, verdict.score) == ("substantive", "machine", 0.2)


def test_the_parts_add_up_in_log_odds() -> None:
    for tells in ([], ["placeholder"]):
        verdict = decide(0.99, THRESHOLD, tells, 3.0, True)
        assert log_odds(verdict.score) == pytest.approx(
            log_odds(verdict.machine) + verdict.relief + verdict.lift
        )


def test_relief_grows_with_substance_and_needs_a_named_attribution() -> None:
    shares = [substance_relief_share(p, True) for p in (0.0, 1.0, 3.0, 5.0, 50.0)]
    assert shares == sorted(shares)
    assert (shares[0], shares[-1]) == (0.0, 1.0)
    assert substance_relief_share(50.0, False) == 0.0
    assert substance_relief_share(None, True) == 0.0


@pytest.mark.parametrize(
    ("machine", "tells", "percentile"),
    [(0.2, [], 0.5), (0.99, [], 40.0), (0.99, [], 0.5), (0.1, ["placeholder"], 40.0)],
)
def test_a_users_threshold_moves_the_label_and_never_the_score(
    machine: float, tells: list[str], percentile: float
) -> None:
    own = decide(machine, THRESHOLD, tells, percentile, True)
    for label_threshold in (0.0, 0.3, 0.9, 1.0):
        verdict = decide(
            machine, THRESHOLD, tells, percentile, True, label_threshold=label_threshold
        )
        assert verdict.score == own.score
        assert verdict.threshold == label_threshold
        assert (verdict.label == "content_farm") == (own.score >= label_threshold)
