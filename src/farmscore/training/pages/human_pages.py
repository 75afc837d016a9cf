"""One assembled human page: a human story with the honest furniture of news and opinion
sites."""

from __future__ import annotations

from itertools import chain

import numpy as np

from farmscore.training.pages.bodies import _fill_body, _interleave, _Page
from farmscore.training.pages.filling import _Filler, _RowPool
from farmscore.training.pages.furniture import (
    _comment_footer,
    _draw_honest_traits,
    _HonestFurniture,
)
from farmscore.training.pages.sentences import _pick, _with_random_typography, _word_count
from farmscore.training.pages.settings import (
    LONG_ARTICLE_DOMAINS,
    MIN_BODY_WORDS,
    SUBHEADING_RESERVE_WORDS,
    FurnitureTemplates,
    HumanFurnitureRates,
)


def _human_page(
    pool: _RowPool,
    primary: int,
    target_words: int,
    rng: np.random.Generator,
    rates: HumanFurnitureRates,
    templates: FurnitureTemplates,
) -> _Page:
    domain = pool.domains[primary]
    bare = rng.random() < rates.bare_page

    def has(rate: float) -> bool:
        return not bare and rng.random() < rate

    traits: list[str] = []
    if has(rates.plain_title):
        traits.append("plain_title")
    honest_traits, n_subheadings = _draw_honest_traits(rates, domain, has, rng)
    traits += honest_traits
    for trait in ("embedded_post", "comment_footer", "promo_lines"):
        if has(getattr(rates, trait)):
            traits.append(trait)

    # A long article is cut, not joined, when one long enough is at hand.
    reserve = SUBHEADING_RESERVE_WORDS * n_subheadings
    estimate = max(MIN_BODY_WORDS, target_words - reserve - 15 * len(traits))
    if domain in LONG_ARTICLE_DOMAINS and pool.raw_words(primary) < estimate:
        for _ in range(4):
            candidate = _pick(pool.in_domain(domain), rng)
            if pool.raw_words(candidate) >= estimate:
                primary = candidate
                break

    filler = _Filler(pool, primary, target_words, rng, templates)
    title = filler.fill_one(templates.plain_titles) if "plain_title" in traits else None
    honest = _HonestFurniture.fill(traits, n_subheadings, filler, templates, rng)
    embeds = [
        filler.fill_one(templates.embedded_posts)
        for _ in range(int(rng.integers(1, 3)) if "embedded_post" in traits else 0)
    ]
    promos = [filler.fill_one(templates.promo_lines) for _ in range(int("promo_lines" in traits))]
    footer = _comment_footer(templates, filler, rng) if "comment_footer" in traits else None
    pieces = [title, footer, *honest.pieces(), *embeds, *promos]
    furniture_words = sum(_word_count(piece) for piece in pieces if piece)
    budget = max(MIN_BODY_WORDS, target_words - furniture_words - reserve)
    group = pool.groups[primary]
    sources = chain([primary], pool.top_ups(domain, {group}, rng))
    paragraphs, used = _fill_body(pool, sources, budget, rng)
    paragraphs = _with_random_typography(paragraphs, rng)

    placed = honest.placed_in(paragraphs, rng)
    placed += [(int(rng.integers(1, len(paragraphs) + 1)), extra) for extra in embeds + promos]
    placed.sort(key=lambda item: item[0])
    head = [piece for piece in (title, honest.byline) if piece]
    blocks = head + _interleave(paragraphs, placed) + honest.trailers + ([footer] if footer else [])
    return _Page(
        text="\n\n".join(blocks),
        group=group,
        generator=pool.generators[primary],
        domain=domain,
        part_ids=" ".join(pool.ids[p] for p in used),
        page_traits=",".join(sorted(traits)),
    )
