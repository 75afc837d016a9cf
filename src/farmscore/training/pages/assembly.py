"""Assemble tables of farm and human pages from corpus rows: the public API of the
pages package."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from farmscore.training.pages.bodies import _Page, _rechunked
from farmscore.training.pages.farm_pages import _farm_page
from farmscore.training.pages.filling import _Cycle, _RowPool
from farmscore.training.pages.human_pages import _human_page
from farmscore.training.pages.sentences import _paragraph_sentences, _with_random_typography
from farmscore.training.pages.settings import (
    FARM_PAGE_SOURCE,
    HUMAN_PAGE_SOURCE,
    LONG_ARTICLE_DOMAINS,
    PAGE_COLUMNS,
    ROW_COLUMNS,
    FarmFurnitureRates,
    HumanFurnitureRates,
    furniture_templates,
)
from farmscore.training.splits import is_test_group


def _checked_inputs(
    rows: pd.DataFrame,
    n_pages: int,
    target_lengths: Sequence[int] | np.ndarray,
    expected_label: int,
    caller: str,
    require_one_split: bool,
) -> np.ndarray:
    """The target lengths as integers, after checking the rows and arguments."""
    missing = [name for name in ROW_COLUMNS if name not in rows]
    if missing:
        raise ValueError(f"{caller}: rows lack column(s) {', '.join(missing)}")
    if "label" in rows and (rows["label"] != expected_label).any():
        wrong = int((rows["label"] != expected_label).sum())
        raise ValueError(
            f"{caller}: {wrong} row(s) are not labelled {expected_label}; pass only "
            f"{'content_farm' if expected_label else 'substantive'} rows"
        )
    if n_pages < 0:
        raise ValueError(f"{caller}: n_pages must be >= 0, got {n_pages}")
    lengths = np.asarray(target_lengths, dtype=np.int64).reshape(-1)
    if len(lengths) != n_pages:
        raise ValueError(f"{caller}: got {len(lengths)} target lengths for {n_pages} pages")
    if n_pages and lengths.min() < 1:
        raise ValueError(f"{caller}: target lengths must be positive word counts")
    if n_pages and not rows["text"].astype(str).str.strip().astype(bool).any():
        raise ValueError(f"{caller}: no row has any text to build pages from")
    if require_one_split:
        sides = {is_test_group(str(group)) for group in rows["group"].drop_duplicates()}
        if len(sides) > 1:
            raise ValueError(
                f"{caller}: rows come from both sides of the train/test split; build train "
                f"pages from train rows and test pages from test rows "
                f"(farmscore.training.corpora.split_by_group), or pass require_one_split=False"
            )
    return lengths


def _pages_frame(pages: list[_Page], source: str, label: int) -> pd.DataFrame:
    records = []
    for index, page in enumerate(pages):
        digest = hashlib.sha256(page.text.encode("utf-8")).hexdigest()[:12]
        records.append(
            {
                "id": f"{source}/{index:05d}-{digest}",
                "text": page.text,
                "label": label,
                "source": source,
                "group": page.group,
                "generator": page.generator,
                "domain": page.domain,
                "part_ids": page.part_ids,
                "page_traits": page.page_traits,
            }
        )
    frame = pd.DataFrame(records, columns=list(PAGE_COLUMNS))
    frame["label"] = frame["label"].astype("int64")
    return frame


def assemble_farm_pages(
    llm_rows: pd.DataFrame,
    n_pages: int,
    target_lengths: Sequence[int] | np.ndarray,
    rng: np.random.Generator,
    *,
    rates: FarmFurnitureRates = FarmFurnitureRates(),
    require_one_split: bool = True,
) -> pd.DataFrame:
    """`n_pages` farm-like pages (label 1) built from LLM rows, deterministic for a given `rng`.

    Each page tells one story (a `group`: the LLM rewrites of one human text, or xsum's
    continuations of one opening), sometimes by two or three of its rewrites, as farms do, then
    tops up with other LLM texts of the same domain until it reaches its target length in words
    (`target_lengths[i]`, furniture included; from `matched_lengths`). Farm furniture is drawn
    per page with `rates`; some pages get none. Stories cycle in a random order so pages spread
    over all groups.

    Columns: id, text, label=1, source="assembled/farm", group (the story), generator (of the
    story's first rewrite), domain, part_ids (space-separated ids of the rows used) and
    page_traits (comma-separated furniture kinds, plus "retold_story").

    Pass rows from ONE side of the train/test split: train rows for train pages, test rows for
    test pages; otherwise a story could sit in pages of both sides. This is checked with
    `farmscore.training.splits.is_test_group` unless `require_one_split` is False.

    >>> rows = pd.DataFrame({"id": ["a", "b"], "text": ["Town hall reopens today. " * 20] * 2,
    ...                      "group": ["g1", "g1"], "generator": ["GPT-4o", "Llama-3-70B"],
    ...                      "domain": ["News", "News"]})
    >>> pages = assemble_farm_pages(rows, 2, [150, 150], np.random.default_rng(0),
    ...                             require_one_split=False)
    >>> pages["label"].tolist(), pages["source"].iloc[0]
    ([1, 1], 'assembled/farm')
    """
    lengths = _checked_inputs(
        llm_rows, n_pages, target_lengths, 1, "assemble_farm_pages", require_one_split
    )
    pool = _RowPool(llm_rows)
    templates = furniture_templates()
    stories = _Cycle(pool.group_names(), rng)
    pages = [
        _farm_page(pool, stories.next(), int(target), rng, rates, templates) for target in lengths
    ]
    return _pages_frame(pages, FARM_PAGE_SOURCE, 1)


def assemble_human_pages(
    human_rows: pd.DataFrame,
    n_pages: int,
    target_lengths: Sequence[int] | np.ndarray,
    rng: np.random.Generator,
    *,
    rates: HumanFurnitureRates = HumanFurnitureRates(),
    require_one_split: bool = True,
) -> pd.DataFrame:
    """`n_pages` human pages (label 0) built from human rows, deterministic for a given `rng`.

    A page is either a long article (domains bbc, opinion, localnews) cut at a sentence near its
    target length, joined with another article of the domain only when none long enough turns
    up, or short texts (l2r and xsum human) of one domain joined until the target. Honest page
    furniture (title, byline, dateline, photo captions, related links, trailers, subheadings) is
    drawn per page with `rates`; some pages get none. Lengths are in words, furniture included.

    Columns as for `assemble_farm_pages`, with label=0, source="assembled/human" and
    generator="human" (or whatever the rows say).

    Pass rows from ONE side of the train/test split: train rows for train pages, test rows for
    test pages. This is checked with `farmscore.training.splits.is_test_group` unless
    `require_one_split` is False.
    """
    lengths = _checked_inputs(
        human_rows, n_pages, target_lengths, 0, "assemble_human_pages", require_one_split
    )
    pool = _RowPool(human_rows)
    templates = furniture_templates()
    everything = pool.positions()
    long_rows = _Cycle([p for p in everything if pool.domains[p] in LONG_ARTICLE_DOMAINS], rng)
    short_rows = _Cycle([p for p in everything if pool.domains[p] not in LONG_ARTICLE_DOMAINS], rng)
    pages: list[_Page] = []
    for target in lengths:
        if len(long_rows) and len(short_rows):
            use_long = bool(rng.random() < rates.long_article)
        else:
            use_long = bool(len(long_rows))
        primary = long_rows.next() if use_long else short_rows.next()
        pages.append(_human_page(pool, primary, int(target), rng, rates, templates))
    return _pages_frame(pages, HUMAN_PAGE_SOURCE, 0)


def normalise_layout(text: str, rng: np.random.Generator) -> str:
    """A real corpus text laid out the way assembled pages are: mojibake repaired, cut
    openings and endings dropped, prose regrouped into paragraphs separated by blank lines,
    and straight or curly typography at random.

    The corpora's layout is a property of their source, not of the writer (xsum's human texts
    are one unterminated line, its LLM texts are paragraphs), so real training texts get the
    same layout on both sides.
    """
    paragraphs = [" ".join(chunk) for chunk in _rechunked(_paragraph_sentences(text), rng)]
    return "\n\n".join(_with_random_typography(paragraphs, rng))
