"""A real `farmscore serve` in a subprocess on a loopback port, for the tests to talk to."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

RELOAD_TOKEN = "test-token-7f3a"
# What each worker logs once it takes connections.
WORKER_READY = "worker ready"
STARTUP_SECONDS = 60.0


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_lines(self) -> list[str]:
        return self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()

    def worker_pids(self) -> list[int]:
        """The live worker processes: uvicorn logs each one's pid as it starts."""
        started = [int(pid) for pid in _STARTED_WORKER.findall("\n".join(self.log_lines()))]
        return [pid for pid in started if _alive(pid)]


# uvicorn's line for each worker it starts ("Started server process [1234]").
_STARTED_WORKER = re.compile(r"Started server process \[(\d+)\]")


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie is dead, only not yet reaped


def wait_for_log_lines(server: RunningServer, message: str, count: int) -> None:
    """Until the server has logged `message` at least `count` times."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if sum(message in line for line in server.log_lines()) >= count:
            return
        time.sleep(0.1)
    raise RuntimeError(f"{message!r} not logged {count} times in {STARTUP_SECONDS:.0f} s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def farmscore_command() -> list[str]:
    script = Path(sys.executable).with_name("farmscore")
    return [str(script)] if script.exists() else [sys.executable, "-m", "farmscore"]


@contextmanager
def running_server(
    log_folder: Path, *options: str, token: str | None = RELOAD_TOKEN
) -> Iterator[RunningServer]:
    """`farmscore serve` with `options` (and the reload token, unless None), ready (its
    /readyz answers 200), stopped with SIGTERM afterwards."""
    port = free_port()
    log_path = log_folder / f"serve-{port}.log"
    environment = {k: v for k, v in os.environ.items() if k != "FARMSCORE_RELOAD_TOKEN"}
    if token is not None:
        environment["FARMSCORE_RELOAD_TOKEN"] = token
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*farmscore_command(), "serve", "--port", str(port), *options],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=environment,
        )
    server = RunningServer(f"http://127.0.0.1:{port}", process, log_path)
    workers = int(options[options.index("--workers") + 1]) if "--workers" in options else 1
    try:
        _wait_until_ready(server)
        wait_for_log_lines(server, WORKER_READY, workers)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(server: RunningServer) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"farmscore serve exited: {server.log_path.read_text()[-2000:]}")
        try:
            if httpx.get(f"{server.url}/readyz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"farmscore serve not ready in {STARTUP_SECONDS:.0f} s")
