"""The records that flow through farmscore: raw input becomes a `Document`, features add
`Evidence`, the model turns them into a `Score`."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span of the text that a feature counted, so a reader can check the feature.

    `start` and `end` are character offsets into the analysed text (end exclusive).
    """

    feature: str
    start: int
    end: int
    note: str


@dataclass(frozen=True, slots=True)
class Document:
    """One article to measure or score. `text` is plain text; `html` is kept when the input
    was a page, so that extraction can run later."""

    id: str
    text: str
    title: str | None = None
    html: str | None = None
    url: str | None = None
    source: str | None = None
    meta: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class InputError:
    """A record that could not become a `Document`: where it was and why."""

    where: str
    reason: str
    raw: str | None = None


@dataclass(frozen=True, slots=True)
class ReasonPart:
    """One form of a measure that a reason shows as a whole: its feature, value, typical
    value and contribution in log-odds."""

    feature: str
    title: str
    value: float
    typical: float
    contribution: float
    # Why the direction differs from the value's side of the typical value, when it does.
    note: str = ""


@dataclass(frozen=True, slots=True)
class Reason:
    """One thing that moved a score: its value beside the typical value, how far it moved the
    score in log-odds (positive: toward content farm), and the spans behind it.

    `axis` says which answer it belongs to: "tell" (evidence that decides on its own),
    "substance" (sourced substance that protects machine prose) or "machine" (a measure of
    the machine head, from the median human text of the page's length band).

    A machine reason is one measure. When the measure comes in several forms (a count and its
    rate, eight readability formulas), `feature` names the measure, `parts` hold each form
    that moved the score, largest first, and `contribution` is their sum; `value` and
    `typical` are those of the first part, the largest that pushes the measure's way."""

    feature: str
    value: float
    typical: float
    contribution: float
    evidence: tuple[Evidence, ...] = ()
    # The feature's plain-English name ("Filler phrases"); `typical` is the value of the
    # median human training text of the page's length band.
    title: str = ""
    axis: str = "machine"
    # Why the direction differs from the value's side of the typical value, when it does.
    note: str = ""
    parts: tuple[ReasonPart, ...] = ()

    @property
    def direction(self) -> str:
        # A tell points toward content farm even when it moved the score by nothing: the
        # machine head may already have scored the page above the tell's floor.
        if self.axis == "tell":
            return "content_farm"
        return "content_farm" if self.contribution > 0 else "substantive"


@dataclass(frozen=True, slots=True)
class Score:
    """A verdict on one page: `score` and `label` under the scoring policy, the machine head's
    own answer, the page's sourced substance, and the reasons for it.

    `score` is the probability-scale verdict, content farm at or above `threshold` (the
    threshold of the page's length band `band`, unless the caller set one). `machine` is the
    calibrated probability that the prose is machine-written. `substance_percentile` places
    the page's sourced substance among human reporting of the same band. `base_log_odds` is
    what the median human text of the band scores: it and the contributions of all reasons
    add up to the score's log-odds, of which the reasons shown explain `explained_share`."""

    id: str
    score: float
    label: str
    threshold: float
    reasons: tuple[Reason, ...]
    model: str
    word_count: int = 0
    # Why the score deserves less trust or reading: "too_short", "not_english"
    # (`farmscore.reading.language`), "machine_prose" (machine-written, kept for its
    # substance).
    warnings: tuple[str, ...] = ()
    policy: str = "farm"
    band: str = ""
    decided_by: str = ""
    machine: float | None = None
    machine_threshold: float | None = None
    substance_percentile: float | None = None
    tells: tuple[str, ...] = ()
    base_log_odds: float | None = None
    explained_share: float | None = None
