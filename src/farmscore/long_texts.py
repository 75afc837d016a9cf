"""Windows of a text too long to measure whole.

Measuring a text holds every word as a Python object several times over (spans, words,
lowered words, n-grams): about 150 bytes of memory per byte of text. A text within the 10 MB
document limit would take 1.5 GB. So a text over `WINDOW_CHARS` is measured in windows of
about equal size, cut where a paragraph, line, sentence or word ends, and a verdict is read
from each: memory follows the window, not the document. The longest training text is about
40,000 characters, so a window is still many articles long.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
from collections.abc import Callable
from dataclasses import replace
from functools import cache

from farmscore.model.verdict import LABEL_FARM
from farmscore.types import Evidence, Score

WINDOW_CHARS = 200_000
# A cut is sought this far back from where an even split would fall, so that no window is
# much shorter than the others (a short tail would be judged in another length band).
_CUT_SEARCH_SHARE = 0.25
# Where a window prefers to end, best first: a paragraph, a line, a sentence, a word.
_CUTS = ("\n\n", "\n", ". ", " ")

WARNING_WINDOWED = "scored_in_windows"


def window_spans(text: str, max_chars: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    """(start, end) offsets that cover `text` in order, each at most `max_chars` long and
    about equally long, ending after a paragraph break, line break, sentence or space where
    one falls near the even cut. A text within `max_chars` is one span.

    >>> text = "A first part.\\n\\nThe second part here."
    >>> [text[start:end] for start, end in window_spans(text, max_chars=22)]
    ['A first part.\\n\\n', 'The second part here.']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > max_chars:
        # An even share of what is left, so the windows after a short one catch up.
        left = len(text) - start
        even_end = start + math.ceil(left / math.ceil(left / max_chars))
        end = _cut_before(text, start, even_end)
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return spans


def _cut_before(text: str, start: int, limit: int) -> int:
    """The end of the last paragraph, line, sentence or word that ends close before
    `limit`; `limit` itself when none does (a run without spaces is cut where it must be)."""
    earliest = max(start + 1, limit - int((limit - start) * _CUT_SEARCH_SHARE))
    for cut in _CUTS:
        found = text.rfind(cut, earliest, limit)
        if found != -1:
            return found + len(cut)
    return limit


def shifted(score: Score, offset: int) -> Score:
    """`score` with every evidence span moved `offset` characters on: a window's spans made
    offsets into the whole text."""
    if offset == 0:
        return score
    return replace(
        score,
        reasons=tuple(
            replace(reason, evidence=shifted_evidence(reason.evidence, offset))
            for reason in score.reasons
        ),
    )


def shifted_evidence(spans: tuple[Evidence, ...], offset: int) -> tuple[Evidence, ...]:
    return tuple(replace(span, start=span.start + offset, end=span.end + offset) for span in spans)


def release_free_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc's `malloc_trim`; nothing where
    there is none). A window's millions of small objects are freed when it is done, but the
    heap keeps their pages: without this a process that met one long text stays that large."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    library = ctypes.util.find_library("c")
    if library is None:
        return None
    return getattr(ctypes.CDLL(library), "malloc_trim", None)


def most_farm_like(scores: list[Score]) -> int:
    """The index of the window that decides a long text: the first content-farm window with
    the highest score, or the highest-scoring window when none is."""
    return max(
        range(len(scores)),
        key=lambda i: (scores[i].label == LABEL_FARM, scores[i].score, -i),
    )


__all__ = [
    "WARNING_WINDOWED",
    "WINDOW_CHARS",
    "most_farm_like",
    "release_free_memory",
    "shifted",
    "shifted_evidence",
    "window_spans",
]
