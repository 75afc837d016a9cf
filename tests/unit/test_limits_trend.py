"""The limits benchmark's trend of resident memory over a stream: a batch's passing peak moves
the largest sample, not the medians or the slope; growth moves all three."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from benchmarks.limits import SETTLED_AFTER_S, process_name, rss_trend
from benchmarks.memory import PROC


def steady_with_peaks(growth_mb_per_min: float) -> list[tuple[float, float]]:
    """Ten minutes sampled each second: 100 MB, growing as asked, 25 MB higher every 7th second."""
    return [
        (float(at), 100.0 + growth_mb_per_min * at / 60 + (25.0 if at % 7 == 0 else 0.0))
        for at in range(600)
    ]


def test_peaks_that_come_and_go_leave_the_medians_and_slope_flat() -> None:
    trend = rss_trend(steady_with_peaks(0.0))
    assert trend.max_mb == 125.0
    assert trend.median_first_third_mb == trend.median_last_third_mb == 100.0
    assert abs(trend.slope_mb_per_min) < 0.05


def test_growth_shows_in_the_medians_and_the_slope() -> None:
    trend = rss_trend(steady_with_peaks(1.0))
    assert trend.slope_mb_per_min == pytest.approx(1.0, abs=0.05)
    assert trend.median_last_third_mb - trend.median_first_third_mb == pytest.approx(6.0, abs=0.5)


def test_samples_of_the_first_minute_are_left_out() -> None:
    samples = [(0.0, 10.0), (30.0, 300.0), (SETTLED_AFTER_S, 100.0), (SETTLED_AFTER_S + 1, 100.0)]
    trend = rss_trend(samples)
    assert (trend.at_first_minute_mb, trend.max_mb, trend.slope_mb_per_min) == (100.0, 100.0, 0.0)


def test_a_stream_shorter_than_a_minute_is_judged_by_its_last_sample() -> None:
    trend = rss_trend([(1.0, 80.0), (2.0, 90.0)])
    assert (trend.at_first_minute_mb, trend.at_end_mb, trend.slope_mb_per_min) == (90.0, 90.0, 0.0)


def started(*args: str) -> subprocess.Popen[bytes]:
    """A Python process running `args`, once its command line can be read (just after exec
    it reads as empty)."""
    process = subprocess.Popen([sys.executable, *args])
    deadline = time.monotonic() + 10
    while not (PROC / str(process.pid) / "cmdline").read_bytes() and time.monotonic() < deadline:
        time.sleep(0.01)
    return process


def test_processes_are_named_by_their_role() -> None:
    sleep = "from time import sleep; sleep(60)"
    worker = started("-c", sleep, "--process-name", "LokyProcess-7")
    tracker = started("-B", "-c", sleep)
    try:
        assert process_name(os.getpid(), root=os.getpid()) == "gate"
        assert process_name(worker.pid, root=os.getpid()) == "LokyProcess-7"
        assert process_name(tracker.pid, root=os.getpid()) == "time"
    finally:
        for process in (worker, tracker):
            process.kill()
            process.wait()
    assert process_name(worker.pid, root=os.getpid()) is None
