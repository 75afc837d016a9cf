"""The fuzz campaign, seeded and small: hostile inputs through the API and every command.

`make bench` runs the same campaign with 10,000 inputs (`python -m benchmarks.fuzz`)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.fuzz import check_gate_outputs, run_campaign
from farmscore.scoring import Scorer

SEED = 20261203


def test_a_seeded_campaign_finds_no_crash_and_loses_no_record() -> None:
    # The stages at the limits run apart, smaller: test_fuzz_limits.py.
    report = run_campaign(n_inputs=200, seed=SEED, scorer=Scorer.load(), limits=None)

    assert [vars(f) for f in report.crashes] == []
    assert [vars(f) for f in report.lost] == []
    assert sum(report.inputs.values()) >= 200
    assert set(report.inputs) >= {"api", "score", "features", "gate --jobs 1", "gate --jobs 2"}
    assert {"gate feed", "audit", "signals"} <= set(report.inputs)


def test_the_gate_check_finds_a_missing_a_doubled_and_an_unnumbered_row(tmp_path: Path) -> None:
    outputs = {name: tmp_path / f"{name}.jsonl" for name in ("accept", "reject", "errors")}
    outputs["accept"].write_text(json.dumps({"fuzz_line": 1}) + "\n" + json.dumps({"id": "x"}))
    outputs["reject"].write_text(json.dumps({"fuzz_line": 3}) + "\n")
    outputs["errors"].write_text(json.dumps({"line": 3, "error": "bad"}) + "\n")

    problems = check_gate_outputs(outputs, expected={1, 2, 3})

    assert len(problems) == 3
    assert "without its line" in problems[0]
    assert "1 lines in no output, first [2]" in problems[1]
    assert "1 lines in two outputs, first [3]" in problems[2]
