"""Where farmscore's time goes in process: the feature extractor, the wording block, and the
rest (model, reasons, JSONL rows), each timed on its own over one batch.

The rest is what no faster extractor or wording block could remove, so the Gopher pair's time
over it bounds the ratio that any such change, compiled code included, could reach."""

from __future__ import annotations

import io
import time
from collections.abc import Sequence
from dataclasses import dataclass

from farmscore.features.extractor import analyze_document
from farmscore.io.writers import JsonlWriter
from farmscore.report.serialize import score_to_dict
from farmscore.scoring import BATCH_SIZE, Scorer
from farmscore.types import Document


@dataclass(frozen=True)
class StageSeconds:
    """One batch's seconds in each step of `farmscore score` after its input is read, and
    the characters of JSONL written, as `score_like_cli` counts them."""

    features: float
    wording: float
    model_reasons_rows: float
    characters_written: int


def time_stages(scorer: Scorer, documents: Sequence[Document]) -> StageSeconds:
    """Measure every document, timing the extractor and the wording block apart, then time
    the model, the reasons and the rows on those measurements, in the scorer's batches."""
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
    return StageSeconds(features_seconds, wording_seconds, rest_seconds, sink.tell())


__all__ = ["StageSeconds", "time_stages"]
