"""The fuzz campaign's stages at the limits, seeded and small: nesting depth, file names that
are not UTF-8, outputs that are the input, the record size limit, clients that hang up, full
disks. `make bench` runs them at full size (a 9.9 MB document, a 500 MB line)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from benchmarks.fuzz import run_limit_campaign
from benchmarks.fuzz_depth import write_depth_stream
from benchmarks.fuzz_sizes import LimitSizes
from farmscore.reading.safe_json import UnreadableJsonError, parse_json

SEED = 20261203
# A document still scored in windows (over 200,000 characters), a line just over the limit.
TINY_LIMITS = LimitSizes(document_line_bytes=300_000, oversized_line_bytes=12_000_000)
WAYS_IN = {
    "deep JSON gate --jobs 1",
    "deep JSON gate --jobs 2",
    "deep JSON score",
    "deep JSON features",
    "non-UTF-8 names score",
    "non-UTF-8 names features",
    "non-UTF-8 names audit",
    "same-file outputs gate",
    "huge document gate --jobs 1",
    "huge document gate --jobs 2",
    "huge document score",
    "oversized line gate --jobs 1",
    "oversized line gate --jobs 2",
    "oversized line score",
    "oversized line features",
    "oversized line audit",
    "disconnected clients serve --workers 1",
    "disconnected clients serve --workers 2",
    "disk full /dev/full gate --jobs 1",
    "disk full /dev/full score",
    "disk full /dev/full features",
}


@pytest.mark.slow
def test_the_stages_at_the_limits_find_no_crash_and_lose_no_record() -> None:
    report = run_limit_campaign(n_inputs=200, seed=SEED, limits=TINY_LIMITS)

    assert [vars(f) for f in report.crashes] == []
    assert [vars(f) for f in report.lost] == []
    assert set(report.inputs) >= WAYS_IN
    assert report.inputs["same-file outputs gate"] == 14
    peaks = report.figures["peak_rss_mb"]
    assert {"huge document gate --jobs 1", "oversized line audit"} <= set(peaks)
    hung_up = report.figures["disconnected clients"]
    assert set(hung_up) == {"serve --workers 1", "serve --workers 2"}


def test_the_depth_stream_expects_what_the_reader_does(tmp_path: Path) -> None:
    stream = write_depth_stream(random.Random(SEED), tmp_path / "depth.jsonl", n_sweeps=1)

    read: set[int] = set()
    for number, line in enumerate(stream.path.read_text().splitlines(), start=1):
        try:
            parse_json(line)
        except UnreadableJsonError:
            continue
        read.add(number)

    assert read == stream.to_score
    assert stream.to_refuse == stream.lines - read
    # 8 depths of 500 levels or more (the record adds one), in 3 shapes; 5 non-finite numbers.
    assert len(stream.to_refuse) == 8 * 3 + 5
