"""What every feature family shares: how a feature is described and what a family returns."""

from __future__ import annotations

from dataclasses import dataclass, field

from farmscore.types import Evidence

# Spans are for a reader, not for counting: past this many per feature they add nothing a
# person would read, and on a 5 MB text they would cost memory.
MAX_EVIDENCE_PER_FEATURE = 20


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """Documentation of one feature: its column name, unit, definition and why it separates
    substantive articles from content-farm pages."""

    name: str
    unit: str
    definition: str
    rationale: str


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
