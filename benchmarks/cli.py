"""`python -m benchmarks`: parse the flags, run the chosen sections, print and save."""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import time
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

import farmscore
from benchmarks.peers import Peer, PeerUnavailableError, gopher_pair, textstat_indices
from benchmarks.plan import (
    DEFAULT_OUT,
    DEFAULT_REPEATS,
    DEFAULT_SEED,
    DEFAULT_STREAM_MB,
    QUICK_REPEATS,
    QUICK_STREAM_MB,
    SECTIONS,
    Plan,
    full_plan,
    quick_plan,
)
from benchmarks.real_texts import DEFAULT_REAL_DATA_DIR, RealTextUnavailableError, load_real_texts
from benchmarks.realtext_suite import RealTextResult, measure_realtext
from benchmarks.report import BenchmarkRun, print_run, write_json
from benchmarks.serve_figures import ServeResult
from benchmarks.suites import (
    FreshDocuments,
    Progress,
    measure_memory,
    measure_pathological,
    measure_scaling,
    measure_throughput,
    warm_up,
)
from benchmarks.targets import evaluate_targets
from benchmarks.text_stream import RealTextExhaustedError
from farmscore.scoring import Scorer

TABLE_WIDTH_MIN_CHARS = 120


def parse_sections(value: str) -> frozenset[str]:
    """`throughput,peers` → the set of those sections; unknown names are an error."""
    names = frozenset(name.strip() for name in value.split(",") if name.strip())
    unknown = sorted(names - set(SECTIONS))
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown section(s) {', '.join(unknown) or '(none given)'}; "
            f"choose from {','.join(SECTIONS)}"
        )
    return names


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="farmscore's speed on real text and generated articles, scaling, memory and "
        "the HTTP service under load, beside datatrove's Gopher filters and textstat; prints "
        "tables and writes them as JSON.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"a short run: smaller batches, {QUICK_REPEATS} repeats, a "
        f"{QUICK_STREAM_MB:g} MB stream, shorter serve cells",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help=f"timed runs per figure, reported as medians (default {DEFAULT_REPEATS}; "
        f"{QUICK_REPEATS} with --quick)",
    )
    parser.add_argument(
        "--only",
        type=parse_sections,
        default=frozenset(SECTIONS),
        help=f"comma-separated sections to run (default all: {','.join(SECTIONS)})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"where to write the JSON (default {DEFAULT_OUT})",
    )
    parser.add_argument(
        "--stream-mb",
        type=float,
        default=None,
        help=f"size of the largest JSONL stream gated for memory, in MB of 10^6 bytes "
        f"(default {DEFAULT_STREAM_MB:g}; {QUICK_STREAM_MB:g} with --quick)",
    )
    parser.add_argument(
        "--gate-jobs", type=int, default=1, help="--jobs for `farmscore gate` (default 1)"
    )
    parser.add_argument(
        "--model", type=Path, default=None, help="model folder (default: the shipped model)"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help="seed of the generated documents and of the order of the real texts",
    )
    parser.add_argument(
        "--real-data",
        type=Path,
        default=DEFAULT_REAL_DATA_DIR,
        help=f"folder of the shared corpora for the realtext section (default "
        f"{DEFAULT_REAL_DATA_DIR}); when it is absent the section is skipped",
    )
    return parser


def plan_from_args(args: argparse.Namespace) -> Plan:
    make_plan = quick_plan if args.quick else full_plan
    repeats = args.repeats or (QUICK_REPEATS if args.quick else DEFAULT_REPEATS)
    stream_mb = args.stream_mb or (QUICK_STREAM_MB if args.quick else DEFAULT_STREAM_MB)
    if repeats < 1 or stream_mb <= 0 or args.gate_jobs == 0:
        raise SystemExit("--repeats and --stream-mb must be positive, --gate-jobs non-zero")
    return make_plan(
        sections=args.only,
        repeats=repeats,
        stream_mb=stream_mb,
        seed=args.seed,
        model_path=args.model,
        gate_jobs=args.gate_jobs,
        real_data_dir=args.real_data,
    )


def peers_needed(plan: Plan) -> frozenset[str]:
    """The peers the chosen sections time: the Gopher pair for real text and the peers
    table, textstat for the peers table alone."""
    names = set()
    if plan.runs("realtext") or plan.runs("peers"):
        names.add("gopher_pair")
    if plan.runs("peers"):
        names.add("textstat_indices")
    return frozenset(names)


def load_peers(
    stack: ExitStack, skipped: dict[str, str], log: Console, names: frozenset[str]
) -> list[Peer]:
    """The peers of `names` that import; each missing one is noted in `skipped` and the run
    goes on."""
    peers: list[Peer] = []
    for name, load in (
        ("gopher_pair", gopher_pair),
        ("textstat_indices", lambda: stack.enter_context(textstat_indices())),
    ):
        if name not in names:
            continue
        try:
            peers.append(load())
        except PeerUnavailableError as error:
            skipped[f"peers.{name}"] = str(error)
            log.print(f"[yellow]peer {name} skipped:[/yellow] {error}")
    return peers


def run_realtext(
    scorer: Scorer,
    plan: Plan,
    gopher: Peer | None,
    skipped: dict[str, str],
    progress: Progress,
) -> RealTextResult | None:
    """The real-text section, or None with the reason in `skipped`: no Gopher pair to
    compare with, no shared corpora, or too little text for the plan."""
    if gopher is None:
        reason = skipped.get("peers.gopher_pair", "it was not loaded")
        skipped["realtext"] = f"every real-text figure is a ratio to the Gopher pair: {reason}"
        return None
    progress(f"realtext: reading the corpora in {plan.real_data_dir} and training/corpora")
    try:
        texts = load_real_texts(plan.real_data_dir, plan.seed)
        return measure_realtext(scorer, plan, gopher, texts, progress)
    except (RealTextUnavailableError, RealTextExhaustedError) as error:
        skipped["realtext"] = str(error)
        progress(f"[yellow]realtext skipped:[/yellow] {error}")
        return None


def run_serve(plan: Plan, skipped: dict[str, str], progress: Progress) -> ServeResult | None:
    """The serve section, or None with the reason in `skipped`: no HTTP client library, or a
    server that did not become ready."""
    try:
        # httpx comes with the bench extra; without it every other section still runs.
        from benchmarks.serve_load import measure_serve
        from benchmarks.serve_process import ServerStartError
    except ImportError as error:
        skipped["serve"] = (
            f"the load test needs httpx ({error}): run `make bench-setup` "
            "(or `pip install -e '.[bench]'`)"
        )
        progress(f"[yellow]serve skipped:[/yellow] {skipped['serve']}")
        return None
    try:
        return measure_serve(plan, progress)
    except ServerStartError as error:
        skipped["serve"] = f"the server did not start: {error}"
        progress(f"[red]serve failed:[/red] {error}")
        return None


def run_benchmarks(plan: Plan, log: Console, *, quick: bool = False) -> BenchmarkRun:
    """Run every section of `plan`, interleaving farmscore and its peers, and judge the
    targets."""
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    start = time.perf_counter()
    load_start = os.getloadavg()[0]

    def progress(message: str) -> None:
        log.print(f"[dim][{time.perf_counter() - start:7.1f} s][/dim] {message}")

    progress("loading the model")
    scorer = Scorer.load(plan.model_path)
    warm_up(scorer, seed=plan.seed + 1_000)
    fresh = FreshDocuments(plan.seed)
    skipped: dict[str, str] = {}
    realtext = throughput = scaling = pathological = memory = serve = None
    with ExitStack() as stack:
        peers = load_peers(stack, skipped, log, peers_needed(plan))
        if plan.runs("realtext"):
            gopher = next((peer for peer in peers if peer.name == "gopher_pair"), None)
            realtext = run_realtext(scorer, plan, gopher, skipped, progress)
        # Peer ratios need farmscore timed on the same batches, so peers imply throughput.
        if plan.runs("throughput") or plan.runs("peers"):
            table_peers = peers if plan.runs("peers") else []
            throughput = measure_throughput(scorer, plan, table_peers, fresh, progress)
    if plan.runs("pathological"):
        pathological = measure_pathological(scorer, plan, fresh, progress)
    if plan.runs("scaling"):
        scaling = measure_scaling(scorer, plan, fresh, progress)
    if plan.runs("memory"):
        memory = measure_memory(plan, progress)
    if plan.runs("serve"):
        serve = run_serve(plan, skipped, progress)
    progress("done")

    return BenchmarkRun(
        started_at=started_at,
        wall_seconds=time.perf_counter() - start,
        machine={
            "cpu_count": os.cpu_count(),
            "cpus_usable": len(os.sched_getaffinity(0)),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_1m_start": load_start,
            "load_average_1m_end": os.getloadavg()[0],
        },
        farmscore={
            "version": farmscore.__version__,
            "model": scorer.name,
            "model_threshold": scorer.threshold,
            "model_folder": str(scorer.folder),
        },
        settings={"quick": quick, **dataclasses.asdict(plan)},
        peers={peer.name: peer.versions for peer in peers},
        skipped=skipped,
        realtext=realtext,
        throughput=throughput,
        scaling=scaling,
        pathological=pathological,
        memory=memory,
        serve=serve,
        targets=evaluate_targets(throughput, scaling, memory, pathological, realtext),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks the flags ask for; 0 once the tables and JSON are written (a MISS
    is a measurement, not a failure)."""
    args = build_parser().parse_args(argv)
    plan = plan_from_args(args)
    console = Console(width=max(TABLE_WIDTH_MIN_CHARS, Console().width))
    log = Console(stderr=True)
    run = run_benchmarks(plan, log, quick=args.quick)
    print_run(console, run)
    write_json(run, args.out)
    console.print(f"written: {args.out}")
    return 0
