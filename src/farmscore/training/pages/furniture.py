"""Furniture that both kinds of page carry: the honest furniture of news sites (bylines,
datelines, captions, trailers, related links, subheadings) and comment forms."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from farmscore.training.pages.bodies import _positions
from farmscore.training.pages.filling import _Filler
from farmscore.training.pages.sentences import (
    _EDGE_PUNCTUATION,
    _SUBHEADING_BREAKERS,
    _pick_distinct,
    _sentence_case,
)
from farmscore.training.pages.settings import (
    NEWS_DOMAINS,
    SUBHEADING_MAX_WORDS,
    SUBHEADING_SCAN_WORDS,
    FurnitureTemplates,
    HumanFurnitureRates,
)


def _comment_footer(
    templates: FurnitureTemplates, filler: _Filler, rng: np.random.Generator
) -> str:
    """A comment form as a page extractor leaves it: a header, notices, then form fields."""
    lines = [filler.fill_one(templates.comment_headers)]
    lines += _pick_distinct(templates.comment_notices, int(rng.integers(0, 3)), rng)
    n_fields = int(rng.integers(0, 6))
    # Keep the form's own order (Comment, Name, Email, ..., Post Comment).
    lines += sorted(
        _pick_distinct(templates.comment_fields, n_fields, rng), key=templates.comment_fields.index
    )
    return "\n".join(lines)


def _honest_subheading(paragraph: str) -> str | None:
    """A subheading for `paragraph` from its own words: the longest run of 2-5 content words
    (no function words, no verbs of saying, not across punctuation) among its first 40 words,
    such as "Northern powerhouse scheme"; None when there is no such run."""
    best: list[str] = []
    run: list[str] = []
    for raw in [*paragraph.split()[:SUBHEADING_SCAN_WORDS], ""]:
        word = raw.strip(_EDGE_PUNCTUATION)
        is_content = (
            bool(word)
            and word.lower() not in _SUBHEADING_BREAKERS
            and (word.replace("-", "").replace("'", "").replace("’", "").isalnum())
        )
        if is_content:
            run.append(word)
        if not is_content or raw[-1:] in ',.;:!?)"”':
            if len(run) > len(best):
                best = run[:SUBHEADING_MAX_WORDS]
            run = []
    return _sentence_case(best) if len(best) >= 2 else None


def _draw_honest_traits(
    rates: HumanFurnitureRates, domain: str, has: Callable[[float], bool], rng: np.random.Generator
) -> tuple[list[str], int]:
    """Which honest furniture a page gets, and how many subheadings."""
    traits: list[str] = []
    if has(rates.byline):
        traits.append("byline")
    if has(rates.dateline) and domain in NEWS_DOMAINS:
        traits.append("dateline")
    if has(rates.photo_caption):
        traits.append("photo_caption")
    if has(rates.related_links):
        traits.append("related_links")
    if has(rates.trailer):
        traits.append("trailer")
    n_subheadings = 0
    if has(rates.subheadings):
        traits.append("subheadings")
        n_subheadings = int(rng.integers(1, 4))
    return traits, n_subheadings


@dataclass(slots=True)
class _HonestFurniture:
    """A page's honest furniture, written before its body and placed once the body exists."""

    n_subheadings: int
    byline: str | None
    dateline: str | None
    captions: list[str]
    related: list[str]
    trailers: list[str]

    @classmethod
    def fill(
        cls,
        traits: Sequence[str],
        n_subheadings: int,
        filler: _Filler,
        templates: FurnitureTemplates,
        rng: np.random.Generator,
    ) -> _HonestFurniture:
        def some(choices: Sequence[str]) -> list[str]:
            return [filler.fill_one(choices) for _ in range(int(rng.integers(1, 3)))]

        return cls(
            n_subheadings=n_subheadings,
            byline=filler.fill_one(templates.bylines) if "byline" in traits else None,
            dateline=filler.fill_one(templates.datelines) if "dateline" in traits else None,
            captions=some(templates.photo_captions) if "photo_caption" in traits else [],
            related=some(templates.related_links) if "related_links" in traits else [],
            trailers=[
                filler.fill(template)
                for template in _pick_distinct(templates.trailers, int(rng.integers(1, 3)), rng)
            ]
            if "trailer" in traits
            else [],
        )

    def pieces(self) -> list[str]:
        """Every piece whose words count toward the page's length (subheadings come later)."""
        return [p for p in (self.byline, self.dateline) if p] + [
            *self.captions,
            *self.related,
            *self.trailers,
        ]

    def placed_in(self, paragraphs: list[str], rng: np.random.Generator) -> list[tuple[int, str]]:
        """Put the dateline before the first paragraph (in place) and return the subheadings,
        captions and related links with the paragraph each goes before."""
        if self.dateline and paragraphs:
            paragraphs[0] = f"{self.dateline} {paragraphs[0]}"
        n_paragraphs = len(paragraphs)
        placed: list[tuple[int, str]] = []
        for index in _positions(2, n_paragraphs - 1, self.n_subheadings, rng):
            subheading = _honest_subheading(paragraphs[index])
            if subheading:
                placed.append((index, subheading))
        placed += [(int(rng.integers(0, n_paragraphs + 1)), caption) for caption in self.captions]
        placed += [(int(rng.integers(1, n_paragraphs + 1)), link) for link in self.related]
        return placed
