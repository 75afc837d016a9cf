"""Run the verdict trials (`farmscore.training.trials`) on a model, and on a baseline beside it.

    .venv/bin/python training/run_trials.py --model models/default --out reports/trials \\
        --baseline "env PYTHONPATH=/path/to/old/src .venv/bin/python -m farmscore"

The baseline is any farmscore command line that scores JSONL on standard input (`score -
--format jsonl`): the previous release, say, run from its own checkout. Both score the same
texts in the same run. Prints one table and writes `trials.json` (figures) and
`trial_scores.parquet` (one row per text: no text, only ids, kinds and scores).
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from farmscore.scoring import Scorer
from farmscore.training.corpora import REPOSITORY_CORPORA_DIR
from farmscore.training.shared_pages import article_page_texts
from farmscore.training.trials import all_trials
from farmscore.types import Document

START = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - START:7.1f}s] {message}", file=sys.stderr, flush=True)


def score_with(scorer: Scorer, texts: pd.Series) -> pd.DataFrame:
    """The verdict and both answers for every text, in order."""
    documents = [Document(id=str(i), text=str(text)) for i, text in enumerate(texts)]
    rows = []
    for score in scorer.score_documents(documents, n_jobs=-1):
        rows.append(
            {
                "score": score.score,
                "flagged": score.label == "content_farm",
                "machine": score.machine,
                "machine_flagged": (score.machine or 0.0) >= (score.machine_threshold or 1.0),
                "decided_by": score.decided_by,
                "tells": ";".join(score.tells),
                "band": score.band,
                "substance_percentile": score.substance_percentile,
                "explained_share": score.explained_share,
            }
        )
    return pd.DataFrame(rows)


def score_with_command(command: str, texts: pd.Series) -> pd.DataFrame:
    """Scores from another farmscore's command line, read back in order."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        for i, text in enumerate(texts):
            handle.write(json.dumps({"id": str(i), "text": str(text)}) + "\n")
        path = handle.name
    argv = [*shlex.split(command), "score", path, "--format", "jsonl", "--jobs", "-1"]
    finished = subprocess.run(argv, capture_output=True, text=True, check=False)
    Path(path).unlink()
    if finished.returncode not in (0, 1):
        raise SystemExit(f"baseline failed ({finished.returncode}): {finished.stderr[-2000:]}")
    rows = {}
    for line in finished.stdout.splitlines():
        record = json.loads(line)
        rows[int(record["id"])] = {
            "baseline_score": record["score"],
            "baseline_flagged": record["label"] == "content_farm",
        }
    return pd.DataFrame([rows.get(i, {}) for i in range(len(texts))])


def _rate(values: pd.Series) -> float:
    return round(float(values.mean()) * 100, 2) if len(values) else float("nan")


def summarise(frame: pd.DataFrame) -> dict[str, Any]:
    """The figures the issue asks for, trial by trial."""
    has_baseline = "baseline_flagged" in frame
    summary: dict[str, Any] = {}
    for (trial, kind), rows in frame.groupby(["trial", "kind"], sort=True):
        entry = {
            "n": len(rows),
            "flagged_pct": _rate(rows["flagged"]),
            "machine_pct": _rate(rows["machine_flagged"]),
        }
        if has_baseline:
            entry["baseline_flagged_pct"] = _rate(rows["baseline_flagged"])
        summary.setdefault(str(trial), {})[str(kind)] = entry
    leaked = frame[frame["trial"] == "leaked_openings"]
    if len(leaked):
        by_generator: dict[str, Any] = {}
        for generator, rows in leaked.groupby("generator", sort=True):
            opening = rows["kind"] != "none"
            entry = {
                "leaked_n": int(opening.sum()),
                "leaked_flagged_pct": _rate(rows.loc[opening, "flagged"]),
                "plain_n": int((~opening).sum()),
                "plain_flagged_pct": _rate(rows.loc[~opening, "flagged"]),
            }
            if has_baseline:
                entry["baseline_leaked_flagged_pct"] = _rate(rows.loc[opening, "baseline_flagged"])
                entry["baseline_plain_flagged_pct"] = _rate(rows.loc[~opening, "baseline_flagged"])
            by_generator[str(generator)] = entry
        opening = leaked["kind"] != "none"
        summary["leaked_openings_all"] = {
            "leaked_n": int(opening.sum()),
            "leaked_flagged_pct": _rate(leaked.loc[opening, "flagged"]),
            "plain_flagged_pct": _rate(leaked.loc[~opening, "flagged"]),
            **(
                {"baseline_leaked_flagged_pct": _rate(leaked.loc[opening, "baseline_flagged"])}
                if has_baseline
                else {}
            ),
            "by_generator": by_generator,
        }
    polished = frame[frame["trial"] == "polished"]
    if len(polished):
        no_tell = polished["tells"] == ""
        summary["polished_without_tell"] = {
            "n": int(no_tell.sum()),
            "flagged_pct": _rate(polished.loc[no_tell, "flagged"]),
            "machine_pct": _rate(polished.loc[no_tell, "machine_flagged"]),
            "by_family": {
                str(family): _rate(rows.loc[rows["tells"] == "", "flagged"])
                for family, rows in polished.groupby("family")
            },
        }
    shares = frame["explained_share"].dropna()
    summary["explained_share"] = {
        "n": len(shares),
        "median": round(float(shares.median()), 4),
        "at_least_80pct_of_documents_pct": _rate(shares >= 0.8),
        "p10": round(float(np.quantile(shares, 0.1)), 4),
    }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="default: the shipped model")
    parser.add_argument("--html", type=Path, default=Path("../shared/html"))
    parser.add_argument("--corpora", type=Path, default=REPOSITORY_CORPORA_DIR)
    parser.add_argument("--baseline", default=None, help="a farmscore command line to compare")
    parser.add_argument("--out", type=Path, default=Path("reports/trials"))
    parser.add_argument("--articles", type=int, default=400)
    args = parser.parse_args()

    pages = article_page_texts(args.html) if args.html.exists() else []
    trials = all_trials(pages, args.corpora, n_articles=args.articles)
    say(f"{len(trials):,} trial texts")
    scorer = Scorer.load(args.model)
    frame = pd.concat([trials.reset_index(drop=True), score_with(scorer, trials["text"])], axis=1)
    say("scored with the model")
    if args.baseline:
        frame = pd.concat([frame, score_with_command(args.baseline, trials["text"])], axis=1)
        say("scored with the baseline")
    summary = summarise(frame)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "trials.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    frame.drop(columns=["text"]).to_parquet(args.out / "trial_scores.parquet", index=False)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
