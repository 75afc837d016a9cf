"""Read paths, folders, JSONL and standard input into `Document`s.

A record that cannot be read becomes an `InputError` naming the file and line and saying what
to do; reading goes on, so nothing is lost and nothing is silently dropped.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from farmscore.settings import HTML_SUFFIXES, JSONL_SUFFIXES, MAX_DOCUMENT_BYTES, TEXT_SUFFIXES
from farmscore.types import Document, InputError

STDIN = "-"
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

Record = Document | InputError


def iter_documents(paths: Iterable[str], stdin: BinaryIO | None = None) -> Iterator[Record]:
    """Yield one `Document` per input document, or an `InputError` where one cannot be read.

    Paths may be files (`.txt`, `.md`, `.html`, `.htm`, `.jsonl`), folders (searched
    recursively for those suffixes, in sorted order) or `-` for standard input. Standard input
    is read as JSONL when its first non-blank character is `{`, else as one text document.
    """
    for path in paths:
        if path == STDIN:
            yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer)
            continue
        target = Path(path)
        if target.is_dir():
            files = sorted(
                p
                for p in target.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
            for file in files:
                yield from _read_file(file, str(file))
        elif target.is_file():
            yield from _read_file(target, path)
        else:
            yield InputError(path, "no such file or folder; check the path")


def _read_stdin(stream: BinaryIO) -> Iterator[Record]:
    # peek() needs a buffered reader; a test's BytesIO is not one.
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)  # type: ignore[type-var]
    if buffered.peek(1 << 16).lstrip()[:1] == b"{":
        yield from _read_jsonl(buffered, STDIN)
        return
    yield from _text_document(buffered.read(MAX_DOCUMENT_BYTES + 1), STDIN, STDIN)


def _read_file(file: Path, name: str) -> Iterator[Record]:
    suffix = file.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield InputError(
            name,
            f"unsupported file type {suffix or '(none)'}; give .txt, .md, .html, .htm or .jsonl",
        )
        return
    try:
        if suffix in JSONL_SUFFIXES:
            with file.open("rb") as stream:
                yield from _read_jsonl(stream, name)
            return
        size = file.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            yield InputError(name, _too_large(size))
            return
        data = file.read_bytes()
    except OSError as error:
        yield InputError(name, f"cannot read: {error.strerror or error}")
        return
    if suffix in HTML_SUFFIXES:
        yield _html_document(data, name, name, url=None)
    else:
        yield from _text_document(data, name, name)


def _too_large(size: int) -> str:
    return (
        f"{size:,} bytes is over the {MAX_DOCUMENT_BYTES:,}-byte limit for one document; "
        f"split it into articles"
    )


def _text_document(data: bytes, doc_id: str, where: str) -> Iterator[Record]:
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
    yield Document(id=doc_id, text=text)


def _html_document(data: bytes | str, doc_id: str, where: str, url: str | None) -> Record:
    # trafilatura and lxml (about 25 MB) are loaded only when a page needs extracting.
    from farmscore.extract import extract_article

    page = extract_article(data, url=url)
    html = data if isinstance(data, str) else data.decode("utf-8", errors="replace")
    return Document(id=doc_id, text=page.text, title=page.title, html=html, url=url)


def _read_jsonl(stream: BinaryIO, name: str) -> Iterator[Record]:
    yield from _read_jsonl_lines(iter(stream.readline, b""), name)


def _read_jsonl_lines(lines: Iterable[bytes], name: str) -> Iterator[Record]:
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        yield parse_jsonl_record(raw, f"{name}:{number}", default_id=f"{name}:{number}")


def parse_jsonl_record(raw: bytes, where: str, default_id: str) -> Record:
    """One JSONL line into a `Document`: `text` or `html`, optional `id`, `title`, `url`;
    every other field is kept in `meta`."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        return InputError(where, _too_large(len(raw)))
    raw_text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return InputError(where, f"not UTF-8 (bad byte at offset {error.start})", raw_text)
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return InputError(where, f"not valid JSON: {error.msg} at column {error.colno}", raw_text)
    if not isinstance(record, dict):
        return InputError(
            where, f"a JSON {type(record).__name__}, not an object with a text field", raw_text
        )
    doc_id = str(record["id"]) if record.get("id") is not None else default_id
    meta = {k: v for k, v in record.items() if k not in ("id", "text", "html", "title", "url")}
    title = record.get("title") if isinstance(record.get("title"), str) else None
    url = record.get("url") if isinstance(record.get("url"), str) else None
    text, html = record.get("text"), record.get("html")
    if isinstance(text, str):
        return Document(id=doc_id, text=text, title=title, url=url, meta=meta)
    if isinstance(html, str):
        # trafilatura and lxml (about 25 MB) are loaded only when a page needs extracting.
        from farmscore.extract import extract_article

        page = extract_article(html, url=url)
        return Document(
            id=doc_id, text=page.text, title=title or page.title, html=html, url=url, meta=meta
        )
    if text is None and html is None:
        return InputError(where, "no text or html field; add one of them", raw_text)
    return InputError(where, "the text/html field is not a string", raw_text)
