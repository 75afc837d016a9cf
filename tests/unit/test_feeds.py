"""Feeds into records: RSS, Atom and JSON Feed items, the content chosen for each, input
kind detection, and clear errors (never exceptions) for documents that are not feeds."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from farmscore.reading import feeds
from farmscore.reading.feeds import NO_CONTENT, ONLY_A_TITLE, feed_records
from farmscore.reading.stream import (
    NO_WORDS,
    RAW_PREVIEW_CHARS,
    InputKind,
    ParsedRecord,
    SourceRecord,
    UnreadableRecord,
    buffered,
    detect_input_kind,
)
from tests.conftest import shared_path

JSON_FEED_V1_1 = "https://jsonfeed.org/version/1.1"

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Harbor Gazette</title><link>https://gazette.example</link>
<item><title>Budget passed</title><link>https://gazette.example/budget</link>
<guid>g-1</guid><pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate>
<description>Short teaser.</description>
<content:encoded><![CDATA[<p>The council passed a $12 million budget on Tuesday.</p>]]>
</content:encoded>
</item>
<item><title>Only a teaser</title><guid isPermaLink="false">g-2</guid>
<description>The mayor resigned on Monday, officials said.</description></item>
<item><title>Just a headline</title><link>https://gazette.example/headline</link></item>
<item><link>https://gazette.example/nothing</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Post</title>
<entry><title>Bridge closed</title><link href="https://atom.example/bridge"/>
<id>tag:atom.example,2024:1</id><updated>2024-03-01T08:30:00Z</updated>
<summary>Teaser only.</summary>
<content type="html">&lt;p&gt;The bridge closed for repairs lasting 9 weeks.&lt;/p&gt;</content>
</entry></feed>"""


def records(data: bytes, kind: InputKind = InputKind.xml_feed) -> list[SourceRecord]:
    return list(feed_records(data, kind))


def parsed(data: bytes, kind: InputKind = InputKind.xml_feed) -> list[ParsedRecord]:
    return [r for r in records(data, kind) if isinstance(r, ParsedRecord)]


def json_feed(items: list[object], **top: object) -> bytes:
    return json.dumps({"version": JSON_FEED_V1_1, "title": "JF", **top, "items": items}).encode()


# ---- RSS and Atom -----------------------------------------------------------------------


def test_rss_items_prefer_content_encoded_then_description_and_never_the_title() -> None:
    found = records(RSS)
    assert len(found) == 4
    full, teaser, headline, nothing = found
    assert isinstance(full, ParsedRecord)
    assert full.record == {
        "id": "https://gazette.example/budget",
        "link": "https://gazette.example/budget",
        "title": "Budget passed",
        "published": "2024-03-05T10:00:00Z",
        "feed": "Harbor Gazette",
        "content_field": "content",
        "html": "<p>The council passed a $12 million budget on Tuesday.</p>",
    }
    assert full.document.text == "The council passed a $12 million budget on Tuesday."
    assert isinstance(teaser, ParsedRecord)
    # No link: the guid is the id.
    assert (teaser.record["id"], teaser.record["link"]) == ("g-2", None)
    assert teaser.record["content_field"] == "summary"
    assert teaser.document.text == "The mayor resigned on Monday, officials said."
    # A headline alone is no text to judge: an errors row naming the item, as for no content.
    assert isinstance(headline, UnreadableRecord)
    assert (headline.row()["item"], headline.error) == (3, ONLY_A_TITLE)
    assert json.loads(headline.raw)["link"] == "https://gazette.example/headline"
    assert isinstance(nothing, UnreadableRecord)
    assert nothing.row()["item"] == 4
    assert nothing.row()["line"] is None
    assert nothing.error == NO_CONTENT
    assert json.loads(nothing.raw)["link"] == "https://gazette.example/nothing"


def test_atom_content_is_preferred_over_summary() -> None:
    (entry,) = parsed(ATOM)
    assert entry.record["id"] == "https://atom.example/bridge"
    assert entry.record["published"] == "2024-03-01T08:30:00Z"
    assert entry.record["content_field"] == "content"
    assert entry.document.text == "The bridge closed for repairs lasting 9 weeks."


def test_an_item_whose_html_has_no_words_is_an_error_with_its_record() -> None:
    pixel = RSS.replace(
        b"<description>The mayor resigned on Monday, officials said.</description>",
        b'<description>&lt;img src="https://t.example/p.gif" width="1"/&gt;</description>',
    )
    teaser = records(pixel)[1]
    assert isinstance(teaser, UnreadableRecord)
    assert teaser.error == NO_WORDS
    assert json.loads(teaser.raw)["title"] == "Only a teaser"


@pytest.mark.parametrize(
    ("data", "expected_error_start"),
    [
        (b"", "not an RSS, Atom or JSON Feed document"),
        (b"<html><body><p>A web page, not a feed.</p></body></html>", "not an RSS"),
        (b"<head><title>Moved</title></head><body>here</body>", "not an RSS"),
        (b"\x00\xff\xfe binary garbage \x80\x81", "not an RSS"),
        # feedparser takes a str or bytes argument for a path; gate hands it a stream.
        (b"/etc/passwd", "not an RSS"),
    ],
)
def test_documents_that_are_no_feed_give_one_clear_error(
    data: bytes, expected_error_start: str
) -> None:
    (only,) = records(data)
    assert isinstance(only, UnreadableRecord)
    assert only.error.startswith(expected_error_start)
    assert only.row()["item"] is None
    assert "root:" not in only.raw


def test_a_feed_over_the_limit_is_one_error_with_a_preview(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(feeds, "FEED_MAX_BYTES", 2_000)
    data = RSS.replace(b"Short teaser.", b"Long teaser. " * 200)
    (only,) = records(data)
    assert isinstance(only, UnreadableRecord)
    assert "over the 2,000-byte limit" in only.error
    assert only.raw == data[:RAW_PREVIEW_CHARS].decode()
    # Past the limit the size is unknown, so no raw_bytes is claimed.
    assert only.extra == {"raw_truncated": True}


def test_a_non_english_feed_keeps_its_characters() -> None:
    data = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Notícias'
        "</title><item><title>Mãe é presidente</title><link>https://jn.example/1</link>"
        "<description>Sónia Laygue é a nova presidente da direção.</description></item>"
        "</channel></rss>"
    ).encode()
    (item,) = parsed(data)
    assert item.record["feed"] == "Notícias"
    assert item.document.text == "Sónia Laygue é a nova presidente da direção."


# ---- JSON Feed --------------------------------------------------------------------------


def test_json_feed_items_become_records_with_the_fullest_content() -> None:
    data = json_feed(
        [
            {
                "id": "1",
                "url": "https://jf.example/a",
                "title": "A",
                "date_published": "2024-02-01T09:00:00Z",
                "content_html": "<p>Full story with 3 facts.</p>",
                "content_text": "Full story with 3 facts.",
                "summary": "Teaser.",
            },
            {"id": "2", "external_url": "https://other.example/b", "content_text": "Plain."},
            {"id": "3", "summary": "Only a summary here."},
            {"id": "4", "title": "Only a title"},
            {"id": "5"},
            "not an item",
            {"id": "6", "content_text": "   "},
        ]
    )
    found = records(data, InputKind.json_feed)
    assert len(found) == 7
    a, b, c = (r for r in found[:3] if isinstance(r, ParsedRecord))
    assert a.record == {
        "id": "https://jf.example/a",
        "link": "https://jf.example/a",
        "title": "A",
        "published": "2024-02-01T09:00:00Z",
        "feed": "JF",
        "content_field": "content",
        "html": "<p>Full story with 3 facts.</p>",
    }
    assert a.document.text == "Full story with 3 facts."
    assert (b.record["id"], b.record["text"]) == ("https://other.example/b", "Plain.")
    assert (c.record["id"], c.record["content_field"]) == ("3", "summary")
    only_title, no_content, not_item, blank_text = found[3:]
    assert isinstance(only_title, UnreadableRecord)
    assert (only_title.row()["item"], only_title.error) == (4, ONLY_A_TITLE)
    assert isinstance(no_content, UnreadableRecord)
    assert no_content.error == NO_CONTENT
    assert isinstance(not_item, UnreadableRecord)
    assert (not_item.raw, not_item.where) == ('"not an item"', {"line": None, "item": 6})
    assert "a JSON str" in not_item.error
    # Whitespace is no content at all.
    assert isinstance(blank_text, UnreadableRecord)
    assert blank_text.error == NO_CONTENT


@pytest.mark.parametrize(
    ("data", "error_start"),
    [
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "not valid JSON"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "a JSON Feed needs an items list"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}', "a JSON Feed needs"),
        (b'{"version": "https://example.org/v9", "items": []}', "not a JSON Feed"),
        (b'["https://jsonfeed.org/version/1"]', "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1", "title": "caf\xe9"}', "a JSON Feed must"),
    ],
)
def test_broken_json_feeds_give_one_clear_error(data: bytes, error_start: str) -> None:
    (only,) = records(data, InputKind.json_feed)
    assert isinstance(only, UnreadableRecord)
    assert only.error.startswith(error_start)


def test_an_empty_json_feed_has_no_records() -> None:
    assert records(json_feed([]), InputKind.json_feed) == []


# ---- telling the kinds apart ------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b'{"text": "a"}\n{"text": "b"}\n', InputKind.jsonl),
        (b"", InputKind.jsonl),
        (b"[1, 2]\n", InputKind.jsonl),
        (b"plain words, not JSON\n", InputKind.jsonl),
        (b'\n\n  <?xml version="1.0"?><rss/>', InputKind.xml_feed),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'/>", InputKind.xml_feed),
        (b'\xef\xbb\xbf{"version": "https://jsonfeed.org/version/1.1", "items": []}', "json"),
        (b'{\n  "title": "x",\n  "version" : "https://jsonfeed.org/version/1",\n', "json"),
        # A record whose text quotes a JSON Feed is still a record: the quotes are escaped.
        (b'{"text": "{\\"version\\": \\"https://jsonfeed.org/version/1\\"}"}\n', InputKind.jsonl),
    ],
)
def test_the_input_kind_comes_from_the_first_non_blank_bytes(
    head: bytes, kind: InputKind | str
) -> None:
    expected = InputKind.json_feed if kind == "json" else kind
    stream = buffered(io.BytesIO(head))
    assert detect_input_kind(stream) is expected
    assert stream.read() == head, "detection must not consume the input"


# ---- the shared real feeds --------------------------------------------------------------

REAL_FEEDS = [
    "content-encoded.rss",
    "encoding.rss",
    "feedburner.atom",
    "guardian.rss",
    "heise.atom",
    "heraldsun.rss",
    "instant-article.rss",
    "many-links.rss",
    "narro.rss",
    "reddit-atom.rss",
    "uolNoticias.rss",
]
MALFORMED_FEEDS = ["incomplete-fields.atom", "missing-fields.atom", "unrecognized.rss"]


def shared_feed(name: str) -> bytes:
    return Path(shared_path("feeds", name)).read_bytes()


@pytest.mark.shared
@pytest.mark.parametrize("name", REAL_FEEDS)
def test_real_feeds_parse_into_records_with_link_title_and_content(name: str) -> None:
    found = records(shared_feed(name))
    items = [r for r in found if isinstance(r, ParsedRecord)]
    assert items, f"{name}: no item became a record"
    for item in items:
        assert isinstance(item.record["link"], str)
        assert item.record["link"].startswith("http")
        assert isinstance(item.record["title"], str)
        assert item.record["title"].strip()
        assert ("html" in item.record) != ("text" in item.record)
        assert item.document.text.strip()
    # The only items that may fail are those whose content has no words (tracking pixels)
    # or that carry only a title.
    errors = {r.error for r in found if isinstance(r, UnreadableRecord)}
    assert errors <= {NO_WORDS, ONLY_A_TITLE}


@pytest.mark.shared
def test_items_with_an_empty_description_are_errors_not_scored_on_their_title() -> None:
    # Science's RSS 1.0 feed gives every item a title and an empty description.
    found = records(shared_feed("rss-1.rss"))
    assert len(found) == 69
    assert all(isinstance(r, UnreadableRecord) and r.error == ONLY_A_TITLE for r in found)
    first = found[0]
    assert isinstance(first, UnreadableRecord)
    assert json.loads(first.raw)["title"] == "Food for fungi"
    # UOL's feed has four such items among 15; the others keep their descriptions.
    uol = records(shared_feed("uolNoticias.rss"))
    headlines = [r for r in uol if isinstance(r, UnreadableRecord)]
    assert len(uol) == 15
    assert [r.where["item"] for r in headlines] == [2, 9, 11, 12]
    assert all(r.error == ONLY_A_TITLE for r in headlines)


@pytest.mark.shared
def test_real_feed_items_keep_content_encoded_over_description() -> None:
    items = parsed(shared_feed("content-encoded.rss"))
    assert len(items) == 7
    assert {item.record["content_field"] for item in items} == {"content"}
    first = items[0]
    assert first.record["title"] == "THE CREATIVE FORAGER"
    assert isinstance(first.record["html"], str)
    assert first.record["html"].startswith("<h4>Using Wild Ingredients")
    assert "Seattle foraging teacher Jeremy Puma" in first.document.text
    # instant-article.rss carries both; description says "Lorem ipsum" without the markup.
    (instant,) = parsed(shared_feed("instant-article.rss"))
    assert (instant.record["content_field"], instant.record["html"]) == (
        "content",
        "<b>Lorem</b> ipsum",
    )


@pytest.mark.shared
@pytest.mark.parametrize("name", MALFORMED_FEEDS)
def test_malformed_real_feeds_give_records_or_clear_errors(name: str) -> None:
    found = records(shared_feed(name))
    assert found
    for record in found:
        assert isinstance(record, UnreadableRecord)
        assert record.error.startswith(("the item carries no", "not an RSS, Atom or JSON Feed"))
