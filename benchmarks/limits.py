"""What the hardening limits promise, measured: how soon a slow feed's rows come out of
`gate`, whether `gate --jobs 2` keeps its memory flat over a long stream of real articles, and
how much memory a server worker takes for one document at the 10 MB limit.

    python -m benchmarks.limits                  # the run of `make bench`
    python -m benchmarks.limits --stream-mb 20   # a short run

Figures are printed and written as JSON; nothing is asserted (the targets are beside them).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from benchmarks.documents import news_article
from benchmarks.memory import PROC, descendants, status_kib
from benchmarks.plan import MB
from benchmarks.real_texts import DEFAULT_REAL_DATA_DIR
from benchmarks.serve_process import ServerProcess
from benchmarks.suites import farmscore_command
from farmscore.reading.settings import MAX_DOCUMENT_BYTES

DEFAULT_OUT = Path("reports/bench/limits.json")
SLOW_FEED_RECORDS = 12
SLOW_FEED_INTERVAL_S = 1.0
# A feed's first record comes this long after gate started, as on a feed that is already
# running: the process's own start (about 0.9 s) is then not counted in its first row.
SLOW_FEED_FIRST_RECORD_AFTER_S = 3.0
DEFAULT_STREAM_MB = 200.0
# Memory is compared from this point of a stream on: the first minute fills the word memos.
SETTLED_AFTER_S = 60.0
SAMPLE_EVERY_S = 1.0
KIB = 1024
# The request body the server takes by default: one document fills nearly all of it.
BODY_LIMIT_BYTES = 10_000_000


def real_texts(data_dir: Path, seed: int = 7) -> list[str]:
    """The shared corpora's texts in a seeded shuffle, or generated articles when they are
    absent: real prose brings the growing vocabulary that fills memos, generated prose does
    not. Shuffled, so that the stream is alike from start to end: in file order, a corpus of
    longer articles late in the stream would raise memory as a leak would."""
    texts = [
        text
        for path in sorted(data_dir.glob("*.jsonl"))
        for line in path.open(encoding="utf-8")
        if isinstance(text := json.loads(line).get("text"), str) and text.strip()
    ]
    random.Random(seed).shuffle(texts)
    return texts or [news_article(800, seed=seed, index=index) for index in range(2_000)]


def records(texts: list[str]) -> Iterator[bytes]:
    """JSONL lines cycling over `texts`, each with an id of its own."""
    for number, text in enumerate(itertools.cycle(texts)):
        yield (json.dumps({"id": f"r{number}", "text": text}) + "\n").encode("utf-8")


# ---- a slow feed ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SlowFeed:
    """Seconds from writing each record into `gate`'s standard input to reading its row."""

    jobs: int
    interval_s: float
    first_row_s: float
    later_rows_max_s: float
    later_rows_median_s: float
    target_s: float = 0.3


def slow_feed(texts: list[str], jobs: int) -> SlowFeed:
    """One record every `SLOW_FEED_INTERVAL_S` into `gate --jobs jobs`, the first
    `SLOW_FEED_FIRST_RECORD_AFTER_S` after the gate started. The first row is reported on its
    own all the same: it is the first to go through the scoring code."""
    gate = subprocess.Popen(
        [*farmscore_command(), "gate", "-", "--jobs", str(jobs), "--threshold", "1.0"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert gate.stdin is not None
    assert gate.stdout is not None
    sent: dict[str, float] = {}
    feed = itertools.islice(records(texts), SLOW_FEED_RECORDS)

    def write_slowly() -> None:
        assert gate.stdin is not None
        time.sleep(SLOW_FEED_FIRST_RECORD_AFTER_S)
        for line in feed:
            sent[json.loads(line)["id"]] = time.perf_counter()
            gate.stdin.write(line)
            gate.stdin.flush()
            time.sleep(SLOW_FEED_INTERVAL_S)
        gate.stdin.close()

    writer = threading.Thread(target=write_slowly, daemon=True)
    writer.start()
    # --threshold 1.0 accepts every record, so every row comes out on standard output.
    delays = [time.perf_counter() - sent[json.loads(row)["id"]] for row in gate.stdout]
    gate.wait()
    writer.join()
    later = delays[1:]
    return SlowFeed(
        jobs=jobs,
        interval_s=SLOW_FEED_INTERVAL_S,
        first_row_s=round(delays[0], 3),
        later_rows_max_s=round(max(later), 3),
        later_rows_median_s=round(statistics.median(later), 3),
    )


# ---- a long stream under --jobs 2 -------------------------------------------------------


@dataclass(frozen=True)
class RssTrend:
    """Resident memory after a stream's first minute, in MB: the first sample, the largest,
    the last, the medians of the first and last third of the samples, and the least-squares
    slope through all of them. Each batch's working memory comes and goes between samples, so
    the largest sample swings; growth shows as a rising median and a slope above zero."""

    at_first_minute_mb: float
    max_mb: float
    at_end_mb: float
    median_first_third_mb: float
    median_last_third_mb: float
    slope_mb_per_min: float


def rss_trend(samples: list[tuple[float, float]]) -> RssTrend:
    """The trend of (seconds, MB) samples from `SETTLED_AFTER_S` on; of the last sample alone
    when the stream ended sooner.

    >>> trend = rss_trend([(30, 90.0), (60, 100.0), (90, 101.0), (120, 102.0), (150, 103.0)])
    >>> trend.at_first_minute_mb, trend.median_last_third_mb, trend.slope_mb_per_min
    (100.0, 103.0, 2.0)
    """
    settled = [(at, mb) for at, mb in samples if at >= SETTLED_AFTER_S] or samples[-1:]
    values = [mb for _, mb in settled]
    third = max(1, len(values) // 3)
    return RssTrend(
        at_first_minute_mb=round(values[0], 1),
        max_mb=round(max(values), 1),
        at_end_mb=round(values[-1], 1),
        median_first_third_mb=round(statistics.median(values[:third]), 1),
        median_last_third_mb=round(statistics.median(values[-third:]), 1),
        slope_mb_per_min=round(_slope_per_s(settled) * 60, 2),
    )


def _slope_per_s(samples: list[tuple[float, float]]) -> float:
    if len(samples) < 2:
        return 0.0
    return statistics.linear_regression([at for at, _ in samples], [mb for _, mb in samples]).slope


@dataclass(frozen=True)
class StreamMemory:
    """`gate --jobs 2` over a stream of real articles: its tree's resident memory (each
    process's VmRSS summed, sampled every `SAMPLE_EVERY_S`), and each process's own."""

    stream_mb: float
    records: int
    seconds: float
    rss_at_first_minute_mb: float
    rss_max_after_first_minute_mb: float
    rss_at_end_mb: float
    growth_after_first_minute_mb: float
    rss_median_first_third_mb: float
    rss_median_last_third_mb: float
    rss_slope_mb_per_min: float
    # The same figures for each process of the tree by name, gate first: its workers, trackers.
    processes: dict[str, RssTrend]


def write_stream(path: Path, texts: list[str], size_mb: float) -> int:
    """Write records until `path` holds `size_mb`; returns how many."""
    written = 0
    with path.open("wb") as out:
        for count, line in enumerate(records(texts), start=1):
            out.write(line)
            written += len(line)
            if written >= size_mb * MB:
                return count
    raise AssertionError("records() never ends")


def process_name(pid: int, root: int) -> str | None:
    """What a process of `gate`'s tree is: `gate` itself, a worker by the name its pool gave
    it (LokyProcess-1), or the module it runs (a resource tracker); None while its command
    line cannot be read (a process starting or gone)."""
    if pid == root:
        return "gate"
    try:
        args = (PROC / str(pid) / "cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return None
    for option in ("--process-name", "-m", "-c"):
        if option in args[:-1]:
            value = args[args.index(option) + 1]
            # `python -c "from multiprocessing.resource_tracker import main; main(11)"`
            imported = re.match(r"from ([\w.]+) import", value)
            return imported.group(1) if imported else value[:60]
    return args[0] or None


def stream_memory(texts: list[str], size_mb: float, workdir: Path) -> StreamMemory:
    stream = workdir / "stream.jsonl"
    n_records = write_stream(stream, texts, size_mb)
    argv = [*farmscore_command(), "gate", "-", "--jobs", "2", "--accept", "/dev/null"]
    argv += ["--drop-rejected"]
    tree: list[tuple[float, float]] = []
    by_process: dict[str, list[tuple[float, float]]] = {}
    names: dict[int, str] = {}
    with stream.open("rb") as stdin:
        started = time.perf_counter()
        gate = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.DEVNULL)
        while gate.poll() is None:
            at = time.perf_counter() - started
            sample = {pid: status_kib(pid, "VmRSS") for pid in [gate.pid, *descendants(gate.pid)]}
            for pid, kib in sample.items():
                name = names.get(pid) or process_name(pid, gate.pid)
                if name is not None and kib is not None:
                    names[pid] = name
                    by_process.setdefault(name, []).append((at, kib * KIB / MB))
            tree.append((at, sum(kib or 0 for kib in sample.values()) * KIB / MB))
            time.sleep(SAMPLE_EVERY_S)
        seconds = time.perf_counter() - started
    trend = rss_trend(tree)
    return StreamMemory(
        stream_mb=round(stream.stat().st_size / MB, 1),
        records=n_records,
        seconds=round(seconds, 1),
        rss_at_first_minute_mb=trend.at_first_minute_mb,
        rss_max_after_first_minute_mb=trend.max_mb,
        rss_at_end_mb=trend.at_end_mb,
        growth_after_first_minute_mb=round(trend.max_mb - trend.at_first_minute_mb, 1),
        rss_median_first_third_mb=trend.median_first_third_mb,
        rss_median_last_third_mb=trend.median_last_third_mb,
        rss_slope_mb_per_min=trend.slope_mb_per_min,
        processes={name: rss_trend(samples) for name, samples in by_process.items()},
    )


# ---- one document at the limit in a server worker -----------------------------------------


@dataclass(frozen=True)
class WorkerMemory:
    """One request holding one document of `document_mb` to a server of `workers` workers:
    the busiest worker's resident memory before, at its peak and a second after."""

    workers: int
    document_mb: float
    seconds: float
    warnings: list[str]
    idle_mb: float
    peak_mb: float
    after_mb: float
    target_peak_mb: float = 300.0


def document_at_the_limit(texts: list[str]) -> str:
    """Real articles joined until the request that carries them is just under the limit."""
    budget = min(MAX_DOCUMENT_BYTES, BODY_LIMIT_BYTES) - 1_000
    parts: list[str] = []
    length = 0
    for article in itertools.cycle(texts):
        parts.append(article)
        length += len(article) + 2
        if length >= budget:
            break
    text = "\n\n".join(parts)[:budget]
    while len(json.dumps(text).encode("utf-8")) > budget:
        text = text[: len(text) - 50_000]
    return text


def _worker_rss_mb(server_pid: int) -> dict[int, float]:
    return {
        pid: (status_kib(pid, "VmRSS") or 0) * KIB / MB
        for pid in [server_pid, *descendants(server_pid)]
    }


def worker_memory(text: str, workers: int, workdir: Path) -> WorkerMemory:
    log = workdir / f"serve-{workers}.log"
    with ServerProcess(workers, log, options=["--timeout", "900"]) as server:
        server.wait_until_ready()
        server_pid = server.pid
        idle = _worker_rss_mb(server_pid)
        peaks = dict(idle)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                for pid, rss in _worker_rss_mb(server_pid).items():
                    peaks[pid] = max(peaks.get(pid, 0.0), rss)
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.perf_counter()
        response = httpx.post(
            f"{server.base_url}/v1/score",
            json={"documents": [{"id": "limit", "text": text}]},
            timeout=900,
        )
        seconds = time.perf_counter() - started
        time.sleep(1.0)
        done.set()
        sampler.join()
        after = _worker_rss_mb(server_pid)
    busiest = max(peaks, key=lambda pid: peaks[pid] - idle.get(pid, 0.0))
    [result] = response.json()["results"]
    return WorkerMemory(
        workers=workers,
        document_mb=round(len(text.encode("utf-8")) / MB, 2),
        seconds=round(seconds, 1),
        warnings=list(result.get("warnings", [])),
        idle_mb=round(idle.get(busiest, 0.0), 1),
        peak_mb=round(peaks[busiest], 1),
        after_mb=round(after.get(busiest, 0.0), 1),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.limits", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--stream-mb", type=float, default=DEFAULT_STREAM_MB)
    parser.add_argument("--data", type=Path, default=DEFAULT_REAL_DATA_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    texts = real_texts(args.data)
    figures: dict[str, object] = {}
    for jobs in (1, 2):
        feed = slow_feed(texts, jobs)
        figures[f"slow_feed_jobs_{jobs}"] = asdict(feed)
        print(
            f"slow feed, gate --jobs {jobs}: first row {feed.first_row_s} s, later "
            f"rows median {feed.later_rows_median_s} s, max {feed.later_rows_max_s} s "
            f"(target {feed.target_s} s)",
            flush=True,
        )
    with tempfile.TemporaryDirectory(prefix="farmscore-limits-") as temp:
        workdir = Path(temp)
        memory = stream_memory(texts, args.stream_mb, workdir)
        figures["stream_jobs_2"] = asdict(memory)
        print(
            f"gate --jobs 2 over {memory.stream_mb} MB ({memory.records:,} records, "
            f"{memory.seconds} s): {memory.rss_at_first_minute_mb} MB at the first minute, "
            f"at most {memory.rss_max_after_first_minute_mb} MB after it "
            f"(+{memory.growth_after_first_minute_mb} MB), {memory.rss_at_end_mb} MB at the end; "
            f"median {memory.rss_median_first_third_mb} MB in the first third after the first "
            f"minute, {memory.rss_median_last_third_mb} MB in the last, slope "
            f"{memory.rss_slope_mb_per_min:+} MB/min",
            flush=True,
        )
        for name, process in memory.processes.items():
            print(
                f"  {name}: {process.at_first_minute_mb} MB at the first minute, median "
                f"{process.median_first_third_mb} then {process.median_last_third_mb} MB, at "
                f"most {process.max_mb} MB, {process.at_end_mb} MB at the end, slope "
                f"{process.slope_mb_per_min:+} MB/min",
                flush=True,
            )
        text = document_at_the_limit(texts)
        for workers in (1, 2):
            worker = worker_memory(text, workers, workdir)
            figures[f"serve_worker_{workers}"] = asdict(worker)
            print(
                f"serve --workers {workers}, one {worker.document_mb} MB document "
                f"({worker.seconds} s, {', '.join(worker.warnings) or 'no warning'}): worker "
                f"{worker.idle_mb} MB idle, peak {worker.peak_mb} MB (target "
                f"{worker.target_peak_mb:g}), {worker.after_mb} MB a second after",
                flush=True,
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
