"""`Scorer`: scores in [0, 1], labels at the threshold, reasons with their evidence spans."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import farmscore.model.verdict
from farmscore.features import measures
from farmscore.features.extractor import analyze_text
from farmscore.model.card import ModelVerificationError
from farmscore.model.verdict import LABEL_FARM, LABEL_SUBSTANTIVE
from farmscore.model.wording import tokens_of
from farmscore.reading.read_ahead import PAUSE
from farmscore.scoring import (
    TAIL_BATCH_SIZE,
    Scorer,
    _batches_for_workers,
    _reason_evidence,
    feature_titles,
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
        # A measure's spans carry the form of it that counted them.
        features = {reason.feature, *(part.feature for part in reason.parts)}
        for span in reason.evidence:
            assert span.feature in features
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


def test_workers_start_with_the_first_full_batch_and_score_as_this_process_does(
    tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import joblib.executor

    pools: list[int] = []
    make_pool = joblib.executor.get_memmapping_executor

    def counted(n_jobs: int, **options: object) -> object:
        pools.append(n_jobs)
        return make_pool(n_jobs, **options)

    monkeypatch.setattr(joblib.executor, "get_memmapping_executor", counted)
    scorer = Scorer.load(tiny_model_dir)
    rng = random.Random(14)
    short = [substantive_text(rng) for _ in range(150)]  # under the 3 batches held back
    assert [s.score for s in scorer.score_many(short, n_jobs=2)] == pytest.approx(
        [s.score for s in scorer.score_many(short)]
    )
    assert pools == []
    longer = short + [farm_text(rng) for _ in range(150)]
    assert [s.score for s in scorer.score_many(longer, n_jobs=2)] == pytest.approx(
        [s.score for s in scorer.score_many(longer)]
    )
    assert pools == [2]


def test_score_batch_equals_the_stream_and_refuses_texts_without_words(
    tiny_model_dir: Path,
) -> None:
    scorer = Scorer.load(tiny_model_dir)
    rng = random.Random(12)
    documents = [
        Document(id=f"d{i}", text=farm_text(rng) if i % 2 else substantive_text(rng))
        for i in range(70)  # more than one batch of 64
    ]
    batch = scorer.score_batch(documents)
    streamed = list(scorer.score_documents(documents))
    assert [s.id for s in batch] == [d.id for d in documents]
    assert [s.score for s in batch] == [s.score for s in streamed]
    assert scorer.score_batch([]) == []
    with pytest.raises(ValueError, match=r"'empty'.*no words"):
        scorer.score_batch([documents[0], Document(id="empty", text="?!")])


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


def test_worker_batches_send_what_they_hold_when_the_stream_pauses() -> None:
    first = [Document(id=str(i), text="") for i in range(20)]
    later = [Document(id="later", text="")]
    batches = list(_batches_for_workers(iter([*first, PAUSE, PAUSE, *later]), 64, n_workers=2))
    assert batches[-4:] == [first[TAIL_BATCH_SIZE:], PAUSE, PAUSE, later]
    assert batches[0] == first[:TAIL_BATCH_SIZE]


def test_a_paused_feed_under_two_jobs_gets_its_rows_before_it_resumes(
    tiny_model_dir: Path,
) -> None:
    # The feed sends two documents and then waits for their scores before sending more, as a
    # chat of requests and answers would; if rows were held back for the next input, this
    # feed would time out waiting.
    scorer = Scorer.load(tiny_model_dir)
    rng = random.Random(13)
    answered = threading.Event()

    def feed() -> Iterator[Document]:
        yield Document(id="a", text=substantive_text(rng))
        yield Document(id="b", text=farm_text(rng))
        resumed_after_rows = answered.wait(timeout=60)
        yield Document(id="late" if resumed_after_rows else "timed out", text=farm_text(rng))

    ids = []
    for score in scorer.score_documents(feed(), n_jobs=2):
        ids.append(score.id)
        if len(ids) == 2:
            answered.set()
    assert ids == ["a", "b", "late"]


def test_score_documents_keeps_ids(tiny_model_dir: Path) -> None:
    scorer = Scorer.load(tiny_model_dir)
    docs = [Document(id="a", text="One."), Document(id="b", text="Two.")]
    assert [s.id for s in scorer.score_documents(docs)] == ["a", "b"]


@pytest.mark.parametrize("text", ["", "   ", "!!!! ???", "\u200b\u200b", "\u0000"])
def test_a_text_without_words_is_an_error_naming_it_not_a_score(
    tiny_model_dir: Path, text: str
) -> None:
    scorer = Scorer.load(tiny_model_dir)
    with pytest.raises(ValueError, match="the text has no words"):
        scorer.score(text=text)
    with pytest.raises(ValueError, match="document 'b': the text has no words"):
        list(scorer.score_documents([Document(id="a", text="One."), Document(id="b", text=text)]))


@pytest.mark.parametrize("value", [123, None, b"bytes", ["a list"]])
def test_a_text_that_is_not_a_string_is_a_type_error(tiny_model_dir: Path, value: object) -> None:
    scorer = Scorer.load(tiny_model_dir)
    with pytest.raises((TypeError, ValueError), match=r"text must be a str|exactly one"):
        scorer.score(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="html must be str or bytes, not int"):
        scorer.score(html=123)  # type: ignore[arg-type]


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
    # Rows without text are kept, unscored, with the reason.
    holes = pd.DataFrame({"text": [farm_text(rng), "", None, "???"]})
    scored = scorer.score_frame(holes)
    assert scored["label"].isna().tolist() == [False, True, True, True]
    assert scored["score"].isna().tolist() == [False, True, True, True]
    assert scored["error"].isna().tolist() == [True, False, False, False]
    assert "has no words" in scored["error"][1]
    assert scored["error"][2] == "no text"


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


# "İ" grows when lowered, so the block's tokens and the text's offsets must be kept apart.
@pytest.mark.parametrize("prefix", ["", "İstanbul, İzmir: "])
def test_the_wording_reason_shows_the_ngrams_behind_it(tiny_model_dir: Path, prefix: str) -> None:
    scorer = Scorer.load(tiny_model_dir)
    assert scorer.model.feature_names[-1] == "wording_machine_log_odds"
    text = prefix + farm_text(random.Random(8))
    wording = Scorer(scorer.model, scorer.card, n_reasons=len(scorer.model.feature_names))
    result = wording.score(text=text)
    (reason,) = [r for r in result.reasons if r.feature == "wording_machine_log_odds"]
    assert reason.direction == "content_farm"
    assert reason.evidence, "the wording reason must show its n-grams"
    for span in reason.evidence:
        assert span.feature == "wording_machine_log_odds"
        assert 0 <= span.start < span.end <= len(text)
        assert "log-odds toward machine wording" in span.note
        # The note quotes the n-gram the span holds, as the block reads it (rare words: <w>).
        vocabulary = scorer.model.wording.vocabulary_  # type: ignore[union-attr]
        tokens = tokens_of(text[span.start : span.end])
        read = " ".join(t if t in vocabulary.ids else "<w>" for t in tokens)
        assert span.note.startswith(f"'{read}' x")


def test_a_total_shows_the_spans_of_its_parts_with_their_titles() -> None:
    text = "As an AI language model, I cannot do that.\n\nSigned,\n[Your Name]\n\n- One\n- Two"
    features = analyze_text(text)
    evidence = _reason_evidence(
        {
            "artifacts_total_count",
            "filler_distinct_weighted_phrase_count",
            "readability_lix_score_points",
        },
        features.evidence,
    )
    total = evidence["artifacts_total_count"]
    assert [text[e.start : e.end] for e in total] == ["As an AI language model", "[Your Name]"]
    assert all(e.feature == "artifacts_total_count" for e in total)
    assert total[0].note.startswith("Text calling itself an AI: ")
    assert total[1].note.startswith("Unfilled placeholders: ")
    # A feature of the whole text has no span to show, and none is made up.
    assert evidence["readability_lix_score_points"] == []


def test_every_reason_has_a_title_and_says_what_typical_means(tiny_model_dir: Path) -> None:
    result = Scorer.load(tiny_model_dir).score(text=farm_text(random.Random(12)))
    titles = feature_titles() | {measure.name: measure.title for measure in measures()}
    assert all(reason.title == titles[reason.feature] for reason in result.reasons)
    assert all(reason.title and reason.title != reason.feature for reason in result.reasons)
    assert titles["wording_machine_log_odds"].startswith("Machine-like wording")


def test_a_confident_logistic_score_still_shows_how_far_its_reasons_moved_it(
    tiny_model_dir: Path,
) -> None:
    scorer = Scorer.load(tiny_model_dir)
    assert scorer.model.kind == "logistic"
    result = scorer.score(text=farm_text(random.Random(3)))
    assert result.score > 0.95
    # Calibrated on log-odds, not on saturated probabilities: reasons of a few hundredths of
    # a log-odds at most would say nothing.
    assert abs(result.reasons[0].contribution) > 0.1


LEAKED_SELF_REFERENCE = "As an AI language model, I cannot verify these figures."


@pytest.mark.parametrize("floor", [0.9, 0.999999])
def test_a_tell_reason_points_toward_content_farm_however_far_it_moved_the_score(
    tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch, floor: float
) -> None:
    """A page the machine head already scores above a tell's floor gets no lift from its
    tell: the tell's reason still points toward content farm, and says why it moved nothing.
    The tiny model scores this farm page between the two floors."""
    monkeypatch.setattr(farmscore.model.verdict, "TELL_SCORE", floor)
    text = farm_text(random.Random(7)) + "\n\n" + LEAKED_SELF_REFERENCE
    result = Scorer.load(tiny_model_dir).score(text=text)
    tells = [reason for reason in result.reasons if reason.axis == "tell"]
    lifted = result.machine < floor

    assert lifted == (floor > 0.9)  # the page sits between the floors: both branches run
    assert result.decided_by == "tell"
    assert tells
    assert all(reason.direction == "content_farm" for reason in tells)
    assert all((reason.contribution > 0.0) == lifted for reason in tells)
    assert all(("moved the score by nothing" in reason.note) != lifted for reason in tells)
