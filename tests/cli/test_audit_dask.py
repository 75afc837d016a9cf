"""`farmscore audit --engine dask` on a real `distributed.LocalCluster` of two worker
processes: the same rows, summary and report as the local engine, results.parquet as a folder
of parts in input order, the model loaded once per worker, and failures that stop the audit
loudly without touching the previous results."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import dask
import pandas as pd
import pytest
from distributed import Client, LocalCluster, get_task_stream
from typer.testing import CliRunner

from farmscore.audit.dask_engine import (
    MODEL_LOADED_EVENT,
    TASK_RETRIES,
    ClusterError,
    run_dask_audit,
)
from farmscore.audit.result_files import staged_result_parts
from farmscore.audit.run import BASE_COLUMNS, result_frame
from farmscore.cli import app
from farmscore.features.extractor import TextFeatures, feature_names
from farmscore.model.card import ModelVerificationError
from farmscore.scoring import Scorer
from farmscore.types import Document, Score
from tests.conftest import farm_text, substantive_text

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()
# Marks the one document `PoisonedScorer` cannot score.
POISON = "POISONED-DOCUMENT"


class PoisonedScorer(Scorer):
    """A real scorer that raises on one marked document, as a bug in a feature would."""

    def _score_batch(self, documents: Sequence[Document]) -> list[tuple[Score, TextFeatures]]:
        for document in documents:
            if POISON in document.text:
                raise ValueError(f"cannot score {document.id}")
        return super()._score_batch(documents)


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    ) as local_cluster:
        yield local_cluster


@pytest.fixture(scope="module")
def client(cluster: LocalCluster) -> Iterator[Client]:
    with Client(cluster) as dask_client:
        yield dask_client


@pytest.fixture(scope="module")
def mixed_inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """txt, md, html, a JSONL feed with a broken line and an empty record, CSV, Parquet, and
    an undecodable file: 16 records, 3 of which cannot be scored."""
    rng = random.Random(11)
    root = tmp_path_factory.mktemp("dask") / "inputs"
    (root / "blog").mkdir(parents=True)
    (root / "blog" / "farm.txt").write_text(farm_text(rng), encoding="utf-8")
    (root / "blog" / "farm2.txt").write_text(farm_text(rng), encoding="utf-8")
    (root / "news.md").write_text(substantive_text(rng), encoding="utf-8")
    paragraphs = "".join(f"<p>{p}</p>" for p in substantive_text(rng).split("\n\n"))
    (root / "page.html").write_text(
        f"<html><head><title>Budget</title></head><body><nav>Home</nav><article>"
        f"<h1>Budget</h1>{paragraphs}</article><footer>© site</footer></body></html>",
        encoding="utf-8",
    )
    lines = [
        json.dumps({"id": "j1", "text": farm_text(rng), "url": "https://www.spam.example/a"}),
        json.dumps({"id": "j2", "text": substantive_text(rng), "source": "wire"}),
        "{broken json",
        json.dumps({"id": "j4", "text": "   "}),
        json.dumps({"id": "j5", "text": farm_text(rng), "source": "wire"}),
    ]
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pd.DataFrame(
        {
            "id": ["c1", "c2", "c3", "c4"],
            "text": [farm_text(rng), substantive_text(rng), substantive_text(rng), farm_text(rng)],
            "source": ["syndicate", "paper", "", "syndicate"],
        }
    ).to_csv(root / "table.csv", index=False)
    pd.DataFrame({"id": ["p1", "p2"], "text": [farm_text(rng), substantive_text(rng)]}).to_parquet(
        root / "table.parquet"
    )
    (root / "latin1.txt").write_bytes("café crème \xff".encode("latin-1"))
    return root


N_DOCUMENTS, N_FAILED = 16, 3


def audit(*args: str) -> object:
    return runner.invoke(app, ["audit", *args])


@pytest.fixture(scope="module")
def local_out(
    tiny_model_dir: Path, mixed_inputs: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, object]]:
    """The local engine's outputs and JSON summary: what the Dask engine must reproduce."""
    out = tmp_path_factory.mktemp("local") / "out"
    model = str(tiny_model_dir)
    result = audit(
        str(mixed_inputs), "--out", str(out), "--model", model, "--format", "json", "--jobs", "1"
    )
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    return out, json.loads(result.stdout)  # type: ignore[attr-defined]


def without_date(report: str) -> str:
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d[^<]*", "", report)


@pytest.mark.parametrize("partition_size", [1, 4, 1000])
def test_dask_engine_gives_the_local_engines_rows_row_for_row(
    tiny_model_dir: Path,
    mixed_inputs: Path,
    local_out: tuple[Path, dict[str, object]],
    cluster: LocalCluster,
    tmp_path: Path,
    partition_size: int,
) -> None:
    local, local_summary = local_out
    out = tmp_path / "out"
    result = audit(
        str(mixed_inputs),
        *("--out", str(out), "--model", str(tiny_model_dir), "--format", "json"),
        *("--engine", "dask", "--scheduler", cluster.scheduler_address),
        *("--partition-size", str(partition_size)),
    )
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    n_parts = math.ceil(N_DOCUMENTS / partition_size)
    assert f"results.parquet ({n_parts} parts)" in result.stderr  # type: ignore[attr-defined]

    # A folder of parts named in input order: 16 parts checks that part-000010 sorts after
    # part-000009 when the folder is read back.
    parts = sorted((out / "results.parquet").iterdir())
    assert [p.name for p in parts] == [f"part-{n:06d}.parquet" for n in range(n_parts)]
    sizes = [len(pd.read_parquet(p)) for p in parts]
    assert sizes == [min(partition_size, N_DOCUMENTS - n * partition_size) for n in range(n_parts)]

    expected = pd.read_parquet(local / "results.parquet")
    got = pd.read_parquet(out / "results.parquet")
    assert list(got.columns) == [*BASE_COLUMNS, *feature_names()]
    assert list(got["id"]) == list(expected["id"])
    assert got["error"].notna().sum() == N_FAILED
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, atol=0)
    # The CSV is one file, appended part by part, and reads as the local one does.
    csv, local_csv = pd.read_csv(out / "results.csv"), pd.read_csv(local / "results.csv")
    pd.testing.assert_frame_equal(csv, local_csv, check_exact=False, rtol=1e-12, atol=0)
    if partition_size >= N_DOCUMENTS:
        # The model then sees the same batches as locally, so even the last digit agrees; in
        # other batches a score may differ in its last bit (the matrix product's rounding).
        assert (out / "results.csv").read_bytes() == (local / "results.csv").read_bytes()

    # Counts, sites, errors, reason counts and the top flagged documents in their order.
    assert json.loads(result.stdout) == local_summary  # type: ignore[attr-defined]
    report = (out / "report.html").read_text(encoding="utf-8")
    assert without_date(report) == without_date((local / "report.html").read_text(encoding="utf-8"))
    assert sorted(p.name for p in out.iterdir()) == [
        "report.html",
        "results.csv",
        "results.parquet",
    ]


def test_the_model_is_loaded_once_per_worker(
    tiny_model_dir: Path, mixed_inputs: Path, client: Client
) -> None:
    scorer = Scorer.load(tiny_model_dir)
    workers = set(client.nthreads())
    loads_before = len(client.get_events(MODEL_LOADED_EVENT))
    frames: list[pd.DataFrame] = []
    with get_task_stream(client) as stream:
        result = run_dask_audit(
            [str(mixed_inputs)], scorer, client, partition_size=2, on_part=frames.append
        )
    assert len(frames) == 8
    assert len(result.rows) == N_DOCUMENTS
    tasks = [t for t in stream.data if str(t["key"]).startswith("farmscore-audit-")]
    assert len(tasks) == 8
    # Both workers scored several partitions...
    assert {t["worker"] for t in tasks} == workers
    # ...and each loaded the model exactly once for them (events reach the scheduler in
    # batches: give them a moment).
    deadline = time.monotonic() + 5
    while len(client.get_events(MODEL_LOADED_EVENT)) < loads_before + 2:
        assert time.monotonic() < deadline, "no model-loaded event from the workers"
        time.sleep(0.05)
    loads = [event for _, event in client.get_events(MODEL_LOADED_EVENT)[loads_before:]]
    assert sorted(event["worker"] for event in loads) == sorted(workers)
    assert {event["model"] for event in loads} == {"tiny"}
    # The audit unregisters its plugin: the workers no longer hold the model.
    held = client.run(lambda dask_worker: [n for n in dask_worker.plugins if "farmscore" in n])
    assert held == {worker: [] for worker in workers}
    # The driver kept only the report's columns; the full rows went to `on_part`.
    assert set(result.rows[0]) == {"id", "site", "score", "label", "error"}
    with pytest.raises(ValueError, match="summary columns"):
        result_frame(result)


def test_a_failing_partition_stops_the_audit_naming_it_and_keeps_previous_results(
    tiny_model_dir: Path, mixed_inputs: Path, client: Client, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    model = str(tiny_model_dir)
    first = audit(str(mixed_inputs), "--out", str(out), "--model", model, "--jobs", "1")
    assert first.exit_code == 1, first.output  # type: ignore[attr-defined]
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    root = tmp_path / "poisoned"
    root.mkdir()
    rng = random.Random(3)
    for number in range(6):
        text = substantive_text(rng) + (f"\n\n{POISON}" if number == 4 else "")
        (root / f"doc{number}.txt").write_text(text, encoding="utf-8")
    scorer = PoisonedScorer.load(tiny_model_dir)
    with staged_result_parts(out) as parts, pytest.raises(ClusterError) as caught:
        run_dask_audit([str(root)], scorer, client, partition_size=2, on_part=parts.add)
    message = str(caught.value)
    assert f"partition 2 (documents 5 to 6, the first '{root / 'doc4.txt'}'" in message
    assert f"after {TASK_RETRIES} retries" in message
    assert "ValueError: cannot score" in message
    # Parts 0 and 1 were written before the failure, but nothing replaced the old results.
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_worker_with_other_library_versions_refuses_the_model(
    tiny_model_dir: Path, mixed_inputs: Path, client: Client
) -> None:
    scorer = Scorer.load(tiny_model_dir)
    scorer.card = dataclasses.replace(
        scorer.card, versions={**scorer.card.versions, "scikit-learn": "0.24.2"}
    )
    with pytest.raises(ModelVerificationError, match=r"worker tcp://.*scikit-learn 0\.24\.2"):
        run_dask_audit([str(mixed_inputs)], scorer, client, partition_size=5, on_part=print)
    plugins = client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.worker_plugins))
    assert not [name for name in plugins if "farmscore" in name]


def test_switching_engines_replaces_a_parquet_file_by_a_folder_and_back(
    tiny_model_dir: Path, mixed_inputs: Path, cluster: LocalCluster, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    common = [str(mixed_inputs), "--out", str(out), "--model", str(tiny_model_dir)]
    dask_args = ["--engine", "dask", "--scheduler", cluster.scheduler_address]
    for engine_args, is_folder in (([], False), (dask_args, True), ([], False)):
        result = audit(*common, "--jobs", "1", *engine_args)
        assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
        assert (out / "results.parquet").is_dir() is is_folder
        assert len(pd.read_parquet(out / "results.parquet")) == N_DOCUMENTS
        assert sorted(p.name for p in out.iterdir()) == [
            "report.html",
            "results.csv",
            "results.parquet",
        ]


def test_subprocess_starts_and_closes_its_own_local_cluster(
    tiny_model_dir: Path, mixed_inputs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    options = ["--out", str(out), "--model", str(tiny_model_dir), "--format", "json"]
    dask_options = ["--engine", "dask", "--jobs", "2", "--partition-size", "5"]
    done = subprocess.run(
        [sys.executable, "-m", "farmscore", "audit", str(mixed_inputs), *options, *dask_options],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["documents"] == N_DOCUMENTS
    assert "results.parquet (4 parts)" in done.stderr
    assert len(pd.read_parquet(out / "results.parquet")) == N_DOCUMENTS


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler needs --engine dask"),
        (["--partition-size", "10"], "--partition-size needs --engine dask"),
        (["--engine", "dask", "--partition-size", "0"], "Invalid value"),
        (["--engine", "spark"], "Invalid value"),
        (["--engine", "dask", "--scheduler", "{closed}"], "cannot reach the Dask scheduler"),
    ],
)
def test_usage_and_connection_errors_exit_2_and_write_nothing(
    tiny_model_dir: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text("Some words here.", encoding="utf-8")
    out = tmp_path / "out"
    # Nothing listens on port 9 (discard) here: the connection is refused at once.
    filled = [arg.format(closed="tcp://127.0.0.1:9") for arg in args]
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        result = audit(str(root), "--out", str(out), "--model", str(tiny_model_dir), *filled)
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    assert message in result.stderr  # type: ignore[attr-defined]
    assert not out.exists() or not any(out.iterdir())


def test_without_dask_the_error_says_how_to_install_it(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text("Some words here.", encoding="utf-8")
    out = tmp_path / "out"
    args = ["audit", str(root), "--out", str(out), "--model", str(tiny_model_dir)]
    # None in sys.modules makes `import distributed` fail as it does when Dask is absent; in
    # a separate process, so this module's cluster is not affected. The command line itself
    # must not need Dask.
    program = (
        "import sys; sys.modules['distributed'] = None; from farmscore.cli import app; "
        "assert not [m for m in sys.modules if m.startswith('dask')], 'cli imported dask'; "
        f"app({[*args, '--engine', 'dask']!r})"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "pip install 'farmscore[dask]'" in done.stderr
    assert not out.exists()
