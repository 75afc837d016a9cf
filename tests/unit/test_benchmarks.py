"""The benchmark harness: its generated and real documents, its arithmetic, its memory sampler
on real processes, its peers, its report, and tiny runs end to end."""

from __future__ import annotations

import argparse
import importlib
import io
import itertools
import json
import re
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from benchmarks import gopher_files, serve_process
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
from benchmarks.plan import MB, SECTIONS, Plan, full_plan
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
    StageRow,
    check_enough_text,
    whole_process_row,
)
from benchmarks.report import (
    BenchmarkRun,
    families_table,
    per_word_line,
    print_run,
    realtext_table,
    run_to_dict,
    serve_table,
    stages_table,
    whole_process_table,
    write_json,
)
from benchmarks.serve_figures import (
    CONNECTION,
    DOCUMENT_ERROR,
    NO_RESULTS,
    NOT_JSON,
    WRONG_IDS,
    WRONG_RESULT_COUNT,
    RequestOutcome,
    ServeResult,
    ServerRun,
    check_response,
    serve_row,
)
from benchmarks.serve_load import RequestBudget, TextSource
from benchmarks.serve_process import ServerProcess, ServerStartError
from benchmarks.stages import SHARED_ANALYSIS, time_stages
from benchmarks.suites import score_like_cli
from benchmarks.targets import Comparison, judge, realtext_targets
from benchmarks.text_stream import (
    PARAGRAPH_BREAK,
    RealTextExhaustedError,
    TextStream,
    split_after_words,
    word_count,
)
from benchmarks.timing import median, paired_ratio_median, percentile, rate_per_second, timed
from farmscore.features import FAMILIES
from farmscore.scoring import BATCH_SIZE, Scorer
from farmscore.training.pages import furniture_templates
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
    ("values", "fraction", "expected"),
    [
        ([7.0], 0.99, 7.0),
        ([10.0, 20.0, 30.0, 40.0], 0.5, 25.0),
        ([40.0, 10.0, 30.0, 20.0], 0.0, 10.0),  # order does not matter
        ([40.0, 10.0, 30.0, 20.0], 1.0, 40.0),
        # p99 of 1..100: rank 98.01 of 0..99, between 99 and 100.
        ([float(v) for v in range(1, 101)], 0.99, 99.01),
        # One slow request in a hundred is above p99 but pulls it up from the pack.
        ([10.0] * 99 + [1_000.0], 0.99, 19.9),
    ],
)
def test_percentiles_interpolate_between_ranks(
    values: list[float], fraction: float, expected: float
) -> None:
    assert percentile(values, fraction) == pytest.approx(expected)


def test_percentiles_of_nothing_or_beyond_the_range_are_errors() -> None:
    with pytest.raises(ValueError, match="at least one request"):
        percentile([], 0.5)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        percentile([1.0], 99)


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
    assert parse_sections("serve") == {"serve"}
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


def test_the_step_by_step_pass_does_the_work_of_the_cli_path() -> None:
    scorer = Scorer.load()
    documents = news_documents(BATCH_SIZE + 6, 300, seed=5)  # over a batch boundary
    stages = time_stages(scorer, documents)
    assert stages.characters_written == score_like_cli(scorer, documents, n_jobs=1)
    assert min(stages.features, stages.wording, stages.model_reasons_rows) > 0
    # The family-by-family pass times the shared analysis and every family, in order.
    assert list(stages.families) == [SHARED_ANALYSIS, *FAMILIES]
    assert min(stages.families.values()) > 0


def test_the_stage_table_shows_each_step_and_the_ceiling() -> None:
    stage = StageRow(
        kind=HUMAN_ARTICLES,
        words_per_doc=1_000,
        features_microseconds_per_word=6.25,
        wording_microseconds_per_word=0.75,
        model_reasons_rows_microseconds_per_word=0.5,
        gopher_microseconds_per_word=20.0,
        gopher_over_model_reasons_rows=40.0,
        family_microseconds_per_word={SHARED_ANALYSIS: 1.5, "repetition": 2.25, "filler": 0.5},
    )
    result = replace(realtext_result({}), stages=[stage])
    out = io.StringIO()
    console = Console(file=out, width=200)
    console.print(stages_table(result))
    console.print(families_table(result))
    printed = out.getvalue()
    assert re.search(r"human articles.*1,000.*6\.25.*0\.75.*0\.50.*20\.00.*40\.00×", printed)
    assert re.search(r"human articles, 1,000 words", printed)
    assert re.search(r"shared text analysis\s*│\s*1\.50", printed)
    assert re.search(r"repetition\s*│\s*2\.25", printed)
    assert re.search(r"all\s*│\s*4\.25", printed)
    assert stages_table(realtext_result({})) is None
    assert families_table(realtext_result({})) is None


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
    pytest.importorskip("spacy", reason="spaCy is in the bench extra: make bench-setup")
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


def _run_print_and_write(
    plan: Plan, tmp_path: Path, width: int = 160
) -> tuple[BenchmarkRun, str, dict[str, Any]]:
    """Run `plan` as `python -m benchmarks` does: the run, its printed tables, and the JSON
    it wrote, read back."""
    with (tmp_path / "log.txt").open("w") as log:
        run = run_benchmarks(plan, Console(file=log))
    printed = io.StringIO()
    print_run(Console(file=printed, width=width), run)
    out = tmp_path / "bench" / "latest.json"
    write_json(run, out)
    return run, printed.getvalue(), json.loads(out.read_text())


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
    run, printed, record = _run_print_and_write(plan, tmp_path, width=140)
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
    assert "Targets" in printed


@pytest.mark.shared
def test_a_tiny_real_text_run_times_every_kind_and_length(tmp_path: Path) -> None:
    pytest.importorskip("datatrove", reason="datatrove is in the bench extra: make bench-setup")
    pytest.importorskip("spacy", reason="spaCy is in the bench extra: make bench-setup")
    plan = replace(
        full_plan(sections=frozenset({"realtext"}), repeats=1, real_data_dir=shared_path("data")),
        realtext_own_length_docs=3,
        realtext_joined_batches=((1_000, 2), (3_000, 1)),
        realtext_process_docs=4,
        realtext_process_repeats=1,
        realtext_process_kinds=(HUMAN_ARTICLES,),
    )
    _, printed, record = _run_print_and_write(plan, tmp_path)
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
    assert [(row["kind"], row["words_per_doc"]) for row in realtext["stages"]] == [
        (kind, 1_000) for kind in KINDS
    ]
    in_process_ratio = {
        row["kind"]: row["farmscore_docs_per_s_over_gopher_docs_per_s"]
        for row in realtext["rows"]
        if row["words_per_doc"] == 1_000
    }
    for stage in realtext["stages"]:
        assert stage["features_microseconds_per_word"] > stage["wording_microseconds_per_word"] > 0
        assert list(stage["family_microseconds_per_word"]) == [SHARED_ANALYSIS, *FAMILIES]
        # The model, reasons and rows alone cost less than the whole of scoring.
        assert stage["gopher_over_model_reasons_rows"] > in_process_ratio[stage["kind"]]
    assert "where farmscore's time goes" in printed
    assert "family by family" in printed
    results = {t["name"]: t["result"] for t in record["targets"]}
    assert results["real_articles_farmscore_docs_per_s_over_gopher_pair_whole_process"] in {
        "PASS",
        "MISS",
    }
    # Judged at 100,000 words only: this run stopped at 3,000.
    assert results["real_text_per_word_cost_at_100000_words_over_1000_words"] == "NOT RUN"
    assert printed.index("Real text, in process") < printed.index("Targets")
    assert "4 × 1,000" in printed


# ---- serve: the response checker, the rows, the clients' helpers, the server's life ----


def score_body(*results: object) -> bytes:
    return json.dumps({"model": {"name": "default"}, "results": list(results)}).encode()


@pytest.mark.parametrize(
    ("status", "body", "sent", "expected"),
    [
        (200, score_body({"id": "a", "score": 0.1}, {"id": "b", "score": 0.9}), ["a", "b"], None),
        (503, b'{"error": "scoring took longer than 30 s"}', ["a"], "status_503"),
        (422, b'{"error": "bad shape"}', ["a"], "status_422"),
        (200, b"<html>gateway</html>", ["a"], NOT_JSON),
        (200, b"\xff\xfe", ["a"], NOT_JSON),
        (200, b'{"model": {}}', ["a"], NO_RESULTS),
        (200, b"[]", ["a"], NO_RESULTS),
        (200, score_body("a"), ["a"], NO_RESULTS),
        (200, score_body({"id": "a", "score": 0.1}), ["a", "b"], WRONG_RESULT_COUNT),
        (200, score_body(), ["a"], WRONG_RESULT_COUNT),
        # The right ids in the wrong order: results must come back in input order.
        (200, score_body({"id": "b"}, {"id": "a"}), ["a", "b"], WRONG_IDS),
        (200, score_body({"id": "a"}, {"id": "a"}), ["a", "b"], WRONG_IDS),
        (200, score_body({"id": "a", "error": "the text has no words"}), ["a"], DOCUMENT_ERROR),
    ],
)
def test_a_response_must_answer_every_document_sent_in_order(
    status: int, body: bytes, sent: list[str], expected: str | None
) -> None:
    assert check_response(status, body, sent) == expected


def test_a_serve_row_counts_only_correct_answers_and_names_each_error() -> None:
    outcomes = [
        *(RequestOutcome(0.010, 2, None) for _ in range(98)),
        RequestOutcome(2.000, 2, "status_503"),  # answered, so its latency counts
        RequestOutcome(None, 2, CONNECTION),  # no answer, no latency
    ]
    row = serve_row(2, 8, 2, 4.0, client_cpu_seconds=1.0, outcomes=outcomes)
    assert (row.workers, row.clients, row.docs_per_request) == (2, 8, 2)
    assert row.requests == 100
    assert row.documents_scored == 196
    assert row.docs_per_s == 49.0
    assert row.requests_per_s == 25.0
    assert row.errors == 2
    assert row.error_kinds == {CONNECTION: 1, "status_503": 1}
    assert row.latency_ms_p50 == pytest.approx(10.0)
    assert row.latency_ms_max == pytest.approx(2_000.0)
    # 99 answered requests: p99 lies between the last fast one and the slow one.
    assert row.latency_ms_p99 is not None
    assert 10.0 < row.latency_ms_p99 < 2_000.0
    assert row.client_cpu_cores == 0.25


def test_a_serve_row_without_answers_has_no_latency() -> None:
    row = serve_row(
        1, 1, 1, 1.0, client_cpu_seconds=0.0, outcomes=[RequestOutcome(None, 1, "timeout")]
    )
    assert row.latency_ms_p50 is row.latency_ms_p99 is row.latency_ms_max is None
    assert (row.documents_scored, row.docs_per_s, row.errors) == (0, 0.0, 1)


def test_the_text_source_gives_unique_ids_across_threads_and_starts_again() -> None:
    source = TextSource(["first", "second", "third"])
    with ThreadPoolExecutor(max_workers=8) as pool:
        batches = list(pool.map(lambda _: source.take(2), range(40)))
    pairs = [pair for batch in batches for pair in batch]
    assert len({doc_id for doc_id, _ in pairs}) == 80
    assert source.documents_sent == 80
    assert source.distinct_texts == 3
    assert TextSource(["a", "b"]).take(5) == [
        ("doc-0", "a"), ("doc-1", "b"), ("doc-2", "a"), ("doc-3", "b"), ("doc-4", "a"),
    ]  # fmt: skip
    with pytest.raises(ValueError, match="at least one text"):
        TextSource([])


def test_the_request_budget_ends_at_its_count_or_its_time() -> None:
    by_count = RequestBudget(seconds=60.0, max_requests=3)
    with pytest.raises(RuntimeError, match="start"):
        by_count.take()
    by_count.start()
    assert [by_count.take() for _ in range(5)] == [True, True, True, False, False]
    by_time = RequestBudget(seconds=0.05, max_requests=1_000_000)
    by_time.start()
    assert by_time.take()
    time.sleep(0.06)
    assert not by_time.take()
    assert by_time.elapsed() >= 0.05


def serve_result(errors_of_the_third_cell: dict[str, int]) -> ServeResult:
    """Four cells of 2 s with 10, 20, 30 and 40 correct answers of one document each."""
    cells = [(1, 1), (1, 8), (2, 1), (2, 8)]
    rows = []
    for index, (workers, clients) in enumerate(cells):
        outcomes = [RequestOutcome(0.02, 1, None)] * (10 * (index + 1))
        if index == 2:
            outcomes += [
                RequestOutcome(0.02, 1, kind)
                for kind, count in errors_of_the_third_cell.items()
                for _ in range(count)
            ]
        rows.append(serve_row(workers, clients, 1, 2.0, 0.5, outcomes))
    return ServeResult(
        texts="generated articles of 660 words, not real text: ../shared/data is absent",
        real_texts=False,
        distinct_texts=2_000,
        documents_sent=120,
        cell_seconds=2.0,
        cell_max_requests=100,
        servers=[ServerRun(1, 1.2, 1, 143, False), ServerRun(2, 3.4, 2, -9, True)],
        rows=rows,
        load_average_1m_before=0.5,
        load_average_1m_after=1.75,
    )


def test_the_serve_table_shows_every_cell_its_errors_and_the_load() -> None:
    printed = io.StringIO()
    result = serve_result({"status_503": 2, WRONG_IDS: 1})
    Console(file=printed, width=200).print(serve_table(result))
    text = printed.getvalue()
    for docs_per_s in ("5.0", "10.0", "15.0", "20.0"):  # errors add nothing to the third
        assert f" {docs_per_s} │" in text
    assert " 33 │" in text  # ...but count as requests
    assert "3 (status_503 2, wrong_ids 1)" in text
    caption = " ".join(text.split())  # the caption wraps
    assert "not real text" in caption
    assert "load average 0.5 → 1.8" in caption
    assert "--workers 1 ready in 1.2 s (1 logged ready; stopped by SIGTERM" in caption
    assert "--workers 2 ready in 3.4 s (2 logged ready; killed" in caption


def test_a_server_that_exits_before_it_is_ready_says_why(tmp_path: Path) -> None:
    server = ServerProcess(1, tmp_path / "serve.log")
    server.argv = [sys.executable, "-c", "print('no model in /nowhere'); raise SystemExit(3)"]
    with server, pytest.raises(ServerStartError, match=r"(?s)code 3.*no model in /nowhere"):
        server.wait_until_ready(timeout_seconds=30)
    assert server.exit_code == 3


def test_a_server_that_never_gets_ready_fails_in_time_and_is_stopped(tmp_path: Path) -> None:
    server = ServerProcess(1, tmp_path / "serve.log")
    server.argv = [sys.executable, "-c", "import time; time.sleep(60)"]
    started = time.perf_counter()
    with server, pytest.raises(ServerStartError, match=r"not ready after 0.5 s"):
        server.wait_until_ready(timeout_seconds=0.5)
    assert time.perf_counter() - started < 5
    assert not server.killed  # SIGTERM was enough
    assert server.exit_code == -signal.SIGTERM


# A server that ignores SIGTERM and has a worker that does too.
STUBBORN_SERVER = """
import signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
worker = subprocess.Popen([sys.executable, "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"])
print(worker.pid, flush=True)
time.sleep(60)
"""


def process_is_gone(pid: int) -> bool:
    """No such process, or a zombie left for init to reap."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "State:\tZ" in status


def fail_once_a_line_is_logged(log: Path) -> None:
    """What a client does when it breaks, once the server has started its worker."""
    deadline = time.perf_counter() + 10
    while not log.read_text().strip() and time.perf_counter() < deadline:
        time.sleep(0.05)
    raise RuntimeError("a client failed")


def test_a_stubborn_server_and_its_workers_are_killed_when_the_block_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serve_process, "SHUTDOWN_GRACE_SECONDS", 0.5)
    log = tmp_path / "serve.log"
    server = ServerProcess(2, log)
    server.argv = [sys.executable, "-c", STUBBORN_SERVER]
    with pytest.raises(RuntimeError, match="a client failed"), server:
        fail_once_a_line_is_logged(log)
    worker_pid = int(log.read_text().split()[0])
    assert server.killed
    assert server.exit_code == -signal.SIGKILL
    deadline = time.perf_counter() + 5
    while not process_is_gone(worker_pid) and time.perf_counter() < deadline:
        time.sleep(0.05)
    assert process_is_gone(worker_pid)


def test_a_tiny_serve_run_loads_a_real_server(tmp_path: Path) -> None:
    plan = replace(
        # Without the shared corpora, generated articles, and the report says so.
        full_plan(sections=frozenset({"serve"}), repeats=1, real_data_dir=tmp_path / "absent"),
        serve_workers=(1,),
        serve_cells=((1, 1), (4, 3)),
        serve_cell_seconds=1.0,
        serve_cell_max_requests=10_000,
    )
    run, printed, record = _run_print_and_write(plan, tmp_path)
    serve = record["serve"]
    assert serve is not None, run.skipped
    assert not serve["real_texts"]
    assert "absent" in serve["texts"]
    (server,) = serve["servers"]
    assert server["workers_ready_logged"] == 1
    assert not server["killed"]
    assert [(row["clients"], row["docs_per_request"]) for row in serve["rows"]] == [(1, 1), (4, 3)]
    for row in serve["rows"]:
        assert row["errors"] == 0, row["error_kinds"]
        assert row["requests"] > 0
        assert row["documents_scored"] == row["requests"] * row["docs_per_request"]
        assert 1.0 <= row["seconds"] < 10.0
        assert 0 < row["latency_ms_p50"] <= row["latency_ms_p99"] <= row["latency_ms_max"]
    # Every request of the run, warm-ups (one per client) included, had its own documents.
    sent = sum(row["documents_scored"] for row in serve["rows"]) + 1 * 1 + 4 * 3
    assert serve["documents_sent"] == sent
    assert "Serve: `farmscore serve`" in printed
