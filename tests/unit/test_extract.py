"""Page → article text: layout of the text, page facts, decoding, and hostile inputs."""

from __future__ import annotations

import gzip
import random
import socket
import time
from dataclasses import FrozenInstanceError

import pytest
import trafilatura

from farmscore.reading import html_extraction as extract_module
from farmscore.reading.html_extraction import (
    METHOD_NONE,
    METHOD_PLAIN_TEXT,
    METHOD_TRAFILATURA,
    METHOD_VISIBLE_TEXT,
    REASON_EMPTY_INPUT,
    REASON_NO_VISIBLE_TEXT,
    REASON_TRAFILATURA_EMPTY,
    REASON_TRAFILATURA_ERROR,
    ExtractedPage,
    ExtractSettings,
    decode_html,
    extract_article,
)

SENTENCE = (
    "The council voted 7 to 2 on Tuesday to close the Elm Street bridge for repairs, "
    "after engineers found corrosion in two of its steel girders."
)
PARAGRAPH = " ".join([SENTENCE] * 3)
METHODS = {METHOD_TRAFILATURA, METHOD_VISIBLE_TEXT, METHOD_PLAIN_TEXT, METHOD_NONE}


def article_page(body_extra: str = "", head_extra: str = "", lang: str = "en-US") -> str:
    """A small news page: navigation, an article with a heading and a list, and a footer."""
    return f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<title>Bridge to close for repairs | The Daily Ledger</title>
<meta name="description" content="The Elm Street bridge closes in March.">
<meta name="author" content="Ana Ruiz">{head_extra}</head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Bridge to close for repairs</h1>
<p>{PARAGRAPH}</p>
<h2>What the engineers found</h2>
<p>{PARAGRAPH}</p>
<ul><li>Girder 4 lost a third of its thickness.</li><li>Girder 7 had cracked welds.</li></ul>
{body_extra}
<p>{PARAGRAPH}</p></article>
<footer><a href="/about">About us</a></footer></body></html>"""


def assert_well_formed(page: ExtractedPage) -> None:
    assert isinstance(page.text, str)
    assert page.method in METHODS
    assert 0.0 <= page.link_text_char_fraction <= 1.0
    assert page.n_links >= 0
    assert page.visible_text_chars >= 0
    assert (page.method == METHOD_NONE) == (page.text == "")


# --- layout of the text ---------------------------------------------------------------------


def test_article_keeps_paragraphs_headings_and_list_items() -> None:
    page = extract_article(article_page())
    assert page.method == METHOD_TRAFILATURA
    assert page.reason is None
    assert page.text.split("\n\n") == [
        PARAGRAPH,
        "What the engineers found",
        PARAGRAPH,
        "Girder 4 lost a third of its thickness.\nGirder 7 had cracked welds.",
        PARAGRAPH,
    ]


def test_article_facts() -> None:
    page = extract_article(article_page())
    assert page.title == "Bridge to close for repairs"
    assert page.language == "en"
    assert page.meta_description == "The Elm Street bridge closes in March."
    assert page.meta_author == "Ana Ruiz"
    assert page.n_links == 3
    assert page.n_embedded_tweets == 0
    assert page.has_comment_form is False
    assert page.encoding is None
    assert page.truncated is False
    assert "Home" not in page.text
    assert "About us" not in page.text


def test_text_does_not_repeat_the_title_but_keeps_other_headings() -> None:
    page = extract_article(article_page())
    assert not page.text.startswith("Bridge to close")
    assert "\n\nWhat the engineers found\n\n" in page.text


def test_table_rows_become_lines_with_cells_joined() -> None:
    table = (
        "<table><tr><th>Girder</th><th>Loss</th></tr>"
        "<tr><td>4</td><td>33%</td></tr><tr><td>7</td><td></td></tr></table>"
    )
    page = extract_article(article_page(body_extra=table))
    assert "Girder | Loss\n4 | 33%\n7" in page.text


def test_link_text_fraction_counts_visible_characters_inside_links() -> None:
    # Visible text "Read this  now": 11 characters besides spaces, of which "this" (4) is a link.
    page = extract_article(
        "<html><body><div>Read <a href='/x'>this</a>\n now</div><a>no href</a></body></html>"
    )
    assert page.visible_text_chars == 11 + len("nohref")
    assert page.link_text_char_fraction == pytest.approx(4 / 17)  # an <a> without href is no link
    assert page.n_links == 1


def test_script_style_and_head_are_not_visible_text() -> None:
    page = extract_article(
        "<html><head><title>T</title><style>p{}</style></head>"
        "<body><script>var secret = 1;</script><p>Seen.</p>"
        "<noscript>Hidden</noscript></body></html>"
    )
    assert page.visible_text_chars == len("Seen.")
    assert "secret" not in page.text
    assert "Hidden" not in page.text


# --- page facts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (
            '<form id="commentform" action="/wp-comments-post.php"><textarea></textarea></form>',
            True,
        ),
        ('<div><textarea name="comment"></textarea></div>', True),
        ('<form class="search" action="/search"><input name="q"></form>', False),
        ('<form action="/newsletter"><input name="email"></form>', False),
        ("<h3>Leave a Reply</h3>", False),  # a heading alone is text, not a form
    ],
)
def test_comment_form(markup: str, expected: bool) -> None:
    assert extract_article(article_page(body_extra=markup)).has_comment_form is expected


def test_embedded_tweets_are_counted_and_their_text_kept() -> None:
    tweet = (
        '<div class="social-media-embed"><blockquote class="twitter-tweet"><p>We are on it.'
        " pic.twitter.com/abc123</p>— State News (@statenews) "
        '<a href="https://twitter.com/statenews/status/1">November 19, 2019</a></blockquote>'
        '<script async src="https://platform.twitter.com/widgets.js"></script></div>'
    )
    iframe = '<iframe src="https://platform.twitter.com/embed/Tweet.html?id=2"></iframe>'
    page = extract_article(article_page(body_extra=tweet + iframe))
    assert page.n_embedded_tweets == 2
    assert "— State News (@statenews) November 19, 2019" in page.text
    assert "pic.twitter.com/abc123" in page.text


@pytest.mark.parametrize(
    ("head_extra", "lang", "expected"),
    [
        ("", "en-US", "en"),
        ("", "pt_BR", "pt"),
        ("", "DE", "de"),
        ("", "", None),
        ("", "not a language tag", None),
        ('<meta http-equiv="Content-Language" content="fr-CA, en">', "", "fr"),
        ('<meta property="og:locale" content="ru_RU">', "", "ru"),
    ],
)
def test_language(head_extra: str, lang: str, expected: str | None) -> None:
    assert extract_article(article_page(head_extra=head_extra, lang=lang)).language == expected


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        # og:title wins over everything
        (
            '<head><meta property="og:title" content="Og headline"><title>T | S</title></head>'
            "<body><h1>H1 headline</h1><p>x</p></body>",
            "Og headline",
        ),
        # the only <h1> wins over <title>
        ("<head><title>T | Site</title></head><body><h1>H1 headline</h1></body>", "H1 headline"),
        # two <h1>s: <title> without its site suffix
        (
            "<head><title>Real headline – The Site</title></head>"
            "<body><h1>Logo</h1><h1>Real headline</h1></body>",
            "Real headline",
        ),
        # two <h1>s and no <title>: the first
        ("<body><h1>Logo</h1><h1>Other</h1></body>", "Logo"),
        ("<body><p>No title at all.</p></body>", None),
    ],
)
def test_title(markup: str, expected: str | None) -> None:
    assert extract_article(f"<html>{markup}</html>").title == expected


# --- decoding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text", "codec"),
    [
        (b"\xef\xbb\xbf<p>caf\xc3\xa9</p>", "<p>café</p>", "utf-8"),
        ("<p>café</p>".encode("utf-16-le"), "<p>café</p>", "utf-16-le"),  # no BOM
        ("<p>café</p>".encode("utf-16-be"), "<p>café</p>", "utf-16-be"),
        (b"\xff\xfe" + "<p>café</p>".encode("utf-16-le"), "<p>café</p>", "utf-16-le"),
        (b"\xfe\xff" + "<p>café</p>".encode("utf-16-be"), "<p>café</p>", "utf-16-be"),
        (b"\xff\xfe\x00\x00" + "<p>é</p>".encode("utf-32-le"), "<p>é</p>", "utf-32-le"),
        (b'<meta charset="iso-8859-1"><p>caf\xe9 \x93q\x94', None, "cp1252"),
        (
            b'<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=windows-1251">',
            None,
            "cp1251",
        ),
        (b"<?xml version='1.0' encoding='shift_jis'?><p>x</p>", None, "shift_jis"),
        (b'<meta charset="utf-16"><p>x</p>', None, "utf-8"),  # an ASCII-readable label lies
        (b'<meta charset="no-such-codec"><p>x</p>', None, "utf-8"),
        (b'<meta charset="base64"><p>x</p>', None, "utf-8"),  # a codec, but not a text one
        (b"<p>broken \xff\xfe utf-8</p>", "<p>broken \ufffd\ufffd utf-8</p>", "utf-8"),
        (b"", "", "utf-8"),
    ],
)
def test_decode_html(data: bytes, text: str | None, codec: str | None) -> None:
    decoded, used = decode_html(data)
    if codec is not None:
        assert used == codec
    if text is not None:
        assert decoded == text


def test_decode_html_cp1252_quotes_and_cyrillic() -> None:
    assert decode_html(b'<meta charset="latin1">\x93hi\x94')[0].endswith("“hi”")
    russian = "Привет, мир"
    data = b'<meta charset="windows-1251"><p>' + russian.encode("cp1251") + b"</p>"
    assert russian in decode_html(data)[0]


def test_charset_declared_past_the_sniff_window_is_ignored() -> None:
    data = b"<!--" + b"x" * 5000 + b'--><meta charset="cp1251"><p>\xcf</p>'
    assert decode_html(data)[1] == "utf-8"
    assert decode_html(data, sniff_bytes=len(data))[1] == "cp1251"


def test_bytes_page_is_decoded_by_its_meta_charset() -> None:
    html = article_page(body_extra="<p>Le café est fermé.</p>").replace("utf-8", "iso-8859-1")
    page = extract_article(html.encode("cp1252"))
    assert page.encoding == "cp1252"
    assert "Le café est fermé." in page.text


# --- fallbacks and hostile inputs -------------------------------------------------------------


def test_visible_text_when_trafilatura_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *args, **kwargs: None)
    page = extract_article(
        "<html><body><h2>Menu</h2><ul><li>One</li><li>Two</li></ul></body></html>"
    )
    assert page.method == METHOD_VISIBLE_TEXT
    assert page.reason == REASON_TRAFILATURA_EMPTY
    assert page.text == "Menu\n\nOne\nTwo"


def test_visible_text_when_trafilatura_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(trafilatura, "bare_extraction", explode)
    page = extract_article(article_page())
    assert page.method == METHOD_VISIBLE_TEXT
    assert page.reason == REASON_TRAFILATURA_ERROR
    # All visible text, furniture included, laid out in blocks.
    assert page.text.startswith("Home News\n\nBridge to close for repairs\n\n" + PARAGRAPH)
    assert page.text.endswith("\n\nAbout us")


@pytest.mark.parametrize("empty", ["", "   \n\t ", b"", b"  \n"])
def test_empty_input(empty: str | bytes) -> None:
    page = extract_article(empty)
    assert page.text == ""
    assert page.method == METHOD_NONE
    assert page.reason == REASON_EMPTY_INPUT


@pytest.mark.parametrize(
    "markup",
    [
        "<html><body><script>var x = 1;</script></body></html>",
        "<html><head><title>Only a head</title></head></html>",
        "<!-- a comment -->",
        "<!DOCTYPE html>",
        '<html><frameset><frame src="a.html"></frameset></html>',
    ],
)
def test_pages_without_visible_text(markup: str) -> None:
    page = extract_article(markup)
    assert page.text == ""
    assert page.method == METHOD_NONE
    assert page.reason == REASON_NO_VISIBLE_TEXT


def test_plain_text_input_is_its_own_text() -> None:
    page = extract_article("Hello   world.\n\n\nSecond paragraph,\nline two.  If a < b, fine.")
    assert page.method == METHOD_PLAIN_TEXT
    assert page.reason is None
    assert page.text == "Hello world.\n\nSecond paragraph,\nline two. If a < b, fine."


def test_non_english_page() -> None:
    paragraph = "Городской совет во вторник проголосовал за закрытие моста на ремонт. " * 4
    page = extract_article(
        f"<html lang='ru'><body><article><h1>Мост закроют</h1><p>{paragraph}</p>"
        f"<p>{paragraph}</p></article></body></html>".encode()
    )
    assert page.language == "ru"
    assert page.title == "Мост закроют"
    assert paragraph.strip() in page.text


def test_chinese_bytes_in_gb18030() -> None:
    text = "市议会周二投票决定关闭大桥进行维修。" * 10
    html = f'<html><head><meta charset="gb18030"></head><body><p>{text}</p></body></html>'
    page = extract_article(html.encode("gb18030"))
    assert page.encoding == "gb18030"
    assert text in page.text


def test_truncated_html() -> None:
    html = article_page()
    cut = html[: html.index("<h2>") + 10]  # inside the heading, tags left open
    page = extract_article(cut)
    assert_well_formed(page)
    assert PARAGRAPH in page.text


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_bytes_never_crash(seed: int) -> None:
    rng = random.Random(seed)
    page = extract_article(bytes(rng.randrange(256) for _ in range(50_000)))
    assert_well_formed(page)
    assert page.encoding == "utf-8"


def test_random_markup_characters_never_crash() -> None:
    rng = random.Random(3)
    page = extract_article("".join(rng.choice("<>/ab =\"'!-?&;#") for _ in range(50_000)))
    assert_well_formed(page)


@pytest.mark.parametrize(
    ("markup", "kept"),
    [
        ("<p>a\x00b\x0bc\x1fd</p>", "a\ufffdb\ufffdc\ufffdd"),
        ("<p>lone \ud800 surrogate and after</p>", "lone \ufffd surrogate and after"),
        (
            "<?xml version='1.0' encoding='utf-8'?><html><body><p>declared</p></body></html>",
            "declared",
        ),
    ],
)
def test_characters_lxml_rejects_are_replaced_not_fatal(markup: str, kept: str) -> None:
    assert extract_article(markup).text == kept


def test_deep_nesting_never_crashes() -> None:
    shallow = extract_article("<div>" * 200 + "deep text" + "</div>" * 200)
    assert shallow.text == "deep text"
    # libxml2 drops what is nested past 255 levels: no text, but no crash either.
    assert_well_formed(extract_article("<div>" * 20_000 + "deep text" + "</div>" * 20_000))


def test_five_megabyte_page() -> None:
    line = " ".join(["word"] * 1_000_000)  # 5 MB on one line
    page = extract_article(f"<html><body><article><p>{line}</p></article></body></html>")
    assert_well_formed(page)
    assert len(page.text) == len(line)


def test_many_small_paragraphs_page() -> None:
    paragraphs = "".join(f"<p>Paragraph number {i} says a little more.</p>" for i in range(20_000))
    page = extract_article(f"<html><body><article>{paragraphs}</article></body></html>")
    assert_well_formed(page)
    assert page.text.count("\n\n") >= 10_000


def test_huge_tables_are_left_out_but_small_ones_kept() -> None:
    row = "<tr>" + "<td>cell</td>" * 40 + "</tr>"
    settings = ExtractSettings(max_table_cells=100)
    small = extract_article(article_page(body_extra=f"<table>{row}</table>"), settings=settings)
    large = extract_article(article_page(body_extra=f"<table>{row * 3}</table>"), settings=settings)
    assert "cell | cell" in small.text
    assert "cell" not in large.text
    assert PARAGRAPH in large.text


def test_pages_longer_than_the_limit_are_cut_and_flagged() -> None:
    settings = ExtractSettings(max_html_chars=1_000)
    page = extract_article(article_page(), settings=settings)
    assert page.truncated is True
    assert page.html_chars == 1_000
    assert_well_formed(page)


def test_extracted_page_is_frozen() -> None:
    page = extract_article("<p>x</p>")
    with pytest.raises(FrozenInstanceError):
        page.text = "changed"  # type: ignore[misc]


class SocketOpenedError(RuntimeError):
    pass


def test_extraction_never_opens_a_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise SocketOpenedError("extraction opened a socket: it must never fetch")

    for name in ("socket", "create_connection", "getaddrinfo"):
        monkeypatch.setattr(socket, name, refuse)
    with pytest.raises(SocketOpenedError):
        socket.socket()  # the guard is in place, so this test can fail
    page = extract_article(
        article_page(body_extra='<img src="https://example.com/a.jpg">').encode(),
        url="https://example.com/news/bridge",
    )
    assert page.method == METHOD_TRAFILATURA
    assert PARAGRAPH in page.text


def test_module_has_no_mutable_settings() -> None:
    with pytest.raises(FrozenInstanceError):
        extract_module.DEFAULT_SETTINGS.favor_precision = False  # type: ignore[misc]


ARTICLE = "<p>" + "The council voted on Tuesday to repair the bridge on Elm Street. " * 20 + "</p>"


@pytest.mark.parametrize("depth", [300, 20_000, 100_000])
def test_an_article_nested_deeper_than_the_parser_follows_keeps_its_text(depth: int) -> None:
    page = "<html><body>" + "<div>" * depth + ARTICLE + "</div>" * depth + "</body></html>"
    extracted = extract_article(page)
    assert "repair the bridge on Elm Street" in extracted.text
    assert len(extracted.text.split()) >= 200


def test_an_element_with_tens_of_thousands_of_attributes_costs_no_more_than_a_page() -> None:
    def seconds(n_attributes: int) -> float:
        attributes = " ".join(f'data-a{i}="x"' for i in range(n_attributes))
        page = f"<html><body><div {attributes}>{ARTICLE}</div></body></html>"
        start = time.perf_counter()
        extracted = extract_article(page)
        assert "repair the bridge" in extracted.text
        return time.perf_counter() - start

    small, large = seconds(16_000), seconds(64_000)
    # 64,000 attributes took over 100 s in lxml; bounded, four times as many cost about 4x.
    assert large < max(6 * small, 0.5)


def test_gzip_bytes_are_the_page_they_hold_and_broken_gzip_is_an_empty_page() -> None:
    page = f"<html><body><article>{ARTICLE}</article></body></html>".encode()
    assert extract_article(gzip.compress(page)).text == extract_article(page).text
    broken = extract_article(b"\x1f\x8b\x08\x00 not really gzip")
    assert (broken.text, broken.reason) == ("", "unreadable_compressed_page")
