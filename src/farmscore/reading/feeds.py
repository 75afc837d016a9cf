"""Read RSS 1.0/2.0, Atom and JSON Feed documents into records to score, one per item.

Each item becomes a record `{"id", "link", "title", "published", "feed", "content_field",
"html" | "text"}`: `id` is the item's link, else its guid; `published` is ISO 8601 UTC when
the date could be parsed, else as written; the content is the fullest the item carries
(`content:encoded` or Atom content before description or summary) and `content_field` says
which it was. HTML content goes in `html`, plain in `text`. An item with an empty
description and no content is an errors row, as one whose description holds no words is:
its title is a headline, not the item's text, and too little to judge.
A feed is a document, read whole up to `FEED_MAX_BYTES`; an item or a feed that cannot be
read becomes an errors row, never an exception.

>>> feed = b'{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": ['
>>> feed += b'{"id": "1", "url": "https://example.org/a", "content_text": "Rain due."}]}'
>>> (item,) = feed_records(feed, InputKind.json_feed)
>>> item.record["id"], item.record["text"], item.document.text
('https://example.org/a', 'Rain due.', 'Rain due.')
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from farmscore.reading.files import parse_jsonl_record
from farmscore.reading.safe_json import UnreadableJsonError, parse_json
from farmscore.reading.settings import MAX_DOCUMENT_BYTES
from farmscore.reading.stream import (
    NO_WORDS,
    RAW_PREVIEW_CHARS,
    InputKind,
    ParsedRecord,
    SourceRecord,
    UnreadableRecord,
)
from farmscore.types import InputError
from farmscore.words import has_words

# A feed is read whole to be parsed: larger ones are refused. Real feeds are well under
# 5 MB; ten times that leaves room for full-content feeds without risking memory.
FEED_MAX_BYTES = 50_000_000
JSON_FEED_VERSION_PREFIX = "https://jsonfeed.org/version/1"
# Content types whose content is HTML; feedparser labels RSS descriptions text/html.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Which field an item's content came from, as stable names.
CONTENT_FIELD = "content"
SUMMARY_FIELD = "summary"
NO_CONTENT = "the item carries no content or summary"
ONLY_A_TITLE = (
    "the item carries no content or summary, only its title; a headline is too little to "
    "judge: fetch the page it links to and score that"
)


@dataclass(frozen=True, slots=True)
class BadItem:
    """An item that is not an item at all: its raw JSON and why."""

    raw: str
    reason: str


def feed_records(data: bytes, kind: InputKind) -> Iterator[SourceRecord]:
    """One `ParsedRecord` or `UnreadableRecord` per item of an XML or JSON feed, in feed
    order; a document that is no feed at all, or is over `FEED_MAX_BYTES`, gives one
    `UnreadableRecord`."""
    if len(data) > FEED_MAX_BYTES:
        yield feed_error(
            data,
            f"the feed is over the {FEED_MAX_BYTES:,}-byte limit for one feed document; "
            f"raw holds its first {RAW_PREVIEW_CHARS:,} characters; split it or convert "
            f"its items to JSONL",
        )
        return
    items = _json_feed_items(data) if kind is InputKind.json_feed else _xml_feed_items(data)
    if isinstance(items, str):
        yield feed_error(data, items)
        return
    for number, item in enumerate(items, start=1):
        yield item_record(number, item)


def feed_error(data: bytes, reason: str) -> UnreadableRecord:
    """An errors row for a whole document: its first characters and why it was refused."""
    text = data[: RAW_PREVIEW_CHARS * 4].decode("utf-8", errors="replace")
    # Past the limit the document was not read to its end, so its size is unknown.
    extra: dict[str, object] = {"raw_bytes": len(data)} if len(data) <= FEED_MAX_BYTES else {}
    if len(text) > RAW_PREVIEW_CHARS or len(data) > RAW_PREVIEW_CHARS * 4:
        extra["raw_truncated"] = True
    return UnreadableRecord({"line": None, "item": None}, text[:RAW_PREVIEW_CHARS], reason, extra)


def item_record(number: int, item: dict[str, object] | BadItem) -> SourceRecord:
    """A built item record (or the reason an item could not be built) as a record to score."""
    where: dict[str, int | None] = {"line": None, "item": number}
    if isinstance(item, BadItem):
        return UnreadableRecord(where, item.raw, item.reason)
    raw = json.dumps(item, ensure_ascii=False)
    if "text" not in item and "html" not in item:
        return UnreadableRecord(where, raw, _why_no_content(item))
    parsed = parse_jsonl_record(raw.encode("utf-8"), f"item {number}", f"item {number}")
    if isinstance(parsed, InputError):
        if len(raw) > RAW_PREVIEW_CHARS and len(raw.encode("utf-8")) > MAX_DOCUMENT_BYTES:
            return UnreadableRecord(
                where, raw[:RAW_PREVIEW_CHARS], parsed.reason, {"raw_truncated": True}
            )
        return UnreadableRecord(where, raw, parsed.reason)
    if not has_words(parsed.text):
        return UnreadableRecord(where, raw, NO_WORDS)
    return ParsedRecord(number, item, parsed, where)


def _why_no_content(item: dict[str, object]) -> str:
    return ONLY_A_TITLE if _has_text(item.get("title")) else NO_CONTENT


def _xml_feed_items(data: bytes) -> list[dict[str, object] | BadItem] | str:
    # Imported here: only a feed needs feedparser (about 10 MB), not a JSONL stream.
    import feedparser

    try:
        # A stream, never bytes or str: feedparser would take those for a path or a URL.
        parsed = feedparser.parse(io.BytesIO(data))
    except Exception as error:  # untrusted input, third-party parser: report, never crash
        return f"the feed could not be parsed: {type(error).__name__}: {error}"
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f" ({problem})" if problem else ""
        return f"not an RSS, Atom or JSON Feed document{detail}; check the input"
    feed_title = parsed.feed.get("title")
    return [_xml_item(entry, feed_title) for entry in parsed.entries]


def _xml_item(entry: Mapping[str, Any], feed_title: object) -> dict[str, object]:
    link, guid = entry.get("link") or None, entry.get("id") or None
    record: dict[str, object] = {
        "id": link or guid,
        "link": link,
        "title": entry.get("title") or None,
        "published": _xml_date(entry),
        "feed": feed_title or None,
    }
    contents = [c for c in entry.get("content", []) if (c.get("value") or "").strip()]
    if contents:
        fullest = max(contents, key=lambda c: len(c["value"]))
        _put_content(record, CONTENT_FIELD, fullest["value"], fullest.get("type"))
    elif (entry.get("summary") or "").strip():
        summary_type = entry.get("summary_detail", {}).get("type", "text/html")
        _put_content(record, SUMMARY_FIELD, entry["summary"], summary_type)
    return record


def _xml_date(entry: Mapping[str, Any]) -> str | None:
    for key in ("published", "updated", "created"):
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)
        if entry.get(key):
            return str(entry[key])
    return None


def _put_content(record: dict[str, object], field: str, value: object, kind: object) -> None:
    record["content_field"] = field
    record["html" if kind in HTML_TYPES else "text"] = value


def _json_feed_items(data: bytes) -> list[dict[str, object] | BadItem] | str:
    try:
        document = parse_json(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        return f"a JSON Feed must be UTF-8 (bad byte at offset {error.start})"
    except UnreadableJsonError as error:
        return str(error)
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(document, dict) or not isinstance(version, str):
        return f"not a JSON Feed: no version starting {JSON_FEED_VERSION_PREFIX}"
    if not version.startswith(JSON_FEED_VERSION_PREFIX):
        return f"not a JSON Feed: no version starting {JSON_FEED_VERSION_PREFIX}"
    items = document.get("items")
    if not isinstance(items, list):
        return "a JSON Feed needs an items list"
    feed_title = document.get("title") if isinstance(document.get("title"), str) else None
    return [_json_item(item, feed_title) for item in items]


def _json_item(item: object, feed_title: str | None) -> dict[str, object] | BadItem:
    if not isinstance(item, dict):
        return BadItem(
            json.dumps(item, ensure_ascii=False),
            f"a JSON {type(item).__name__} among the items, not an item object",
        )
    link = item.get("url") or item.get("external_url") or None
    record: dict[str, object] = {
        "id": link or item.get("id"),
        "link": link,
        "title": item.get("title") or None,
        "published": item.get("date_published") or item.get("date_modified") or None,
        "feed": feed_title,
    }
    if _has_text(item.get("content_html")):
        _put_content(record, CONTENT_FIELD, item["content_html"], "text/html")
    elif _has_text(item.get("content_text")):
        _put_content(record, CONTENT_FIELD, item["content_text"], "text/plain")
    elif _has_text(item.get("summary")):
        _put_content(record, SUMMARY_FIELD, item["summary"], "text/plain")
    return record


def _has_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


__all__ = ["FEED_MAX_BYTES", "feed_error", "feed_records", "item_record"]
