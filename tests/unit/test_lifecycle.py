"""Stopping a command: the worker pool's manager thread may fail as the pool is torn down;
that is not printed, while any other thread's failure still is."""

from __future__ import annotations

import threading

import pytest

from farmscore.cli.lifecycle import POOL_MANAGER_THREAD, quiet_pool_manager_while_stopping


def fail_in_thread(name: str) -> None:
    def fail() -> None:
        raise KeyError("a task cancelled under it")

    thread = threading.Thread(target=fail, name=name)
    thread.start()
    thread.join()


def test_once_stopping_only_the_pool_managers_failure_is_silent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reported: list[str] = []

    def report(args: threading.ExceptHookArgs) -> None:  # stands for Python's printing hook
        reported.append(args.thread.name if args.thread else "?")

    monkeypatch.setattr(threading, "excepthook", report)
    fail_in_thread(POOL_MANAGER_THREAD)
    assert reported == [POOL_MANAGER_THREAD]  # before stopping: reported as usual

    quiet_pool_manager_while_stopping()
    fail_in_thread(POOL_MANAGER_THREAD)
    fail_in_thread("some-other-thread")
    assert reported == [POOL_MANAGER_THREAD, "some-other-thread"]
