"""A real `farmscore serve` for the tests to talk to: the benchmark's `ServerProcess` (a
subprocess on a free loopback port, always stopped), with the reload token the tests choose
and every worker ready before the test starts."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.serve_process import ServerProcess
from farmscore.serve.settings import TOKEN_VARIABLE

RELOAD_TOKEN = "test-token-7f3a"
STARTUP_SECONDS = 60.0
LOG_WAIT_SECONDS = 30.0
# uvicorn's line for each worker it starts ("Started server process [1234]").
_STARTED_WORKER = re.compile(r"Started server process \[(\d+)\]")


@dataclass
class RunningServer:
    process: ServerProcess

    @property
    def url(self) -> str:
        return self.process.base_url

    def log_lines(self) -> list[str]:
        return self.process.log_path.read_text(encoding="utf-8", errors="replace").splitlines()

    def log_entries(self) -> list[dict[str, Any]]:
        return self.process.log_entries()

    def wait_for_log_entry(self, **fields: object) -> dict[str, Any]:
        """The first JSON log line holding all of `fields`, waited for: a line about a request
        can be written after its response has gone."""
        deadline = time.monotonic() + LOG_WAIT_SECONDS
        while time.monotonic() < deadline:
            for entry in self.log_entries():
                if entry.items() >= fields.items():
                    return entry
            time.sleep(0.1)
        raise AssertionError(f"no log line with {fields} in {LOG_WAIT_SECONDS:.0f} s")

    def worker_pids(self) -> list[int]:
        """The live worker processes: uvicorn logs each one's pid as it starts."""
        started = [int(pid) for pid in _STARTED_WORKER.findall("\n".join(self.log_lines()))]
        return [pid for pid in started if _alive(pid)]

    def wait_for_ready_workers(self, count: int) -> None:
        """Until `count` workers in all have logged themselves ready (restarts included)."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while self.process.count_ready_lines() < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"fewer than {count} workers ready in {STARTUP_SECONDS:.0f} s")
            time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie is dead, only not yet reaped


@contextmanager
def running_server(
    log_folder: Path,
    *options: str,
    workers: int = 1,
    token: str | None = RELOAD_TOKEN,
    variables: Mapping[str, str] | None = None,
) -> Iterator[RunningServer]:
    """`farmscore serve --workers N` with `options` (and the reload token, unless None, and
    any other environment `variables`), every worker ready; stopped afterwards."""
    environment = {k: v for k, v in os.environ.items() if k != TOKEN_VARIABLE}
    environment.update(variables or {})
    if token is not None:
        environment[TOKEN_VARIABLE] = token
    log_path = log_folder / "serve.log"
    with ServerProcess(workers, log_path, options, environment=environment) as process:
        process.wait_until_ready(STARTUP_SECONDS)
        server = RunningServer(process)
        server.wait_for_ready_workers(workers)
        yield server
