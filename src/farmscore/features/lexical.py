"""Lexical: vocabulary diversity, word rarity, function-word share and alphabetic share.

The English stop-word share doubles as a language check: English prose is about 40 % stop
words, so a low share on a text of some length says the text is probably not English, and
every English-trained feature of it should be read with care. An evidence span says so.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import reduce
from itertools import compress
from operator import add, and_, mul

from farmscore.features.base import (
    EvidenceCollector,
    FamilyResult,
    FeatureSpec,
    Measure,
    safe_ratio,
)
from farmscore.features.text import AnalyzedText
from farmscore.features.vocabulary import Vocabulary

# Raw type-token ratio falls as a text grows; averaging it over fixed windows does not.
TTR_WINDOW_WORDS = 100
# McCarthy & Jarvis (2010): a factor ends when its running type-token ratio reaches this.
MTLD_FACTOR_THRESHOLD = 0.72
# A text with no repeated word has an MTLD equal to its length; past this it means nothing.
MTLD_MAX_WORDS = 1000.0
# A text of at least this many characters (and a few words) whose stop-word share is below
# the cut-off is flagged as probably not English prose: English prose sits around 0.4 and
# rarely below 0.25 (BBC news: 1st percentile 0.29). Characters, not words, because Chinese
# or Japanese text without spaces has few, long "words".
LANGUAGE_CHECK_MIN_CHARS = 150
LANGUAGE_CHECK_MIN_WORDS = 5
NON_ENGLISH_STOPWORD_FRACTION = 0.1

# A whitespace token with no letter at all: numbers, symbols, separators (Gopher's test).
# The two classes are disjoint, so the repetition cannot backtrack over the same characters.
_NON_ALPHABETIC_TOKEN = re.compile(r"(?<!\S)(?:[^\w\s]|[\d_])+(?!\S)")

FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec(
        "lexical_window_type_token_ratio",
        "ratio",
        "Mean type-token ratio (distinct words over words) of consecutive 100-word windows; "
        "the whole text's ratio when it is shorter than one window.",
        "Spun filler restates the same few ideas in the same words, so its vocabulary per "
        "window is narrower than reporting's.",
        title="Variety of words",
    ),
    FeatureSpec(
        "lexical_mtld_words",
        "words",
        "MTLD: mean length of word runs whose type-token ratio stays above 0.72, averaged over "
        "a forward and a backward pass (McCarthy & Jarvis 2010), capped at 1,000.",
        "A length-robust lexical diversity: low values mark text that keeps cycling through "
        "the same vocabulary.",
        title="Lexical diversity (MTLD)",
    ),
    FeatureSpec(
        "lexical_zipf_frequency_mean",
        "Zipf (log10 occurrences per billion words)",
        "Mean Zipf frequency, in wordfreq's English list, of the alphabetic words that are on "
        "the list.",
        "Reporting names rare people, places and terms; filler is built from common words "
        "and the same favoured buzzwords.",
        title="How common the words are",
    ),
    FeatureSpec(
        "lexical_unlisted_word_fraction",
        "fraction of alphabetic words",
        "Share of alphabetic words absent from wordfreq's English list.",
        "Unlisted words are rare names, jargon, typos or another language: plenty in "
        "specific writing and non-English text, few in generic filler.",
        title="Words not in the dictionary",
    ),
    FeatureSpec(
        "lexical_english_stopword_fraction",
        "fraction of words",
        "Share of words that are common English function words (a list of about 175).",
        "Flags non-English input (near 0 for Chinese, Russian, German) and keyword-stuffed "
        "or list-like pages, which lack the glue words of prose.",
        title="Function words",
    ),
    FeatureSpec(
        "lexical_unigram_entropy_bits",
        "bits",
        "Shannon entropy of the distribution of lowercase words.",
        "Repetitive text has a peaked word distribution and lower entropy than varied prose "
        "of the same length.",
        title="Spread of word use",
    ),
    FeatureSpec(
        "lexical_alphabetic_token_fraction",
        "fraction of tokens",
        "Share of whitespace-separated tokens holding at least one letter (Gopher's "
        "alphabetic-word rule).",
        "Tables, symbol runs, link lists and encoding garbage have many tokens without "
        "letters; prose has almost none.",
        title="Tokens that are words",
    ),
)

# The forms of one measure, explained to a reader as one reason (`Measure`).
MEASURES: tuple[Measure, ...] = (
    Measure(
        "lexical_variety",
        "Variety of words",
        (
            "lexical_window_type_token_ratio",
            "lexical_mtld_words",
            "lexical_unigram_entropy_bits",
        ),
    ),
    Measure(
        "lexical_rarity",
        "How common the words are",
        ("lexical_zipf_frequency_mean", "lexical_unlisted_word_fraction"),
    ),
)
FEATURE_NAMES: tuple[str, ...] = tuple(spec.name for spec in FEATURES)


def window_type_token_ratio(words: Sequence[str], window: int = TTR_WINDOW_WORDS) -> float:
    """Mean type-token ratio over consecutive windows of `window` words.

    >>> window_type_token_ratio(["a", "b", "a", "b"], window=2)
    1.0
    """
    if len(words) < window:
        return safe_ratio(len(set(words)), len(words))
    ratios = [
        len(set(words[i : i + window])) / window for i in range(0, len(words) - window + 1, window)
    ]
    return sum(ratios) / len(ratios)


def _mtld_pass(words: Sequence[str]) -> float:
    """Number of MTLD factors in one reading direction, the last one partial."""
    factors = 0.0
    types: set[str] = set()
    add = types.add
    tokens = 0
    for word in words:
        add(word)
        tokens += 1
        if len(types) <= MTLD_FACTOR_THRESHOLD * tokens:
            factors += 1.0
            types.clear()
            tokens = 0
    if tokens:
        factors += (1.0 - len(types) / tokens) / (1.0 - MTLD_FACTOR_THRESHOLD)
    return factors


def mtld(words: Sequence[str]) -> float:
    """Measure of textual lexical diversity, in words; the text's length when no factor
    completes, capped at `MTLD_MAX_WORDS`.

    >>> mtld(["the", "cat", "the", "cat", "the", "cat"])
    3.0
    """
    if not words:
        return 0.0
    passes = []
    for direction in (words, words[::-1]):
        factors = _mtld_pass(direction)
        passes.append(len(words) / factors if factors else float(len(words)))
    return min(sum(passes) / 2.0, MTLD_MAX_WORDS)


def _entropy_bits(counts: Counter[str], total: int) -> float:
    if not total:
        return 0.0
    # H = log2 N - (1/N) sum c log2 c: one logarithm per distinct word.
    return max(0.0, math.log2(total) - sum(c * math.log2(c) for c in counts.values()) / total)


def _rarity_and_stop_words(vocabulary: Vocabulary, total: int) -> tuple[float, float, float]:
    """Mean Zipf frequency of listed alphabetic words, the share of alphabetic words that
    are unlisted, and the share of all words that are English stop words."""
    unlisted = [zipf is None for zipf in vocabulary.zipf_frequency]
    alphabetic = vocabulary.alphabetic
    listed = [alpha and not absent for alpha, absent in zip(alphabetic, unlisted, strict=True)]
    n_listed = vocabulary.occurrences(listed)
    n_unlisted = vocabulary.occurrences(map(and_, alphabetic, unlisted))
    # A plain left-to-right sum from 0.0 in the counter's order: sum() (compensated from Python
    # 3.12) or numpy (pairwise) would round differently and move the mean in its last bits.
    weighted = map(
        mul, compress(vocabulary.zipf_frequency, listed), compress(vocabulary.counts, listed)
    )
    zipf_sum = reduce(add, weighted, 0.0)
    return (
        safe_ratio(zipf_sum, n_listed),
        safe_ratio(n_unlisted, n_listed + n_unlisted),
        safe_ratio(vocabulary.occurrences(vocabulary.english_stop_word), total),
    )


def _alphabetic_token_fraction(doc: AnalyzedText) -> float:
    tokens = len(doc.whitespace_tokens)
    non_alphabetic = len(_NON_ALPHABETIC_TOKEN.findall(doc.text))
    return safe_ratio(tokens - non_alphabetic, tokens)


def extract(doc: AnalyzedText) -> FamilyResult:
    """Lexical diversity, rarity and stop-word measures of one text.

    >>> values = extract(AnalyzedText("The cat sat on the mat.")).values
    >>> round(values["lexical_english_stopword_fraction"], 2)
    0.5
    """
    words = doc.words_lower
    counts = doc.word_counts
    zipf_mean, unlisted_fraction, stopword_fraction = _rarity_and_stop_words(
        doc.vocabulary, len(words)
    )
    evidence = EvidenceCollector()
    if (
        len(doc.text) >= LANGUAGE_CHECK_MIN_CHARS
        and len(words) >= LANGUAGE_CHECK_MIN_WORDS
        and stopword_fraction < NON_ENGLISH_STOPWORD_FRACTION
    ):
        # The first sentence shows the reader what kind of text it is.
        start, end = doc.sentences[0]
        evidence.add(
            "lexical_english_stopword_fraction",
            start,
            end,
            f"only {stopword_fraction:.0%} of words are English function words: "
            "probably not English prose",
        )
    values = {
        "lexical_window_type_token_ratio": window_type_token_ratio(words),
        "lexical_mtld_words": mtld(words),
        "lexical_zipf_frequency_mean": zipf_mean,
        "lexical_unlisted_word_fraction": unlisted_fraction,
        "lexical_english_stopword_fraction": stopword_fraction,
        "lexical_unigram_entropy_bits": _entropy_bits(counts, len(words)),
        "lexical_alphabetic_token_fraction": _alphabetic_token_fraction(doc),
    }
    return FamilyResult(values, evidence.spans)
