"""The limits benchmark's inputs: a document that fits one request at the limit, and streams
of whole records of the size asked for."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.limits import BODY_LIMIT_BYTES, document_at_the_limit, real_texts, write_stream


def test_without_the_shared_corpora_the_texts_are_generated(tmp_path: Path) -> None:
    texts = real_texts(tmp_path)
    assert len(texts) == 2_000
    assert all(len(text.split()) > 500 for text in texts[:5])


def test_the_document_at_the_limit_fits_one_request_and_nearly_fills_it(tmp_path: Path) -> None:
    text = document_at_the_limit(real_texts(tmp_path))
    request = json.dumps({"documents": [{"id": "limit", "text": text}]}).encode("utf-8")
    assert 0.9 * BODY_LIMIT_BYTES < len(request) <= BODY_LIMIT_BYTES


def test_a_stream_holds_whole_records_up_to_its_size(tmp_path: Path) -> None:
    stream = tmp_path / "stream.jsonl"
    n_records = write_stream(stream, ["One article.", "Another, longer article."], 0.001)
    lines = stream.read_bytes().splitlines()
    assert len(lines) == n_records
    assert stream.stat().st_size >= 1_000
    assert [json.loads(line)["id"] for line in lines[:3]] == ["r0", "r1", "r2"]
