"""Markdown documents as the plain text that farmscore measures.

A `.md` file's own headings and lists are its structure, not markup an LLM left behind in a web
page, so they are turned into what an article extractor gives for the rendered page: each
heading and each list item on its own line (items as "- item"), paragraphs apart, emphasis,
links and images reduced to their text, code blocks, raw HTML tags and site-generator template
tags (Hugo shortcodes, Liquid) left out. Plain text
that still carries "## Heading" or "**bold**" is measured as it is, and counts as leaked
markup there.

>>> page = "# Kettle review\\n\\nIt is **quiet**.\\n\\n## Pros\\n\\n* Fast\\n* Cheap\\n"
>>> print(markdown_to_text(page))
Kettle review
<BLANKLINE>
It is quiet.
<BLANKLINE>
Pros
- Fast
- Cheap
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

# A front-matter block (YAML between "---" lines, TOML between "+++" lines) at the very start.
_FRONT_MATTER = re.compile(
    r"\A(?:---|\+\+\+)[ \t]*\r?\n(.*?)\r?\n(?:---|\+\+\+|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S
)
_FRONT_MATTER_TITLE = re.compile(r"^title[ \t]*[:=][ \t]*(.+?)[ \t]*$", re.M)
_HTML_TAG = re.compile(r"<[^<>]{0,2000}>")
_HTML_COMMENT = re.compile(r"<!--.{0,20000}?-->", re.S)
# Site-generator template tags (Hugo shortcodes, Liquid and Jinja tags), dropped with their
# arguments; the text between an opening and a closing shortcode stays. A tag holds no brace,
# so a scan for its end stops at the next one: an unclosed "{{" costs a few characters.
_TEMPLATE_TAG = re.compile(r"\{\{[<%][^{}]{0,500}[>%]\}\}|\{%[^{}]{0,500}%\}|\{\{[^{}]{0,500}\}\}")
_SPACES = re.compile(r"[ \t\r\f\v]+")
# Blocks whose text is not prose a reader reads as the article.
_SKIPPED_BLOCKS = frozenset({"fence", "code_block", "hr"})
# The parser is pure Python: ordinary Markdown costs about 0.5 s per MB, but text made mostly
# of markup characters ("![a![a...", "[a](" repeated) costs up to 17 s per MB. A document over
# this size whose markup characters are more than this share of it is no article written in
# Markdown, and is read as plain text instead.
_MARKUP_CHARACTERS = "[]()!`*_<>|&#"
MARKUP_CHECK_MIN_CHARS = 10_000
MAX_MARKUP_SHARE = 0.25


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # CommonMark with tables, raw HTML recognised (so that its tags can be dropped), and no
    # link checking: nothing here fetches or follows anything.
    return MarkdownIt("commonmark", {"html": True}).enable("table")


# What makes a text given as a field or on standard input a Markdown document: headings at a
# line start ("## Method"), list items, links. Linear patterns, each anchored or bounded.
_ATX_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+[A-Z0-9*_\"'\[(]", re.MULTILINE)
_LIST_ITEM = re.compile(r"^[ \t]{0,3}(?:[-*+]|\d{1,3}[.)])[ \t]+\S", re.MULTILINE)
_LINK = re.compile(r"\[[^\[\]\n]{1,200}\]\((?:https?://|/|\.)[^()\s]{0,500}\)")
MARKDOWN_MIN_HEADINGS = 2


def looks_like_markdown(text: str) -> bool:
    """Whether a text is a Markdown document: two headings or more, or a heading with a list
    or a link. Its headings and lists are then its structure, read as a `.md` file is read,
    not markup left in a page.

    >>> looks_like_markdown("# Setup\\n\\nInstall it.\\n\\n## Use\\n\\nRun it.")
    True
    >>> looks_like_markdown("The council met on Tuesday. #budget")
    False
    """
    headings = sum(
        1 for _ in zip(range(MARKDOWN_MIN_HEADINGS), _ATX_HEADING.finditer(text), strict=False)
    )
    if headings >= MARKDOWN_MIN_HEADINGS:
        return True
    if headings == 0:
        return False
    lists = sum(1 for _ in zip(range(2), _LIST_ITEM.finditer(text), strict=False))
    return lists >= 2 or _LINK.search(text) is not None


def as_read_text(text: str) -> str:
    """A text as farmscore reads it from a field or standard input: a Markdown document turned
    into lines (`markdown_to_text`), anything else as it is."""
    return markdown_to_text(text) if looks_like_markdown(text) else text


def markdown_to_text(markdown: str) -> str:
    """The article text of a Markdown document: a front-matter title as the first line, then
    headings, paragraphs, list items ("- item") and table rows ("cell | cell") as lines."""
    body, title = _without_front_matter(markdown)
    body = _TEMPLATE_TAG.sub("", body)
    if _mostly_markup(body):
        return "\n\n".join(part for part in (title, body.strip()) if part)
    blocks: list[tuple[str, str]] = []  # (kind, text): kind "item" and "row" lines stay together
    if title:
        blocks.append(("heading", title))
    tokens = _parser().parse(body)
    list_depth = 0
    row: list[str] = []
    for index, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            if any(row):
                blocks.append(("row", " | ".join(row)))
        elif token.type == "inline":
            text = _inline_text(token.children or [])
            if not text:
                continue
            opener = tokens[index - 1].type if index else ""
            if opener in ("th_open", "td_open"):
                row.append(text)
            elif opener == "heading_open":
                blocks.append(("heading", text))
            elif list_depth:
                blocks.append(("item", "- " + text))
            else:
                blocks.append(("paragraph", text))
        elif token.type == "html_block":
            text = _plain(html.unescape(_HTML_TAG.sub(" ", _HTML_COMMENT.sub(" ", token.content))))
            if text:
                blocks.append(("paragraph", text))
        elif token.type in _SKIPPED_BLOCKS:
            continue
    return _joined(blocks)


def _mostly_markup(text: str) -> bool:
    if len(text) < MARKUP_CHECK_MIN_CHARS:
        return False
    markup = sum(text.count(character) for character in _MARKUP_CHARACTERS)
    return markup > MAX_MARKUP_SHARE * len(text)


def _without_front_matter(markdown: str) -> tuple[str, str]:
    """The document without its front matter, and the title the front matter gives ("" if
    none)."""
    match = _FRONT_MATTER.match(markdown.lstrip("\ufeff"))
    if not match:
        return markdown, ""
    title_match = _FRONT_MATTER_TITLE.search(match.group(1))
    title = title_match.group(1).strip("\"'") if title_match else ""
    return markdown.lstrip("\ufeff")[match.end() :], _plain(html.unescape(title))


def _inline_text(children: Sequence[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        # Images, raw inline HTML and the markup of emphasis and links add no words.
    return _plain("".join(parts))


def _plain(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


def _joined(blocks: list[tuple[str, str]]) -> str:
    """Paragraphs and headings apart by a blank line; list items and table rows of one run on
    consecutive lines, with a heading directly above the run it introduces."""
    out: list[str] = []
    previous = ""
    for kind, text in blocks:
        if out:
            together = kind in ("item", "row") and previous in (kind, "heading")
            out.append("\n" if together else "\n\n")
        out.append(text)
        previous = kind
    return "".join(out)
