"""Page bodies: a story's sentences regrouped into paragraphs of the target length, with
furniture placed between them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from farmscore.training.pages.filling import _RowPool
from farmscore.training.pages.sentences import _pick_distinct, _word_count
from farmscore.training.pages.settings import (
    LINE_ITEM_MAX_WORDS,
    LONG_SENTENCE_WORDS,
    PARAGRAPH_MAX_WORDS,
    PARAGRAPH_MIN_WORDS,
)


def _is_line_item(sentences: list[str]) -> bool:
    """A heading, list item or caption line: one short sentence standing alone."""
    return len(sentences) == 1 and _word_count(sentences[0]) <= LINE_ITEM_MAX_WORDS


def _rechunked(paragraphs: list[list[str]], rng: np.random.Generator) -> Iterator[list[str]]:
    """One text's paragraphs, re-cut: short lines (headings, list items) stay as they are, and
    the prose between them is regrouped at sentences into paragraphs of about
    PARAGRAPH_MIN_WORDS..PARAGRAPH_MAX_WORDS words."""

    def new_goal() -> int:
        return int(rng.integers(PARAGRAPH_MIN_WORDS, PARAGRAPH_MAX_WORDS + 1))

    chunk: list[str] = []
    chunk_words = 0
    goal = new_goal()
    for sentences in paragraphs:
        if _is_line_item(sentences):
            if chunk:
                yield chunk
                chunk, chunk_words, goal = [], 0, new_goal()
            yield sentences
            continue
        for sentence in sentences:
            chunk.append(sentence)
            chunk_words += _word_count(sentence)
            if chunk_words >= goal:
                yield chunk
                chunk, chunk_words, goal = [], 0, new_goal()
    if chunk:
        yield chunk


def _take_sentences(
    sentences: list[str], total_words: int, budget_words: int
) -> tuple[list[str], int, bool]:
    """Sentences that fit the budget, the new total, and whether the budget is now used up.

    The sentence that crosses the budget is kept when that lands nearer the target than
    stopping before it; a very long one is cut at a word instead.
    """
    kept: list[str] = []
    for sentence in sentences:
        n_words = _word_count(sentence)
        room = budget_words - total_words
        if n_words <= room:
            kept.append(sentence)
            total_words += n_words
            if total_words >= budget_words:
                return kept, total_words, True
            continue
        if n_words - room <= room:
            kept.append(sentence)
            total_words += n_words
        elif n_words > LONG_SENTENCE_WORDS and room >= 10:
            kept.append(" ".join(sentence.split()[:room]))
            total_words += room
        return kept, total_words, True
    return kept, total_words, False


def _fill_body(
    pool: _RowPool, sources: Iterator[int], budget_words: int, rng: np.random.Generator
) -> tuple[list[str], list[int]]:
    """Paragraphs taken in order from `sources` until about `budget_words` words, and the rows
    that contributed to them."""
    paragraphs: list[str] = []
    used: list[int] = []
    total = 0
    full = False
    for position in sources:
        contributed = False
        for sentences in _rechunked(pool.paragraphs(position), rng):
            kept, total, full = _take_sentences(sentences, total, budget_words)
            if kept:
                paragraphs.append(" ".join(kept))
                contributed = True
            if full:
                break
        if contributed:
            used.append(position)
        if full:
            break
    return paragraphs, used


def _interleave(paragraphs: list[str], placed: list[tuple[int, str]]) -> list[str]:
    """`paragraphs` with each placed piece put before paragraph `index` (or at the end when
    `index` is the number of paragraphs); pieces at one index keep their order."""
    before: list[list[str]] = [[] for _ in range(len(paragraphs) + 1)]
    for index, piece in placed:
        before[min(max(index, 0), len(paragraphs))].append(piece)
    blocks: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        blocks.extend(before[index])
        blocks.append(paragraph)
    blocks.extend(before[len(paragraphs)])
    return blocks


def _positions(low: int, high: int, count: int, rng: np.random.Generator) -> list[int]:
    """Up to `count` distinct sorted positions in low..high (inclusive)."""
    if high < low or count <= 0:
        return []
    return sorted(_pick_distinct(range(low, high + 1), count, rng))


@dataclass(frozen=True, slots=True)
class _Page:
    text: str
    group: str
    generator: str
    domain: str
    part_ids: str
    page_traits: str
