"""The benchmark harness: its documents, its arithmetic, its memory sampler on real processes,
its peers, and one tiny run end to end."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from benchmarks.cli import parse_sections, run_benchmarks
from benchmarks.documents import (
    FIRST_NAMES,
    copy_prefix,
    news_article,
    news_documents,
    one_word_lines_text,
    single_line_text,
    write_jsonl_stream,
)
from benchmarks.memory import measure_peak_rss
from benchmarks.peers import PeerUnavailableError, gopher_pair, textstat_indices
from benchmarks.plan import MB, full_plan
from benchmarks.report import print_run, run_to_dict, write_json
from benchmarks.targets import Comparison, judge
from benchmarks.timing import median, paired_ratio_median, rate_per_second, timed
from farmscore.types import Document

ALLOCATE_100_MB = "b = bytearray(100_000_000); import time; time.sleep(0.5)"

# ---- documents -------------------------------------------------------------------------


def test_articles_are_deterministic_for_a_seed_and_index() -> None:
    assert news_article(500, seed=3, index=7) == news_article(500, seed=3, index=7)
    assert news_article(500, seed=3, index=7) != news_article(500, seed=4, index=7)
    assert news_article(500, seed=3, index=7) != news_article(500, seed=3, index=8)
    # Another length at the same index is another article, not a longer copy of this one.
    assert news_article(1_000, seed=3, index=7)[:100] != news_article(500, seed=3, index=7)[:100]


def test_every_document_of_a_batch_is_different() -> None:
    documents = news_documents(60, 300, seed=1)
    assert len({doc.text for doc in documents}) == 60
    assert len({doc.id for doc in documents}) == 60
    # Paragraphs differ too, not only whole texts: no cache keyed on a part can hit.
    paragraphs = [p for doc in documents for p in doc.text.split("\n\n")[1:]]
    assert len(set(paragraphs)) == len(paragraphs)


@pytest.mark.parametrize("n_words", [1, 8, 300, 1_000, 10_000])
def test_articles_have_the_requested_word_count(n_words: int) -> None:
    words = len(news_article(n_words, seed=2, index=0).split())
    assert abs(words - n_words) <= max(1, 0.03 * n_words)


def test_an_article_reads_like_news() -> None:
    text = news_article(1_000, seed=5, index=0)
    title, *paragraphs = text.split("\n\n")
    assert "\n" not in title
    assert not title.endswith(".")
    assert all(word[0].isupper() for word in title.split())
    assert len(paragraphs) >= 5
    assert any(name in text for name in FIRST_NAMES)
    assert any(char.isdigit() for char in text)
    sentences = [s for p in paragraphs if p.endswith(".") for s in p.split(". ")]
    assert all(s[0].isupper() or s[0] == '"' for s in sentences)


def test_the_odd_inputs_have_the_asked_shape() -> None:
    line = single_line_text(200_000, seed=1)
    assert len(line) == 200_000
    assert "\n" not in line
    lines = one_word_lines_text(1_000, seed=1).split("\n")
    assert len(lines) == 1_000
    assert all(len(line.split()) == 1 for line in lines)


def test_a_jsonl_stream_is_cut_at_record_boundaries(tmp_path: Path) -> None:
    stream = tmp_path / "stream.jsonl"
    ends = write_jsonl_stream(stream, 60_000, n_words=300, seed=1)
    assert ends[-1] == stream.stat().st_size >= 60_000
    assert ends[-2] < 60_000
    records = [json.loads(line) for line in stream.read_text().splitlines()]
    assert [set(r) for r in records] == [{"id", "text"}] * len(ends)
    assert len({r["text"] for r in records}) == len(records)

    prefix = tmp_path / "prefix.jsonl"
    copy_prefix(stream, prefix, ends[2])
    assert [json.loads(line)["id"] for line in prefix.read_text().splitlines()] == [
        r["id"] for r in records[:3]
    ]


# ---- timing and targets ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [([3.0], 3.0), ([3.0, 1.0, 2.0], 2.0), ([4.0, 1.0, 2.0, 3.0], 2.5), ([9.0, 1.0, 1.0], 1.0)],
)
def test_median(values: list[float], expected: float) -> None:
    assert median(values) == expected


def test_median_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one run"):
        median([])


def test_rates() -> None:
    assert rate_per_second(200, 4.0) == 50.0
    assert rate_per_second(1, 0.0) == float("inf")
    with pytest.raises(ValueError, match="negative"):
        rate_per_second(1, -1.0)


def test_paired_ratios_take_the_median_of_each_runs_ratio() -> None:
    # Per-run ratios 2, 4, 3: median 3. The ratio of medians (4 / 1) would be 4.
    assert paired_ratio_median([2.0, 4.0, 9.0], [1.0, 1.0, 3.0]) == 3.0
    with pytest.raises(ValueError, match="as many"):
        paired_ratio_median([1.0, 2.0], [1.0])


def test_timed_returns_the_result_and_the_duration() -> None:
    seconds, result = timed(lambda: sum(range(1_000)))
    assert result == 499_500
    assert 0.0 <= seconds < 1.0


@pytest.mark.parametrize(
    ("measured", "comparison", "required", "verdict"),
    [
        (3.0, "at_least", 3.0, "PASS"),
        (2.99, "at_least", 3.0, "MISS"),
        (1.5, "at_most", 1.5, "PASS"),
        (1.51, "at_most", 1.5, "MISS"),
        (300.0, "below", 300.0, "MISS"),
        (299.9, "below", 300.0, "PASS"),
        (None, "below", 300.0, "NOT RUN"),
    ],
)
def test_targets_are_judged(
    measured: float | None, comparison: Comparison, required: float, verdict: str
) -> None:
    assert judge(measured, comparison, required) == verdict


def test_sections_are_parsed_and_checked() -> None:
    assert parse_sections("throughput, memory") == {"throughput", "memory"}
    with pytest.raises(argparse.ArgumentTypeError, match="unknown section"):
        parse_sections("throughput,speed")


# ---- memory of real processes ----------------------------------------------------------


def test_the_sampler_sees_a_process_allocate_100_mb() -> None:
    peak = measure_peak_rss([sys.executable, "-c", ALLOCATE_100_MB])
    assert peak.exit_code == 0
    assert peak.samples >= 5
    # 100 MB of bytes plus an interpreter (about 10 MB); less than another 50 MB besides.
    assert 100e6 <= peak.peak_tree_rss_bytes <= 150e6
    assert 100e6 <= peak.main_vmhwm_bytes <= 150e6


def test_the_sampler_sums_the_process_tree() -> None:
    parent = f"import subprocess, sys; sys.exit(subprocess.run([sys.executable, '-c', {ALLOCATE_100_MB!r}]).returncode + 3)"  # noqa: E501
    peak = measure_peak_rss([sys.executable, "-c", parent])
    assert peak.exit_code == 3
    # The child's 100 MB and both interpreters count toward the tree; the parent's own
    # high-water mark stays that of an idle interpreter.
    assert 105e6 <= peak.peak_tree_rss_bytes <= 170e6
    assert peak.main_vmhwm_bytes < 50e6


# ---- peers -----------------------------------------------------------------------------


def test_a_missing_peer_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes the import fail as if datatrove were not installed.
    monkeypatch.setitem(sys.modules, "datatrove.data", None)
    with pytest.raises(PeerUnavailableError, match=r"make bench-setup.*\.\[bench\]"):
        gopher_pair()


def test_the_gopher_pair_judges_each_document() -> None:
    pytest.importorskip("datatrove", reason="datatrove is in the bench extra: make bench-setup")
    pytest.importorskip("spacy", reason="spaCy is in the bench extra: make bench-setup")
    peer = gopher_pair()
    documents = [*news_documents(2, 300, seed=9), Document(id="short", text="Too short.")]
    verdicts = peer.run(documents)
    assert len(verdicts) == 3
    # Both filters ran: each gave its verdict with its reason.
    assert verdicts[2] == ((False, "gopher_short_doc"), (False, "top_2_gram"))
    assert peer.versions["datatrove"] == "0.10.1"


def test_textstat_runs_offline_and_is_restored_afterwards(
    request: pytest.FixtureRequest,
) -> None:
    counts = importlib.import_module("textstat.backend.counts._count_syllables")
    original = counts.get_cmudict
    request.getfixturevalue("no_network")  # after textstat's import, which touches sockets
    with textstat_indices() as peer:
        (values,) = peer.run(news_documents(1, 300, seed=9))
        assert counts.get_cmudict is not original
    assert counts.get_cmudict is original
    assert isinstance(values, tuple)
    reading_ease, *grades = (float(value) for value in values)
    assert len(grades) == 3  # Flesch-Kincaid, Gunning fog, SMOG: school grades
    assert all(0 < grade < 30 for grade in grades)
    assert -50 < reading_ease < 120


# ---- the harness end to end ------------------------------------------------------------


def test_a_tiny_run_writes_every_figure(tmp_path: Path) -> None:
    plan = full_plan(
        sections=frozenset({"throughput", "pathological", "memory"}),
        repeats=1,
        stream_mb=0.05,
    )
    plan = replace(
        plan,
        throughput_batches=((50, 3), (1_000, 2)),
        single_line_chars=20_000,
        repeated_character_chars=10_000,
        one_word_lines=500,
        reference_docs=2,
    )
    with (tmp_path / "log.txt").open("w") as log:
        run = run_benchmarks(plan, Console(file=log))
    with (tmp_path / "tables.txt").open("w") as tables:
        print_run(Console(file=tables, width=140), run)
    out = tmp_path / "bench" / "latest.json"
    write_json(run, out)

    record = json.loads(out.read_text())
    assert record == run_to_dict(run)
    assert {"schema", "machine", "farmscore", "settings", "throughput", "memory"} <= set(record)
    assert record["scaling"] is None
    assert record["machine"]["cpu_count"] >= 1
    assert record["farmscore"]["model"] == "default"
    assert [row["words_per_doc"] for row in record["throughput"]["rows"]] == [50, 1_000]
    row = record["throughput"]["rows"][1]
    assert row["farmscore_docs_per_s"] > 0
    assert row["peers"] == []
    assert row["farmscore_words_per_s"] == pytest.approx(row["farmscore_docs_per_s"] * 1_000)
    assert record["throughput"]["cli_cold_start_exit_code"] == 0
    assert [r["input"] for r in record["pathological"]["rows"]] == [
        "single_line",
        "repeated_character",
        "one_word_lines",
        "run_of_dots",
    ]
    for odd in record["pathological"]["rows"]:
        assert odd["small_text_mb"] < odd["text_mb"]
        assert odd["seconds_per_mb_full_over_small"] > 0
    (stream,) = record["memory"]["streams"]
    assert stream["exit_code"] == 0
    assert stream["stream_mb"] * MB >= 50_000
    assert f"{stream['records']} read" in stream["summary"]
    assert 50 < stream["peak_tree_rss_mb"] < 2_000
    results = {t["name"]: t["result"] for t in record["targets"]}
    assert results["jobs2_docs_per_s_over_jobs1_docs_per_s_warm"] == "NOT RUN"
    assert results["farmscore_docs_per_s_over_gopher_pair_docs_per_s_at_1000_words"] == "NOT RUN"
    assert results["gate_peak_rss_mb"] in {"PASS", "MISS"}
    assert results["pathological_worst_seconds_per_mb_full_over_quarter_size"] in {"PASS", "MISS"}
    assert "Targets" in (tmp_path / "tables.txt").read_text()
