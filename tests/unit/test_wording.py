"""The wording block: tokens, masked vocabulary, tf-idf logistic regression, out-of-fold fits and
n-gram explanations with spans."""

from __future__ import annotations

import random
from itertools import pairwise

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from farmscore.features.text import AnalyzedText
from farmscore.model.wording import (
    WordingModel,
    WordingVocabulary,
    count_texts,
    fit_out_of_fold,
    tokens_of,
    wording_tokens,
)
from tests.conftest import labelled_examples


def test_tokens_are_words_numbers_and_sentence_punctuation() -> None:
    assert tokens_of("It’s “new” — 3.5% of U.S. sales/day!") == [
        "it's",
        '"',
        "new",
        '"',
        "3",
        ".",
        "5",
        "of",
        "u",
        ".",
        "s",
        ".",
        "sales",
        "day",
        "!",
    ]
    assert wording_tokens("") == []


def test_rare_words_and_numbers_share_one_token() -> None:
    vocabulary = WordingVocabulary.build([["the", "cat", "2021"], ["the", "dog"]], size=1)
    assert vocabulary.words == ["<w>", "the"]
    keys = vocabulary.keys(["the", "cat", "2021"])
    # 1-grams: the, <w>, <w>; 2-grams: "the <w>", "<w> <w>".
    assert [vocabulary.ngram(int(k)) for k in keys] == ["the", "<w>", "<w>", "the <w>", "<w> <w>"]


def test_log_odds_match_scikit_learns_tfidf_logistic_regression() -> None:
    rows = labelled_examples(40, seed=3)
    texts = [text for text, _ in rows]
    y = np.array([label for _, label in rows])
    model = WordingModel(vocabulary_size=50_000, min_document_frequency=1, C=2.0).fit(texts, y)
    # The same features built by scikit-learn from the same tokens and masked vocabulary.
    token_lists = [tokens_of(text) for text in texts]
    masked = [
        [t if t in model.vocabulary_.ids and not t[0].isdigit() else "<w>" for t in tokens]
        for tokens in token_lists
    ]
    vectorizer = CountVectorizer(analyzer=lambda ts: ts + [f"{a} {b}" for a, b in pairwise(ts)])
    counts = vectorizer.fit_transform(masked)
    features = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    reference = LogisticRegression(C=2.0, max_iter=3000).fit(features, y)
    new = [text for text, _ in labelled_examples(5, seed=11)]
    new_masked = [
        [t if t in model.vocabulary_.ids and not t[0].isdigit() else "<w>" for t in tokens_of(x)]
        for x in new
    ]
    expected = reference.decision_function(
        TfidfTransformer(sublinear_tf=True).fit(counts).transform(vectorizer.transform(new_masked))
    )
    np.testing.assert_allclose(model.decision_function(new), expected, rtol=1e-3, atol=1e-3)


def test_the_block_separates_machine_from_human_wording() -> None:
    rows = labelled_examples(60, seed=1)
    model = WordingModel().fit([t for t, _ in rows], np.array([y for _, y in rows]))
    rng = random.Random(7)
    from tests.conftest import farm_text, substantive_text

    farm = model.decision_function([farm_text(rng) for _ in range(10)])
    human = model.decision_function([substantive_text(rng) for _ in range(10)])
    assert farm.min() > human.max()


def test_explanations_sum_to_the_log_odds_and_point_at_their_ngrams() -> None:
    rows = labelled_examples(60, seed=2)
    model = WordingModel().fit([t for t, _ in rows], np.array([y for _, y in rows]))
    text = "Moreover, the stakes are high. Moreover, it plays a crucial role in Harbor City."
    lowered = AnalyzedText(text).lower_aligned
    toward_machine = model.explain(lowered, limit=1000, direction=1)
    toward_human = model.explain(lowered, limit=1000, direction=-1)
    total = sum(n.contribution for n in toward_machine + toward_human)
    assert model.intercept_ + total == pytest.approx(model.log_odds(tokens_of(text)), abs=1e-4)
    assert toward_machine, "a filler sentence must move the block toward machine wording"
    for ngram in toward_machine:
        assert ngram.contribution > 0
        for start, end in ngram.spans:
            # The span's own tokens, masked as the block reads them, give the n-gram.
            shown = [t if t in model.vocabulary_.ids else "<w>" for t in tokens_of(text[start:end])]
            assert " ".join(shown) == ngram.ngram
    contributions = [n.contribution for n in toward_machine]
    assert contributions == sorted(contributions, reverse=True)


def test_an_explanation_counts_every_occurrence_but_locates_only_those_asked_for() -> None:
    rows = labelled_examples(60, seed=2)
    model = WordingModel().fit([t for t, _ in rows], np.array([y for _, y in rows]))
    text = " ".join(["Moreover, the stakes are high."] * 7)
    lowered = AnalyzedText(text).lower_aligned
    every = model.explain(lowered, limit=3, spans_per_ngram=1000)
    first_only = model.explain(
        lowered, limit=3, reading=model.read(tokens_of(text)), spans_per_ngram=1
    )
    assert [n.ngram for n in every] == [n.ngram for n in first_only]
    for full, short in zip(every, first_only, strict=True):
        assert len(full.spans) == full.occurrences == short.occurrences == 7
        assert short.spans == full.spans[:1]


def test_out_of_fold_log_odds_come_from_models_that_never_saw_the_row() -> None:
    rows = labelled_examples(30, seed=4)
    texts = [t for t, _ in rows]
    y = np.array([label for _, label in rows])
    groups = np.arange(len(rows))
    folds = list(GroupKFold(n_splits=3).split(texts, y, groups))
    counts = count_texts(texts)
    final, out_of_fold = fit_out_of_fold(counts, np.arange(len(texts)), y, folds)
    for fit_rows, held_out in folds:
        fold_model = WordingModel()._fit_counts(counts, fit_rows, y, None)
        expected = [fold_model.log_odds(tokens_of(texts[i])) for i in held_out]
        np.testing.assert_allclose(out_of_fold[held_out], expected)
    in_sample = final.decision_function(texts)
    # A model scores its own training rows more confidently than rows it never saw.
    assert np.mean(np.abs(in_sample)) > np.mean(np.abs(out_of_fold))
