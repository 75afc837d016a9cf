"""The filler family: weighted phrase rates, evidence spans, and every awkward input."""

from __future__ import annotations

import math
import random

import pytest

import farmscore.features.filler as filler
from farmscore.features.base import MAX_EVIDENCE_PER_FEATURE, RARE_EVENT_PRIOR_WORDS
from farmscore.features.lexicon import Lexicon, LexiconEntry, load_lexicon, phrase_tokens
from farmscore.features.text import AnalyzedText


def rate(matches: float, words: int) -> float:
    """A rare-event rate per 1,000 words, as the filler features count it."""
    return 1000 * matches / (words + RARE_EVENT_PRIOR_WORDS)


NAMES = [spec.name for spec in filler.FEATURES]


def _entry(phrase: str, category: str, weight: float) -> LexiconEntry:
    return LexiconEntry(
        phrase=phrase,
        category=category,
        origin="mined" if category == "mined" else "curated",
        count_human=1,
        count_machine=10,
        rate_human_per_1k=0.01,
        rate_machine_per_1k=0.1,
        docfreq_human=1,
        docfreq_machine=10,
        domains_machine=5,
        log_odds=weight,
        z=5.0,
        log_odds_paired=weight,
        z_paired=3.0,
        weight=weight,
    )


# A hand-made lexicon, so the arithmetic below does not depend on the measured weights.
TOY = filler.compile_lexicon(
    Lexicon(
        format_version=1,
        lexicon_version="test",
        created="2020-01-01",
        header={},
        entries=(
            _entry("delve", "llm_vocab", 2.0),
            _entry("crucial", "llm_vocab", 1.0),
            _entry("plays a crucial role", "filler", 1.5),
            _entry("it's not just about", "filler", 1.0),
            _entry("moreover", "transition", 1.0),
            _entry("critics argue", "hedge", 0.5),
            _entry("game changer", "promo", 1.0),
            _entry("you won't believe", "clickbait", 1.0),
            _entry("a more", "mined", 0.5),
            _entry("perhaps", "hedge", 0.0),  # measured: no more common in machine text
            _entry("of course", "hedge", 0.0),
        ),
    )
)


def toy(text: str) -> dict[str, float]:
    return filler.extract_with(AnalyzedText(text), TOY).values


def test_features_are_named_for_the_family_and_documented() -> None:
    assert len(set(NAMES)) == len(NAMES)
    for spec in filler.FEATURES:
        assert spec.name.startswith("filler_")
        assert spec.unit
        assert spec.definition
        assert spec.rationale
    assert filler.extract(AnalyzedText("Hello there.")).values.keys() == set(NAMES)
    assert list(filler.extract(AnalyzedText("x")).values) == NAMES


@pytest.mark.parametrize(
    ("text", "feature", "expected"),
    [
        # Case-insensitive, whole tokens: 3 of 3 words.
        ("Delve DELVE delve", "filler_llm_vocab_rate_per_1k_words", rate(3, 3)),
        # "delved" is another word: inflections are separate lexicon entries.
        ("We delved deeply here", "filler_llm_vocab_rate_per_1k_words", 0.0),
        # No match inside a longer word.
        ("Moreoverly speaking, fine", "filler_transition_rate_per_1k_words", 0.0),
        ("Speaking, moreover, fine", "filler_transition_rate_per_1k_words", rate(1, 3)),
        # Typographic and straight apostrophes are one token: 1 match in 5 words.
        ("It’s not just about money", "filler_phrase_rate_per_1k_words", rate(1, 5)),
        ("IT'S NOT JUST ABOUT money", "filler_phrase_rate_per_1k_words", rate(1, 5)),
        # Tokens ignore punctuation between them.
        ("It's not - just about money", "filler_phrase_rate_per_1k_words", rate(1, 5)),
        ("It's not about money", "filler_phrase_rate_per_1k_words", 0.0),
        # The longest phrase wins and "crucial" inside it is not counted again.
        ("Water plays a crucial role", "filler_phrase_rate_per_1k_words", rate(1, 5)),
        ("Water plays a crucial role", "filler_llm_vocab_rate_per_1k_words", 0.0),
        ("Water is crucial", "filler_llm_vocab_rate_per_1k_words", rate(1, 3)),
        # Weight 0 entries never count towards a category...
        ("Perhaps, of course, critics argue", "filler_hedge_rate_per_1k_words", rate(1, 5)),
        # ...but do count in the weight-blind contrast (3 matches in 5 words).
        ("Perhaps, of course, critics argue", "filler_any_candidate_rate_per_1k_words", rate(3, 5)),
        (
            "A game changer you won't believe",
            "filler_promo_clickbait_rate_per_1k_words",
            rate(2, 6),
        ),
        ("It is a more robust plan", "filler_mined_ngram_rate_per_1k_words", rate(1, 6)),
    ],
)
def test_category_rates(text: str, feature: str, expected: float) -> None:
    assert toy(text)[feature] == pytest.approx(expected)


def test_weighted_score_and_distinct_phrases() -> None:
    # 10 words; matches: delve (2.0) x2, moreover (1.0), plays a crucial role (1.5); perhaps (0).
    text = "Delve, delve. Moreover, it plays a crucial role, perhaps too."
    values = toy(text)
    assert values["filler_weighted_score_per_1k_words"] == pytest.approx(rate(6.5, 10))
    assert values["filler_distinct_weighted_phrase_count"] == 3.0
    assert values["filler_any_candidate_rate_per_1k_words"] == pytest.approx(rate(5, 10))


def test_evidence_spans_point_at_the_matched_text() -> None:
    text = "So: It’s not just about money. Moreover,\nit plays a CRUCIAL role."
    result = filler.extract_with(AnalyzedText(text), TOY)
    by_feature: dict[str, list[str]] = {}
    for ev in result.evidence:
        by_feature.setdefault(ev.feature, []).append(text[ev.start : ev.end])
    assert by_feature["filler_phrase_rate_per_1k_words"] == [
        "It’s not just about",
        "plays a CRUCIAL role",
    ]
    assert by_feature["filler_transition_rate_per_1k_words"] == ["Moreover"]
    assert by_feature["filler_weighted_score_per_1k_words"] == [
        "It’s not just about",
        "Moreover",
        "plays a CRUCIAL role",
    ]
    notes = {ev.note for ev in result.evidence}
    assert "filler phrase 'plays a crucial role' (x4.5 likelier in machine text)" in notes
    assert "transition 'moreover' (x2.7 likelier in machine text)" in notes


def test_evidence_is_capped_per_feature() -> None:
    result = filler.extract_with(AnalyzedText("delve " * 500), TOY)
    assert result.values["filler_llm_vocab_rate_per_1k_words"] == pytest.approx(rate(500, 500))
    per_feature: dict[str, int] = {}
    for ev in result.evidence:
        per_feature[ev.feature] = per_feature.get(ev.feature, 0) + 1
    assert per_feature == {
        "filler_llm_vocab_rate_per_1k_words": MAX_EVIDENCE_PER_FEATURE,
        "filler_weighted_score_per_1k_words": MAX_EVIDENCE_PER_FEATURE,
    }


def test_shipped_lexicon_weights_reach_the_features() -> None:
    lexicon = load_lexicon()
    top = max(lexicon.weighted(), key=lambda e: (e.weight, e.phrase))
    n_words = len(phrase_tokens(top.phrase))
    values = filler.extract(AnalyzedText(top.phrase.upper())).values
    assert values["filler_weighted_score_per_1k_words"] == pytest.approx(rate(top.weight, n_words))
    assert values["filler_distinct_weighted_phrase_count"] == 1.0
    # A phrase the lexicon measured and kept at weight 0 counts only in the contrast (one
    # without a weighted phrase inside it, such as "myriad" in "a myriad of").
    weighted = [e.tokens for e in lexicon.weighted()]

    def holds_weighted(tokens: tuple[str, ...]) -> bool:
        return any(
            tokens[i : i + len(w)] == w for w in weighted for i in range(len(tokens) - len(w) + 1)
        )

    unweighted = next(
        e
        for e in lexicon.entries
        if e.weight == 0 and e.count_human and not holds_weighted(e.tokens)
    )
    values = filler.extract(AnalyzedText(unweighted.phrase)).values
    assert values["filler_weighted_score_per_1k_words"] == 0.0
    assert values["filler_any_candidate_rate_per_1k_words"] > 0.0


def test_generated_prose_scores_above_plain_reporting() -> None:
    generated = (
        "In the realm of modern cuisine, this groundbreaking restaurant showcases a vibrant "
        "tapestry of flavors. Additionally, its meticulous chefs delve into the intricate "
        "interplay of tradition and innovation, a testament to their unwavering commitment."
    )
    reporting = (
        "The council voted 7-2 on Tuesday to raise downtown parking fees by $1 an hour, "
        "starting in March. Mayor Jane Ortiz said the money would pay for two new buses."
    )
    gen = filler.extract(AnalyzedText(generated))
    rep = filler.extract(AnalyzedText(reporting))
    # 34 words, shrunk as if 250 more words had no match: still far above the reporting.
    assert gen.values["filler_weighted_score_per_1k_words"] > 50.0
    assert rep.values["filler_weighted_score_per_1k_words"] < 5.0
    assert gen.values["filler_llm_vocab_rate_per_1k_words"] > 0.0
    assert len(gen.evidence) >= 10
    assert all(generated[ev.start : ev.end].strip() for ev in gen.evidence)


def _garbage() -> str:
    rng = random.Random(7)
    return bytes(rng.randrange(256) for _ in range(20_000)).decode("utf-8", errors="replace")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t \n",
        "delve",
        "这是一个关于城市规划的长篇报道，市长周二表示将增加公交车。",
        "Мэр города заявил во вторник, что автобусов станет больше. Кроме того, это важно.",
        "¿Además? Übrigens, ça va. It’s “not just about” — ’tis",
        "ʼ’'' ’’ delve’s delve’",
    ],
    ids=["empty", "whitespace", "one-word", "chinese", "russian", "mixed", "apostrophes"],
)
def test_awkward_inputs_give_finite_values(text: str) -> None:
    values = filler.extract(AnalyzedText(text)).values
    assert list(values) == NAMES
    assert all(isinstance(v, float) and math.isfinite(v) for v in values.values())


def test_empty_text_is_all_zero() -> None:
    result = filler.extract(AnalyzedText(""))
    assert set(result.values.values()) == {0.0}
    assert result.evidence == []


@pytest.mark.parametrize(
    "text",
    [
        _garbage(),
        "delve moreover " * 350_000,  # about 5 MB on one line
        "a" * 1_000_000,
        "crucial\n" * 100_000,
    ],
    ids=["binary-garbage", "5mb-one-line", "one-char-1mb", "100k-one-word-lines"],
)
def test_huge_and_degenerate_inputs_finish_with_finite_values(text: str) -> None:
    result = filler.extract(AnalyzedText(text))
    assert all(math.isfinite(v) for v in result.values.values())
    assert len(result.evidence) <= MAX_EVIDENCE_PER_FEATURE * len(NAMES)
