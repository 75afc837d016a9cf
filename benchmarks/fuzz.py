"""The fuzz campaign: seeded hostile inputs through every way into farmscore, counting crashes,
lost records and the slowest input per megabyte.

Ways in: the Python API (`Scorer.score` with text, html, bytes and wrong types); `score` and
`features` on folders of odd files; `gate` on hostile JSONL with one and two workers and on
feeds with entity expansion and external entities; `audit` on odd files (binary, FIFOs,
symbolic link loops, links out, names with newlines, a CSV without a text column); a gate
stopped by SIGINT or SIGTERM mid-stream and one whose reader goes away.

Then the stages at the limits, each a module of its own, so that each fixed failure stays
fixed: JSONL nested around the depth limit and numbers JSON cannot hold (`fuzz_depth`); file
names that are not UTF-8, and gate outputs that are its input under another name
(`fuzz_paths`); a document just under the 10 MB record limit and a line of 500 MB, with the
peak memory of each command (`fuzz_sizes`); clients that hang up on `farmscore serve`
(`fuzz_serve`); outputs on a full disk (`fuzz_disk`). Their figures go in the report's
`figures`, measured, never judged.

A crash is a traceback, an exit code other than 0 or 1 (or the one a case expects: the
signal's own, 2 for a refusal, 3 for a failed write), a hang, an exception the API does not
document, a wrong answer a stage checks for, or a file's content reaching an output through
an external entity. A lost record is an input that ends in no output, or in two.

    python -m benchmarks.fuzz --inputs 10000 --seed 1     # the large run of `make bench`
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import os
import random
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from benchmarks.fuzz_depth import fuzz_depth
from benchmarks.fuzz_disk import fuzz_disk_full
from benchmarks.fuzz_outputs import check_gate_outputs
from benchmarks.fuzz_paths import fuzz_names, fuzz_same_file
from benchmarks.fuzz_report import (
    COMMAND_TIMEOUT_S,
    Finding,
    FuzzReport,
    Stage,
    farmscore_argv,
    run_command,
    run_stages,
)
from benchmarks.fuzz_serve import fuzz_disconnects
from benchmarks.fuzz_sizes import (
    CAMPAIGN_SIZES,
    LimitSizes,
    fuzz_huge_document,
    fuzz_oversized_line,
)
from benchmarks.hostile import hostile_feed, hostile_text, jsonl_line, prose
from farmscore.scoring import Scorer

# Share of the inputs each way in gets; the rest of a campaign is fixed-size cases.
API_SHARE = 0.3
FILES_SHARE = 0.15
GATE_SHARE = 0.45
AUDIT_SHARE = 0.1
MIN_FEEDS = 8
INPUTS_PER_FEED = 100
SECRET_TOKEN = "FUZZ-SECRET-7f3a9c"  # in a file that external entities name


# ---- the Python API -------------------------------------------------------------------------


def fuzz_api(rng: random.Random, n_inputs: int, scorer: Scorer, report: FuzzReport) -> None:
    for index in range(n_inputs):
        case = hostile_text(rng)
        name = f"api #{index} {case.kind}"
        payload: object = case.text
        if case.is_html and rng.random() < 0.5:
            payload = case.text.encode("utf-8", "surrogatepass")
        if rng.random() < 0.02:
            payload = rng.choice((123, None, ["a"], b"\xff\xfe", 4.5))
        start = time.perf_counter()
        try:
            score = (
                scorer.score(html=payload)  # type: ignore[arg-type]
                if case.is_html
                else scorer.score(payload)  # type: ignore[arg-type]
            )
        except (ValueError, TypeError) as error:  # the documented refusals: no words, wrong type
            if not str(error):
                report.crashes.append(
                    Finding("api", name, f"{type(error).__name__} without a message")
                )
        except Exception as error:
            report.crashes.append(Finding("api", name, f"{type(error).__name__}: {error}"[:300]))
        else:
            if not (math.isfinite(score.score) and 0 <= score.score <= 1):
                report.crashes.append(Finding("api", name, f"score {score.score}"))
        n_bytes = len(case.text.encode("utf-8", "surrogatepass"))
        report.time(name, n_bytes, time.perf_counter() - start)
        report.inputs["api"] += 1


# ---- score and features on folders of odd files -------------------------------------------


def _odd_name(rng: random.Random, index: int, suffix: str) -> str:
    stem = rng.choice(
        ("plain", "with space", "new\nline", "-dash", "tab\tx", "é字", "\u202eevil", "a" * 200)
    )
    return f"{index:05d} {stem}{suffix}"


def write_odd_files(rng: random.Random, folder: Path, n_files: int, outside: Path) -> int:
    """`n_files` single-document files plus odd entries in `folder`; returns how many entries
    each must give one row or one error."""
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(n_files):
        case = hostile_text(rng)
        data = case.text.encode("utf-8", "surrogatepass")
        roll = rng.random()
        if roll < 0.05:
            data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 2_000)))
        suffix = ".html" if case.is_html else rng.choice((".txt", ".md"))
        if roll > 0.9:
            suffix, data = suffix + ".gz", gzip.compress(data)
        elif 0.85 < roll <= 0.9:
            data = gzip.compress(data)  # gzip bytes under a plain name
        (folder / _odd_name(rng, index, suffix)).write_bytes(data)
    odd = folder / "odd"
    odd.mkdir()
    os.mkfifo(odd / "fifo.txt")
    (odd / "loop").symlink_to(odd)
    (odd / "dangling.txt").symlink_to(odd / "missing.txt")
    (odd / "outside.txt").symlink_to(outside)
    (odd / "folder.txt").mkdir()  # a folder named like a file: walked, holds nothing
    return n_files + 3  # fifo, dangling and outside are one error each


def fuzz_files(
    rng: random.Random, n_files: int, workdir: Path, outside: Path, report: FuzzReport
) -> None:
    folder = workdir / "files"
    expected = write_odd_files(rng, folder, n_files, outside)
    for command in ("score", "features"):
        done = run_command(
            farmscore_argv(command, str(folder), "--format", "jsonl"), report, command
        )
        if done is None:
            continue
        rows = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
        skipped = [
            line for line in done.stderr.splitlines() if line.startswith(b"farmscore: skipped ")
        ]
        if len(rows) + len(skipped) != expected:
            report.lost.append(
                Finding(
                    command,
                    str(folder),
                    f"{expected} entries, {len(rows)} rows + {len(skipped)} errors",
                )
            )
        if SECRET_TOKEN.encode() in done.stdout + done.stderr:
            report.crashes.append(
                Finding(command, str(folder), "a file outside the folder was read")
            )
        report.inputs[command] += expected


# ---- gate -----------------------------------------------------------------------------------


def write_hostile_stream(rng: random.Random, path: Path, n_lines: int) -> set[int]:
    """A JSONL stream of `n_lines` hostile lines; returns the numbers of those that are records
    (not blank)."""
    numbers: set[int] = set()
    with path.open("wb") as out:
        for number in range(1, n_lines + 1):
            line = jsonl_line(rng, number)
            out.write(line + b"\n")
            if line.strip():
                numbers.add(number)
    return numbers


def fuzz_gate(
    rng: random.Random, n_lines: int, workdir: Path, report: FuzzReport, jobs: int
) -> None:
    stream = workdir / f"stream-{jobs}.jsonl"
    expected = write_hostile_stream(rng, stream, n_lines)
    outputs = {
        name: workdir / f"gate-{jobs}-{name}.jsonl" for name in ("accept", "reject", "errors")
    }
    argv = farmscore_argv("gate", str(stream), "--jobs", str(jobs))
    for name, path in outputs.items():
        argv += [f"--{name}", str(path)]
    if run_command(argv, report, f"gate --jobs {jobs}") is not None:
        for problem in check_gate_outputs(outputs, expected):
            report.lost.append(Finding(f"gate --jobs {jobs}", str(stream), problem))
    report.inputs[f"gate --jobs {jobs}"] += n_lines


def fuzz_feeds(
    rng: random.Random, n_feeds: int, workdir: Path, secret: Path, report: FuzzReport
) -> None:
    for index in range(n_feeds):
        feed = workdir / f"feed-{index}.xml"
        feed.write_bytes(hostile_feed(rng, str(secret), index))
        done = run_command(
            farmscore_argv("gate", str(feed), "--jobs", rng.choice(("1", "2"))), report, "gate feed"
        )
        if done is not None and SECRET_TOKEN.encode() in done.stdout + done.stderr:
            report.crashes.append(
                Finding("gate feed", feed.name, "an external entity's file reached the output")
            )
        report.inputs["gate feed"] += 1


# ---- audit ----------------------------------------------------------------------------------


def fuzz_audit(
    rng: random.Random, n_files: int, workdir: Path, outside: Path, report: FuzzReport
) -> None:
    folder = workdir / "audit-in"
    expected = write_odd_files(rng, folder, n_files, outside)
    (folder / "no text column.csv").write_text("id,body\n1,words here\n")
    expected += 1
    out = workdir / "audit-out"
    done = run_command(
        farmscore_argv("audit", str(folder), "--out", str(out), "--jobs", "2"), report, "audit"
    )
    if done is not None:
        with (out / "results.csv").open(newline="", encoding="utf-8") as results:
            n_rows = sum(1 for _ in csv.DictReader(results))
        if n_rows != expected:
            report.lost.append(Finding("audit", str(folder), f"{expected} entries, {n_rows} rows"))
        page = (out / "report.html").read_text(encoding="utf-8")
        if "<script>alert(" in page or SECRET_TOKEN in page:
            report.crashes.append(
                Finding("audit", "report.html", "unescaped script or outside file")
            )
    report.inputs["audit"] += expected


# ---- signals and a closed standard output ---------------------------------------------------


def fuzz_stops(rng: random.Random, workdir: Path, report: FuzzReport) -> None:
    """A gate fed slowly is stopped by SIGINT or SIGTERM after its first row, with one and
    two workers; then one whose reader closes the pipe after one row. Each must end without a
    traceback, leave only whole rows and no process of its own behind."""
    import psutil  # type: ignore[import-untyped]

    for stop in (signal.SIGINT, signal.SIGTERM):
        for jobs in ("1", "2"):
            name = f"gate --jobs {jobs} stopped by {stop.name}"
            accept = workdir / f"stop-{stop.name}-{jobs}.jsonl"
            gate = subprocess.Popen(
                farmscore_argv(
                    "gate", "-", "--jobs", jobs, "--accept", str(accept), "--reject", os.devnull
                ),
                stdin=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            assert gate.stdin is not None
            # Records keep coming until the first row is out: --jobs 2 hands the workers a
            # batch only as more input arrives.
            deadline = time.monotonic() + 120
            number = 0
            while time.monotonic() < deadline and not (accept.exists() and accept.stat().st_size):
                number += 1
                record = {"id": number, "text": prose(rng, 300)}
                gate.stdin.write(json.dumps(record).encode() + b"\n")
                gate.stdin.flush()
                if number > 300:
                    time.sleep(0.05)
            children = psutil.Process(gate.pid).children(recursive=True)
            gate.send_signal(stop)
            try:
                _, stderr = gate.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                gate.kill()
                report.crashes.append(Finding("signals", name, "did not stop within 60 s"))
                continue
            _gone, alive = psutil.wait_procs(children, timeout=10)
            alive = [c for c in alive if c.status() != psutil.STATUS_ZOMBIE]
            if b"Traceback" in stderr or alive:
                report.crashes.append(
                    Finding("signals", name, f"{len(alive)} left running; {stderr[-300:]!r}")
                )
            for raw in accept.read_bytes().splitlines():
                try:
                    json.loads(raw)
                except ValueError:
                    report.lost.append(Finding("signals", name, "a half-written row"))
            report.inputs["signals"] += 1
    stream = workdir / "closed-stdout.jsonl"
    stream.write_bytes(
        b"".join(
            json.dumps({"id": number, "text": prose(rng, 200)}).encode() + b"\n"
            for number in range(1, 300)
        )
    )
    gate = subprocess.Popen(
        farmscore_argv("gate", str(stream)), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert gate.stdout is not None
    gate.stdout.readline()
    gate.stdout.close()  # the reader goes away, as `| head -1` does
    _, stderr = gate.communicate(timeout=COMMAND_TIMEOUT_S)
    if b"Traceback" in stderr:
        report.crashes.append(Finding("signals", "closed standard output", stderr[-300:].decode()))
    report.inputs["signals"] += 1


# ---- the campaign ---------------------------------------------------------------------------


def limit_stages(
    rng: random.Random, n_inputs: int, sizes: LimitSizes, workdir: Path, report: FuzzReport
) -> list[Stage]:
    """The stages at farmscore's limits: nesting depth, odd file names, outputs that are the
    input, the record size limit, clients that hang up, and disks that are full."""
    return [
        ("JSONL nested around the depth limit", lambda: fuzz_depth(rng, n_inputs, workdir, report)),
        ("file names that are not UTF-8", lambda: fuzz_names(rng, n_inputs, workdir, report)),
        ("gate outputs that are the input", lambda: fuzz_same_file(rng, workdir, report)),
        (
            "a document just under the size limit",
            lambda: fuzz_huge_document(rng, sizes, workdir, report),
        ),
        (
            "a line far over the size limit",
            lambda: fuzz_oversized_line(rng, sizes, workdir, report),
        ),
        *(
            (
                f"clients that hang up on serve --workers {workers}",
                partial(fuzz_disconnects, rng, n_inputs, workers, workdir, report),
            )
            for workers in (1, 2)
        ),
        ("outputs on a full disk", lambda: fuzz_disk_full(rng, workdir, report)),
    ]


def run_campaign(
    n_inputs: int,
    seed: int,
    scorer: Scorer | None = None,
    progress: Callable[[str], None] = lambda _: None,
    limits: LimitSizes | None = CAMPAIGN_SIZES,
) -> FuzzReport:
    """About `n_inputs` hostile inputs across every way in, from `seed`; then the stages at
    the limits with inputs of `limits` sizes (None leaves them out)."""
    report = FuzzReport()
    rng = random.Random(seed)
    scorer = scorer or Scorer.load()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="farmscore-fuzz-") as temp:
        workdir = Path(temp)
        secret = workdir / "secret.txt"
        secret.write_text(SECRET_TOKEN)
        # The first text, page and foreign text load lazy parts (trafilatura, CLD2's tables):
        # not an input's cost.
        scorer.score(prose(rng, 300))
        scorer.score(html=f"<html><body><p>{prose(rng, 300)}</p></body></html>")
        scorer.score("Der Stadtrat hat am Dienstag beschlossen, die Brücke zu reparieren. " * 5)
        # A feed is one process (a second or more to start): a few, at least one of each kind.
        n_feeds = max(MIN_FEEDS, n_inputs // INPUTS_PER_FEED)
        stages: list[Stage] = [
            ("the Python API", lambda: fuzz_api(rng, int(n_inputs * API_SHARE), scorer, report)),
            (
                "score and features on odd files",
                lambda: fuzz_files(rng, int(n_inputs * FILES_SHARE / 2), workdir, secret, report),
            ),
            *(
                (
                    f"gate --jobs {jobs} on a hostile stream",
                    partial(fuzz_gate, rng, int(n_inputs * GATE_SHARE / 2), workdir, report, jobs),
                )
                for jobs in (1, 2)
            ),
            (
                "gate on hostile feeds",
                lambda: fuzz_feeds(rng, n_feeds, workdir, secret, report),
            ),
            (
                "audit on odd files",
                lambda: fuzz_audit(rng, int(n_inputs * AUDIT_SHARE), workdir, secret, report),
            ),
            ("signals and a closed standard output", lambda: fuzz_stops(rng, workdir, report)),
        ]
        if limits is not None:
            stages += limit_stages(rng, n_inputs, limits, workdir, report)
        run_stages(stages, report, progress)
    report.seconds = time.perf_counter() - started
    return report


def run_limit_campaign(
    n_inputs: int,
    seed: int,
    limits: LimitSizes,
    progress: Callable[[str], None] = lambda _: None,
) -> FuzzReport:
    """Only the stages at the limits, sized for a campaign of about `n_inputs` inputs."""
    report = FuzzReport()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="farmscore-fuzz-limits-") as temp:
        stages = limit_stages(random.Random(seed), n_inputs, limits, Path(temp), report)
        run_stages(stages, report, progress)
    report.seconds = time.perf_counter() - started
    return report


def print_figures(report: FuzzReport) -> None:
    """The measurements of the stages at the limits, a section at a time."""
    for section, figures in report.figures.items():
        print(f"  {section}:")
        for name, value in figures.items():
            print(f"    {name}: {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.fuzz", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--inputs", type=int, default=10_000, help="about how many inputs (default 10,000)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("reports/bench/fuzz.json"))
    args = parser.parse_args(argv)
    report = run_campaign(
        args.inputs, args.seed, progress=lambda what: print(f"fuzz: {what}", flush=True)
    )
    summary = report.as_dict()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"fuzz (seed {args.seed}): {summary['inputs']:,} inputs in {summary['seconds']} s, "
        f"{len(report.crashes)} crashes, {len(report.lost)} lost-record findings; slowest "
        f"{summary['slowest_seconds_per_mb']} s/MB ({report.slowest_case}); inputs of 0.25 MB "
        f"or more at most {summary['slowest_seconds_per_mb_of_inputs_over_quarter_mb']} s/MB "
        f"({report.slowest_large_case})"
    )
    print_figures(report)
    for finding in report.crashes + report.lost:
        print(f"  {finding.way_in}: {finding.case[:80]!r}: {finding.problem[:300]}")
    print(f"written to {args.out}")
    return 1 if report.crashes or report.lost else 0


if __name__ == "__main__":
    raise SystemExit(main())
