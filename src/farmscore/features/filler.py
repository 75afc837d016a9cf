"""Filler: generic filler phrases, hedges, transitions and LLM-favoured words, counted per
1,000 words and weighted by how much rarer each one is in human writing.

The phrases and their weights come from the package's measured lexicon
(`farmscore.features.lexicon`): a phrase counts only when its weight is above zero, i.e. when
training text showed it reliably more often in machine than in human writing. Popular "AI tell"
lists fire on a quarter to half of texts written before LLMs existed; the weights keep those from
counting. Matching is on whole word tokens, case-insensitive, longest phrase first and
without overlaps, so "plays a crucial role" is not also counted as "crucial".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from farmscore.features.base import (
    EvidenceCollector,
    FamilyResult,
    FeatureSpec,
    Measure,
    rare_event_rate,
    with_rare_event_note,
)
from farmscore.features.lexicon import (
    Lexicon,
    LexiconEntry,
    PhraseMatcher,
    load_lexicon,
    normalized_words,
)
from farmscore.features.text import AnalyzedText

PHRASE_RATE = "filler_phrase_rate_per_1k_words"
HEDGE_RATE = "filler_hedge_rate_per_1k_words"
TRANSITION_RATE = "filler_transition_rate_per_1k_words"
LLM_VOCAB_RATE = "filler_llm_vocab_rate_per_1k_words"
PROMO_RATE = "filler_promo_clickbait_rate_per_1k_words"
MINED_RATE = "filler_mined_ngram_rate_per_1k_words"
WEIGHTED_SCORE = "filler_weighted_score_per_1k_words"
DISTINCT_PHRASES = "filler_distinct_weighted_phrase_count"
ANY_CANDIDATE_RATE = "filler_any_candidate_rate_per_1k_words"

# Lexicon category -> the rate feature its weighted matches count towards, and how an
# evidence note names a match of that category.
_CATEGORY_FEATURE = {
    "filler": PHRASE_RATE,
    "hedge": HEDGE_RATE,
    "transition": TRANSITION_RATE,
    "llm_vocab": LLM_VOCAB_RATE,
    "promo": PROMO_RATE,
    "clickbait": PROMO_RATE,
    "mined": MINED_RATE,
}
_CATEGORY_LABEL = {
    "filler": "filler phrase",
    "hedge": "hedge",
    "transition": "transition",
    "llm_vocab": "LLM-favoured word",
    "promo": "promotional phrase",
    "clickbait": "clickbait phrase",
    "mined": "stylistic n-gram",
}

_WEIGHT_NOTE = (
    "Only lexicon entries with weight > 0 count: those measured reliably more frequent in "
    "machine than in human training text."
)

_SPECS: tuple[FeatureSpec, ...] = (
    FeatureSpec(
        PHRASE_RATE,
        "matches per 1,000 words",
        "Generic filler phrases ('a testament to the', 'the complexities of', 'paving the "
        "way') per 1,000 words. " + _WEIGHT_NOTE,
        "Spun articles pad a thin story with stock phrases that assert importance without "
        "saying anything; reporters use them far less.",
        title="Filler phrases",
    ),
    FeatureSpec(
        HEDGE_RATE,
        "matches per 1,000 words",
        "Hedges and attributions to unnamed people ('critics argue') per 1,000 words. "
        + _WEIGHT_NOTE,
        "LLM filler hedges and attributes to nobody in particular; most everyday hedges "
        "('perhaps', 'of course') are as common in human writing and carry no weight.",
        title="Hedges and unnamed sources",
    ),
    FeatureSpec(
        TRANSITION_RATE,
        "matches per 1,000 words",
        "Connective adverbs ('additionally', 'furthermore', 'notably') per 1,000 words. "
        + _WEIGHT_NOTE,
        "Machine text strings sentences together with formal connectives at several times "
        "the human rate.",
        title="Stock transitions",
    ),
    FeatureSpec(
        LLM_VOCAB_RATE,
        "matches per 1,000 words",
        "Words LLMs favour ('delve', 'tapestry', 'intricate', 'showcasing') per 1,000 words. "
        + _WEIGHT_NOTE,
        "These words are many times more frequent in LLM output than in human writing on "
        "the same stories, so a page dense with them was likely generated.",
        title="Words LLMs favour",
    ),
    FeatureSpec(
        PROMO_RATE,
        "matches per 1,000 words",
        "Promotional and clickbait wording ('game-changing', 'stay tuned') per 1,000 words. "
        + _WEIGHT_NOTE,
        "Farm pages sell and tease; reporting and reviews rarely use this register.",
        title="Promotional wording",
    ),
    FeatureSpec(
        MINED_RATE,
        "matches per 1,000 words",
        "Function-word n-grams mined from the training split ('a more', 'within a') per "
        "1,000 words. " + _WEIGHT_NOTE,
        "Topic-free habits of machine phrasing, measured across many domains, which a "
        "curated list would miss.",
        title="Machine-like phrasing habits",
    ),
    FeatureSpec(
        WEIGHTED_SCORE,
        "log-odds per 1,000 words",
        "Sum of the weights (natural-log odds ratio, machine over human) of all weighted "
        "matches, per 1,000 words.",
        "Adds up the evidence of every phrase in proportion to how much rarer it is in human "
        "text, like a naive-Bayes score over the lexicon.",
        title="Filler and LLM tells, weighted",
    ),
    FeatureSpec(
        DISTINCT_PHRASES,
        "phrases",
        "Number of different weighted lexicon entries the text uses.",
        "One phrase repeated may be a quirk of a writer or topic; many different tells "
        "together are the signature of generated text.",
        title="Different LLM tells used",
        evidence_from=(WEIGHTED_SCORE,),
    ),
    FeatureSpec(
        ANY_CANDIDATE_RATE,
        "matches per 1,000 words",
        "Matches of every lexicon candidate per 1,000 words, ignoring weights: the naive "
        "'AI tell list' count, kept as a contrast to the weighted features.",
        "Shows how much a weight-blind phrase list fires on human writing; a model can use "
        "the difference between it and the weighted rates.",
        title="Common 'AI tell' phrases (unweighted)",
    ),
)
FEATURES: tuple[FeatureSpec, ...] = with_rare_event_note(_SPECS)

# The forms of one measure, explained to a reader as one reason (`Measure`).
MEASURES: tuple[Measure, ...] = (
    Measure(
        "filler_weighted_tells",
        "Filler and LLM tells, weighted",
        (
            "filler_weighted_score_per_1k_words",
            "filler_distinct_weighted_phrase_count",
            "filler_any_candidate_rate_per_1k_words",
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class CompiledLexicon:
    """What extraction needs from a lexicon: matchers for weighted and for all entries, and
    the evidence note of each weighted phrase."""

    weighted: PhraseMatcher[LexiconEntry]
    every: PhraseMatcher[LexiconEntry]
    notes: dict[str, str]


def compile_lexicon(lexicon: Lexicon) -> CompiledLexicon:
    """Index a lexicon for extraction (done once for the shipped one)."""
    weighted = lexicon.weighted()
    notes = {
        e.phrase: f"{_CATEGORY_LABEL[e.category]} '{e.phrase}' "
        f"(x{math.exp(e.weight):.1f} likelier in machine text)"
        for e in weighted
    }
    return CompiledLexicon(PhraseMatcher(weighted), PhraseMatcher(lexicon.entries), notes)


@lru_cache(maxsize=1)
def _shipped_lexicon() -> CompiledLexicon:
    return compile_lexicon(load_lexicon())


def extract(doc: AnalyzedText) -> FamilyResult:
    """Filler feature values, with the shipped lexicon, and the span of every weighted match
    (up to the per-feature evidence limit).

    >>> result = extract(AnalyzedText("Let us delve into it now. Additionally, we delve again."))
    >>> result.values["filler_llm_vocab_rate_per_1k_words"]
    200.0
    """
    return extract_with(doc, _shipped_lexicon())


def extract_with(doc: AnalyzedText, lexicon: CompiledLexicon) -> FamilyResult:
    """Filler feature values measured with a given lexicon (see `extract`)."""
    words = normalized_words(doc)
    spans = doc.word_spans
    n_words = len(words)
    evidence = EvidenceCollector()
    counts = dict.fromkeys(_CATEGORY_FEATURE.values(), 0)
    score = 0.0
    distinct: set[str] = set()
    for i, length, entry in lexicon.weighted.longest_matches(words):
        feature = _CATEGORY_FEATURE[entry.category]
        counts[feature] += 1
        score += entry.weight
        distinct.add(entry.phrase)
        start, end = spans[i][0], spans[i + length - 1][1]
        note = lexicon.notes[entry.phrase]
        evidence.add(feature, start, end, note)
        evidence.add(WEIGHTED_SCORE, start, end, note)
    any_count = sum(1 for _ in lexicon.every.longest_matches(words))

    values = {name: rare_event_rate(count, n_words) for name, count in counts.items()}
    values[WEIGHTED_SCORE] = rare_event_rate(score, n_words)
    values[DISTINCT_PHRASES] = float(len(distinct))
    values[ANY_CANDIDATE_RATE] = rare_event_rate(any_count, n_words)
    return FamilyResult({spec.name: float(values[spec.name]) for spec in FEATURES}, evidence.spans)
