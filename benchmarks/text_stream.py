"""Real texts of one kind handed out once each: whole, at their own lengths, or joined
paragraph-separated to an exact number of words.

datatrove caches its word splitting per text and textstat its counts per text (see
documents.py), so a text timed twice would time a cache lookup. A stream therefore never hands
out a text, or a piece of one, a second time; it raises `RealTextExhaustedError` instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

# Joined texts are separated the way paragraphs are, so each stays a paragraph of its own.
PARAGRAPH_BREAK = "\n\n"

_WORD = re.compile(r"\S+")


class RealTextExhaustedError(RuntimeError):
    """A stream has no text left to hand out."""


def word_count(text: str) -> int:
    """Whitespace-separated words, as the benchmark counts them everywhere."""
    return len(text.split())


def split_after_words(text: str, n_words: int) -> tuple[str, str]:
    """`text` cut after its `n_words`-th word: (the first n_words words, the rest), each
    without the whitespace at the cut."""
    end = 0
    for count, match in enumerate(_WORD.finditer(text), start=1):
        end = match.end()
        if count == n_words:
            break
    return text[:end], text[end:].strip()


class TextStream:
    """Hands out the texts of one kind in the order given, each at most once.

    A joined document that ends inside a text leaves the rest of it for the next joined
    document, so nothing is wasted; a whole-text draw skips such a rest ("seven eight"
    below), since it is not a text at its own length.

    >>> stream = TextStream("demo", ["one two three", "four five", "six seven eight"])
    >>> stream.joined(4)
    'one two three\\n\\nfour'
    >>> stream.joined(2)
    'five\\n\\nsix'
    >>> stream.whole(1)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    RealTextExhaustedError: demo: every text has been handed out once (3 texts) ...
    """

    def __init__(self, kind: str, texts: Sequence[str] | Iterator[str]) -> None:
        self.kind = kind
        # What a list of texts holds; None for an iterator, which may have no end.
        self.texts_available: int | None = None
        self.words_available: int | None = None
        if isinstance(texts, Sequence):
            self.texts_available = len(texts)
            self.words_available = sum(map(word_count, texts))
        self._texts: Iterator[str] = iter(texts)
        self._rest_of_cut_text = ""
        self.texts_started = 0

    def _next_text(self) -> str:
        for text in self._texts:
            if text.strip():
                self.texts_started += 1
                return text
        raise RealTextExhaustedError(
            f"{self.kind}: every text has been handed out once ({self.texts_started:,} texts); "
            "timing one again would time a cache lookup. Lower --repeats or the batch sizes "
            "in benchmarks/plan.py"
        )

    def whole(self, n_docs: int) -> list[str]:
        """The next `n_docs` texts as they are."""
        self._rest_of_cut_text = ""
        return [self._next_text() for _ in range(n_docs)]

    def joined(self, n_words: int) -> str:
        """One document of exactly `n_words` words: whole texts joined by blank lines, the
        last cut after the word that makes the count."""
        if n_words < 1:
            raise ValueError(f"a joined document needs at least one word, not {n_words}")
        parts: list[str] = []
        missing = n_words
        while missing:
            text, self._rest_of_cut_text = self._rest_of_cut_text or self._next_text(), ""
            words = word_count(text)
            if words > missing:
                text, self._rest_of_cut_text = split_after_words(text, missing)
                words = missing
            parts.append(text.strip())
            missing -= words
        return PARAGRAPH_BREAK.join(parts)
