"""Where farmscore's time goes in process: the feature extractor, the wording block, and the
rest (model, reasons, JSONL rows), each timed on its own over one batch; and within the
extractor, each feature family.

The rest is what no faster extractor or wording block could remove, so the Gopher pair's time
over it bounds the ratio that any such change, compiled code included, could reach. The
families say which code such a change would have to take over to get there."""

from __future__ import annotations

import io
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from farmscore.cli.row_writers import JsonlWriter
from farmscore.features import FAMILIES
from farmscore.features.extractor import analyze_document, normalise_typography
from farmscore.features.text import AnalyzedText
from farmscore.score_rows import score_to_dict
from farmscore.scoring import BATCH_SIZE, Scorer
from farmscore.types import Document

# The family-by-family pass's name for the text analysis every family reads: the tokens,
# sentences, lines and word columns `AnalyzedText` computes on first use.
SHARED_ANALYSIS = "shared text analysis"


@dataclass(frozen=True)
class StageSeconds:
    """One batch's seconds in each step of `farmscore score` after its input is read, and
    the characters of JSONL written, as `score_like_cli` counts them."""

    features: float
    wording: float
    model_reasons_rows: float
    characters_written: int
    # `time_families` on the same batch: seconds by family, `SHARED_ANALYSIS` first.
    families: dict[str, float]


def time_stages(scorer: Scorer, documents: Sequence[Document]) -> StageSeconds:
    """Measure every document, timing the extractor and the wording block apart, then time
    the model, the reasons and the rows on those measurements, in the scorer's batches; last,
    the extractor again, family by family (`time_families`)."""
    clock = time.perf_counter
    features_seconds = wording_seconds = 0.0
    measured = []
    for document in documents:
        start = clock()
        features, analysed = analyze_document(document.text)
        middle = clock()
        # The benchmark splits the scorer's own steps: these are what `Scorer._measure` does.
        measured.append(scorer._read_wording(features, analysed))
        features_seconds += middle - start
        wording_seconds += clock() - middle
    start = clock()
    sink = io.StringIO()
    writer = JsonlWriter(sink)
    for first in range(0, len(documents), BATCH_SIZE):
        batch = documents[first : first + BATCH_SIZE]
        scored = scorer._score_measured(batch, measured[first : first + BATCH_SIZE])
        for document, (score, _) in zip(batch, scored, strict=True):
            writer.write(score_to_dict(score, document.text))
    rest_seconds = clock() - start
    families = time_families(documents)
    return StageSeconds(features_seconds, wording_seconds, rest_seconds, sink.tell(), families)


def _shared_properties() -> list[str]:
    return [
        name for name, value in vars(AnalyzedText).items() if isinstance(value, cached_property)
    ]


def time_families(documents: Sequence[Document]) -> dict[str, float]:
    """Seconds over the batch of the extractor's work, split by family: first the analysis the
    families share (every cached property of `AnalyzedText`, computed up front so that no
    family is charged for what the first to ask computes for all), then each family's own
    work, in the extractor's order. `analyze_document` does the same work in one loop."""
    clock = time.perf_counter
    seconds = dict.fromkeys((SHARED_ANALYSIS, *FAMILIES), 0.0)
    shared = _shared_properties()
    for document in documents:
        start = clock()
        analysed = AnalyzedText(normalise_typography(document.text))
        for name in shared:
            getattr(analysed, name)
        seconds[SHARED_ANALYSIS] += clock() - start
        for name, family in FAMILIES.items():
            start = clock()
            family.extract(analysed)
            seconds[name] += clock() - start
    return seconds


__all__ = ["SHARED_ANALYSIS", "StageSeconds", "time_families", "time_stages"]
