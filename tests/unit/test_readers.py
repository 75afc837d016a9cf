"""Reading inputs: files, folders, JSONL and standard input, and clear errors for bad records."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from farmscore.reading.files import iter_documents
from farmscore.reading.settings import MAX_DOCUMENT_BYTES
from farmscore.types import Document, InputError


def read(paths: list[str], stdin: bytes = b"") -> list[Document | InputError]:
    return list(iter_documents(paths, stdin=io.BytesIO(stdin)))


def test_text_and_markdown_files_are_one_document_each_with_the_path_as_id(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.txt").write_text("Alpha text.", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Beta\n\nBody.", encoding="utf-8")
    docs = read([str(tmp_path / "a.txt"), str(tmp_path / "b.md")])
    assert [(d.id, d.text) for d in docs if isinstance(d, Document)] == [
        (str(tmp_path / "a.txt"), "Alpha text."),
        # A Markdown file's own heading is its title line, not a leaked "#".
        (str(tmp_path / "b.md"), "Beta\n\nBody."),
    ]


def test_folders_are_searched_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "z.txt").write_text("z", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("a", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"ignored: not a supported suffix")
    docs = read([str(tmp_path)])
    assert [d.id for d in docs] == [str(tmp_path / "sub" / "a.md"), str(tmp_path / "z.txt")]


def test_jsonl_keeps_ids_numbers_missing_ones_and_reports_bad_lines(tmp_path: Path) -> None:
    lines = [
        '{"id": "x1", "text": "First.", "lang": "en"}',
        '{"text": "No id here."}',
        "",
        "{not json",
        "[1, 2]",
        '{"id": "x5"}',
        '{"id": "x6", "text": 42}',
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = read([str(path)])
    assert isinstance(records[0], Document)
    assert (records[0].id, records[0].text, records[0].meta) == ("x1", "First.", {"lang": "en"})
    assert isinstance(records[1], Document)
    assert records[1].id == f"{path}:2"
    errors = [r for r in records if isinstance(r, InputError)]
    assert [e.where for e in errors] == [f"{path}:{n}" for n in (4, 5, 6, 7)]
    assert "not valid JSON" in errors[0].reason
    assert "not an object" in errors[1].reason
    assert "no text or html field" in errors[2].reason
    assert "not a string" in errors[3].reason
    assert errors[0].raw == "{not json"


def test_undecodable_and_oversized_files_become_errors_and_reading_goes_on(
    tmp_path: Path,
) -> None:
    (tmp_path / "a_latin1.txt").write_bytes("café".encode("latin-1"))
    (tmp_path / "b_big.txt").write_bytes(b"a" * (MAX_DOCUMENT_BYTES + 1))
    (tmp_path / "c_fine.txt").write_text("fine", encoding="utf-8")
    records = read([str(tmp_path)])
    assert isinstance(records[0], InputError)
    assert "not UTF-8" in records[0].reason
    assert isinstance(records[1], InputError)
    assert "limit" in records[1].reason
    assert isinstance(records[2], Document)


def test_missing_paths_and_unsupported_files_are_named(tmp_path: Path) -> None:
    (tmp_path / "doc.pdf").write_bytes(b"%PDF")
    records = read([str(tmp_path / "nope.txt"), str(tmp_path / "doc.pdf")])
    assert all(isinstance(r, InputError) for r in records)
    assert [r.where for r in records] == [str(tmp_path / "nope.txt"), str(tmp_path / "doc.pdf")]


@pytest.mark.parametrize(
    ("stdin", "expected"),
    [
        (b"Just some text.\nMore.", [("-", "Just some text.\nMore.")]),
        (b'  {"id": "a", "text": "A."}\n{"id": "b", "text": "B."}\n', [("a", "A."), ("b", "B.")]),
    ],
)
def test_stdin_is_jsonl_when_it_starts_with_a_brace_else_one_text(
    stdin: bytes, expected: list[tuple[str, str]]
) -> None:
    docs = read(["-"], stdin)
    assert [(d.id, d.text) for d in docs if isinstance(d, Document)] == expected


def test_html_files_are_extracted_to_their_main_text(tmp_path: Path) -> None:
    body = " ".join(["The council approved the budget on Tuesday night."] * 8)
    page = (
        "<html><head><title>Budget</title></head>"
        f"<body><article><p>{body}</p></article></body></html>"
    )
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    (doc,) = read([str(tmp_path / "page.html")])
    assert isinstance(doc, Document)
    assert "council approved the budget" in doc.text
    assert "<p>" not in doc.text


def test_markdown_files_keep_their_structure_as_lines_without_markup(tmp_path: Path) -> None:
    (tmp_path / "review.md").write_text(
        "---\ntitle: Kettle review\n---\n## Pros\n\n* **Quiet**, even at a boil\n"
        "* Auto [shut-off](https://example.com) works\n\n```\ncode\n```\n\nA *good* buy.\n",
        encoding="utf-8",
    )
    (doc,) = read([str(tmp_path / "review.md")])
    assert isinstance(doc, Document)
    assert doc.text == (
        "Kettle review\n\nPros\n- Quiet, even at a boil\n- Auto shut-off works\n\nA good buy."
    )


@pytest.mark.parametrize(
    "content", [b"", b"   \n\t", b"!!!! ???", "\u200b\u200b".encode(), b"\x00"]
)
def test_a_file_or_stdin_without_words_is_an_error_naming_it(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    (from_file,) = read([str(path)])
    assert isinstance(from_file, InputError)
    assert from_file.where == str(path)
    assert "the text has no words" in from_file.reason
    (from_stdin,) = list(iter_documents(["-"], stdin=io.BytesIO(content)))
    assert isinstance(from_stdin, InputError)
    assert "the text has no words" in from_stdin.reason


PAGE = (
    "<!DOCTYPE html><html><head><title>Storm</title></head><body><nav>Home | News</nav>"
    "<article><p>"
    + "The storm closed the harbour road on Tuesday, the council said. " * 8
    + "</p></article></body></html>"
)


def test_html_on_stdin_and_in_a_text_field_is_read_as_the_page_it_is() -> None:
    (piped,) = list(iter_documents(["-"], stdin=io.BytesIO(PAGE.encode())))
    assert isinstance(piped, Document)
    assert piped.text.startswith("The storm closed the harbour road")
    assert "<" not in piped.text
    assert piped.html == PAGE
    line = json.dumps({"id": "p", "text": PAGE}).encode() + b"\n"
    (in_text,) = list(iter_documents(["-"], stdin=io.BytesIO(line)))
    assert isinstance(in_text, Document)
    assert in_text.text == piped.text
    # A tag inside prose is prose.
    prose = b"Use the <b> tag for bold, the council's style guide says."
    (plain,) = list(iter_documents(["-"], stdin=io.BytesIO(prose)))
    assert isinstance(plain, Document)
    assert plain.text == prose.decode()


_STORY = "The storm closed the harbour road on Tuesday, the council said. " * 4
_FRAGMENTS = {
    "main": f"<main><h1>Storm</h1><p>{_STORY}</p><p>{_STORY}</p></main>\n",
    "article": f"<!-- saved body -->\n<article class='post'>\n<p>{_STORY}</p>\n</article>",
    "div": f'<div id="content"><p>{_STORY}</p><ul><li>Road shut</li></ul></div>',
    "paragraphs": f"\ufeff<p>{_STORY}</p>\n<p>{_STORY}</p>",
}


@pytest.mark.parametrize("fragment", _FRAGMENTS.values(), ids=_FRAGMENTS.keys())
def test_a_piped_html_fragment_is_read_as_the_page_it_comes_from(fragment: str) -> None:
    (piped,) = read(["-"], fragment.encode())
    (whole,) = read(["-"], f"<html><body>{fragment.lstrip(chr(0xFEFF))}</body></html>".encode())
    assert isinstance(piped, Document)
    assert isinstance(whole, Document)
    assert piped.text == whole.text
    assert "<" not in piped.text
    assert piped.text.startswith("The storm closed the harbour road")
    # The same fragment in a JSONL text field is read the same way.
    line = json.dumps({"id": "f", "text": fragment}).encode() + b"\n"
    (in_text,) = read(["-"], line)
    assert isinstance(in_text, Document)
    assert in_text.text == piped.text


_PLAIN_WITH_A_TAG = {
    "less than": "a < b, so the loop stops; b > a never holds after the 3rd pass.",
    "heart": "<3 from the whole team at the harbour office, see you on Tuesday.",
    "tag named in prose": "<p> marks a paragraph, the council's style guide says; close it.",
    "tag that opens prose": "<div> wraps the form, and the rest of the page is plain words.",
    "inline tag": "<b>Update:</b> the harbour road reopened on Tuesday, the council said.",
}


@pytest.mark.parametrize("text", _PLAIN_WITH_A_TAG.values(), ids=_PLAIN_WITH_A_TAG.keys())
def test_piped_text_holding_a_tag_is_read_as_text(text: str) -> None:
    (piped,) = read(["-"], text.encode())
    assert isinstance(piped, Document)
    assert (piped.text, piped.html) == (text, None)


_MARKDOWN_WITH_HTML = {
    "opening html block": (
        '<p align="center"><img src="logo.png"></p>\n\n# Kettle review\n\n'
        "It is **quiet**.\n\n## Pros\n\n- Fast\n- Cheap\n"
    ),
    "wrapped in details": (
        "<details>\n<summary>Notes</summary>\n\n# Setup\n\nRun it.\n\n## Use\n\n"
        "Call it.\n\n</details>"
    ),
}


@pytest.mark.parametrize("post", _MARKDOWN_WITH_HTML.values(), ids=_MARKDOWN_WITH_HTML.keys())
def test_piped_markdown_holding_html_is_read_as_a_md_file_is(post: str, tmp_path: Path) -> None:
    (piped,) = read(["-"], post.encode())
    md = tmp_path / "post.md"
    md.write_text(post, encoding="utf-8")
    (from_file,) = read([str(md)])
    assert isinstance(piped, Document)
    assert isinstance(from_file, Document)
    assert (piped.text, piped.html) == (from_file.text, None)
    assert "#" not in piped.text


_POST = "# My trip\n\nWe drove north.\n\n## Day two\n\n- Hiked\n- Swam"


@pytest.mark.parametrize(
    "stdin",
    [_POST.encode(), (json.dumps({"id": "p", "text": _POST}) + "\n").encode()],
    ids=["plain stdin", "jsonl text field"],
)
def test_a_markdown_post_on_stdin_or_in_a_text_field_is_read_as_a_md_file_is(
    stdin: bytes, tmp_path: Path
) -> None:
    (post,) = read(["-"], stdin)
    md = tmp_path / "post.md"
    md.write_text(_POST, encoding="utf-8")
    (from_file,) = read([str(md)])
    assert isinstance(post, Document)
    assert isinstance(from_file, Document)
    assert post.text == from_file.text
    assert "#" not in post.text


@pytest.mark.parametrize("compressed", [False, True])
def test_a_jsonl_line_over_the_limit_is_an_error_and_the_next_lines_are_read(
    tmp_path: Path, compressed: bool
) -> None:
    # The reader stops holding the line at the limit (it used to read a 500 MB line whole,
    # 1.55 GB of memory, before checking it); the error still gives its full size.
    huge = b'{"id": "huge", "text": "' + b"word " * (MAX_DOCUMENT_BYTES // 5 + 1) + b'"}'
    lines = [b'{"id": "a", "text": "Alpha."}', huge, b"", b'{"id": "b", "text": "Beta."}']
    data = b"\n".join(lines) + b"\n"
    name = "in.jsonl.gz" if compressed else "in.jsonl"
    (tmp_path / name).write_bytes(gzip.compress(data) if compressed else data)
    records = read([str(tmp_path / name)])
    assert [r.id for r in records if isinstance(r, Document)] == ["a", "b"]
    [error] = [r for r in records if isinstance(r, InputError)]
    assert error.where == f"{tmp_path / name}:2"
    assert f"{len(huge):,} bytes is over the" in error.reason
    assert error.raw is not None
    assert error.raw.startswith('{"id": "huge"')
    assert len(error.raw) <= 1_000


def test_a_byte_order_mark_before_the_first_jsonl_line_is_read_past(tmp_path: Path) -> None:
    (tmp_path / "bom.jsonl").write_bytes(b'\xef\xbb\xbf{"id": "a", "text": "Alpha."}\n')
    [record] = read([str(tmp_path / "bom.jsonl")])
    assert isinstance(record, Document)
    assert record.id == "a"
