"""A run's figures as rich tables on the console and as one JSON file."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from benchmarks.real_texts import KIND_TITLES
from benchmarks.realtext_suite import RealTextResult
from benchmarks.serve_figures import ServeResult, ServeRow
from benchmarks.suites import (
    MemoryResult,
    PathologicalResult,
    ScalingResult,
    ThroughputResult,
)
from benchmarks.targets import TargetOutcome

# 2: the real-text section, first of the sections. 3: the serve section, last.
SCHEMA = "farmscore-bench/3"
PEER_TITLES = {"gopher_pair": "Gopher pair", "textstat_indices": "textstat"}


@dataclass(frozen=True)
class BenchmarkRun:
    """Everything one run measured, and what it was measured on."""

    started_at: str
    wall_seconds: float
    machine: dict[str, Any]
    farmscore: dict[str, Any]
    settings: dict[str, Any]
    peers: dict[str, dict[str, str]]
    skipped: dict[str, str]
    realtext: RealTextResult | None
    throughput: ThroughputResult | None
    scaling: ScalingResult | None
    pathological: PathologicalResult | None
    memory: MemoryResult | None
    serve: ServeResult | None
    targets: list[TargetOutcome]


def _json_ready(value: Any) -> Any:
    # JSON has no infinity or NaN; a rate over a zero duration becomes null.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(item) for item in value]
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, Path):
        return str(value)
    return value


def run_to_dict(run: BenchmarkRun) -> dict[str, Any]:
    """The run as plain JSON values; units are in the key names."""
    record = dataclasses.asdict(run)
    if run.memory is not None:
        record["memory"]["peak_rss_mb"] = run.memory.peak_rss_mb
    return {"schema": SCHEMA, **_json_ready(record)}


def write_json(run: BenchmarkRun, path: Path) -> None:
    """Write the run to `path`, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(run_to_dict(run), indent=2, allow_nan=False) + "\n")


# ---- tables ----------------------------------------------------------------------------


def _number(value: float | None, digits: int = 0) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:,.{digits}f}"


def _ratio(value: float | None) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.2f}×"


def _table(title: str, columns: Sequence[str], caption: str | None = None) -> Table:
    table = Table(title=title, caption=caption, title_justify="left", caption_justify="left")
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index == 0 else "right")
    return table


def realtext_table(result: RealTextResult) -> Table:
    table = _table(
        "Real text, in process: farmscore score --jobs 1 (features, model, reasons, JSONL rows) "
        "and the Gopher pair on the same batches",
        [
            "text",
            "words/doc",
            "docs/batch",
            "farmscore µs/word",
            "Gopher µs/word",
            "farmscore docs/s",
            "Gopher docs/s",
            "farmscore ÷ Gopher",
        ],
        caption="\n".join(
            [
                *(f"{KIND_TITLES[kind]}: {text}" for kind, text in result.descriptions.items()),
                "own: the texts as they are; a number: texts joined, blank-line separated, to "
                "exactly that many words. Every batch is fresh text. farmscore ÷ Gopher: docs/s "
                "over docs/s, median of per-run ratios; above 1, farmscore is faster.",
            ]
        ),
    )
    table.columns[0].no_wrap = True
    for index, row in enumerate(result.rows):
        last_of_kind = index + 1 == len(result.rows) or result.rows[index + 1].kind != row.kind
        table.add_row(
            KIND_TITLES[row.kind],
            f"own (median {row.median_words_per_doc:,.0f})"
            if row.words_per_doc is None
            else f"{row.words_per_doc:,}",
            f"{row.docs_per_batch:,}",
            _number(row.farmscore_microseconds_per_word, 2),
            _number(row.gopher_microseconds_per_word, 2),
            _number(row.farmscore_docs_per_s, 1),
            _number(row.gopher_docs_per_s, 1),
            _ratio(row.farmscore_docs_per_s_over_gopher_docs_per_s),
            end_section=last_of_kind,
        )
    return table


def per_word_line(result: RealTextResult) -> str | None:
    ratios = result.per_word_cost_largest_over_1000_words
    if not ratios or result.largest_words_per_doc is None:
        return None
    return (
        f"Real text, farmscore µs/word at {result.largest_words_per_doc:,} words ÷ at 1,000 "
        "(paired per run): "
        + ", ".join(f"{KIND_TITLES[kind]} {_ratio(ratio)}" for kind, ratio in ratios.items())
    )


def stages_table(result: RealTextResult) -> Table | None:
    if not result.stages:
        return None
    table = _table(
        "Real text, in process, step by step: where farmscore's time goes",
        [
            "text",
            "words/doc",
            "features µs/word",
            "wording µs/word",
            "model, reasons, rows µs/word",
            "Gopher µs/word",
            "ceiling: Gopher ÷ model, reasons, rows",
        ],
        caption="Each step timed on a second pass over the batch just scored; medians over "
        "repeats. The ceiling is the most farmscore ÷ Gopher could reach if the features and "
        "the wording block cost nothing (median of per-run ratios).",
    )
    table.columns[0].no_wrap = True
    for row in result.stages:
        table.add_row(
            KIND_TITLES[row.kind],
            f"{row.words_per_doc:,}",
            _number(row.features_microseconds_per_word, 2),
            _number(row.wording_microseconds_per_word, 2),
            _number(row.model_reasons_rows_microseconds_per_word, 2),
            _number(row.gopher_microseconds_per_word, 2),
            _ratio(row.gopher_over_model_reasons_rows),
        )
    return table


def families_table(result: RealTextResult) -> Table | None:
    stages = result.stages
    if not stages:
        return None
    table = _table(
        "Real text, in process: the feature extractor family by family, µs/word",
        ["family", *(f"{KIND_TITLES[row.kind]}, {row.words_per_doc:,} words" for row in stages)],
        caption="A third pass over the same batches. The shared text analysis (tokens, "
        "sentences, lines, word columns) is computed first, for every family to read; each "
        "family's figure is its own work after that. Medians over repeats.",
    )
    table.columns[0].no_wrap = True
    for family in stages[0].family_microseconds_per_word:
        table.add_row(
            family, *(_number(row.family_microseconds_per_word[family], 2) for row in stages)
        )
    table.add_section()
    table.add_row(
        "all",
        *(_number(sum(row.family_microseconds_per_word.values()), 2) for row in stages),
    )
    return table


def whole_process_table(result: RealTextResult) -> Table | None:
    if not result.whole_process:
        return None
    table = _table(
        "Real text, whole process, start-up included: `farmscore score --jobs 1 --format jsonl "
        "FOLDER` and `python -m benchmarks.gopher_files FOLDER` on the same fresh files",
        [
            "text",
            "files × words",
            "farmscore s",
            "Gopher s",
            "farmscore docs/s",
            "Gopher docs/s",
            "farmscore ÷ Gopher",
            "complete runs",
        ],
        caption="Seconds: medians of complete runs, in which both processes exited 0 and wrote "
        "a JSON line per file; the ratio is the median of their per-run ratios.",
    )
    table.columns[0].no_wrap = True
    for row in result.whole_process:
        runs = len(row.farmscore_seconds_runs)
        colour = "green" if row.complete_runs == runs else "red"
        failures = (
            ""
            if row.complete_runs == runs
            else f" (exit codes {row.farmscore_exit_codes} and {row.gopher_exit_codes}, rows "
            f"{row.farmscore_rows_written} and {row.gopher_rows_written})"
        )
        table.add_row(
            KIND_TITLES[row.kind],
            f"{row.files:,} × {row.words_per_file:,}",
            _number(row.farmscore_seconds_median, 2),
            _number(row.gopher_seconds_median, 2),
            _number(row.farmscore_docs_per_s, 1),
            _number(row.gopher_docs_per_s, 1),
            _ratio(row.farmscore_docs_per_s_over_gopher_docs_per_s),
            f"[{colour}]{row.complete_runs}/{runs}[/{colour}]{failures}",
        )
    return table


def throughput_table(result: ThroughputResult) -> Table:
    table = _table(
        "Generated articles, in process: farmscore score --jobs 1 (features, model, reasons, "
        "JSONL rows)",
        ["words/doc", "docs/batch", "batch s (median)", "docs/s", "words/s", "µs/word"],
    )
    for row in result.rows:
        table.add_row(
            f"{row.words_per_doc:,}",
            f"{row.docs_per_batch:,}",
            _number(row.farmscore_batch_seconds_median, 2),
            _number(row.farmscore_docs_per_s, 1),
            _number(row.farmscore_words_per_s),
            _number(row.farmscore_microseconds_per_word, 2),
        )
    return table


def cold_start_line(result: ThroughputResult) -> str:
    failed = result.cli_cold_start_exit_code != 0
    return (
        f"CLI cold start, `farmscore score` on one small file, a new process per repeat (median): "
        f"{result.cli_cold_start_seconds:.2f} s"
        + (f" [red](exit code {result.cli_cold_start_exit_code})[/red]" if failed else "")
    )


def peers_table(result: ThroughputResult) -> Table | None:
    names = [peer.peer for peer in result.rows[0].peers] if result.rows else []
    if not names:
        return None
    columns = ["words/doc", "farmscore docs/s"]
    for name in names:
        title = PEER_TITLES.get(name, name)
        columns += [f"{title} docs/s", f"farmscore ÷ {title}", f"{title} ÷ farmscore"]
    table = _table(
        "Peers on the same generated batches, run in turn with farmscore",
        columns,
        caption=(
            "Ratios of docs/s, each the median of per-run ratios. farmscore ÷ peer > 1: "
            "farmscore is faster. Gopher pair: datatrove GopherQualityFilter + "
            "GopherRepetitionFilter on each doc; textstat: Flesch reading ease, Flesch-Kincaid, "
            "Gunning fog, SMOG."
        ),
    )
    for row in result.rows:
        cells = [f"{row.words_per_doc:,}", _number(row.farmscore_docs_per_s, 1)]
        for peer in row.peers:
            cells += [
                _number(peer.docs_per_s, 1),
                _ratio(peer.farmscore_docs_per_s_over_peer_docs_per_s),
                _ratio(peer.peer_docs_per_s_over_farmscore_docs_per_s),
            ]
        table.add_row(*cells)
    return table


def scaling_table(result: ScalingResult) -> Table:
    table = _table(
        f"Scaling: {result.docs:,} docs of {result.words_per_doc:,} words, "
        "--jobs 2 against --jobs 1",
        ["pool", "--jobs 1 docs/s", "--jobs 2 docs/s", "jobs2 ÷ jobs1", "target judged"],
        caption="Cold: the first --jobs 2 call starts the workers (import, model load). "
        "Warm: later calls on fresh docs, pool up; median of per-run ratios. 1-minute load "
        f"average {result.load_average_1m_before:.1f} → {result.load_average_1m_after:.1f}: "
        "other busy processes take from --jobs 2 first.",
    )
    table.add_row(
        "cold (once)",
        _number(result.docs / result.cold_jobs1_seconds, 1),
        _number(result.docs / result.cold_jobs2_seconds, 1),
        _ratio(result.cold_jobs2_over_jobs1_docs_per_s),
        "no",
    )
    table.add_row(
        "warm (steady state)",
        _number(result.warm_jobs1_docs_per_s, 1),
        _number(result.warm_jobs2_docs_per_s, 1),
        _ratio(result.warm_jobs2_over_jobs1_docs_per_s),
        "yes",
    )
    return table


def pathological_table(result: PathologicalResult) -> Table:
    table = _table(
        "Pathological inputs through the scorer",
        ["input", "MB", "s (median)", "s/MB", "÷ normal s/MB", "s/MB ÷ s/MB at ¼ size"],
        caption="÷ normal s/MB: cost per MB against normal documents. Last column: the same "
        "input at a quarter of the size; 1 means time proportional to size, 4 quadratic. "
        "Medians of per-run ratios.",
    )
    table.add_row(
        f"normal: {result.normal_docs} docs of {result.normal_words_per_doc:,} words",
        _number(result.normal_text_mb, 2),
        _number(result.normal_seconds_median, 2),
        _number(result.normal_seconds_per_mb, 2),
        "1.00×",
        "",
    )
    for row in result.rows:
        table.add_row(
            row.description,
            _number(row.text_mb, 2),
            _number(row.seconds_median, 2),
            _number(row.seconds_per_mb, 2),
            _ratio(row.seconds_per_mb_over_normal_seconds_per_mb),
            _ratio(row.seconds_per_mb_full_over_small),
        )
    return table


def memory_table(result: MemoryResult) -> Table:
    jobs = result.streams[0].gate_jobs if result.streams else 1
    table = _table(
        f"Memory: farmscore gate --jobs {jobs}, JSONL on stdin "
        f"({result.words_per_record:,}-word records)",
        [
            "stream MB",
            "records",
            "peak tree RSS MB",
            "main VmHWM MB",
            "s",
            "records/s",
            "exit",
        ],
        caption="Tree RSS: VmRSS of the gate process and its children summed, polled every "
        "50 ms. VmHWM: the main process's high-water mark, last read before exit. MB = 10^6 "
        "bytes.",
    )
    for stream in result.streams:
        table.add_row(
            _number(stream.stream_mb, 1),
            f"{stream.records:,}",
            _number(stream.peak_tree_rss_mb, 1),
            _number(stream.main_vmhwm_mb, 1),
            _number(stream.seconds, 1),
            _number(stream.records_per_s, 1),
            str(stream.exit_code),
        )
    return table


def _errors_cell(row: ServeRow) -> str:
    if not row.errors:
        return "0"
    kinds = ", ".join(f"{kind} {count:,}" for kind, count in row.error_kinds.items())
    return f"[red]{row.errors:,} ({kinds})[/red]"


def serve_table(result: ServeResult) -> Table:
    texts = result.texts if result.real_texts else f"[yellow]{result.texts}[/yellow]"
    ready = ", ".join(
        f"--workers {server.workers} ready in {server.ready_seconds:.1f} s "
        f"({server.workers_ready_logged} logged ready; "
        + ("[red]killed[/red]" if server.killed else "stopped by SIGTERM")
        + f", exit code {server.exit_code})"
        for server in result.servers
    )
    table = _table(
        "Serve: `farmscore serve` on 127.0.0.1, POST /v1/score from concurrent keep-alive "
        "HTTP clients (one thread and connection each)",
        [
            "workers",
            "clients",
            "docs/request",
            "requests",
            "docs/s",
            "p50 ms",
            "p99 ms",
            "client CPU cores",
            "errors",
        ],
        caption=f"Texts: {texts}. Each row: {result.cell_seconds:g} s or "
        f"{result.cell_max_requests:,} requests, whichever ends first, after one untimed "
        "request per client. docs/s: documents in complete, correct answers (status 200, one "
        "result per document sent, the ids sent, in order) over the wall clock; latency: "
        "request sent to response read, every answered request. The clients run on the same "
        "cores as the server; client CPU cores is what they took of them. "
        f"{ready}. 1-minute load average "
        f"{result.load_average_1m_before:.1f} → {result.load_average_1m_after:.1f}.",
    )
    for index, row in enumerate(result.rows):
        last_of_server = index + 1 == len(result.rows) or result.rows[index + 1].workers != (
            row.workers
        )
        table.add_row(
            str(row.workers),
            str(row.clients),
            str(row.docs_per_request),
            f"{row.requests:,}",
            _number(row.docs_per_s, 1),
            _number(row.latency_ms_p50, 1),
            _number(row.latency_ms_p99, 1),
            _number(row.client_cpu_cores, 2),
            _errors_cell(row),
            end_section=last_of_server,
        )
    return table


def targets_table(targets: Sequence[TargetOutcome]) -> Table:
    signs = {"at_least": "≥", "at_most": "≤", "below": "<"}
    colours = {"PASS": "green", "MISS": "red", "NOT RUN": "yellow"}
    table = _table("Targets", ["target", "measured", "required", "result"])
    for target in targets:
        digits = 1 if target.unit == "MB" else 2
        unit = f" {target.unit}" if target.unit == "MB" else target.unit
        measured = "—" if target.measured is None else f"{target.measured:,.{digits}f}{unit}"
        colour = colours[target.result]
        table.add_row(
            target.description,
            measured,
            f"{signs[target.comparison]} {target.required:g}{unit}",
            f"[{colour}]{target.result}[/{colour}]",
        )
    return table


def print_run(console: Console, run: BenchmarkRun) -> None:
    """Every table of the run, then the targets."""
    machine, farmscore = run.machine, run.farmscore
    console.print(
        f"farmscore {farmscore['version']} · model {farmscore['model']} · "
        f"{machine['cpu_count']} CPUs · Python {machine['python']} · {machine['platform']} · "
        f"repeats {run.settings['repeats']} · load average {machine['load_average_1m_start']:.2f}"
        f" → {machine['load_average_1m_end']:.2f} · wall {run.wall_seconds:,.0f} s"
    )
    parts: list[Table | str | None] = []
    if run.realtext is not None:
        parts += [
            realtext_table(run.realtext),
            per_word_line(run.realtext),
            stages_table(run.realtext),
            families_table(run.realtext),
            whole_process_table(run.realtext),
        ]
    if run.throughput is not None:
        parts += [
            throughput_table(run.throughput),
            cold_start_line(run.throughput),
            peers_table(run.throughput),
        ]
    if run.scaling is not None:
        parts.append(scaling_table(run.scaling))
    if run.pathological is not None:
        parts.append(pathological_table(run.pathological))
    if run.memory is not None:
        parts.append(memory_table(run.memory))
    if run.serve is not None:
        parts.append(serve_table(run.serve))
    for part in parts:
        if part is not None:
            console.print(part)
    for section, reason in run.skipped.items():
        console.print(f"[yellow]{section} skipped:[/yellow] {reason}")
    console.print(targets_table(run.targets))
