"""Measure the filler lexicon on the training split of the corpora and write it as package data.

    .venv/bin/python training/mine_lexicon.py --data ../shared/data \
        --out src/farmscore/data/lexicon.json

All logic lives in `farmscore.training.lexicon_mining`; this script only parses options and writes.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

from farmscore.features.lexicon import lexicon_to_json, parse_lexicon
from farmscore.training.lexicon_mining import MiningSettings, build_lexicon


def main(argv: list[str] | None = None) -> int:
    defaults = MiningSettings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder of *.jsonl corpora")
    parser.add_argument("--out", type=Path, required=True, help="lexicon JSON to write")
    parser.add_argument("--lexicon-version", default="1.0", help="version recorded in the file")
    parser.add_argument(
        "--created", default=datetime.date.today().isoformat(), help="date recorded in the file"
    )
    parser.add_argument("--prior-words", type=float, default=defaults.prior_words)
    parser.add_argument("--z-min", type=float, default=defaults.z_min)
    parser.add_argument("--weight-cap", type=float, default=defaults.weight_cap)
    parser.add_argument("--no-mining", action="store_true", help="curated candidates only")
    args = parser.parse_args(argv)

    paths = sorted(args.data.glob("*.jsonl"))
    if not paths:
        print(f"no *.jsonl files in {args.data}; pass the corpora folder", file=sys.stderr)
        return 2
    settings = MiningSettings(
        prior_words=args.prior_words,
        z_min=args.z_min,
        weight_cap=args.weight_cap,
        mine_ngrams=not args.no_mining,
    )
    started = time.perf_counter()
    header, entries = build_lexicon(paths, settings, args.lexicon_version, args.created)
    text = lexicon_to_json(header, entries)
    parse_lexicon(text, str(args.out))  # refuse to write a file the package could not read
    args.out.write_text(text, encoding="utf-8")
    weighted = sum(1 for e in entries if e.weight > 0)
    print(
        f"wrote {args.out}: {len(entries)} entries, {weighted} weighted, "
        f"{len(text.encode('utf-8')) / 1024:.0f} KiB, {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
