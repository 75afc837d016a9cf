"""`farmscore score`, `train` and `evaluate` round trips, through CliRunner and a subprocess,
and their errors for bad labels and untrustworthy models."""

from __future__ import annotations

import json
import os
import pty
import random
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from farmscore.model.card import MODEL_FILE_NAME
from farmscore.model.folder import read_card
from tests.conftest import farm_text, labelled_examples, shared_path, substantive_text

runner = CliRunner()


def invoke(*args: str, stdin: str | None = None) -> object:
    from farmscore.cli import app

    return runner.invoke(app, list(args), input=stdin)


@pytest.fixture
def labels_csv(tmp_path: Path) -> Path:
    rows = labelled_examples(30, seed=4)
    path = tmp_path / "labels.csv"
    labels = ["substantive" if label == 0 else "content_farm" for _, label in rows]
    pd.DataFrame({"text": [t for t, _ in rows], "label": labels}).to_csv(path, index=False)
    return path


def test_score_jsonl_rows_have_id_score_label_and_reasons(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    rng = random.Random(21)
    (tmp_path / "farm.txt").write_text(farm_text(rng), encoding="utf-8")
    (tmp_path / "news.txt").write_text(substantive_text(rng), encoding="utf-8")
    result = invoke("score", str(tmp_path), "--model", str(tiny_model_dir), "--format", "jsonl")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    rows = {r["id"]: r for r in map(json.loads, result.stdout.splitlines())}  # type: ignore[attr-defined]
    farm, news = rows[str(tmp_path / "farm.txt")], rows[str(tmp_path / "news.txt")]
    assert farm["label"] == "content_farm"
    assert news["label"] == "substantive"
    assert {"id", "score", "label", "reasons"} <= set(farm)
    reason = farm["reasons"][0]
    assert {"feature", "direction", "contribution", "evidence"} <= set(reason)
    spans = [span for r in farm["reasons"] for span in r["evidence"]]
    assert all(span["text"] for span in spans)


def test_score_threshold_flag_and_csv_and_json_formats(tiny_model_dir: Path) -> None:
    text = substantive_text(random.Random(1))
    csv_out = invoke("score", "-", "--model", str(tiny_model_dir), "--format", "csv", stdin=text)
    header, row = csv_out.stdout.splitlines()  # type: ignore[attr-defined]
    assert header == (
        "id,score,label,threshold,band,decided_by,machine,substance_percentile,tells,"
        "word_count,warnings,reasons"
    )
    assert row.startswith("-,")
    assert f",{len(text.split())}," in row
    strict = invoke(
        "score",
        "-",
        "--model",
        str(tiny_model_dir),
        "--format",
        "json",
        "--threshold",
        "0",
        stdin=text,
    )
    (row,) = json.loads(strict.stdout)  # type: ignore[attr-defined]
    assert row["label"] == "content_farm"
    assert row["threshold"] == 0


def test_train_then_evaluate_then_score_round_trip(labels_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    trained = invoke("train", str(labels_csv), "--out", str(out), "--kind", "logistic")
    assert trained.exit_code == 0, trained.output  # type: ignore[attr-defined]
    card = read_card(out)
    assert card.name == "mine"
    assert card.metrics["cross_validated"]["roc_auc"] > 0.9  # type: ignore[index]
    assert card.training_data[0].rows == 60

    evaluated = invoke("evaluate", str(labels_csv), "--model", str(out), "--format", "json")
    assert evaluated.exit_code == 0, evaluated.output  # type: ignore[attr-defined]
    report = json.loads(evaluated.stdout)  # type: ignore[attr-defined]
    assert report["metrics"]["roc_auc"] > 0.9
    matrix = report["confusion_matrix"]["rows_true_columns_predicted"]
    assert sum(map(sum, matrix)) == 60
    assert report["calibration"]

    table = invoke("evaluate", str(labels_csv), "--model", str(out))
    assert "confusion matrix" in table.stdout  # type: ignore[attr-defined]
    assert "calibration" in table.stdout  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({"text": ["a b c"] * 20, "label": ["substantive"] * 20}, "only one class"),
        ({"text": ["a b c"] * 4, "label": ["substantive", "content_farm"] * 2}, "too few"),
        ({"text": ["a b c"] * 2, "label": ["spam", "ham"]}, "unknown labels"),
        ({"body": ["a b c"] * 2, "label": ["0", "1"]}, "needs a 'label' column and a 'text'"),
    ],
)
def test_train_refuses_bad_labels_with_a_clear_message(
    tmp_path: Path, rows: dict[str, list[str]], message: str
) -> None:
    path = tmp_path / "bad.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    result = invoke("train", str(path), "--out", str(tmp_path / "m"))
    assert result.exit_code == 2
    assert message in result.stderr  # type: ignore[attr-defined]
    assert not (tmp_path / "m").exists()


def test_labels_accept_numbers_booleans_jsonl_and_parquet(tmp_path: Path) -> None:
    rows = labelled_examples(12, seed=9)
    frame = pd.DataFrame({"text": [t for t, _ in rows], "label": [bool(y) for _, y in rows]})
    frame.to_json(tmp_path / "labels.jsonl", orient="records", lines=True)
    frame.assign(label=[int(y) for _, y in rows]).to_parquet(tmp_path / "labels.parquet")
    result = invoke(
        "train",
        str(tmp_path / "labels.jsonl"),
        str(tmp_path / "labels.parquet"),
        "--out",
        str(tmp_path / "m"),
        "--kind",
        "logistic",
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    files = read_card(tmp_path / "m").training_data
    assert [(Path(f.file).name, f.rows) for f in files] == [
        ("labels.jsonl", 24),
        ("labels.parquet", 24),
    ]


def test_a_tampered_model_is_refused_before_loading(tiny_model_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "tampered"
    shutil.copytree(tiny_model_dir, copy)
    model_file = copy / MODEL_FILE_NAME
    data = bytearray(model_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model_file.write_bytes(bytes(data))
    result = invoke("score", "-", "--model", str(copy), stdin="Some text.")
    assert result.exit_code == 2
    assert "does not match its card" in result.stderr  # type: ignore[attr-defined]


def test_a_model_made_with_another_scikit_learn_is_refused(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "old"
    shutil.copytree(tiny_model_dir, copy)
    card = json.loads((copy / "model_card.json").read_text(encoding="utf-8"))
    card["versions"]["scikit-learn"] = "0.24.2"
    (copy / "model_card.json").write_text(json.dumps(card), encoding="utf-8")
    result = invoke("score", "-", "--model", str(copy), stdin="Some text.")
    assert result.exit_code == 2
    assert "0.24.2" in result.stderr  # type: ignore[attr-defined]


def test_score_in_a_real_subprocess_with_jobs(tiny_model_dir: Path, tmp_path: Path) -> None:
    rng = random.Random(5)
    lines = [json.dumps({"id": f"d{i}", "text": farm_text(rng)}) for i in range(5)]
    lines.insert(2, "{broken")
    command = [sys.executable, "-m", "farmscore", "score", "-", "--model", str(tiny_model_dir)]
    result = subprocess.run(
        [*command, "--format", "jsonl", "--jobs", "2"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [
        f"d{i}" for i in range(5)
    ]
    assert "-:3" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["score", "examples/"],
        ["evaluate", "labels.csv"],
        ["gate", "feed.jsonl"],
        ["audit", "examples/", "--out", "out"],
        ["train", "labels.csv", "--out", "model"],
    ],
)
def test_jobs_zero_is_one_usage_error_for_every_command(command: list[str]) -> None:
    result = invoke(*command, "--jobs", "0")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    # The message sits in a box whose lines wrap: compare the words.
    output = " ".join(re.sub("[│╭╮╰╯─]", " ", result.output).split())  # type: ignore[attr-defined]
    assert "'--jobs': 0 would use no process; give 1 or more, or -1 for every core" in output
    assert "Traceback" not in output


def test_train_warns_of_a_model_no_better_than_chance_and_of_missing_groups(
    tmp_path: Path,
) -> None:
    rng = random.Random(9)
    # Sixty texts of one kind with labels drawn at random: nothing to learn.
    texts = [substantive_text(rng) for _ in range(60)]
    labels = ["content_farm" if rng.random() < 0.5 else "substantive" for _ in texts]
    path = tmp_path / "random.csv"
    pd.DataFrame({"text": texts, "label": labels}).to_csv(path, index=False)
    result = invoke("train", str(path), "--out", str(tmp_path / "m"), "--no-wording")
    output = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 0, output  # type: ignore[attr-defined]
    assert "warning: no group column" in output
    assert "so this model ranks texts no better than chance (0.5)" in output
    assert "train with --kind logistic, which suits small label files" in output
    assert "choosing the threshold" in output  # progress while it fits


def test_score_without_paths_at_a_terminal_says_it_waits_for_standard_input(
    tiny_model_dir: Path,
) -> None:
    controller, terminal = pty.openpty()  # a real terminal as standard input
    process = subprocess.Popen(
        [sys.executable, "-m", "farmscore", "score", "--model", str(tiny_model_dir)],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    os.close(terminal)
    try:
        assert process.stderr is not None
        notice = process.stderr.readline().decode()
        assert "reading standard input until end of file (Ctrl-D)" in notice
        text = substantive_text(random.Random(3)).replace("\n", " ")
        os.write(controller, text.encode() + b"\n\x04")  # a line, then Ctrl-D: end of input
        out, _ = process.communicate(timeout=120)
        assert process.returncode == 0
        assert "substantive" in out.decode()
    finally:
        process.kill()
        process.wait()
        os.close(controller)


def test_score_without_paths_from_a_pipe_says_nothing_of_waiting(tiny_model_dir: Path) -> None:
    text = substantive_text(random.Random(3))
    done = subprocess.run(
        [sys.executable, "-m", "farmscore", "score", "--model", str(tiny_model_dir)],
        input=text.encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0
    assert b"standard input" not in done.stderr


def test_version_short_help_and_plain_flags() -> None:
    from farmscore.cli import app

    assert runner.invoke(app, ["--version"]).output.strip() == f"farmscore {version('farmscore')}"
    for command in ("score", "features", "gate", "audit", "train", "evaluate"):
        result = runner.invoke(app, [command, "-h"], terminal_width=100)
        assert result.exit_code == 0, result.output
        assert "Usage: farmscore" in result.output
        assert "<bool>" not in result.output


def test_a_model_that_is_a_file_is_named_as_one(tmp_path: Path) -> None:
    from farmscore.cli import app

    model_file = tmp_path / MODEL_FILE_NAME
    model_file.write_bytes(b"not a folder")
    result = runner.invoke(app, ["score", str(tmp_path), "--model", str(model_file)])
    assert result.exit_code == 2
    assert f"{model_file} is a file; a model is a folder" in result.output


@pytest.mark.parametrize(
    "argv",
    [
        ["score", "examples"],
        ["features", "examples/headphone-review.md"],
        ["audit", "examples", "--out", "{out}"],
    ],
)
def test_tables_fit_a_narrow_terminal(argv: list[str], tmp_path: Path) -> None:
    # rich takes the terminal's width from COLUMNS when it is set, as a terminal sets it.
    args = [a.format(out=tmp_path / "audit") for a in argv]
    done = subprocess.run(
        [sys.executable, "-m", "farmscore", *args],
        capture_output=True,
        timeout=300,
        check=False,
        env={**os.environ, "COLUMNS": "72"},
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode().splitlines()
    assert lines
    assert max(len(line) for line in lines) <= 72


def test_train_refuses_a_name_with_control_characters(labels_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    result = invoke("train", str(labels_csv), "--out", str(out), "--name", "\x1b[31mred")
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    assert "holds control characters" in result.output  # type: ignore[attr-defined]
    assert not out.exists()


@pytest.mark.parametrize("count", [0, 2])
def test_score_shows_as_many_reasons_as_asked(tiny_model_dir: Path, count: int) -> None:
    text = farm_text(random.Random(3))
    result = invoke(
        "score", "-", "--model", str(tiny_model_dir), "--format", "jsonl",
        "--reasons", str(count), stdin=text,
    )  # fmt: skip
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    [row] = [json.loads(line) for line in result.stdout.splitlines()]  # type: ignore[attr-defined]
    assert len(row["reasons"]) == count


def test_score_refuses_more_reasons_than_the_service_allows(tiny_model_dir: Path) -> None:
    result = invoke("score", "-", "--model", str(tiny_model_dir), "--reasons", "21", stdin="x")
    assert result.exit_code == 2


def test_a_piped_table_keeps_its_rows_whole(tmp_path: Path) -> None:
    # Piped without COLUMNS, rich used to fold at 80 columns and cut reasons mid-word.
    env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    done = subprocess.run(
        [sys.executable, "-m", "farmscore", "score", "examples"],
        capture_output=True,
        timeout=300,
        check=False,
        env=env,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0, done.stderr.decode()
    rows = [line for line in done.stdout.decode().splitlines() if "examples/" in line]
    assert len(rows) == len(list((Path(__file__).parents[2] / "examples").iterdir()))
    # The three strongest reasons of each document sit whole on its one line.
    assert all(line.count("; ") == 2 for line in rows), rows


def _few_dozen_real_labels(path: Path, per_class: int) -> None:
    """`per_class` human texts and as many machine texts of other stories, in file order,
    from the shared XSum corpus, written as a label file with groups."""
    rows = [json.loads(line) for line in shared_path("data", "xsum.jsonl").open()]
    human = [row for row in rows if row["label"] == "substantive"][:per_class]
    human_groups = {row["group"] for row in human}
    machine = [
        row for row in rows if row["label"] == "content_farm" and row["group"] not in human_groups
    ][:per_class]
    frame = pd.DataFrame(human + machine)[["text", "label", "group"]]
    frame.to_json(path, orient="records", lines=True)


@pytest.mark.shared
@pytest.mark.slow
def test_boosted_trees_on_a_few_dozen_real_texts_split_and_score_texts_apart(
    tmp_path: Path,
) -> None:
    # 36 rows once met leaves of at least 40 rows: no tree split, every text scored the same.
    labels = tmp_path / "labels.jsonl"
    _few_dozen_real_labels(labels, per_class=18)
    out = tmp_path / "small"
    trained = invoke("train", str(labels), "--out", str(out), "--jobs", "1")
    assert trained.exit_code == 0, trained.output  # type: ignore[attr-defined]
    assert read_card(out).metrics["cross_validated"]["roc_auc"] > 0.7  # type: ignore[index]

    rng = random.Random(5)
    for name, text in [("farm.txt", farm_text(rng)), ("news.txt", substantive_text(rng))]:
        (tmp_path / name).write_text(text, encoding="utf-8")
    scored = invoke("score", str(tmp_path / "farm.txt"), str(tmp_path / "news.txt"),
                    "--model", str(out), "--format", "jsonl")  # fmt: skip
    assert scored.exit_code == 0, scored.output  # type: ignore[attr-defined]
    rows = [json.loads(line) for line in scored.stdout.splitlines()]  # type: ignore[attr-defined]
    assert len({row["score"] for row in rows}) == 2
    assert all(row["reasons"] for row in rows)


def test_train_refuses_boosted_trees_that_never_split(tmp_path: Path) -> None:
    # One text under both labels: no feature can tell them apart, so no tree can split.
    text = substantive_text(random.Random(2))
    rows = [
        (text, label, f"story {i}") for i in range(12) for label in ("substantive", "content_farm")
    ]
    path = tmp_path / "same.csv"
    pd.DataFrame(rows, columns=["text", "label", "group"]).to_csv(path, index=False)
    result = invoke("train", str(path), "--out", str(tmp_path / "m"), "--jobs", "1")
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    assert "found no split in 24 rows" in result.stderr  # type: ignore[attr-defined]
    assert "--kind logistic" in result.stderr  # type: ignore[attr-defined]
    assert not (tmp_path / "m").exists()
