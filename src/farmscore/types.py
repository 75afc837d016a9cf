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
class Reason:
    """One feature that moved a score: its value beside the typical training value, how far
    it moved the score in log-odds (positive: toward content farm), and the spans behind it."""

    feature: str
    value: float
    typical: float
    contribution: float
    evidence: tuple[Evidence, ...] = ()
    # The feature's plain-English name ("Filler phrases"); `typical` is the median value of
    # the model's training texts.
    title: str = ""

    @property
    def direction(self) -> str:
        return "content_farm" if self.contribution > 0 else "substantive"


@dataclass(frozen=True, slots=True)
class Score:
    """A calibrated probability of content farm, the label at the model's threshold, and the
    reasons for it."""

    id: str
    score: float
    label: str
    threshold: float
    reasons: tuple[Reason, ...]
    model: str
    word_count: int = 0
    # Why the score deserves less trust: "too_short", "not_english" (`farmscore.reading.language`).
    warnings: tuple[str, ...] = ()
