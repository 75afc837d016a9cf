"""The measurements: throughput beside the peers, scaling over processes, pathological inputs
and the memory of gating a stream. Each returns a frozen result whose field names carry their
units; nothing here prints tables or writes files other than its own temporary ones."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from benchmarks.documents import (
    copy_prefix,
    news_documents,
    one_word_lines_text,
    repeated_character_text,
    single_line_text,
    write_jsonl_stream,
)
from benchmarks.memory import measure_peak_rss
from benchmarks.peers import Peer
from benchmarks.plan import MB, Plan
from benchmarks.timing import median, paired_ratio_median, rate_per_second, timed
from farmscore.cli.row_writers import JsonlWriter
from farmscore.score_rows import score_to_dict
from farmscore.scoring import Scorer
from farmscore.types import Document

Progress = Callable[[str], None]


class FreshDocuments:
    """Hands out articles never handed out before in this run: each batch continues the
    index range of the last, so no text is timed twice (see documents.py on caches)."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._next_index = 0

    def batch(self, n_docs: int, n_words: int) -> list[Document]:
        documents = news_documents(n_docs, n_words, seed=self._seed, first_index=self._next_index)
        self._next_index += n_docs
        return documents


def text_mb(documents: Sequence[Document]) -> float:
    """The documents' text in MB of UTF-8."""
    return sum(len(doc.text.encode("utf-8")) for doc in documents) / MB


def score_like_cli(scorer: Scorer, documents: Sequence[Document], n_jobs: int) -> int:
    """What `farmscore score --format jsonl --jobs n_jobs` does once its input is read:
    score, attach reasons, serialise each result as a JSONL row. Returns the characters
    written, so the output cannot be skipped as unused."""
    texts = {doc.id: doc.text for doc in documents}
    sink = io.StringIO()
    writer = JsonlWriter(sink)
    for result in scorer.score_documents(documents, n_jobs=n_jobs):
        writer.write(score_to_dict(result, texts.get(result.id)))
    return sink.tell()


def warm_up(scorer: Scorer, seed: int) -> None:
    """Score one article so that lazily loaded resources (lexicons, dictionaries) are in
    memory before anything is timed. Give a seed other than the run's: the article must not
    reappear in a timed batch."""
    score_like_cli(scorer, news_documents(1, 1_000, seed=seed), n_jobs=1)


def farmscore_command() -> list[str]:
    """The `farmscore` console script of this interpreter's environment, or `python -m
    farmscore` when there is none."""
    script = Path(sys.executable).with_name("farmscore")
    return [str(script)] if script.exists() else [sys.executable, "-m", "farmscore"]


def model_options(plan: Plan) -> list[str]:
    return ["--model", str(plan.model_path)] if plan.model_path else []


# ---- throughput and peers --------------------------------------------------------------


@dataclass(frozen=True)
class PeerThroughput:
    """One peer on the same batches as farmscore, and its speed relative to farmscore."""

    peer: str
    batch_seconds_runs: list[float]
    batch_seconds_median: float
    docs_per_s: float
    words_per_s: float
    peer_docs_per_s_over_farmscore_docs_per_s: float
    farmscore_docs_per_s_over_peer_docs_per_s: float


@dataclass(frozen=True)
class ThroughputRow:
    """farmscore end to end (features, model, reasons, JSONL rows) on one document size."""

    words_per_doc: int
    docs_per_batch: int
    text_mb_per_batch: float
    farmscore_batch_seconds_runs: list[float]
    farmscore_batch_seconds_median: float
    farmscore_docs_per_s: float
    farmscore_words_per_s: float
    farmscore_microseconds_per_word: float
    peers: list[PeerThroughput]


@dataclass(frozen=True)
class ThroughputResult:
    rows: list[ThroughputRow]
    # Median over repeats of (µs per word at the largest size) / (µs per word at 1,000).
    per_word_cost_largest_over_1000_words: float | None
    largest_words_per_doc: int
    cli_cold_start_seconds: float
    cli_cold_start_exit_code: int


def measure_cli_cold_start(plan: Plan, workdir: Path) -> tuple[float, int]:
    """Median seconds for `farmscore score --format jsonl` on one small file, each run from a
    new process, and the first non-zero exit code (0 when every run succeeded). One run alone
    moves by 0.6 to 1.0 s on a shared 2-core machine, so the target is judged on the median."""
    path = workdir / "cold-start.txt"
    path.write_text(news_documents(1, plan.cold_start_words, seed=plan.seed + 1)[0].text)
    argv = [*farmscore_command(), "score", "--format", "jsonl", *model_options(plan), str(path)]
    seconds: list[float] = []
    exit_code = 0
    for _ in range(plan.repeats):
        elapsed, completed = timed(
            lambda: subprocess.run(argv, capture_output=True, check=False, stdin=subprocess.DEVNULL)
        )
        seconds.append(elapsed)
        exit_code = exit_code or completed.returncode
    return median(seconds), exit_code


def measure_throughput(
    scorer: Scorer, plan: Plan, peers: Sequence[Peer], fresh: FreshDocuments, progress: Progress
) -> ThroughputResult:
    """Per repeat and size: a fresh batch, scored by farmscore, then by each peer in turn,
    so that load on the shared machine falls on all of them alike."""
    sizes = plan.throughput_batches
    farm_seconds: dict[int, list[float]] = {words: [] for words, _ in sizes}
    peer_seconds: dict[tuple[int, str], list[float]] = {
        (words, peer.name): [] for words, _ in sizes for peer in peers
    }
    batch_mb: dict[int, list[float]] = {words: [] for words, _ in sizes}
    for repeat in range(plan.repeats):
        for words, n_docs in sizes:
            progress(f"throughput: {words:,} words/doc × {n_docs}, run {repeat + 1}/{plan.repeats}")
            documents = fresh.batch(n_docs, words)
            batch_mb[words].append(text_mb(documents))
            seconds, _ = timed(partial(score_like_cli, scorer, documents, n_jobs=1))
            farm_seconds[words].append(seconds)
            for peer in peers:
                seconds, _ = timed(partial(peer.run, documents))
                peer_seconds[(words, peer.name)].append(seconds)

    rows = []
    for words, n_docs in sizes:
        farm = farm_seconds[words]
        farm_median = median(farm)
        peer_rows = []
        for peer in peers:
            runs = peer_seconds[(words, peer.name)]
            peer_median = median(runs)
            peer_rows.append(
                PeerThroughput(
                    peer=peer.name,
                    batch_seconds_runs=runs,
                    batch_seconds_median=peer_median,
                    docs_per_s=rate_per_second(n_docs, peer_median),
                    words_per_s=rate_per_second(n_docs * words, peer_median),
                    # docs/s ratios are inverse time ratios on the same batch.
                    peer_docs_per_s_over_farmscore_docs_per_s=paired_ratio_median(farm, runs),
                    farmscore_docs_per_s_over_peer_docs_per_s=paired_ratio_median(runs, farm),
                )
            )
        rows.append(
            ThroughputRow(
                words_per_doc=words,
                docs_per_batch=n_docs,
                text_mb_per_batch=median(batch_mb[words]),
                farmscore_batch_seconds_runs=farm,
                farmscore_batch_seconds_median=farm_median,
                farmscore_docs_per_s=rate_per_second(n_docs, farm_median),
                farmscore_words_per_s=rate_per_second(n_docs * words, farm_median),
                farmscore_microseconds_per_word=farm_median / (n_docs * words) * 1e6,
                peers=peer_rows,
            )
        )

    largest_words, largest_docs = max(sizes)
    per_word_ratio = None
    if 1_000 in farm_seconds and largest_words > 1_000:
        docs_at_1000 = dict(sizes)[1_000]
        per_word_ratio = paired_ratio_median(
            [s / (largest_docs * largest_words) for s in farm_seconds[largest_words]],
            [s / (docs_at_1000 * 1_000) for s in farm_seconds[1_000]],
        )
    progress("throughput: cold start of `farmscore score`")
    with tempfile.TemporaryDirectory(prefix="farmscore-bench-") as workdir:
        cold_seconds, cold_exit = measure_cli_cold_start(plan, Path(workdir))
    return ThroughputResult(
        rows=rows,
        per_word_cost_largest_over_1000_words=per_word_ratio,
        largest_words_per_doc=largest_words,
        cli_cold_start_seconds=cold_seconds,
        cli_cold_start_exit_code=cold_exit,
    )


# ---- scaling ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScalingResult:
    """--jobs 2 against --jobs 1, each side on fresh documents of its own. Cold: the first
    --jobs 2 call, which starts the worker pool (each worker imports farmscore and loads the
    model). Warm: later calls, the pool already up; the target is judged on warm."""

    docs: int
    words_per_doc: int
    cold_jobs1_seconds: float
    cold_jobs2_seconds: float
    cold_jobs2_over_jobs1_docs_per_s: float
    warm_jobs1_seconds_runs: list[float]
    warm_jobs2_seconds_runs: list[float]
    warm_jobs1_docs_per_s: float
    warm_jobs2_docs_per_s: float
    warm_jobs2_over_jobs1_docs_per_s: float
    # Other processes on the cores take from --jobs 2 first: read the ratio beside these.
    load_average_1m_before: float
    load_average_1m_after: float


def measure_scaling(
    scorer: Scorer, plan: Plan, fresh: FreshDocuments, progress: Progress
) -> ScalingResult:
    """Time `score_documents` at n_jobs=1 then n_jobs=2 on each batch, cold once, then warm."""
    n_docs, words = plan.scaling_docs, plan.scaling_words_per_doc
    load_before = os.getloadavg()[0]

    def pair(label: str) -> tuple[float, float]:
        # Each side its own fresh documents: no text is timed twice (see documents.py).
        for_one, for_two = fresh.batch(n_docs, words), fresh.batch(n_docs, words)
        progress(f"scaling: {label}, --jobs 1")
        one, _ = timed(lambda: score_like_cli(scorer, for_one, n_jobs=1))
        progress(f"scaling: {label}, --jobs 2")
        two, _ = timed(lambda: score_like_cli(scorer, for_two, n_jobs=2))
        return one, two

    cold_one, cold_two = pair("cold (starting the worker pool)")
    warm = [pair(f"warm, run {repeat + 1}/{plan.repeats}") for repeat in range(plan.repeats)]
    warm_one = [one for one, _ in warm]
    warm_two = [two for _, two in warm]
    return ScalingResult(
        docs=n_docs,
        words_per_doc=words,
        cold_jobs1_seconds=cold_one,
        cold_jobs2_seconds=cold_two,
        cold_jobs2_over_jobs1_docs_per_s=cold_one / cold_two,
        warm_jobs1_seconds_runs=warm_one,
        warm_jobs2_seconds_runs=warm_two,
        warm_jobs1_docs_per_s=rate_per_second(n_docs, median(warm_one)),
        warm_jobs2_docs_per_s=rate_per_second(n_docs, median(warm_two)),
        warm_jobs2_over_jobs1_docs_per_s=paired_ratio_median(warm_one, warm_two),
        load_average_1m_before=load_before,
        load_average_1m_after=os.getloadavg()[0],
    )


# ---- pathological inputs ---------------------------------------------------------------


@dataclass(frozen=True)
class PathologicalRow:
    """One odd input through the scorer, its cost per MB, and that cost over the cost per
    MB of normal documents timed in the same repeats (1.0: time proportional to size)."""

    input: str
    description: str
    text_mb: float
    seconds_runs: list[float]
    seconds_median: float
    seconds_per_mb: float
    seconds_per_mb_over_normal_seconds_per_mb: float
    # The same kind of input at LINEARITY_FRACTION of the size.
    small_text_mb: float
    small_seconds_median: float
    # s/MB at full size over s/MB at the small size: 1 means linear, 4 quadratic.
    seconds_per_mb_full_over_small: float


@dataclass(frozen=True)
class PathologicalResult:
    normal_docs: int
    normal_words_per_doc: int
    normal_text_mb: float
    normal_seconds_runs: list[float]
    normal_seconds_median: float
    normal_seconds_per_mb: float
    rows: list[PathologicalRow]


# Each odd input is also timed at this fraction of its size: time proportional to size
# means the same seconds per MB at both sizes.
LINEARITY_FRACTION = 0.25


DOTS_IN_A_RUN = 64_000


def pathological_inputs(
    plan: Plan, repeat: int, fraction: float = 1.0
) -> list[tuple[str, str, str]]:
    """(name, description, text) of each odd input at `fraction` of its planned size; each
    repeat gets a different text, so that no cache keyed on the text can answer a later
    repeat."""
    character = chr(ord("a") + repeat % 26)
    line_chars = int(plan.single_line_chars * fraction)
    character_chars = int(plan.repeated_character_chars * fraction)
    word_lines = int(plan.one_word_lines * fraction)
    # The sentence pattern once retried at every dot of a run: 90 s for 64,000 of them.
    dots = int(DOTS_IN_A_RUN * fraction)
    return [
        (
            "single_line",
            f"{line_chars / MB:g} MB of prose on one line",
            single_line_text(line_chars, seed=plan.seed, index=repeat),
        ),
        (
            "repeated_character",
            f"{character_chars / MB:g} MB of one character",
            repeated_character_text(character_chars, character),
        ),
        (
            "one_word_lines",
            f"{word_lines:,} one-word lines",
            one_word_lines_text(word_lines, seed=plan.seed, index=repeat),
        ),
        (
            "run_of_dots",
            f"a sentence and {dots:,} dots",
            "Rain is due. " + "." * dots + " " * repeat,
        ),
    ]


def measure_pathological(
    scorer: Scorer, plan: Plan, fresh: FreshDocuments, progress: Progress
) -> PathologicalResult:
    """Per repeat: a batch of normal documents, then each odd input, through the scorer."""
    normal_seconds: list[float] = []
    normal_mb: list[float] = []
    seconds: dict[str, list[float]] = {}
    small_seconds: dict[str, list[float]] = {}
    sizes_mb: dict[str, float] = {}
    small_sizes_mb: dict[str, float] = {}
    descriptions: dict[str, str] = {}
    for repeat in range(plan.repeats):
        progress(f"pathological: normal documents, run {repeat + 1}/{plan.repeats}")
        documents = fresh.batch(plan.reference_docs, plan.reference_words_per_doc)
        normal_mb.append(text_mb(documents))
        elapsed, _ = timed(partial(score_like_cli, scorer, documents, n_jobs=1))
        normal_seconds.append(elapsed)
        for fraction, times, sizes in (
            (1.0, seconds, sizes_mb),
            (LINEARITY_FRACTION, small_seconds, small_sizes_mb),
        ):
            for name, description, text in pathological_inputs(plan, repeat, fraction):
                progress(f"pathological: {description}, run {repeat + 1}/{plan.repeats}")
                document = [Document(id=f"{name}-{fraction:g}-{repeat}", text=text)]
                elapsed, _ = timed(partial(score_like_cli, scorer, document, n_jobs=1))
                times.setdefault(name, []).append(elapsed)
                sizes[name] = text_mb(document)
                descriptions.setdefault(name, description)  # the full size's, seen first

    normal_per_mb_runs = [s / mb for s, mb in zip(normal_seconds, normal_mb, strict=True)]
    rows = []
    for name, runs in seconds.items():
        per_mb_runs = [s / sizes_mb[name] for s in runs]
        small_per_mb_runs = [s / small_sizes_mb[name] for s in small_seconds[name]]
        rows.append(
            PathologicalRow(
                input=name,
                description=descriptions[name],
                text_mb=sizes_mb[name],
                seconds_runs=runs,
                seconds_median=median(runs),
                seconds_per_mb=median(per_mb_runs),
                seconds_per_mb_over_normal_seconds_per_mb=paired_ratio_median(
                    per_mb_runs, normal_per_mb_runs
                ),
                small_text_mb=small_sizes_mb[name],
                small_seconds_median=median(small_seconds[name]),
                seconds_per_mb_full_over_small=paired_ratio_median(per_mb_runs, small_per_mb_runs),
            )
        )
    return PathologicalResult(
        normal_docs=plan.reference_docs,
        normal_words_per_doc=plan.reference_words_per_doc,
        normal_text_mb=median(normal_mb),
        normal_seconds_runs=normal_seconds,
        normal_seconds_median=median(normal_seconds),
        normal_seconds_per_mb=median(normal_per_mb_runs),
        rows=rows,
    )


# ---- memory ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StreamMemory:
    """`farmscore gate` over one JSONL stream on stdin: its peak memory and its pace."""

    stream_mb: float
    records: int
    gate_jobs: int
    peak_tree_rss_mb: float
    main_vmhwm_mb: float
    rss_samples: int
    seconds: float
    records_per_s: float
    exit_code: int
    summary: str


@dataclass(frozen=True)
class MemoryResult:
    words_per_record: int
    generate_seconds: float
    streams: list[StreamMemory]

    @property
    def peak_rss_mb(self) -> float | None:
        """The largest resident memory seen in any stream, tree sum or high-water mark."""
        if not self.streams:
            return None
        return max(max(s.peak_tree_rss_mb, s.main_vmhwm_mb) for s in self.streams)


def gate_stream(plan: Plan, stream: Path, records: int, workdir: Path) -> StreamMemory:
    """Gate `stream` through stdin in a new process and sample its tree's memory."""
    stderr_path = workdir / "gate-stderr.txt"
    argv = [
        *farmscore_command(),
        "gate",
        "--jobs",
        str(plan.gate_jobs),
        *model_options(plan),
        # Accepted rows are thrown away and rejected ones only counted: the output is not
        # what is measured, and a second gigabyte on disk would only slow the run.
        "--accept",
        os.devnull,
        "--drop-rejected",
        "--errors",
        str(workdir / "gate-errors.jsonl"),
    ]
    peak = measure_peak_rss(argv, stdin_path=stream, stderr_path=stderr_path)
    lines = stderr_path.read_text(errors="replace").strip().splitlines()
    return StreamMemory(
        stream_mb=stream.stat().st_size / MB,
        records=records,
        gate_jobs=plan.gate_jobs,
        peak_tree_rss_mb=peak.peak_tree_rss_bytes / MB,
        main_vmhwm_mb=peak.main_vmhwm_bytes / MB,
        rss_samples=peak.samples,
        seconds=peak.seconds,
        records_per_s=rate_per_second(records, peak.seconds),
        exit_code=peak.exit_code,
        summary=lines[-1] if lines else "",
    )


def measure_memory(plan: Plan, progress: Progress) -> MemoryResult:
    """Write the largest stream once, cut the smaller ones from its start at record
    boundaries, gate each; every temporary file goes with its directory."""
    with tempfile.TemporaryDirectory(prefix="farmscore-bench-") as tmp:
        workdir = Path(tmp)
        largest = workdir / "stream.jsonl"
        target_bytes = [int(size * MB) for size in plan.stream_sizes_mb]
        progress(f"memory: writing a {max(target_bytes) / MB:,.0f} MB JSONL stream")
        generate_seconds, ends = timed(
            lambda: write_jsonl_stream(
                largest, max(target_bytes), plan.stream_words_per_doc, seed=plan.seed + 2
            )
        )
        streams = []
        for size_bytes in target_bytes:
            # The first record boundary at or past the requested size.
            records = min(bisect_left(ends, size_bytes), len(ends) - 1) + 1
            stream = largest
            if records < len(ends):
                stream = workdir / f"stream-{records}.jsonl"
                copy_prefix(largest, stream, ends[records - 1])
            progress(f"memory: gating {stream.stat().st_size / MB:,.1f} MB ({records:,} records)")
            streams.append(gate_stream(plan, stream, records, workdir))
            if stream != largest:
                stream.unlink()
    return MemoryResult(
        words_per_record=plan.stream_words_per_doc,
        generate_seconds=generate_seconds,
        streams=streams,
    )
