"""One pass of tokenisation shared by every feature family.

Every pattern here is linear: no nested quantifiers over the same characters, so a 5 MB line
or a megabyte of one character costs time in proportion to its length.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from functools import cached_property
from operator import itemgetter
from typing import TYPE_CHECKING

from farmscore.words import WORD_PATTERN

if TYPE_CHECKING:
    from farmscore.features.vocabulary import Vocabulary

Span = tuple[int, int]

_WORD = WORD_PATTERN
# A sentence ends at terminal punctuation (with closing quotes or brackets) before whitespace,
# or at a line break: headings and list items rarely carry a full stop. A match starts only at
# the first mark of a run (the look-behind comes after the first mark, so the regex engine
# can still skip ahead to candidate characters) and never gives back what it took: a run of
# 64,000 dots costs one scan, not one per dot.
_SENTENCE_END = re.compile(r"[.!?…](?<![.!?…][.!?…])[.!?…]*+[\"'”’)\]]*+(?=\s)|\n")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")

# A first line this short, without a closing full stop, reads as a title.
TITLE_MAX_WORDS = 25


def _stripped(text: str, start: int, end: int) -> Span | None:
    """The span without surrounding whitespace, or None when nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _split_spans(text: str, boundary: re.Pattern[str], keep_boundary: bool) -> list[Span]:
    spans: list[Span] = []
    start = 0
    for match in boundary.finditer(text):
        end = match.end() if keep_boundary else match.start()
        span = _stripped(text, start, end)
        if span:
            spans.append(span)
        start = match.end()
    span = _stripped(text, start, len(text))
    if span:
        spans.append(span)
    return spans


class AnalyzedText:
    """A text with its words, lines, paragraphs and sentences, each computed once on demand.

    All spans are (start, end) character offsets into `text`, end exclusive.

    >>> doc = AnalyzedText("Big News!\\n\\nThe mayor said 3 things. Then left.")
    >>> doc.words[:3]
    ['Big', 'News', 'The']
    >>> len(doc.sentences), len(doc.paragraphs)
    (3, 2)
    """

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def lower(self) -> str:
        return self.text.lower()

    @cached_property
    def lower_aligned(self) -> str:
        """The lowered text with offsets equal to the original's, so spans found in it carry
        over; the few characters that grow when lowered (İ) are kept as they are."""
        if len(self.lower) == len(self.text):
            return self.lower
        return "".join(c if len(c.lower()) != 1 else c.lower() for c in self.text)

    @cached_property
    def word_spans(self) -> list[Span]:
        return [m.span() for m in _WORD.finditer(self.text)]

    @cached_property
    def word_starts(self) -> list[int]:
        """Where each word starts: bisecting a character offset here gives a word index."""
        return list(map(itemgetter(0), self.word_spans))

    def word_ranges(self, spans: list[Span]) -> list[tuple[int, int]]:
        """For each of `spans` (in text order, not overlapping), the [first, end) indices of
        the words inside it."""
        starts = self.word_starts
        ranges: list[tuple[int, int]] = []
        low = 0
        for start, end in spans:
            first = bisect_left(starts, start, low)
            low = bisect_left(starts, end, first)
            ranges.append((first, low))
        return ranges

    @cached_property
    def line_word_ranges(self) -> list[tuple[int, int]]:
        """The [first, end) word indices of each line."""
        return self.word_ranges(self.lines)

    @cached_property
    def sentence_word_ranges(self) -> list[tuple[int, int]]:
        """The [first, end) word indices of each sentence."""
        return self.word_ranges(self.sentences)

    @cached_property
    def words(self) -> list[str]:
        text = self.text
        return [text[s:e] for s, e in self.word_spans]

    @cached_property
    def words_lower(self) -> list[str]:
        lower = self.lower
        # str.lower can change length for a few characters (İ); fall back to per-word lowering.
        if len(lower) != len(self.text):
            return [w.lower() for w in self.words]
        return [lower[s:e] for s, e in self.word_spans]

    @cached_property
    def word_counts(self) -> Counter[str]:
        """How often each lowercase word occurs."""
        return Counter(self.words_lower)

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """The distinct lowercase words with their counts and dictionary profiles."""
        # Imported here: the dictionaries' loaders import the readers, which import this module.
        from farmscore.features.vocabulary import Vocabulary

        return Vocabulary.of(self.word_counts)

    @cached_property
    def tell_lines(self) -> dict[str, list[Span]]:
        """The short lines the learned tell-line scorer finds, by kind of leaked text; read by
        the artifact and structure families alike, so scored once."""
        # Imported here: the scorer reads its lines through this module.
        from farmscore.features.tell_lines import find_tell_lines

        return find_tell_lines(self)

    @cached_property
    def whitespace_tokens(self) -> list[str]:
        """Runs of non-space characters (Gopher's and textstat's tokens, not words)."""
        return self.text.split()

    @cached_property
    def n_words(self) -> int:
        return len(self.word_spans)

    @cached_property
    def lines(self) -> list[Span]:
        """Non-blank lines, stripped."""
        return _split_spans(self.text, re.compile(r"\n"), keep_boundary=False)

    @cached_property
    def paragraphs(self) -> list[Span]:
        """Blocks separated by blank lines; a text without blank lines has one per line."""
        if _BLANK_LINE.search(self.text):
            return _split_spans(self.text, _BLANK_LINE, keep_boundary=False)
        return self.lines

    @cached_property
    def sentences(self) -> list[Span]:
        return _split_spans(self.text, _SENTENCE_END, keep_boundary=True)

    @cached_property
    def title(self) -> Span | None:
        """The first line when it reads as a title: short, followed by more text, and not
        ending in a full stop."""
        if len(self.lines) < 2:
            return None
        start, end = self.lines[0]
        first = self.text[start:end]
        if first.endswith(".") or len(_WORD.findall(first)) > TITLE_MAX_WORDS:
            return None
        return start, end

    def span_text(self, span: Span) -> str:
        return self.text[span[0] : span[1]]
