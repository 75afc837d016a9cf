"""Turn a web page into the article's text, its title and a few page-level facts.

This is the only module that touches HTML. It never fetches anything: trafilatura gets an
already parsed tree, and nothing here opens a file or a socket.

>>> page = extract_article(
...     "<html lang='en-GB'><head><title>Rain due</title></head><body>"
...     "<h1>Rain due</h1><p>It will rain on Tuesday, the forecaster said.</p></body></html>"
... )
>>> page.text, page.title, page.language, page.method
('It will rain on Tuesday, the forecaster said.', 'Rain due', 'en', 'trafilatura')
"""

from __future__ import annotations

import codecs
import gzip
import html as html_module
import io
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, replace

import trafilatura
from lxml import etree  # type: ignore[import-untyped]
from lxml.html import (  # type: ignore[import-untyped]
    HtmlElement,
    HTMLParser,
    document_fromstring,
)

# How extraction ended, as stable names that reports can count.
METHOD_TRAFILATURA = "trafilatura"  # trafilatura found the main text
METHOD_VISIBLE_TEXT = "visible_text"  # trafilatura found nothing; all visible body text instead
METHOD_PLAIN_TEXT = "plain_text"  # the input held no HTML tags, so it is its own text
METHOD_NONE = "none"  # no text at all; `reason` says why

REASON_EMPTY_INPUT = "empty_input"  # nothing but whitespace was given
REASON_UNPARSEABLE = "unparseable_html"  # lxml could not build a tree
REASON_NO_VISIBLE_TEXT = "no_visible_text"  # a tree, but no text a reader would see
REASON_TRAFILATURA_EMPTY = "trafilatura_found_no_main_text"  # why the visible text was used
REASON_TRAFILATURA_ERROR = "trafilatura_failed"  # trafilatura raised; visible text was used
REASON_TOO_DEEP = "nested_too_deep"  # the parser dropped text nested too deep; tags stripped
REASON_COMPRESSED = "unreadable_compressed_page"  # gzip bytes that would not decompress


@dataclass(frozen=True, slots=True)
class ExtractSettings:
    """Extraction settings, with defaults measured on real article pages (see the shared test)."""

    # Precision mode scored the best token F1 against hand-marked article bodies, and a clean
    # body matches the plain-text corpora the model learns from.
    favor_precision: bool = True
    # Tables inside articles are usually part of the story (results, prices); keeping them
    # raised recall more than it cost precision.
    include_tables: bool = True
    # Pages with more table cells than this are extracted without tables: trafilatura's table
    # handling grows with the square of a row's cells (100,000 cells took 100 s). Real
    # articles in the benchmark have at most 287.
    max_table_cells: int = 5_000
    # Pages longer than this many characters are cut before parsing, to bound time and memory;
    # libxml2 also drops a single text node over 10 MB and anything nested over 255 deep.
    max_html_chars: int = 10_000_000
    # How far into a byte string to look for a <meta charset> declaration.
    charset_sniff_bytes: int = 4096
    # Embedded tweets whose text is handed to trafilatura as a plain quote; more are left as
    # they are, to bound the work on a page built of thousands of embeds.
    max_tweet_embeds_unwrapped: int = 50


DEFAULT_SETTINGS = ExtractSettings()


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """The article in a page and cheap facts about the page around it.

    `text` is the main text: paragraphs separated by blank lines, headings as paragraphs of
    their own, list items and table rows one per line (table cells joined by " | "). It does
    not start with the title, which is kept apart in `title`.
    Page facts are counted over the whole <body>, furniture included.
    """

    text: str
    title: str | None
    language: str | None  # primary subtag of <html lang> or Content-Language, lower case
    meta_description: str | None
    meta_author: str | None
    n_links: int  # <a href> elements in the body
    n_images: int  # <img> elements in the body
    n_embedded_tweets: int  # Twitter/X embeds: blockquote.twitter-tweet or a twitter iframe
    link_text_char_fraction: float  # share of visible_text_chars that sit inside links, 0..1
    visible_text_chars: int  # visible body characters, whitespace not counted
    html_chars: int  # length of the decoded page
    has_comment_form: bool  # a comment form or comment textarea (e.g. WordPress "Leave a Reply")
    method: str  # one of the METHOD_* names
    reason: str | None  # one of the REASON_* names when the method is not trafilatura
    encoding: str | None  # codec used to decode bytes; None when text was given
    truncated: bool  # the page was longer than max_html_chars and was cut
    # The page's own address: <link rel="canonical">, else og:url (absolute http(s) only).
    canonical_url: str | None = None


# --- decoding -------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Bounded gaps keep this linear even on a megabyte of "<meta".
_META_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([a-z0-9_.:-]{1,40})""")
_XML_ENCODING = re.compile(
    rb"""^\s{0,64}<\?xml[^>]{0,200}?encoding\s*=\s*["']([a-z0-9_.:-]{1,40})"""
)
# Browsers decode pages labelled Latin-1 or ASCII as windows-1252 (WHATWG Encoding), and
# pages rely on it: their curly quotes are bytes 0x91-0x94.
_WINDOWS_1252_SUPERSETS = frozenset({"iso8859-1", "ascii"})


def _declared_codec(head: bytes) -> str | None:
    """The Python codec named by an XML declaration or <meta charset>, if it exists."""
    lowered = head.lower()
    match = _XML_ENCODING.search(lowered) or _META_CHARSET.search(lowered)
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    if name in _WINDOWS_1252_SUPERSETS:
        return "cp1252"
    # A declaration read as ASCII cannot be UTF-16/32; browsers take it as UTF-8 then.
    return "utf-8" if name.startswith(("utf-16", "utf-32")) else name


def decode_html(
    data: bytes, sniff_bytes: int = DEFAULT_SETTINGS.charset_sniff_bytes
) -> tuple[str, str]:
    """Decode page bytes by BOM, then declared charset, then UTF-8; bad bytes become U+FFFD.

    Returns (text, codec name).

    >>> decode_html(b'<meta charset="iso-8859-1"><p>caf\\xe9')
    ('<meta charset="iso-8859-1"><p>café', 'cp1252')
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace"), codec
    # UTF-16 without a BOM shows itself by the zero byte beside its first "<" (XML 1.0, App. F).
    for start, codec in ((b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be")):
        if data.startswith(start):
            return data.decode(codec, errors="replace"), codec
    codec = _declared_codec(data[:sniff_bytes]) or "utf-8"
    try:
        return data.decode(codec, errors="replace"), codec
    except LookupError:  # a codec that exists but cannot decode text, e.g. a compression codec
        return data.decode("utf-8", errors="replace"), "utf-8"


# --- turning trees into text ----------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")
_CELL_SEPARATOR = " | "


class _TextBuilder:
    """Collects text into lines and blocks; blocks are joined by blank lines."""

    def __init__(self) -> None:
        self._blocks: list[str] = []
        self._lines: list[str] = []
        self._pieces: list[str] = []
        self._line_has_text = False

    def add(self, text: str | None) -> None:
        if text:
            self._pieces.append(text)
            self._line_has_text = self._line_has_text or not text.isspace()

    def cell(self) -> None:
        if self._line_has_text:
            self._pieces.append(_CELL_SEPARATOR)

    def end_line(self) -> None:
        line = _WHITESPACE.sub(" ", "".join(self._pieces)).strip()
        line = line.removesuffix(_CELL_SEPARATOR.strip()).rstrip()  # after a last, empty cell
        if line:
            self._lines.append(line)
        self._pieces = []
        self._line_has_text = False

    def end_block(self) -> None:
        self.end_line()
        if self._lines:
            self._blocks.append("\n".join(self._lines))
        self._lines = []

    def text(self) -> str:
        self.end_block()
        return "\n\n".join(self._blocks)


# Roles a tag plays when its text is laid out.
_SKIP, _BLOCK, _LINE, _BREAK, _CELL = "skip", "block", "line", "break", "cell"

# trafilatura's output tree: <head> is a heading, <lb/> a line break.
_TRAFILATURA_ROLES: Mapping[str, str] = {
    "p": _BLOCK,
    "head": _BLOCK,
    "quote": _BLOCK,
    "list": _BLOCK,
    "table": _BLOCK,
    "div": _BLOCK,
    "code": _BLOCK,
    "item": _LINE,
    "row": _LINE,
    "lb": _BREAK,
    "cell": _CELL,
    "graphic": _SKIP,
}

_HTML_SKIP = (
    "head",
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "math",
    "iframe",
    "object",
    "embed",
    "canvas",
    "select",
    "textarea",
    "button",
)
_HTML_BLOCK = (
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "dl",
    "table",
    "blockquote",
    "pre",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "nav",
    "aside",
    "figure",
    "figcaption",
    "form",
    "fieldset",
    "address",
    "details",
    "summary",
    "hr",
    "center",
)
_HTML_ROLES: Mapping[str, str] = {
    **dict.fromkeys(_HTML_SKIP, _SKIP),
    **dict.fromkeys(_HTML_BLOCK, _BLOCK),
    **dict.fromkeys(("li", "dt", "dd", "tr", "caption"), _LINE),
    **dict.fromkeys(("td", "th"), _CELL),
    "br": _BREAK,
}


def _tag(element: etree._Element) -> str:
    """The lower-case tag name; '' for comments and processing instructions."""
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def _open(builder: _TextBuilder, role: str | None) -> None:
    if role == _BLOCK:
        builder.end_block()
    elif role in (_LINE, _BREAK):
        builder.end_line()
    elif role == _CELL:
        builder.cell()


def _close(builder: _TextBuilder, role: str | None) -> None:
    if role == _BLOCK:
        builder.end_block()
    elif role == _LINE:
        builder.end_line()


def _tree_text(root: etree._Element, roles: Mapping[str, str]) -> str:
    """The text under `root` laid out by the tags' roles; walks without recursion."""
    builder = _TextBuilder()
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        role = roles.get(_tag(element))
        if event == "start":
            if role == _SKIP:
                walker.skip_subtree()
                continue
            _open(builder, role)
            builder.add(element.text)
        else:
            if role != _SKIP:
                _close(builder, role)
            if element is not root:
                builder.add(element.tail)
    return builder.text()


# --- page facts -----------------------------------------------------------------------------

# XPath counts in C: walking every element from Python cost a quarter of the extraction time.
# `text()` nodes include tails, so the text after a link is not link text.
_ALL_TEXT = etree.XPath(".//text()", smart_strings=False)
_LINK_TEXT = etree.XPath(".//a[@href]//text()", smart_strings=False)
_N_LINKS = etree.XPath("count(.//a[@href])")
_N_IMAGES = etree.XPath("count(.//img)")
_N_TABLE_CELLS = etree.XPath("count(.//td | .//th)")
_N_TWEET_EMBEDS = etree.XPath(
    "count(.//blockquote[contains(@class, 'twitter-tweet')]"
    " | .//iframe[contains(@src, 'twitter.com/') or contains(@src, '//x.com/')])"
)
# The id, class, name and action of forms and textareas.
_FORM_ATTRIBUTES = etree.XPath(
    ".//form/@*[name()='id' or name()='class' or name()='name' or name()='action']"
    " | .//textarea/@*[name()='id' or name()='class' or name()='name']",
    smart_strings=False,
)
_COMMENT_HINT = re.compile(r"comment|respond|reply", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _ElementCounts:
    n_links: int
    n_images: int
    n_embedded_tweets: int
    has_comment_form: bool


def _count_elements(body: etree._Element) -> _ElementCounts:
    return _ElementCounts(
        n_links=int(_N_LINKS(body)),
        n_images=int(_N_IMAGES(body)),
        n_embedded_tweets=int(_N_TWEET_EMBEDS(body)),
        has_comment_form=any(_COMMENT_HINT.search(value) for value in _FORM_ATTRIBUTES(body)),
    )


def _non_space_len(texts: list[str]) -> int:
    return len("".join("".join(texts).split()))


def _strip_hidden_and_count_text(body: etree._Element) -> tuple[int, int]:
    """Visible and link characters under `body`, whitespace not counted (spacing between text
    nodes is markup, not text). Removes hidden elements (scripts, styles...) from `body`."""
    etree.strip_elements(body, *_HTML_SKIP, with_tail=False)
    return _non_space_len(_ALL_TEXT(body)), _non_space_len(_LINK_TEXT(body))


def _clean(text: str | None, max_chars: int = 1000) -> str | None:
    if not text:
        return None
    cleaned = _WHITESPACE.sub(" ", text[: max_chars * 4]).strip()[:max_chars]
    return cleaned or None


def _meta_tags(root: etree._Element) -> dict[str, str]:
    """<meta> contents by lower-case name, property, http-equiv or itemprop; first one wins."""
    tags: dict[str, str] = {}
    for meta in root.iter("meta"):
        content = meta.get("content")
        for attribute in ("name", "property", "http-equiv", "itemprop"):
            key = str(meta.get(attribute, "")).strip().lower()
            if key and content and key not in tags:
                tags[key] = str(content)
    return tags


def _first_meta(tags: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if value := _clean(tags.get(key)):
            return value
    return None


_LANGUAGE_TAG = re.compile(r"\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*")


def _language(root: etree._Element, meta: dict[str, str]) -> str | None:
    """The primary language subtag declared by the page, e.g. 'en' for 'en-US'."""
    candidates = (
        root.get("lang"),
        root.get("{http://www.w3.org/XML/1998/namespace}lang"),
        root.get("xml:lang"),
        _first_meta(meta, ("content-language", "og:locale", "language")),
    )
    for candidate in candidates:
        if candidate and (match := _LANGUAGE_TAG.fullmatch(str(candidate).split(",")[0])):
            return match.group(1).lower()
    return None


def _element_text(element: etree._Element) -> str | None:
    return _clean("".join(element.itertext()), max_chars=500)


# A site name appended to a <title>, e.g. "Headline | The Daily" or "Headline - Site".
_TITLE_SITE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{1,60}$")


def _title(root: etree._Element, meta: dict[str, str]) -> str | None:
    """The headline: og:title, else the only <h1>, else <title> without a site suffix, else
    the first <h1>."""
    if title := _first_meta(meta, ("og:title", "twitter:title")):
        return title
    headings = [text for h1 in root.iter("h1") if (text := _element_text(h1))]
    if len(headings) == 1:
        return headings[0]
    for element in root.iter("title"):
        if text := _element_text(element):
            return _TITLE_SITE_SUFFIX.sub("", text) or text
    return headings[0] if headings else None


# Elements that sit beside an embedded tweet without being seen (the embed's loader script).
_INVISIBLE_TAGS = frozenset({"script", "noscript", "style", ""})


def _holds_only(parent: etree._Element, child: etree._Element) -> bool:
    """Whether `child` is all a reader sees of `parent`; costs the number of parent's children."""
    if (parent.text or "").strip() or (child.tail or "").strip():
        return False
    return all(
        other is child or (_tag(other) in _INVISIBLE_TAGS and not (other.tail or "").strip())
        for other in parent
    )


def _unwrap_tweet_embeds(root: HtmlElement, limit: int) -> None:
    """Turn embedded tweets into plain <blockquote>s, in place, wrappers and all.

    trafilatura drops some embeds with their "social"/"embed" wrappers, yet people reading the
    page see the tweet, and hand-marked article bodies include it; farm pages spun from a tweet
    keep its remnants ("— Name (@handle) June 22, 2025") in the text, which the artifact
    features look for.
    """
    for quote in root.xpath('//blockquote[contains(@class, "twitter-tweet")]')[:limit]:
        outer = quote
        for ancestor in quote.iterancestors():
            if _tag(ancestor) in ("body", "html") or not _holds_only(ancestor, outer):
                break
            outer = ancestor
        plain = etree.Element("blockquote")
        plain.text = quote.text
        plain.extend(list(quote))
        plain.tail = outer.tail
        parent = outer.getparent()
        if parent is not None:
            parent.replace(outer, plain)


# --- the entry point ------------------------------------------------------------------------

_TAG_LIKE = re.compile(r"<[A-Za-z!/?]")
_GZIP_MAGIC = b"\x1f\x8b"
_ABSOLUTE_URL = re.compile(r"https?://[^\s/?#]+", re.IGNORECASE)
# A start tag of over 2,000 characters of attributes (a real one has a few hundred at most).
_OVERLONG_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9:-]{0,40})\s[^<>]{2000,}>")
_ANY_TAG = re.compile(r"<[^<>]{0,2000}>")
_INVISIBLE_START = re.compile(r"<(script|style|noscript|template|title)\b|<!--", re.IGNORECASE)
_INVISIBLE_ENDS = {
    name: re.compile(rf"</{name}\s*>", re.IGNORECASE)
    for name in ("script", "style", "noscript", "template", "title")
} | {"": re.compile("-->")}
# Control characters and lone surrogates: lxml rejects or silently drops text around them.
_UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_XML_DECLARATION = re.compile(r"^\s{0,64}<\?xml[^>]{0,200}\?>")


def _plain_text(text: str) -> str:
    """Paragraphs of a text that has no markup: blank lines kept, other whitespace collapsed."""
    builder = _TextBuilder()
    for line in text.splitlines():
        if line.strip():
            builder.add(line)
            builder.end_line()
        else:
            builder.end_block()
    return builder.text()


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    """At most `max_bytes` of what gzip `data` holds: a small file that inflates to
    gigabytes is never inflated whole."""
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
        return stream.read(max_bytes)


def _text_without_tags(markup: str) -> str:
    """The text of a page whose tree lost it: scripts, styles and comments removed, every tag
    a space, entities decoded, laid out as plain text."""
    return _plain_text(html_module.unescape(_ANY_TAG.sub(" ", _without_invisible(markup))))


def _without_invisible(markup: str) -> str:
    """`markup` without scripts, styles and comments. As in a browser, one left open runs to
    the end of the page; so every character is looked at once."""
    kept: list[str] = []
    position = 0
    while opening := _INVISIBLE_START.search(markup, position):
        kept.append(markup[position : opening.start()])
        closing = _INVISIBLE_ENDS[(opening.group(1) or "").lower()].search(markup, opening.end())
        if closing is None:
            return " ".join(kept)
        position = closing.end()
    kept.append(markup[position:])
    return " ".join(kept)


def _canonical_url(root: etree._Element, meta: dict[str, str]) -> str | None:
    """Where the page says it lives: the first <link rel="canonical">, else og:url."""
    candidates = [
        link.get("href")
        for link in root.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    candidates.append(meta.get("og:url"))
    for candidate in candidates:
        url = (candidate or "").strip()
        if _ABSOLUTE_URL.match(url) and len(url) <= 2000:
            return url
    return None


def _parse(markup: str) -> HtmlElement | str:
    """The document tree, or the REASON_* name for why there is none."""
    # huge_tree stays off: its depth and text-size limits are what bound the work on a hostile page.
    parser = HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, huge_tree=False)
    try:
        return document_fromstring(_XML_DECLARATION.sub("", markup, count=1), parser=parser)
    except etree.ParserError:  # "Document is empty": only comments, a doctype, or nothing
        return REASON_NO_VISIBLE_TEXT
    except ValueError:
        return REASON_UNPARSEABLE


def _main_text(root: HtmlElement, url: str | None, settings: ExtractSettings) -> str | None:
    """trafilatura's main text laid out as paragraphs; None when it finds none."""
    include_tables = settings.include_tables and _N_TABLE_CELLS(root) <= settings.max_table_cells
    document = trafilatura.bare_extraction(
        root,
        url=url,
        favor_precision=settings.favor_precision,
        include_comments=False,
        include_tables=include_tables,
        include_images=False,
        include_links=False,
        include_formatting=False,
        deduplicate=False,
        with_metadata=False,
    )
    body = getattr(document, "body", None)
    if body is None:
        return None
    return _tree_text(body, _TRAFILATURA_ROLES) or None


def _without_leading_title(text: str, title: str | None) -> str:
    """The text without a first paragraph that repeats the title: a caller that puts the title
    above the text would otherwise show it twice, which reads as repetition."""
    first, _, rest = text.partition("\n\n")
    if title and rest and first.casefold() == title.casefold():
        return rest
    return text


def _empty_page(
    reason: str, html_chars: int, encoding: str | None, truncated: bool
) -> ExtractedPage:
    return ExtractedPage(
        text="",
        title=None,
        language=None,
        meta_description=None,
        meta_author=None,
        n_links=0,
        n_images=0,
        n_embedded_tweets=0,
        link_text_char_fraction=0.0,
        visible_text_chars=0,
        html_chars=html_chars,
        has_comment_form=False,
        method=METHOD_NONE,
        reason=reason,
        encoding=encoding,
        truncated=truncated,
    )


def extract_article(
    html: str | bytes, url: str | None = None, settings: ExtractSettings = DEFAULT_SETTINGS
) -> ExtractedPage:
    """The main text, title and page facts of one page. Never raises on bad input.

    Bytes are decoded by BOM, then <meta charset>, then UTF-8 with replacement characters.
    When trafilatura finds no main text the page's visible text is used instead, and
    `method`/`reason` say so.

    >>> page = extract_article(b"<p>Just one line of text.</p>")
    >>> page.text, page.method, page.reason, page.encoding
    ('Just one line of text.', 'trafilatura', None, 'utf-8')
    >>> extract_article("<script>x()</script>").reason
    'no_visible_text'
    """
    encoding: str | None = None
    truncated = False
    if isinstance(html, bytes) and html.startswith(_GZIP_MAGIC):
        # A page saved as the server sent it (Content-Encoding: gzip): read what it holds.
        try:
            html = _gunzip(html, settings.max_html_chars * 4 + 1)
        except (OSError, EOFError, zlib.error):
            return _empty_page(REASON_COMPRESSED, len(html), None, False)
    if isinstance(html, bytes):
        max_bytes = settings.max_html_chars * 4  # no character takes more than 4 bytes
        truncated = len(html) > max_bytes
        markup, encoding = decode_html(html[:max_bytes], settings.charset_sniff_bytes)
    else:
        markup = html
    truncated = truncated or len(markup) > settings.max_html_chars
    markup = _UNSAFE_CHARS.sub("\ufffd", markup[: settings.max_html_chars])
    # lxml checks each attribute against the others: one element with tens of thousands of
    # attributes costs minutes. No real tag is this long; it keeps its name only.
    markup = _OVERLONG_TAG.sub(r"<\1>", markup)

    if not markup.strip():
        return _empty_page(REASON_EMPTY_INPUT, len(markup), encoding, truncated)
    if not _TAG_LIKE.search(markup):
        text = _plain_text(markup)
        page = _empty_page(REASON_NO_VISIBLE_TEXT, len(markup), encoding, truncated)
        return replace(page, text=text, method=METHOD_PLAIN_TEXT, reason=None) if text else page

    root = _parse(markup)
    if isinstance(root, str):
        return _empty_page(root, len(markup), encoding, truncated)

    body = root.find("body")
    if body is None:
        body = root
    elements = _count_elements(body)  # before tweet embeds are unwrapped
    reason: str | None = None
    try:
        _unwrap_tweet_embeds(root, settings.max_tweet_embeds_unwrapped)
        main_text = _main_text(root, url, settings)
    except Exception:  # trafilatura on hostile markup (deep nesting, odd trees): use visible text
        main_text, reason = None, REASON_TRAFILATURA_ERROR

    meta = _meta_tags(root)
    title = _title(root, meta)
    canonical_url = _canonical_url(root, meta)
    language = _language(root, meta)
    # From here on the tree loses its hidden elements (and <head>, when there is no <body>).
    visible_chars, link_chars = _strip_hidden_and_count_text(body)
    if main_text:
        text, method = _without_leading_title(main_text, title), METHOD_TRAFILATURA
    elif visible_text := _tree_text(body, _HTML_ROLES):
        text, method = visible_text, METHOD_VISIBLE_TEXT
        reason = reason or REASON_TRAFILATURA_EMPTY
    elif stripped := _text_without_tags(markup):
        # libxml2 drops what is nested past 255 elements: the text is there, the tree is not.
        text, method, reason = stripped, METHOD_VISIBLE_TEXT, REASON_TOO_DEEP
    else:
        text, method, reason = "", METHOD_NONE, REASON_NO_VISIBLE_TEXT

    return ExtractedPage(
        text=text,
        title=title,
        language=language,
        meta_description=_first_meta(meta, ("description", "og:description")),
        meta_author=_first_meta(meta, ("author", "article:author")),
        n_links=elements.n_links,
        n_images=elements.n_images,
        n_embedded_tweets=elements.n_embedded_tweets,
        link_text_char_fraction=link_chars / visible_chars if visible_chars else 0.0,
        visible_text_chars=visible_chars,
        html_chars=len(markup),
        has_comment_form=elements.has_comment_form,
        method=method,
        reason=reason,
        encoding=encoding,
        truncated=truncated,
        canonical_url=canonical_url,
    )
