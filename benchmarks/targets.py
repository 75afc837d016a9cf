"""The issue's targets, each judged against a figure measured in this run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from benchmarks.real_texts import HUMAN_ARTICLES
from benchmarks.realtext_suite import RealTextResult
from benchmarks.suites import MemoryResult, PathologicalResult, ScalingResult, ThroughputResult

# The figures the issue requires, in one place.
# farmscore docs/s over the Gopher pair's on real 1,000-word human articles: in process, and
# as whole processes (start-up included) on a folder of them.
REAL_FARMSCORE_OVER_GOPHER_IN_PROCESS = 5.0
REAL_FARMSCORE_OVER_GOPHER_WHOLE_PROCESS = 4.0
# The same ratio on the generated 1,000-word articles.
FARMSCORE_OVER_GOPHER_AT_1000_WORDS = 5.0
# µs per word at 100,000 words over µs per word at 1,000, on real text and on generated.
PER_WORD_COST_LARGEST_OVER_1000 = 1.5
LARGEST_WORDS = 100_000
JOBS2_OVER_JOBS1_WARM = 1.85
# `farmscore gate`'s peak resident memory, on 10 MB and on 1 GB streams alike.
PEAK_RSS_MB = 200.0
# `farmscore score` on one small file, from a new process.
CLI_COLD_START_SECONDS = 1.0
# "Time proportional to size": an odd input's cost per MB may not grow by more than this
# from a quarter of its size to all of it (a quadratic cost would grow 4 times).
PATHOLOGICAL_PER_MB_FULL_OVER_QUARTER = 1.5

Comparison = Literal["at_least", "at_most", "below"]
Verdict = Literal["PASS", "MISS", "NOT RUN"]


@dataclass(frozen=True)
class TargetOutcome:
    name: str
    description: str
    comparison: Comparison
    required: float
    unit: str
    measured: float | None
    result: Verdict


def judge(measured: float | None, comparison: Comparison, required: float) -> Verdict:
    """PASS or MISS for a measured figure, NOT RUN when there is none."""
    if measured is None:
        return "NOT RUN"
    passed = {
        "at_least": measured >= required,
        "at_most": measured <= required,
        "below": measured < required,
    }[comparison]
    return "PASS" if passed else "MISS"


def _outcome(
    name: str,
    description: str,
    comparison: Comparison,
    required: float,
    unit: str,
    measured: float | None,
) -> TargetOutcome:
    return TargetOutcome(
        name=name,
        description=description,
        comparison=comparison,
        required=required,
        unit=unit,
        measured=measured,
        result=judge(measured, comparison, required),
    )


def realtext_targets(realtext: RealTextResult | None) -> list[TargetOutcome]:
    """The real-text targets: human articles against the Gopher pair in process and as whole
    processes, and the per-word cost of the dearest kind at 100,000 words."""
    in_process = whole_process = per_word = None
    files = 0
    if realtext is not None:
        row = realtext.row(HUMAN_ARTICLES, 1_000)
        in_process = row.farmscore_docs_per_s_over_gopher_docs_per_s if row else None
        process_row = realtext.whole_process_row(HUMAN_ARTICLES)
        if process_row is not None and process_row.words_per_file == 1_000:
            whole_process = process_row.farmscore_docs_per_s_over_gopher_docs_per_s
            files = process_row.files
        if realtext.largest_words_per_doc == LARGEST_WORDS:
            per_word = max(realtext.per_word_cost_largest_over_1000_words.values(), default=None)
    return [
        _outcome(
            "real_articles_farmscore_docs_per_s_over_gopher_pair_at_1000_words_in_process",
            "real human articles of 1,000 words, in process: farmscore docs/s ÷ Gopher pair",
            "at_least",
            REAL_FARMSCORE_OVER_GOPHER_IN_PROCESS,
            "×",
            in_process,
        ),
        _outcome(
            "real_articles_farmscore_docs_per_s_over_gopher_pair_whole_process",
            f"real human articles, {f'{files:,}' if files else 'a folder of'} files of 1,000 "
            "words, whole process: farmscore docs/s ÷ Gopher pair",
            "at_least",
            REAL_FARMSCORE_OVER_GOPHER_WHOLE_PROCESS,
            "×",
            whole_process,
        ),
        _outcome(
            "real_text_per_word_cost_at_100000_words_over_1000_words",
            "real text, dearest kind: farmscore µs/word at 100,000 words ÷ at 1,000",
            "at_most",
            PER_WORD_COST_LARGEST_OVER_1000,
            "×",
            per_word,
        ),
    ]


def evaluate_targets(
    throughput: ThroughputResult | None,
    scaling: ScalingResult | None,
    memory: MemoryResult | None,
    pathological: PathologicalResult | None = None,
    realtext: RealTextResult | None = None,
) -> list[TargetOutcome]:
    """Every target, real text first, with what this run measured for it (None when its
    section did not run or lacked the sizes it needs)."""
    gopher_ratio = None
    per_word_ratio = None
    if throughput is not None:
        per_word_ratio = (
            throughput.per_word_cost_largest_over_1000_words
            if throughput.largest_words_per_doc == LARGEST_WORDS
            else None
        )
        for row in throughput.rows:
            for peer in row.peers:
                if row.words_per_doc == 1_000 and peer.peer == "gopher_pair":
                    gopher_ratio = peer.farmscore_docs_per_s_over_peer_docs_per_s
    return [
        *realtext_targets(realtext),
        _outcome(
            "farmscore_docs_per_s_over_gopher_pair_docs_per_s_at_1000_words",
            "generated articles of 1,000 words, in process: farmscore docs/s ÷ Gopher pair",
            "at_least",
            FARMSCORE_OVER_GOPHER_AT_1000_WORDS,
            "×",
            gopher_ratio,
        ),
        _outcome(
            "per_word_cost_at_100000_words_over_1000_words",
            "generated articles: farmscore µs/word at 100,000 words ÷ at 1,000",
            "at_most",
            PER_WORD_COST_LARGEST_OVER_1000,
            "×",
            per_word_ratio,
        ),
        _outcome(
            "jobs2_docs_per_s_over_jobs1_docs_per_s_warm",
            "--jobs 2 docs/s ÷ --jobs 1 docs/s, warm pool",
            "at_least",
            JOBS2_OVER_JOBS1_WARM,
            "×",
            scaling.warm_jobs2_over_jobs1_docs_per_s if scaling else None,
        ),
        _outcome(
            "cli_cold_start_seconds",
            "farmscore score on one small file, new process: seconds",
            "below",
            CLI_COLD_START_SECONDS,
            "s",
            throughput.cli_cold_start_seconds if throughput else None,
        ),
        _outcome(
            "gate_peak_rss_mb",
            "farmscore gate peak RSS over every stream size",
            "at_most",
            PEAK_RSS_MB,
            "MB",
            memory.peak_rss_mb if memory else None,
        ),
        _outcome(
            "pathological_worst_seconds_per_mb_full_over_quarter_size",
            "odd inputs: worst s/MB at full size ÷ s/MB at a quarter of it",
            "at_most",
            PATHOLOGICAL_PER_MB_FULL_OVER_QUARTER,
            "×",
            max((row.seconds_per_mb_full_over_small for row in pathological.rows), default=None)
            if pathological
            else None,
        ),
    ]
