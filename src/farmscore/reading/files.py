"""Read paths, folders, JSONL and standard input into `Document`s.

A record that cannot be read becomes an `InputError` naming the file and line and saying what
to do; reading goes on, so nothing is lost and nothing is silently dropped.
"""

from __future__ import annotations

import gzip
import io
import re
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, cast

from farmscore.reading.lines import iter_raw_lines
from farmscore.reading.markdown import as_read_text, looks_like_markdown, markdown_to_text
from farmscore.reading.paths import COMPRESSED_SUFFIX, InputFile, shown, walk_inputs
from farmscore.reading.safe_json import UnreadableJsonError, parse_json
from farmscore.reading.settings import (
    HTML_SUFFIXES,
    JSONL_SUFFIXES,
    MARKDOWN_SUFFIXES,
    MAX_DOCUMENT_BYTES,
    TEXT_SUFFIXES,
)
from farmscore.types import Document, InputError
from farmscore.words import NO_WORDS_REASON, has_words

STDIN = "-"
# An HTML document starts, after an XML declaration, comments and blank space, with one of these.
_HTML_DOCUMENT_START = re.compile(
    r"(?:\s|<\?xml[^>]{0,200}\?>|<!--.{0,2000}?-->)*<(?:!doctype\s+html|html|head|body)[\s>]",
    re.IGNORECASE | re.DOTALL,
)
# A fragment of a page (`<main>`, `<article>`, a run of `<p>`s) opens, after comments and blank
# space, with the tag of a block or sectioning element...
_HTML_FRAGMENT_START = re.compile(
    r"(?:\s|<!--.{0,2000}?-->)*<(?:main|article|section|div|p|h[1-6]|header|footer|nav|aside|"
    r"figure|blockquote|pre|ul|ol|dl|table|form|details)(?:\s[^<>]{0,2000})?>",
    re.IGNORECASE | re.DOTALL,
)
# ...and ends with a closing tag: prose that mentions "<p>" or opens with "<div>" and goes on
# in plain words is no fragment.
_HTML_FRAGMENT_END = re.compile(r"</[a-z][a-z0-9]{0,20}\s*>\Z", re.IGNORECASE)
# How much of an input's start and end the HTML checks read.
_HTML_SNIFF_CHARS = 4096
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

Record = Document | InputError


def iter_documents(paths: Iterable[str], stdin: BinaryIO | None = None) -> Iterator[Record]:
    """Yield one `Document` per input document, or an `InputError` where one cannot be read.

    Paths may be files (`.txt`, `.md`, `.html`, `.htm`, `.jsonl`), folders (searched
    recursively for those suffixes, in sorted order) or `-` for standard input. Standard input
    is read as JSONL when its first non-blank character is `{`, else as one page when it is
    HTML (`looks_like_html`: a whole document or a fragment), else as one text document.
    A `.md` file is read as Markdown (`farmscore.reading.markdown.markdown_to_text`). A document
    without a single word is an `InputError`: there is nothing to judge.
    """
    for record in _documents(paths, stdin):
        if isinstance(record, Document) and not has_words(record.text):
            yield InputError(record.id, NO_WORDS_REASON)
        else:
            yield record


def _documents(paths: Iterable[str], stdin: BinaryIO | None) -> Iterator[Record]:
    for path in paths:
        if path == STDIN:
            yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer)
            continue
        for found in walk_inputs([path], SUPPORTED_SUFFIXES):
            if isinstance(found, InputError):
                yield found
            else:
                yield from read_file(found)


def _read_stdin(stream: BinaryIO) -> Iterator[Record]:
    # peek() needs a buffered reader; a test's BytesIO is not one.
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)  # type: ignore[type-var]
    head = buffered.peek(1 << 16).removeprefix(b"\xef\xbb\xbf").lstrip()
    if head[:1] == b"{":
        yield from _read_jsonl(buffered, STDIN)
        return
    data = buffered.read(MAX_DOCUMENT_BYTES + 1)
    if looks_like_html(data):
        # A page piped in (`cat page.html | farmscore score -`): its text, not its markup.
        if len(data) > MAX_DOCUMENT_BYTES:
            yield InputError(STDIN, _too_large(len(data)))
        else:
            yield page_document(data, STDIN)
        return
    yield from _text_document(data, STDIN, STDIN)


def looks_like_html(data: bytes | str) -> bool:
    """Whether a whole input is HTML: a document (a doctype, or an html, head or body tag
    before any text; comments and an XML declaration may come first), or a fragment that
    opens with a block element's tag (`<main>`, `<article>`, `<div>`, `<p>`...) and ends with
    a closing tag, unless it is a Markdown document (which may hold raw HTML blocks).

    >>> looks_like_html(b"<!DOCTYPE html><html>"), looks_like_html("<main><p>Rain.</p></main>")
    (True, True)
    >>> looks_like_html("<p> marks a paragraph"), looks_like_html("a < b, so it stops")
    (False, False)
    """
    head = _start(data)
    if _HTML_DOCUMENT_START.match(head):
        return True
    if not _HTML_FRAGMENT_START.match(head) or not _HTML_FRAGMENT_END.search(_end(data)):
        return False
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    return not looks_like_markdown(text)


def _start(data: bytes | str) -> str:
    """The first characters of an input, without a byte-order mark."""
    head = data[:_HTML_SNIFF_CHARS]
    text = head.decode("utf-8", errors="replace") if isinstance(head, bytes) else head
    return text.removeprefix("\ufeff")


def _end(data: bytes | str) -> str:
    """The last characters of an input, without trailing space."""
    # Twice the span read: a page ends in less blank space than that.
    tail = data[-2 * _HTML_SNIFF_CHARS :].rstrip()
    return tail.decode("utf-8", errors="replace") if isinstance(tail, bytes) else tail


def read_file(found: InputFile) -> Iterator[Record]:
    """The documents of one file, by its (logical) suffix: a `.gz` file is decompressed."""
    name, suffix = found.name, found.suffix
    if suffix not in SUPPORTED_SUFFIXES:
        yield InputError(
            shown(name),
            f"unsupported file type {suffix or '(none)'}; give .txt, .md, .html, .htm or "
            f".jsonl (or any of them .gz)",
        )
        return
    try:
        if suffix in JSONL_SUFFIXES:
            with open_decompressed(found.path) as stream:
                yield from _read_jsonl(stream, name)
            return
        data = read_limited(found.path, MAX_DOCUMENT_BYTES)
    except (OSError, EOFError, zlib.error) as error:
        yield InputError(shown(name), f"cannot read: {_reason(error)}")
        return
    if len(data) > MAX_DOCUMENT_BYTES:
        yield InputError(shown(name), _too_large(len(data)))
    elif suffix in HTML_SUFFIXES:
        yield page_document(data, name)
    else:
        yield from _text_document(data, name, name, markdown=suffix in MARKDOWN_SUFFIXES)


def open_decompressed(path: Path) -> BinaryIO:
    """A binary reader on `path`, decompressing a `.gz` file as it reads."""
    if path.suffix.lower() == COMPRESSED_SUFFIX:
        return cast(BinaryIO, gzip.open(path, "rb"))
    return path.open("rb")


def read_limited(path: Path, limit: int) -> bytes:
    """At most `limit` + 1 bytes of `path` (decompressed): a result longer than `limit` means
    the document was over it, and a small file that inflates to gigabytes is never read whole."""
    with open_decompressed(path) as stream:
        return stream.read(limit + 1)


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return f"{error}; is it a complete gzip file?" if str(error) else type(error).__name__


def _too_large(size: int) -> str:
    return (
        f"{size:,} bytes is over the {MAX_DOCUMENT_BYTES:,}-byte limit for one document; "
        f"split it into articles"
    )


def _text_document(
    data: bytes, doc_id: str, where: str, markdown: bool = False
) -> Iterator[Record]:
    if len(data) > MAX_DOCUMENT_BYTES:
        yield InputError(where, _too_large(len(data)))
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        yield InputError(
            where,
            f"not UTF-8 text (bad byte at offset {error.start}); convert it to UTF-8, "
            f"e.g. iconv -f latin1 -t utf-8",
        )
        return
    yield Document(id=doc_id, text=markdown_to_text(text) if markdown else as_read_text(text))


def page_document(
    data: bytes | str,
    doc_id: str,
    *,
    title: str | None = None,
    url: str | None = None,
    source: str | None = None,
    meta: dict[str, object] | None = None,
) -> Document:
    """The `Document` of a page: its extracted text, with the title and url given or else
    the page's own (its `<title>`, its canonical link)."""
    # trafilatura and lxml (about 25 MB) are loaded only when a page needs extracting.
    from farmscore.reading.html_extraction import extract_article

    page = extract_article(data, url=url)
    html = data if isinstance(data, str) else data.decode("utf-8", errors="replace")
    return Document(
        id=doc_id,
        text=page.text,
        title=title or page.title,
        html=html,
        url=url or page.canonical_url,
        source=source,
        meta=meta if meta is not None else {},
    )


def _read_jsonl(stream: BinaryIO, name: str) -> Iterator[Record]:
    """The records of a JSONL stream; a line over the document limit is an error read past,
    never held whole."""
    for line in iter_raw_lines(stream):
        where = f"{name}:{line.number}"
        if line.oversized:
            yield InputError(where, _too_large(line.n_bytes), line.preview())
        elif line.data.strip():
            yield parse_jsonl_record(line.data, where, default_id=where)


def parse_jsonl_record(raw: bytes, where: str, default_id: str) -> Record:
    """One JSONL line into a `Document`: `text` or `html`, optional `id`, `title`, `url`;
    every other field is kept in `meta`."""
    parsed = parse_jsonl_object(raw, where)
    if isinstance(parsed, InputError):
        return parsed
    return record_document(parsed, where, default_id, raw)


def parse_jsonl_object(raw: bytes, where: str) -> dict[str, object] | InputError:
    """One JSONL line as the JSON object it holds, or an `InputError` saying why it is none:
    too long, not UTF-8, not JSON (malformed, nested too deep, a number too long), or not an
    object."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        return InputError(where, _too_large(len(raw)))
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return InputError(where, f"not UTF-8 (bad byte at offset {error.start})", _raw(raw))
    try:
        record = parse_json(line)
    except UnreadableJsonError as error:
        return InputError(where, str(error), _raw(raw))
    if not isinstance(record, dict):
        return InputError(
            where, f"a JSON {type(record).__name__}, not an object with a text field", _raw(raw)
        )
    return record


def record_document(
    record: dict[str, object], where: str, default_id: str, raw: bytes
) -> Document | InputError:
    """The `Document` of a JSONL object: `text` or `html`, optional `id`, `title`, `url`;
    every other field is kept in `meta`."""
    doc_id = str(record["id"]) if record.get("id") is not None else default_id
    meta = {k: v for k, v in record.items() if k not in ("id", "text", "html", "title", "url")}
    raw_title, raw_url = record.get("title"), record.get("url")
    title = raw_title if isinstance(raw_title, str) else None
    url = raw_url if isinstance(raw_url, str) else None
    text, html = record.get("text"), record.get("html")
    if isinstance(text, str) and looks_like_html(text):
        # A whole page put in the text field: scoring its markup would be a wrong answer.
        text, html = None, text
    if isinstance(text, str):
        return Document(id=doc_id, text=as_read_text(text), title=title, url=url, meta=meta)
    if isinstance(html, str):
        return page_document(html, doc_id, title=title, url=url, meta=meta)
    if text is None and html is None:
        return InputError(where, "no text or html field; add one of them", _raw(raw))
    return InputError(where, "the text/html field is not a string", _raw(raw))


def _raw(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace").rstrip("\r\n")
