"""`farmscore serve` as clients meet it: a real server process on a loopback port, a real
HTTP client, every endpoint, the errors, the limits, reloads and concurrent clients."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from benchmarks.suites import farmscore_command
from farmscore.model.folder import default_model_dir
from farmscore.scoring import Scorer
from farmscore.serve.settings import ServeSettings
from tests.serve.server import RELOAD_TOKEN, RunningServer, running_server

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MAX_DOCUMENTS = 64
MAX_BODY_BYTES = 2_000_000
AUTHORIZED = {"authorization": f"Bearer {RELOAD_TOKEN}"}


def _example_texts() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.iterdir())]
    assert texts, f"no example articles in {EXAMPLES}"
    return texts


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(
        tmp_path_factory.mktemp("serve"),
        "--max-documents",
        str(MAX_DOCUMENTS),
        "--max-body-bytes",
        str(MAX_BODY_BYTES),
    ) as running:
        yield running


def _score(server: RunningServer, payload: object, **kwargs: object) -> httpx.Response:
    return httpx.post(f"{server.url}/v1/score", json=payload, timeout=60, **kwargs)  # type: ignore[arg-type]


def test_health_and_readiness(server: RunningServer) -> None:
    assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}
    assert httpx.head(f"{server.url}/healthz").status_code == 200
    assert httpx.head(f"{server.url}/readyz").status_code == 200
    ready = httpx.get(f"{server.url}/readyz").json()
    card = json.loads((default_model_dir() / "model_card.json").read_text())
    assert ready["status"] == "ready"
    assert ready["model"]["sha256"] == card["model_file"]["sha256"]
    assert ready["model"]["generation"] == 0


def test_scores_match_the_python_api_in_input_order(server: RunningServer) -> None:
    texts = _example_texts()
    documents = [{"id": f"doc-{i}", "text": text} for i, text in enumerate(texts)]
    response = _score(server, {"documents": documents, "reasons": 2})
    assert response.status_code == 200
    body = response.json()
    assert [r["id"] for r in body["results"]] == [d["id"] for d in documents]
    scorer = Scorer.load()
    for result, text in zip(body["results"], texts, strict=True):
        expected = scorer.score(text=text)
        assert result["score"] == pytest.approx(round(expected.score, 6), abs=1e-6)
        assert result["label"] == expected.label
        assert len(result["reasons"]) <= 2
        assert result["reasons"][0]["feature"] == expected.reasons[0].feature


def test_html_is_extracted_and_unscorable_documents_keep_their_place(
    server: RunningServer,
) -> None:
    page = (
        "<html><head><title>Vote</title></head><body><nav>Home | News</nav><article>"
        "<p>The council voted 5-2 on Tuesday to close the Elm Street library branch, citing "
        "a $1.2 million repair bill, after a two-hour public hearing.</p></article></body></html>"
    )
    documents = [
        {"id": "page", "html": page},
        {"id": "empty", "text": "!!! ???"},
        {"text": "The mayor said the bridge would reopen in May after repairs costing $4m."},
    ]
    results = _score(server, {"documents": documents}).json()["results"]
    assert [r["id"] for r in results] == ["page", "empty", "3"]
    assert "score" in results[0]
    assert "Home" not in json.dumps(results[0])
    assert "no words" in results[1]["error"]
    assert "score" not in results[1]
    assert results[2]["label"] in ("substantive", "content_farm")


def test_threshold_of_the_request_sets_the_label(server: RunningServer) -> None:
    document = {"id": "a", "text": _example_texts()[0]}
    low = _score(server, {"documents": [document], "threshold": 0.0}).json()["results"][0]
    high = _score(server, {"documents": [document], "threshold": 1.0}).json()["results"][0]
    assert (low["label"], low["threshold"]) == ("content_farm", 0.0)
    assert low["score"] < 1.0
    assert high["label"] == "substantive"


@pytest.mark.parametrize(
    ("body", "headers", "status", "named"),
    [
        (b"{not json", {"content-type": "application/json"}, 400, "not valid JSON"),
        (b"documents=1", {"content-type": "application/x-www-form-urlencoded"}, 400, "JSON"),
        (b'{"documents": []}', {"content-type": "application/json"}, 422, "documents"),
        (b'{"documents": [{"id": "x"}]}', {"content-type": "application/json"}, 422, "documents.0"),
        (
            b'{"documents": [{"text": "a b"}], "threshold": 2}',
            {"content-type": "application/json"},
            422,
            "threshold",
        ),
        (b'{"docs": [{"text": "a b"}]}', {"content-type": "application/json"}, 422, "docs"),
    ],
    ids=["bad-json", "form-body", "no-documents", "no-text", "threshold", "unknown-field"],
)
def test_bad_requests_get_a_json_error_naming_the_problem(
    server: RunningServer, body: bytes, headers: dict[str, str], status: int, named: str
) -> None:
    response = httpx.post(f"{server.url}/v1/score", content=body, headers=headers)
    assert response.status_code == status
    assert named in response.json()["error"]


def test_limits_answer_413(server: RunningServer) -> None:
    too_many = {"documents": [{"text": "Rain fell."}] * (MAX_DOCUMENTS + 1)}
    response = _score(server, too_many)
    assert response.status_code == 413
    assert f"limit is {MAX_DOCUMENTS}" in response.json()["error"]
    too_big = {"documents": [{"text": "word " * (MAX_BODY_BYTES // 5)}]}
    response = _score(server, too_big)
    assert response.status_code == 413
    assert "request body is over" in response.json()["error"]
    assert httpx.get(f"{server.url}/nowhere").json() == {"error": "Not Found"}


def test_health_answers_while_a_large_batch_scores(server: RunningServer) -> None:
    long_text = " ".join(_example_texts()) * 3
    batch = {"documents": [{"id": str(i), "text": long_text} for i in range(MAX_DOCUMENTS)]}
    finished = threading.Event()
    outcome: list[httpx.Response] = []

    def post_batch() -> None:
        outcome.append(_score(server, batch))
        finished.set()

    poster = threading.Thread(target=post_batch)
    poster.start()
    health_while_scoring = []
    while not finished.is_set() and len(health_while_scoring) < 5:
        health_while_scoring.append(httpx.get(f"{server.url}/healthz", timeout=10).status_code)
        answered_before_batch = not finished.is_set()
        if not answered_before_batch:
            health_while_scoring.pop()
    poster.join()
    assert outcome[0].status_code == 200
    assert len(outcome[0].json()["results"]) == MAX_DOCUMENTS
    assert health_while_scoring, "the batch finished before any health check was answered"
    assert set(health_while_scoring) == {200}


def test_eight_concurrent_clients_get_their_own_documents_in_order(
    server: RunningServer,
) -> None:
    texts = _example_texts()
    scorer = Scorer.load()
    failures: list[str] = []

    def client(number: int) -> None:
        with httpx.Client(base_url=server.url, timeout=120) as http:
            for round_ in range(3):
                documents = [
                    {"id": f"c{number}-r{round_}-d{i}", "text": f"Client {number} says: {text}"}
                    for i, text in enumerate(texts[number % len(texts) :])
                ]
                body = http.post("/v1/score", json={"documents": documents}).json()
                ids = [result["id"] for result in body["results"]]
                if ids != [d["id"] for d in documents]:
                    failures.append(f"client {number}: ids {ids}")
                for result, document in zip(body["results"], documents, strict=True):
                    expected = round(scorer.score(text=document["text"]).score, 6)
                    if abs(result["score"] - expected) > 1e-6:
                        failures.append(f"{result['id']}: {result['score']} != {expected}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_metrics_count_requests_documents_labels_and_errors(server: RunningServer) -> None:
    _score(server, {"documents": [{"text": _example_texts()[0]}, {"text": "..."}]})
    httpx.post(f"{server.url}/v1/score", content=b"{", headers={"content-type": "application/json"})
    text = httpx.get(f"{server.url}/metrics").text
    assert 'farmscore_requests_total{path="/v1/score",status="200"}' in text
    assert 'farmscore_documents_total{outcome="scored"}' in text
    assert 'farmscore_documents_total{outcome="error"}' in text
    assert "farmscore_labels_total{label=" in text
    assert 'farmscore_errors_total{kind="bad_json"}' in text
    assert 'farmscore_request_duration_seconds_bucket{le="0.1",path="/v1/score"}' in text


def test_openapi_documents_the_score_endpoint_with_examples(server: RunningServer) -> None:
    schema = httpx.get(f"{server.url}/openapi.json").json()
    assert {"/v1/score", "/healthz", "/readyz", "/metrics", "/v1/admin/reload"} <= set(
        schema["paths"]
    )
    request_schema = schema["components"]["schemas"]["ScoreRequest"]
    assert request_schema["examples"][0]["documents"][0]["id"] == "council-vote"
    # The interactive pages would load their scripts from a CDN, blank offline: they are off.
    assert httpx.get(f"{server.url}/docs").status_code == 404
    assert httpx.get(f"{server.url}/redoc").status_code == 404


def test_every_request_logs_one_json_line(server: RunningServer) -> None:
    _score(
        server,
        {"documents": [{"text": "Rain fell on the town."}] * 3},
        headers={"x-request-id": "log-check-1"},
    )
    # The line is written once the response has gone: give the server a moment to write it.
    for _ in range(50):
        lines = [json.loads(line) for line in server.log_lines() if line.startswith("{")]
        mine = [line for line in lines if line.get("request_id") == "log-check-1"]
        if mine:
            break
        time.sleep(0.1)
    assert len(mine) == 1
    assert (mine[0]["status"], mine[0]["documents"]) == (200, 3)
    assert mine[0]["ms"] > 0
    assert all(set(line) >= {"time", "level", "logger", "message"} for line in lines)


def test_requests_over_the_timeout_get_503_and_the_server_keeps_serving(
    tmp_path: Path,
) -> None:
    long_text = " ".join(_example_texts()) * 3
    batch = {"documents": [{"text": long_text}] * 40}
    with running_server(tmp_path, "--timeout", "0.2", token=None) as slow:
        response = _score(slow, batch)
        assert response.status_code == 503
        assert "longer than 0.2 s" in response.json()["error"]
        assert httpx.get(f"{slow.url}/healthz").status_code == 200
        stopped = slow.wait_for_log_entry(message="scoring stopped", reason="timeout")
        assert stopped["documents_scored"] < stopped["documents"] == 40
        # The abandoned batch stops within one chunk; a short request then fits its time.
        quick = {"documents": [{"text": "Rain fell on the town today."}]}
        statuses = [_score(slow, quick).status_code]
        while statuses[-1] != 200 and len(statuses) < 20:
            statuses.append(_score(slow, quick).status_code)
        assert statuses[-1] == 200, statuses
        refused = httpx.post(f"{slow.url}/v1/admin/reload", headers=AUTHORIZED)
        assert refused.status_code == 403
        assert "FARMSCORE_RELOAD_TOKEN" in refused.json()["error"]


def test_a_request_whose_client_goes_away_stops_scoring(server: RunningServer) -> None:
    long_text = " ".join(_example_texts()) * 3
    batch = {"documents": [{"text": long_text}] * MAX_DOCUMENTS}
    # The client gives up long before the batch could be scored, and closes its connection.
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(
            f"{server.url}/v1/score",
            json=batch,
            headers={"x-request-id": "gone-1"},
            timeout=httpx.Timeout(60, read=0.5),
        )
    stopped = server.wait_for_log_entry(message="scoring stopped", request_id="gone-1")
    assert stopped["reason"] == "client_disconnected"
    assert stopped["documents"] == MAX_DOCUMENTS
    assert stopped["documents_scored"] < MAX_DOCUMENTS
    request = server.wait_for_log_entry(message="request", request_id="gone-1")
    assert request["status"] == 499
    metrics = httpx.get(f"{server.url}/metrics").text
    assert 'farmscore_errors_total{kind="client_disconnected"}' in metrics
    assert _score(server, {"documents": [{"text": "Rain fell on the town."}]}).status_code == 200


def test_reload_refuses_a_bad_model_and_serves_a_good_one_in_every_worker(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "model"
    shutil.copytree(default_model_dir(), folder)
    original = (folder / "model.npz").read_bytes()
    with running_server(tmp_path, "--model", str(folder), workers=2) as running:
        reload_url = f"{running.url}/v1/admin/reload"
        assert httpx.post(reload_url).status_code == 401
        assert httpx.post(reload_url, headers={"authorization": "Bearer wrong"}).status_code == 401

        (folder / "model.npz").write_bytes(original + b"tampered")
        refused = httpx.post(reload_url, headers=AUTHORIZED, timeout=60)
        assert refused.status_code == 409
        assert "does not match its card" in refused.json()["error"]
        assert _generations(running) == {0}
        assert _score(running, {"documents": [{"text": "Rain fell today."}]}).status_code == 200

        (folder / "model.npz").write_bytes(original)
        card_path = folder / "model_card.json"
        card = json.loads(card_path.read_text())
        card["name"] = "reloaded"
        card_path.write_text(json.dumps(card))
        accepted = httpx.post(reload_url, headers=AUTHORIZED, timeout=60)
        assert accepted.status_code == 200
        assert accepted.json()["model"] == {**accepted.json()["model"], "name": "reloaded"}
        _wait_for_every_worker(running, generation=1)
        body = _score(running, {"documents": [{"text": "Rain fell on the town."}]}).json()
        assert body["model"]["name"] == "reloaded"


def test_a_restarted_worker_serves_the_verified_copy_while_the_folder_is_damaged(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "model"
    shutil.copytree(default_model_dir(), folder)
    with running_server(tmp_path, "--model", str(folder), workers=2) as running:
        with (folder / "model.npz").open("ab") as model_file:
            model_file.write(b"half-written")
        worker = running.worker_pids()[0]
        os.kill(worker, signal.SIGKILL)
        # uvicorn starts a new worker; it loads the copy verified at start, not the folder.
        running.wait_for_ready_workers(3)
        assert worker not in running.worker_pids()
        assert len(running.worker_pids()) == 2
        assert _generations(running) == {0}
        body = _score(running, {"documents": [{"text": "Rain fell on the town."}] * 4}).json()
        assert len(body["results"]) == 4


def test_reload_refuses_a_model_whose_array_header_lies_and_leaves_nothing_behind(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "model"
    shutil.copytree(default_model_dir(), folder)
    temporary = _temporary_folder(tmp_path)
    with running_server(
        tmp_path, "--model", str(folder), variables={"TMPDIR": str(temporary)}
    ) as running:
        _declare_an_800_gb_array(folder)
        refused = httpx.post(f"{running.url}/v1/admin/reload", headers=AUTHORIZED, timeout=60)
        assert refused.status_code == 409
        assert "header declares 800,000,000,000 bytes" in refused.json()["error"]
        assert refused.json()["model"]["generation"] == 0
        assert list(temporary.glob("farmscore-serve-*/**/.staged-*")) == []
        assert _score(running, {"documents": [{"text": "Rain fell today."}]}).status_code == 200
        metrics = httpx.get(f"{running.url}/metrics").text
        assert 'farmscore_model_reloads_total{outcome="refused"}' in metrics
    # The issue saw `serve --model` leave its state folder behind when it stopped.
    assert list(temporary.glob("farmscore-serve-*")) == []


def test_a_reload_that_fails_unexpectedly_answers_500_and_the_model_keeps_serving(
    tmp_path: Path,
) -> None:
    temporary = _temporary_folder(tmp_path)
    with running_server(tmp_path, workers=2, variables={"TMPDIR": str(temporary)}) as running:
        (state,) = temporary.glob("farmscore-serve-*")
        generation_file = ServeSettings(model_folder="", state_folder=str(state)).generation_file
        # Damage the server's own record: the model folder is fine, reading this is not.
        generation_file.write_text("{half-written", encoding="utf-8")
        reload_url = f"{running.url}/v1/admin/reload"
        failed = httpx.post(reload_url, headers=AUTHORIZED, timeout=60)
        assert failed.status_code == 500
        assert "generation.json does not hold a generation number" in failed.json()["error"]
        assert "the current model keeps serving" in failed.json()["error"]
        assert failed.json()["model"]["generation"] == 0
        assert list(state.glob("**/.staged-*")) == []
        assert "traceback" in running.wait_for_log_entry(message="reload failed")
        assert _generations(running) == {0}
        assert _score(running, {"documents": [{"text": "Rain fell today."}]}).status_code == 200
        # Once the record is readable again, reloads work, and every worker still follows.
        generation_file.write_text(json.dumps({"generation": 0}), encoding="utf-8")
        assert httpx.post(reload_url, headers=AUTHORIZED, timeout=60).status_code == 200
        _wait_for_every_worker(running, generation=1)


def _temporary_folder(tmp_path: Path) -> Path:
    """A folder for the server's TMPDIR, where `farmscore serve` makes its state folder."""
    folder = tmp_path / "temporary"
    folder.mkdir()
    return folder


def _declare_an_800_gb_array(folder: Path) -> None:
    """Give the model file's `reference` array a header claiming 10**11 float64 values over
    64 bytes of data, and make the card agree, as someone who can write the folder could."""
    model_path = folder / "model.npz"
    with zipfile.ZipFile(model_path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**11,)}
    )
    members["reference.npy"] = header.getvalue() + b"\0" * 64
    with zipfile.ZipFile(model_path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    data = model_path.read_bytes()
    card_path = folder / "model_card.json"
    card = json.loads(card_path.read_text(encoding="utf-8"))
    card["model_file"].update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
    card_path.write_text(json.dumps(card), encoding="utf-8")


def _generations(server: RunningServer, connections: int = 12) -> set[int]:
    """The model generation reported over several new connections (each may reach another
    worker)."""
    return {
        httpx.get(f"{server.url}/readyz", headers={"connection": "close"}).json()["model"][
            "generation"
        ]
        for _ in range(connections)
    }


def _wait_for_every_worker(server: RunningServer, generation: int) -> None:
    for _ in range(50):
        if _generations(server) == {generation}:
            return
        time.sleep(0.2)
    raise AssertionError(f"workers still report {_generations(server)}, not {generation}")


def test_a_model_that_fails_verification_stops_the_server_at_start(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(default_model_dir(), folder)
    with (folder / "model.npz").open("ab") as model_file:
        model_file.write(b"tampered")
    completed = subprocess.run(
        [*farmscore_command(), "serve", "--model", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 2
    assert "does not match its card" in completed.stderr
