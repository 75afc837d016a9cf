"""The structure family: headings, labels, farm and news furniture, titles, page shape."""

from __future__ import annotations

import math
import random

import pytest

import farmscore.features.structure as structure
from farmscore.features.text import AnalyzedText

NAMES = [spec.name for spec in structure.FEATURES]


def values(text: str) -> dict[str, float]:
    return structure.extract(AnalyzedText(text)).values


def value(text: str, short_name: str) -> float:
    return values(text)[f"structure_{short_name}"]


def evidence_texts(text: str, short_name: str) -> list[str]:
    result = structure.extract(AnalyzedText(text))
    feature = f"structure_{short_name}"
    return [text[e.start : e.end] for e in result.evidence if e.feature == feature]


# A farm page with every kind of farm furniture, and a news page with only honest furniture.
FARM_PAGE = """BREAKING: You Won't Believe What The Mayor Did!

Understanding the Situation

The mayor resigned. Officials said it was sudden.

- Economic Impact: The decision could reshape the local economy for years.
- Public Reaction: Residents took to social media to voice their anger.

YOU MAY ALSO LIKE: Mayor buys a boat

pic.twitter.com/abc123

— Jane Roe (@janeroe) June 22, 2025

Final Thoughts

In conclusion, the resignation marks a turning point for the city.

Leave a Reply
Your email address will not be published. Required fields are marked *"""

NEWS_PAGE = """Council approves $4.2m budget after late-night session

By Jane Smith

WASHINGTON (Reuters) - The city council voted 7-2 on Tuesday to approve a $4.2 million
budget, Mayor Ana Ruiz said.

Council member Tom Lee voted against it. "We cut the library again," he said.

Council members leave the chamber on Tuesday. (AP Photo/Evan Vucci)

Read more: Council delays vote on bus fares

Sign up for our newsletter. Support our journalism: Donate today."""


def test_features_are_documented_named_by_family_and_returned_in_order() -> None:
    assert len(NAMES) == len(set(NAMES))
    assert all(name.startswith("structure_") for name in NAMES)
    assert all(spec.unit and spec.definition and spec.rationale for spec in structure.FEATURES)
    assert list(values("Some text.")) == NAMES


def test_page_shape_on_a_small_page() -> None:
    text = (
        "Council Passes Budget\n\nThe council voted on Tuesday.\n\nWhat Happens Next\n\n"
        "The mayor will sign it, she said.\n\n- Roads get more money.\n- Parks get less"
    )
    found = values(text)
    # 6 lines, 25 words, 5 paragraphs; the title line is not counted as a heading.
    assert found["structure_heading_line_fraction"] == pytest.approx(1 / 6)
    # One heading, counted per 1,000 words as if 250 more words had none.
    assert found["structure_heading_lines_per_1k_words"] == pytest.approx(1000 / 275)
    assert found["structure_bullet_line_fraction"] == pytest.approx(2 / 6)
    assert found["structure_terminal_punctuation_line_fraction"] == pytest.approx(3 / 6)
    assert found["structure_short_line_fraction"] == pytest.approx(5 / 6)
    assert found["structure_mean_paragraph_words"] == pytest.approx(5.0)
    assert evidence_texts(text, "heading_line_fraction") == ["What Happens Next"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Final Thoughts", 1),
        ("Understanding the Fallout", 1),
        ("## Key Takeaways", 1),
        ("1. Introduction", 1),
        ("Conclusion: The decision will shape the city for years.", 1),
        ("Why It’s Important", 1),
        ("What’s Next", 1),
        ("Kodiak Pitchers Shine in Anchorage", 0),
        ("Why it matters is still unclear to the council.", 0),
        ("The background of the case is long and winding.", 0),
    ],
)
def test_generic_headings(line: str, expected: int) -> None:
    text = f"Page Title\n\nThe council met.\n\n{line}\n\nIt voted 7-2 on the plan."
    assert value(text, "generic_heading_count") == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "- **Economic Impact:** The decision could reshape the economy.\n"
            "- **Public Reaction:** Residents voiced their anger online.",
            2,
        ),
        ("Economic Impact: The decision could reshape the economy for years.", 1),
        # A transcript: each speaker label recurs, so none counts.
        (
            "Jane Smith: We did our best this year.\nTom Lee: I think we can do more.\n"
            "Jane Smith: We will try that next year.\nTom Lee: I hope we can do it.",
            0,
        ),
        ("When: Saturday at 7 p.m. at the town hall", 0),
        ("WASHINGTON: The president said the talks would continue.", 0),
        ("Ryan S. Hollman: Dealing in methamphetamine, held in jail.", 0),
        ("Replacements: Fortey, Murphy, Daly, Vaili, Cole, Hayes.", 0),
        ("Washington, DC, United States: Getting to the Moon is hard.", 0),
        ("Economic Impact: Large.", 0),
    ],
)
def test_label_sentence_lines(body: str, expected: int) -> None:
    text = f"Page Title\n\n{body}\n\nThe end came on Tuesday."
    assert value(text, "label_sentence_line_count") == expected


@pytest.mark.parametrize(
    ("line", "bait", "related"),
    [
        ("YOU MAY ALSO LIKE: Mayor buys a boat", 1, 0),
        ("Trending Now", 1, 0),
        ("Don't miss: the ten best parks", 1, 0),
        ("Click here to read the full report.", 1, 0),
        ("Read more: Council delays vote on fares", 0, 1),
        ("READ MORE: Council delays vote on fares", 0, 1),
        ("Related: Council delays vote", 0, 1),
        ("Also read | Bus fares rise", 0, 1),
        ("Related to this, the council met again.", 0, 0),
        ("You may also like the new park, officials said.", 0, 0),
    ],
)
def test_promotion_lines(line: str, bait: int, related: int) -> None:
    text = f"Page Title\n\nThe council met.\n\n{line}\n\nIt voted 7-2."
    assert value(text, "bait_promo_line_count") == bait
    assert value(text, "related_link_line_count") == related


def test_comment_form_and_embedded_posts() -> None:
    assert value(FARM_PAGE, "comment_form_phrase_count") == 3
    assert evidence_texts(FARM_PAGE, "comment_form_phrase_count") == [
        "Leave a Reply",
        "Your email address will not be published",
        "Required fields are marked",
    ]
    assert value(FARM_PAGE, "embedded_post_remnant_count") == 2
    assert evidence_texts(FARM_PAGE, "embedded_post_remnant_count") == [
        "pic.twitter.com/",
        "— Jane Roe (@janeroe) June 22, 2025",
    ]
    insta = "Page Title\n\nView this post on Instagram\n\nA post shared by Jane (@jane)"
    assert value(insta, "embedded_post_remnant_count") == 2


@pytest.mark.parametrize(
    ("title", "clickbait", "caps", "exclamation", "question", "listicle"),
    [
        ("BREAKING: You Won't Believe What The Mayor Did!", 2, 1 / 8, 1, 0, 0),
        ("SHOCKING Video Goes Viral", 2, 1 / 4, 0, 0, 0),
        ("Is the Budget Too Small?", 0, 0, 0, 1, 0),
        ("7 Reasons the Budget Failed", 0, 0, 0, 0, 1),
        ("Ten Things to Know About Fares", 0, 0, 0, 0, 1),
        ("Council approves $4.2m budget after NATO talks", 0, 0, 0, 0, 0),
    ],
)
def test_title_features(
    title: str, clickbait: int, caps: float, exclamation: int, question: int, listicle: int
) -> None:
    found = values(f"{title}\n\nThe council voted 7-2 on Tuesday.")
    assert found["structure_title_clickbait_marker_count"] == clickbait
    assert found["structure_title_caps_word_fraction"] == pytest.approx(caps)
    assert found["structure_title_exclamation_flag"] == exclamation
    assert found["structure_title_question_flag"] == question
    assert found["structure_title_listicle_flag"] == listicle


def test_a_text_without_a_title_line_has_no_title_features() -> None:
    found = values("BREAKING: this single line is not followed by any text!")
    assert all(found[name] == 0.0 for name in NAMES if name.startswith("structure_title_"))


@pytest.mark.parametrize(
    ("paragraphs", "recaps", "closing"),
    [
        (["The council met.", "It voted.", "In conclusion, the city won."], 1, 1),
        (["Overall, the city won.", "It voted.", "Then it met.", "Later it rained."], 1, 0),
        (["Ultimately, it voted.", "In summary: fine.", "All in all, good."], 3, 1),
        (["Overall the city won.", "The vote was, in conclusion, close."], 0, 0),
    ],
)
def test_recap_paragraphs(paragraphs: list[str], recaps: int, closing: int) -> None:
    text = "\n\n".join(paragraphs)
    assert value(text, "recap_paragraph_count") == recaps
    assert value(text, "closing_recap_flag") == closing


def test_the_farm_page_scores_on_the_farm_features() -> None:
    found = values(FARM_PAGE)
    assert found["structure_generic_heading_count"] == 4
    assert found["structure_label_sentence_line_count"] == 2
    assert found["structure_bait_promo_line_count"] == 1
    assert found["structure_title_clickbait_marker_count"] == 2
    assert found["structure_closing_recap_flag"] == 1
    assert found["structure_news_furniture_line_count"] == 0


def test_honest_news_furniture_is_counted_apart_and_not_as_farm_furniture() -> None:
    found = values(NEWS_PAGE)
    assert found["structure_news_furniture_line_count"] == 3
    assert evidence_texts(NEWS_PAGE, "news_furniture_line_count") == [
        "By Jane Smith",
        "WASHINGTON (Reuters) - ",
        "(AP Photo/Evan Vucci)",
    ]
    assert found["structure_related_link_line_count"] == 1
    for farm_feature in (
        "structure_heading_line_fraction",
        "structure_generic_heading_count",
        "structure_label_sentence_line_count",
        "structure_bait_promo_line_count",
        "structure_comment_form_phrase_count",
        "structure_embedded_post_remnant_count",
        "structure_title_clickbait_marker_count",
        "structure_recap_paragraph_count",
    ):
        assert found[farm_feature] == 0, farm_feature


@pytest.mark.parametrize(
    "line",
    [
        "Photo: Jane Smith/Reuters",
        "By JANE SMITH, Staff Writer",
        "NEW YORK — The market fell on Monday.",
        "LONDON, England (CNN) -- Talks resumed.",
        "(Reporting by Jane Smith; Editing by Tom Lee)",
    ],
)
def test_news_furniture_lines(line: str) -> None:
    text = f"Page Title\n\n{line}\n\nThe council voted on Tuesday."
    assert value(text, "news_furniture_line_count") == 1


def test_shouted_openings_are_not_datelines() -> None:
    text = "Page Title\n\nBREAKING — The council voted on Tuesday."
    assert value(text, "news_furniture_line_count") == 0


def _garbage() -> str:
    rng = random.Random(11)
    return bytes(rng.randrange(256) for _ in range(20_000)).decode("utf-8", errors="replace")


EDGE_INPUTS = {
    "empty": "",
    "whitespace": " \n\t \r\n ",
    "one word": "word",
    "chinese": "这是一个测试。我们今天讨论经济问题。\n\n结论\n\n总之，这是好的。",
    "russian": "Это тест. Мы обсуждаем экономику.\n\nЗаключение\n\nВ заключение, всё хорошо.",
    "binary garbage": _garbage(),
    "one repeated character": "A" * 1_000_000,
    "many one-word lines": "\n".join(["word"] * 100_000),
}


@pytest.mark.parametrize("name", list(EDGE_INPUTS))
def test_every_input_gives_finite_values_and_valid_spans(name: str) -> None:
    text = EDGE_INPUTS[name]
    result = structure.extract(AnalyzedText(text))
    assert list(result.values) == NAMES
    assert all(isinstance(v, float) and math.isfinite(v) for v in result.values.values())
    assert all(0 <= e.start <= e.end <= len(text) for e in result.evidence)


def test_empty_text_is_all_zero() -> None:
    assert all(v == 0.0 for v in values("").values())


def test_many_one_word_lines_are_short_lines_without_headings() -> None:
    found = values("\n".join(["word"] * 100_000))
    assert found["structure_short_line_fraction"] == 1.0
    assert found["structure_heading_line_fraction"] == 0.0
    assert found["structure_mean_paragraph_words"] == 1.0


def test_a_five_megabyte_line_finishes() -> None:
    sentence = "The council voted 7-2 on Tuesday to approve the budget, the mayor said. "
    found = values(sentence * (5_000_000 // len(sentence)))
    assert all(math.isfinite(v) for v in found.values())
    assert found["structure_terminal_punctuation_line_fraction"] == 1.0


def test_bullet_lines_are_the_evidence_of_the_bullet_share() -> None:
    text = "Kettle review\n\nPros\n- Quiet at a boil\n- Auto shut-off\n\nCons\n1. The lid sticks"
    assert evidence_texts(text, "bullet_line_fraction") == [
        "- Quiet at a boil",
        "- Auto shut-off",
        "1. The lid sticks",
    ]


_PROSE = (
    "The county board met on Monday to review the new road plan for the river district, and "
    "engineers said the bridge repairs would close two lanes until the end of March while shop "
    "owners asked for signs directing drivers to the detour around Front Street."
)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ALSO READ: 10 Shocking Facts About the Titanic", 1),
        ("Recommended For You: 15 Celebrities Who Went Bankrupt", 1),
        (">>> CLICK HERE TO CLAIM YOUR FREE TRADING SIGNALS <<<", 1),
        ("👉 Join our WhatsApp group for daily job alerts", 1),
        ("HOT RIGHT NOW 🔥: The Actor Nobody Recognises Anymore", 1),
        ("Sponsored Content: The Savings Account Banks Don't Advertise", 1),
        ("Want the best deals first? Subscribe now and never miss a sale!", 1),
        ("Use code SPRING15 at checkout for free shipping on your first order.", 1),
        ("Loved this story? Share it with your friends on WhatsApp!", 1),
        ("Free spins waiting: register at our partner casino for 100 more!", 1),
        ("Comment YES if you think the referee got it wrong!", 1),
        ("To use SIMD with this code via the crate, you'd change it to this:", 0),
        # A call to action inside a long paragraph of the story is the story's, not a splice.
        (f"{_PROSE} Residents who want updates can subscribe now at the county website.", 0),
        # A news template's own related links and a widget's label are not spliced promotion.
        ("Read more: Council approves school funding", 0),
        ("Related: Bridge repairs begin", 0),
        ("Follow us on Twitter @county", 0),
    ],
)
def test_promotion_spliced_into_the_body(line: str, expected: int) -> None:
    text = f"{_PROSE}\n\n{line}\n\n{_PROSE}"
    values = structure.extract(AnalyzedText(text)).values
    assert values["structure_injected_promotion_count"] == expected


def test_promotion_outside_the_body_or_heading_a_widget_is_not_counted() -> None:
    trailing = f"{_PROSE}\n\nALSO READ: 10 Shocking Facts About the Titanic"
    widget = f"{_PROSE}\n\nDON'T MISS\nMayor quits\nRoads close\n\n{_PROSE}"
    for text in (trailing, widget):
        assert (
            structure.extract(AnalyzedText(text)).values["structure_injected_promotion_count"] == 0
        )


_OFFERS = (
    "40% Off 55-inch 4K Smart TV, Now $399 Plus a $25 Gift Card",
    "35% Off 27-inch Gaming Monitor, Now $259 With Free Delivery",
    "50% Off Cordless Drill Kit, Now $49 Plus a Free Battery",
)


def test_offers_that_are_the_pages_subject_are_not_spliced_promotion() -> None:
    # Each offer alone, amid a story, reads as promotion to the learned scorer and counts.
    for offer in _OFFERS:
        doc = AnalyzedText(f"{_PROSE}\n\n{offer}\n\n{_PROSE}")
        assert len(doc.tell_lines.get("promotion", [])) == 1
        assert structure.extract(doc).values["structure_injected_promotion_count"] == 1
    # A roundup of offers (a deals post) is what the page is about.
    roundup = AnalyzedText(_PROSE + "".join(f"\n\n{offer}\n\n{_PROSE}" for offer in _OFFERS))
    assert len(roundup.tell_lines["promotion"]) == structure.OFFER_ROUNDUP_LINES
    assert structure.extract(roundup).values["structure_injected_promotion_count"] == 0


def test_a_gift_guides_priced_items_are_its_subject() -> None:
    # One item reads as promotion to the learned scorer; the others, short lines with a price
    # too, do not. Together they are a gift guide's list, not promotion spliced into a story.
    items = ("Travel kettle for $35", "Wool hiking socks for $22", _OFFERS[0])
    guide = AnalyzedText(_PROSE + "".join(f"\n\n{item}\n\n{_PROSE}" for item in items))
    assert 0 < len(guide.tell_lines["promotion"]) < structure.OFFER_ROUNDUP_LINES
    assert structure.extract(guide).values["structure_injected_promotion_count"] == 0
    # The same offer amid a story with a single priced line stays spliced promotion.
    story = AnalyzedText(f"{_PROSE}\n\n{items[0]}\n\n{_PROSE}\n\n{_OFFERS[0]}\n\n{_PROSE}")
    assert structure.extract(story).values["structure_injected_promotion_count"] == 1
