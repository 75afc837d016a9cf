"""A request's documents are scored in chunks of bounded length, so that a cancelled request
lets go of the scoring thread within one chunk."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from farmscore.scoring import Scorer
from farmscore.serve.schema import DocumentIn
from farmscore.serve.scoring import CHUNK_CHARACTERS, ScoringCancelledError, score_request
from farmscore.types import Document, Score

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ARTICLE = (EXAMPLES / "council-budget-report.txt").read_text(encoding="utf-8")


def _article_of(characters: int) -> str:
    return (ARTICLE * (characters // len(ARTICLE) + 1))[:characters]


@pytest.mark.parametrize(
    ("characters", "first_chunk"),
    [(CHUNK_CHARACTERS // 3, 3), (CHUNK_CHARACTERS * 2, 1)],
    ids=["three-fit", "longer-than-a-chunk"],
)
def test_cancelling_stops_scoring_before_the_next_chunk(characters: int, first_chunk: int) -> None:
    scorer = Scorer.load()
    cancelled = threading.Event()
    chunks: list[int] = []
    score_batch = scorer.score_batch

    def score_then_cancel(
        documents: Sequence[Document], *, cancelled: threading.Event | None = None
    ) -> list[Score]:
        chunks.append(len(documents))
        assert cancelled is not None
        cancelled.set()  # as a disconnect noticed while this chunk scores would
        return score_batch(documents)

    scorer.score_batch = score_then_cancel  # type: ignore[method-assign]
    documents = [DocumentIn(text=_article_of(characters)) for _ in range(8)]
    with pytest.raises(ScoringCancelledError) as stopped:
        score_request(scorer, documents, reasons=1, cancelled=cancelled)
    assert chunks == [first_chunk]
    assert stopped.value.scored == first_chunk
