"""`Scorer`: scores in [0, 1], labels at the threshold, reasons with their evidence spans."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from farmscore.artifacts import ModelVerificationError
from farmscore.scoring import (
    LABEL_FARM,
    LABEL_SUBSTANTIVE,
    TAIL_BATCH_SIZE,
    Scorer,
    _batches_for_workers,
)
from farmscore.types import Document
from tests.conftest import farm_text, substantive_text


def test_farm_and_substantive_texts_get_their_labels(tiny_model_dir: Path) -> None:
    scorer = Scorer.load(tiny_model_dir)
    rng = random.Random(99)  # texts the tiny model did not see
    farm = scorer.score(text=farm_text(rng))
    real = scorer.score(text=substantive_text(rng))
    assert farm.label == LABEL_FARM
    assert real.label == LABEL_SUBSTANTIVE
    assert 0.0 <= real.score < scorer.threshold <= farm.score <= 1.0


def test_reasons_carry_direction_size_and_spans_into_the_text(tiny_model_dir: Path) -> None:
    scorer = Scorer.load(tiny_model_dir)
    text = farm_text(random.Random(5))
    result = scorer.score(text=text)
    assert 1 <= len(result.reasons) <= scorer.n_reasons
    sizes = [abs(reason.contribution) for reason in result.reasons]
    assert sizes == sorted(sizes, reverse=True)
    spans = [span for reason in result.reasons for span in reason.evidence]
    assert spans, "a flagged farm page must show some evidence"
    for reason in result.reasons:
        assert reason.direction == ("content_farm" if reason.contribution > 0 else "substantive")
        for span in reason.evidence:
            assert span.feature == reason.feature
            assert 0 <= span.start < span.end <= len(text)


def test_html_is_extracted_before_scoring(tiny_model_dir: Path) -> None:
    scorer = Scorer.load(tiny_model_dir)
    text = substantive_text(random.Random(3))
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    page = f"<html><body><nav>Home | Sports</nav><article>{paragraphs}</article></body></html>"
    from_html = scorer.score(html=page)
    from_text = scorer.score(text=text)
    assert from_html.score == pytest.approx(from_text.score, abs=0.05)
    with pytest.raises(ValueError, match="exactly one"):
        scorer.score(text="a", html="<p>b</p>")


def test_score_many_streams_in_order_and_matches_score(tiny_model_dir: Path) -> None:
    scorer = Scorer.load(tiny_model_dir)
    rng = random.Random(11)
    texts = [farm_text(rng) if i % 3 else substantive_text(rng) for i in range(70)]
    streamed = list(scorer.score_many(iter(texts)))
    assert [s.id for s in streamed] == [str(i) for i in range(1, 71)]
    assert streamed[4].score == pytest.approx(scorer.score(text=texts[4]).score)
    parallel = list(scorer.score_many(texts, n_jobs=2))
    assert [s.score for s in parallel] == pytest.approx([s.score for s in streamed])


@pytest.mark.parametrize("n_documents", [0, 1, 15, 191, 192, 600, 1000])
def test_worker_batches_keep_every_document_in_order_and_end_small(n_documents: int) -> None:
    documents = [Document(id=str(i), text="") for i in range(n_documents)]
    batches = list(_batches_for_workers(iter(documents), size=64, n_workers=2))
    assert [d.id for batch in batches for d in batch] == [d.id for d in documents]
    full = [len(b) for b in batches if len(b) == 64]
    tail = [len(b) for b in batches[len(full) :]]
    assert all(size <= TAIL_BATCH_SIZE for size in tail)
    # Two workers' worth of full batches, plus what did not fill a batch, make the tail.
    assert sum(tail) == (n_documents if n_documents < 3 * 64 else 2 * 64 + n_documents % 64)


def test_score_documents_keeps_ids(tiny_model_dir: Path) -> None:
    scorer = Scorer.load(tiny_model_dir)
    docs = [Document(id="a", text="One."), Document(id="b", text="")]
    assert [s.id for s in scorer.score_documents(docs)] == ["a", "b"]


def test_score_frame_adds_columns_and_keeps_the_index(tiny_model_dir: Path) -> None:
    scorer = Scorer.load(tiny_model_dir)
    rng = random.Random(2)
    frame = pd.DataFrame(
        {"body": [farm_text(rng), substantive_text(rng)], "site": ["x", "y"]}, index=[10, 20]
    )
    scored = scorer.score_frame(frame, text_col="body")
    assert list(scored.index) == [10, 20]
    assert list(scored["label"]) == [LABEL_FARM, LABEL_SUBSTANTIVE]
    assert {"score", "label", "reasons", "site"} <= set(scored.columns)
    with pytest.raises(KeyError, match="no column 'text'"):
        scorer.score_frame(frame)


def test_threshold_override_changes_labels_not_scores(tiny_model_dir: Path) -> None:
    text = substantive_text(random.Random(8))
    default = Scorer.load(tiny_model_dir).score(text=text)
    strict = Scorer.load(tiny_model_dir, threshold=0.0).score(text=text)
    assert strict.score == default.score
    assert strict.label == LABEL_FARM


def test_a_model_with_other_features_is_refused(tiny_model_dir: Path) -> None:
    scorer = Scorer.load(tiny_model_dir)
    scorer.model.feature_names = [*scorer.model.feature_names[:-1], "lexical_renamed"]
    with pytest.raises(ModelVerificationError, match="other features"):
        Scorer(scorer.model, scorer.card)
