"""`Scorer`: load a model once, score one text or many, and attach the reasons.

>>> scorer = Scorer.load()
>>> result = scorer.score(text="Sure! Here is a 600-word article about the storm.")
>>> 0.0 <= result.score <= 1.0, result.label in ("content_farm", "substantive")
(True, True)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs

from farmscore.artifacts import (
    ModelCard,
    ModelVerificationError,
    default_model_dir,
    load_model_folder,
)
from farmscore.boosted_occlusion import BoostedOcclusion, fast_path_for
from farmscore.features.extractor import TextFeatures, analyze_text, feature_names
from farmscore.model import FarmModel
from farmscore.types import Document, Evidence, Reason, Score

if TYPE_CHECKING:
    import pandas as pd

LABEL_FARM = "content_farm"
LABEL_SUBSTANTIVE = "substantive"
# Reasons per score: enough to see why, few enough to read.
DEFAULT_REASONS = 5
# Spans per reason shown to a reader.
EVIDENCE_PER_REASON = 5
# Documents scored together: the model predicts a batch at once.
BATCH_SIZE = 64
# The last documents of a stream go to worker processes in batches this small, so that the
# workers finish together: with full batches one may score a last 64 while the other idles.
# (The model costs 0.35 ms per document in batches of 16, 0.22 ms in batches of 64.)
TAIL_BATCH_SIZE = 16


class Scorer:
    """A loaded, verified model that scores texts and explains each score."""

    def __init__(
        self,
        model: FarmModel,
        card: ModelCard,
        *,
        threshold: float | None = None,
        n_reasons: int = DEFAULT_REASONS,
    ) -> None:
        current = feature_names()
        if list(model.feature_names) != current:
            missing = sorted(set(model.feature_names) - set(current))
            added = sorted(set(current) - set(model.feature_names))
            raise ModelVerificationError(
                f"model {card.name!r} was trained on other features than this farmscore "
                f"computes (it lacks {added[:5]}, has {missing[:5]}); retrain it with "
                f"`farmscore train` or install the farmscore version in its card"
            )
        self.model = model
        self.card = card
        self.name = card.name
        self.threshold = model.threshold if threshold is None else threshold
        self.n_reasons = n_reasons
        # The shipped kind of model has an exact, much faster way to its reasons.
        self._fast_path: BoostedOcclusion | None = fast_path_for(model)
        # Where the model was loaded from, so worker processes can load it themselves.
        self.folder: Path | None = None

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        *,
        threshold: float | None = None,
        allow_version_mismatch: bool = False,
    ) -> Scorer:
        """Load and verify the model folder at `path` (default: the model shipped inside the
        package). The model file's SHA-256 and library versions are checked before unpickling."""
        folder = Path(path) if path is not None else default_model_dir()
        model, card = load_model_folder(folder, allow_version_mismatch=allow_version_mismatch)
        if not isinstance(model, FarmModel):
            raise ModelVerificationError(
                f"{folder} holds a {type(model).__name__}, not a farmscore model"
            )
        scorer = cls(model, card, threshold=threshold)
        scorer.folder = folder
        return scorer

    def score(
        self, text: str | None = None, *, html: str | bytes | None = None, id: str = ""
    ) -> Score:
        """Score one article given as plain `text` or as a page's `html`."""
        if (text is None) == (html is None):
            raise ValueError("give exactly one of text= or html=")
        if html is not None:
            # trafilatura and lxml (about 25 MB) are loaded only when a page needs extracting.
            from farmscore.extract import extract_article

            text = extract_article(html).text
        return self._score_batch([Document(id=id, text=text or "")])[0][0]

    def score_many(self, items: Iterable[str | Document], n_jobs: int = 1) -> Iterator[Score]:
        """Score a stream of texts or `Document`s lazily, in input order. Plain texts get
        their position (1, 2, ...) as id."""
        documents = (
            item if isinstance(item, Document) else Document(id=str(number), text=item)
            for number, item in enumerate(items, start=1)
        )
        return self.score_documents(documents, n_jobs=n_jobs)

    def score_documents(self, documents: Iterable[Document], n_jobs: int = 1) -> Iterator[Score]:
        """Score `Document`s lazily, in input order; `n_jobs` > 1 (or -1 for every core)
        scores batches in worker processes that each load the model once."""
        for result, _ in self._scored(documents, n_jobs, keep_features=False):
            yield result

    def score_documents_with_features(
        self, documents: Iterable[Document], n_jobs: int = 1
    ) -> Iterator[tuple[Score, TextFeatures]]:
        """As `score_documents`, with every feature value and span beside each score."""
        for result, features in self._scored(documents, n_jobs, keep_features=True):
            assert features is not None
            yield result, features

    def _scored(
        self, documents: Iterable[Document], n_jobs: int, *, keep_features: bool
    ) -> Iterator[tuple[Score, TextFeatures | None]]:
        if n_jobs == 1:
            for batch in _batched(documents, BATCH_SIZE):
                yield from self._score_batch(batch)
            return
        source: Scorer | Path = self.folder if self.folder is not None else self
        batches = _batches_for_workers(documents, BATCH_SIZE, effective_n_jobs(n_jobs))
        results = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(_score_in_worker)(source, self.threshold, batch, keep_features)
            for batch in batches
        )
        for pairs in results:
            yield from pairs

    def score_frame(self, frame: pd.DataFrame, text_col: str = "text") -> pd.DataFrame:
        """A copy of `frame` with `score`, `label` and `reasons` (feature names, strongest
        first) columns added; the index is kept."""
        if text_col not in frame.columns:
            raise KeyError(f"no column {text_col!r}; columns are {list(frame.columns)}")
        texts = ["" if not isinstance(t, str) else t for t in frame[text_col]]
        scores = list(self.score_many(texts))
        result = frame.copy()
        result["score"] = [s.score for s in scores]
        result["label"] = [s.label for s in scores]
        result["reasons"] = ["; ".join(r.feature for r in s.reasons) for s in scores]
        return result

    def _score_batch(self, documents: Sequence[Document]) -> list[tuple[Score, TextFeatures]]:
        measured = [analyze_text(doc.text) for doc in documents]
        X = np.array([list(m.values.values()) for m in measured], dtype=np.float64)
        if self._fast_path is not None:
            probabilities, contributions = self._fast_path.predict_and_contribute(X)
        else:
            probabilities = self.model.predict_proba(X)
            contributions = self.model.contributions(X, probabilities)
        return [
            (self._make_score(doc, features, float(p), contribution_row), features)
            for doc, features, p, contribution_row in zip(
                documents, measured, probabilities, contributions, strict=True
            )
        ]

    def _make_score(
        self, doc: Document, features: TextFeatures, probability: float, contributions: np.ndarray
    ) -> Score:
        names = self.model.feature_names
        order = np.argsort(-np.abs(contributions))[: self.n_reasons]
        shown = {names[j] for j in order}
        evidence: dict[str, list[Evidence]] = {name: [] for name in shown}
        for span in features.evidence:
            spans = evidence.get(span.feature)
            if spans is not None and len(spans) < EVIDENCE_PER_REASON:
                spans.append(span)
        reasons = tuple(
            Reason(
                feature=names[j],
                value=features.values[names[j]],
                typical=float(self.model.reference[j]),
                contribution=float(contributions[j]),
                evidence=tuple(evidence[names[j]]),
            )
            for j in order
            if contributions[j] != 0.0
        )
        label = LABEL_FARM if probability >= self.threshold else LABEL_SUBSTANTIVE
        return Score(
            id=doc.id,
            score=probability,
            label=label,
            threshold=self.threshold,
            reasons=reasons,
            model=self.name,
            n_words=features.n_words,
        )


def _batched(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(documents)
    while batch := list(islice(iterator, size)):
        yield batch


def _batches_for_workers(
    documents: Iterable[Document], size: int, n_workers: int
) -> Iterator[list[Document]]:
    """Batches of `size` while the stream lasts; its last `size * n_workers` documents or
    more in batches of `TAIL_BATCH_SIZE`. Only that many documents are held back, which is
    about what the worker pool itself keeps queued."""
    held: deque[Document] = deque()
    reserve = size * n_workers
    for document in documents:
        held.append(document)
        if len(held) == reserve + size:
            yield [held.popleft() for _ in range(size)]
    tail = list(held)
    for start in range(0, len(tail), TAIL_BATCH_SIZE):
        yield tail[start : start + TAIL_BATCH_SIZE]


@lru_cache(maxsize=4)
def _worker_scorer(folder: Path, threshold: float) -> Scorer:
    return Scorer.load(folder, threshold=threshold)


def _score_in_worker(
    source: Scorer | Path, threshold: float, documents: list[Document], keep_features: bool
) -> list[tuple[Score, TextFeatures | None]]:
    """Runs in a worker process: the model is loaded once per process and folder. Features
    travel back only when asked for: pickling every span costs the parent process time."""
    scorer = source if isinstance(source, Scorer) else _worker_scorer(source, threshold)
    pairs = scorer._score_batch(documents)
    if keep_features:
        return list(pairs)
    return [(score, None) for score, _ in pairs]
