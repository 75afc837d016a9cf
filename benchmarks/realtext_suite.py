"""The headline measurement: farmscore beside the Gopher pair on real text, in process on
batches of each kind and length, and as whole processes (start-up included) on folders of
files. Returns a frozen result whose field names carry their units; prints nothing."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from benchmarks.peers import Peer
from benchmarks.plan import Plan
from benchmarks.real_texts import KIND_TITLES, KINDS, RealTexts
from benchmarks.stages import StageSeconds, time_stages
from benchmarks.suites import (
    Progress,
    farmscore_command,
    model_options,
    score_like_cli,
    text_mb,
)
from benchmarks.text_stream import RealTextExhaustedError, TextStream, word_count
from benchmarks.timing import median, paired_ratio_median, rate_per_second, timed
from farmscore.scoring import Scorer
from farmscore.types import Document

# `python -m benchmarks.gopher_files` finds the benchmarks package from here.
REPOSITORY_ROOT = Path(__file__).resolve().parents[1]
# The per-word cost at the largest joined length is set beside the cost at this one.
PER_WORD_REFERENCE_WORDS = 1_000
# The batches at this length are also timed step by step (`benchmarks.stages`).
STAGES_WORDS = 1_000


@dataclass(frozen=True)
class RealTextRow:
    """farmscore (features, model, reasons, JSONL rows) and the Gopher pair on the same
    batches of one kind of real text, in process."""

    kind: str
    # None: the texts at their own lengths; otherwise joined to exactly this many words.
    words_per_doc: int | None
    docs_per_batch: int
    median_words_per_doc: float
    words_per_batch_runs: list[int]
    text_mb_per_batch: float
    farmscore_batch_seconds_runs: list[float]
    gopher_batch_seconds_runs: list[float]
    farmscore_docs_per_s: float
    gopher_docs_per_s: float
    farmscore_microseconds_per_word: float
    gopher_microseconds_per_word: float
    farmscore_docs_per_s_over_gopher_docs_per_s: float


@dataclass(frozen=True)
class WholeProcessRow:
    """`farmscore score --jobs 1 --format jsonl FOLDER` and `python -m benchmarks.gopher_files
    FOLDER`, each a new process on the same fresh folder of files, start-up included."""

    kind: str
    files: int
    words_per_file: int
    farmscore_seconds_runs: list[float]
    gopher_seconds_runs: list[float]
    farmscore_exit_codes: list[int]
    gopher_exit_codes: list[int]
    farmscore_rows_written: list[int]
    gopher_rows_written: list[int]
    # Runs in which both processes exited 0 and wrote a row per file; the figures below are
    # made of these alone (None when there are none), so a crash cannot pass for speed.
    complete_runs: int
    farmscore_seconds_median: float | None
    gopher_seconds_median: float | None
    farmscore_docs_per_s: float | None
    gopher_docs_per_s: float | None
    farmscore_docs_per_s_over_gopher_docs_per_s: float | None


@dataclass(frozen=True)
class StageRow:
    """farmscore's in-process time on the 1,000-word batches of one kind, step by step
    (`benchmarks.stages`), each step timed on a second pass over the batch just scored; and
    the Gopher pair's time on the same batches. Medians over repeats."""

    kind: str
    words_per_doc: int
    features_microseconds_per_word: float
    wording_microseconds_per_word: float
    model_reasons_rows_microseconds_per_word: float
    gopher_microseconds_per_word: float
    # The Gopher pair's time over that of the model, reasons and rows alone (median of
    # per-run ratios): the most farmscore ÷ Gopher could reach with features and wording free.
    gopher_over_model_reasons_rows: float
    # The extractor's time by family, on a third pass (`benchmarks.stages.time_families`).
    family_microseconds_per_word: dict[str, float]


@dataclass(frozen=True)
class RealTextResult:
    descriptions: dict[str, str]
    rows: list[RealTextRow]
    whole_process: list[WholeProcessRow]
    largest_words_per_doc: int | None
    # By kind: median over repeats of (µs per word at the largest length) / (at 1,000 words).
    per_word_cost_largest_over_1000_words: dict[str, float]
    stages: list[StageRow] = field(default_factory=list)

    def row(self, kind: str, words_per_doc: int | None) -> RealTextRow | None:
        """The in-process row of `kind` at `words_per_doc` (None: own lengths), if measured."""
        found = (r for r in self.rows if r.kind == kind and r.words_per_doc == words_per_doc)
        return next(found, None)

    def whole_process_row(self, kind: str) -> WholeProcessRow | None:
        """The whole-process row of `kind`, if measured."""
        return next((r for r in self.whole_process if r.kind == kind), None)


def words_needed(plan: Plan, kind: str, stream: TextStream) -> int:
    """About how many words of `kind` the plan takes (own-length texts at their mean)."""
    joined = plan.repeats * sum(words * docs for words, docs in plan.realtext_joined_batches)
    if kind in plan.realtext_process_kinds:
        joined += (
            plan.realtext_process_repeats
            * plan.realtext_process_docs
            * plan.realtext_process_words_per_doc
        )
    if not stream.texts_available or stream.words_available is None:
        return joined
    mean_words = stream.words_available / stream.texts_available
    return joined + round(plan.repeats * plan.realtext_own_length_docs * mean_words)


def check_enough_text(plan: Plan, texts: RealTexts) -> None:
    """Raise RealTextExhaustedError before anything is timed if a finite kind would run out."""
    for kind, stream in texts.streams.items():
        needed = words_needed(plan, kind, stream)
        if stream.words_available is not None and needed > stream.words_available:
            raise RealTextExhaustedError(
                f"{kind}: this plan needs about {needed:,} words but the corpora hold "
                f"{stream.words_available:,}, and no text may be timed twice; lower --repeats"
            )


def _documents(kind: str, texts: list[str], start: int) -> list[Document]:
    return [Document(id=f"{kind}-{start + i}", text=text) for i, text in enumerate(texts)]


@dataclass
class _BatchRuns:
    """What the repeats of one (kind, length) measured, run by run."""

    farmscore_seconds: list[float] = field(default_factory=list)
    gopher_seconds: list[float] = field(default_factory=list)
    batch_words: list[int] = field(default_factory=list)
    batch_mb: list[float] = field(default_factory=list)
    doc_words: list[int] = field(default_factory=list)
    stage_seconds: list[StageSeconds] = field(default_factory=list)

    def seconds_per_word(self) -> list[float]:
        return [s / w for s, w in zip(self.farmscore_seconds, self.batch_words, strict=True)]

    def stage_row(self, kind: str, words_per_doc: int) -> StageRow:
        words, stages = self.batch_words, self.stage_seconds

        def per_word(seconds: list[float]) -> float:
            return median([s / w * 1e6 for s, w in zip(seconds, words, strict=True)])

        rest = [stage.model_reasons_rows for stage in stages]
        return StageRow(
            kind=kind,
            words_per_doc=words_per_doc,
            features_microseconds_per_word=per_word([stage.features for stage in stages]),
            wording_microseconds_per_word=per_word([stage.wording for stage in stages]),
            model_reasons_rows_microseconds_per_word=per_word(rest),
            gopher_microseconds_per_word=per_word(self.gopher_seconds),
            gopher_over_model_reasons_rows=paired_ratio_median(self.gopher_seconds, rest),
            family_microseconds_per_word={
                family: per_word([stage.families[family] for stage in stages])
                for family in stages[0].families
            },
        )

    def row(self, kind: str, words_per_doc: int | None, docs: int) -> RealTextRow:
        farm, gopher, words = self.farmscore_seconds, self.gopher_seconds, self.batch_words
        return RealTextRow(
            kind=kind,
            words_per_doc=words_per_doc,
            docs_per_batch=docs,
            median_words_per_doc=median(self.doc_words),
            words_per_batch_runs=words,
            text_mb_per_batch=median(self.batch_mb),
            farmscore_batch_seconds_runs=farm,
            gopher_batch_seconds_runs=gopher,
            farmscore_docs_per_s=median([rate_per_second(docs, s) for s in farm]),
            gopher_docs_per_s=median([rate_per_second(docs, s) for s in gopher]),
            farmscore_microseconds_per_word=median([s * 1e6 for s in self.seconds_per_word()]),
            gopher_microseconds_per_word=median(
                [s / w * 1e6 for s, w in zip(gopher, words, strict=True)]
            ),
            # docs/s ratios are inverse time ratios on the same batch.
            farmscore_docs_per_s_over_gopher_docs_per_s=paired_ratio_median(gopher, farm),
        )


def measure_in_process(
    scorer: Scorer, plan: Plan, gopher: Peer, texts: RealTexts, progress: Progress
) -> tuple[list[RealTextRow], dict[str, float], list[StageRow]]:
    """Per repeat, kind and length: a fresh batch, scored by farmscore, then by the Gopher
    pair, so that load on the shared machine falls on both alike; at `STAGES_WORDS`, then
    farmscore step by step. Returns the rows, by kind the per-word cost at the largest length
    over that at 1,000 words, and the step-by-step rows."""
    docs_at: dict[int | None, int] = {None: plan.realtext_own_length_docs}
    docs_at.update(plan.realtext_joined_batches)
    runs = {(kind, words): _BatchRuns() for kind in KINDS for words in docs_at}
    handed_out = 0
    for repeat in range(plan.repeats):
        for (kind, words), measured in runs.items():
            stream, n_docs = texts.streams[kind], docs_at[words]
            size = "own lengths" if words is None else f"{words:,} words"
            progress(
                f"realtext: {KIND_TITLES[kind]}, {size} × {n_docs}, run {repeat + 1}/{plan.repeats}"
            )
            batch = (
                stream.whole(n_docs)
                if words is None
                else [stream.joined(words) for _ in range(n_docs)]
            )
            documents = _documents(kind, batch, handed_out)
            handed_out += n_docs
            counts = [word_count(text) for text in batch]
            measured.doc_words += counts
            measured.batch_words.append(sum(counts))
            measured.batch_mb.append(text_mb(documents))
            seconds, _ = timed(partial(score_like_cli, scorer, documents, n_jobs=1))
            measured.farmscore_seconds.append(seconds)
            seconds, _ = timed(partial(gopher.run, documents))
            measured.gopher_seconds.append(seconds)
            if words == STAGES_WORDS:
                measured.stage_seconds.append(time_stages(scorer, documents))

    rows = [measured.row(kind, words, docs_at[words]) for (kind, words), measured in runs.items()]
    stages = [
        measured.stage_row(kind, STAGES_WORDS)
        for (kind, words), measured in runs.items()
        if words == STAGES_WORDS
    ]
    largest = max((words for words in docs_at if words is not None), default=0)
    per_word: dict[str, float] = {}
    if PER_WORD_REFERENCE_WORDS in docs_at and largest > PER_WORD_REFERENCE_WORDS:
        for kind in KINDS:
            per_word[kind] = paired_ratio_median(
                runs[(kind, largest)].seconds_per_word(),
                runs[(kind, PER_WORD_REFERENCE_WORDS)].seconds_per_word(),
            )
    return rows, per_word, stages


@dataclass(frozen=True)
class ProcessRun:
    seconds: float
    exit_code: int
    rows_written: int


def run_counting_rows(argv: list[str], workdir: Path, name: str) -> ProcessRun:
    """`argv` as a new process in the repository root, its output kept in `workdir`: how long
    it took, how it exited and how many lines it wrote."""
    out, err = workdir / f"{name}.jsonl", workdir / f"{name}-stderr.txt"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        seconds, completed = timed(
            lambda: subprocess.run(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                cwd=REPOSITORY_ROOT,
                check=False,
            )
        )
    with out.open("rb") as lines:
        rows = sum(1 for _ in lines)
    return ProcessRun(seconds, completed.returncode, rows)


def measure_whole_process(
    plan: Plan, texts: RealTexts, progress: Progress
) -> list[WholeProcessRow]:
    """Per repeat and kind: a folder of fresh joined files, `farmscore score` on it as a new
    process, then the Gopher pair as a new process; every file goes with its folder."""
    n_files, words = plan.realtext_process_docs, plan.realtext_process_words_per_doc
    runs: dict[str, list[tuple[ProcessRun, ProcessRun]]] = {
        kind: [] for kind in plan.realtext_process_kinds
    }
    farmscore_argv = [*farmscore_command(), "score", "--jobs", "1", "--format", "jsonl"]
    farmscore_argv += model_options(plan)
    gopher_argv = [sys.executable, "-m", "benchmarks.gopher_files"]
    for repeat in range(plan.realtext_process_repeats):
        for kind, kind_runs in runs.items():
            progress(
                f"realtext: whole process, {n_files} files of {words:,} words of "
                f"{KIND_TITLES[kind]}, run {repeat + 1}/{plan.realtext_process_repeats}"
            )
            with tempfile.TemporaryDirectory(prefix="farmscore-bench-") as tmp:
                workdir = Path(tmp)
                folder = workdir / "texts"
                folder.mkdir()
                stream = texts.streams[kind]
                for index in range(n_files):
                    (folder / f"{index:05d}.txt").write_text(stream.joined(words), encoding="utf-8")
                farm = run_counting_rows([*farmscore_argv, str(folder)], workdir, "farmscore")
                peer = run_counting_rows([*gopher_argv, str(folder)], workdir, "gopher")
                kind_runs.append((farm, peer))
    return [whole_process_row(kind, n_files, words, kind_runs) for kind, kind_runs in runs.items()]


def whole_process_row(
    kind: str, n_files: int, words: int, runs: list[tuple[ProcessRun, ProcessRun]]
) -> WholeProcessRow:
    """The row of one kind's (farmscore, Gopher) process pairs."""
    complete = [
        (farm, peer)
        for farm, peer in runs
        if farm.exit_code == peer.exit_code == 0
        and farm.rows_written == peer.rows_written == n_files
    ]
    farm_s = [farm.seconds for farm, _ in complete]
    peer_s = [peer.seconds for _, peer in complete]
    farm_median = median(farm_s) if complete else None
    peer_median = median(peer_s) if complete else None
    return WholeProcessRow(
        kind=kind,
        files=n_files,
        words_per_file=words,
        farmscore_seconds_runs=[farm.seconds for farm, _ in runs],
        gopher_seconds_runs=[peer.seconds for _, peer in runs],
        farmscore_exit_codes=[farm.exit_code for farm, _ in runs],
        gopher_exit_codes=[peer.exit_code for _, peer in runs],
        farmscore_rows_written=[farm.rows_written for farm, _ in runs],
        gopher_rows_written=[peer.rows_written for _, peer in runs],
        complete_runs=len(complete),
        farmscore_seconds_median=farm_median,
        gopher_seconds_median=peer_median,
        farmscore_docs_per_s=None if farm_median is None else rate_per_second(n_files, farm_median),
        gopher_docs_per_s=None if peer_median is None else rate_per_second(n_files, peer_median),
        # docs/s ratios are inverse time ratios on the same folder.
        farmscore_docs_per_s_over_gopher_docs_per_s=(
            paired_ratio_median(peer_s, farm_s) if complete else None
        ),
    )


def measure_realtext(
    scorer: Scorer, plan: Plan, gopher: Peer, texts: RealTexts, progress: Progress
) -> RealTextResult:
    """The real-text tables: in process on every kind and length, then whole process."""
    check_enough_text(plan, texts)
    rows, per_word, stages = measure_in_process(scorer, plan, gopher, texts, progress)
    whole_process = measure_whole_process(plan, texts, progress)
    return RealTextResult(
        descriptions=texts.descriptions,
        rows=rows,
        whole_process=whole_process,
        largest_words_per_doc=max(
            (words for words, _ in plan.realtext_joined_batches), default=None
        ),
        per_word_cost_largest_over_1000_words=per_word,
        stages=stages,
    )
