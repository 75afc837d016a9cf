"""This farmscore beside another version of it, on the same real articles: how much slower or
faster a change made it.

    git worktree add ../farmscore-previous d3a9c9f
    .venv/bin/python -m benchmarks.release_pair --other ../farmscore-previous

The articles: `--texts` human articles of 1,000 words or more from the shared corpora
(`LONG_HUMAN_CORPORA`: bbc, opinion, localnews), drawn with `--seed`, cut after the 1,000th
word with their layout kept. Each round scores them once with each version, in turn, in a new
process that loads that version's code (`src/`) and its own default model, with a JSONL row
per article, and keeps the best of `--passes` passes. It prints each round's time per word and
ratio, and the median ratio (this over the other). On a shared 2-core machine single rounds
move by 5% to 20%: read the median of six rounds or more.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from benchmarks.real_texts import DEFAULT_REAL_DATA_DIR
from benchmarks.text_stream import split_after_words, word_count
from benchmarks.timing import median
from farmscore.training.corpora import LONG_HUMAN_CORPORA, CorpusError, load_corpora

REPOSITORY = Path(__file__).resolve().parents[1]
ARTICLE_WORDS = 1_000
# Scores the articles with whichever farmscore is first on its path: run as a script, so that
# it imports the other version's package and not this one's.
CHILD = Path(__file__).with_name("release_pair_child.py")


@dataclass(frozen=True)
class Version:
    """A checkout of farmscore: its package source and the model folder it scores with."""

    name: str
    source: Path
    model: Path

    @classmethod
    def at(cls, name: str, checkout: Path) -> Version:
        return cls(name, checkout / "src", checkout / "models" / "default")


@dataclass(frozen=True)
class PairFigures:
    """Each round's best time per word of each version, and the median of their ratios."""

    articles: int
    passes: int
    this_microseconds_per_word: list[float]
    other_microseconds_per_word: list[float]
    median_ratio: float


def long_articles(data_dir: Path, n_texts: int, seed: int) -> list[str]:
    """`n_texts` human articles of `ARTICLE_WORDS` words or more, cut after that word."""
    corpora = load_corpora(data_dir)
    human = corpora[(corpora["label"] == 0) & corpora["corpus"].isin(LONG_HUMAN_CORPORA)]
    long = [text for text in human["text"] if word_count(text) >= ARTICLE_WORDS]
    if len(long) < n_texts:
        raise ValueError(
            f"{data_dir} holds {len(long)} human articles of 1,000 words, not {n_texts}"
        )
    order = np.random.default_rng(seed).permutation(len(long))[:n_texts]
    return [split_after_words(long[i], ARTICLE_WORDS)[0] for i in order]


def best_seconds(version: Version, texts_file: Path, passes: int) -> float:
    """The best of `passes` passes of `version` over the articles, in seconds."""
    environment = {**os.environ, "PYTHONPATH": str(version.source)}
    done = subprocess.run(
        [sys.executable, str(CHILD), str(version.model), str(texts_file), str(passes)],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{version.name} ({version.source}) failed:\n{done.stderr}")
    return float(json.loads(done.stdout)["best_seconds"])


def run_pairs(
    this: Version, other: Version, texts: Sequence[str], rounds: int, passes: int
) -> PairFigures:
    """Alternate the two versions (of different names) for `rounds` rounds; print and return
    each round's figures and the median ratio of this over the other."""
    if this.name == other.name:
        raise ValueError(f"two versions named {this.name!r}: name them apart")
    this_times: list[float] = []
    other_times: list[float] = []
    ratios: list[float] = []
    microseconds_per_word = 1e6 / sum(map(word_count, texts))
    with tempfile.TemporaryDirectory() as folder:
        texts_file = Path(folder) / "articles.json"
        texts_file.write_text(json.dumps(list(texts)), encoding="utf-8")
        for number in range(1, rounds + 1):
            # Each version goes first in every other round, so that neither always runs on a
            # machine the other has just warmed or heated.
            first, second = (other, this) if number % 2 else (this, other)
            times = {
                version.name: best_seconds(version, texts_file, passes) * microseconds_per_word
                for version in (first, second)
            }
            other_times.append(times[other.name])
            this_times.append(times[this.name])
            ratios.append(this_times[-1] / other_times[-1])
            print(
                f"round {number}: {other.name} {other_times[-1]:.2f} µs/word, "
                f"{this.name} {this_times[-1]:.2f}, ratio {ratios[-1]:.3f}",
                flush=True,
            )
    ratio = median(ratios)
    print(
        f"{this.name} over {other.name}: median ratio {ratio:.3f} over {rounds} rounds "
        f"(from {min(ratios):.3f} to {max(ratios):.3f}); median µs/word "
        f"{median(this_times):.2f} against {median(other_times):.2f}"
    )
    return PairFigures(len(texts), passes, this_times, other_times, ratio)


def _at_least_one(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", type=Path, required=True, help="checkout of another version")
    parser.add_argument("--other-model", type=Path, help="its model folder (its models/default)")
    parser.add_argument("--rounds", type=_at_least_one, default=6)
    parser.add_argument("--passes", type=_at_least_one, default=5)
    parser.add_argument("--texts", type=_at_least_one, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--real-data", type=Path, default=DEFAULT_REAL_DATA_DIR)
    parser.add_argument("--out", type=Path, help="also write the figures here as JSON")
    args = parser.parse_args(argv)

    if not args.real_data.is_dir():
        print(f"no shared corpora at {args.real_data}: pass --real-data", file=sys.stderr)
        return 2
    other = Version.at("other", args.other.resolve())
    if args.other_model is not None:
        other = Version(other.name, other.source, args.other_model.resolve())
    if not (other.source / "farmscore").is_dir():
        print(f"no farmscore package under {other.source}: pass a checkout", file=sys.stderr)
        return 2
    try:
        texts = long_articles(args.real_data, args.texts, args.seed)
    except (CorpusError, ValueError) as error:
        print(f"cannot draw the articles: {error}", file=sys.stderr)
        return 2
    try:
        figures = run_pairs(Version.at("this", REPOSITORY), other, texts, args.rounds, args.passes)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(asdict(figures), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
