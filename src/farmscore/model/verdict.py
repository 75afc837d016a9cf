"""The verdict: two answers about a page, and the rule that joins them.

- `machine`: the calibrated probability that the prose was written by a model (the trained
  head: style features and wording, learned from who wrote a text).
- `substance`: how much checkable, sourced information the page carries for its length, as a
  percentile of human reporting of the same length band.

Under the `farm` policy (the default) a page is a content farm when:

1. it carries a tell (`farmscore.features.tells`): whoever wrote the rest, the score is raised
   to at least `TELL_SCORE` and the label is content_farm;
2. otherwise, its prose reads as machine-written (machine at or above the band's threshold)
   and it is thin: machine prose with human-level sourced substance stays substantive, with a
   `machine_prose` warning.

Under the `machine` policy every machine-written page is rejected at the machine threshold,
whatever its substance; tells still decide (a leaked assistant line is machine text).

Everything is a sum in log-odds, so the reasons add up: the score's log-odds is the base
(what the median human text of the band scores) plus the machine head's feature
contributions, plus the substance relief (zero or negative), plus the tell's lift (zero or
positive).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Policy = Literal["farm", "machine"]
POLICIES: tuple[Policy, ...] = ("farm", "machine")
DEFAULT_POLICY: Policy = "farm"

LABEL_FARM = "content_farm"
LABEL_SUBSTANTIVE = "substantive"
MACHINE_PROSE_WARNING = "machine_prose"

# A page with a tell scores at least this, and at least its band's threshold.
TELL_SCORE = 0.999
# Human-level sourced substance: at or above this percentile of human reporting of the same
# length band, with at least one named attribution. The relief grows from nothing at
# `SUBSTANCE_RELIEF_START` to full at `SUBSTANCE_RELIEF_FULL`, so that a page just short of
# the mark is not flipped by one word.
SUBSTANCE_RELIEF_START = 1.0
SUBSTANCE_RELIEF_FULL = 5.0
# Full relief leaves a machine-prose page this far below its threshold, in log-odds.
SUBSTANCE_RELIEF_MARGIN = 1.0

DECIDED_BY_TELL = "tell"
DECIDED_BY_MACHINE = "machine"
DECIDED_BY_SUBSTANCE = "substance"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The joined answer for one page.

    `score` is the probability-scale verdict (content farm at or above `threshold`);
    `machine` is the machine head's calibrated probability and `machine_threshold` its own
    threshold for the band; `substance_percentile` is None when the model has no substance
    reference. `relief` and `lift` are the log-odds the substance rule and the tells moved the
    machine head's log-odds by; `tell_floor` is the score a page with a tell scores at least."""

    score: float
    label: str
    threshold: float
    decided_by: str
    machine: float
    machine_threshold: float
    substance_percentile: float | None
    sourced: bool
    tells: tuple[str, ...]
    relief: float
    lift: float
    tell_floor: float
    warnings: tuple[str, ...]


def log_odds(probability: float) -> float:
    """log(p / (1 - p)), with p kept inside [1e-12, 1 - 1e-12]."""
    p = min(max(probability, 1e-12), 1.0 - 1e-12)
    return math.log(p / (1.0 - p))


def probability(value: float) -> float:
    """The inverse of `log_odds`, stable for large values."""
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp_value = math.exp(value)
    return exp_value / (1.0 + exp_value)


def substance_relief_share(percentile: float | None, sourced: bool) -> float:
    """How much of the full relief a page's substance earns, from 0 to 1."""
    if percentile is None or not sourced:
        return 0.0
    span = SUBSTANCE_RELIEF_FULL - SUBSTANCE_RELIEF_START
    return min(1.0, max(0.0, (percentile - SUBSTANCE_RELIEF_START) / span))


def decide(
    machine: float,
    threshold: float,
    tells: Sequence[str],
    substance_percentile: float | None,
    sourced: bool,
    policy: Policy = DEFAULT_POLICY,
    label_threshold: float | None = None,
) -> Verdict:
    """The verdict for a page whose machine head scored `machine` against `threshold`, its
    band's, with the kinds of tell found and its substance. A `label_threshold` the user sets
    moves the label only: the score stays what the model says, so that a sweep of thresholds
    is a sweep over the same scores (a tell's page scores `TELL_SCORE`, so a threshold above
    it accepts tells too).

    >>> decide(0.2, 0.95, ["prompter_address"], 40.0, True).label
    'content_farm'
    >>> verdict = decide(0.99, 0.95, [], 40.0, True)
    >>> verdict.label, verdict.decided_by, verdict.warnings
    ('substantive', 'substance', ('machine_prose',))
    >>> decide(0.99, 0.95, [], 40.0, True, policy="machine").label
    'content_farm'
    >>> decide(0.99, 0.95, [], 0.5, False).decided_by
    'machine'
    >>> decide(0.4, 0.95, [], 0.5, False, label_threshold=0.3).label
    'content_farm'
    """
    machine_log_odds = log_odds(machine)
    bar = log_odds(threshold)
    relief = 0.0
    if policy == "farm" and machine >= threshold:
        share = substance_relief_share(substance_percentile, sourced)
        relief = -share * max(0.0, machine_log_odds - bar + SUBSTANCE_RELIEF_MARGIN)
    value = machine_log_odds + relief
    lift = 0.0
    score = probability(value)
    floor = max(TELL_SCORE, threshold)
    if tells:
        lift = max(0.0, log_odds(floor) - value)
        value += lift
        score = max(score, floor)
    # The user's threshold applies to the score; the band's own to the log-odds.
    own_rule = value >= bar or bool(tells)
    farm = own_rule if label_threshold is None else score >= label_threshold
    if tells and farm:
        decided_by = DECIDED_BY_TELL
    elif relief < 0.0 and not farm:
        decided_by = DECIDED_BY_SUBSTANCE
    else:
        decided_by = DECIDED_BY_MACHINE
    warnings = (MACHINE_PROSE_WARNING,) if machine >= threshold and not farm else ()
    return Verdict(
        score=score,
        label=LABEL_FARM if farm else LABEL_SUBSTANTIVE,
        threshold=threshold if label_threshold is None else label_threshold,
        decided_by=decided_by,
        machine=machine,
        machine_threshold=threshold,
        substance_percentile=substance_percentile,
        sourced=sourced,
        tells=tuple(tells),
        relief=relief,
        lift=lift,
        tell_floor=floor,
        warnings=warnings,
    )
