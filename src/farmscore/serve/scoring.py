"""One request's documents, scored in input order, each a result or an error in its place."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from farmscore.reading.files import record_document
from farmscore.score_rows import score_to_dict
from farmscore.scoring import Scorer, ScoringStoppedError
from farmscore.serve.schema import DocumentIn
from farmscore.types import Document, InputError, Score
from farmscore.words import NO_WORDS_REASON, has_words

# Characters scored between two looks at `cancelled`: about 60 ms of scoring on a 2-core
# machine, so a cancelled request lets go of the scoring thread well within half a second.
# Counted in characters, not documents, because scoring time follows length; a document
# longer than this is scored whole, in a chunk of its own.
CHUNK_CHARACTERS = 25_000


class ScoringCancelledError(Exception):
    """The request was cancelled (its time ran out or its client went away) after `scored`
    documents were scored; they are discarded."""

    def __init__(self, scored: int) -> None:
        super().__init__(f"cancelled after {scored} documents were scored")
        self.scored = scored


@dataclass
class ScoredRequest:
    """The results in input order, and what they add up to for the metrics."""

    results: list[dict[str, Any]]
    labels: dict[str, int] = field(default_factory=dict)
    errors: int = 0


def score_request(
    scorer: Scorer,
    documents: Sequence[DocumentIn],
    reasons: int,
    cancelled: threading.Event,
) -> ScoredRequest:
    """Score `documents` with `scorer` (its threshold and policy are the request's) with up to
    `reasons` reasons each. Runs in the worker's scoring thread; checks `cancelled` between
    documents as it reads them and between chunks as it scores them, and raises
    `ScoringCancelledError` once it is set."""
    slots: list[dict[str, Any] | None] = []
    texts: dict[int, str] = {}
    judgeable: list[Document] = []
    for position, given in enumerate(documents, start=1):
        if cancelled.is_set():
            raise ScoringCancelledError(scored=0)
        doc_id = given.id if given.id is not None else str(position)
        record: dict[str, object] = {"id": doc_id, "text": given.text, "html": given.html}
        document = record_document(record, f"documents[{position - 1}]", doc_id, b"")
        if isinstance(document, InputError):
            slots.append({"id": doc_id, "error": document.reason})
        elif not has_words(document.text):
            slots.append({"id": doc_id, "error": NO_WORDS_REASON})
        else:
            # Scored under its position, so that two documents given one id stay apart.
            judgeable.append(Document(id=str(len(slots)), text=document.text))
            texts[len(slots)] = document.text
            slots.append(None)
    # One scoring thread per worker: setting the count here cannot race another request.
    scorer.n_reasons = reasons
    for score in _in_chunks(scorer, judgeable, cancelled):
        position = int(score.id)
        given_id = documents[position].id
        slots[position] = _result(
            score, given_id if given_id is not None else str(position + 1), texts[position]
        )
    results = [slot for slot in slots if slot is not None]
    if len(results) != len(slots):
        raise RuntimeError("a document got neither a score nor an error")  # never dropped
    outcome = ScoredRequest(results)
    for result in outcome.results:
        if "error" in result:
            outcome.errors += 1
        else:
            outcome.labels[result["label"]] = outcome.labels.get(result["label"], 0) + 1
    return outcome


def _in_chunks(
    scorer: Scorer, documents: list[Document], cancelled: threading.Event
) -> Iterator[Score]:
    """Scores of `documents` in order, a chunk at a time: a cancelled request stops within
    one chunk, instead of holding the scoring thread for its whole batch."""
    scored = 0
    for chunk in _chunks(documents, CHUNK_CHARACTERS):
        if cancelled.is_set():
            raise ScoringCancelledError(scored)
        try:
            # A long text is measured in windows, with a look at `cancelled` between them.
            yield from scorer.score_batch(chunk, cancelled=cancelled)
        except ScoringStoppedError:
            raise ScoringCancelledError(scored) from None
        scored += len(chunk)


def _chunks(documents: list[Document], characters: int) -> Iterator[list[Document]]:
    """`documents` in order, in runs of at most `characters` characters (or one document)."""
    chunk: list[Document] = []
    size = 0
    for document in documents:
        if chunk and size + len(document.text) > characters:
            yield chunk
            chunk, size = [], 0
        chunk.append(document)
        size += len(document.text)
    if chunk:
        yield chunk


def _result(score: Score, doc_id: str, text: str) -> dict[str, Any]:
    """`farmscore score`'s JSONL row of `score` under the id the client gave; the model is
    named once in the response, not in every row."""
    row = score_to_dict(score, text)
    del row["model"]
    row["id"] = doc_id
    return row
