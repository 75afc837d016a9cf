"""Assembled page-level training examples: deterministic, length-matched, furnished at the
rates asked for, and never mixing the two sides of the train/test split."""

from __future__ import annotations

import dataclasses
import os
import random
import re
import string
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from farmscore.training.corpora import load_corpora, split_by_group, strip_shared_openings
from farmscore.training.pages import (
    MAX_PAGE_WORDS,
    MIN_PAGE_WORDS,
    NEWS_DOMAINS,
    PAGE_COLUMNS,
    FarmFurnitureRates,
    FurnitureTemplates,
    HumanFurnitureRates,
    assemble_farm_pages,
    assemble_human_pages,
    furniture_templates,
    matched_lengths,
)
from farmscore.training.pages.filling import _Filler, _RowPool
from farmscore.training.pages.furniture import _honest_subheading
from farmscore.training.pages.sentences import (
    _curly_typography,
    _headline_phrase,
    _paragraph_sentences,
    _repair_mojibake,
    _sentences,
    _straight_typography,
)
from farmscore.training.splits import is_test_group

DATA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data"
GENERATORS = ("GPT-4o", "Gemini-1.5-Pro", "Llama-3-70B", "GPT-3-Turbo")
FARM_DOMAINS = ("NewsArticle", "Science", "Sports")
MARK = re.compile(r"\bmk(\d+)x\b")
WORDS = (
    *("harbour", "council", "plan", "budget", "river", "school", "bridge", "market", "museum"),
    *("vote", "report", "season", "club", "station", "library", "garden", "road", "tax"),
)


# --- hand-made rows ---------------------------------------------------------------------------


def _sentence(mark: int, rng: random.Random) -> str:
    """About 12 words; `mk<n>x` names the row the sentence came from."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 12))]
    return f"The mk{mark}x {' '.join(words)} today."


def _text(mark: int, n_sentences: int, rng: random.Random, per_paragraph: int = 3) -> str:
    sentences = [_sentence(mark, rng) for _ in range(n_sentences)]
    paragraphs = [
        " ".join(sentences[i : i + per_paragraph]) for i in range(0, n_sentences, per_paragraph)
    ]
    return "\n\n".join(paragraphs)


def _farm_rows(n_groups: int = 40, seed: int = 0) -> pd.DataFrame:
    """Per domain, `n_groups` stories, each rewritten by four LLMs in 6-10 sentences."""
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for domain in FARM_DOMAINS:
        for group in range(n_groups):
            for generator in GENERATORS:
                mark = len(rows)
                rows.append(
                    {
                        "id": f"l2r/{domain}/{generator}/{mark}",
                        "text": _text(mark, rng.randint(6, 10), rng),
                        "label": 1,
                        "group": f"l2r/{domain}/{group}",
                        "generator": generator,
                        "domain": domain,
                    }
                )
    return pd.DataFrame(rows)


def _human_rows(seed: int = 0) -> pd.DataFrame:
    """Long articles (bbc: paragraphs; opinion: one unbroken line) and short texts."""
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []

    def add(domain: str, group: str, text: str) -> None:
        rows.append(
            {
                "id": f"{group}/{len(rows)}",
                "text": text,
                "label": 0,
                "group": group,
                "generator": "human",
                "domain": domain,
            }
        )

    # Human marks start at 100,000 so that they never collide with the farm rows' marks.
    for i in range(25):
        mark = 100_000 + len(rows)
        add("bbc", f"bbc/{i}", _text(mark, rng.randint(30, 80), rng, per_paragraph=2))
    for i in range(15):
        mark = 100_000 + len(rows)
        add("opinion", f"opinion/{i}", _text(mark, rng.randint(60, 150), rng, 1000))
    for domain in FARM_DOMAINS:
        for i in range(60):
            mark = 100_000 + len(rows)
            add(domain, f"l2r/{domain}/{i}", _text(mark, rng.randint(5, 9), rng))
    return pd.DataFrame(rows)


FARM_ROWS = _farm_rows()
HUMAN_ROWS = _human_rows()


def _farm(n: int, seed: int, rows: pd.DataFrame = FARM_ROWS, **options: object) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    options.setdefault("require_one_split", False)
    return assemble_farm_pages(rows, n, matched_lengths(n, rng), rng, **options)  # type: ignore[arg-type]


def _human(n: int, seed: int, rows: pd.DataFrame = HUMAN_ROWS, **options: object) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    options.setdefault("require_one_split", False)
    return assemble_human_pages(rows, n, matched_lengths(n, rng), rng, **options)  # type: ignore[arg-type]


def _words(texts: pd.Series) -> np.ndarray:
    return np.asarray(texts.str.split().str.len(), dtype=np.int64)


def _blocks(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if block.strip()]


def _pattern(template: str) -> re.Pattern[str]:
    """A template as a regular expression: literal text, and any text for each slot."""
    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(".+?")
    return re.compile("".join(parts), re.DOTALL)


def _literal_length(template: str) -> int:
    return sum(len(literal.strip()) for literal, *_ in string.Formatter().parse(template))


def _matches_any(block: str, templates: tuple[str, ...], min_literal: int = 4) -> bool:
    """Whether the block is one of the templates filled in. Templates with fewer literal
    characters than `min_literal` ("{Title}!!") are skipped: they would match ordinary text."""
    return any(_pattern(t).fullmatch(block) for t in templates if _literal_length(t) >= min_literal)


# --- matched_lengths --------------------------------------------------------------------------


def test_matched_lengths_are_clipped_log_normal_around_500_words() -> None:
    lengths = matched_lengths(5000, np.random.default_rng(1))
    assert lengths.dtype == np.int64
    assert lengths.min() >= MIN_PAGE_WORDS
    assert lengths.max() <= MAX_PAGE_WORDS
    assert 460 <= np.median(lengths) <= 540
    # Spread like web articles: a tenth under ~250 words, a tenth over ~1000.
    assert np.percentile(lengths, 10) < 300 < 900 < np.percentile(lengths, 90)


def test_matched_lengths_are_deterministic_and_edge_sizes_work() -> None:
    first = matched_lengths(50, np.random.default_rng(3))
    assert first.tolist() == matched_lengths(50, np.random.default_rng(3)).tolist()
    assert len(matched_lengths(0, np.random.default_rng(3))) == 0
    with pytest.raises(ValueError, match="n must be >= 0"):
        matched_lengths(-1, np.random.default_rng(3))


# --- determinism ------------------------------------------------------------------------------


def test_same_seed_same_pages_other_seed_other_pages() -> None:
    pd.testing.assert_frame_equal(_farm(60, seed=5), _farm(60, seed=5))
    pd.testing.assert_frame_equal(_human(60, seed=5), _human(60, seed=5))
    assert _farm(60, seed=5)["text"].tolist() != _farm(60, seed=6)["text"].tolist()
    assert _human(60, seed=5)["text"].tolist() != _human(60, seed=6)["text"].tolist()


def test_global_random_state_does_not_matter() -> None:
    np.random.seed(1)
    random.seed(1)
    first = _farm(30, seed=9)
    np.random.seed(2)
    random.seed(2)
    pd.testing.assert_frame_equal(first, _farm(30, seed=9))


def test_pages_do_not_depend_on_the_string_hash_seed() -> None:
    """Set iteration order changes with PYTHONHASHSEED; the pages must not."""
    script = textwrap.dedent(
        """
        import hashlib, numpy as np, pandas as pd
        from farmscore.training.pages import (
            assemble_farm_pages, assemble_human_pages, matched_lengths)
        rows = pd.DataFrame({
            "id": [f"r{i}" for i in range(40)],
            "text": [f"Row {i} says the harbour plan {i} is due. It was voted on {i}." * 3
                     for i in range(40)],
            "group": [f"g{i // 4}" for i in range(40)],
            "generator": ["GPT-4o", "Llama-3-70B"] * 20,
            "domain": [["News", "Sports"][i % 2] for i in range(40)]})
        rng = np.random.default_rng(0)
        farm = assemble_farm_pages(rows, 20, matched_lengths(20, rng), rng,
                                   require_one_split=False)
        human = assemble_human_pages(rows.assign(generator="human"), 20,
                                     matched_lengths(20, rng), rng, require_one_split=False)
        text = "".join(farm["text"]) + "".join(human["text"])
        print(hashlib.sha256(text.encode()).hexdigest())
        """
    )
    source_dir = str(Path(__file__).resolve().parents[2] / "src")
    digests = set()
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [source_dir, env.get("PYTHONPATH")]))
        result = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        digests.add(result.stdout.strip())
    assert len(digests) == 1


# --- shape and inputs -------------------------------------------------------------------------


def test_farm_pages_have_the_documented_columns_and_values() -> None:
    pages = _farm(40, seed=1)
    assert list(pages.columns) == list(PAGE_COLUMNS)
    assert pages["label"].tolist() == [1] * 40
    assert set(pages["source"]) == {"assembled/farm"}
    assert pages["id"].is_unique
    assert set(pages["generator"]) <= set(GENERATORS)
    assert set(pages["domain"]) <= set(FARM_DOMAINS)
    for _, page in pages.iterrows():
        part_ids = page["part_ids"].split()
        parts = FARM_ROWS.set_index("id").loc[part_ids]
        # The story comes first, and every part is from the page's domain.
        assert parts["group"].iloc[0] == page["group"]
        assert set(parts["domain"]) == {page["domain"]}
        # Top-ups come from stories other than the page's, one text per story.
        others = parts[parts["group"] != page["group"]]
        assert others["group"].is_unique


def test_human_pages_have_the_documented_columns_and_values() -> None:
    pages = _human(40, seed=1)
    assert list(pages.columns) == list(PAGE_COLUMNS)
    assert pages["label"].tolist() == [0] * 40
    assert set(pages["source"]) == {"assembled/human"}
    assert set(pages["generator"]) == {"human"}
    for _, page in pages.iterrows():
        parts = HUMAN_ROWS.set_index("id").loc[page["part_ids"].split()]
        assert set(parts["domain"]) == {page["domain"]}
        assert parts["group"].iloc[0] == page["group"]


def test_long_articles_are_cut_not_joined_when_one_is_long_enough() -> None:
    pages = _human(200, seed=2, rates=HumanFurnitureRates(long_article=1.0))
    assert set(pages["domain"]) <= {"bbc", "opinion"}
    n_parts = pages["part_ids"].str.split().str.len()
    short_pages = _words(pages["text"]) < 700
    # Articles run 360-1,800 words: pages shorter than the shortest come from one article.
    assert (n_parts[short_pages] == 1).mean() > 0.9


def test_a_story_is_sometimes_told_twice() -> None:
    pages = _farm(300, seed=3)
    story_parts = [
        sum(FARM_ROWS.set_index("id").loc[p.split(), "group"] == g)
        for p, g in zip(pages["part_ids"], pages["group"], strict=True)
    ]
    retold = pages["page_traits"].str.contains("retold_story")
    assert retold.tolist() == [n >= 2 for n in story_parts]
    # Defaults: 45% of pages ask for a second telling; a short target can leave it out.
    assert 0.3 < retold.mean() < 0.5
    assert max(story_parts) == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"drop": "domain"}, "lack column"),
        ({"label": 0}, "not labelled 1"),
        ({"lengths": 3}, "3 target lengths for 4 pages"),
        ({"lengths_value": 0}, "positive word counts"),
        ({"texts": " "}, "no row has any text"),
    ],
)
def test_bad_inputs_are_refused_with_a_reason(change: dict[str, object], message: str) -> None:
    rows = FARM_ROWS.head(8).copy()
    lengths = [200] * 4
    if "drop" in change:
        rows = rows.drop(columns=[str(change["drop"])])
    if "label" in change:
        rows["label"] = change["label"]
    if "lengths" in change:
        lengths = [200] * int(str(change["lengths"]))
    if "lengths_value" in change:
        lengths = [0] * 4
    if "texts" in change:
        rows["text"] = change["texts"]
    with pytest.raises(ValueError, match=message):
        assemble_farm_pages(rows, 4, lengths, np.random.default_rng(0), require_one_split=False)


def test_human_pages_refuse_llm_rows() -> None:
    with pytest.raises(ValueError, match="pass only substantive rows"):
        assemble_human_pages(
            FARM_ROWS, 2, [200, 200], np.random.default_rng(0), require_one_split=False
        )


def test_zero_pages_is_an_empty_table_with_the_columns() -> None:
    pages = assemble_farm_pages(FARM_ROWS, 0, [], np.random.default_rng(0), require_one_split=False)
    assert pages.empty
    assert list(pages.columns) == list(PAGE_COLUMNS)


def test_odd_texts_in_the_rows_do_not_break_assembly() -> None:
    garbage = bytes(random.Random(0).randrange(256) for _ in range(3000)).decode(
        "utf-8", errors="replace"
    )
    odd_texts = [
        "",
        "   \n\t ",
        "word",
        "这是一个测试。这是第二句。没有空格的中文文本。",
        "Это проверка. Второе предложение здесь.",
        garbage,
        "long " * 40_000,
        "x" * 100_000,
        "\n" * 5000,
    ]
    rows = pd.DataFrame(
        {
            "id": [f"odd{i}" for i in range(len(odd_texts))],
            "text": odd_texts,
            "label": 1,
            "group": [f"odd/{i % 3}" for i in range(len(odd_texts))],
            "generator": "GPT-4o",
            "domain": "Odd",
        }
    )
    pages = assemble_farm_pages(
        rows, 12, [300] * 12, np.random.default_rng(0), require_one_split=False
    )
    assert len(pages) == 12
    assert pages["text"].str.strip().astype(bool).all()
    # The 40,000-word single line is cut near the target, not pasted whole.
    assert _words(pages["text"]).max() < 1000


# --- lengths ----------------------------------------------------------------------------------


@pytest.mark.parametrize("builder", [_farm, _human])
def test_page_lengths_follow_their_targets(builder: object) -> None:
    rng = np.random.default_rng(11)
    targets = matched_lengths(300, rng)
    rows = FARM_ROWS if builder is _farm else HUMAN_ROWS
    assemble = assemble_farm_pages if builder is _farm else assemble_human_pages
    pages = assemble(rows, 300, targets, rng, require_one_split=False)
    ratio = _words(pages["text"]) / targets
    assert np.mean(np.abs(ratio - 1) <= 0.2) >= 0.95
    assert 0.95 <= np.median(ratio) <= 1.05


# --- furniture --------------------------------------------------------------------------------

NO_HONEST = HumanFurnitureRates(
    byline=0.0, dateline=0.0, photo_caption=0.0, trailer=0.0, related_links=0.0, subheadings=0.0
)
ALL_FARM = FarmFurnitureRates(
    honest=NO_HONEST,
    bare_page=0.0,
    clickbait_title=1.0,
    generic_headings=1.0,
    promo_lines=1.0,
    embedded_post=1.0,
    comment_footer=1.0,
    leaked_assistant=1.0,
    recap=1.0,
)
NO_FARM = FarmFurnitureRates(
    honest=NO_HONEST,
    bare_page=0.0,
    clickbait_title=0.0,
    plain_title=0.0,
    generic_headings=0.0,
    promo_lines=0.0,
    embedded_post=0.0,
    comment_footer=0.0,
    leaked_assistant=0.0,
    recap=0.0,
)
ALL_HUMAN = HumanFurnitureRates(
    bare_page=0.0,
    plain_title=1.0,
    byline=1.0,
    dateline=1.0,
    photo_caption=1.0,
    trailer=1.0,
    related_links=1.0,
    subheadings=1.0,
    embedded_post=0.0,
    comment_footer=0.0,
    promo_lines=0.0,
)
NO_HUMAN = HumanFurnitureRates(
    bare_page=0.0,
    plain_title=0.0,
    byline=0.0,
    dateline=0.0,
    photo_caption=0.0,
    trailer=0.0,
    related_links=0.0,
    subheadings=0.0,
    embedded_post=0.0,
    comment_footer=0.0,
    promo_lines=0.0,
)


def _is_comment_footer(block: str) -> bool:
    t = furniture_templates()
    first, *rest = block.split("\n")
    is_header = first in t.comment_headers or _matches_any(first, t.comment_headers)
    return is_header and all(line in t.comment_notices or line in t.comment_fields for line in rest)


def _farm_kinds_in(text: str) -> set[str]:
    """Which kinds of farm furniture the page's blocks show, by matching the templates."""
    t = furniture_templates()
    headings = {style.format(heading=h) for style in t.heading_styles for h in t.middle_headings}
    closing = {style.format(heading=h) for style in t.heading_styles for h in t.closing_headings}
    kinds = set()
    blocks = _blocks(text)
    # The title is the first block, or the second after leaked text addressed to the prompter.
    for head in blocks[:2]:
        if _matches_any(head, t.clickbait_titles, min_literal=1):
            kinds.add("clickbait_title")
    for block in blocks:
        if block in headings or block in closing:
            kinds.add("generic_headings")
        if _matches_any(block, t.promo_lines):
            kinds.add("promo_lines")
        # Embed templates with little literal text escape the template matcher; each one
        # carries a handle, a short link or a platform's name.
        if _matches_any(block, t.embedded_posts) or any(
            mark in block for mark in ("(@", "— @", "twitter.com/", "t.co/", "Instagram")
        ):
            kinds.add("embedded_post")
        if _matches_any(block, t.recap_openers):
            kinds.add("recap")
        if _matches_any(block, t.leaked_assistant_top + t.leaked_assistant_bottom):
            kinds.add("leaked_assistant")
        if _is_comment_footer(block):
            kinds.add("comment_footer")
    return kinds


def _human_kinds_in(text: str) -> set[str]:
    """As `_farm_kinds_in`, for human furniture. The hand-made body sentences have no commas,
    colons or line breaks, so even templates with little literal text are told apart."""
    t = furniture_templates()
    kinds = set()
    for block in _blocks(text):
        if _matches_any(block, t.bylines, min_literal=0):
            kinds.add("byline")
        if _matches_any(block, t.photo_captions, min_literal=0):
            kinds.add("photo_caption")
        if _matches_any(block, t.related_links, min_literal=0):
            kinds.add("related_links")
        if _matches_any(block, t.trailers, min_literal=0):
            kinds.add("trailer")
    return kinds


def test_every_farm_furniture_kind_shows_when_asked_for_and_none_when_not() -> None:
    every = {
        "clickbait_title",
        "generic_headings",
        "promo_lines",
        "embedded_post",
        "recap",
        "leaked_assistant",
        "comment_footer",
    }
    full = _farm(40, seed=4, rates=ALL_FARM)
    for text, traits in zip(full["text"], full["page_traits"], strict=True):
        assert _farm_kinds_in(text) == every
        assert set(traits.split(",")) - {"retold_story"} == every
    empty = _farm(40, seed=4, rates=NO_FARM)
    for text, traits in zip(empty["text"], empty["page_traits"], strict=True):
        assert _farm_kinds_in(text) == set()
        assert traits in ("", "retold_story")
        assert "pic.twitter.com" not in text
        assert "@" not in text


def test_farm_page_layout_title_first_footer_last() -> None:
    t = furniture_templates()
    pages = _farm(40, seed=8, rates=ALL_FARM)
    for text in pages["text"]:
        blocks = _blocks(text)
        head = blocks[1] if _matches_any(blocks[0], t.leaked_assistant_top) else blocks[0]
        assert _matches_any(head, t.clickbait_titles, min_literal=1)
        assert _is_comment_footer(blocks[-1])
        recap_at = next(i for i, b in enumerate(blocks) if _matches_any(b, t.recap_openers))
        # Recap comes after the body: only leaked text and the footer follow it.
        assert len(blocks) - recap_at <= 3


def test_every_human_furniture_kind_shows_when_asked_for_and_none_when_not() -> None:
    full = _human(60, seed=4, rates=ALL_HUMAN)
    for text, traits, domain in zip(full["text"], full["page_traits"], full["domain"], strict=True):
        assert _human_kinds_in(text) == {"byline", "photo_caption", "related_links", "trailer"}
        expected = {"plain_title", "byline", "photo_caption", "related_links", "trailer"}
        assert expected <= set(traits.split(","))
        assert ("dateline" in traits) == (domain in NEWS_DOMAINS)
    empty = _human(60, seed=4, rates=NO_HUMAN)
    assert (empty["page_traits"] == "").all()
    for text in empty["text"]:
        assert _human_kinds_in(text) == set()


def test_human_pages_can_carry_the_furniture_farms_use_too() -> None:
    shared_kinds = {"embedded_post", "comment_footer", "promo_lines"}
    rates = HumanFurnitureRates(
        bare_page=0.0, embedded_post=1.0, comment_footer=1.0, promo_lines=1.0
    )
    pages = _human(40, seed=6, rates=rates)
    for text, traits in zip(pages["text"], pages["page_traits"], strict=True):
        assert shared_kinds <= set(traits.split(","))
        assert {"comment_footer", "promo_lines"} <= _farm_kinds_in(text)
        # Embed templates with little literal text escape the template matcher; each one
        # carries a handle, a short link or a platform's name.
        assert any(mark in text for mark in ("@", "twitter.com/", "t.co/", "Instagram", "Twitter"))


def test_bare_pages_carry_no_furniture() -> None:
    farm = _farm(30, seed=2, rates=FarmFurnitureRates(bare_page=1.0))
    assert set(farm["page_traits"]) <= {"", "retold_story"}
    assert all(_farm_kinds_in(text) == set() for text in farm["text"])
    human = _human(30, seed=2, rates=HumanFurnitureRates(bare_page=1.0))
    assert set(human["page_traits"]) == {""}


def _trait_rate(pages: pd.DataFrame, trait: str) -> float:
    return float(pages["page_traits"].str.split(",").map(lambda ts: trait in ts).mean())


def test_default_furniture_rates_are_realised_within_tolerance() -> None:
    n = 400
    farm = _farm(n, seed=21)
    rates = FarmFurnitureRates()
    furnished = 1 - rates.bare_page
    expected = {
        "clickbait_title": furnished * rates.clickbait_title,
        "plain_title": furnished * (1 - rates.clickbait_title) * rates.plain_title,
        "generic_headings": furnished * rates.generic_headings,
        "promo_lines": furnished * rates.promo_lines,
        "embedded_post": furnished * rates.embedded_post,
        "comment_footer": furnished * rates.comment_footer,
        "leaked_assistant": furnished * rates.leaked_assistant,
        "recap": furnished * rates.recap,
    }
    # Three binomial standard deviations at n=400 are at most 0.075.
    for trait, rate in expected.items():
        assert abs(_trait_rate(farm, trait) - rate) < 0.075, trait
    no_furniture = farm["page_traits"].isin(["", "retold_story"]).mean()
    assert rates.bare_page - 0.05 < no_furniture < rates.bare_page + 0.1

    human = _human(n, seed=21)
    human_rates = HumanFurnitureRates()
    furnished = 1 - human_rates.bare_page
    for trait in ("plain_title", "byline", "photo_caption", "trailer", "related_links"):
        rate = furnished * getattr(human_rates, trait)
        assert abs(_trait_rate(human, trait) - rate) < 0.075, trait
    # Honest furniture costs a farm nothing, so farm pages carry it as often as human pages.
    for trait in ("byline", "photo_caption", "trailer", "related_links", "subheadings"):
        rate = (1 - rates.bare_page) * getattr(rates.honest, trait)
        assert abs(_trait_rate(farm, trait) - rate) < 0.075, trait
        assert abs(_trait_rate(farm, trait) - _trait_rate(human, trait)) < 0.1, trait
    assert (human["page_traits"] == "").mean() >= human_rates.bare_page - 0.05


def test_read_more_lines_appear_on_both_sides() -> None:
    farm = _farm(400, seed=13)
    human = _human(400, seed=13)
    assert farm["text"].str.contains("\nRead more: ", regex=False).any()
    assert human["text"].str.contains("\nRead more: ", regex=False).any()


def test_every_template_fills_without_unknown_slots() -> None:
    """A misspelt slot in page_furniture.json would raise KeyError on the rare page using it."""
    templates = furniture_templates()
    filler = _Filler(_RowPool(FARM_ROWS), 0, 500, np.random.default_rng(0), templates)
    for spec in dataclasses.fields(FurnitureTemplates):
        for template in getattr(templates, spec.name):
            if spec.name == "heading_styles":
                assert template.format(heading="X").count("X") == 1
                continue
            filled = filler.fill(template)
            assert "{" not in filled
            assert filled.strip()


def test_templates_cover_dozens_of_variants_per_kind() -> None:
    t = furniture_templates()
    for kind in ("clickbait_titles", "middle_headings", "promo_lines", "embedded_posts"):
        assert len(set(getattr(t, kind))) >= 20, kind
    for kind in ("bylines", "photo_captions", "trailers", "related_links", "recap_openers"):
        assert len(set(getattr(t, kind))) >= 15, kind
    assert len(set(t.leaked_assistant_top + t.leaked_assistant_bottom)) >= 20


def test_no_single_furniture_string_is_on_most_farm_pages() -> None:
    pages = _farm(300, seed=17)
    lines = pd.Series(
        [line for text in pages["text"] for line in set(text.split("\n")) if line.strip()]
    )
    most_common_share = lines.value_counts().iloc[0] / len(pages)
    # The commonest are comment-form fields: a footer is on about a third of farm pages and
    # shows a handful of its fields, so one field is on about an eighth of them.
    assert most_common_share < 0.2


# --- split hygiene ----------------------------------------------------------------------------


def test_pages_built_from_split_rows_share_no_text_across_the_split() -> None:
    farm_train, farm_test = split_by_group(FARM_ROWS)
    human_train, human_test = split_by_group(HUMAN_ROWS)
    assert len(farm_test) > 0
    assert len(human_test) > 0
    rng = np.random.default_rng(0)
    train_pages = pd.concat(
        [
            assemble_farm_pages(farm_train, 150, matched_lengths(150, rng), rng),
            assemble_human_pages(human_train, 150, matched_lengths(150, rng), rng),
        ]
    )
    test_pages = pd.concat(
        [
            assemble_farm_pages(farm_test, 60, matched_lengths(60, rng), rng),
            assemble_human_pages(human_test, 60, matched_lengths(60, rng), rng),
        ]
    )
    # Every sentence carries the number of the row it came from, furniture quotes included.
    train_marks = {m for text in train_pages["text"] for m in MARK.findall(text)}
    test_marks = {m for text in test_pages["text"] for m in MARK.findall(text)}
    assert train_marks
    assert test_marks
    assert train_marks.isdisjoint(test_marks)
    assert not any(is_test_group(g) for g in train_pages["group"])
    assert all(is_test_group(g) for g in test_pages["group"])
    train_parts = set(" ".join(train_pages["part_ids"]).split())
    assert train_parts.isdisjoint(" ".join(test_pages["part_ids"]).split())


def test_rows_from_both_sides_of_the_split_are_refused() -> None:
    with pytest.raises(ValueError, match="both sides of the train/test split"):
        assemble_farm_pages(FARM_ROWS, 2, [200, 200], np.random.default_rng(0))


# --- text helpers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("", []),
        ("   ", []),
        ("word", ["word"]),
        ("One. Two!  Three?", ["One.", "Two!", "Three?"]),
        ('He said "Go." Then left.', ['He said "Go."', "Then left."]),
        (
            "Mr. Smith met Dr. Jones in the U.S. on Monday.",
            ["Mr. Smith met Dr. Jones in the U.S. on Monday."],
        ),
        ("J. R. Tolkien wrote... a lot. End", ["J. R. Tolkien wrote...", "a lot.", "End"]),
        ("这是一个测试。这是第二句。", ["这是一个测试。这是第二句。"]),
        ("Glued.Sentences stay together.", ["Glued.Sentences stay together."]),
        ("....  !!!", ["....", "!!!"]),
    ],
)
def test_sentences(line: str, expected: list[str]) -> None:
    assert _sentences(line) == expected


def test_paragraphs_drop_a_cut_opening_and_a_cut_ending() -> None:
    text = (
        "the end of a cut sentence. A whole one.\n\nAnother one. And then one that was cut off at"
    )
    assert _paragraph_sentences(text) == [["A whole one."], ["Another one."]]
    # A lone fragment, a short closing line and a heading are kept.
    assert _paragraph_sentences("only a fragment") == [["only a fragment"]]
    assert _paragraph_sentences("A sentence. Short tail") == [["A sentence.", "Short tail"]]
    assert _paragraph_sentences("Line one\r\nLine two\r\n\r\n") == [["Line one"], ["Line two"]]


@pytest.mark.parametrize(
    ("broken", "repaired"),
    [
        ("Costs Â£4.7m", "Costs £4.7m"),
        ("cafÃ© au lait", "café au lait"),
        ("itâ€™s here", "it’s here"),
        ("it\u00e2\u0080\u0099s", "it’s"),
        ("naïve café £5", "naïve café £5"),
        ("Ã alone", "Ã alone"),
    ],
)
def test_repair_mojibake(broken: str, repaired: str) -> None:
    assert _repair_mojibake(broken) == repaired


def test_typography_styles_are_each_others_inverse_on_quotes() -> None:
    plain = "He said \"it's fine\" - and ('ok') then left..."
    curly = _curly_typography(plain)
    assert curly == "He said “it’s fine” — and (‘ok’) then left…"
    assert _straight_typography(curly) == plain
    assert not set("‘’“”…—") & set(_straight_typography("“A” ‘b’ c… d—e"))


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "The government said extra funds were being given to early years providers.",
            "Early years providers",
        ),
        (
            "He is two seconds behind race leader Vincenzo Nibali.",
            "Seconds behind race leader Vincenzo",
        ),
        ("It is what it is.", None),
        ("", None),
    ],
)
def test_honest_subheading(paragraph: str, expected: str | None) -> None:
    assert _honest_subheading(paragraph) == expected


def test_headline_phrase_takes_a_short_sentence_whole_and_cuts_a_long_one() -> None:
    rng = np.random.default_rng(0)
    assert _headline_phrase("Council approves the new bridge.", rng) == [
        "Council",
        "approves",
        "the",
        "new",
        "bridge",
    ]
    long_one = "Police in Wiltshire, after a long night, found the missing van near a farm at dawn."
    # Cut at the first clause break after the fourth word.
    assert _headline_phrase(long_one, rng) == [
        "Police",
        "in",
        "Wiltshire,",
        "after",
        "a",
        "long",
        "night",
    ]
    phrase = _headline_phrase("word " * 40 + "the end of it.", rng)
    assert 2 <= len(phrase) <= 10


# --- on the real corpora ----------------------------------------------------------------------


@pytest.mark.shared
def test_length_alone_does_not_tell_assembled_pages_apart_on_real_data() -> None:
    if not DATA_DIR.is_dir():
        pytest.skip(f"{DATA_DIR} is absent: this test needs ../shared/data beside the project")
    rows = strip_shared_openings(load_corpora(DATA_DIR))
    train, _ = split_by_group(rows)
    rng = np.random.default_rng(2024)
    n = 300
    farm = assemble_farm_pages(train[train["label"] == 1], n, matched_lengths(n, rng), rng)
    human = assemble_human_pages(train[train["label"] == 0], n, matched_lengths(n, rng), rng)
    farm_words, human_words = _words(farm["text"]), _words(human["text"])
    median_gap = abs(np.median(farm_words) - np.median(human_words)) / np.median(human_words)
    auc = roc_auc_score(np.r_[np.ones(n), np.zeros(n)], np.r_[farm_words, human_words])
    print(
        f"\nmedian words farm {np.median(farm_words):.0f} human {np.median(human_words):.0f} "
        f"(gap {median_gap:.1%}); ROC-AUC of word count {auc:.3f}"
    )
    assert median_gap < 0.15
    assert 0.40 <= auc <= 0.60
