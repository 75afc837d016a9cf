"""Reading article tables (.csv, .parquet) and walking an audit's inputs: every row becomes a
document or an error naming the file and the row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from farmscore.reading import tables
from farmscore.reading.tables import iter_input_records, iter_table_documents
from farmscore.types import Document, InputError


def read(path: Path) -> list[Document | InputError]:
    return list(iter_table_documents(path))


def test_csv_rows_keep_id_url_source_title_and_number_missing_ids(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    pd.DataFrame(
        {
            "id": ["007", ""],
            "text": ["Dana Ortiz said the budget rose.", "Второй текст, не по-английски."],
            "url": ["https://www.example.org/x", ""],
            "source": ["wire", ""],
            "title": ["Budget", ""],
        }
    ).to_csv(path, index=False)
    first, second = read(path)
    assert first == Document(
        id="007",
        text="Dana Ortiz said the budget rose.",
        title="Budget",
        url="https://www.example.org/x",
        source="wire",
    )
    assert isinstance(second, Document)
    assert (second.id, second.text, second.url, second.source) == (
        f"{path} row 2",
        "Второй текст, не по-английски.",
        None,
        None,
    )


def test_html_column_is_extracted_and_the_page_kept(tmp_path: Path) -> None:
    page = "<html><body><article><p>Marcus Bell counted 41 ballots.</p></article></body></html>"
    path = tmp_path / "pages.csv"
    pd.DataFrame({"html": [page]}).to_csv(path, index=False)
    (doc,) = read(path)
    assert isinstance(doc, Document)
    assert "Marcus Bell counted 41 ballots." in doc.text
    assert doc.html == page


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("", "the text (or html) cell is empty"),
        (None, "the text (or html) cell is empty"),
        (42, "the text cell is a int, not a string"),
    ],
)
def test_parquet_rows_without_usable_text_are_errors_naming_the_row(
    tmp_path: Path, cell: object, message: str
) -> None:
    path = tmp_path / "t.parquet"
    frame = pd.DataFrame({"text": pd.Series(["One word", cell], dtype=object)})
    if isinstance(cell, int):
        frame = pd.DataFrame({"text": [7, cell]})
    frame.to_parquet(path)
    records = read(path)
    assert len(records) == 2
    error = records[1]
    assert isinstance(error, InputError)
    assert error.where == f"{path} row 2"
    assert message in error.reason


def test_text_wins_over_html_and_html_is_used_when_text_is_blank(tmp_path: Path) -> None:
    path = tmp_path / "both.csv"
    pd.DataFrame(
        {"text": ["plain words", ""], "html": ["<p>ignored</p>", "<p>from the page</p>"]}
    ).to_csv(path, index=False)
    first, second = read(path)
    assert isinstance(first, Document)
    assert isinstance(second, Document)
    assert (first.text, first.html) == ("plain words", None)
    assert "from the page" in second.text


def test_table_without_text_column_is_one_error_naming_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    pd.DataFrame({"body": ["x"], "label": ["y"]}).to_csv(path, index=False)
    (error,) = read(path)
    assert isinstance(error, InputError)
    assert error.where == str(path)
    assert "no 'text' or 'html' column" in error.reason
    assert "'body'" in error.reason


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("latin1.csv", "text\ncafé crème\n".encode("latin-1"), "not UTF-8"),
        ("empty.csv", b"", "cannot be read as csv"),
        ("garbage.parquet", b"\x00\x01 not a parquet file at all", "cannot be read as parquet"),
    ],
)
def test_unreadable_tables_are_one_error_each(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    (error,) = read(path)
    assert isinstance(error, InputError)
    assert error.where == str(path)
    assert message in error.reason


def test_a_cell_over_the_size_limit_is_an_error_and_the_next_row_still_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "MAX_DOCUMENT_BYTES", 1000)
    path = tmp_path / "huge.csv"
    pd.DataFrame({"text": ["x" * 5000, "small"]}).to_csv(path, index=False)
    error, doc = read(path)
    assert isinstance(error, InputError)
    assert "over the 1,000-byte limit" in error.reason
    assert isinstance(doc, Document)
    assert doc.text == "small"


def test_walk_reads_every_kind_in_sorted_order_and_skips_the_output_folder(
    tmp_path: Path,
) -> None:
    (tmp_path / "b.txt").write_text("bee", encoding="utf-8")
    (tmp_path / "a.jsonl").write_text('{"text": "ay"}\n', encoding="utf-8")
    pd.DataFrame({"text": ["see"]}).to_parquet(tmp_path / "c.parquet")
    (tmp_path / "notes.docx").write_bytes(b"not read")
    out = tmp_path / "audit"
    out.mkdir()
    pd.DataFrame({"id": ["old"], "score": [0.1]}).to_csv(out / "results.csv", index=False)
    sourced = list(iter_input_records([str(tmp_path)], exclude=out))
    assert [s.file for s in sourced] == [
        str(tmp_path / "a.jsonl"),
        str(tmp_path / "b.txt"),
        str(tmp_path / "c.parquet"),
    ]
    assert [r.record.text for r in sourced if isinstance(r.record, Document)] == [
        "ay",
        "bee",
        "see",
    ]


def test_walk_reports_missing_and_unsupported_paths(tmp_path: Path) -> None:
    odd = tmp_path / "data.xlsx"
    odd.write_bytes(b"PK")
    missing, unsupported = iter_input_records([str(tmp_path / "nope"), str(odd)])
    assert isinstance(missing.record, InputError)
    assert "no such file or folder" in missing.record.reason
    assert isinstance(unsupported.record, InputError)
    assert "unsupported file type .xlsx" in unsupported.record.reason
    assert ".parquet" in unsupported.record.reason


def test_a_parquet_column_of_lists_gives_an_error_per_row_and_the_other_rows(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lists.parquet"
    pd.DataFrame(
        {"text": [["two", "words"], ["more"]], "html": ["<p>A page.</p>", None]}
    ).to_parquet(path)
    first, second = read(path)
    # Parquet gives lists back as arrays: each row is its own error, and nothing aborts.
    for record, row in ((first, 1), (second, 2)):
        assert isinstance(record, InputError)
        assert record.where == f"{path} row {row}"
        assert "the text cell is a ndarray, not a string" in record.reason
