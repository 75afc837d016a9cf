"""What every feature family shares: how a feature is described and what a family returns."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from farmscore.types import Evidence

# Spans are for a reader, not for counting: past this many per feature they add nothing a
# person would read, and on a 5 MB text they would cost memory.
MAX_EVIDENCE_PER_FEATURE = 20


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """Documentation of one feature: its column name, unit, definition, why it separates
    substantive articles from content-farm pages, a short plain-English title for readers,
    and the features whose spans also explain it (a total shows the spans of its parts)."""

    name: str
    unit: str
    definition: str
    rationale: str
    title: str = ""
    evidence_from: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Measure:
    """One thing a family measures in several forms: a count and its rate, eight readability
    formulas, the top 2-, 3- and 4-word phrase. A model splits its credit among such near
    copies as it happens to split its trees, so a reader is shown the measure as one reason:
    its features' contributions summed, the largest of them named."""

    name: str
    title: str
    features: tuple[str, ...]


@dataclass(slots=True)
class FamilyResult:
    """Values for every feature a family declares, plus the spans behind them."""

    values: dict[str, float]
    evidence: list[Evidence] = field(default_factory=list)


class EvidenceCollector:
    """Collects spans for a family, keeping at most `MAX_EVIDENCE_PER_FEATURE` per feature."""

    __slots__ = ("_counts", "spans")

    def __init__(self) -> None:
        self.spans: list[Evidence] = []
        self._counts: dict[str, int] = {}

    def add(self, feature: str, start: int, end: int, note: str) -> None:
        seen = self._counts.get(feature, 0)
        if seen >= MAX_EVIDENCE_PER_FEATURE:
            return
        self._counts[feature] = seen + 1
        self.spans.append(Evidence(feature, start, end, note))


def safe_ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, or 0.0 when the denominator is zero (empty text)."""
    return numerator / denominator if denominator else 0.0


def per_thousand_words(count: float, n_words: int) -> float:
    """A count expressed as a rate per 1,000 words; 0.0 for empty text."""
    return 1000.0 * count / n_words if n_words else 0.0


# Rates of rare events (filler phrases, leaked text, headings) are read as if every text had
# this many more words without one: a prior that such matches are rare, so that one "journey"
# in a 115-word note reads as 2.7 per 1,000 words, not 8.7, while a 2,000-word page's rate
# barely moves.
RARE_EVENT_PRIOR_WORDS = 250
RARE_EVENT_RATE_NOTE = (
    f"Counted per 1,000 words as if the text had {RARE_EVENT_PRIOR_WORDS} more words without "
    f"a match, so that one match in a short text does not read as a high rate."
)


def with_rare_event_note(specs: tuple[FeatureSpec, ...]) -> tuple[FeatureSpec, ...]:
    """`specs`, with `RARE_EVENT_RATE_NOTE` added to the definition of every rate."""
    return tuple(
        replace(spec, definition=f"{spec.definition} {RARE_EVENT_RATE_NOTE}")
        if spec.name.endswith("_per_1k_words")
        else spec
        for spec in specs
    )


def rare_event_rate(count: float, n_words: int) -> float:
    """A count of rare events per 1,000 words, shrunk toward zero for short texts.

    >>> rare_event_rate(1, 115), rare_event_rate(10, 1750)
    (2.73972602739726, 5.0)
    """
    return 1000.0 * count / (n_words + RARE_EVENT_PRIOR_WORDS)
