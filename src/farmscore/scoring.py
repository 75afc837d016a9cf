"""`Scorer`: load a model once, score one text or many, and attach the reasons.

>>> scorer = Scorer.load()
>>> result = scorer.score(text="Sure! Here is a 600-word article about the storm.")
>>> 0.0 <= result.score <= 1.0, result.label in ("content_farm", "substantive")
(True, True)
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from farmscore.features import feature_specs, measures
from farmscore.features.extractor import TextFeatures, analyze_document, feature_names
from farmscore.features.specificity import SUBSTANCE, is_sourced
from farmscore.features.tells import Tell, tells_in
from farmscore.features.text import AnalyzedText
from farmscore.long_texts import (
    WARNING_WINDOWED,
    WINDOW_CHARS,
    most_farm_like,
    release_free_memory,
    shifted,
    shifted_evidence,
    window_spans,
)
from farmscore.model.card import ModelCard, ModelVerificationError
from farmscore.model.farm_model import FarmModel
from farmscore.model.feature_directions import monotonic_constraints
from farmscore.model.folder import default_model_dir, load_model_folder
from farmscore.model.length_bands import BAND_NAMES, band_index
from farmscore.model.measure_groups import MeasureGroups
from farmscore.model.verdict import (
    DEFAULT_POLICY,
    POLICIES,
    Policy,
    Verdict,
    decide,
)
from farmscore.model.wording import (
    WORDING_FEATURE,
    WORDING_TITLE,
    WordingReading,
    has_known_word,
    wording_tokens,
)
from farmscore.reading.language import judgeability_warnings
from farmscore.reading.read_ahead import PAUSE, Pause, read_ahead
from farmscore.types import Document, Evidence, Reason, ReasonPart, Score
from farmscore.words import NO_WORDS_REASON, has_words

if TYPE_CHECKING:
    import pandas as pd
    from joblib.executor import MemmappingExecutor

# Two lines, so that the learned tell-line scorer (which reads the lines of a page) loads too.
_WARM_UP_TEXT = (
    "Harbour bridge to be repaired\n\n"
    "The council voted 5-2 on Tuesday to repair the harbour bridge, the mayor said. "
    '"We counted 3,400 crossings a day last year," she told reporters.'
)
# Reasons per score: enough to see why, few enough to read; a caller may ask for up to 20.
DEFAULT_REASONS = 5
MAX_REASONS = 20
# Spans per reason shown to a reader.
EVIDENCE_PER_REASON = 5
# N-grams asked of the wording block for its reason: more than are shown, as n-grams of rare
# words or punctuation only are left out.
WORDING_CANDIDATES = 3 * EVIDENCE_PER_REASON
# Documents scored together: the model predicts a batch at once.
BATCH_SIZE = 64
# The last documents of a stream go to worker processes in batches this small, so that the
# workers finish together: with full batches one may score a last 64 while the other idles.
# (The model costs 0.25 ms per document in batches of 16, 0.24 ms in batches of 64.)
TAIL_BATCH_SIZE = 16
# A stream that pauses this long has the documents it holds scored: the rows of a slow feed
# come out within about this much of their record, not when a batch fills.
PAUSE_SECONDS = 0.2


class ScoringStoppedError(Exception):
    """The caller cancelled scoring while a long text was measured window by window."""


class Scorer:
    """A loaded, verified model that scores texts and explains each score."""

    def __init__(
        self,
        model: FarmModel,
        card: ModelCard,
        *,
        threshold: float | None = None,
        n_reasons: int = DEFAULT_REASONS,
        policy: Policy = DEFAULT_POLICY,
    ) -> None:
        current = model_feature_names(model)
        if list(model.feature_names) != current:
            missing = sorted(set(model.feature_names) - set(current))
            added = sorted(set(current) - set(model.feature_names))
            raise ModelVerificationError(
                f"model {card.name!r} was trained on other features than this farmscore "
                f"computes (it lacks {added[:5]}, has {missing[:5]}); retrain it with "
                f"`farmscore train` or install the farmscore version in its card"
            )
        if policy not in POLICIES:
            raise ValueError(f"unknown policy {policy!r}; choose one of {', '.join(POLICIES)}")
        self.model = model
        self.card = card
        self.name = card.name
        # A threshold the caller sets applies in every length band; without one, each band
        # has the model's own. `threshold` alone is the highest of them, for a one-line summary.
        self.threshold_override = threshold
        self.threshold = model.threshold if threshold is None else threshold
        self.n_reasons = n_reasons
        self.policy: Policy = policy
        self._base_log_odds = model.reference_log_odds()
        self._measures = MeasureGroups.for_columns(
            model.feature_names, measures(), feature_titles()
        )
        self._directions = monotonic_constraints(model.feature_names)
        # Where the model was loaded from, so worker processes can load it themselves.
        self.folder: Path | None = None

    def settings(self) -> tuple[float | None, Policy, int]:
        """What a worker process needs besides the model folder to score as this scorer does:
        the caller's threshold, the policy and the number of reasons."""
        return self.threshold_override, self.policy, self.n_reasons

    def with_settings(
        self, *, threshold: float | None = None, policy: Policy | None = None
    ) -> Scorer:
        """This scorer with another threshold or policy, sharing the loaded model."""
        scorer = Scorer(
            self.model,
            self.card,
            threshold=self.threshold_override if threshold is None else threshold,
            n_reasons=self.n_reasons,
            policy=self.policy if policy is None else policy,
        )
        scorer.folder = self.folder
        return scorer

    def threshold_for(self, band: int) -> float:
        """The threshold a page of length band number `band` is judged against."""
        if self.threshold_override is not None:
            return self.threshold_override
        return self.model.threshold_for(band)

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        *,
        threshold: float | None = None,
        allow_version_mismatch: bool = False,
        allow_pickle: bool = False,
        policy: Policy = DEFAULT_POLICY,
    ) -> Scorer:
        """Load and verify the model folder at `path` (default: the model shipped inside the
        package): the card, the model file's SHA-256 and library versions, then every array
        (`farmscore.model.folder.load_model_folder`). `allow_pickle` loads a card format 1
        folder, which holds a pickle: only for a folder you made or trust. `policy` is
        "farm" (reject content farms; machine prose with sourced substance stays) or
        "machine" (reject any machine prose); see `farmscore.model.verdict`."""
        folder = Path(path) if path is not None else default_model_dir()
        model, card = load_model_folder(
            folder, allow_version_mismatch=allow_version_mismatch, allow_pickle=allow_pickle
        )
        scorer = cls(model, card, threshold=threshold, policy=policy)
        scorer.folder = folder
        return scorer

    def score(
        self, text: str | None = None, *, html: str | bytes | None = None, id: str = ""
    ) -> Score:
        """Score one article given as plain `text` or as a page's `html`.

        Raises TypeError for a text that is not a string (or html that is not a string or
        bytes), and ValueError for a text without a single word: there is nothing to judge.
        """
        if (text is None) == (html is None):
            raise ValueError("give exactly one of text= or html=")
        if html is not None:
            if not isinstance(html, str | bytes):
                raise TypeError(f"html must be str or bytes, not {type(html).__name__}")
            # trafilatura and lxml (about 25 MB) are loaded only when a page needs extracting.
            from farmscore.reading.html_extraction import extract_article

            text = extract_article(html).text
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, not {type(text).__name__}")
        return self._score_batch([_judgeable(Document(id=id, text=text))])[0][0]

    def warm_up(self, n_jobs: int = 1) -> None:
        """Score one short built-in text, so that the word tables, dictionaries and weights every
        text needs load now (about 0.1 s) rather than delaying the first document's row; with
        `n_jobs` other than 1, load the worker pool's modules too (about 0.06 s)."""
        self.score(text=_WARM_UP_TEXT)
        if n_jobs != 1:
            _effective_workers(n_jobs)

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

    def score_batch(
        self, documents: Sequence[Document], *, cancelled: threading.Event | None = None
    ) -> list[Score]:
        """Score documents already in memory, in order, in this process and this thread: no
        read-ahead thread and no workers, which a caller scoring a few documents at a time
        (a web request) would pay for on every call. Raises as `score` does for a document
        that is not a text or holds no word, and `ScoringStoppedError` when `cancelled` is
        set between two windows of a long text (`farmscore.long_texts`)."""
        judgeable = [_judgeable(document) for document in documents]
        return [
            score
            for start in range(0, len(judgeable), BATCH_SIZE)
            for score, _ in self._score_batch(judgeable[start : start + BATCH_SIZE], cancelled)
        ]

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
        # Read ahead by one batch at most: memory stays a few batches of documents.
        arriving = read_ahead(documents, PAUSE_SECONDS, max_items=BATCH_SIZE)
        if n_jobs == 1:
            for batch in _batched(arriving, BATCH_SIZE):
                yield from self._score_batch(batch)
            return
        yield from self._scored_in_workers(arriving, n_jobs, keep_features=keep_features)

    def _scored_in_workers(
        self, arriving: Iterator[Document | Pause], n_jobs: int, *, keep_features: bool
    ) -> Iterator[tuple[Score, TextFeatures | None]]:
        """Batches scored in worker processes, results in input order as soon as each is
        ready. Up to two batches per worker are in flight; when the stream pauses, what is
        in flight is waited for and written out, so a slow feed's rows are not held back.

        The workers start with the first full batch. Until then the short batches of a stream
        that pauses, or of one that is short, are scored here: a slow feed's rows then never
        wait for workers to start (a second or more), and a short input does not pay for it."""
        executor: MemmappingExecutor | None = None
        in_flight: deque[Future[list[tuple[Score, TextFeatures | None]]]] = deque()
        n_workers = _effective_workers(n_jobs)
        try:
            for batch in _batches_for_workers(arriving, BATCH_SIZE, n_workers):
                if isinstance(batch, Pause):
                    while in_flight:
                        yield from in_flight.popleft().result()
                    continue
                if executor is None and len(batch) < BATCH_SIZE:
                    pairs = self._score_batch(batch)
                    yield from ((s, f if keep_features else None) for s, f in pairs)
                    continue
                executor = executor or self._worker_pool(n_workers)
                in_flight.append(
                    executor.submit(
                        _score_in_worker, self._source(), self.settings(), batch, keep_features
                    )
                )
                while in_flight and (in_flight[0].done() or len(in_flight) > 2 * n_workers):
                    yield from in_flight.popleft().result()
            while in_flight:
                yield from in_flight.popleft().result()
        finally:
            # Stopped early (a closed pipe, a signal, an error): the batches in flight are
            # not wanted, and a worker may be deep in a long one.
            if in_flight and executor is not None:
                for future in in_flight:
                    future.cancel()
                executor.shutdown(wait=False, kill_workers=True)

    def _source(self) -> Scorer | Path:
        """What a worker scores with: the model folder, which it loads once, or this scorer."""
        return self.folder if self.folder is not None else self

    def _worker_pool(self, n_workers: int) -> MemmappingExecutor:
        # Imported here: the process pool costs a one-worker run 0.1 s at start-up.
        from joblib.executor import get_memmapping_executor

        # Each worker loads the model as it starts, not on its first batch. joblib's own
        # pool, the one its Parallel shares (the features' transformer), not loky's bare
        # one: the two would take each other's workers for their own kind.
        return get_memmapping_executor(
            n_workers, initializer=_load_in_worker, initargs=(self._source(), self.settings())
        )

    def score_frame(self, frame: pd.DataFrame, text_col: str = "text") -> pd.DataFrame:
        """A copy of `frame` with `score`, `label`, `reasons` (feature or measure names,
        strongest first) and `error` columns added; the index is kept. A row whose text is
        missing or holds no word is not scored: its score is NaN, its label None, and `error`
        says why."""
        if text_col not in frame.columns:
            raise KeyError(f"no column {text_col!r}; columns are {list(frame.columns)}")
        texts = list(frame[text_col])
        judgeable = [isinstance(t, str) and has_words(t) for t in texts]
        scored = iter(self.score_many([t for t, ok in zip(texts, judgeable, strict=True) if ok]))
        results = [next(scored) if ok else None for ok in judgeable]
        result = frame.copy()
        result["score"] = [s.score if s else float("nan") for s in results]
        result["label"] = [s.label if s else None for s in results]
        result["reasons"] = ["; ".join(r.feature for r in s.reasons) if s else "" for s in results]
        result["error"] = [
            None if ok else NO_WORDS_REASON if isinstance(t, str) else "no text"
            for t, ok in zip(texts, judgeable, strict=True)
        ]
        return result

    def _score_batch(
        self, documents: Sequence[Document], cancelled: threading.Event | None = None
    ) -> list[tuple[Score, TextFeatures]]:
        for document in documents:
            _judgeable(document)
        whole = [doc for doc in documents if len(doc.text) <= WINDOW_CHARS]
        measured = [self._measure(doc.text) for doc in whole]
        scored = iter(self._score_measured(whole, measured) if whole else [])
        return [
            next(scored)
            if len(doc.text) <= WINDOW_CHARS
            else self._score_in_windows(doc, cancelled)
            for doc in documents
        ]

    def _score_in_windows(
        self, document: Document, cancelled: threading.Event | None
    ) -> tuple[Score, TextFeatures]:
        """A text too long to measure whole (`farmscore.long_texts`), scored one window at a
        time so that only one window's words are in memory: the verdict, reasons and features
        are those of the most farm-like window, its spans made offsets into the whole text."""
        windows: list[tuple[int, Score, TextFeatures]] = []
        for start, end in window_spans(document.text, WINDOW_CHARS):
            if cancelled is not None and cancelled.is_set():
                raise ScoringStoppedError(f"document {document.id!r}: scoring was cancelled")
            window = Document(id=document.id, text=document.text[start:end])
            if has_words(window.text):
                score, features = self._score_measured([window], [self._measure(window.text)])[0]
                windows.append((start, score, features))
            release_free_memory()
        start, score, features = windows[most_farm_like([score for _, score, _ in windows])]
        n_words = sum(features.n_words for _, _, features in windows)
        whole_score = replace(
            shifted(score, start),
            word_count=n_words,
            warnings=(*score.warnings, WARNING_WINDOWED),
        )
        whole_features = replace(
            features, evidence=shifted_evidence(features.evidence, start), n_words=n_words
        )
        return whole_score, whole_features

    def _score_measured(
        self, documents: Sequence[Document], measured: Sequence[_Measured]
    ) -> list[tuple[Score, TextFeatures]]:
        """The model's scores and reasons for documents already measured (`_measure`)."""
        X = np.array([list(m.features.values.values()) for m in measured], dtype=np.float64)
        if self.model.wording is not None:
            X = np.column_stack([X, [m.wording_log_odds for m in measured]])
        bands = np.array([band_index(m.features.n_words) for m in measured], dtype=np.intp)
        probabilities = self.model.predict_proba(X)
        contributions = self.model.contributions(X, bands)
        return [
            (self._make_score(doc, m, row, float(p), int(band), contribution_row), m.features)
            for doc, m, row, p, band, contribution_row in zip(
                documents, measured, X, probabilities, bands, contributions, strict=True
            )
        ]

    def _measure(self, text: str) -> _Measured:
        return self._read_wording(*analyze_document(text))

    def _read_wording(self, features: TextFeatures, analysed: AnalyzedText) -> _Measured:
        """A text's features, with the wording block's reading of the text they measured."""
        wording = self.model.wording
        if wording is None:
            return _Measured(features, "", None)
        # The wording block reads the tokens of the text the features measured. Only the
        # lowered text is kept: a batch of analysed texts, each with its word lists and spans,
        # kept alive until the batch is scored slows every garbage collection.
        reading = wording.read(wording_tokens(analysed.lower))
        aligned = analysed.lower_aligned
        # When lowering changed the length (İ), spans must come from the aligned text's tokens.
        return _Measured(features, aligned, reading, aligned is analysed.lower)

    def _make_score(
        self,
        doc: Document,
        measured: _Measured,
        row: np.ndarray,
        machine: float,
        band: int,
        contributions: np.ndarray,
    ) -> Score:
        features = measured.features
        values = features.values
        tells = tells_in(values, features.n_words)
        verdict = decide(
            machine,
            self.model.threshold_for(band),
            [tell.kind for tell in tells],
            self.model.substance_percentile(values[SUBSTANCE], band),
            is_sourced(values),
            self.policy,
            label_threshold=self.threshold_override,
        )
        by_measure = self._measures.sums(contributions)
        shown = self._reasons(measured, row, band, contributions, by_measure, verdict, tells)
        # Every part of the score: each tell's share of the lift, the relief, each measure.
        total = abs(verdict.lift) + abs(verdict.relief) + float(np.abs(by_measure).sum())
        return Score(
            id=doc.id,
            score=verdict.score,
            label=verdict.label,
            threshold=verdict.threshold,
            reasons=tuple(shown),
            model=self.name,
            word_count=features.n_words,
            warnings=judgeability_warnings(
                doc.text, features.n_words, values["lexical_english_stopword_fraction"]
            )
            + verdict.warnings,
            policy=self.policy,
            band=BAND_NAMES[band],
            decided_by=verdict.decided_by,
            machine=machine,
            machine_threshold=verdict.machine_threshold,
            substance_percentile=verdict.substance_percentile,
            tells=verdict.tells,
            base_log_odds=float(self._base_log_odds[band]),
            explained_share=(
                sum(abs(reason.contribution) for reason in shown) / total if total else 1.0
            ),
        )

    def _reasons(
        self,
        measured: _Measured,
        row: np.ndarray,
        band: int,
        contributions: np.ndarray,
        by_measure: np.ndarray,
        verdict: Verdict,
        tells: Sequence[Tell],
    ) -> list[Reason]:
        """The reasons shown, in the order a reader needs them: the tells that decided, the
        substance that protected machine prose, then the machine head's measures by size.
        With the measures not shown (counted in `explained_share`), their contributions and
        the band's base add up to the score's log-odds."""
        features = measured.features
        names = self.model.feature_names
        measures, directions = self._measures, self._directions
        # Only the reasons shown are built; the rest count in the explained share alone.
        room = max(0, self.n_reasons - len(tells) - (verdict.relief != 0.0))
        order = [
            k for k in np.argsort(-np.abs(by_measure), kind="stable")[:room] if by_measure[k] != 0.0
        ]
        shown = {names[j] for k in order for j in measures.columns[k]}
        tell_features = {name for tell in tells for name in tell.features}
        evidence = _reason_evidence(shown | tell_features | {SUBSTANCE}, features.evidence)
        wording_at = len(names) - 1 if self.model.wording is not None else -1
        if WORDING_FEATURE in shown and contributions[wording_at] != 0.0:
            evidence[WORDING_FEATURE] = self._wording_evidence(
                measured, 1 if contributions[wording_at] > 0 else -1
            )
        tell_note = "a tell decides the verdict whoever wrote the rest of the page"
        if tells and verdict.lift == 0.0:
            tell_note += (
                f"; the machine head alone scored the page at or above a tell's floor "
                f"({verdict.tell_floor:.4g}), so the tell moved the score by nothing"
            )
        reasons = [
            Reason(
                feature=f"tell_{tell.kind}",
                value=1.0,
                typical=0.0,
                contribution=verdict.lift / len(tells),
                evidence=tuple(
                    sorted(
                        (span for name in tell.features for span in evidence.get(name, [])),
                        key=lambda span: span.start,
                    )[:EVIDENCE_PER_REASON]
                ),
                title=tell.title,
                axis="tell",
                note=tell_note,
            )
            for tell in tells
        ]
        if verdict.relief != 0.0:
            percentile = verdict.substance_percentile or 0.0
            reasons.append(
                Reason(
                    feature="substance",
                    value=round(percentile, 1),
                    typical=50.0,
                    contribution=verdict.relief,
                    evidence=tuple(evidence.get(SUBSTANCE, ())),
                    title="Sourced substance",
                    axis="substance",
                    note=(
                        f"at the {percentile:.0f}th percentile of human reporting of "
                        f"{BAND_NAMES[band]} words: machine-polished prose that carries it "
                        f"stays substantive"
                    ),
                )
            )
        typical = self.model.reference_rows()[band]
        titles = feature_titles()
        for k in order:
            parts = [
                ReasonPart(
                    feature=names[j],
                    title=titles.get(names[j], names[j]),
                    value=float(row[j]),
                    typical=float(typical[j]),
                    contribution=float(contributions[j]),
                    note=_direction_note(
                        float(row[j]), float(typical[j]), float(contributions[j]), directions[j]
                    ),
                )
                for j in measures.columns[k]
                if contributions[j] != 0.0
            ]
            if len(measures.columns[k]) == 1:
                reasons.append(_feature_reason(parts[0], evidence))
            else:
                reasons.append(
                    _measure_reason(
                        measures.names[k], measures.titles[k], float(by_measure[k]), parts, evidence
                    )
                )
        return reasons[: self.n_reasons]

    def _wording_evidence(self, measured: _Measured, direction: int) -> list[Evidence]:
        """The n-grams that moved the wording block the way its reason points, each at its
        first occurrence, quoted in the text's own words, with how often it occurs and how
        far it moved the block. N-grams of rare words only (masked as one token) or of
        punctuation only say nothing a reader can check, and are left out."""
        assert self.model.wording is not None
        toward = "machine" if direction > 0 else "human"
        reading = measured.reading if measured.reading_is_aligned else None
        text = measured.lower_aligned
        found: list[Evidence] = []
        for ngram in self.model.wording.explain(
            text, WORDING_CANDIDATES, direction, reading, spans_per_ngram=1
        ):
            if not has_known_word(ngram.ngram):
                continue
            start, end = ngram.spans[0]
            words = " ".join(text[start:end].split())
            found.append(
                Evidence(
                    WORDING_FEATURE,
                    start,
                    end,
                    f"'{words}' x{ngram.occurrences}: "
                    f"{ngram.contribution:+.2f} log-odds toward {toward} wording",
                )
            )
            if len(found) == EVIDENCE_PER_REASON:
                break
        return found


def _feature_reason(part: ReasonPart, evidence: dict[str, list[Evidence]]) -> Reason:
    """The reason for a measure taken in one form: its feature's."""
    return Reason(
        feature=part.feature,
        value=part.value,
        typical=part.typical,
        contribution=part.contribution,
        evidence=tuple(evidence.get(part.feature, ())),
        title=part.title,
        note=part.note,
    )


def _measure_reason(
    name: str,
    title: str,
    contribution: float,
    parts: list[ReasonPart],
    evidence: dict[str, list[Evidence]],
) -> Reason:
    """The reason for a measure taken in several forms: the forms that moved the score as
    parts, led by the largest that pushes the measure's way, with the spans of all of them."""
    parts.sort(key=lambda part: (part.contribution * contribution <= 0, -abs(part.contribution)))
    lead = parts[0]
    spans: dict[tuple[int, int], Evidence] = {}
    for part in parts:
        for span in evidence.get(part.feature, ()):
            spans.setdefault((span.start, span.end), span)
    return Reason(
        feature=name,
        value=lead.value,
        typical=lead.typical,
        contribution=contribution,
        evidence=tuple(sorted(spans.values(), key=lambda span: span.start))[:EVIDENCE_PER_REASON],
        title=title,
        note=f"{lead.note} (value and typical: {lead.title})" if lead.note else "",
        parts=tuple(parts),
    )


@dataclass(frozen=True, slots=True)
class _Measured:
    """What scoring keeps of one analysed text: its features, its lowered text with the
    original's offsets, and the wording block's reading (whose token positions match
    `lower_aligned` when `reading_is_aligned`)."""

    features: TextFeatures
    lower_aligned: str
    reading: WordingReading | None
    reading_is_aligned: bool = False

    @property
    def wording_log_odds(self) -> float:
        assert self.reading is not None
        return self.reading.log_odds


def _direction_note(value: float, typical: float, contribution: float, direction: int) -> str:
    """Why a feature pushes the way it does when its value's side of the typical value does not
    say so. `direction` is the feature's own (`feature_directions`): more of a farm-like
    feature (+1) points toward content farm, more sourced specifics (-1) toward substantive.
    A feature with no side of its own (0: readability, word variety, layout) is read as a
    reader would at first, more of it toward content farm, and says so when it differs."""
    if value == typical or contribution == 0.0:
        return ""
    expected_up = (value > typical) == (direction >= 0)
    if expected_up == (contribution > 0):
        return ""
    side = "above" if value > typical else "below"
    toward = "content farm" if contribution > 0 else "substantive"
    if direction == 0:
        return (
            f"{side} the typical value and toward {toward}: neither side of this measure is "
            f"farm-like in itself; the machine head learned which is, together with others"
        )
    return (
        f"{side} the typical value yet toward {toward}: the machine head weighs this "
        f"feature together with others, not on its own"
    )


@lru_cache(maxsize=1)
def feature_titles() -> dict[str, str]:
    """Each feature's plain-English title, the wording block's included."""
    return {spec.name: spec.title for spec in feature_specs()} | {WORDING_FEATURE: WORDING_TITLE}


@lru_cache(maxsize=1)
def _evidence_sources() -> dict[str, tuple[str, ...]]:
    """For each feature, the features whose spans a reader sees for it: its own first, then
    those it is made of (a total shows the spans of its parts)."""
    return {spec.name: (spec.name, *spec.evidence_from) for spec in feature_specs()}


def _reason_evidence(shown: set[str], spans: Sequence[Evidence]) -> dict[str, list[Evidence]]:
    """Up to `EVIDENCE_PER_REASON` spans for each shown feature, in text order: its own, or
    else those of the features it is made of, each noted with that feature's title."""
    sources = _evidence_sources()
    by_feature: dict[str, list[Evidence]] = {}
    for span in spans:
        by_feature.setdefault(span.feature, []).append(span)
    titles = feature_titles()
    evidence: dict[str, list[Evidence]] = {}
    for name in shown:
        found: list[Evidence] = []
        for source in sources.get(name, (name,)):
            for span in by_feature.get(source, ()):
                note = span.note if source == name else f"{titles[source]}: {span.note}"
                found.append(Evidence(name, span.start, span.end, note))
        found.sort(key=lambda span: (span.start, span.end))
        evidence[name] = found[:EVIDENCE_PER_REASON]
    return evidence


def model_feature_names(model: FarmModel) -> list[str]:
    """The columns this farmscore gives `model`: every style feature, then the wording
    block's log-odds when the model has the block."""
    return feature_names() + ([WORDING_FEATURE] if model.wording is not None else [])


def _judgeable(document: Document) -> Document:
    """`document`, or ValueError naming it when it is not a text or holds no word."""
    if not isinstance(document.text, str):
        raise TypeError(
            f"document {document.id!r}: text must be a str, not {type(document.text).__name__}"
        )
    if not has_words(document.text):
        where = f"document {document.id!r}" if document.id else "the text"
        raise ValueError(f"{where}: {NO_WORDS_REASON}")
    return document


def _batched(documents: Iterable[Document | object], size: int) -> Iterator[list[Document]]:
    """Batches of `size`, and a shorter one whenever the stream pauses (`PAUSE`)."""
    batch: list[Document] = []
    for document in documents:
        if isinstance(document, Document):
            batch.append(document)
        if batch and (len(batch) == size or document is PAUSE):
            yield batch
            batch = []
    if batch:
        yield batch


def _batches_for_workers(
    documents: Iterable[Document | Pause], size: int, n_workers: int
) -> Iterator[list[Document] | Pause]:
    """Batches of `size` while the stream lasts; its last `size * n_workers` documents or
    more in batches of `TAIL_BATCH_SIZE`. Only that many documents are held back, which is
    about what the worker pool keeps queued. When the stream pauses, what is held goes out
    at once, followed by `PAUSE`."""
    held: deque[Document] = deque()
    reserve = size * n_workers
    for document in documents:
        if isinstance(document, Pause):
            paused = list(held)
            held.clear()
            yield from _small_batches(paused)
            yield PAUSE
            continue
        held.append(document)
        if len(held) == reserve + size:
            yield [held.popleft() for _ in range(size)]
    yield from _small_batches(list(held))


def _small_batches(documents: list[Document]) -> Iterator[list[Document]]:
    for start in range(0, len(documents), TAIL_BATCH_SIZE):
        yield documents[start : start + TAIL_BATCH_SIZE]


@lru_cache(maxsize=4)
def _worker_scorer(folder: Path, settings: tuple[float | None, Policy, int]) -> Scorer:
    threshold, policy, n_reasons = settings
    scorer = Scorer.load(folder, threshold=threshold, policy=policy)
    scorer.n_reasons = n_reasons
    return scorer


def _effective_workers(n_jobs: int) -> int:
    from joblib import effective_n_jobs

    return int(effective_n_jobs(n_jobs))


def _load_in_worker(source: Scorer | Path, settings: tuple[float | None, Policy, int]) -> None:
    if isinstance(source, Path):
        _worker_scorer(source, settings)


def _score_in_worker(
    source: Scorer | Path,
    settings: tuple[float | None, Policy, int],
    documents: list[Document],
    keep_features: bool,
) -> list[tuple[Score, TextFeatures | None]]:
    """Runs in a worker process: the model is loaded once per process and folder. Features
    travel back only when asked for: pickling every span costs the parent process time."""
    scorer = source if isinstance(source, Scorer) else _worker_scorer(source, settings)
    pairs = scorer._score_batch(documents)
    if keep_features:
        return list(pairs)
    return [(score, None) for score, _ in pairs]
