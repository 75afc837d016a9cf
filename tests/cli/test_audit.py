"""`farmscore audit` through CliRunner and a real subprocess: one row per document (errors
included), every feature column, a self-contained report, atomic outputs and exit codes."""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from farmscore import atomic_files as results_module
from farmscore.audit.result_files import write_results
from farmscore.audit.run import BASE_COLUMNS
from farmscore.cli import app
from farmscore.features.extractor import feature_names
from tests.conftest import farm_text, shared_path, substantive_text

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def audit(*args: str) -> object:
    # One process unless a test asks for more: worker start-up would dominate these tests.
    jobs = [] if "--jobs" in args else ["--jobs", "1"]
    return runner.invoke(app, ["audit", *args, *jobs])


def page(title: str, body: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (
        f"<html><head><title>{title}</title></head><body><nav>Home | News</nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article><footer>© site</footer></body></html>"
    )


@pytest.fixture
def mixed_folder(tmp_path: Path) -> tuple[Path, int, int]:
    """Every input kind plus broken ones; returns the folder, documents and failures."""
    rng = random.Random(5)
    root = tmp_path / "inputs"
    (root / "blog").mkdir(parents=True)
    (root / "blog" / "farm.txt").write_text(farm_text(rng), encoding="utf-8")
    (root / "blog" / "farm2.txt").write_text(farm_text(rng), encoding="utf-8")
    (root / "news.md").write_text(substantive_text(rng), encoding="utf-8")
    (root / "page.html").write_text(page("Budget", substantive_text(rng)), encoding="utf-8")
    lines = [
        json.dumps({"id": "j1", "text": farm_text(rng), "url": "https://www.spam.example/a"}),
        json.dumps({"id": "j2", "text": substantive_text(rng), "source": "wire"}),
        "{broken json",
        json.dumps({"id": "j4", "text": substantive_text(rng)}),
    ]
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pd.DataFrame(
        {
            "id": ["c1", "c2", "c3"],
            "text": [farm_text(rng), substantive_text(rng), substantive_text(rng)],
            "source": ["syndicate", "paper", ""],
            "url": ["", "", "https://news.example.org/c3"],
        }
    ).to_csv(root / "table.csv", index=False)
    pd.DataFrame({"id": ["p1", "p2"], "text": [farm_text(rng), substantive_text(rng)]}).to_parquet(
        root / "table.parquet"
    )
    (root / "broken").mkdir()
    (root / "broken" / "latin1.txt").write_bytes("café crème \xff".encode("latin-1"))
    (root / "broken" / "empty.md").write_text(" \n\t\n", encoding="utf-8")
    pd.DataFrame({"body": ["no text column here"]}).to_csv(root / "broken" / "x.csv", index=False)
    # blog 2 + md 1 + html 1 + jsonl 4 (one broken) + csv 3 + parquet 2 + broken 3
    return root, 16, 4


def read_results(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    return pd.read_parquet(out / "results.parquet"), pd.read_csv(out / "results.csv")


def assert_self_contained(html: str) -> None:
    assert not re.search(r"<script[^>]*\bsrc", html, re.IGNORECASE)
    assert not re.search(r"<link[^>]*href\s*=\s*[\"']?https?:", html, re.IGNORECASE)
    assert not re.search(r"<img[^>]*src\s*=\s*[\"']?https?:", html, re.IGNORECASE)
    assert not re.search(r"url\(\s*[\"']?https?:", html, re.IGNORECASE)
    # The charts are drawn inline, so the page needs no image file either.
    assert html.count('<svg class="plot"') == 2
    assert "<img" not in html


def test_mixed_folder_gives_one_row_per_document_with_errors_as_rows(
    tiny_model_dir: Path, mixed_folder: tuple[Path, int, int], tmp_path: Path
) -> None:
    root, n_documents, n_failed = mixed_folder
    out = tmp_path / "out"
    result = audit(str(root), "--out", str(out), "--model", str(tiny_model_dir), "--jobs", "1")
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    parquet, csv = read_results(out)
    assert len(parquet) == len(csv) == n_documents
    assert list(parquet.columns) == [*BASE_COLUMNS, *feature_names()]
    assert list(csv.columns) == list(parquet.columns)
    assert list(parquet["id"]) == list(csv["id"].astype(str))
    # Input order, failures in their place: folders sorted, records in file order.
    assert list(parquet["id"]) == [
        str(root / "blog" / "farm.txt"),
        str(root / "blog" / "farm2.txt"),
        str(root / "broken" / "empty.md"),
        str(root / "broken" / "latin1.txt"),
        str(root / "broken" / "x.csv"),
        "j1",
        "j2",
        f"{root / 'feed.jsonl'}:3",
        "j4",
        str(root / "news.md"),
        str(root / "page.html"),
        "c1",
        "c2",
        "c3",
        "p1",
        "p2",
    ]

    errors = parquet[parquet["error"].notna()].set_index("id")["error"]
    assert len(errors) == n_failed
    assert "not UTF-8" in errors[str(root / "broken" / "latin1.txt")]
    assert "has no words" in errors[str(root / "broken" / "empty.md")]
    assert "no 'text' or 'html' column" in errors[str(root / "broken" / "x.csv")]
    assert "not valid JSON" in errors[f"{root / 'feed.jsonl'}:3"]
    failed = parquet[parquet["error"].notna()]
    assert set(failed["label"]) == {"error"}
    assert failed["score"].isna().all()
    assert failed[feature_names()].isna().all().all()

    scored = parquet[parquet["error"].isna()].set_index("id")
    assert scored[feature_names()].notna().all().all()
    assert scored["word_count"].gt(0).all()
    assert scored["score"].between(0, 1).all()
    assert scored.loc[str(root / "blog" / "farm.txt"), "label"] == "content_farm"
    assert scored.loc[str(root / "news.md"), "label"] == "substantive"
    assert scored.loc["c1", "reasons"]
    # Site: the table's source, a JSONL record's source, the URL's host, else the folder.
    assert scored.loc["c1", "site"] == "syndicate"
    assert scored.loc["j2", "site"] == "wire"
    assert scored.loc["j1", "site"] == "spam.example"
    assert scored.loc["c3", "site"] == "news.example.org"
    assert scored.loc[str(root / "blog" / "farm.txt"), "site"] == "blog"

    report = (out / "report.html").read_text(encoding="utf-8")
    assert_self_contained(report)
    assert "<mark " in report
    assert "By site or source" in report
    assert "Could not be scored: 4" in report
    assert sorted(p.name for p in out.iterdir()) == [
        "report.html",
        "results.csv",
        "results.parquet",
    ]


def test_all_scored_exits_0_and_table_format_lists_counts_and_flagged(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    rng = random.Random(8)
    root = tmp_path / "in"
    root.mkdir()
    (root / "farm.txt").write_text(farm_text(rng), encoding="utf-8")
    (root / "news.txt").write_text(substantive_text(rng), encoding="utf-8")
    out = tmp_path / "out"
    result = audit(str(root), "--out", str(out), "--model", str(tiny_model_dir))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    stdout = result.stdout  # type: ignore[attr-defined]
    assert "content_farm" in stdout
    assert "most likely content farm" in stdout
    assert "farm.txt" in stdout
    # stderr is not a terminal here: no progress bar, just where the files went.
    stderr = result.stderr  # type: ignore[attr-defined]
    assert stderr.strip().splitlines() == [
        f"farmscore: wrote {out / 'results.parquet'}, {out / 'results.csv'} and "
        f"{out / 'report.html'}"
    ]
    # One site only: the report has no per-site table.
    assert "By site or source" not in (out / "report.html").read_text(encoding="utf-8")


def test_json_format_prints_the_summary(
    tiny_model_dir: Path, mixed_folder: tuple[Path, int, int], tmp_path: Path
) -> None:
    root, n_documents, n_failed = mixed_folder
    result = audit(
        str(root), "--out", str(tmp_path / "o"), "--model", str(tiny_model_dir), "--format", "json"
    )
    assert result.exit_code == 1
    summary = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert summary["documents"] == n_documents
    assert summary["failed"] == n_failed == summary["counts_by_label"]["error"]
    assert sum(summary["counts_by_label"].values()) == n_documents
    assert len(summary["errors"]) == n_failed
    assert summary["top_flagged"][0]["score"] >= summary["threshold"]
    assert sum(site["documents"] for site in summary["sites"]) == n_documents


def test_two_jobs_give_the_same_rows_as_one(
    tiny_model_dir: Path, mixed_folder: tuple[Path, int, int], tmp_path: Path
) -> None:
    root, _, _ = mixed_folder
    frames = []
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}"
        audit(str(root), "--out", str(out), "--model", str(tiny_model_dir), "--jobs", jobs)
        frames.append(pd.read_parquet(out / "results.parquet"))
    pd.testing.assert_frame_equal(frames[0], frames[1])


def test_a_second_audit_does_not_read_the_first_ones_output(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text(substantive_text(random.Random(2)), encoding="utf-8")
    out = root / "audit"
    for _ in range(2):
        result = audit(str(root), "--out", str(out), "--model", str(tiny_model_dir))
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert len(pd.read_parquet(out / "results.parquet")) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{missing}", "--out", "{out}"], "no such file or folder"),
        (["{root}", "--out", "{file}"], "is a file"),
        (["{root}", "--out", "{out}", "--jobs", "0"], "--jobs"),
        (["{empty}", "--out", "{out}"], "no documents found"),
        (["{root}", "--out", "{out}", "--format", "xml"], "Invalid value"),
        (["{root}"], "Missing option"),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(
    tiny_model_dir: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text("Some words here.", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    places = {
        "missing": tmp_path / "nope",
        "out": tmp_path / "out",
        "file": tmp_path / "file",
        "root": root,
        "empty": tmp_path / "empty",
    }
    filled = [arg.format(**places) for arg in args]
    result = audit(*filled, "--model", str(tiny_model_dir))
    assert result.exit_code == 2
    assert message in result.stderr  # type: ignore[attr-defined]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_progress_bar_shows_on_a_terminal(
    tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich treats the captured stream as a terminal
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text(substantive_text(random.Random(3)), encoding="utf-8")
    result = audit(str(root), "--out", str(tmp_path / "o"), "--model", str(tiny_model_dir))
    assert result.exit_code == 0
    assert "auditing" in result.stderr  # type: ignore[attr-defined]


def test_real_pages_from_shared_are_audited(tiny_model_dir: Path, tmp_path: Path) -> None:
    articles = shared_path("html", "articles")
    root = tmp_path / "pages"
    root.mkdir()
    chosen = sorted(articles.glob("*.html.gz"))[:6]
    for packed in chosen:
        (root / packed.name.removesuffix(".gz")).write_bytes(gzip.decompress(packed.read_bytes()))
    out = tmp_path / "out"
    result = audit(str(root), "--out", str(out), "--model", str(tiny_model_dir))
    assert result.exit_code in (0, 1), result.output  # type: ignore[attr-defined]
    parquet, _ = read_results(out)
    assert len(parquet) == len(chosen)
    scored = parquet[parquet["error"].isna()]
    assert len(scored) >= len(chosen) - 1, parquet[["id", "error"]]
    assert scored["word_count"].gt(50).all()
    assert_self_contained((out / "report.html").read_text(encoding="utf-8"))


def test_subprocess_audit_writes_outputs_and_exit_code(
    tiny_model_dir: Path, mixed_folder: tuple[Path, int, int], tmp_path: Path
) -> None:
    root, n_documents, _ = mixed_folder
    out = tmp_path / "out"
    command = ["-m", "farmscore"]
    options = ["--out", str(out), "--model", str(tiny_model_dir), "--jobs", "2", "--format", "json"]
    done = subprocess.run(
        [sys.executable, *command, "audit", str(root), *options],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["documents"] == n_documents
    assert "auditing" not in done.stderr  # stderr is a pipe: no progress bar
    assert len(pd.read_parquet(out / "results.parquet")) == n_documents


# ---- atomic outputs -------------------------------------------------------------------


def test_results_appear_only_by_rename_after_both_are_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = pd.DataFrame({"id": ["a", "b"], "score": [0.1, 0.9]})
    seen: list[list[str]] = []
    real_replace = os.replace

    def spy(source: str | Path, target: str | Path) -> None:
        seen.append(sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("results")))
        # Both temporary files are complete before the first one is renamed into place.
        temps = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        assert len(temps) == 2 - len(seen) + 1
        real_replace(source, target)

    monkeypatch.setattr(results_module.os, "replace", spy)
    write_results(frame, tmp_path)
    assert seen == [[], ["results.parquet"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv", "results.parquet"]
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "results.parquet"), frame)


def test_an_interrupted_write_leaves_no_partial_or_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = pd.DataFrame({"id": ["a"], "score": [0.5]})

    def interrupted(self: pd.DataFrame, path: Path, **kwargs: object) -> None:
        Path(path).write_text("id,sc", encoding="utf-8")  # half a file, then Ctrl-C
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_results(frame, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_an_interrupted_audit_keeps_the_previous_complete_results(
    tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text(substantive_text(random.Random(4)), encoding="utf-8")
    out = tmp_path / "out"
    assert audit(str(root), "--out", str(out), "--model", str(tiny_model_dir)).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (root / "b.txt").write_text(farm_text(random.Random(4)), encoding="utf-8")

    def interrupted(self: pd.DataFrame, path: Path, **kwargs: object) -> None:
        Path(path).write_bytes(b"PAR1")
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_parquet", interrupted)
    audit(str(root), "--out", str(out), "--model", str(tiny_model_dir))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_page_is_filed_under_the_site_its_canonical_link_names(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    root = tmp_path / "dump"
    root.mkdir()
    body = "<p>" + "The harbour road reopened on Tuesday, the council said. " * 12 + "</p>"
    (root / "a.html").write_text(
        '<html><head><link rel="canonical" href="https://www.harbour-news.example/a">'
        f"</head><body><article>{body}</article></body></html>",
        encoding="utf-8",
    )
    (root / "b.html").write_text(
        '<html><head><meta property="og:url" content="https://other.example/b"></head>'
        f"<body><article>{body}</article></body></html>",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = audit(str(root), "--out", str(out), "--model", str(tiny_model_dir), "--jobs", "1")
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out / "results.parquet").set_index("path")
    assert frame.loc[str(root / "a.html"), "site"] == "harbour-news.example"
    assert frame.loc[str(root / "b.html"), "site"] == "other.example"
    assert frame.loc[str(root / "a.html"), "url"] == "https://www.harbour-news.example/a"


def test_a_file_name_that_is_not_utf8_is_audited_with_its_byte_shown(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    # A name with the byte \xff used to fail the whole run after scoring, writing nothing.
    root = tmp_path / "in"
    root.mkdir()
    rng = random.Random(9)
    try:
        odd = os.path.join(os.fsencode(root), b"caf\xe9 \xff.txt")
        with open(odd, "wb") as handle:
            handle.write(substantive_text(rng).encode("utf-8"))
    except OSError as error:
        pytest.skip(f"this file system refuses names that are not UTF-8: {error}")
    (root / "plain.txt").write_text(substantive_text(rng), encoding="utf-8")
    out = tmp_path / "out"
    result = audit(str(root), "--out", str(out), "--model", str(tiny_model_dir))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    rows, _ = read_results(out)
    assert sorted(Path(str(i)).name for i in rows["id"]) == ["caf\\xe9 \\xff.txt", "plain.txt"]
    assert "caf\\xe9 \\xff.txt" in (out / "results.csv").read_text(encoding="utf-8")
    assert (out / "report.html").stat().st_size > 0


def test_formula_like_cells_are_defused_in_the_csv_and_kept_in_the_parquet(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    rng = random.Random(12)
    ids = ['=HYPERLINK("http://example.invalid","x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3"]
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(json.dumps({"id": i, "text": substantive_text(rng)}) + "\n" for i in ids),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = audit(str(source), "--out", str(out), "--model", str(tiny_model_dir))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    parquet, csv_rows = read_results(out)
    assert list(parquet["id"]) == ids
    assert list(csv_rows["id"]) == ["'" + i for i in ids]


# ---- worker processes only where they pay -----------------------------------------------


class WorkersStartedError(AssertionError):
    pass


def test_a_small_audit_by_default_starts_no_worker_process(
    tiny_model_dir: Path,
    mixed_folder: tuple[Path, int, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 16 documents: starting a process per core (each loading the model) took 3.4-4.8 s where
    # one process took 2.3-2.8 s.
    import joblib.executor

    def refuse(*args: object, **kwargs: object) -> None:
        raise WorkersStartedError("a worker pool was started for 16 documents")

    monkeypatch.setattr(joblib.executor, "get_memmapping_executor", refuse)
    root, n_documents, _ = mixed_folder
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["audit", str(root), "--out", str(out), "--model", str(tiny_model_dir)]
    )
    assert not isinstance(result.exception, WorkersStartedError), result.exception
    assert result.exit_code == 1, result.output  # the folder holds broken files
    assert len(pd.read_parquet(out / "results.parquet")) == n_documents


def test_the_help_states_when_an_audit_stays_in_one_process() -> None:
    result = runner.invoke(app, ["audit", "--help"], terminal_width=200)
    text = " ".join(result.output.split())
    assert "a short input, or a slow feed's rows, are scored in this process" in text


def test_folders_named_in_bytes_that_are_not_utf8_and_ids_with_lone_surrogates_are_audited(
    tmp_path: Path, tiny_model_dir: Path
) -> None:
    # Each of these stopped the audit with a traceback: the report's header naming the input
    # folder, pyarrow opening the output folder, and pyarrow holding the id.
    root = os.path.join(os.fsencode(tmp_path), b"in\xff")
    os.mkdir(root)
    with open(os.path.join(root, b"a.txt"), "w", encoding="utf-8") as article:
        article.write(substantive_text(random.Random(41)))
    records = tmp_path / "records.jsonl"
    record = {
        "id": "x\udc80",
        "url": "https://example.com/\udc80",
        "text": farm_text(random.Random(42)),
    }
    records.write_text(json.dumps(record) + "\n", encoding="utf-8")
    out = os.path.join(os.fsencode(tmp_path), b"out\xfe")
    result = audit(
        os.fsdecode(root), str(records), "--out", os.fsdecode(out), "--model", str(tiny_model_dir)
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    with open(os.path.join(out, b"results.parquet"), "rb") as parquet:
        rows = pd.read_parquet(parquet)  # a file, since pyarrow cannot open such a path
    named = os.fsdecode(root).replace("\udcff", "\\xff") + "/a.txt"
    assert sorted(rows["id"]) == sorted(["x\\udc80", named])
    assert rows["url"].dropna().tolist() == ["https://example.com/\\udc80"]
    with open(os.path.join(out, b"report.html"), encoding="utf-8") as report:
        assert "in\\xff" in report.read()
