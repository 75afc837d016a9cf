"""Fit the tell-line scorer on the development phrasings and write it as package data.

    .venv/bin/python training/fit_tell_lines.py --data ../shared/data \
        --out src/farmscore/data/tell_lines.npz

All logic lives in `farmscore.training.tell_line_fitting`; this script reads the corpora and
the development files, splits them and writes. `--check FILE` also plants each line of another
development file in 5 human validation articles and prints how many each kind catches.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from farmscore.features.tell_lines import TellLineScorer, line_units, save
from farmscore.features.text import AnalyzedText
from farmscore.model.folder import sha256_file
from farmscore.training.corpora import (
    load_corpora,
    load_repository_corpora,
    strip_shared_openings,
)
from farmscore.training.corpus_sources import ROLE_TRAIN
from farmscore.training.pages import assemble_human_pages, matched_lengths
from farmscore.training.splits import is_test_group, is_validation_group
from farmscore.training.tell_line_fitting import (
    KIND_OF_DEV_KIND,
    NEGATIVE_KEYS,
    FitSettings,
    fit_tell_lines,
    plant,
)

REPO = Path(__file__).resolve().parent.parent
TRIALS = REPO / "training" / "trials"
DEV_FILES = tuple(
    f"tells_dev{number}.json"
    for number in ("", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14")
)
LOOKALIKE_FILES = ("human_lookalikes.json", "human_lookalikes2.json")
FIT_PAGES = 3000
VALIDATION_PAGES = 1000


def training_split(shared: pd.DataFrame) -> pd.DataFrame:
    """The training split of the story groups of the shared corpora and the repository's
    training corpora, with `validation` marking the validation groups' rows."""
    repository = load_repository_corpora()
    table = pd.concat([shared, repository[repository["role"] == ROLE_TRAIN]], ignore_index=True)
    table = table[~table["group"].map(is_test_group)]
    return table.assign(validation=table["group"].map(is_validation_group))


def human_pages(shared: pd.DataFrame, seed: int) -> tuple[list[str], list[str]]:
    """Assembled human pages from the shared corpora's training split: `FIT_PAGES` from the
    groups the fit reads, `VALIDATION_PAGES` from the validation groups."""
    table = strip_shared_openings(shared)
    human = table[(table["label"] == 0) & ~table["group"].map(is_test_group)]
    in_validation = human["group"].map(is_validation_group)
    rng = np.random.default_rng(seed)
    pages = []
    for rows, n_pages in (
        (human[~in_validation], FIT_PAGES),
        (human[in_validation], VALIDATION_PAGES),
    ):
        built = assemble_human_pages(rows, n_pages, matched_lengths(n_pages, rng), rng)
        pages.append(list(built["text"]))
    return pages[0], pages[1]


def check(scorer: TellLineScorer, dev: dict[str, list[str]], hosts: list[str]) -> None:
    """Print, per kind, how many lines of `dev` are caught in all of 5 host articles (for
    legitimate lines: in none)."""
    rng = random.Random(0)
    for dev_kind, lines in dev.items():
        negative = dev_kind in NEGATIVE_KEYS
        if dev_kind not in KIND_OF_DEV_KIND and not negative:
            continue
        good = 0
        for line in lines:
            hits = 0
            for host in hosts[:5]:
                doc = AnalyzedText(plant(dev_kind, line, host, rng))
                hits += any(scorer.tell_kind(unit) is not None for unit in line_units(doc))
            good += hits == 0 if negative else hits == 5
        print(f"check {dev_kind}: {good}/{len(lines)}")


def main(argv: list[str] | None = None) -> int:
    defaults = FitSettings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder of *.jsonl corpora")
    parser.add_argument("--out", type=Path, required=True, help="weights file (.npz) to write")
    parser.add_argument("--dev", nargs="+", default=list(DEV_FILES), help="files in trials/")
    parser.add_argument(
        "--lookalikes",
        nargs="*",
        default=list(LOOKALIKE_FILES),
        help="files in trials/ of legitimate lines that resemble tells (negatives)",
    )
    parser.add_argument("--check", type=Path, help="another development file to check on")
    parser.add_argument("--c", type=float, default=defaults.c)
    parser.add_argument("--positive-weight", type=float, default=defaults.positive_weight)
    parser.add_argument("--min-weight", type=float, default=defaults.min_weight)
    parser.add_argument("--plants", type=int, default=defaults.plants_per_line)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument(
        "--created", default=datetime.date.today().isoformat(), help="date recorded in the file"
    )
    args = parser.parse_args(argv)

    if not any(args.data.glob("*.jsonl")):
        print(f"no *.jsonl files in {args.data}; pass the corpora folder", file=sys.stderr)
        return 2
    shared = load_corpora(args.data)
    table = training_split(shared)
    human = table["label"] == 0
    human_fit = list(table.loc[human & ~table["validation"], "text"])
    machine_fit = list(table.loc[~human & ~table["validation"], "text"])
    validation = list(table.loc[human & table["validation"], "text"])
    # Human pages with a news site's honest furniture (captions, "Read more:" links,
    # trailers), assembled from each side's own rows: the corpora's texts carry none.
    fit_pages, validation_pages = human_pages(shared, args.seed)
    human_fit += fit_pages
    validation += validation_pages
    dev_paths = [TRIALS / name for name in args.dev]
    dev_sets = [json.loads(path.read_text(encoding="utf-8")) for path in dev_paths]
    lookalike_paths = [TRIALS / name for name in args.lookalikes]
    lookalike_sets = [json.loads(path.read_text(encoding="utf-8")) for path in lookalike_paths]
    settings = FitSettings(
        c=args.c,
        positive_weight=args.positive_weight,
        min_weight=args.min_weight,
        plants_per_line=args.plants,
        seed=args.seed,
    )
    content, report = fit_tell_lines(
        dev_sets, human_fit, machine_fit, validation, settings, lookalike_sets
    )
    content["provenance"] = {
        "created": args.created,
        "fitted_by": "training/fit_tell_lines.py",
        "development_files": {path.name: sha256_file(path) for path in dev_paths},
        "lookalike_files": {path.name: sha256_file(path) for path in lookalike_paths},
        "corpora": "the shared corpora and the repository's training corpora (role train), "
        "training split of the story groups; human validation groups set the threshold",
        "fit_rows": report.counts,
        "human_fit_articles": len(human_fit),
        "machine_fit_articles": len(machine_fit),
        "threshold_rule": "each kind's threshold sits just above its model's highest line on "
        "the human validation pages, as they are, among the lines that can be of the kind (a "
        "hand-over's or an echo's at a page's edge, a slot's or a self-reference's not in a "
        "line quoting someone, a self-reference's of 7 words or more): none of them holds a "
        "tell line",
        "validation_pages": report.validation_pages,
        "highest_validation_line_by_kind": report.highest_by_kind,
        "settings": {
            "c": settings.c,
            "extra_kinds": list(settings.extra_kinds),
            "positive_weight": settings.positive_weight,
            "plants_per_line": settings.plants_per_line,
            "min_weight": settings.min_weight,
            "seed": settings.seed,
        },
    }
    with args.out.open("wb") as destination:
        save(content, destination)
    print(
        f"wrote {args.out}: {len(content['weights'])} weights, thresholds "
        + ", ".join(
            f"{kind} {threshold:.3f}"
            for kind, threshold in zip(content["kinds"], content["kind_thresholds"], strict=True)
        )
        + f" (set on {report.validation_pages} validation pages); rows {report.counts}"
    )
    if args.check is not None:
        scorer = TellLineScorer.from_json(content)
        dev: dict[str, Any] = json.loads(args.check.read_text(encoding="utf-8"))
        check(scorer, dev, validation)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
