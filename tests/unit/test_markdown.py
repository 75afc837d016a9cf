"""Markdown documents read as the text of their rendered page: structure as lines, no markup."""

from __future__ import annotations

import gc
import time

import pytest

from farmscore.features.extractor import analyze_text
from farmscore.reading.markdown import as_read_text, looks_like_markdown, markdown_to_text


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("# Title\n\nBody text.", "Title\n\nBody text."),
        ("Title\n=====\n\nBody.", "Title\n\nBody."),
        ("Some **bold** and _em_ and `code`.", "Some bold and em and code."),
        ("A [link](https://x.example) and ![img](a.png) here.", "A link and here."),
        (
            "## Pros\n\n- Fast\n- Cheap\n\n## Cons\n\n1. Loud",
            "Pros\n- Fast\n- Cheap\n\nCons\n- Loud",
        ),
        ("Intro.\n\n```python\nprint(1)\n```\n\n    indented code\n\nOutro.", "Intro.\n\nOutro."),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "a | b\n1 | 2"),
        ("> A quoted line\n> goes on.", "A quoted line goes on."),
        ("<div class='x'>Raw <b>html</b> block</div>\n\nText.", "Raw html block\n\nText."),
        ("<!-- a comment > with a bracket -->\n\nText.", "Text."),
        ("Line one\nline two.", "Line one line two."),
        ("", ""),
    ],
)
def test_markdown_becomes_the_text_of_its_page(markdown: str, expected: str) -> None:
    assert markdown_to_text(markdown) == expected


def test_front_matter_gives_the_title_and_is_otherwise_dropped() -> None:
    yaml = "---\ntitle: 'Big &amp; Open Data'\ndate: 2014-07-01\ntags:\n  - data\n---\nBody."
    assert markdown_to_text(yaml) == "Big & Open Data\n\nBody."
    toml = '+++\ntitle = "Hello"\ndraft = false\n+++\nBody.'
    assert markdown_to_text(toml) == "Hello\n\nBody."
    assert markdown_to_text("---\ndate: 2020\n---\nBody.") == "Body."


def test_site_generator_template_tags_are_dropped_and_their_contents_kept() -> None:
    text = (
        '{{< legacy-img src="a.png" >}}\n\nHello {{ site.baseurl }}there{% include x.html %}.'
        "\n\n{{< note >}}Inner text.{{< /note >}}"
    )
    assert markdown_to_text(text) == "Hello there.\n\nInner text."


def test_a_markdown_title_is_not_a_leaked_heading_but_raw_markup_still_is() -> None:
    page = (
        "# A month with the QX3\n\nI wore them for 120 hours on two flights.\n\n## Verdict\n\nBuy."
    )
    as_markdown = analyze_text(markdown_to_text(page)).values
    as_text = analyze_text(page).values
    assert as_markdown["artifacts_markdown_count"] == 0
    assert as_text["artifacts_markdown_count"] >= 2


@pytest.mark.parametrize(
    "piece", ["{{", "{%", "<", "<!--", "[", "**", "`", "#", "- ", "> ", "|", "\\", "![a"]
)
def test_time_stays_linear_in_the_input_size(piece: str) -> None:
    def seconds(repeats: int) -> float:
        text = ("word " + piece) * repeats
        best = float("inf")
        for _ in range(5):  # the best of five: a collector pause is not the parser's cost
            gc.collect()
            start = time.perf_counter()
            markdown_to_text(text)
            best = min(best, time.perf_counter() - start)
        return best

    small, large = seconds(2_000), seconds(8_000)
    # Four times the input costs about four times the time; quadratic would be sixteen. The
    # bound sits between the two, with room for a busy machine (a CI run on 2 cores measured
    # 6.9 times for "<" once).
    assert large < max(10 * small, 0.05), (piece, small, large)


def test_text_made_mostly_of_markup_characters_is_read_as_plain_text() -> None:
    # "![a" repeated costs the parser about 17 s per MB; such a file is no Markdown article.
    hostile = "![a" * 20_000
    start = time.perf_counter()
    assert markdown_to_text("# Title\n\n" + hostile) == "# Title\n\n" + hostile
    assert time.perf_counter() - start < 1.0
    # Ordinary Markdown of the same size is still parsed.
    ordinary = "## Heading\n\n" + "Some **plain** prose with a [link](x). " * 2_000
    assert markdown_to_text(ordinary).startswith("Heading\n\nSome plain prose with a link.")


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("# Setup\n\nInstall it.\n\n## Use\n\nRun it.", True),
        ("## Steps\n\n- Open the box\n- Plug it in", True),
        ("## Notes\n\nSee [the guide](https://example.org/guide).", True),
        ("The council met on Tuesday. #budget #vote", False),
        ("# install the tools\npip install farmscore", False),
        ("Plain text with no structure at all.", False),
    ],
)
def test_a_text_field_is_read_as_markdown_only_when_it_is_a_markdown_document(
    text: str, markdown: bool
) -> None:
    assert looks_like_markdown(text) is markdown
    assert (as_read_text(text) != text) is markdown


def test_a_markdown_post_in_a_text_field_has_no_leaked_markup() -> None:
    post = "# My trip\n\nWe drove north.\n\n## Day two\n\n- Hiked\n- Swam\n\nGreat trip."
    found = analyze_text(as_read_text(post)).values
    assert found["artifacts_markdown_count"] == 0
    assert analyze_text(post).values["artifacts_markdown_count"] >= 2
