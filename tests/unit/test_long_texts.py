"""A text over the window size is measured in windows: spans that cover it, a verdict from its
most farm-like window, and evidence offsets into the whole text."""

from __future__ import annotations

import random
import threading
from itertools import pairwise

import pytest

import farmscore.scoring
from farmscore.features.extractor import analyze_text
from farmscore.long_texts import WARNING_WINDOWED, most_farm_like, window_spans
from farmscore.model.verdict import LABEL_FARM, LABEL_SUBSTANTIVE
from farmscore.scoring import Scorer, ScoringStoppedError
from farmscore.types import Document, Score
from tests.conftest import substantive_text

LEAK = "As an AI language model, I cannot verify these figures."


def _reporting(n_articles: int, seed: int) -> str:
    rng = random.Random(seed)
    return "\n\n".join(substantive_text(rng) for _ in range(n_articles))


@pytest.mark.parametrize("max_chars", [10, 97, 1_000, 4_096])
def test_windows_cover_the_text_in_order_within_the_size(max_chars: int) -> None:
    text = _reporting(12, seed=1)
    spans = window_spans(text, max_chars)
    assert spans[0][0] == 0
    assert spans[-1][1] == len(text)
    assert all(end == next_start for (_, end), (next_start, _) in pairwise(spans))
    assert all(0 < end - start <= max_chars for start, end in spans)


def test_windows_are_cut_after_a_paragraph_when_one_is_near() -> None:
    text = _reporting(12, seed=2)
    spans = window_spans(text, 2_000)
    assert len(spans) > 1
    assert all(text[end - 2 : end] == "\n\n" for _, end in spans[:-1])


def test_a_text_without_spaces_is_cut_at_the_size() -> None:
    assert window_spans("x" * 25, 10) == [(0, 9), (9, 17), (17, 25)]


def test_a_text_within_the_size_is_one_window() -> None:
    assert window_spans("short text", 10) == [(0, 10)]


def _score(label: str, score: float) -> Score:
    return Score(id="", score=score, label=label, threshold=0.5, reasons=(), model="m")


def test_the_deciding_window_is_the_first_farm_window_with_the_highest_score() -> None:
    windows = [
        _score(LABEL_SUBSTANTIVE, 0.4),
        _score(LABEL_FARM, 0.9),
        _score(LABEL_SUBSTANTIVE, 0.45),
        _score(LABEL_FARM, 0.9),
    ]
    assert most_farm_like(windows) == 1
    assert most_farm_like([_score(LABEL_SUBSTANTIVE, 0.1), _score(LABEL_SUBSTANTIVE, 0.3)]) == 1


def test_a_tell_in_a_late_window_decides_and_its_span_is_in_the_whole_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scorer = Scorer.load()
    text = _reporting(6, seed=3) + "\n\n" + LEAK + "\n\n" + _reporting(2, seed=4)
    monkeypatch.setattr(farmscore.scoring, "WINDOW_CHARS", 1_500)
    assert len(window_spans(text, 1_500)) >= 3

    result = scorer.score(text=text)

    assert result.label == LABEL_FARM
    assert result.decided_by == "tell"
    assert WARNING_WINDOWED in result.warnings
    assert result.word_count == analyze_text(text).n_words
    tell_spans = [
        span for reason in result.reasons if reason.axis == "tell" for span in reason.evidence
    ]
    assert tell_spans
    assert any(LEAK[:20] in text[span.start : span.end] for span in tell_spans)


def test_the_same_text_within_the_window_is_scored_whole_without_the_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scorer = Scorer.load()
    text = _reporting(3, seed=5)
    whole = scorer.score(text=text)
    monkeypatch.setattr(farmscore.scoring, "WINDOW_CHARS", len(text))
    assert scorer.score(text=text) == whole
    assert WARNING_WINDOWED not in whole.warnings


def test_cancelling_stops_a_long_text_between_its_windows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scorer = Scorer.load()
    text = _reporting(8, seed=6)
    monkeypatch.setattr(farmscore.scoring, "WINDOW_CHARS", 1_000)
    cancelled = threading.Event()
    measure = scorer._measure
    measured: list[str] = []

    def measure_then_cancel(window: str) -> object:
        measured.append(window)
        cancelled.set()  # as a client going away during the first window would
        return measure(window)

    monkeypatch.setattr(scorer, "_measure", measure_then_cancel)
    with pytest.raises(ScoringStoppedError, match="cancelled"):
        scorer.score_batch([Document(id="long", text=text)], cancelled=cancelled)
    assert len(measured) == 1 < len(window_spans(text, 1_000))
