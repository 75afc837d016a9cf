"""Repetition: how much of a text says again what it has already said.

Exact repetition (Gopher's duplicate lines, paragraphs and word n-grams), near-duplicate
sentences, the same story told twice (similarity between halves and between sections), word
loops, and how well the text compresses.

Every feature is defined so that appending a copy of one of the text's paragraphs never lowers
it. Counts of duplicates grow with the copy. Measures of something other than exact duplication
(top n-gram share, halves and sections, loops) are taken over the text's distinct lines (first
occurrences), so an exact copy neither inflates nor dilutes them; the duplicate-line features
measure the copy instead. The compression ratio divides the bytes of all lines by the
compressed bytes of the distinct lines: a compressor that remembers every line it has seen.

>>> from farmscore.features.text import AnalyzedText
>>> values = extract(AnalyzedText("Big news today.\\n\\nBig news today.")).values
>>> values["repetition_duplicate_paragraph_fraction"]
0.5
"""

from __future__ import annotations

import re
import zlib
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, compress, count, pairwise, repeat
from operator import add, eq, itemgetter, le, ne, sub
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from farmscore.features.base import (
    EvidenceCollector,
    FamilyResult,
    FeatureSpec,
    Measure,
    safe_ratio,
)
from farmscore.features.stopwords import ENGLISH_STOP_WORDS
from farmscore.features.text import AnalyzedText, Span

# Limits, each with why. A 5 MB text must finish in seconds; a real article is far below these.
MAX_ANALYSED_WORDS = 100_000  # word-level measures read at most this many words, whole lines
ZLIB_SAMPLE_BYTES = 64 * 1024  # longer distinct text is compressed by sample, then scaled
ZLIB_LEVEL = 1  # the fastest; on BBC articles its ratios correlate 0.99 with the default level

TOP_NGRAM_SIZES = (2, 3, 4)
DUPLICATE_NGRAM_SIZES = (5, 7, 10)
LOOP_MAX_PERIOD_WORDS = 4  # "very very very", "bass banana bass banana bass banana"
CHAR_RUN_MIN_CHARS = 10  # "MMMMMMMMMM", "zzzzzzzzzzzz": one letter or digit held down

NEAR_DUPLICATE_MIN_WORDS = 6  # shorter sentences ("Read more here.") repeat by nature
# A pasted passage is a run of sentences of this many words or more: shorter ones ("Photo:
# AP.", "1 cup sugar") repeat on honest pages. One such sentence alone counts from the
# second size: a one-sentence body pasted twice is a paste, and on human pages of every
# corpus no repeated sentence of 30 words or more is a pasted-twice tell (as a caption or
# teaser repeating the lede is a small share of its page).
PASSAGE_MIN_SENTENCE_WORDS = 4
PASSAGE_LONE_SENTENCE_WORDS = 30
PASSAGE_MAX_COPIES = 8
PASSAGE_MAX_OPEN_RUNS = 4 * PASSAGE_MAX_COPIES
NEAR_DUPLICATE_MIN_CONTENT_WORDS = 3
# Spinning swaps synonyms and reorders clauses, which breaks word shingles: on pairs of LLM
# rewrites of one text, 3-word shingles at Jaccard 0.5 flagged 6% of texts, content-word sets
# at 0.4 flagged 76%, against 3% of BBC articles.
NEAR_DUPLICATE_JACCARD = 0.4
# A word as common as "said" would make every sentence a candidate of every other;
# remembering only the first few sentences that hold a word keeps the search near-linear.
MAX_SENTENCES_PER_WORD = 8
CANDIDATES_CHECKED = 4

# Cosines between bags of fewer content words than this are noise, so they count as 0.
MIN_PART_CONTENT_WORDS = 15
HEADING_MAX_WORDS = 12
MAX_SECTIONS = 8

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
# Possessive: a megabyte of one letter must not leave a backtracking entry per character.
_CHAR_RUN = re.compile(rf"([^\W_])\1{{{CHAR_RUN_MIN_CHARS - 1},}}+")
# A line that reads as a heading does not end like a sentence or a clause.
_SENTENCE_LIKE_END = frozenset(".!,;:…\"'”’»)")
_STOP_WORDS = ENGLISH_STOP_WORDS | {w.replace("'", "’") for w in ENGLISH_STOP_WORDS}
_BLANK_STOP_WORDS = dict.fromkeys(_STOP_WORDS, "")  # .get(word, word): "" for a stop word

_WORD_SHARE = "fraction of word characters"

FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec(
        "repetition_duplicate_line_fraction",
        "fraction of lines",
        "Non-blank lines identical to an earlier line, over all non-blank lines (Gopher).",
        "Pages padded by pasting the same lines again repeat them exactly; edited articles "
        "rarely repeat a whole line.",
        title="Repeated lines",
    ),
    FeatureSpec(
        "repetition_duplicate_line_char_fraction",
        "fraction of line characters",
        "Characters in lines identical to an earlier line, over the characters of all "
        "non-blank lines (Gopher).",
        "Weighs repeated lines by length, so a repeated short 'Share' button counts less than "
        "a repeated paragraph.",
        title="Text in repeated lines",
    ),
    FeatureSpec(
        "repetition_duplicate_paragraph_fraction",
        "fraction of paragraphs",
        "Blank-line separated paragraphs identical to an earlier one, over all paragraphs "
        "(Gopher); a text without blank lines is one paragraph.",
        "A farm page assembled from snippets repeats whole paragraphs; a reported article "
        "says each thing once.",
        title="Repeated paragraphs",
    ),
    FeatureSpec(
        "repetition_duplicate_paragraph_char_fraction",
        "fraction of paragraph characters",
        "Characters in paragraphs identical to an earlier one, over the characters of all "
        "paragraphs (Gopher).",
        "The share of the page's bulk that is pasted twice.",
        title="Text in repeated paragraphs",
    ),
    *(
        FeatureSpec(
            f"repetition_top_{n}gram_char_fraction",
            _WORD_SHARE,
            f"Over distinct lines: word characters covered by the most frequent repeated word "
            f"{n}-gram (case-folded, within a line), over all word characters (Gopher).",
            "Spun filler leans on one stock phrase again and again; prose that moves on "
            "spreads its wording.",
            title=f"Most repeated {n}-word phrase",
        )
        for n in TOP_NGRAM_SIZES
    ),
    *(
        FeatureSpec(
            f"repetition_duplicate_{n}gram_char_fraction",
            _WORD_SHARE,
            f"Word characters covered by word {n}-grams that occur more than once (within "
            f"lines; a line of fewer words counts whole), over all word characters (Gopher).",
            "Rewrites of one source reuse long word sequences verbatim; independent "
            "sentences almost never share them.",
            title=f"Text in repeated {n}-word runs",
        )
        for n in DUPLICATE_NGRAM_SIZES
    ),
    FeatureSpec(
        "repetition_near_duplicate_sentence_fraction",
        "fraction of sentences of 6+ words",
        "Sentences of at least 6 words (3 content words) whose set of content words has "
        "Jaccard similarity >= 0.4 with some earlier sentence's (exact copies included).",
        "A page made of two spun write-ups of one tweet restates its sentences with a word "
        "or two changed; reporting does not.",
        title="Sentences that restate earlier ones",
    ),
    FeatureSpec(
        "repetition_halves_content_cosine",
        "cosine similarity (0-1)",
        "Cosine between the log-scaled content-word counts (stop words removed) of the first "
        "and second half of the distinct lines; 0 when a half has under 15 content words.",
        "The same story told twice puts the same names and nouns in both halves; a news "
        "article that develops its story brings new ones.",
        title="Second half retells the first",
    ),
    FeatureSpec(
        "repetition_max_section_content_cosine",
        "cosine similarity (0-1)",
        "Largest content-word cosine between two sections of the distinct lines, split at "
        "heading-like lines (if 3+ sections), else at line breaks, else in thirds; sections "
        "under 15 content words join the one before.",
        "Farm pages retell their opening under a later heading ('Final Thoughts'); sections "
        "of a real article cover different ground.",
        title="Sections that tell the same story",
    ),
    FeatureSpec(
        "repetition_loop_char_fraction",
        _WORD_SHARE,
        "Word characters in loops (a unit of 1-4 words repeated 3+ times in a row within a "
        "line, or one letter or digit repeated 10+ times), over distinct lines' word "
        "characters.",
        "Degenerate generation and keyword stuffing loop; edited text almost never does.",
        title="Words repeated in a loop",
    ),
    FeatureSpec(
        "repetition_zlib_compression_ratio",
        "raw bytes per compressed byte",
        "UTF-8 bytes of all non-blank lines over the raw-deflate bytes of the distinct lines "
        "(first occurrences); past 64 KB of distinct text the compressed size is "
        "extrapolated from a 64 KB sample.",
        "Repetitive spam compresses well (Ntoulas et al.); counting repeated lines as free "
        "keeps copies beyond deflate's 32 KB window visible.",
        title="How well the text compresses",
    ),
    FeatureSpec(
        "repetition_repeated_passage_word_count",
        "words",
        "Words in the longest passage pasted again verbatim: a run of 2+ consecutive sentences "
        "(each of 4+ words), or one sentence of 60+ words, that occurs earlier in the same "
        "order. Case ignored.",
        "A body pasted twice is a page nobody read before it went out. Smaller repeats also "
        "occur on honest pages (a caption or teaser repeating the lede, a pull quote, a "
        "footer printed twice), which the share below tells apart.",
        title="Passage pasted twice",
    ),
    FeatureSpec(
        "repetition_repeated_sentence_word_fraction",
        "fraction of words",
        "Words in sentences that repeat an earlier sentence verbatim (case ignored), over the "
        "page's words.",
        "A body pasted twice is half the page; captions, teasers and pull quotes are a small "
        "share of an honest page.",
        title="Share of the page said again word for word",
    ),
)

# The forms of one measure, explained to a reader as one reason (`Measure`).
MEASURES: tuple[Measure, ...] = (
    Measure(
        "repetition_repeated_lines",
        "Repeated lines",
        ("repetition_duplicate_line_fraction", "repetition_duplicate_line_char_fraction"),
    ),
    Measure(
        "repetition_repeated_paragraphs",
        "Repeated paragraphs",
        (
            "repetition_duplicate_paragraph_fraction",
            "repetition_duplicate_paragraph_char_fraction",
        ),
    ),
    Measure(
        "repetition_top_phrases",
        "Most repeated phrases",
        (
            "repetition_top_2gram_char_fraction",
            "repetition_top_3gram_char_fraction",
            "repetition_top_4gram_char_fraction",
        ),
    ),
    Measure(
        "repetition_repeated_runs",
        "Text in repeated word runs",
        (
            "repetition_duplicate_5gram_char_fraction",
            "repetition_duplicate_7gram_char_fraction",
            "repetition_duplicate_10gram_char_fraction",
        ),
    ),
    Measure(
        "repetition_story_retold",
        "The story told again",
        ("repetition_halves_content_cosine", "repetition_max_section_content_cosine"),
    ),
    Measure(
        "repetition_pasted_again",
        "Text pasted again",
        (
            "repetition_repeated_passage_word_count",
            "repetition_repeated_sentence_word_fraction",
        ),
    ),
)

_NAMES = tuple(spec.name for spec in FEATURES)
_LINE_COUNT, _LINE_CHARS, _PARA_COUNT, _PARA_CHARS = _NAMES[:4]
_NEAR_DUPLICATE, _HALVES, _SECTIONS, _LOOPS, _ZLIB, _PASSAGE, _REPEATED_SHARE = _NAMES[-7:]


def _top_name(n: int) -> str:
    return f"repetition_top_{n}gram_char_fraction"


def _duplicate_name(n: int) -> str:
    return f"repetition_duplicate_{n}gram_char_fraction"


class _Line(NamedTuple):
    """A distinct line: its span, the [first, end) indices of its words, and how many times
    its text occurs among the analysed lines."""

    span: Span
    words: tuple[int, int]
    occurrences: int


@dataclass(frozen=True, slots=True)
class _Words:
    """Per-word lists every measure shares, computed once per text."""

    chars: list[int]
    content: list[str]  # the case-folded word when it is not a stop word, else ""


def _words(doc: AnalyzedText) -> _Words:
    return _Words(
        chars=list(map(sub, map(itemgetter(1), doc.word_spans), doc.word_starts)),
        content=list(map(_BLANK_STOP_WORDS.get, doc.words_lower, doc.words_lower)),
    )


@dataclass(frozen=True, slots=True)
class _Tokens:
    """Case-folded words of some lines, each line closed by a marker unique to it, so that
    no n-gram crossing a line break can repeat."""

    words: list[str]
    word_index: list[int]  # index into the text's words; -1 for a line's closing marker
    lengths: list[int]  # characters of each word; 0 for a marker
    char_prefix: list[int]  # char_prefix[i] = word characters before position i
    line_bounds: list[tuple[int, int]]  # [start, end) positions of each line's words

    def chars(self, start: int, end: int) -> int:
        return self.char_prefix[end] - self.char_prefix[start]

    @property
    def total_chars(self) -> int:
        return self.char_prefix[-1]


def _tokens(doc: AnalyzedText, words: _Words, lines: list[_Line]) -> _Tokens:
    words_lower = doc.words_lower
    tokens: list[str] = []
    word_index: list[int] = []
    lengths: list[int] = []
    line_bounds: list[tuple[int, int]] = []
    for line_number, (_, (first, end), _) in enumerate(lines):
        line_bounds.append((len(tokens), len(tokens) + end - first))
        tokens.extend(words_lower[first:end])
        tokens.append(f"\x00{line_number}")  # words never hold NUL
        word_index.extend(range(first, end))
        word_index.append(-1)
        lengths.extend(words.chars[first:end])
        lengths.append(0)
    prefix = list(accumulate(lengths, initial=0))
    return _Tokens(tokens, word_index, lengths, prefix, line_bounds)


# For each n, the n-grams that occur twice or more: their start positions (ascending) and,
# for each, the position where that n-gram first occurs, which serves as its id.
_Repeated = dict[int, tuple[list[int], list[int]]]


def _repeats(keys: Iterable[Hashable], positions: Sequence[int]) -> tuple[list[int], list[int]]:
    """Of the keys found at `positions` (one each), those found more than once: their
    positions and, for each, the position of the key's first occurrence."""
    first: dict[Hashable, int] = {}
    firsts = list(map(first.setdefault, keys, count()))  # index of each key's first occurrence
    if len(first) == len(firsts):
        return [], []
    later = list(compress(count(), map(ne, firsts, count())))
    repeated = sorted({*later, *map(firsts.__getitem__, later)})
    starts = list(map(positions.__getitem__, repeated))
    return starts, list(map(positions.__getitem__, map(firsts.__getitem__, repeated)))


def _repeated_ngrams(tokens: list[str], sizes: range) -> _Repeated:
    """The repeated n-grams of `tokens` for each n in `sizes` (from 2, consecutive).

    Only bigrams are counted over the whole sequence. An n-gram is the pair of (n-1)-grams at
    its start and one word on, and repeats only where both of those repeat, so each larger
    size looks only there, naming (n-1)-grams by their ids.
    """
    starts, ids = _repeats(pairwise(tokens), range(len(tokens) - 1))
    result: _Repeated = {2: (starts, ids)}
    for n in sizes[1:]:
        id_at = dict(zip(starts, ids, strict=True))
        candidates = [start for start in starts if start + 1 in id_at]
        keys = [(id_at[start], id_at[start + 1]) for start in candidates]
        starts, ids = _repeats(keys, candidates)
        result[n] = (starts, ids)
    return result


def _merged(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted intervals with overlapping or touching ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _seq_span(doc: AnalyzedText, tokens: _Tokens, start: int, end: int) -> Span:
    """Character span of the words at token positions [start, end)."""
    indices = [i for i in tokens.word_index[start:end] if i >= 0]
    return doc.word_spans[indices[0]][0], doc.word_spans[indices[-1]][1]


def _duplicate_units(
    doc: AnalyzedText,
    spans: Sequence[Span],
    count_feature: str,
    char_feature: str,
    unit: str,
    evidence: EvidenceCollector,
) -> dict[str, float]:
    """Gopher's duplicate fractions for one kind of unit: every occurrence after the first."""
    first_seen: dict[str, int] = {}
    duplicates = duplicate_chars = total_chars = 0
    for start, end in spans:
        total_chars += end - start
        earlier = first_seen.setdefault(doc.text[start:end], start)
        if earlier != start:
            duplicates += 1
            duplicate_chars += end - start
            evidence.add(count_feature, start, end, f"repeats the {unit} at char {earlier}")
    return {
        count_feature: safe_ratio(duplicates, len(spans)),
        char_feature: safe_ratio(duplicate_chars, total_chars),
    }


def _paragraph_spans(doc: AnalyzedText) -> list[Span]:
    """Blank-line separated blocks; a text without a blank line is one block. (Unlike
    `doc.paragraphs`, which falls back to lines, so that appending a paragraph cannot turn
    repeated lines into unrepeated paragraphs.)"""
    if _BLANK_LINE.search(doc.text):
        return doc.paragraphs
    text = doc.text
    start, end = len(text) - len(text.lstrip()), len(text.rstrip())
    return [(start, end)] if start < end else []


def _analysed(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Whole lines up to MAX_ANALYSED_WORDS words (a longer first line is cut)."""
    kept = [r for r in ranges if r[1] <= MAX_ANALYSED_WORDS]
    if not kept and ranges:
        first, end = ranges[0]
        kept = [(first, min(end, first + MAX_ANALYSED_WORDS))]
    return kept


def _top_ngram_fractions(
    doc: AnalyzedText, tokens: _Tokens, repeated: _Repeated, evidence: EvidenceCollector
) -> dict[str, float]:
    values: dict[str, float] = {}
    for n in TOP_NGRAM_SIZES:
        name = _top_name(n)
        starts, ids = repeated[n]
        if not starts:
            values[name] = 0.0
            continue
        counts = Counter(ids)
        top_count = max(counts.values())
        # Ties go to the n-gram of longer words, then to the first seen: a stable choice.
        top = max(
            sorted(ngram for ngram, number in counts.items() if number == top_count),
            key=lambda first: tokens.chars(first, first + n),
        )
        occurrences = [start for start, ngram in zip(starts, ids, strict=True) if ngram == top]
        covered = _merged((start, start + n) for start in occurrences)
        values[name] = safe_ratio(sum(tokens.chars(a, b) for a, b in covered), tokens.total_chars)
        phrase = _shortened(" ".join(tokens.words[top : top + n]))
        for start in occurrences:
            span = _seq_span(doc, tokens, start, start + n)
            evidence.add(name, *span, f"'{phrase}' occurs {top_count} times")
    return values


def _shortened(phrase: str, limit: int = 60) -> str:
    """A phrase short enough for an evidence note (a "word" of unspaced script can be long)."""
    return phrase if len(phrase) <= limit else phrase[: limit - 1] + "…"


def _duplicate_ngram_fractions(
    doc: AnalyzedText,
    tokens: _Tokens,
    repeated: _Repeated,
    lines: list[_Line],
    evidence: EvidenceCollector,
) -> dict[str, float]:
    """Gopher's duplicated n-gram shares over all analysed lines, computed from the distinct
    ones: a position in a line that occurs once has an n-gram repeated among all lines exactly
    when it is repeated among the distinct lines, and every word of a repeated line is in a
    repeated n-gram, or, in a line shorter than n, counts whole (so that a pasted copy of a
    short paragraph cannot lower the share)."""
    longest = max(DUPLICATE_NGRAM_SIZES)
    short_keys = [
        tuple(doc.words_lower[first:end]) if end - first < longest else ()
        for _, (first, end), _ in lines
    ]
    key_occurrences: Counter[tuple[str, ...]] = Counter()
    for key, line in zip(short_keys, lines, strict=True):
        key_occurrences[key] += line.occurrences
    copies_chars = sum(
        (line.occurrences - 1) * tokens.chars(*bounds)
        for line, bounds in zip(lines, tokens.line_bounds, strict=True)
    )
    total_chars = tokens.total_chars + copies_chars
    values: dict[str, float] = {}
    for n in DUPLICATE_NGRAM_SIZES:
        name = _duplicate_name(n)
        in_ngrams = _merged((start, start + n) for start in repeated[n][0])
        for a, b in in_ngrams:
            span = _seq_span(doc, tokens, a, b)
            evidence.add(name, *span, f"in a {n}-word sequence that occurs more than once")
        whole_lines = [
            bounds
            for line, key, bounds in zip(lines, short_keys, tokens.line_bounds, strict=True)
            if line.occurrences > 1 or (0 < len(key) < n and key_occurrences[key] > 1)
        ]
        covered = _merged([*in_ngrams, *whole_lines])
        chars = sum(tokens.chars(a, b) for a, b in covered) + copies_chars
        values[name] = min(1.0, safe_ratio(chars, total_chars))
    return values


def _loop_fraction(
    doc: AnalyzedText, tokens: _Tokens, repeated: _Repeated, evidence: EvidenceCollector
) -> float:
    # A unit of p words repeated 3+ times in a row is exactly a 2p-gram that recurs p words on.
    loops: list[tuple[int, int]] = []
    words = tokens.words
    for period in range(1, LOOP_MAX_PERIOD_WORDS + 1):
        starts, ids = repeated[2 * period]
        if period == 1:  # most repeated bigrams are not "w w": drop those first, in C
            nexts = map(words.__getitem__, map(add, starts, repeat(1)))
            doubled = list(map(eq, map(words.__getitem__, starts), nexts))
            starts, ids = list(compress(starts, doubled)), list(compress(ids, doubled))
        id_at = dict(zip(starts, ids, strict=True))
        loops.extend(
            (start, start + 3 * period)
            for start, ngram in id_at.items()
            if id_at.get(start + period) == ngram
        )
    covered = _merged(loops)
    loop_chars = sum(tokens.chars(a, b) for a, b in covered)
    for a, b in covered:
        evidence.add(_LOOPS, *_seq_span(doc, tokens, a, b), "words repeated 3+ times in a row")

    in_word_loop = {tokens.word_index[i] for a, b in covered for i in range(a, b)}
    long_words = map(le, repeat(CHAR_RUN_MIN_CHARS), tokens.lengths)
    for index in compress(tokens.word_index, long_words):
        start, end = doc.word_spans[index]
        # A run of 10 equal characters leaves room for at most len - 9 distinct ones.
        room = end - start - (CHAR_RUN_MIN_CHARS - 1)
        if index in in_word_loop or len(set(doc.text[start:end])) > room:
            continue
        for match in _CHAR_RUN.finditer(doc.text, start, end):
            loop_chars += match.end() - match.start()
            evidence.add(_LOOPS, *match.span(), "one character repeated")
    return min(1.0, safe_ratio(loop_chars, tokens.total_chars))


def _near_duplicate_sentence_fraction(
    doc: AnalyzedText, words: _Words, evidence: EvidenceCollector
) -> float:
    words_lower = doc.words_lower
    earlier_copy: dict[tuple[str, ...], int] = {}
    postings: dict[str, list[int]] = {}
    word_sets: list[set[str]] = []
    sentence_starts: list[int] = []
    eligible = near = 0
    for (start, end), (first, low) in zip(doc.sentences, doc.sentence_word_ranges, strict=True):
        if low > MAX_ANALYSED_WORDS:
            break
        if low - first < NEAR_DUPLICATE_MIN_WORDS:
            continue
        # In text order, not a set's: which earlier sentences become candidates, and so the
        # value, must not depend on the process's string hash seed.
        in_order = dict.fromkeys(words.content[first:low])
        in_order.pop("", None)
        if len(in_order) < NEAR_DUPLICATE_MIN_CONTENT_WORDS:
            continue
        eligible += 1
        copied = earlier_copy.setdefault(tuple(words_lower[first:low]), start)
        if copied != start:
            near += 1
            evidence.add(_NEAR_DUPLICATE, start, end, f"repeats the sentence at char {copied}")
            continue
        sentence_id = len(word_sets)
        shared: list[list[int]] = []
        for word in in_order:
            holders = postings.get(word)
            if holders is None:
                postings[word] = [sentence_id]
            else:
                shared.append(holders)
                if len(holders) < MAX_SENTENCES_PER_WORD:
                    holders.append(sentence_id)
        content = set(in_order)
        word_sets.append(content)
        sentence_starts.append(start)
        # Only words seen before can be shared, so too few of them rule out every candidate.
        if len(shared) >= NEAR_DUPLICATE_JACCARD * len(content):
            hits = Counter(chain.from_iterable(shared))
            hits.pop(sentence_id, None)
            for candidate in sorted(hits, key=hits.__getitem__, reverse=True)[:CANDIDATES_CHECKED]:
                other = word_sets[candidate]
                overlap = len(content & other)
                jaccard = overlap / (len(content) + len(other) - overlap)
                if jaccard >= NEAR_DUPLICATE_JACCARD:
                    near += 1
                    note = (
                        f"shares {jaccard:.0%} of its content words with the sentence at "
                        f"char {sentence_starts[candidate]}"
                    )
                    evidence.add(_NEAR_DUPLICATE, start, end, note)
                    break
    return safe_ratio(near, eligible)


def _unit_rows(counts: NDArray[np.int64]) -> NDArray[np.float64]:
    """Rows of word counts as log-scaled, unit-length vectors: a name said ten times should
    not outweigh ten shared nouns."""
    weights = np.log(np.maximum(counts, 1)) + (counts > 0)  # 1 + ln(count), 0 when absent
    norms = np.sqrt(np.einsum("ij,ij->i", weights, weights))
    norms[norms == 0.0] = 1.0
    unit: NDArray[np.float64] = weights / norms[:, np.newaxis]
    return unit


def _bags(ids: NDArray[np.int64], bounds: Sequence[tuple[int, int]]) -> NDArray[np.float64]:
    size = int(ids.max()) + 1
    counts = np.stack([np.bincount(ids[a:b], minlength=size) for a, b in bounds])
    return _unit_rows(counts)


def _is_heading(doc: AnalyzedText, span: Span, n_words: int) -> bool:
    return 0 < n_words <= HEADING_MAX_WORDS and doc.text[span[1] - 1] not in _SENTENCE_LIKE_END


def _sections_at(cuts: Iterable[int], n_content: int) -> list[tuple[int, int]]:
    """Content-word ranges between cut points, each section under MIN_PART_CONTENT_WORDS
    merged into the one before, and neighbours merged pairwise until MAX_SECTIONS remain."""
    sections: list[tuple[int, int]] = []
    for a, b in pairwise(sorted({0, *cuts, n_content})):
        if sections and sections[-1][1] - sections[-1][0] < MIN_PART_CONTENT_WORDS:
            sections[-1] = (sections[-1][0], b)
        else:
            sections.append((a, b))
    if len(sections) > 1 and sections[-1][1] - sections[-1][0] < MIN_PART_CONTENT_WORDS:
        last = sections.pop()
        sections[-1] = (sections[-1][0], last[1])
    while len(sections) > MAX_SECTIONS:
        paired = [(a[0], b[1]) for a, b in zip(sections[::2], sections[1::2], strict=False)]
        sections = paired + ([sections[-1]] if len(sections) % 2 else [])
    return sections


def _section_bounds(
    heading_starts: list[int], line_starts: list[int], n_content: int
) -> list[tuple[int, int]]:
    """Sections begun at headings when there are three or more; else at line breaks when there
    are two or more; else thirds. On texts without headings, line-break sections told pairs
    of LLM rewrites from BBC articles better than thirds did (ROC AUC 0.86 against 0.75)."""
    by_heading = _sections_at(heading_starts, n_content)
    if len(by_heading) >= 3:
        return by_heading
    by_line = _sections_at(line_starts, n_content)
    if len(by_line) >= 2:
        return by_line
    if n_content < 3 * MIN_PART_CONTENT_WORDS:
        return []
    third = n_content // 3
    return [(0, third), (third, 2 * third), (2 * third, n_content)]


def _content_word_span(
    doc: AnalyzedText,
    words: _Words,
    distinct: list[_Line],
    line_starts: list[int],
    position: int,
) -> Span:
    """Character span of the content word at `position` of the distinct lines' content."""
    line = bisect_right(line_starts, position) - 1
    first, end = distinct[line].words
    in_line = [i for i in range(first, end) if words.content[i]]
    return doc.word_spans[in_line[position - line_starts[line]]]


def _section_start(
    doc: AnalyzedText,
    words: _Words,
    distinct: list[_Line],
    line_starts: list[int],
    position: int,
) -> int:
    """Where a section beginning at content word `position` starts: at its first line when
    it begins one (a heading's stop words included), else at that word."""
    line = bisect_left(line_starts, position)
    if line < len(line_starts) and line_starts[line] == position:
        return distinct[line].span[0]
    return _content_word_span(doc, words, distinct, line_starts, position)[0]


def _story_told_twice(
    doc: AnalyzedText,
    words: _Words,
    distinct: list[_Line],
    evidence: EvidenceCollector,
) -> dict[str, float]:
    content: list[str] = []  # content words of the distinct lines, in order
    line_starts: list[int] = []  # where each distinct line's content words begin
    heading_starts: list[int] = []
    for span, (first, end), _ in distinct:
        line_starts.append(len(content))
        if _is_heading(doc, span, end - first):
            heading_starts.append(len(content))
        content.extend(filter(None, words.content[first:end]))
    n = len(content)
    half = n // 2
    if half < MIN_PART_CONTENT_WORDS:
        return {_HALVES: 0.0, _SECTIONS: 0.0}
    vocabulary: dict[str, int] = {}
    ids = np.array(list(map(vocabulary.setdefault, content, count())), dtype=np.int64)
    sections = _section_bounds(heading_starts, line_starts, n)
    bags = _bags(ids, [(0, half), (half, n), *sections])
    halves = min(1.0, float(bags[0] @ bags[1]))
    if not sections:
        return {_HALVES: halves, _SECTIONS: 0.0}
    similarity = np.triu(bags[2:] @ bags[2:].T, k=1)
    earlier, later = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
    best = min(1.0, float(similarity[earlier, later]))
    if best > 0.0:
        (earlier_start, _), (start, end) = sections[int(earlier)], sections[int(later)]
        span_start = _section_start(doc, words, distinct, line_starts, start)
        _, span_end = _content_word_span(doc, words, distinct, line_starts, end - 1)
        earlier_char = _section_start(doc, words, distinct, line_starts, earlier_start)
        note = f"cosine {best:.2f} with the section at char {earlier_char}"
        evidence.add(_SECTIONS, span_start, span_end, note)
    return {_HALVES: halves, _SECTIONS: best}


@dataclass(slots=True)
class _PastedRun:
    """A run of consecutive sentences repeating an earlier run at a fixed distance back."""

    start: int  # first sentence of the copy
    end: int  # one past its last sentence
    words: int
    full_sentences: int  # of `PASSAGE_MIN_SENTENCE_WORDS` words or more
    distance: int  # sentences back to the earlier copy


def _pasted_runs(doc: AnalyzedText, keys: list[tuple[str, ...]]) -> list[_PastedRun]:
    """Every run of consecutive sentences (short ones included, so that "Photo: AP." does not
    cut a run in two) that repeats an earlier run in the same order. A run starts at a
    sentence said before, at the distance back of each of its last `PASSAGE_MAX_COPIES`
    copies, and goes on while the sentence that distance back is the same: a body pasted
    again stays one run even where it repeats a line many times itself. At most
    `PASSAGE_MAX_OPEN_RUNS` runs are followed at once, so a line repeated a thousand times
    stays linear. `keys` are the sentences' `_sentence_keys`."""
    seen: dict[tuple[str, ...], list[int]] = {}
    open_runs: dict[int, _PastedRun] = {}  # distance back -> run ending at the last sentence
    finished: list[_PastedRun] = []
    for index, ((first, end), key) in enumerate(zip(doc.sentence_word_ranges, keys, strict=True)):
        length = end - first
        full = int(length >= PASSAGE_MIN_SENTENCE_WORDS)
        continuing: dict[int, _PastedRun] = {}
        if key != ("",):
            for distance, run in open_runs.items():
                if keys[index - distance] == key:
                    continuing[distance] = run
            earlier = seen.setdefault(key, [])
            for copy in earlier[-PASSAGE_MAX_COPIES:]:
                if index - copy not in continuing:
                    continuing[index - copy] = _PastedRun(index, index, 0, 0, index - copy)
            earlier.append(index)
        for run in continuing.values():
            run.end, run.words, run.full_sentences = (
                index + 1,
                run.words + length,
                run.full_sentences + full,
            )
        finished.extend(run for distance, run in open_runs.items() if distance not in continuing)
        if len(continuing) > PASSAGE_MAX_OPEN_RUNS:
            ranked = sorted(continuing.values(), key=lambda run: run.words, reverse=True)
            finished.extend(ranked[PASSAGE_MAX_OPEN_RUNS:])
            continuing = {run.distance: run for run in ranked[:PASSAGE_MAX_OPEN_RUNS]}
        open_runs = continuing
    finished.extend(open_runs.values())
    return finished


def _repeated_passage(doc: AnalyzedText, evidence: EvidenceCollector) -> tuple[float, float]:
    """Words in the longest passage pasted again (a run of two or more sentences, or one long
    sentence, repeating an earlier run in the same order), with both copies as evidence, and
    the share of the page's words in sentences said again."""
    keys = _sentence_keys(doc)
    if len(set(keys)) == len(keys):
        return 0.0, 0.0  # no sentence is said twice: most pages, at the cost of one set
    best: _PastedRun | None = None
    for run in _pasted_runs(doc, keys):
        if run.full_sentences < 2 and run.words < PASSAGE_LONE_SENTENCE_WORDS:
            continue
        if best is None or run.words > best.words:
            best = run
    repeated_share = safe_ratio(_repeated_sentence_words(doc, keys), doc.n_words)
    if best is None:
        return 0.0, repeated_share
    sentences = doc.sentences
    original = (
        sentences[best.start - best.distance][0],
        sentences[best.end - 1 - best.distance][1],
    )
    pasted = (sentences[best.start][0], sentences[best.end - 1][1])
    evidence.add(_PASSAGE, *original, f"{best.words} words pasted again at char {pasted[0]}")
    evidence.add(_PASSAGE, *pasted, f"repeats the {best.words} words at char {original[0]}")
    return float(best.words), repeated_share


def _repeated_sentence_words(doc: AnalyzedText, keys: list[tuple[str, ...]]) -> int:
    """Words in sentences equal to an earlier sentence (`keys` are their `_sentence_keys`)."""
    seen: set[tuple[str, ...]] = set()
    repeated = 0
    for (first, end), key in zip(doc.sentence_word_ranges, keys, strict=True):
        if key in seen:
            repeated += end - first
        else:
            seen.add(key)
    return repeated


def _sentence_keys(doc: AnalyzedText) -> list[tuple[str, ...]]:
    """Each sentence's lowercase words. A sentence without words ("***", "2.", an emoji) is
    keyed by its characters, so that it carries a pasted run across rather than cutting a
    pasted body in two; it adds no words where words are counted."""
    words = doc.words_lower
    text = doc.text
    return [
        tuple(words[first:end]) or (text[start:stop].strip(),)
        for (first, end), (start, stop) in zip(doc.sentence_word_ranges, doc.sentences, strict=True)
    ]


def _zlib_ratio(lines: list[str]) -> float:
    data = "\n".join(dict.fromkeys(lines)).encode("utf-8", "surrogatepass")  # first occurrences
    if not data:
        return 0.0
    raw_bytes = len("\n".join(lines).encode("utf-8", "surrogatepass"))
    sample = data[:ZLIB_SAMPLE_BYTES]
    compressor = zlib.compressobj(ZLIB_LEVEL, zlib.DEFLATED, -15)  # raw deflate: no header
    compressed = len(compressor.compress(sample)) + len(compressor.flush())
    return raw_bytes / (compressed * len(data) / len(sample))


def extract(doc: AnalyzedText) -> FamilyResult:
    """Repetition features of one text, each in [0, 1] except the compression ratio (>= 0).

    >>> from farmscore.features.text import AnalyzedText
    >>> result = extract(AnalyzedText("Share this.\\nGood story here.\\nShare this."))
    >>> round(result.values["repetition_duplicate_line_fraction"], 3)
    0.333
    >>> result.evidence[0].note
    'repeats the line at char 0'
    """
    evidence = EvidenceCollector()
    values: dict[str, float] = {}
    values.update(_duplicate_units(doc, doc.lines, _LINE_COUNT, _LINE_CHARS, "line", evidence))
    paragraphs = _paragraph_spans(doc)
    values.update(
        _duplicate_units(doc, paragraphs, _PARA_COUNT, _PARA_CHARS, "paragraph", evidence)
    )

    text = doc.text
    line_texts = [text[start:end] for start, end in doc.lines]
    words = _words(doc)
    ranges = _analysed(doc.line_word_ranges)
    occurrences = Counter(line_texts[: len(ranges)])
    seen: set[str] = set()
    distinct: list[_Line] = []
    for span, line_range, line in zip(doc.lines, ranges, line_texts, strict=False):
        if line not in seen:
            seen.add(line)
            distinct.append(_Line(span, line_range, occurrences[line]))

    tokens = _tokens(doc, words, distinct)
    # Sizes 2-4 for top n-grams, 5-10 for duplicated ones, 2p for loops of p words.
    repeated = _repeated_ngrams(tokens.words, range(2, 11))
    values.update(_top_ngram_fractions(doc, tokens, repeated, evidence))
    values.update(_duplicate_ngram_fractions(doc, tokens, repeated, distinct, evidence))
    values[_NEAR_DUPLICATE] = _near_duplicate_sentence_fraction(doc, words, evidence)
    values.update(_story_told_twice(doc, words, distinct, evidence))
    values[_LOOPS] = _loop_fraction(doc, tokens, repeated, evidence)
    values[_ZLIB] = _zlib_ratio(line_texts)
    values[_PASSAGE], values[_REPEATED_SHARE] = _repeated_passage(doc, evidence)
    return FamilyResult({name: float(values[name]) for name in _NAMES}, evidence.spans)
