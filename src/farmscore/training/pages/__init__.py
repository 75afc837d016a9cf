"""Page-level training examples assembled from the corpora's texts.

The LLM side of the corpora is a proxy for content farms: short rewrites without a farm page's
structure. `assemble_farm_pages` builds farm-like pages from it (one story told at length,
sometimes twice, with farm furniture); `assemble_human_pages` builds pages of the same lengths
from human texts, with the honest furniture of news and opinion sites. Both draw their target
lengths from `matched_lengths`, so word count cannot tell the label, and both take every random
choice from the numpy Generator they are given, so a seed fixes the pages.

Pages are only as clean as their inputs: build train pages from train rows and test pages from
test rows (`farmscore.training.corpora.split_by_group`), after
`farmscore.training.corpora.strip_shared_openings`.
"""

from __future__ import annotations

from farmscore.training.pages.assembly import (
    assemble_farm_pages,
    assemble_human_pages,
    normalise_layout,
)
from farmscore.training.pages.settings import (
    FARM_PAGE_SOURCE,
    HUMAN_PAGE_SOURCE,
    MAX_PAGE_WORDS,
    MEDIAN_PAGE_WORDS,
    MIN_PAGE_WORDS,
    NEWS_DOMAINS,
    PAGE_COLUMNS,
    ROW_COLUMNS,
    FarmFurnitureRates,
    FurnitureTemplates,
    HumanFurnitureRates,
    furniture_templates,
    matched_lengths,
)

__all__ = [
    "FARM_PAGE_SOURCE",
    "HUMAN_PAGE_SOURCE",
    "MAX_PAGE_WORDS",
    "MEDIAN_PAGE_WORDS",
    "MIN_PAGE_WORDS",
    "NEWS_DOMAINS",
    "PAGE_COLUMNS",
    "ROW_COLUMNS",
    "FarmFurnitureRates",
    "FurnitureTemplates",
    "HumanFurnitureRates",
    "assemble_farm_pages",
    "assemble_human_pages",
    "furniture_templates",
    "matched_lengths",
    "normalise_layout",
]
