"""Score the articles of a JSON file with the farmscore first on the path, best of N passes:
`release_pair` runs it once per version and round. Prints {"best_seconds": ...}.

    python benchmarks/release_pair_child.py MODEL_FOLDER ARTICLES_JSON PASSES
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from farmscore.scoring import Scorer

# Where each version keeps the JSONL row writer: releases before the verdict kept it in the
# report package.
ROW_MODULES = ("farmscore.score_rows", "farmscore.report.serialize")


def _row_writer() -> Callable[..., dict[str, Any]]:
    for name in ROW_MODULES:
        try:
            writer: Callable[..., dict[str, Any]] = importlib.import_module(name).score_to_dict
        except ModuleNotFoundError:
            continue
        return writer
    raise ModuleNotFoundError(f"none of {ROW_MODULES} in this farmscore")


def main(model: str, articles: str, passes: str) -> None:
    score_to_dict = _row_writer()
    texts = json.loads(Path(articles).read_text(encoding="utf-8"))
    scorer = Scorer.load(Path(model))
    scorer.score(text=texts[0])  # word tables and weights load before the clock starts
    best = float("inf")
    for _ in range(int(passes)):
        start = time.perf_counter()
        for score, text in zip(scorer.score_many(texts), texts, strict=True):
            json.dumps(score_to_dict(score, text), ensure_ascii=False)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"best_seconds": best}))


if __name__ == "__main__":
    main(*sys.argv[1:])
