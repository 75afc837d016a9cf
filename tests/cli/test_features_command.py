"""`farmscore features` through typer's CliRunner and through a real subprocess."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from farmscore.cli import app
from farmscore.features.extractor import feature_names

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


def test_jsonl_has_one_row_per_document_with_every_feature() -> None:
    result = runner.invoke(app, ["features", str(EXAMPLES), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == len(list(EXAMPLES.glob("*.txt"))) + len(list(EXAMPLES.glob("*.md")))
    assert all(list(row["features"]) == feature_names() for row in rows)
    ids = {row["id"] for row in rows}
    assert str(EXAMPLES / "farm-celebrity-breakup.txt") in ids


def test_csv_header_is_id_then_every_feature() -> None:
    result = runner.invoke(
        app, ["features", str(EXAMPLES / "council-budget-report.txt"), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0] == ["id", *feature_names()]
    assert len(table) == 2


def test_stdin_jsonl_keeps_ids_and_bad_lines_are_reported_with_exit_1() -> None:
    stdin = '{"id": "a1", "text": "The mayor said 5 things."}\nnot json\n'
    result = runner.invoke(app, ["features", "-", "--format", "jsonl"], input=stdin)
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a1"]
    assert "-:2" in result.stderr
    assert "not valid JSON" in result.stderr


def test_table_format_prints_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES.parent)
    result = runner.invoke(app, ["features", "examples/headphone-review.md"])
    assert result.exit_code == 0, result.output
    assert "examples/headphone-review.md" in result.stdout


def test_real_subprocess_reads_standard_input() -> None:
    command = [sys.executable, "-m", "farmscore", "features", "-", "--format", "jsonl"]
    result = subprocess.run(
        command, input="Plain text from a pipe.", capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    (row,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert row["id"] == "-"
    assert len(row["features"]) == len(feature_names())
