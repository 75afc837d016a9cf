"""Readability: the standard indices, how evenly sentences are paced, and word length.

The indices use the formulas and counting rules of textstat 0.7.13 (so values agree with it
on ordinary prose), computed here from the shared tokenisation and from syllable data that
ships with installed packages: textstat itself would download cmudict on first use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import and_

from farmscore.features.base import FamilyResult, FeatureSpec, Measure, safe_ratio
from farmscore.features.text import AnalyzedText

# textstat ignores "sentences" of two words or fewer when counting sentences: fragments such
# as "Read more" or "Photo: AP" would otherwise make every page look easy.
MIN_SENTENCE_WORDS = 3
# Polysyllabic words for SMOG and Gunning fog.
POLYSYLLABLE_MIN = 3
# LIX counts words longer than this many letters.
LIX_LONG_WORD_CHARS = 6
# Dale-Chall adds this constant when more than 5 % of words are outside its easy list.
DALE_CHALL_DIFFICULT_PERCENT = 5.0

# Degenerate texts (one 5 MB line without a full stop, a megabyte of one letter) give indices
# far outside anything prose produces; clipping keeps them from dominating a linear model.
_CLIP: dict[str, tuple[float, float]] = {
    "readability_flesch_reading_ease_points": (-100.0, 121.22),
    "readability_flesch_kincaid_grade_level": (-5.0, 50.0),
    "readability_gunning_fog_grade_level": (0.0, 50.0),
    "readability_smog_grade_level": (0.0, 50.0),
    "readability_coleman_liau_grade_level": (-20.0, 50.0),
    "readability_automated_readability_grade_level": (-20.0, 50.0),
    "readability_dale_chall_score_points": (0.0, 30.0),
    "readability_lix_score_points": (0.0, 200.0),
    "readability_sentence_length_mean_words": (0.0, 300.0),
    "readability_sentence_length_std_words": (0.0, 300.0),
    "readability_sentence_length_cv_ratio": (0.0, 10.0),
    "readability_word_length_mean_chars": (0.0, 30.0),
    "readability_syllables_per_word_mean": (0.0, 10.0),
}

FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec(
        "readability_flesch_reading_ease_points",
        "points",
        "Flesch reading ease: 206.835 - 1.015 x words per sentence - 84.6 x syllables per "
        "word; higher is easier.",
        "Spun filler is written in long, abstract, polysyllabic sentences; news reporting "
        "and reviews read more easily.",
        title="Reading ease (Flesch)",
    ),
    FeatureSpec(
        "readability_flesch_kincaid_grade_level",
        "US school grade",
        "Flesch-Kincaid grade: 0.39 x words per sentence + 11.8 x syllables per word - 15.59.",
        "The grade rises with the inflated vocabulary and uniform long sentences of LLM-spun "
        "filler.",
        title="School grade (Flesch-Kincaid)",
    ),
    FeatureSpec(
        "readability_gunning_fog_grade_level",
        "US school grade",
        "Gunning fog: 0.4 x (words per sentence + percent of words with 3+ syllables that "
        "are not on the Dale-Chall easy list).",
        "Fog tracks abstract vocabulary ('comprehensive', 'significantly'), which filler "
        "leans on instead of concrete facts.",
        title="School grade (Gunning fog)",
    ),
    FeatureSpec(
        "readability_smog_grade_level",
        "US school grade",
        "SMOG: 1.043 x sqrt(30 x words of 3+ syllables / sentences) + 3.1291.",
        "A second polysyllable-based grade, counted per sentence rather than per word, so it "
        "reacts differently to sentence length.",
        title="School grade (SMOG)",
    ),
    FeatureSpec(
        "readability_coleman_liau_grade_level",
        "US school grade",
        "Coleman-Liau: 0.058 x letters per 100 words - 0.296 x sentences per 100 words - 15.8.",
        "A grade from letters instead of syllables: robust to syllable-count errors on names "
        "and jargon.",
        title="School grade (Coleman-Liau)",
    ),
    FeatureSpec(
        "readability_automated_readability_grade_level",
        "US school grade",
        "ARI: 4.71 x non-space characters per whitespace token + 0.5 x words per sentence - 21.43.",
        "Character-based grade that also sees punctuation density; complements the "
        "syllable-based grades.",
        title="School grade (ARI)",
    ),
    FeatureSpec(
        "readability_dale_chall_score_points",
        "points",
        "Dale-Chall: 0.1579 x percent of words outside textstat's 2,940-word easy list + "
        "0.0496 x words per sentence, + 3.6365 when that percent exceeds 5.",
        "Measures vocabulary outside everyday words: names and numbers push it up in reporting, "
        "buzzwords push it up in filler; the model weighs it with the other families.",
        title="Hard words (Dale-Chall)",
    ),
    FeatureSpec(
        "readability_lix_score_points",
        "points",
        "LIX: words per sentence + percent of words longer than 6 letters.",
        "A language-neutral length-based index, still meaningful when the text is not English.",
        title="Readability (LIX)",
    ),
    FeatureSpec(
        "readability_sentence_length_mean_words",
        "words",
        "Mean words per sentence, over sentences of at least 3 words (over all sentences "
        "when none is that long).",
        "LLM prose settles into mid-length sentences; reporting mixes short facts with long "
        "attributions.",
        title="Average sentence length",
    ),
    FeatureSpec(
        "readability_sentence_length_std_words",
        "words",
        "Population standard deviation of words per sentence, over the same sentences as the mean.",
        "Human writers vary sentence length more (burstiness); machine text is evenly paced.",
        title="Spread of sentence lengths",
    ),
    FeatureSpec(
        "readability_sentence_length_cv_ratio",
        "ratio",
        "Coefficient of variation of sentence length: standard deviation over mean.",
        "The length-free version of the spread: low values mark the even pacing of "
        "machine-written text whatever its sentence length.",
        title="Variety of sentence lengths",
    ),
    FeatureSpec(
        "readability_word_length_mean_chars",
        "characters",
        "Mean length of a word in letters and digits.",
        "Filler favours long abstract words; URLs, hashes and garbage also show here as "
        "implausibly long words.",
        title="Average word length",
    ),
    FeatureSpec(
        "readability_syllables_per_word_mean",
        "syllables",
        "Mean syllables per word, from the CMU Pronouncing Dictionary with pyphen's en_US "
        "hyphenation as the fallback.",
        "The raw ingredient of the Flesch indices, kept so the model can weigh vocabulary "
        "apart from sentence length.",
        title="Syllables per word",
    ),
)

# The forms of one measure, explained to a reader as one reason (`Measure`).
MEASURES: tuple[Measure, ...] = (
    Measure(
        "readability_grade",
        "Reading grade (8 formulas)",
        (
            "readability_flesch_reading_ease_points",
            "readability_flesch_kincaid_grade_level",
            "readability_gunning_fog_grade_level",
            "readability_smog_grade_level",
            "readability_coleman_liau_grade_level",
            "readability_automated_readability_grade_level",
            "readability_dale_chall_score_points",
            "readability_lix_score_points",
        ),
    ),
    Measure(
        "readability_sentence_lengths",
        "Sentence lengths",
        (
            "readability_sentence_length_mean_words",
            "readability_sentence_length_std_words",
            "readability_sentence_length_cv_ratio",
        ),
    ),
    Measure(
        "readability_word_length",
        "Word length",
        ("readability_word_length_mean_chars", "readability_syllables_per_word_mean"),
    ),
)
FEATURE_NAMES: tuple[str, ...] = tuple(spec.name for spec in FEATURES)


@dataclass(frozen=True, slots=True)
class _Counts:
    """The raw counts every index is made of."""

    words: int
    index_sentences: int
    syllables: int
    polysyllables: int
    fog_difficult: int
    dale_chall_difficult: int
    letters: int
    long_words: int
    tokens: int
    token_chars: int


def _sentence_word_counts(doc: AnalyzedText) -> list[int]:
    """Words in each sentence of `doc.sentences`."""
    return [end - first for first, end in doc.sentence_word_ranges]


def _word_counts(doc: AnalyzedText, index_sentences: int) -> _Counts:
    # Each distinct word is measured once: the costly part (a syllable count) is per type.
    vocabulary = doc.vocabulary
    difficult = [not easy for easy in vocabulary.dale_chall_easy]
    polysyllabic = [syllables >= POLYSYLLABLE_MIN for syllables in vocabulary.syllables]
    long_words = [letters > LIX_LONG_WORD_CHARS for letters in vocabulary.letters]
    tokens = doc.whitespace_tokens
    return _Counts(
        words=doc.n_words,
        index_sentences=index_sentences,
        syllables=vocabulary.total(vocabulary.syllables),
        polysyllables=vocabulary.occurrences(polysyllabic),
        fog_difficult=vocabulary.occurrences(map(and_, polysyllabic, difficult)),
        dale_chall_difficult=vocabulary.occurrences(difficult),
        letters=vocabulary.total(vocabulary.letters),
        long_words=vocabulary.occurrences(long_words),
        tokens=len(tokens),
        token_chars=sum(map(len, tokens)),
    )


def _indices(c: _Counts) -> dict[str, float]:
    """The eight standard indices of a text with at least one word."""
    words_per_sentence = c.words / c.index_sentences
    syllables_per_word = c.syllables / c.words
    difficult_percent = 100.0 * c.dale_chall_difficult / c.words
    dale_chall = 0.1579 * difficult_percent + 0.0496 * words_per_sentence
    if difficult_percent > DALE_CHALL_DIFFICULT_PERCENT:
        dale_chall += 3.6365
    chars_per_token = safe_ratio(c.token_chars, c.tokens)
    return {
        "readability_flesch_reading_ease_points": (
            206.835 - 1.015 * words_per_sentence - 84.6 * syllables_per_word
            if syllables_per_word
            else 0.0
        ),
        "readability_flesch_kincaid_grade_level": (
            0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59
            if syllables_per_word
            else 0.0
        ),
        "readability_gunning_fog_grade_level": 0.4
        * (words_per_sentence + 100.0 * c.fog_difficult / c.words),
        "readability_smog_grade_level": (
            1.043 * math.sqrt(30.0 * c.polysyllables / c.index_sentences) + 3.1291
        ),
        "readability_coleman_liau_grade_level": (
            0.058 * 100.0 * c.letters / c.words - 0.296 * 100.0 * c.index_sentences / c.words - 15.8
            if c.letters
            else 0.0
        ),
        "readability_automated_readability_grade_level": (
            4.71 * chars_per_token + 0.5 * words_per_sentence - 21.43 if chars_per_token else 0.0
        ),
        "readability_dale_chall_score_points": dale_chall,
        "readability_lix_score_points": words_per_sentence + 100.0 * c.long_words / c.words,
    }


def _pacing(sentence_lengths: list[int]) -> tuple[float, float, float]:
    """Mean, population standard deviation and coefficient of variation of lengths."""
    if not sentence_lengths:
        return 0.0, 0.0, 0.0
    mean = sum(sentence_lengths) / len(sentence_lengths)
    variance = sum((n - mean) ** 2 for n in sentence_lengths) / len(sentence_lengths)
    std = math.sqrt(variance)
    return mean, std, safe_ratio(std, mean)


def extract(doc: AnalyzedText) -> FamilyResult:
    """Readability indices and sentence pacing of one text.

    >>> values = extract(AnalyzedText("The cat sat on the mat. It was warm there.")).values
    >>> values["readability_sentence_length_mean_words"]
    5.0
    """
    if not doc.n_words:
        # textstat's convention: every index is 0.0 for a text without words.
        return FamilyResult(dict.fromkeys(FEATURE_NAMES, 0.0))
    lengths = _sentence_word_counts(doc)
    full_sentences = [n for n in lengths if n >= MIN_SENTENCE_WORDS]
    index_sentences = max(1, len(full_sentences))
    counts = _word_counts(doc, index_sentences)
    values = _indices(counts)
    # A page of nothing but fragments (a list of links) is paced by its fragments.
    mean, std, cv = _pacing(full_sentences or [n for n in lengths if n])
    values["readability_sentence_length_mean_words"] = mean
    values["readability_sentence_length_std_words"] = std
    values["readability_sentence_length_cv_ratio"] = cv
    values["readability_word_length_mean_chars"] = safe_ratio(counts.letters, counts.words)
    values["readability_syllables_per_word_mean"] = safe_ratio(counts.syllables, counts.words)
    clipped = {
        name: min(max(values[name], _CLIP[name][0]), _CLIP[name][1]) for name in FEATURE_NAMES
    }
    return FamilyResult(clipped)
