"""An output that cannot be written (a full disk, a file over its size limit, a read-only file
system) ends every command that writes with one line on standard error naming the output, the
cause, what to do and what the output holds, exit code 3, and no half-written last row.

Through real subprocesses: on /dev/full (every write fails with ENOSPC), under a file size
limit (RLIMIT_FSIZE: writes fail with EFBIG part-way, no root needed) and, as root, on a small
tmpfs that fills part-way through the stream."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from farmscore.cli import common as cli_common
from farmscore.cli.common import EXIT_WRITE_FAILED
from tests.conftest import farm_text, substantive_text

resource = pytest.importorskip("resource", reason="file size limits need POSIX")

DEV_FULL = Path("/dev/full")
needs_dev_full = pytest.mark.skipif(not DEV_FULL.exists(), reason="no /dev/full (Linux only)")

# Records of about 1 KB of text, each a gate row of 3 to 5 KB.
N_RECORDS = 40

NO_SPACE = "No space left on device (errno 28)"
TOO_LARGE = "File too large (errno 27)"
FREE_SPACE = "free some space there, or write elsewhere, and run again"
RESULTS = ("results.parquet", "results.csv")


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(7)
    path = tmp_path_factory.mktemp("input") / "records.jsonl"
    lines = [
        json.dumps({"id": f"r{i}", "text": farm_text(rng) if i % 2 else substantive_text(rng)})
        for i in range(N_RECORDS)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def farmscore(
    *args: str | Path,
    stdout: Path | None = None,
    append: bool = False,
    size_limit: int | None = None,
    unbuffered: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run the command line with standard output into `stdout` (appended to with `append`),
    each file it writes limited to `size_limit` bytes."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"

    def limit_file_size() -> None:
        if size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (size_limit, size_limit))

    # Opened as a shell's `>` and `>>` open it: `>>` does not move to the end, the writes do.
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    out = os.open(stdout, flags) if stdout is not None else subprocess.DEVNULL
    try:
        return subprocess.run(
            [sys.executable, "-m", "farmscore", *map(str, args)],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            preexec_fn=limit_file_size,
            timeout=300,
        )
    finally:
        if stdout is not None:
            os.close(out)


def the_error_line(done: subprocess.CompletedProcess[str]) -> str:
    """The one line on standard error, after checking that it is the only one."""
    assert done.returncode == EXIT_WRITE_FAILED, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("farmscore: error: cannot write "), lines[0]
    return lines[0]


def complete_rows_said(line: str) -> int:
    """The number of complete rows the error line says the output holds."""
    found = re.search(r"([\d,]+) complete (?:line|row)s? went to it, and it ends on", line)
    assert found is not None, line
    return int(found.group(1).replace(",", ""))


def routed_said(line: str) -> dict[str, int]:
    found = re.search(r"routed before it: (\d+) accepted, (\d+) rejected, (\d+) errors", line)
    assert found is not None, line
    return dict(zip(("accepted", "rejected", "errors"), map(int, found.groups()), strict=True))


def jsonl_lines(path: Path) -> list[dict[str, object]]:
    """Every line of `path`, each a complete JSON object; the file ends on a line break."""
    data = path.read_bytes()
    assert data == b"" or data.endswith(b"\n"), f"{path} ends in a partial line: {data[-80:]!r}"
    return [json.loads(line) for line in data.splitlines()]


# ---- /dev/full: every write fails ----------------------------------------------------------


@needs_dev_full
def test_gate_accept_on_a_full_device_is_one_line_naming_it(
    records: Path, tiny_model_dir: Path, tmp_path: Path
) -> None:
    done = farmscore(
        "gate",
        records,
        "--model",
        tiny_model_dir,
        "--accept",
        DEV_FULL,
        "--reject",
        tmp_path / "rejected.jsonl",
        "--errors",
        tmp_path / "errors.jsonl",
    )
    line = the_error_line(done)
    assert line.startswith(f"farmscore: error: cannot write {DEV_FULL}: {NO_SPACE}; {FREE_SPACE}; ")
    assert "no complete line went to it" in line  # a device cannot be cut back: it says so
    routed = routed_said(line)
    assert routed["accepted"] == 0
    assert len(jsonl_lines(tmp_path / "rejected.jsonl")) == routed["rejected"]


@needs_dev_full
@pytest.mark.parametrize(
    "command",
    [
        ["gate", "--reject", "/dev/null", "--errors", "/dev/null"],
        ["score", "--format", "jsonl"],
        ["score", "--format", "csv"],
        ["score", "--format", "json"],
        ["score", "--format", "table"],
        ["features", "--format", "jsonl"],
        ["features", "--format", "csv"],
        ["features", "--format", "table"],
    ],
    ids=" ".join,
)
def test_standard_output_on_a_full_device_is_one_line_and_exit_3(
    records: Path, tiny_model_dir: Path, command: list[str]
) -> None:
    model = ["--model", str(tiny_model_dir)] if command[0] != "features" else []
    done = farmscore(*command, *model, records, stdout=DEV_FULL)
    line = the_error_line(done)
    assert line.startswith(f"farmscore: error: cannot write standard output: {NO_SPACE}; ")


@needs_dev_full
def test_audit_whose_table_cannot_be_printed_says_so_after_writing_its_files(
    records: Path, tiny_model_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "audit"
    done = farmscore(
        "audit", records, "--out", out, "--model", tiny_model_dir, "--jobs", "1", stdout=DEV_FULL
    )
    assert done.returncode == EXIT_WRITE_FAILED, done.stderr
    assert "Traceback" not in done.stderr
    wrote, failed = done.stderr.splitlines()
    assert wrote.startswith("farmscore: wrote ")
    assert failed.startswith(f"farmscore: error: cannot write standard output: {NO_SPACE}")
    assert {path.name for path in out.iterdir()} == {
        "results.parquet",
        "results.csv",
        "report.html",
    }


def test_audit_whose_json_summary_cannot_be_printed_names_it(
    records: Path, tiny_model_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "audit"
    done = farmscore(
        "audit", records, "--out", out, "--model", tiny_model_dir, "--jobs", "1",
        "--format", "json", stdout=DEV_FULL,
    )  # fmt: skip
    assert done.returncode == EXIT_WRITE_FAILED, done.stderr
    _, failed = done.stderr.splitlines()
    assert failed.startswith(f"farmscore: error: cannot write standard output: {NO_SPACE}")
    assert "no complete JSON summary went to it" in failed


# ---- a file size limit: writes fail part-way, no root needed ----------------------------------


def test_gate_output_over_its_size_limit_is_cut_back_to_its_last_complete_row(
    records: Path, tiny_model_dir: Path, tmp_path: Path
) -> None:
    accept = tmp_path / "accepted.jsonl"
    done = farmscore(
        "gate",
        records,
        "--model",
        tiny_model_dir,
        "--accept",
        accept,
        "--reject",
        "/dev/null",
        "--errors",
        "/dev/null",
        size_limit=20_000,
    )
    line = the_error_line(done)
    assert line.startswith(f"farmscore: error: cannot write {accept}: {TOO_LARGE}; ")
    rows = jsonl_lines(accept)
    assert 0 < len(rows) < N_RECORDS
    assert complete_rows_said(line) == len(rows) == routed_said(line)["accepted"]


@pytest.mark.parametrize("unbuffered", [True, False], ids=["unbuffered", "buffered"])
def test_score_jsonl_redirected_over_the_limit_ends_on_a_complete_line(
    records: Path, tiny_model_dir: Path, tmp_path: Path, unbuffered: bool
) -> None:
    # Unbuffered (PYTHONUNBUFFERED=1), standard output takes part of a write and drops the rest
    # without a word, unless the writer carries on.
    out = tmp_path / "scores.jsonl"
    done = farmscore(
        "score",
        "--format",
        "jsonl",
        "--model",
        tiny_model_dir,
        records,
        stdout=out,
        size_limit=10_000,
        unbuffered=unbuffered,
    )
    line = the_error_line(done)
    assert line.startswith(f"farmscore: error: cannot write standard output: {TOO_LARGE}; ")
    rows = jsonl_lines(out)
    assert complete_rows_said(line) == len(rows) > 0


def test_score_csv_redirected_over_the_limit_ends_on_a_complete_row(
    records: Path, tiny_model_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "scores.csv"
    done = farmscore(
        "score",
        "--format",
        "csv",
        "--model",
        tiny_model_dir,
        records,
        stdout=out,
        size_limit=3_000,
    )
    line = the_error_line(done)
    data = out.read_bytes().decode("utf-8")
    assert data.endswith("\r\n")
    table = list(csv.reader(io.StringIO(data)))
    assert table[0][:2] == ["id", "score"]
    assert all(len(row) == len(table[0]) for row in table)
    assert complete_rows_said(line) == len(table) > 1


def test_appending_to_a_file_keeps_what_it_held_and_no_part_of_the_failed_line(
    records: Path, tiny_model_dir: Path, tmp_path: Path
) -> None:
    # `>>`: the file position is 0 until the first write, which goes to the end all the same.
    out = tmp_path / "scores.jsonl"
    before = b'{"id": "from an earlier run"}\n' * 10
    out.write_bytes(before)
    done = farmscore(
        "score",
        "--format",
        "jsonl",
        "--model",
        tiny_model_dir,
        records,
        stdout=out,
        append=True,
        size_limit=len(before) + 100,
    )
    line = the_error_line(done)
    assert line.endswith("; no part of the line was kept")
    assert out.read_bytes() == before


# ---- a small tmpfs that fills mid-stream: root only --------------------------------------------


@contextlib.contextmanager
def mounted_tmpfs(folder: Path, size: str, read_only: bool = False) -> Iterator[Path]:
    """A tmpfs of `size` mounted on `folder`, unmounted on the way out; the test is skipped
    when this process may not mount one."""
    if os.geteuid() != 0:
        pytest.skip(f"mounting a small tmpfs needs root (this runs as uid {os.geteuid()})")
    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip() or mounted.returncode}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.fixture
def full_soon(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs: a gate's outputs fill it after a dozen rows or so."""
    with mounted_tmpfs(tmp_path / "tmpfs", "64k") as folder:
        yield folder


def fill(folder: Path, leave: int) -> None:
    """Fill `folder`'s file system until about `leave` bytes are free."""
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    (folder / "filler").write_bytes(b"\0" * max(0, free - leave))


def test_gate_outputs_on_a_disk_that_fills_end_on_complete_rows_that_the_line_counts(
    records: Path, tiny_model_dir: Path, full_soon: Path
) -> None:
    outputs = {name: full_soon / f"{name}.jsonl" for name in ("accept", "reject", "errors")}
    options = [value for name, path in outputs.items() for value in (f"--{name}", str(path))]
    done = farmscore("gate", records, "--model", tiny_model_dir, *options)
    line = the_error_line(done)
    assert f": {NO_SPACE}; {FREE_SPACE}; " in line
    rows = {name: jsonl_lines(path) for name, path in outputs.items()}
    routed = routed_said(line)
    assert len(rows["accept"]) == routed["accepted"]
    assert len(rows["reject"]) == routed["rejected"]
    assert len(rows["errors"]) == routed["errors"] == 0
    assert 0 < routed["accepted"] + routed["rejected"] < N_RECORDS
    failed = next(path for path in outputs.values() if f"cannot write {path}:" in line)
    assert complete_rows_said(line) == len(jsonl_lines(failed))


def test_score_redirected_to_a_disk_that_fills_ends_on_a_complete_line(
    records: Path, tiny_model_dir: Path, full_soon: Path
) -> None:
    fill(full_soon, leave=12_000)
    out = full_soon / "scores.jsonl"
    done = farmscore("score", "--format", "jsonl", "--model", tiny_model_dir, records, stdout=out)
    line = the_error_line(done)
    assert line.startswith(f"farmscore: error: cannot write standard output: {NO_SPACE}; ")
    assert complete_rows_said(line) == len(jsonl_lines(out)) > 0


def test_features_table_on_a_disk_that_fills_leaves_no_part_of_it(
    records: Path, full_soon: Path
) -> None:
    fill(full_soon, leave=4_096)
    out = full_soon / "features.txt"
    done = farmscore("features", records, stdout=out)
    line = the_error_line(done)
    assert line.endswith(f"{NO_SPACE}; {FREE_SPACE}; no part of the table was kept")
    assert out.read_bytes() == b""


def test_audit_on_a_disk_that_fills_changes_nothing_and_names_the_results(
    records: Path, tiny_model_dir: Path, full_soon: Path
) -> None:
    out = full_soon / "audit"
    done = farmscore("audit", records, "--out", out, "--model", tiny_model_dir, "--jobs", "1")
    line = the_error_line(done)
    assert line.startswith(f"farmscore: error: cannot write {out / 'results.parquet'}: {NO_SPACE}")
    assert line.endswith(
        "; the results there were left as they were, and the temporary files removed"
    )
    assert list(out.iterdir()) == []


def test_an_output_on_a_read_only_file_system_is_exit_3_not_a_usage_error(
    records: Path, tiny_model_dir: Path, tmp_path: Path
) -> None:
    with mounted_tmpfs(tmp_path / "read-only", "64k", read_only=True) as folder:
        accept = folder / "accepted.jsonl"
        done = farmscore("gate", records, "--model", tiny_model_dir, "--accept", accept)
    line = the_error_line(done)
    assert line == (
        f"farmscore: error: cannot write --accept {accept}: Read-only file system (errno 30); "
        "the file system is read-only; write elsewhere and run again; nothing was written"
    )


def test_audit_whose_report_does_not_fit_keeps_the_complete_results_and_names_the_report(
    records: Path, tiny_model_dir: Path, tmp_path: Path
) -> None:
    # Sized on a first audit: room for the results and not for the report beside them.
    measured = tmp_path / "measured"
    first = farmscore("audit", records, "--out", measured, "--model", tiny_model_dir, "--jobs", "1")
    assert first.returncode == 0, first.stderr
    pages = sum(-(-(measured / name).stat().st_size // 4096) for name in RESULTS)
    with mounted_tmpfs(tmp_path / "tmpfs", "1m") as folder:
        fill(folder, leave=(pages + 2) * 4096)
        out = folder / "audit"
        done = farmscore("audit", records, "--out", out, "--model", tiny_model_dir, "--jobs", "1")
        line = the_error_line(done)
        assert line.startswith(f"farmscore: error: cannot write {out / 'report.html'}: {NO_SPACE}")
        assert "it was left as it was" in line
        assert sorted(path.name for path in out.iterdir()) == sorted(RESULTS)
        assert (out / "results.csv").read_bytes() == (measured / "results.csv").read_bytes()


# Where a message on standard error begins: a log record ("2026-12-07 22:52:09,123 -
# distributed.worker - ERROR - ...") or farmscore's own line.
MESSAGE_START = re.compile(r"^(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - |farmscore:)", re.M)
HEARTBEAT_LOST = (
    "distributed.worker - ERROR - Failed to communicate with scheduler during heartbeat."
)


# Where farmscore's own code lies: a traceback with a frame in it is farmscore's.
PACKAGE_FOLDER = f'File "{Path(cli_common.__file__).parents[1]}{os.sep}'


def without_heartbeats_lost_at_shutdown(stderr: str) -> str:
    """`stderr` without the records, traceback and all, of a worker whose heartbeat was in
    flight as the local cluster closed: a known race of Dask's own shutdown
    (dask/distributed#7105; 3 of 135 runs here), not farmscore's error path. A record runs to
    the next one, so a traceback of farmscore's printed right after it would fall inside it:
    a record with a frame in farmscore's code is kept."""
    starts = [match.start() for match in MESSAGE_START.finditer(stderr)]
    ends = [*starts[1:], len(stderr)]
    messages = [stderr[start:end] for start, end in zip(starts, ends, strict=True)]
    kept = [
        message
        for message in messages
        if HEARTBEAT_LOST not in message.partition("\n")[0] or PACKAGE_FOLDER in message
    ]
    return stderr[: starts[0] if starts else len(stderr)] + "".join(kept)


def test_the_heartbeat_filter_drops_dasks_record_and_keeps_a_farmscore_traceback_after_it() -> None:
    dask_frame = str(Path(os.sep, "venv", "site-packages", "distributed", "worker.py"))
    farmscore_frame = str(Path(cli_common.__file__).with_name("audit_command.py"))
    ours = f'Traceback (most recent call last):\n  File "{farmscore_frame}", line 9\nKeyError: 1\n'
    heartbeat = (
        f"2026-12-07 22:52:09,123 - {HEARTBEAT_LOST}\n"
        "Traceback (most recent call last):\n"
        f'  File "{dask_frame}", line 1, in heartbeat\n'
        "OSError: Timed out\n"
    )
    assert without_heartbeats_lost_at_shutdown(heartbeat + "farmscore: error: x\n") == (
        "farmscore: error: x\n"
    )
    assert "KeyError" in without_heartbeats_lost_at_shutdown(heartbeat + ours)


def test_a_distributed_audit_on_a_disk_that_fills_changes_nothing_and_names_the_results(
    records: Path, tiny_model_dir: Path, full_soon: Path
) -> None:
    pytest.importorskip("distributed")
    out = full_soon / "audit"
    done = farmscore(
        "audit",
        records,
        "--out",
        out,
        "--model",
        tiny_model_dir,
        "--engine",
        "dask",
        "--jobs",
        "1",
        "--partition-size",
        "10",
    )
    # Distributed may log a warning for the tasks still in flight as the cluster closes.
    assert done.returncode == EXIT_WRITE_FAILED, done.stderr
    assert "Traceback" not in without_heartbeats_lost_at_shutdown(done.stderr)
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("farmscore:")]
    assert re.match(
        rf"farmscore: error: cannot write {out}/results\.(parquet|csv): {re.escape(NO_SPACE)}", line
    ), line
    assert line.endswith(
        "; the results there were left as they were, and the temporary files removed"
    )
    assert list(out.iterdir()) == []
