"""`farmscore serve` as a subprocess on a free loopback port: started, waited for until ready,
and always stopped, SIGTERM first and SIGKILL to its whole process group after a grace
period, however the block using it ends."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from benchmarks.suites import farmscore_command

LOOPBACK = "127.0.0.1"
READY_TIMEOUT_SECONDS = 120.0
# /readyz answers from whichever worker is up; the others log this line once their model is
# loaded (farmscore.serve.app). Waited for at most this long after /readyz, then recorded.
WORKER_READY_MESSAGE = "worker ready"
WORKERS_READY_GRACE_SECONDS = 15.0
SHUTDOWN_GRACE_SECONDS = 10.0
POLL_SECONDS = 0.1
LOG_TAIL_LINES = 15


class ServerStartError(RuntimeError):
    """The server exited, or was not ready in time, before any request was timed."""


def free_loopback_port() -> int:
    """A TCP port on 127.0.0.1 that is free now, chosen by the kernel."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


class ServerProcess:
    """`farmscore serve --host 127.0.0.1 --port P --workers N [options]`, its standard output
    and error in `log_path`. Leaving the `with` block stops it.

    The server leads a session of its own, so that its uvicorn workers can be killed with it
    if SIGTERM does not end them.
    """

    def __init__(
        self,
        workers: int,
        log_path: Path,
        options: Sequence[str] = (),
        environment: Mapping[str, str] | None = None,
    ) -> None:
        self.workers = workers
        # None: this process's environment.
        self.environment = None if environment is None else dict(environment)
        self.log_path = log_path
        self.port = free_loopback_port()
        self.base_url = f"http://{LOOPBACK}:{self.port}"
        self.argv = [
            *farmscore_command(),
            "serve",
            "--host",
            LOOPBACK,
            "--port",
            str(self.port),
            "--workers",
            str(workers),
            *options,
        ]
        self.command_line = " ".join(["farmscore", *self.argv[self.argv.index("serve") :]])
        self.ready_seconds: float | None = None
        self.workers_ready_logged = 0
        self.exit_code: int | None = None
        self.killed = False
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ServerProcess:
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.environment,
                start_new_session=True,
            )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        """The server's main process: its workers, when it has several, are its children."""
        return self._running().pid

    def _running(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            raise RuntimeError("the server was never started: use ServerProcess in a with block")
        return self._process

    def wait_until_ready(self, timeout_seconds: float = READY_TIMEOUT_SECONDS) -> float:
        """Seconds until GET /readyz answered 200; then waits a little for every worker's
        ready line. Raises ServerStartError, with the end of the server's log, when the
        server exits first or is not ready within `timeout_seconds`."""
        process = self._running()
        started = time.perf_counter()
        deadline = started + timeout_seconds
        last_answer = "no answer yet"
        while True:
            if process.poll() is not None:
                raise ServerStartError(
                    f"`{self.command_line}` exited with code {process.returncode} before "
                    f"/readyz answered 200; its log ends:\n{self.log_tail()}"
                )
            try:
                response = httpx.get(f"{self.base_url}/readyz", timeout=1.0, trust_env=False)
                if response.status_code == 200:
                    break
                last_answer = f"the last GET /readyz answered {response.status_code}"
            except httpx.TransportError as error:
                last_answer = f"the last GET /readyz failed: {type(error).__name__}"
            if time.perf_counter() >= deadline:
                raise ServerStartError(
                    f"`{self.command_line}` was not ready after {timeout_seconds:g} s "
                    f"({last_answer}); its log ends:\n{self.log_tail()}"
                )
            time.sleep(POLL_SECONDS)
        self.ready_seconds = time.perf_counter() - started
        # A worker still loading accepts no connection, so load would fall on the others.
        grace_end = min(deadline, time.perf_counter() + WORKERS_READY_GRACE_SECONDS)
        while (
            self.count_ready_lines() < self.workers
            and time.perf_counter() < grace_end
            and process.poll() is None
        ):
            time.sleep(POLL_SECONDS)
        self.workers_ready_logged = self.count_ready_lines()
        return self.ready_seconds

    def log_entries(self) -> list[dict[str, Any]]:
        """The log's JSON lines so far (uvicorn's first lines and any traceback are plain
        text, and the last line may still be being written)."""
        entries = []
        for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict):
                entries.append(entry)
        return entries

    def count_ready_lines(self) -> int:
        """Workers that have logged themselves ready so far."""
        return sum(
            1 for entry in self.log_entries() if entry.get("message") == WORKER_READY_MESSAGE
        )

    def stop(self) -> None:
        """SIGTERM, then SIGKILL to the process group after `SHUTDOWN_GRACE_SECONDS`;
        afterwards nothing of the server's group is left. Does nothing a second time."""
        process = self._process
        if process is None or self.exit_code is not None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(SHUTDOWN_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                self.killed = True
                self._kill_group(process.pid)
                process.wait()
        # A worker left behind would hold the port and a core for the next measurement.
        # Linux keeps the group's id from reuse while any member lives, so this hits no other.
        self._kill_group(process.pid)
        self.exit_code = process.returncode

    @staticmethod
    def _kill_group(leader_pid: int) -> None:
        # ProcessLookupError: the group is empty, everything has exited.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(leader_pid, signal.SIGKILL)

    def log_tail(self) -> str:
        lines = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(lines[-LOG_TAIL_LINES:]) or "(nothing)"
