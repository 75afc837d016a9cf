"""What a benchmark run measures and how much of it: every size and count in one place."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks.real_texts import DEFAULT_REAL_DATA_DIR, HUMAN_ARTICLES, KINDS

# Real text first: it is the headline, and the first table of the report.
SECTIONS = ("realtext", "throughput", "peers", "scaling", "pathological", "memory", "serve")
DEFAULT_OUT = Path("reports/bench/latest.json")
DEFAULT_SEED = 20_240_601
DEFAULT_REPEATS = 5
QUICK_REPEATS = 3
DEFAULT_STREAM_MB = 1024.0
QUICK_STREAM_MB = 20.0
# Smaller streams gated beside the big one, so that a flat (or growing) peak can be seen.
SMALLER_STREAMS_MB = (10.0, 100.0)
MB = 1_000_000  # bytes: every MB in the harness is 10^6 bytes, RSS included


@dataclass(frozen=True)
class Plan:
    """Sizes and counts for one run. Batches are (words per document, documents), sized so
    that each timing lasts about a second or more at 1,000 words."""

    sections: frozenset[str]
    repeats: int
    seed: int
    model_path: Path | None
    throughput_batches: tuple[tuple[int, int], ...]
    # Scaling: this many fresh documents scored with --jobs 1, as many others with --jobs 2.
    scaling_docs: int
    scaling_words_per_doc: int
    # Memory: `farmscore gate` fed JSONL streams of these sizes through stdin.
    stream_sizes_mb: tuple[float, ...]
    stream_words_per_doc: int
    gate_jobs: int
    # Pathological inputs, each timed beside a batch of normal documents.
    single_line_chars: int
    repeated_character_chars: int
    one_word_lines: int
    reference_docs: int
    reference_words_per_doc: int
    # Real text (real_texts.py), per repeat and kind: this many texts at their own lengths,
    # then batches of (words per document, documents) joined from them.
    realtext_own_length_docs: int
    realtext_joined_batches: tuple[tuple[int, int], ...]
    # Whole process: `farmscore score` and a Gopher process, each started on one folder of
    # this many joined files per kind, start-up included.
    realtext_process_docs: int
    realtext_process_words_per_doc: int
    realtext_process_repeats: int
    realtext_process_kinds: tuple[str, ...]
    real_data_dir: Path
    # Serve: `farmscore serve` started once per worker count; then, per cell of (concurrent
    # clients, documents per request), requests for this many seconds or this many requests,
    # whichever ends first.
    serve_workers: tuple[int, ...]
    serve_cells: tuple[tuple[int, int], ...]
    serve_cell_seconds: float
    serve_cell_max_requests: int
    # `farmscore score` started as a command on one small file, timed once.
    cold_start_words: int = 300

    def runs(self, section: str) -> bool:
        """Whether `section` is part of this run."""
        return section in self.sections


def stream_sizes(largest_mb: float) -> tuple[float, ...]:
    """The smaller standard streams below `largest_mb`, then `largest_mb` itself."""
    return (*(size for size in SMALLER_STREAMS_MB if size < largest_mb), largest_mb)


def full_plan(
    *,
    sections: frozenset[str] = frozenset(SECTIONS),
    repeats: int = DEFAULT_REPEATS,
    stream_mb: float = DEFAULT_STREAM_MB,
    seed: int = DEFAULT_SEED,
    model_path: Path | None = None,
    gate_jobs: int = 1,
    real_data_dir: Path = DEFAULT_REAL_DATA_DIR,
) -> Plan:
    """The run the issue asks for: 300 to 100,000 words per document, a 1 GB stream."""
    return Plan(
        sections=sections,
        repeats=repeats,
        seed=seed,
        model_path=model_path,
        throughput_batches=((300, 300), (1_000, 200), (10_000, 30), (100_000, 4)),
        scaling_docs=2_000,
        scaling_words_per_doc=1_000,
        stream_sizes_mb=stream_sizes(stream_mb),
        stream_words_per_doc=1_000,
        gate_jobs=gate_jobs,
        single_line_chars=5 * MB,
        repeated_character_chars=1 * MB,
        one_word_lines=100_000,
        reference_docs=200,
        reference_words_per_doc=1_000,
        realtext_own_length_docs=200,
        # Five repeats of these take 3.7 million words of human articles, the whole-process
        # runs 1.8 million more, and the long human corpora hold 6.6 million; so the 100,000-word
        # batch is two documents, not the four of the generated table.
        realtext_joined_batches=((1_000, 200), (10_000, 20), (100_000, 2)),
        realtext_process_docs=600,
        realtext_process_words_per_doc=1_000,
        realtext_process_repeats=3,
        realtext_process_kinds=KINDS,
        real_data_dir=real_data_dir,
        # Four cells of 15 s for each of two worker counts: about 2.5 minutes, starts included.
        serve_workers=(1, 2),
        serve_cells=((1, 1), (8, 1), (32, 1), (8, 8)),
        serve_cell_seconds=15.0,
        serve_cell_max_requests=20_000,
    )


def quick_plan(
    *,
    sections: frozenset[str] = frozenset(SECTIONS),
    repeats: int = QUICK_REPEATS,
    stream_mb: float = QUICK_STREAM_MB,
    seed: int = DEFAULT_SEED,
    model_path: Path | None = None,
    gate_jobs: int = 1,
    real_data_dir: Path = DEFAULT_REAL_DATA_DIR,
) -> Plan:
    """A few minutes' run: smaller batches and stream, the same pathological inputs, the
    whole-process real-text pair once, on human articles only, and 4 s per serve cell."""
    return replace(
        full_plan(
            sections=sections,
            repeats=repeats,
            stream_mb=stream_mb,
            seed=seed,
            model_path=model_path,
            gate_jobs=gate_jobs,
            real_data_dir=real_data_dir,
        ),
        throughput_batches=((300, 60), (1_000, 40), (10_000, 6), (100_000, 1)),
        scaling_docs=160,
        reference_docs=40,
        realtext_own_length_docs=60,
        realtext_joined_batches=((1_000, 40), (10_000, 6), (100_000, 1)),
        realtext_process_repeats=1,
        realtext_process_kinds=(HUMAN_ARTICLES,),
        serve_cell_seconds=4.0,
        serve_cell_max_requests=5_000,
    )
