"""The filler lexicon: log-odds, phrase matching, the candidate and lexicon files, mining."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, replace
from pathlib import Path

import pytest

from farmscore.features.lexicon import (
    CATEGORIES,
    FORMAT_VERSION,
    Candidate,
    LexiconEntry,
    LexiconFormatError,
    LogOdds,
    PhraseMatcher,
    dirichlet_log_odds,
    entry_weight,
    lexicon_to_json,
    load_candidates,
    load_lexicon,
    parse_candidates,
    parse_lexicon,
    phrase_tokens,
    read_package_text,
)
from farmscore.training.lexicon_mining import (
    FUNCTION_WORDS,
    MiningSettings,
    build_lexicon,
    compare,
    mine_function_ngrams,
    paired_groups,
    read_training_rows,
    sha256_text,
    source_domain,
)
from farmscore.training.splits import is_test_group

# --- log-odds ---------------------------------------------------------------------------------


def test_log_odds_matches_hand_computation() -> None:
    # Class a: 10 of 100 words; class b: 5 of 200; prior 1 pseudo-count of 10 pseudo-words.
    # delta = ln(11 / (110 - 11)) - ln(6 / (210 - 6)) = ln(0.111111) - ln(0.0294118)
    #       = -2.197225 + 3.526361 = 1.329136
    # sigma = sqrt(1/11 + 1/6) = sqrt(0.257576) = 0.507519;  z = 1.329136 / 0.507519 = 2.618888
    result = dirichlet_log_odds(10, 100, 5, 200, prior_count=1, prior_total=10)
    assert result.log_odds == pytest.approx(1.329136, abs=1e-6)
    assert result.z == pytest.approx(2.618888, abs=1e-6)


def test_log_odds_is_antisymmetric_and_zero_for_equal_rates() -> None:
    ab = dirichlet_log_odds(10, 100, 5, 200, prior_count=1, prior_total=10)
    ba = dirichlet_log_odds(5, 200, 10, 100, prior_count=1, prior_total=10)
    assert ba.log_odds == pytest.approx(-ab.log_odds)
    assert ba.z == pytest.approx(-ab.z)
    same = dirichlet_log_odds(4, 400, 40, 4000, prior_count=2, prior_total=200)
    assert same.log_odds == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(("prior_count", "prior_total"), [(0, 10), (-1, 10), (10, 10), (5, 2)])
def test_log_odds_rejects_an_improper_prior(prior_count: float, prior_total: float) -> None:
    with pytest.raises(ValueError, match="prior_count"):
        dirichlet_log_odds(1, 10, 1, 10, prior_count=prior_count, prior_total=prior_total)


def test_compare_uses_per_word_rates_and_a_balanced_prior() -> None:
    assert compare(0, 1000, 0, 5000, prior_words=100) == LogOdds(0.0, 0.0)
    # Same per-word rate in classes of very different size: no difference.
    assert compare(10, 1000, 50, 5000, prior_words=100).log_odds == pytest.approx(0.0)
    # Background rate = (10/1000 + 5/5000) / 2 = 0.0055 -> 0.55 pseudo-counts of 100 words.
    expected = dirichlet_log_odds(10, 1000, 5, 5000, prior_count=0.55, prior_total=100)
    assert compare(10, 1000, 5, 5000, prior_words=100) == expected
    assert expected.log_odds > 0


@pytest.mark.parametrize(
    ("overall", "paired", "expected"),
    [
        (LogOdds(2.0, 5.0), LogOdds(1.5, 3.0), 1.5),  # the smaller estimate
        (LogOdds(1.0, 5.0), LogOdds(2.5, 0.5), 1.0),  # paired only needs the same direction
        (LogOdds(4.0, 9.0), LogOdds(3.5, 6.0), 3.0),  # capped
        (LogOdds(2.0, 1.9), LogOdds(2.0, 5.0), 0.0),  # overall not significant
        (LogOdds(2.0, 5.0), LogOdds(-0.2, -1.0), 0.0),  # a domain effect: reverses in stories
        (LogOdds(-1.0, -5.0), LogOdds(-1.0, -5.0), 0.0),  # human-leaning
    ],
)
def test_entry_weight(overall: LogOdds, paired: LogOdds, expected: float) -> None:
    assert entry_weight(overall, paired, z_min=1.96, cap=3.0) == pytest.approx(expected)


# --- tokens and matching ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "tokens"),
    [
        ("Moreover", ("moreover",)),
        ("In today’s fast-paced world", ("in", "today's", "fast", "paced", "world")),
        ("It's  NOT just   about", ("it's", "not", "just", "about")),
        ("itʼs", ("it's",)),
        ("", ()),
        ("  ... !", ()),
    ],
)
def test_phrase_tokens(phrase: str, tokens: tuple[str, ...]) -> None:
    assert phrase_tokens(phrase) == tokens


def _matches(matcher: PhraseMatcher[Candidate], text: str, longest: bool) -> list[str]:
    words = list(phrase_tokens(text))
    found = matcher.longest_matches(words) if longest else matcher.all_matches(words)
    return [" ".join(words[i : i + n]) for i, n, _ in found]


MATCHER = PhraseMatcher(
    [Candidate(p, "filler") for p in ("crucial", "plays a crucial role", "a crucial", "delve")]
)


def test_all_matches_counts_overlaps_and_longest_matches_does_not() -> None:
    text = "It plays a crucial role, a crucial one. Crucial!"
    assert _matches(MATCHER, text, longest=False) == [
        "plays a crucial role",
        "a crucial",
        "crucial",
        "a crucial",
        "crucial",
        "crucial",
    ]
    assert _matches(MATCHER, text, longest=True) == ["plays a crucial role", "a crucial", "crucial"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("delved delving delves", []),  # inflections are separate entries, not prefixes
        ("undelve delve-ish", ["delve"]),  # a hyphen splits tokens
        ("plays a crucial", ["a crucial"]),  # a phrase cut off by the end of text
        ("plays a crucial moment", ["a crucial"]),  # a longer phrase fails half-way
        ("", []),
    ],
)
def test_matching_is_on_whole_tokens(text: str, expected: list[str]) -> None:
    assert _matches(MATCHER, text, longest=True) == expected


# --- candidate file -------------------------------------------------------------------------


def _candidates_json(categories: object, version: int = 1) -> str:
    return json.dumps({"format_version": version, "categories": categories})


def test_shipped_candidates_cover_every_category_without_duplicates() -> None:
    candidates = load_candidates()
    assert 300 <= len(candidates) <= 2000
    by_category = {c.category for c in candidates}
    assert by_category == set(CATEGORIES) - {"mined"}
    assert len({c.tokens for c in candidates}) == len(candidates)
    assert all(c.origin == "curated" for c in candidates)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (_candidates_json({"filler": ["moreover", "Moreover"]}), "duplicates"),
        (_candidates_json({"filler": ["in today's"], "hedge": ["in today’s"]}), "duplicates"),
        (_candidates_json({"filler": ["..."]}), "no word tokens"),
        (_candidates_json({"gossip": ["x"]}), "unknown category"),
        (_candidates_json({"mined": ["a b"]}), "unknown category"),
        (_candidates_json({"filler": "moreover"}), "must list strings"),
        (_candidates_json({"filler": ["x"]}, version=2), "format_version"),
        ("{not json", "not JSON"),
    ],
)
def test_bad_candidate_files_are_refused(raw: str, message: str) -> None:
    with pytest.raises(LexiconFormatError, match=message):
        parse_candidates(raw, "cands.json")


# --- lexicon file -------------------------------------------------------------------------------


def _entry(phrase: str = "delve", **changes: object) -> LexiconEntry:
    base = LexiconEntry(
        phrase=phrase,
        category="llm_vocab",
        origin="curated",
        count_human=2,
        count_machine=30,
        rate_human_per_1k=0.001,
        rate_machine_per_1k=0.05,
        docfreq_human=2,
        docfreq_machine=25,
        domains_machine=9,
        log_odds=3.1,
        z=8.0,
        log_odds_paired=2.4,
        z_paired=3.0,
        weight=2.4,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_lexicon_json_round_trips() -> None:
    entries = [_entry(), _entry("moreover", category="transition", weight=0.0)]
    text = lexicon_to_json(
        {"lexicon_version": "9", "created": "2020-01-01", "x": {"a": 1}}, entries
    )
    lexicon = parse_lexicon(text, "lex.json")
    assert lexicon.entries == tuple(entries)
    assert lexicon.lexicon_version == "9"
    assert lexicon.header["x"] == {"a": 1}
    assert [e.phrase for e in lexicon.weighted()] == ["delve"]
    # One entry per line, so a diff of two versions reads phrase by phrase.
    assert sum(1 for line in text.splitlines() if '"phrase"' in line) == 2


def _lexicon_text(entry: dict[str, object], version: object = FORMAT_VERSION) -> str:
    return json.dumps({"format_version": version, "entries": [entry]})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"weight": -0.5}, "negative weight"),
        ({"count_human": -1}, "count_human"),
        ({"count_human": True}, "count_human"),
        ({"z": "high"}, "'z'"),
        ({"z": False}, "'z'"),
        ({"weight": float("nan")}, "'weight'"),
        ({"category": "gossip"}, "unknown category"),
        ({"origin": "guessed"}, "unknown category or origin"),
        ({"extra": 1}, "exactly"),
    ],
)
def test_bad_lexicon_entries_are_refused(change: dict[str, object], message: str) -> None:
    raw = {**asdict(_entry()), **change}
    with pytest.raises(LexiconFormatError, match=message):
        parse_lexicon(_lexicon_text(raw), "lex.json")


def test_lexicon_of_another_format_version_is_refused() -> None:
    with pytest.raises(LexiconFormatError, match="format_version 2"):
        parse_lexicon(json.dumps({"format_version": 2, "entries": []}), "lex.json")
    with pytest.raises(LexiconFormatError, match="not JSON"):
        parse_lexicon("", "lex.json")


# --- the shipped lexicon ------------------------------------------------------------------------


def test_shipped_lexicon_records_its_provenance() -> None:
    lexicon = load_lexicon()
    header = lexicon.header
    assert lexicon.format_version == FORMAT_VERSION
    assert lexicon.lexicon_version
    assert lexicon.created
    assert {c["file"] for c in header["corpora"]} >= {"l2r.jsonl", "xsum.jsonl"}
    for corpus in header["corpora"]:
        assert len(corpus["sha256"]) == 64
        assert 0 < corpus["rows_used"] < corpus["rows"]  # the test split was left out
    assert "is_test_group" in header["split_rule"]
    assert header["prior"]["prior_words"] > 0
    assert header["totals"]["words_human"] > 0
    assert header["totals"]["words_machine"] > 0


def test_shipped_lexicon_is_measured_from_the_shipped_candidates() -> None:
    # Editing the candidate list without re-running training/mine_lexicon.py fails here.
    lexicon = load_lexicon()
    text = read_package_text("lexicon_candidates.json")
    assert lexicon.header["candidates"]["sha256"] == sha256_text(text)
    curated = {(e.phrase, e.category) for e in lexicon.entries if e.origin == "curated"}
    assert curated == {(c.phrase, c.category) for c in load_candidates()}


def test_shipped_lexicon_figures_are_consistent() -> None:
    lexicon = load_lexicon()
    totals = lexicon.header["totals"]
    rule = lexicon.header["weight_rule"]
    for e in lexicon.entries:
        assert e.rate_human_per_1k == pytest.approx(
            1000 * e.count_human / totals["words_human"], rel=1e-3
        )
        assert e.rate_machine_per_1k == pytest.approx(
            1000 * e.count_machine / totals["words_machine"], rel=1e-3
        )
        assert e.docfreq_human <= min(e.count_human, totals["docs_human"])
        assert e.docfreq_machine <= min(e.count_machine, totals["docs_machine"])
        if e.weight > 0:
            assert e.rate_machine_per_1k > e.rate_human_per_1k, e.phrase
            assert e.z >= rule["z_min"], e.phrase
            assert e.log_odds_paired > 0, e.phrase
            assert e.weight <= min(e.log_odds, e.log_odds_paired, rule["cap"]) + 1e-4, e.phrase
    # Common tells that human writers use as much are kept, with weight 0, for the reader.
    unweighted_common = [e for e in lexicon.entries if e.weight == 0 and e.docfreq_human > 100]
    assert len(unweighted_common) >= 10
    assert 50 <= len(lexicon.weighted()) < len(lexicon.entries)


def test_shipped_lexicon_holds_only_phrases_not_corpus_text() -> None:
    path = Path(__file__).resolve().parents[2] / "src/farmscore/data/lexicon.json"
    assert path.stat().st_size < 1_000_000
    for e in load_lexicon().entries:
        tokens = phrase_tokens(e.phrase)
        assert 1 <= len(tokens) <= 6, e.phrase
        if e.origin == "mined":
            assert e.category == "mined"
            assert 2 <= len(tokens) <= 4
            assert set(tokens) <= FUNCTION_WORDS, e.phrase


# --- mining on a tiny corpus ----------------------------------------------------------------------


def _group(test_split: bool, prefix: str) -> str:
    """The first group name with this prefix that falls on the wanted side of the split."""
    return next(
        f"{prefix}/{i}" for i in range(1000) if is_test_group(f"{prefix}/{i}") == test_split
    )


def _write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_mining_counts_training_rows_only(tmp_path: Path) -> None:
    train, held_out = _group(False, "toy"), _group(True, "toy")
    rows = [
        {
            "text": "Moreover we delve. Delve again.",
            "label": "content_farm",
            "group": train,
            "source": "toy/Dom/gpt",
        },
        {
            "text": "The council met on Monday and moreover voted.",
            "label": "substantive",
            "group": train,
            "source": "toy/Dom/human",
        },
        # Held out: its 'delve' must not reach the lexicon.
        {
            "text": "delve delve delve delve",
            "label": "substantive",
            "group": held_out,
            "source": "toy/Dom/human",
        },
    ]
    path = _write_jsonl(tmp_path / "toy.jsonl", rows)
    header, entries = build_lexicon(
        [path], MiningSettings(mine_ngrams=False), lexicon_version="t", created="2020-01-01"
    )
    by_phrase = {e.phrase: e for e in entries}
    assert header["corpora"] == [
        {
            "file": "toy.jsonl",
            "sha256": header["corpora"][0]["sha256"],
            "rows": 3,
            "rows_used": 2,
        }
    ]
    assert header["totals"]["words_machine"] == 5
    assert header["totals"]["words_human"] == 8
    assert header["totals"]["docs_human_paired"] == 1
    delve = by_phrase["delve"]
    assert (delve.count_machine, delve.count_human) == (2, 0)
    assert (delve.docfreq_machine, delve.docfreq_human) == (1, 0)
    assert delve.rate_machine_per_1k == pytest.approx(400.0)
    assert delve.domains_machine == 1
    moreover = by_phrase["moreover"]
    assert (moreover.count_machine, moreover.count_human) == (1, 1)
    # Text goes nowhere: the lexicon holds phrases and counts.
    assert "council" not in lexicon_to_json(header, entries)


def test_read_training_rows_names_the_bad_line(tmp_path: Path) -> None:
    train = _group(False, "toy")
    good = {"text": "a", "label": "substantive", "group": train}
    bad = {"text": "b", "label": "spam", "group": train}
    path = _write_jsonl(tmp_path / "bad.jsonl", [good, bad])
    with pytest.raises(ValueError, match=r"bad\.jsonl:2: label 'spam'"):
        read_training_rows(path)
    path.write_text('{"text": "no label"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:1: expected JSON"):
        read_training_rows(path)


def test_read_training_rows_keeps_line_separators_inside_strings(tmp_path: Path) -> None:
    train = _group(False, "toy")
    row = {"text": "one\u2028two", "label": "content_farm", "group": train, "source": "a/b/c"}
    path = tmp_path / "sep.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    rows, info = read_training_rows(path)
    assert [r.text for r in rows] == ["one\u2028two"]
    assert (info.rows, info.rows_used, rows[0].domain) == (1, 1, "a/b")


@pytest.mark.parametrize(
    ("source", "domain"),
    [
        ("l2r/Business/GPT-4o", "l2r/Business"),
        ("glimpse_xsum/human", "glimpse_xsum"),
        ("bbc", "bbc"),
    ],
)
def test_source_domain(source: str, domain: str) -> None:
    assert source_domain(source) == domain


def test_paired_groups_need_both_labels(tmp_path: Path) -> None:
    g1, g2 = _group(False, "p"), _group(False, "q")
    path = _write_jsonl(
        tmp_path / "p.jsonl",
        [
            {"text": "x", "label": "substantive", "group": g1},
            {"text": "y", "label": "content_farm", "group": g1},
            {"text": "z", "label": "substantive", "group": g2},
        ],
    )
    rows, _ = read_training_rows(path)
    assert paired_groups(rows) == frozenset({g1})


def test_mined_ngrams_are_function_words_only(tmp_path: Path) -> None:
    g = _group(False, "m")
    machine = "It is within a day. " * 20 + "Budget cuts within a year."
    human = "The budget was cut on Monday. " * 20
    path = _write_jsonl(
        tmp_path / "m.jsonl",
        [
            {"text": machine, "label": "content_farm", "group": g, "source": "m/A/gpt"},
            {"text": human, "label": "substantive", "group": g, "source": "m/A/human"},
        ],
    )
    rows, _ = read_training_rows(path)
    # A small prior, so that twenty occurrences are significant.
    settings = MiningSettings(prior_words=10, mined_z_min=1.0, mined_min_count_machine=5)
    mined = mine_function_ngrams(rows, paired_groups(rows), [("it", "is")], settings)
    assert mined, "expected at least one n-gram from the toy corpus"
    for cand in mined:
        assert cand.origin == "mined"
        assert cand.category == "mined"
        assert set(cand.tokens) <= FUNCTION_WORDS
        assert cand.tokens != ("it", "is")  # excluded: already a candidate
    # No chosen n-gram contains another.
    chosen = [c.tokens for c in mined]

    def inside(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
        k = len(short)
        return any(long[i : i + k] == short for i in range(len(long) - k + 1))

    assert not any(a != b and inside(b, a) for a in chosen for b in chosen), chosen
    assert ("within", "a") in chosen or ("is", "within", "a") in chosen, chosen


def test_log_odds_weights_are_finite_for_the_whole_lexicon() -> None:
    for e in load_lexicon().entries:
        assert all(math.isfinite(v) for v in (e.log_odds, e.z, e.log_odds_paired, e.weight))
