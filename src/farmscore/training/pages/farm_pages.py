"""One assembled farm page: a story told at length, sometimes twice, with farm furniture."""

from __future__ import annotations

from itertools import chain

import numpy as np

from farmscore.training.pages.bodies import _fill_body, _interleave, _Page, _positions
from farmscore.training.pages.filling import _Filler, _RowPool
from farmscore.training.pages.furniture import (
    _comment_footer,
    _draw_honest_traits,
    _HonestFurniture,
)
from farmscore.training.pages.sentences import (
    _pick,
    _pick_distinct,
    _with_random_typography,
    _word_count,
)
from farmscore.training.pages.settings import (
    MIN_BODY_WORDS,
    SUBHEADING_RESERVE_WORDS,
    FarmFurnitureRates,
    FurnitureTemplates,
)


def _farm_page(
    pool: _RowPool,
    group: str,
    target_words: int,
    rng: np.random.Generator,
    rates: FarmFurnitureRates,
    templates: FurnitureTemplates,
) -> _Page:
    story = [pool.in_group(group)[int(i)] for i in rng.permutation(len(pool.in_group(group)))]
    primary = story[0]
    domain = pool.domains[primary]
    tellings = 1
    if rng.random() < rates.retold_story:
        tellings = 3 if rng.random() < rates.third_telling else 2
    tellings = min(tellings, len(story))

    filler = _Filler(pool, primary, target_words, rng, templates)
    bare = rng.random() < rates.bare_page

    def has(rate: float) -> bool:
        return not bare and rng.random() < rate

    traits: list[str] = []
    title: str | None = None
    leaked: str | None = None
    recap: str | None = None
    footer: str | None = None
    leaked_on_top = False
    if has(rates.clickbait_title):
        title = filler.fill_one(templates.clickbait_titles)
        traits.append("clickbait_title")
    elif has(rates.plain_title):
        title = filler.fill_one(templates.plain_titles)
        traits.append("plain_title")
    if has(rates.leaked_assistant):
        leaked_on_top = bool(rng.random() < 0.5)
        leaked = filler.fill_one(
            templates.leaked_assistant_top if leaked_on_top else templates.leaked_assistant_bottom
        )
        traits.append("leaked_assistant")
    headings: list[str] = []
    if has(rates.generic_headings):
        style = _pick(templates.heading_styles, rng)
        chosen = _pick_distinct(templates.middle_headings, int(rng.integers(1, 4)), rng)
        chosen.append(_pick(templates.closing_headings, rng))
        headings = [style.format(heading=heading) for heading in chosen]
        traits.append("generic_headings")
    promos: list[str] = []
    if has(rates.promo_lines):
        promos = [filler.fill_one(templates.promo_lines) for _ in range(int(rng.integers(1, 4)))]
        traits.append("promo_lines")
    embeds: list[str] = []
    if has(rates.embedded_post):
        embeds = [filler.fill_one(templates.embedded_posts) for _ in range(int(rng.integers(1, 3)))]
        traits.append("embedded_post")
    if has(rates.recap):
        recap = filler.fill_one(templates.recap_openers)
        if rng.random() < 0.6:
            recap += " " + _pick(templates.recap_closers, rng)
        traits.append("recap")
    if has(rates.comment_footer):
        footer = _comment_footer(templates, filler, rng)
        traits.append("comment_footer")
    honest_traits, n_subheadings = _draw_honest_traits(rates.honest, domain, has, rng)
    traits += honest_traits
    honest = _HonestFurniture.fill(honest_traits, n_subheadings, filler, templates, rng)

    pieces = [title, leaked, recap, footer, *headings, *promos, *embeds, *honest.pieces()]
    furniture_words = sum(_word_count(piece) for piece in pieces if piece)
    reserve = SUBHEADING_RESERVE_WORDS * n_subheadings
    budget = max(MIN_BODY_WORDS, target_words - furniture_words - reserve)
    sources = chain(story[:tellings], pool.top_ups(domain, {group}, rng))
    paragraphs, used = _fill_body(pool, sources, budget, rng)
    paragraphs = _with_random_typography(paragraphs, rng)
    if sum(1 for p in used if pool.groups[p] == group) >= 2:
        traits.append("retold_story")

    placed = honest.placed_in(paragraphs, rng)
    n_paragraphs = len(paragraphs)
    if headings:
        *middle, closing = headings
        # The closing heading goes before the recap, or else before the last paragraph.
        last_slot = n_paragraphs if recap else n_paragraphs - 1
        spots = _positions(1, last_slot - 1, len(middle), rng)
        placed += list(zip(spots, middle, strict=False))
        placed.append((max(last_slot, 1), closing))
    placed += [(int(rng.integers(1, n_paragraphs + 1)), promo) for promo in promos]
    placed += [(int(rng.integers(1, n_paragraphs + 1)), embed) for embed in embeds]
    placed.sort(key=lambda item: item[0])
    blocks = _interleave(paragraphs, placed)
    if recap:
        blocks.append(recap)
    blocks += honest.trailers
    if leaked and not leaked_on_top:
        blocks.append(leaked)
    if footer:
        blocks.append(footer)
    head = [piece for piece in (leaked if leaked_on_top else None, title, honest.byline) if piece]
    return _Page(
        text="\n\n".join(head + blocks),
        group=group,
        generator=pool.generators[primary],
        domain=domain,
        part_ids=" ".join(pool.ids[p] for p in used),
        page_traits=",".join(sorted(traits)),
    )
