"""The gate's parts: raw lines with numbers and limits, JSONL records or errors rows, and
`run_gate` routing every record to exactly one sink, lazily, in input order."""

from __future__ import annotations

import base64
import io
import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from farmscore.gate import (
    GateCounts,
    GateSinks,
    Unsupported,
    encode_row,
    run_gate,
    source_records,
)
from farmscore.reading.stream import (
    NO_WORDS,
    RAW_PREVIEW_CHARS,
    ParsedRecord,
    RawLine,
    SourceRecord,
    UnreadableRecord,
    iter_raw_lines,
    jsonl_records,
    parse_line,
)
from farmscore.scoring import BATCH_SIZE, Scorer
from tests.conftest import farm_text, substantive_text


def lines(data: bytes, limit: int = 50) -> list[tuple[int, bytes, int, bool]]:
    return [
        (r.number, r.data, r.n_bytes, r.oversized) for r in iter_raw_lines(io.BytesIO(data), limit)
    ]


# ---- raw lines --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", []),
        (b"a", [(1, b"a", 1, False)]),
        (b"a\nb\n", [(1, b"a", 1, False), (2, b"b", 1, False)]),
        (b"a\r\n\r\nb", [(1, b"a", 1, False), (2, b"", 0, False), (3, b"b", 1, False)]),
        (b"\xef\xbb\xbf{}\n\xef\xbb\xbf", [(1, b"{}", 2, False), (2, b"\xef\xbb\xbf", 3, False)]),
        # Exactly at the limit is fine, with or without a line ending.
        (b"x" * 50 + b"\n", [(1, b"x" * 50, 50, False)]),
        (b"x" * 50 + b"\r\n" + b"y", [(1, b"x" * 50, 50, False), (2, b"y", 1, False)]),
        (b"x" * 50, [(1, b"x" * 50, 50, False)]),
    ],
)
def test_lines_are_numbered_without_endings_and_a_bom(
    data: bytes, expected: list[tuple[int, bytes, int, bool]]
) -> None:
    assert lines(data) == expected


@pytest.mark.parametrize("size", [51, 52, 53, 5_000])
def test_an_oversized_line_is_measured_and_skipped_and_the_next_line_still_read(
    size: int,
) -> None:
    found = lines(b"x" * size + b"\n{}\n")
    assert len(found) == 2
    number, head, n_bytes, oversized = found[0]
    assert (number, n_bytes, oversized) == (1, size, True)
    assert head == b"x" * len(head)
    assert 0 < len(head) <= size
    assert found[1] == (2, b"{}", 2, False)


def test_an_oversized_last_line_without_an_ending_is_measured() -> None:
    ((number, _, n_bytes, oversized),) = lines(b"z" * 3_000_017, limit=1_000)
    assert (number, n_bytes, oversized) == (1, 3_000_017, True)


# ---- JSONL records ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b'{"text": ', "not valid JSON: Expecting value at column 10"),
        (b"[1, 2]", "a JSON list, not an object with a text field"),
        (b'"just a string"', "a JSON str, not an object with a text field"),
        (b'{"id": "n"}', "no text or html field; add one of them"),
        (b'{"text": 42}', "the text/html field is not a string"),
        (b'{"text": ""}', NO_WORDS),
        (b'{"text": " \\n\\t "}', NO_WORDS),
        (b'{"html": "<html><body><script>x()</script></body></html>"}', NO_WORDS),
        (b"plain words", "not valid JSON: Expecting value at column 1"),
        # Hostile lines: deeper than the parser recurses, and an integer too long to read.
        (
            b"[" * 100_000,
            "nested deeper than the JSON reader follows (about 1,000 levels of [ or {); "
            "no article record is nested like that",
        ),
        (
            b'{"text": "Rain.", "n": ' + b"7" * 5_000 + b"}",
            "not readable as JSON: Exceeds the limit (4300 digits) for integer string "
            "conversion: value has 5000 digits; use sys.set_int_max_str_digits() to increase "
            "the limit",
        ),
    ],
)
def test_lines_that_cannot_be_scored_are_errors_rows_with_line_and_raw(
    raw: bytes, error: str
) -> None:
    result = parse_line(RawLine(7, raw, len(raw)))
    assert isinstance(result, UnreadableRecord)
    assert result.row() == {"line": 7, "raw": raw.decode(), "error": error}


def test_a_line_that_is_not_utf8_keeps_its_exact_bytes_in_base64() -> None:
    raw = b'{"text": "caf\xe9 cr\xe8me"}'
    result = parse_line(RawLine(3, raw, len(raw)))
    assert isinstance(result, UnreadableRecord)
    row = result.row()
    assert row["error"] == "not UTF-8 (bad byte at offset 13)"
    assert row["raw"] == raw.decode("utf-8", errors="replace")
    assert base64.b64decode(str(row["raw_base64"])) == raw


def test_an_oversized_line_is_an_error_with_a_truncated_preview_that_says_so() -> None:
    raw = ('{"text": "' + "é" * 4_000).encode()
    result = parse_line(RawLine(2, raw[:4_000], 9_000_001, oversized=True), max_line_bytes=100)
    assert isinstance(result, UnreadableRecord)
    row = result.row()
    assert row["line"] == 2
    assert row["raw"] == raw.decode()[:RAW_PREVIEW_CHARS]
    assert (row["raw_truncated"], row["raw_bytes"]) == (True, 9_000_001)
    assert "9,000,001 bytes, over the 100-byte limit" in str(row["error"])


def test_a_good_line_keeps_every_field_as_given() -> None:
    raw = '{"id": 5, "title": 3, "text": "Rain due.", "tags": ["a"], "score": null, "ü": 1}'
    result = parse_line(RawLine(1, raw.encode(), len(raw)))
    assert isinstance(result, ParsedRecord)
    assert result.record == json.loads(raw)
    assert (result.position, result.document.id, result.document.text) == (1, "5", "Rain due.")


def test_html_records_are_scored_on_their_extracted_text() -> None:
    raw = b'{"html": "<html><body><p>The dam holds 4 million litres.</p></body></html>"}'
    result = parse_line(RawLine(1, raw, len(raw)))
    assert isinstance(result, ParsedRecord)
    assert result.document.text == "The dam holds 4 million litres."
    assert "html" in result.record


def test_blank_lines_are_not_records_but_count_in_line_numbers() -> None:
    found = list(jsonl_records(io.BytesIO(b'\n  \n{"text": "a"}\n\r\n[]\n')))
    assert [
        (type(r).__name__, r.row()["line"] if isinstance(r, UnreadableRecord) else r.position)
        for r in found
    ] == [
        ("ParsedRecord", 3),
        ("UnreadableRecord", 5),
    ]


class OneLineAtATime(io.RawIOBase):
    """A stream that fails the test if it is read past `allowed` lines."""

    def __init__(self, lines: list[bytes], allowed: int) -> None:
        self.lines, self.allowed, self.served = lines, allowed, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.served >= len(self.lines):
            return 0
        assert self.served < self.allowed, "read past what was asked for"
        line = self.lines[self.served]
        self.served += 1
        buffer[: len(line)] = line
        return len(line)


def test_jsonl_records_are_read_lazily() -> None:
    stream = OneLineAtATime([b'{"text": "one"}\n', b'{"text": "two"}\n', b"{bad\n"], allowed=1)
    records = jsonl_records(io.BufferedReader(stream))
    first = next(records)
    assert isinstance(first, ParsedRecord)
    assert first.document.text == "one"
    assert stream.served == 1


# ---- run_gate with a real model ---------------------------------------------------------


@pytest.fixture(scope="module")
def scorer(tiny_model_dir: Path) -> Scorer:
    return Scorer.load(tiny_model_dir)


def mixed_stream(n_good: int, seed: int = 5) -> tuple[bytes, dict[str, str]]:
    """Good farm and substantive records with bad lines between them; and the kind of each
    good id."""
    rng = random.Random(seed)
    rows: list[bytes] = []
    kinds: dict[str, str] = {}
    bad = [b"{oops", b"[1]", b'{"id": "no-text"}', b'{"id": "empty", "text": ""}', b"\xff\xfe"]
    for i in range(n_good):
        kind = "farm" if i % 3 == 0 else "news"
        text = farm_text(rng) if kind == "farm" else substantive_text(rng)
        kinds[f"r{i}"] = kind
        rows.append(json.dumps({"id": f"r{i}", "text": text, "n": i}).encode())
        if i % 7 == 3:
            rows.append(bad[i % len(bad)])
    return b"\n".join(rows) + b"\n", kinds


def gate_bytes(
    data: bytes,
    scorer: Scorer,
    drop: bool = False,
    on_unsupported: Unsupported = Unsupported.label,
) -> tuple[GateCounts, list[dict[str, object]], list[dict[str, object]], list[dict[str, object]]]:
    accept, reject, errors = io.BytesIO(), io.BytesIO(), io.BytesIO()
    counts = run_gate(
        source_records(io.BytesIO(data)),
        scorer,
        GateSinks(accept, None if drop else reject, errors),
        on_unsupported=on_unsupported,
    )

    def rows(sink: io.BytesIO) -> list[dict[str, object]]:
        return [json.loads(line) for line in sink.getvalue().splitlines()]

    return counts, rows(accept), rows(reject), rows(errors)


def test_every_record_ends_in_exactly_one_sink_in_input_order(scorer: Scorer) -> None:
    data, kinds = mixed_stream(150)
    counts, accepted, rejected, errors = gate_bytes(data, scorer)
    n_lines = len(data.splitlines())
    assert counts.read == n_lines == len(accepted) + len(rejected) + len(errors)
    assert (counts.accepted, counts.rejected, counts.errors) == (
        len(accepted),
        len(rejected),
        len(errors),
    )
    ids = [row["id"] for row in accepted + rejected]
    assert sorted(ids, key=str) == sorted(kinds, key=str)
    for rows in (accepted, rejected):
        numbers = [int(str(row["n"])) for row in rows]
        assert numbers == sorted(numbers)
    assert {row["id"] for row in rejected} == {i for i, k in kinds.items() if k == "farm"}
    line_numbers = [int(str(row["line"])) for row in errors]
    assert line_numbers == sorted(line_numbers)
    raw_lines = data.splitlines()
    for row in errors:
        assert row["raw"] == raw_lines[int(str(row["line"])) - 1].decode(errors="replace")


def test_rows_are_the_input_record_plus_a_farmscore_verdict(scorer: Scorer) -> None:
    text = farm_text(random.Random(2))
    record = {"id": "x", "text": text, "source": {"site": "s"}, "farmscore": "old"}
    _, _, (row,), _ = gate_bytes(json.dumps(record).encode(), scorer)
    verdict = row.pop("farmscore")
    assert row == {k: v for k, v in record.items() if k != "farmscore"}
    assert isinstance(verdict, dict)
    assert set(verdict) == {
        "score",
        "label",
        "threshold",
        "band",
        "policy",
        "decided_by",
        "machine",
        "substance",
        "tells",
        "model",
        "word_count",
        "warnings",
        "base",
        "explained_share",
        "reasons",
    }
    assert (verdict["label"], verdict["model"]) == ("content_farm", "tiny")
    assert verdict["reasons"]
    spans = [span for reason in verdict["reasons"] for span in reason["evidence"]]
    assert all(text[span["start"] : span["end"]].startswith(span["text"]) for span in spans)


@pytest.mark.parametrize(
    ("on_unsupported", "short_goes_to"),
    [
        (Unsupported.label, "accept"),  # by its score, like any other, warning kept
        (Unsupported.accept, "accept"),
        (Unsupported.reject, "reject"),
        (Unsupported.error, "errors"),
    ],
)
def test_on_unsupported_sends_a_record_with_a_warning_where_it_says(
    scorer: Scorer, on_unsupported: Unsupported, short_goes_to: str
) -> None:
    rng = random.Random(8)
    short = {"id": "short", "text": "The council met on Tuesday and voted to fix the bridge."}
    farm = {"id": "farm", "text": farm_text(rng)}
    news = {"id": "news", "text": substantive_text(rng)}
    data = b"\n".join(json.dumps(r).encode() for r in (short, farm, news))

    counts, accepted, rejected, errors = gate_bytes(data, scorer, on_unsupported=on_unsupported)

    if short_goes_to == "errors":
        (error,) = errors
        assert error["line"] == 1
        assert "not judged: too_short (--on-unsupported error)" in str(error["error"])
    else:
        sink = accepted if short_goes_to == "accept" else rejected
        (row,) = [row for row in sink if row["id"] == "short"]
        verdict = row["farmscore"]
        assert isinstance(verdict, dict)
        assert verdict["warnings"] == ["too_short"]
    # Records without a warning are routed by their score whatever the option says.
    assert [row["id"] for row in rejected if row["id"] != "short"] == ["farm"]
    assert [row["id"] for row in accepted if row["id"] != "short"] == ["news"]
    assert counts.read == 3 == counts.accepted + counts.rejected + counts.errors


def test_dropped_rejects_are_still_counted(scorer: Scorer) -> None:
    data, kinds = mixed_stream(12)
    counts, _, rejected, _ = gate_bytes(data, scorer, drop=True)
    assert rejected == []
    assert counts.rejected == sum(kind == "farm" for kind in kinds.values())
    assert counts.read == counts.accepted + counts.rejected + counts.errors
    assert "rejected (dropped)" in counts.summary(rejected_dropped=True)


@pytest.mark.parametrize(("threshold", "where"), [(0.0, "reject"), (1.0, "accept")])
def test_threshold_zero_rejects_all_and_one_accepts_all(
    tiny_model_dir: Path, threshold: float, where: str
) -> None:
    data, kinds = mixed_stream(20)
    counts, accepted, rejected, _ = gate_bytes(
        data, Scorer.load(tiny_model_dir, threshold=threshold)
    )
    assert len(accepted if where == "accept" else rejected) == len(kinds)
    assert counts.accepted + counts.rejected == len(kinds)


def test_an_empty_stream_reads_nothing(scorer: Scorer) -> None:
    counts, *outputs = gate_bytes(b"", scorer)
    assert counts == GateCounts()
    assert outputs == [[], [], []]


def test_output_is_written_before_the_input_is_consumed(scorer: Scorer) -> None:
    data, _ = mixed_stream(BATCH_SIZE * 6)
    consumed = 0

    def counting() -> Iterator[SourceRecord]:
        nonlocal consumed
        for record in source_records(io.BytesIO(data)):
            consumed += 1
            yield record

    class FirstWrite(io.BytesIO):
        seen_at: int | None = None

        def write(self, data: object) -> int:
            if self.seen_at is None:
                self.seen_at = consumed
            return super().write(data)  # type: ignore[arg-type]

    accept, reject = FirstWrite(), FirstWrite()
    run_gate(counting(), scorer, GateSinks(accept, reject, io.BytesIO()))
    first = min(x for x in (accept.seen_at, reject.seen_at) if x is not None)
    total = len(data.splitlines())
    # A batch and a batch read ahead (plus the bad lines among them) before the first row.
    assert first < total / 2


@pytest.mark.parametrize(
    ("row", "line"),
    [
        ({"a": "café"}, '{"a": "café"}\n'),
        ({"a": float("nan")}, '{"a": NaN}\n'),
        ({"a": "\ud800x"}, '{"a": "\\ud800x"}\n'),
        ({"a": "日本"}, '{"a": "日本"}\n'),
    ],
)
def test_rows_are_written_as_utf8_lines_even_with_odd_values(
    row: dict[str, object], line: str
) -> None:
    assert encode_row(row).decode("utf-8") == line


def test_summary_line_names_every_count() -> None:
    counts = GateCounts(read=120, accepted=97, rejected=20, errors=3)
    assert counts.summary() == "farmscore gate: 120 read, 97 accepted, 20 rejected, 3 errors"


def test_a_row_holding_a_long_text_is_encoded_as_a_short_one_is() -> None:
    # Over a million characters the row is encoded piece by piece, to copy the text less.
    text = "Rain fell on the \u2019quay\u2019 \U0001f600.\n" * 40_000
    row = {"id": "long", "text": text, "farmscore": {"score": 0.5, "reasons": [{"a": None}]}}
    expected = (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
    assert len(text) > 1_000_000
    assert encode_row(row) == expected
    assert (
        encode_row({**row, "bad": "\ud800"})
        == (json.dumps({**row, "bad": "\ud800"}) + "\n").encode()
    )
