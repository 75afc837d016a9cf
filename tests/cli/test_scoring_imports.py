"""Scoring starts small: no scikit-learn, SciPy, pandas, pyarrow or joblib in a process that
only scores (they cost a scoring process about 140 MB and 1.5 s at start-up)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("sklearn", "scipy", "pandas", "pyarrow", "joblib")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "headphone-review.md"

# Runs the command line in this process, then reports which heavy packages it imported.
PROBE = """
import json, runpy, sys
heavy = set(json.loads(sys.argv[2]))
sys.argv = ["farmscore", *json.loads(sys.argv[1])]
try:
    runpy.run_module("farmscore", run_name="__main__")
except SystemExit as stop:
    code = stop.code
else:
    code = 0
loaded = sorted({name.partition(".")[0] for name in sys.modules} & heavy)
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def _imports_of(argv: list[str], stdin: str = "") -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(argv), json.dumps(HEAVY)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report: dict[str, object] = json.loads(completed.stderr.strip().splitlines()[-1])
    return report


@pytest.mark.parametrize(
    ("argv", "stdin"),
    [
        (["score", str(EXAMPLE)], ""),
        (["score", "--format", "jsonl", str(EXAMPLE)], ""),
        (["gate", "--reject", "/dev/null"], '{"id": "a", "text": "Rain fell on the town."}\n'),
        (["features", str(EXAMPLE)], ""),
    ],
    ids=["score-table", "score-jsonl", "gate-jsonl", "features"],
)
def test_scoring_commands_import_no_heavy_package(argv: list[str], stdin: str) -> None:
    report = _imports_of(argv, stdin)
    assert report["code"] in (0, None), report
    assert report["loaded"] == [], f"{argv[0]} imported {report['loaded']}"


def test_python_api_scores_without_heavy_packages() -> None:
    code = (
        "import sys\n"
        "from farmscore import Scorer\n"
        "Scorer.load().score(text='The council voted 5-2 on Tuesday to fix the roads.')\n"
        f"print(sorted({{n.partition('.')[0] for n in sys.modules}} & set({HEAVY!r})))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert completed.stdout.strip() == "[]"


def test_gate_with_workers_loads_the_pool_before_its_input_arrives() -> None:
    # With no input at all, gate still warms up: its first row will not wait for joblib.
    report = _imports_of(["gate", "--jobs", "2", "--reject", "/dev/null"], stdin="")
    assert "joblib" in report["loaded"], report  # type: ignore[operator]
