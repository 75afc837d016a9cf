"""A seeded 3,000-line stream of real, hostile and broken lines through `farmscore gate`, with
the shipped model and two workers: every line in exactly one output, and no traceback."""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
from itertools import islice
from pathlib import Path

from benchmarks.fuzz import check_gate_outputs
from benchmarks.hostile import jsonl_line
from tests.conftest import shared_path

N_LINES = 3_000
SEED = 12


def real_records(rng: random.Random, n: int) -> list[dict[str, str]]:
    """`n` articles from the shared corpora, and some shared pages as html."""
    texts: list[dict[str, str]] = []
    for path in sorted(shared_path("data").glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            texts += [{"text": json.loads(line)["text"]} for line in islice(lines, 400)]
    pages = sorted(shared_path("html", "articles").glob("*.html.gz"))
    texts += [{"html": gzip.decompress(p.read_bytes()).decode("utf-8", "replace")} for p in pages]
    return rng.sample(texts, n)


def test_every_line_of_a_real_hostile_and_broken_stream_ends_in_one_output(
    tmp_path: Path,
) -> None:
    rng = random.Random(SEED)
    real = iter(real_records(rng, N_LINES // 2))
    stream = tmp_path / "stream.jsonl"
    expected: set[int] = set()
    with stream.open("wb") as out:
        for number in range(1, N_LINES + 1):
            if number == 1 or rng.random() < 0.5:
                record = {"fuzz_line": number, "id": f"L{number}", **next(real)}
                line = json.dumps(record, ensure_ascii=False).encode("utf-8")
            else:
                line = jsonl_line(rng, number)
            out.write(line + b"\n")
            if line.strip():
                expected.add(number)
    outputs = {name: tmp_path / f"{name}.jsonl" for name in ("accept", "reject", "errors")}
    argv = [sys.executable, "-m", "farmscore", "gate", str(stream), "--jobs", "2"]
    for name, path in outputs.items():
        argv += [f"--{name}", str(path)]

    done = subprocess.run(argv, capture_output=True, timeout=1_800, check=False)

    assert done.returncode == 1, done.stderr[-2_000:]  # the broken lines are errors rows
    assert b"Traceback" not in done.stderr
    assert check_gate_outputs(outputs, expected) == []
    summary = done.stderr.decode().strip().splitlines()[-1]
    assert f"gate: {len(expected)} read," in summary
