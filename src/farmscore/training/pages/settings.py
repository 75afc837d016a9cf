"""Page lengths, furniture rates and the furniture templates of assembled pages."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from functools import lru_cache
from importlib import resources
from typing import Any, TypeVar

import numpy as np

FARM_PAGE_SOURCE = "assembled/farm"


HUMAN_PAGE_SOURCE = "assembled/human"


PAGE_COLUMNS: tuple[str, ...] = (
    "id",
    "text",
    "label",
    "source",
    "group",
    "generator",
    "domain",
    "part_ids",
    "page_traits",
)


ROW_COLUMNS: tuple[str, ...] = ("id", "text", "group", "generator", "domain")


LONG_ARTICLE_DOMAINS = frozenset({"bbc", "opinion", "localnews", "pan24_news"})


# Page lengths in words, shared by both classes: log-normal around a typical web article.
MEDIAN_PAGE_WORDS = 500


PAGE_WORDS_LOG_SIGMA = 0.6


MIN_PAGE_WORDS = 120


MAX_PAGE_WORDS = 3000


# The corpora mark paragraphs differently (blank lines, single lines, none at all) and the LLM
# texts break theirs more often, a difference of source that a model must not learn: on both
# sides, prose is regrouped into paragraphs of a random length in this range of words, and only
# short lines (headings, list items) keep their own line.
PARAGRAPH_MIN_WORDS = 15


PARAGRAPH_MAX_WORDS = 75


LINE_ITEM_MAX_WORDS = 12


# A sentence longer than this may be cut at a word to land near the target length.
LONG_SENTENCE_WORDS = 60


# Every page keeps at least this much body text, however much furniture it carries.
MIN_BODY_WORDS = 80


# A text's last sentence without a full stop, longer than this, is a cut-off fragment.
FRAGMENT_MIN_WORDS = 6


# A first sentence up to this long is a whole headline; a longer one is cut at a clause.
HEADLINE_MAX_WORDS = 12


# Share of pages, of either class, whose body gets curly quotes and dashes (else straight).
CURLY_TYPOGRAPHY_SHARE = 0.5


# A recap restates the story's first sentence, cut to this many words if longer.
RECAP_MAX_WORDS = 40


# Honest subheadings are the longest run of content words near a paragraph's start.
SUBHEADING_SCAN_WORDS = 40


SUBHEADING_MAX_WORDS = 5


# Datelines only open news pages.
NEWS_DOMAINS = frozenset({"bbc", "localnews", "xsum", "NewsArticle", "pan24_news"})


# Words held back for each honest subheading, which is written only once the body exists.
SUBHEADING_RESERVE_WORDS = 5


_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class HumanFurnitureRates:
    """Chance that an assembled human page has each trait, drawn independently; the furniture
    rates apply to pages that are not bare, as for `FarmFurnitureRates`.

    bare_page: no furniture at all. plain_title: a title line from the story's first words.
    byline: "By Jane Smith, Staff Writer". dateline: "WASHINGTON (Reuters) —" before the text,
    on news pages only (NEWS_DOMAINS).
    photo_caption: 1-2 captions with credits. trailer: 1-2 donation, newsletter or credit lines.
    related_links: 1-2 "Read more: ..." / "Related: ..." lines. subheadings: 1-3 subheadings
    taken from the words of the paragraph they head.
    long_article: share of pages cut from a long article (bbc, opinion, localnews) rather than
    joined from short texts of one domain, when both kinds are present.
    embedded_post, comment_footer, promo_lines: the same furniture as on farm pages, at lower
    rates, because real news sites embed posts, run comment forms and promotion widgets too
    (the shared real pages and local-news corpus show all three); no single piece of furniture
    may decide the label.
    """

    bare_page: float = 0.15
    plain_title: float = 0.65
    byline: float = 0.35
    dateline: float = 0.5
    photo_caption: float = 0.35
    trailer: float = 0.35
    related_links: float = 0.35
    subheadings: float = 0.2
    long_article: float = 0.5
    embedded_post: float = 0.12
    comment_footer: float = 0.12
    promo_lines: float = 0.1


@dataclass(frozen=True, slots=True)
class FarmFurnitureRates:
    """Chance that an assembled farm page has each trait, drawn independently; the furniture
    rates apply to pages that are not bare, so a page has furniture kind k with probability
    (1 - bare_page) * k (defaults: leaked text about 5%, a clickbait title about 47%).

    bare_page: no furniture at all (the story and its top-up only).
    clickbait_title: "BREAKING: ...!" and kin; plain_title: a plain title, when not clickbait.
    generic_headings: 2-4 headings such as "The Bigger Picture" and a closing "Final Thoughts".
    promo_lines: 1-3 injected cross-promotion lines ("YOU MAY ALSO LIKE: ...", "Read more: ...").
    embedded_post: 1-2 remnants of embedded posts ("pic.twitter.com/...", "— Name (@handle) ...").
    comment_footer: a comment form at the end ("Leave a Reply", "Required fields are marked *").
    leaked_assistant: text the LLM addressed to its prompter ("Sure! Here's a 600-word ...").
    recap: an "In conclusion, ..." paragraph restating the story's first sentence.
    retold_story: the story told by two rewrites (when its group has two); third_telling: by a
    third, among retold pages.
    honest: the honest furniture of news sites (byline, dateline, photo captions, related
    links, trailers, subheadings) at the same rates as on human pages, because a farm can add
    any of it for free: none of it may tell the classes apart.
    """

    bare_page: float = 0.15
    clickbait_title: float = 0.55
    plain_title: float = 0.35
    generic_headings: float = 0.5
    promo_lines: float = 0.45
    embedded_post: float = 0.35
    comment_footer: float = 0.4
    leaked_assistant: float = 0.06
    recap: float = 0.3
    retold_story: float = 0.45
    third_telling: float = 0.2
    honest: HumanFurnitureRates = field(default_factory=HumanFurnitureRates)


@dataclass(frozen=True, slots=True)
class FurnitureTemplates:
    """The templates and made-up names in `farmscore/data/page_furniture.json`."""

    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    cities: tuple[str, ...]
    dateline_agencies: tuple[str, ...]
    photo_agencies: tuple[str, ...]
    papers: tuple[str, ...]
    sites: tuple[str, ...]
    roles: tuple[str, ...]
    orgs: tuple[str, ...]
    hashtags: tuple[str, ...]
    plain_titles: tuple[str, ...]
    clickbait_titles: tuple[str, ...]
    heading_styles: tuple[str, ...]
    middle_headings: tuple[str, ...]
    closing_headings: tuple[str, ...]
    promo_lines: tuple[str, ...]
    embedded_posts: tuple[str, ...]
    comment_headers: tuple[str, ...]
    comment_notices: tuple[str, ...]
    comment_fields: tuple[str, ...]
    leaked_assistant_top: tuple[str, ...]
    leaked_assistant_bottom: tuple[str, ...]
    recap_openers: tuple[str, ...]
    recap_closers: tuple[str, ...]
    bylines: tuple[str, ...]
    datelines: tuple[str, ...]
    photo_captions: tuple[str, ...]
    trailers: tuple[str, ...]
    related_links: tuple[str, ...]


@lru_cache(maxsize=1)
def furniture_templates() -> FurnitureTemplates:
    """The page furniture templates, loaded once from the package data."""
    resource = resources.files("farmscore.data").joinpath("page_furniture.json")
    raw: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    flat = {key: value for key, value in raw.items() if isinstance(value, list)}
    flat.update(raw["farm"])
    flat.update(raw["human"])
    return FurnitureTemplates(
        **{spec.name: tuple(flat[spec.name]) for spec in fields(FurnitureTemplates)}
    )


def matched_lengths(
    n: int,
    rng: np.random.Generator,
    median_words: int = MEDIAN_PAGE_WORDS,
    log_sigma: float = PAGE_WORDS_LOG_SIGMA,
) -> np.ndarray:
    """`n` target page lengths in words, log-normal around `median_words`, clipped to
    MIN_PAGE_WORDS..MAX_PAGE_WORDS. Draw one set per class from the same settings so that the
    two classes' lengths match.

    >>> lengths = matched_lengths(1000, np.random.default_rng(0))
    >>> bool(MIN_PAGE_WORDS <= lengths.min() and lengths.max() <= MAX_PAGE_WORDS)
    True
    >>> 420 < int(np.median(lengths)) < 580
    True
    """
    if n < 0:
        raise ValueError(f"matched_lengths: n must be >= 0, got {n}")
    draws = np.exp(rng.normal(np.log(median_words), log_sigma, size=n))
    return np.clip(np.rint(draws), MIN_PAGE_WORDS, MAX_PAGE_WORDS).astype(np.int64)
