"""farmscore's datatrove filter beside `farmscore score --jobs 2` on the same real texts.

    python -m benchmarks.pipelines                          # 3,000 texts, 3 repeats
    python -m benchmarks.pipelines --docs 600 --repeats 1   # a short run

Both read the same two JSONL files and run as new processes, so start-up (Python, imports,
worker processes, the model loaded in each) is included in both:

- *datatrove*: a `LocalPipelineExecutor` of 2 tasks on 2 workers, `JsonlReader` →
  `FarmscoreFilter` → `JsonlWriter` (plain JSONL, as farmscore writes; no exclusion writer);
- *score*: `farmscore score FILES --jobs 2 --format jsonl`, its rows written to a file.

A run counts only if its process exits 0 and every document is accounted for (kept plus dropped
in datatrove's stats; a row each from `score`). Each repeat times score then datatrove; the
ratio is the median of the per-repeat ratios. The issue's target: datatrove within 15% of
`score --jobs 2`. Figures are printed and written as JSON; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.limits import real_texts
from benchmarks.real_texts import DEFAULT_REAL_DATA_DIR
from benchmarks.realtext_suite import REPOSITORY_ROOT, ProcessRun, run_counting_rows
from benchmarks.suites import farmscore_command
from benchmarks.timing import median, paired_ratio_median, rate_per_second, timed
from farmscore.words import has_words

DEFAULT_OUT = Path("reports/bench/pipelines.json")
DEFAULT_DOCS = 3_000
DEFAULT_REPEATS = 3
# One input file per task, so that the two tasks share the work evenly.
TASKS = WORKERS = INPUT_FILES = 2
# datatrove's docs/s must reach this share of `score --jobs 2`'s.
TARGET_SHARE = 0.85


def run_datatrove_pipeline(inputs: str, kept: str, logs: str) -> None:
    """The pipeline timed: run in a process of its own by `datatrove_run`."""
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from farmscore.pipelines.datatrove_filter import FarmscoreFilter

    LocalPipelineExecutor(
        pipeline=[JsonlReader(inputs), FarmscoreFilter(), JsonlWriter(kept, compression=None)],
        tasks=TASKS,
        workers=WORKERS,
        logging_dir=logs,
    ).run()


def datatrove_run(inputs: Path, workdir: Path, name: str) -> ProcessRun:
    """`run_datatrove_pipeline` as a new process; its rows are the documents its stats
    counted (kept and dropped alike), 0 when the stats do not match what was kept."""
    kept, logs = workdir / f"{name}-kept", workdir / f"{name}-logs"
    call = f"from benchmarks.pipelines import run_datatrove_pipeline as run; run({str(inputs)!r}, "
    call += f"{str(kept)!r}, {str(logs)!r})"
    with (workdir / f"{name}-stderr.txt").open("wb") as stderr:
        seconds, completed = timed(
            lambda: subprocess.run(
                [sys.executable, "-c", call],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                cwd=REPOSITORY_ROOT,
                check=False,
            )
        )
    if completed.returncode != 0:
        return ProcessRun(seconds, completed.returncode, 0)
    [step] = [
        step
        for step in json.loads((logs / "stats.json").read_text(encoding="utf-8"))
        if "farmscore" in step["name"]
    ]
    counts = {k: v["total"] if isinstance(v, dict) else v for k, v in step["stats"].items()}
    written = sum(1 for path in kept.glob("*.jsonl") for _ in path.open("rb"))
    accounted = written == counts.get("forwarded", 0)
    return ProcessRun(seconds, 0, counts.get("total", 0) if accounted else 0)


def write_inputs(texts: list[str], folder: Path) -> list[Path]:
    """`texts` as `{"id", "text"}` records, dealt into `INPUT_FILES` JSONL files."""
    folder.mkdir()
    paths = [folder / f"part-{number}.jsonl" for number in range(INPUT_FILES)]
    for number, path in enumerate(paths):
        with path.open("w", encoding="utf-8") as out:
            for index in range(number, len(texts), INPUT_FILES):
                out.write(json.dumps({"id": f"t{index}", "text": texts[index]}) + "\n")
    return paths


@dataclass(frozen=True)
class Figures:
    """docs/s and words/s of each side, from the median time of the complete runs."""

    docs: int
    words: int
    texts: str
    score_seconds_runs: list[float]
    datatrove_seconds_runs: list[float]
    score_docs_per_s: float
    score_words_per_s: float
    datatrove_docs_per_s: float
    datatrove_words_per_s: float
    datatrove_over_score: float
    target_share: float
    result: str
    load_average_start: list[float]
    load_average_end: list[float]
    startup_included: bool = True


def measure(texts: list[str], repeats: int, source: str) -> Figures:
    load_start = [round(value, 2) for value in os.getloadavg()]
    score_argv = [*farmscore_command(), "score", "--jobs", "2", "--format", "jsonl"]
    pairs: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory(prefix="farmscore-pipelines-") as temp:
        workdir = Path(temp)
        paths = write_inputs(texts, workdir / "input")
        for repeat in range(repeats):
            print(f"run {repeat + 1}/{repeats}: score --jobs 2, then datatrove", flush=True)
            score = run_counting_rows([*score_argv, *map(str, paths)], workdir, f"score{repeat}")
            piped = datatrove_run(workdir / "input", workdir, f"datatrove{repeat}")
            for side, run in (("score", score), ("datatrove", piped)):
                if run.exit_code != 0 or run.rows_written != len(texts):
                    raise SystemExit(
                        f"{side} run {repeat + 1} failed: exit {run.exit_code}, "
                        f"{run.rows_written} of {len(texts)} documents; see {workdir}"
                    )
            pairs.append((score.seconds, piped.seconds))
    words = sum(len(text.split()) for text in texts)
    score_s = median([s for s, _ in pairs])
    piped_s = median([p for _, p in pairs])
    ratio = paired_ratio_median([s for s, _ in pairs], [p for _, p in pairs])
    return Figures(
        docs=len(texts),
        words=words,
        texts=source,
        score_seconds_runs=[round(s, 3) for s, _ in pairs],
        datatrove_seconds_runs=[round(p, 3) for _, p in pairs],
        score_docs_per_s=round(rate_per_second(len(texts), score_s), 1),
        score_words_per_s=round(rate_per_second(words, score_s)),
        datatrove_docs_per_s=round(rate_per_second(len(texts), piped_s), 1),
        datatrove_words_per_s=round(rate_per_second(words, piped_s)),
        # docs/s of datatrove over docs/s of score: score's seconds over datatrove's.
        datatrove_over_score=round(ratio, 3),
        target_share=TARGET_SHARE,
        result="PASS" if ratio >= TARGET_SHARE else "MISS",
        load_average_start=load_start,
        load_average_end=[round(value, 2) for value in os.getloadavg()],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.pipelines", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--docs", type=int, default=DEFAULT_DOCS)
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS)
    parser.add_argument("--data", type=Path, default=DEFAULT_REAL_DATA_DIR)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    # real_texts falls back to generated articles when the shared corpora are absent.
    source = "real texts" if any(args.data.glob("*.jsonl")) else "generated articles"
    texts = [text for text in real_texts(args.data, seed=args.seed) if has_words(text)]
    texts = texts[: args.docs]
    figures = measure(texts, args.repeats, f"{source} from {args.data}")
    print(
        f"{figures.docs:,} {source} ({figures.words:,} words), start-up included, "
        f"load average {figures.load_average_start} -> {figures.load_average_end}\n"
        f"  farmscore score --jobs 2:        {figures.score_docs_per_s:7.1f} docs/s "
        f"{figures.score_words_per_s:9,} words/s\n"
        f"  datatrove, 2 tasks on 2 workers: {figures.datatrove_docs_per_s:7.1f} docs/s "
        f"{figures.datatrove_words_per_s:9,} words/s\n"
        f"  datatrove / score: {figures.datatrove_over_score:.3f} (target >= "
        f"{TARGET_SHARE}: {figures.result})",
        flush=True,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(asdict(figures), indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
