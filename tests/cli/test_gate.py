"""`farmscore gate` through CliRunner and a real subprocess: nothing lost, exit codes, feeds,
thresholds, workers, and a stream that is read and written as it flows."""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from farmscore.cli import app
from farmscore.reading.settings import MAX_DOCUMENT_BYTES
from farmscore.scoring import BATCH_SIZE
from tests.conftest import farm_text, shared_path, substantive_text

runner = CliRunner()


def gate_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "farmscore", "gate", *args]


def invoke(*args: str, stdin: bytes | None = None) -> Result:
    return runner.invoke(app, ["gate", *args], input=stdin)


def jsonl_rows(data: str | bytes) -> list[dict[str, object]]:
    return [json.loads(line) for line in data.splitlines() if line.strip()]


def record(record_id: str, text: str, **fields: object) -> bytes:
    return json.dumps({"id": record_id, "text": text, **fields}).encode()


def good_records(n: int, seed: int = 11) -> tuple[list[bytes], dict[str, str]]:
    rng = random.Random(seed)
    kinds = {f"g{i}": "farm" if i % 2 else "news" for i in range(n)}
    lines = [
        record(i, farm_text(rng) if kind == "farm" else substantive_text(rng), n=n_)
        for n_, (i, kind) in enumerate(kinds.items())
    ]
    return lines, kinds


def mixed_stream() -> tuple[bytes, dict[str, str], dict[int, str]]:
    """Good farm and news records with every kind of bad line among them: the stream, the
    kind of each good id, and the expected error of each bad line (by line number)."""
    good, kinds = good_records(18)
    oversized = b'{"id": "huge", "text": "' + b"word " * (MAX_DOCUMENT_BYTES // 5 + 10) + b'"}'
    bad = {
        b'{"id": "bad-json", "text": ': "not valid JSON",
        b'[{"id": "array", "text": "in a list"}]': "a JSON list",
        b'{"id": "no-text", "title": "T"}': "no text or html field",
        b'{"id": "empty", "text": ""}': "the text has no words",
        b'{"id": "marks", "text": "!!!! ???"}': "the text has no words",
        b'{"id": "latin1", "text": "caf\xe9"}': "not UTF-8",
        oversized: "over the 10,000,000-byte limit",
        b"[" * 100_000: "nested deeper than the JSON reader follows",
        b'{"id": "long-int", "text": "Rain.", "n": ' + b"9" * 5_000 + b"}": "integer string",
    }
    lines: list[bytes] = []
    errors: dict[int, str] = {}
    for position, line in enumerate(good):
        lines.append(line)
        if position % 2 == 1 and bad:
            raw, error = next(iter(bad.items()))
            del bad[raw]
            lines.append(raw)
            errors[len(lines)] = error
    lines.insert(4, b"   ")  # blank lines are not records
    errors = {(n + 1 if n > 4 else n): e for n, e in errors.items()}
    return b"\n".join(lines) + b"\n", kinds, errors


# ---- through a real subprocess ----------------------------------------------------------


def gate_to_files(
    source: Path, model: Path, jobs: str, out: Path
) -> tuple[subprocess.CompletedProcess[bytes], Path, Path, Path]:
    """Run gate in a subprocess on `source`, writing accept, reject and errors files named
    for `jobs` under `out`: the process and the three paths."""
    accept, reject, errors = (out / f"{name}{jobs}.jsonl" for name in ("a", "r", "e"))
    done = subprocess.run(
        gate_argv(
            str(source),
            "--model",
            str(model),
            "--jobs",
            jobs,
            "--accept",
            str(accept),
            "--reject",
            str(reject),
            "--errors",
            str(errors),
        ),
        capture_output=True,
        timeout=300,
        check=False,
    )
    return done, accept, reject, errors


def test_nothing_is_lost_and_order_is_kept_through_a_subprocess(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    data, kinds, expected_errors = mixed_stream()
    source = tmp_path / "in.jsonl"
    source.write_bytes(data)
    done, accept, reject, errors = gate_to_files(source, tiny_model_dir, "1", tmp_path)
    assert done.returncode == 1, done.stderr
    accepted, rejected = jsonl_rows(accept.read_bytes()), jsonl_rows(reject.read_bytes())
    error_rows = jsonl_rows(errors.read_bytes())
    n_records = len(kinds) + len(expected_errors)
    assert len(accepted) + len(rejected) + len(error_rows) == n_records
    assert done.stderr.decode().strip().splitlines()[-1] == (
        f"farmscore gate: {n_records} read, {len(accepted)} accepted, "
        f"{len(rejected)} rejected, {len(error_rows)} errors"
    )
    # Every good id exactly once, farm ones rejected, each output in input order.
    ids = [row["id"] for row in accepted + rejected]
    assert sorted(map(str, ids)) == sorted(kinds)
    assert {row["id"] for row in rejected} == {i for i, k in kinds.items() if k == "farm"}
    for rows in (accepted, rejected):
        assert [row["n"] for row in rows] == sorted(int(str(row["n"])) for row in rows)
        assert all(isinstance(row["farmscore"], dict) for row in rows)
    # Errors name their line and carry the raw line, in order.
    assert [row["line"] for row in error_rows] == sorted(expected_errors)
    input_lines = data.split(b"\n")
    for row in error_rows:
        number = int(str(row["line"]))
        assert expected_errors[number] in str(row["error"])
        raw_line = input_lines[number - 1].decode("utf-8", errors="replace")
        if row.get("raw_truncated"):
            assert row["raw"] == raw_line[:1_000]
            assert int(str(row["raw_bytes"])) > MAX_DOCUMENT_BYTES
        else:
            assert row["raw"] == raw_line


def test_output_appears_while_the_input_is_still_open(tiny_model_dir: Path) -> None:
    good, _ = good_records(BATCH_SIZE + 6, seed=3)
    process = subprocess.Popen(
        gate_argv("--model", str(tiny_model_dir), "--drop-rejected"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,  # raw pipes: bytes read here are not hidden in a buffer from communicate()
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        # One full batch and no end of input: the first rows must come out anyway.
        process.stdin.write(b"\n".join(good[:BATCH_SIZE]) + b"\n")
        process.stdin.flush()
        received = b""
        while b"\n" not in received:
            ready, _, _ = select.select([process.stdout], [], [], 120)
            assert ready, "no output within 120 s although a whole batch was written"
            chunk = os.read(process.stdout.fileno(), 1 << 16)
            assert chunk, process.stderr.read() if process.stderr else ""
            received += chunk
        first_line, _, leftover = received.partition(b"\n")
        first = json.loads(first_line)
        assert first["id"] == "g0"
        assert process.poll() is None, "the gate ended before its input did"
        out, _ = process.communicate(b"\n".join(good[BATCH_SIZE:]) + b"\n", timeout=120)
        assert process.returncode == 0
        rest = jsonl_rows(leftover + out)
        assert [row["id"] for row in [first, *rest]] == [f"g{i}" for i in range(0, 70, 2)]
    finally:
        process.kill()
        process.wait()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_few_records_and_a_pause_are_answered_without_waiting_for_a_batch(
    tiny_model_dir: Path, jobs: str
) -> None:
    # A feed that sends five records and then nothing: their rows must not wait for 64 more.
    good, _ = good_records(5, seed=5)
    process = subprocess.Popen(
        gate_argv("--model", str(tiny_model_dir), "--drop-rejected", "--jobs", jobs),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        process.stdin.write(b"\n".join(good) + b"\n")
        process.stdin.flush()
        received = b""
        while received.count(b"\n") < 3:  # the substantive ones of the five
            ready, _, _ = select.select([process.stdout], [], [], 120)
            assert ready, "no row within 120 s of a pause"
            chunk = os.read(process.stdout.fileno(), 1 << 16)
            assert chunk, process.stderr.read() if process.stderr else ""
            received += chunk
        assert process.poll() is None, "the gate ended before its input did"
        assert [row["id"] for row in jsonl_rows(received)] == ["g0", "g2", "g4"]
        out, _ = process.communicate(b"", timeout=120)
        assert process.returncode == 0
        assert out == b""
    finally:
        process.kill()
        process.wait()


def test_a_reader_that_stops_early_ends_the_gate_quietly(tiny_model_dir: Path) -> None:
    good, _ = good_records(BATCH_SIZE * 6, seed=4)
    process = subprocess.Popen(
        gate_argv("--model", str(tiny_model_dir), "--drop-rejected"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    assert process.stderr is not None

    def feed() -> None:
        assert process.stdin is not None
        try:
            process.stdin.write(b"\n".join(good) + b"\n")
            process.stdin.close()
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        assert json.loads(process.stdout.readline())["id"] == "g0"
        process.stdout.close()  # like `| head -1`
        code = process.wait(timeout=120)
        stderr = process.stderr.read().decode()
        assert code == 1
        assert "Traceback" not in stderr
        assert "BrokenPipeError" not in stderr
    finally:
        process.kill()
        process.wait()
        writer.join(timeout=10)


def test_two_workers_write_what_one_writes(tiny_model_dir: Path, tmp_path: Path) -> None:
    good, _ = good_records(BATCH_SIZE * 2 + 9, seed=6)
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join([*good[:5], b"{broken", *good[5:]]) + b"\n")
    outputs = []
    for jobs in ("1", "2"):
        done, accept, reject, errors = gate_to_files(source, tiny_model_dir, jobs, tmp_path)
        assert done.returncode == 1, done.stderr
        outputs.append((accept.read_bytes(), reject.read_bytes(), errors.read_bytes()))
    assert outputs[0] == outputs[1]
    assert len(jsonl_rows(outputs[0][0])) + len(jsonl_rows(outputs[0][1])) == len(good)


# ---- through CliRunner ------------------------------------------------------------------


def test_stdin_to_stdout_with_errors_on_stderr(tiny_model_dir: Path) -> None:
    good, kinds = good_records(6)
    stream = b"\n".join([good[0], b"not json", *good[1:]]) + b"\n"
    result = invoke("--model", str(tiny_model_dir), "--drop-rejected", stdin=stream)
    assert result.exit_code == 1, result.output
    accepted = jsonl_rows(result.stdout)
    assert [row["id"] for row in accepted] == [i for i, k in kinds.items() if k == "news"]
    *error_lines, summary = result.stderr.strip().splitlines()
    assert [json.loads(line) for line in error_lines] == [
        {"line": 2, "raw": "not json", "error": "not valid JSON: Expecting value at column 1"}
    ]
    assert summary == "farmscore gate: 7 read, 3 accepted, 3 rejected (dropped), 1 errors"


def test_a_clean_stream_exits_zero(tiny_model_dir: Path, tmp_path: Path) -> None:
    good, _ = good_records(4)
    reject = tmp_path / "rejected.jsonl"
    result = invoke(
        "-", "--model", str(tiny_model_dir), "--reject", str(reject), stdin=b"\n".join(good)
    )
    assert result.exit_code == 0, result.output
    assert len(jsonl_rows(result.stdout)) == 2
    assert len(jsonl_rows(reject.read_bytes())) == 2


@pytest.mark.parametrize(("threshold", "accepted"), [("0", 0), ("1.0", 6)])
def test_threshold_zero_rejects_everything_and_one_accepts_everything(
    tiny_model_dir: Path, tmp_path: Path, threshold: str, accepted: int
) -> None:
    good, _ = good_records(6, seed=8)
    reject = tmp_path / "r.jsonl"
    result = invoke(
        "--model",
        str(tiny_model_dir),
        "--threshold",
        threshold,
        "--reject",
        str(reject),
        stdin=b"\n".join(good),
    )
    assert result.exit_code == 0, result.output
    assert len(jsonl_rows(result.stdout)) == accepted
    assert len(jsonl_rows(reject.read_bytes())) == 6 - accepted
    rows = jsonl_rows(result.stdout) + jsonl_rows(reject.read_bytes())
    assert {row["farmscore"]["threshold"] for row in rows} == {float(threshold)}  # type: ignore[index]


def usage_cases(model: Path, tmp: Path) -> list[tuple[list[str], str]]:
    source = tmp / "in.jsonl"
    source.write_bytes(b'{"text": "a"}\n')
    hard_link, symbolic_link = tmp / "hard.jsonl", tmp / "symbolic.jsonl"
    os.link(source, hard_link)
    symbolic_link.symlink_to(source)
    return [
        ([str(source), "--model", str(model), "--reject", "r", "--drop-rejected"], "not both"),
        ([str(source), "--model", str(tmp / "absent"), "--drop-rejected"], str(tmp / "absent")),
        ([str(tmp / "missing.jsonl"), "--model", str(model), "--drop-rejected"], "cannot read"),
        ([str(tmp), "--model", str(model), "--drop-rejected"], "cannot read"),
        (
            [str(source), "--model", str(model), "--reject", "x", "--errors", "./x"],
            "same file",
        ),
        ([str(source), "--model", str(model), "--drop-rejected", "--accept", str(source)], "same"),
        # A hard link is the input under another name: writing it would empty the input.
        ([str(source), "--model", str(model), "--accept", str(hard_link)], "same file as INPUT"),
        ([str(source), "--model", str(model), "--errors", str(symbolic_link)], "same file"),
        ([str(source), "--model", str(model), "--drop-rejected", "--jobs", "0"], "--jobs"),
        (
            [str(source), "--model", str(model), "--drop-rejected", "--threshold", "1.5"],
            "--threshold",
        ),
        (
            [str(source), "--model", str(model), "--drop-rejected", "--errors", "no/dir/e"],
            "cannot write --errors",
        ),
    ]


def test_usage_errors_exit_two_with_a_message_and_leave_the_input_alone(
    tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for args, message in usage_cases(tiny_model_dir, tmp_path):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        output = " ".join(result.output.replace("│", " ").split())
        assert message in output, (args, output)
    assert (tmp_path / "in.jsonl").read_bytes() == b'{"text": "a"}\n'


def test_devices_may_take_several_outputs(tiny_model_dir: Path) -> None:
    good, _ = good_records(2)
    result = invoke(
        "--model",
        str(tiny_model_dir),
        "--reject",
        os.devnull,
        "--errors",
        os.devnull,
        stdin=b"\n".join([*good, b"{bad"]),
    )
    assert result.exit_code == 1, result.output
    assert [row["id"] for row in jsonl_rows(result.stdout)] == ["g0"]
    assert result.stderr.strip() == "farmscore gate: 3 read, 1 accepted, 1 rejected, 1 errors"


def test_a_json_feed_is_gated_item_by_item(tiny_model_dir: Path, tmp_path: Path) -> None:
    rng = random.Random(9)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Test feed",
        "items": [
            {"id": "1", "url": "https://f.example/1", "content_text": substantive_text(rng)},
            {"id": "2", "url": "https://f.example/2", "content_html": f"<p>{farm_text(rng)}</p>"},
            {"id": "3", "url": "https://f.example/3"},
        ],
    }
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed, indent=2), encoding="utf-8")
    reject, errors = tmp_path / "r.jsonl", tmp_path / "e.jsonl"
    result = invoke(
        str(path),
        "--model",
        str(tiny_model_dir),
        "--reject",
        str(reject),
        "--errors",
        str(errors),
    )
    assert result.exit_code == 1, result.output
    (accepted,) = jsonl_rows(result.stdout)
    (rejected,) = jsonl_rows(reject.read_bytes())
    (error,) = jsonl_rows(errors.read_bytes())
    assert (accepted["id"], accepted["feed"], accepted["content_field"]) == (
        "https://f.example/1",
        "Test feed",
        "content",
    )
    assert rejected["link"] == "https://f.example/2"
    assert "html" in rejected
    assert (error["item"], error["line"]) == (3, None)


@pytest.mark.shared
def test_real_xml_feeds_are_gated_with_nothing_lost(tiny_model_dir: Path) -> None:
    folder = shared_path("feeds")
    for path in sorted(folder.glob("*.rss")) + sorted(folder.glob("*.atom")):
        result = invoke(str(path), "--model", str(tiny_model_dir), "--drop-rejected")
        assert result.exit_code in (0, 1), (path.name, result.output)
        *errors, summary = result.stderr.strip().splitlines()
        read, accepted, rejected, n_errors = (
            int(part.split()[0]) for part in summary.split(": ")[1].split(", ")
        )
        assert read == accepted + rejected + n_errors > 0, path.name
        assert len(jsonl_rows(result.stdout)) == accepted
        assert len(errors) == n_errors
        assert (result.exit_code == 1) == (n_errors > 0)


def test_without_reject_the_rejected_records_go_to_standard_error(tiny_model_dir: Path) -> None:
    good, _ = good_records(10, seed=8)
    command = gate_argv("--model", str(tiny_model_dir))
    result = subprocess.run(
        command, input=b"\n".join(good) + b"\n", capture_output=True, check=False
    )
    assert result.returncode == 0, result.stderr
    accepted = jsonl_rows(result.stdout)
    *rejected_lines, summary = result.stderr.decode().strip().splitlines()
    rejected = [json.loads(line) for line in rejected_lines]
    assert all(row["farmscore"]["label"] == "content_farm" for row in rejected)  # type: ignore[index]
    assert len(accepted) + len(rejected) == 10
    assert summary.startswith("farmscore gate: 10 read")


def test_the_help_states_the_limits_and_the_reject_rule() -> None:
    result = invoke("--help")
    text = " ".join(result.output.split())
    assert f"{MAX_DOCUMENT_BYTES:,} bytes" in text
    assert "50,000,000 bytes" in text
    assert "--drop-rejected" in text
    assert "standard error" in text


def test_plain_text_is_refused_as_no_stream_of_records_and_outputs_are_untouched(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "article.txt"
    source.write_text(substantive_text(random.Random(1)), encoding="utf-8")
    accept = tmp_path / "accept.jsonl"
    accept.write_text("earlier results\n", encoding="utf-8")
    result = invoke(str(source), "--model", str(tiny_model_dir), "--accept", str(accept))
    assert result.exit_code == 2
    assert "neither JSONL" in result.output
    assert "use farmscore score" in result.output
    assert accept.read_text(encoding="utf-8") == "earlier results\n"
    # A JSONL stream whose first lines are broken is still a stream: its bad lines are errors.
    broken_first = b"not json\n[1]\n" + record("ok", substantive_text(random.Random(2))) + b"\n"
    result = invoke("--model", str(tiny_model_dir), "--drop-rejected", stdin=broken_first)
    assert result.exit_code == 1
    assert "2 errors" in result.output


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_a_wide_feed_with_a_byte_order_mark_is_read_as_a_feed(
    tiny_model_dir: Path, codec: str
) -> None:
    feed = (shared_path("feeds") / "guardian.rss").read_text(encoding="utf-8")
    utf8 = invoke("--model", str(tiny_model_dir), "--drop-rejected", stdin=feed.encode())
    wide = invoke("--model", str(tiny_model_dir), "--drop-rejected", stdin=feed.encode(codec))
    assert utf8.exit_code == wide.exit_code == 0
    assert utf8.output.splitlines()[-1] == wide.output.splitlines()[-1]
    assert "farmscore gate: 55 read" in wide.output


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_gate_leaves_no_worker_process_behind(
    tiny_model_dir: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    psutil = pytest.importorskip("psutil")
    lines, _ = good_records(600)
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    argv = gate_argv(str(source), "--model", str(tiny_model_dir), "--jobs", "2")
    gate = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert gate.stdout is not None
    first_row = gate.stdout.readline()  # scoring has started in the workers
    children = psutil.Process(gate.pid).children(recursive=True)
    assert first_row
    assert len(children) >= 2, "expected the worker processes of --jobs 2"
    gate.send_signal(stop)
    assert gate.wait(timeout=60) == 128 + stop
    _, stderr = gate.communicate(timeout=10)
    psutil.wait_procs(children, timeout=10)
    assert [c.pid for c in children if c.is_running() and c.status() != "zombie"] == []
    assert b"Traceback" not in stderr
    assert b"Warning" not in stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_record_nested_past_the_limit_is_an_error_row_and_the_stream_goes_on(
    tiny_model_dir: Path, tmp_path: Path, jobs: str
) -> None:
    # Nested 985 levels, a record the standard parser reads but its writer could not write
    # back: it used to stop the gate with a traceback and lose every later record.
    good, _ = good_records(4)
    deep = b'{"id": "deep", "text": "Rain.", "extra": ' + b"[" * 984 + b"]" * 984 + b"}"
    within = b'{"id": "within", "text": "Rain.", "extra": ' + b"[" * 499 + b"]" * 499 + b"}"
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join([good[0], deep, good[1], within, *good[2:]]) + b"\n")
    done, accept, reject, errors = gate_to_files(source, tiny_model_dir, jobs, tmp_path)
    assert done.returncode == 1, done.stderr
    written = jsonl_rows(accept.read_bytes()) + jsonl_rows(reject.read_bytes())
    assert sorted(str(row["id"]) for row in written) == sorted(
        [*(str(json.loads(line)["id"]) for line in good), "within"]
    )
    [error] = jsonl_rows(errors.read_bytes())
    assert error["line"] == 2
    assert "nested more than 500 levels deep" in str(error["error"])
    assert b"farmscore gate: 6 read" in done.stderr


def test_an_output_that_is_the_file_redirected_to_standard_input_is_refused(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    good, _ = good_records(2)
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(good) + b"\n")
    os.link(source, tmp_path / "out.jsonl")
    with source.open("rb") as stdin:
        done = subprocess.run(
            gate_argv("--model", str(tiny_model_dir), "--accept", str(tmp_path / "out.jsonl")),
            stdin=stdin,
            capture_output=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 2, done.stderr
    assert b"same file as the file standard input reads" in done.stderr
    assert source.read_bytes() == b"\n".join(good) + b"\n"
