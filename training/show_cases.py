"""Score the issue's "Why" cases (`training/cases/`) with a model, and with a baseline beside
it: each case's verdict, which answer decided it and its first reasons (the result's order:
tells first, then the largest).

    .venv/bin/python training/show_cases.py --model models/default \\
        --baseline "env PYTHONPATH=/path/to/old/src .venv/bin/python -m farmscore"

The cases are short fictional texts written for the purpose, one of each kind the issue
names: a spun SEO guide with a leaked "As an AI language model", plain machine news spun from
a headline, a person's finance blog dense with figures, and a sourced report in polished prose.
They illustrate; the figures that count are `run_trials.py`'s, on real text.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
from pathlib import Path
from typing import Any

from farmscore.score_rows import score_to_dict
from farmscore.scoring import Scorer

CASES = Path(__file__).resolve().parent / "cases"
SHOWN_REASONS = 3


def with_model(model: Path | None, paths: list[Path]) -> dict[str, dict[str, Any]]:
    """Each case's result record, as `farmscore score --format json` writes it."""
    scorer = Scorer.load(model)
    records = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        records[path.stem] = score_to_dict(scorer.score(text=text), text)
    return records


def with_command(command: str, paths: list[Path]) -> dict[str, dict[str, Any]]:
    """Each case's result record from another farmscore's command line."""
    argv = [*shlex.split(command), "score", *map(str, paths), "--format", "json"]
    finished = subprocess.run(argv, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise SystemExit(f"baseline failed ({finished.returncode}): {finished.stderr[-2000:]}")
    return {Path(record["id"]).stem: record for record in json.loads(finished.stdout)}


def describe(record: dict[str, Any]) -> str:
    """One case's verdict and reasons, a line each."""
    machine = record.get("machine") or {}
    substance = record.get("substance") or {}
    head = (
        f"  score {record['score']:.4f} {record['label']}"
        + (f", decided by {record['decided_by']}" if record.get("decided_by") else "")
        + (f", machine {machine['probability']:.4f}" if machine else "")
        + (
            f", substance {substance['percentile']:.0f}th percentile"
            if substance.get("percentile") is not None
            else ""
        )
        + (
            f", reasons explain {record['explained_share']:.0%} of the log-odds"
            if record.get("explained_share") is not None
            else ""
        )
    )
    reasons = [
        f"    {reason.get('title') or reason['feature']}: {reason['contribution']:+.2f} toward "
        f"{reason['direction'].replace('_', ' ')}"
        + (f" ({reason['evidence'][0]['text']!r})" if reason.get("evidence") else "")
        for reason in record["reasons"][:SHOWN_REASONS]
    ]
    return "\n".join([head, *reasons])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="default: the shipped model")
    parser.add_argument("--baseline", default=None, help="a farmscore command line to compare")
    parser.add_argument("--cases", type=Path, default=CASES)
    args = parser.parse_args()

    paths = sorted(args.cases.glob("*.txt"))
    results = {"model": with_model(args.model, paths)}
    if args.baseline:
        results["baseline"] = with_command(args.baseline, paths)
    for path in paths:
        print(path.stem)
        for name, records in results.items():
            print(f" {name}:")
            print(describe(records[path.stem]))


if __name__ == "__main__":
    main()
