"""The benchmark harness: its generated and real documents, its arithmetic, its memory sampler
on real processes, its peers, its report, and tiny runs end to end."""

from __future__ import annotations

import argparse
import importlib
import io
import itertools
import json
import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from benchmarks import gopher_files
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
from benchmarks.plan import MB, SECTIONS, full_plan
from benchmarks.real_texts import (
    FARM_PAGES,
    HUMAN_ARTICLES,
    KINDS,
    MACHINE_TEXTS,
    RealTexts,
    RealTextUnavailableError,
    load_real_texts,
)
from benchmarks.realtext_suite import (
    ProcessRun,
    RealTextResult,
    RealTextRow,
    check_enough_text,
    whole_process_row,
)
from benchmarks.report import (
    per_word_line,
    print_run,
    realtext_table,
    run_to_dict,
    whole_process_table,
    write_json,
)
from benchmarks.targets import Comparison, judge, realtext_targets
from benchmarks.text_stream import (
    PARAGRAPH_BREAK,
    RealTextExhaustedError,
    TextStream,
    split_after_words,
    word_count,
)
from benchmarks.timing import median, paired_ratio_median, rate_per_second, timed
from farmscore.pages import furniture_templates
from farmscore.types import Document
from tests.conftest import shared_path

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
    assert parse_sections("realtext") == {"realtext"}
    assert SECTIONS[0] == "realtext"  # the headline runs, and is printed, first
    with pytest.raises(argparse.ArgumentTypeError, match="unknown section"):
        parse_sections("throughput,speed")


# ---- real texts: the stream that hands each out once ----------------------------------


def numbered_texts(n_texts: int, words_per_text: int) -> list[str]:
    """Texts whose every word is unique (`t3w7`), laid out in two-line paragraphs."""
    texts = []
    for t in range(n_texts):
        words = [f"t{t}w{w}" for w in range(words_per_text)]
        lines = [" ".join(words[i : i + 5]) for i in range(0, words_per_text, 5)]
        texts.append("\n".join(lines))
    return texts


@pytest.mark.parametrize(
    ("text", "n_words", "expected"),
    [
        ("one two three", 1, ("one", "two three")),
        ("one  two\nthree four", 3, ("one  two\nthree", "four")),
        ("  one two  ", 2, ("  one two", "")),
        ("one", 5, ("one", "")),
        ("naïve café 東京 x", 3, ("naïve café 東京", "x")),
    ],
)
def test_a_text_is_cut_after_a_word_keeping_its_whitespace(
    text: str, n_words: int, expected: tuple[str, str]
) -> None:
    assert split_after_words(text, n_words) == expected


@pytest.mark.parametrize("n_words", [1, 7, 40, 1_000, 100_000])
def test_joined_documents_have_exactly_the_words_asked(n_words: int) -> None:
    stream = TextStream("demo", numbered_texts(5_000, 73))
    documents = [stream.joined(n_words) for _ in range(3)]
    assert [word_count(doc) for doc in documents] == [n_words] * 3


def test_joined_documents_never_repeat_a_word_and_waste_none() -> None:
    texts = numbered_texts(30, 50)
    stream = TextStream("demo", texts)
    documents = [stream.joined(120) for _ in range(12)]
    words = [word for doc in documents for word in doc.split()]
    # Every word of the first 1,440 handed out once, in order: cut texts continue.
    assert words == " ".join(texts).split()[:1_440]
    # Texts are separated as paragraphs; a text's own line breaks are kept.
    assert documents[0].startswith(texts[0] + PARAGRAPH_BREAK + texts[1] + PARAGRAPH_BREAK)
    assert "t0w4\nt0w5" in documents[0]


def test_whole_texts_come_as_they_are_after_dropping_a_cut_rest() -> None:
    texts = ["a b c", "  ", "d e\n\nf", "g", "h i"]
    stream = TextStream("demo", texts)
    assert stream.joined(2) == "a b"
    # "c", the rest of a cut text, is not a text at its own length; the blank text is skipped.
    assert stream.whole(2) == ["d e\n\nf", "g"]
    assert stream.joined(2) == "h i"
    assert stream.texts_started == 4


def test_a_stream_says_what_it_holds_and_when_it_runs_out() -> None:
    stream = TextStream("human_articles", ["one two", "three four five"])
    assert (stream.texts_available, stream.words_available) == (2, 5)
    with pytest.raises(RealTextExhaustedError, match=r"human_articles: .*once.*--repeats"):
        stream.joined(6)
    with pytest.raises(ValueError, match="at least one word"):
        TextStream("demo", ["one"]).joined(0)


def test_an_endless_stream_has_no_size_and_keeps_giving() -> None:
    stream = TextStream("farm_pages", (f"page {n} text" for n in itertools.count()))
    assert (stream.texts_available, stream.words_available) == (None, None)
    assert stream.whole(2) == ["page 0 text", "page 1 text"]
    assert word_count(stream.joined(30_000)) == 30_000


# ---- real texts: sizes, figures, targets and tables (hand-made results) ---------------


def realtext_row(kind: str, words: int | None, ratio: float, us_per_word: float) -> RealTextRow:
    docs = 4
    return RealTextRow(
        kind=kind,
        words_per_doc=words,
        docs_per_batch=docs,
        median_words_per_doc=words or 640.0,
        words_per_batch_runs=[docs * (words or 640)],
        text_mb_per_batch=0.1,
        farmscore_batch_seconds_runs=[1.0],
        gopher_batch_seconds_runs=[ratio],
        farmscore_docs_per_s=4.0,
        gopher_docs_per_s=4.0 / ratio,
        farmscore_microseconds_per_word=us_per_word,
        gopher_microseconds_per_word=us_per_word * ratio,
        farmscore_docs_per_s_over_gopher_docs_per_s=ratio,
    )


def realtext_result(per_word: dict[str, float], largest: int = 100_000) -> RealTextResult:
    rows = [
        realtext_row(kind, words, ratio=2.0 + index, us_per_word=9.0)
        for index, kind in enumerate(KINDS)
        for words in (None, 1_000, largest)
    ]
    human_runs = [(ProcessRun(6.0, 0, 600), ProcessRun(24.0, 0, 600))] * 2
    return RealTextResult(
        descriptions={kind: f"texts of {kind}" for kind in KINDS},
        rows=rows,
        whole_process=[whole_process_row(HUMAN_ARTICLES, 600, 1_000, human_runs)],
        largest_words_per_doc=largest,
        per_word_cost_largest_over_1000_words=per_word,
    )


def test_only_complete_process_runs_make_the_whole_process_figures() -> None:
    fast_crash = (ProcessRun(0.2, 1, 0), ProcessRun(20.0, 0, 600))
    lost_rows = (ProcessRun(5.0, 0, 599), ProcessRun(20.0, 0, 600))
    good = [(ProcessRun(5.0, 0, 600), ProcessRun(20.0, 0, 600))] * 2
    row = whole_process_row(HUMAN_ARTICLES, 600, 1_000, [fast_crash, *good, lost_rows])
    assert row.complete_runs == 2
    assert row.farmscore_seconds_median == 5.0
    assert row.farmscore_docs_per_s == 120.0
    # A crash in 0.2 s must not pass for a 100-fold speed-up.
    assert row.farmscore_docs_per_s_over_gopher_docs_per_s == 4.0
    assert row.farmscore_exit_codes == [1, 0, 0, 0]
    nothing = whole_process_row(HUMAN_ARTICLES, 600, 1_000, [fast_crash])
    assert nothing.complete_runs == 0
    assert nothing.farmscore_docs_per_s_over_gopher_docs_per_s is None


def test_the_real_text_targets_read_human_articles_and_the_dearest_kind() -> None:
    result = realtext_result({HUMAN_ARTICLES: 0.9, MACHINE_TEXTS: 1.6, FARM_PAGES: 1.1})
    targets = {t.name: t for t in realtext_targets(result)}
    in_process = targets[
        "real_articles_farmscore_docs_per_s_over_gopher_pair_at_1000_words_in_process"
    ]
    assert (in_process.measured, in_process.result) == (2.0, "MISS")  # human articles' row
    whole = targets["real_articles_farmscore_docs_per_s_over_gopher_pair_whole_process"]
    assert (whole.measured, whole.result) == (4.0, "PASS")
    assert "600 files" in whole.description
    per_word = targets["real_text_per_word_cost_at_100000_words_over_1000_words"]
    assert (per_word.measured, per_word.result) == (1.6, "MISS")  # machine texts, the dearest

    shorter = realtext_result(dict.fromkeys(KINDS, 1.0), largest=10_000)
    per_word_shorter = realtext_targets(shorter)[2]
    assert per_word_shorter.result == "NOT RUN"  # judged at 100,000 words only
    assert {t.result for t in realtext_targets(None)} == {"NOT RUN"}


def test_the_real_text_tables_show_every_kind_and_length() -> None:
    result = realtext_result(dict.fromkeys(KINDS, 1.0))
    out = io.StringIO()
    console = Console(file=out, width=200)
    console.print(realtext_table(result))
    console.print(whole_process_table(result))
    console.print(per_word_line(result))
    printed = out.getvalue()
    for title in ("human articles", "machine texts", "farm pages"):
        assert printed.count(title) >= 3
    assert "own (median 640)" in printed
    assert "texts of farm_pages" in printed
    assert "600 × 1,000" in printed
    assert "2/2" in printed  # complete whole-process runs
    assert "4.00×" in printed  # the whole-process ratio: 24 s over 6 s


def test_a_plan_that_would_time_a_text_twice_stops_before_timing() -> None:
    texts = RealTexts(
        streams={HUMAN_ARTICLES: TextStream(HUMAN_ARTICLES, numbered_texts(100, 50))},
        descriptions={},
    )
    plan = replace(
        full_plan(repeats=2),
        realtext_own_length_docs=10,
        realtext_joined_batches=((100, 5),),
        realtext_process_kinds=(HUMAN_ARTICLES,),
        realtext_process_docs=5,
        realtext_process_words_per_doc=100,
        realtext_process_repeats=1,
    )
    check_enough_text(plan, texts)  # 2 × (10 × 50 + 500) + 500 = 2,500 of 5,000 words
    with pytest.raises(RealTextExhaustedError, match=r"human_articles: .*5,500.*5,000"):
        check_enough_text(replace(plan, repeats=5), texts)


# ---- real texts from the shared corpora ------------------------------------------------


@pytest.fixture(scope="module")
def real_texts() -> RealTexts:
    return load_real_texts(shared_path("data"), seed=3)


@pytest.mark.shared
def test_the_real_texts_are_the_kinds_they_claim(real_texts: RealTexts) -> None:
    streams = real_texts.streams
    human = streams[HUMAN_ARTICLES].whole(200)
    machine = streams[MACHINE_TEXTS].whole(200)
    pages = streams[FARM_PAGES].whole(200)
    # Long human articles; machine texts mostly short rewrites, some long pan24 news.
    assert median([word_count(t) for t in human]) > 400
    assert 50 < median([word_count(t) for t in machine]) < 400
    assert max(word_count(t) for t in machine) > 400
    assert len({*human, *machine, *pages}) == 600  # no text twice, across kinds too
    # Farm pages carry farm furniture: comment forms, for one.
    headers = furniture_templates().comment_headers
    assert sum(any(header in page for header in headers) for page in pages) >= 20
    assert (streams[HUMAN_ARTICLES].words_available or 0) > 6_000_000
    assert "opinion" in real_texts.descriptions[HUMAN_ARTICLES]
    assert "pan24_news" in real_texts.descriptions[MACHINE_TEXTS]


@pytest.mark.shared
def test_the_full_plan_never_runs_out_of_real_text(real_texts: RealTexts) -> None:
    check_enough_text(full_plan(), real_texts)
    with pytest.raises(RealTextExhaustedError, match="human_articles"):
        check_enough_text(full_plan(repeats=8), real_texts)


def test_absent_corpora_say_where_they_were_looked_for(tmp_path: Path) -> None:
    absent = re.escape(str(tmp_path / "absent"))
    with pytest.raises(RealTextUnavailableError, match=rf"{absent} is absent.*--real-data"):
        load_real_texts(tmp_path / "absent")


def test_the_gopher_command_judges_each_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("datatrove", reason="datatrove is in the bench extra: make bench-setup")
    (tmp_path / "b.txt").write_text("Too short.")
    (tmp_path / "a.txt").write_text(news_article(300, seed=4))
    (tmp_path / "notes.md").write_text("Not a .txt file.")
    assert gopher_files.main([str(tmp_path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [Path(line["id"]).name for line in lines] == ["a.txt", "b.txt"]
    assert lines[1]["verdicts"] == [[False, "gopher_short_doc"], [False, "top_2_gram"]]
    assert gopher_files.main([str(tmp_path / "absent")]) == 2


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


def test_without_the_gopher_pair_the_real_text_section_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "datatrove.data", None)
    plan = full_plan(sections=frozenset({"realtext"}), repeats=1)
    with (tmp_path / "log.txt").open("w") as log:
        run = run_benchmarks(plan, Console(file=log))
    assert run.realtext is None
    assert re.search(r"ratio to the Gopher pair.*make bench-setup", run.skipped["realtext"])
    assert run.targets[0].result == "NOT RUN"


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
        sections=frozenset({"realtext", "throughput", "pathological", "memory"}),
        repeats=1,
        stream_mb=0.05,
        # Without the shared corpora the real-text section says so and the rest runs.
        real_data_dir=tmp_path / "absent",
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
    assert record["realtext"] is None
    assert re.search(r"absent is absent|Gopher pair", record["skipped"]["realtext"])
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


@pytest.mark.shared
def test_a_tiny_real_text_run_times_every_kind_and_length(tmp_path: Path) -> None:
    pytest.importorskip("datatrove", reason="datatrove is in the bench extra: make bench-setup")
    plan = replace(
        full_plan(sections=frozenset({"realtext"}), repeats=1, real_data_dir=shared_path("data")),
        realtext_own_length_docs=3,
        realtext_joined_batches=((1_000, 2), (3_000, 1)),
        realtext_process_docs=4,
        realtext_process_repeats=1,
        realtext_process_kinds=(HUMAN_ARTICLES,),
    )
    with (tmp_path / "log.txt").open("w") as log:
        run = run_benchmarks(plan, Console(file=log))
    tables = io.StringIO()
    print_run(Console(file=tables, width=160), run)
    out = tmp_path / "latest.json"
    write_json(run, out)

    record = json.loads(out.read_text())
    results_of_sections = {"realtext", "throughput", "scaling", "pathological", "memory"}
    assert next(key for key in record if key in results_of_sections) == "realtext"
    realtext = record["realtext"]
    assert [(row["kind"], row["words_per_doc"]) for row in realtext["rows"]] == [
        (kind, words) for kind in KINDS for words in (None, 1_000, 3_000)
    ]
    for row in realtext["rows"]:
        assert row["farmscore_docs_per_s_over_gopher_docs_per_s"] > 0
        if row["words_per_doc"] is not None:
            assert row["words_per_batch_runs"] == [row["words_per_doc"] * row["docs_per_batch"]]
    (process,) = realtext["whole_process"]
    assert process["complete_runs"] == 1, process
    assert process["farmscore_rows_written"] == process["gopher_rows_written"] == [4]
    assert set(realtext["per_word_cost_largest_over_1000_words"]) == set(KINDS)
    results = {t["name"]: t["result"] for t in record["targets"]}
    assert results["real_articles_farmscore_docs_per_s_over_gopher_pair_whole_process"] in {
        "PASS",
        "MISS",
    }
    # Judged at 100,000 words only: this run stopped at 3,000.
    assert results["real_text_per_word_cost_at_100000_words_over_1000_words"] == "NOT RUN"
    printed = tables.getvalue()
    assert printed.index("Real text, in process") < printed.index("Targets")
    assert "4 × 1,000" in printed
