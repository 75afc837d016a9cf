"""Loading, describing, de-shortcutting and splitting the training corpora."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest

from farmscore.training.corpora import (
    CORPUS_COLUMNS,
    MIN_WORDS_AFTER_STRIP,
    CorpusError,
    file_digests,
    load_corpora,
    parse_source,
    split_by_group,
    strip_shared_openings,
)
from farmscore.training.splits import is_test_group


def _row(
    row_id: str,
    text: str = "Some text here.",
    label: str = "content_farm",
    source: str = "l2r/NewsArticle/GPT-4o",
    group: str = "l2r/NewsArticle/0",
) -> dict[str, str]:
    return {"id": row_id, "text": text, "label": label, "source": source, "group": group}


def _write_jsonl(path: Path, lines: Sequence[object]) -> Path:
    """Write one line per item: dicts as JSON, strings as they are (for malformed lines)."""
    rendered = [item if isinstance(item, str) else json.dumps(item) for item in lines]
    path.write_text("\n".join(rendered) + "\n", encoding="utf-8")
    return path


GOOD_ROWS = [
    _row("l2r/a", source="l2r/NewsArticle/GPT-4o"),
    _row("l2r/b", label="substantive", source="l2r/NewsArticle/human"),
    _row("x/a", source="glimpse_xsum/claude-3-opus-20240229", group="xsum/1"),
    _row("x/b", label="substantive", source="fastdetectgpt_xsum/human", group="xsum/1"),
    _row("bbc/a", label="substantive", source="bbc/2004-2005", group="bbc/2004-2005/a"),
    _row("op/a", label="substantive", source="opinion/Major/NYTimes/2021", group="op/a"),
    _row("ln/a", label="substantive", source="localnews/2020", group="ln/a"),
]


def test_load_corpora_adds_label_codes_generator_domain_and_file(tmp_path: Path) -> None:
    _write_jsonl(tmp_path / "one.jsonl", GOOD_ROWS[:4])
    _write_jsonl(tmp_path / "two.jsonl", GOOD_ROWS[4:])
    frame = load_corpora(tmp_path, ["one.jsonl", "two.jsonl"])
    assert list(frame.columns) == list(CORPUS_COLUMNS)
    assert frame["label"].dtype == "int64"
    got = frame[["id", "label", "generator", "domain", "file"]].to_dict("records")
    assert got == [
        {
            "id": "l2r/a",
            "label": 1,
            "generator": "GPT-4o",
            "domain": "NewsArticle",
            "file": "one.jsonl",
        },
        {
            "id": "l2r/b",
            "label": 0,
            "generator": "human",
            "domain": "NewsArticle",
            "file": "one.jsonl",
        },
        {
            "id": "x/a",
            "label": 1,
            "generator": "claude-3-opus-20240229",
            "domain": "xsum",
            "file": "one.jsonl",
        },
        {"id": "x/b", "label": 0, "generator": "human", "domain": "xsum", "file": "one.jsonl"},
        {"id": "bbc/a", "label": 0, "generator": "human", "domain": "bbc", "file": "two.jsonl"},
        {"id": "op/a", "label": 0, "generator": "human", "domain": "opinion", "file": "two.jsonl"},
        {
            "id": "ln/a",
            "label": 0,
            "generator": "human",
            "domain": "localnews",
            "file": "two.jsonl",
        },
    ]


def test_load_corpora_keeps_text_as_published_and_skips_blank_lines(tmp_path: Path) -> None:
    text = "  Line one.\r\nLine two — ü 中文  "
    path = tmp_path / "c.jsonl"
    body = json.dumps(_row("a", text=text)) + "\r\n\r\n   \n" + json.dumps(_row("b")) + "\r\n"
    path.write_bytes(body.encode("utf-8"))
    frame = load_corpora(tmp_path, ["c.jsonl"])
    assert frame["id"].tolist() == ["a", "b"]
    assert frame.loc[0, "text"] == text


def test_load_corpora_of_an_empty_file_is_an_empty_table(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")
    frame = load_corpora(tmp_path, ["empty.jsonl"])
    assert frame.empty
    assert list(frame.columns) == list(CORPUS_COLUMNS)


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ('{"id": "x", "text": ', "not valid JSON"),
        ("[1, 2, 3]", "expected a JSON object, got list"),
        (
            json.dumps({"id": "x", "text": "t", "label": "content_farm", "source": "l2r/A/B"}),
            "group",
        ),
        (json.dumps(_row("x") | {"text": 12}), "'text' must be a string"),
        (json.dumps(_row("x", text="   \n ")), "'text' is empty"),
        (json.dumps(_row("x", label="spam")), "label 'spam' is not one of"),
        (json.dumps(_row("x", source="reddit/foo")), "unknown layout"),
        (json.dumps(_row("x", source="l2r/NewsArticle")), "unknown layout"),
        (json.dumps(_row("x", label="content_farm", source="l2r/News/human")), "names writer"),
        (json.dumps(_row("x", label="substantive", source="glimpse_xsum/gpt-4")), "names writer"),
        (json.dumps(_row("x", label="content_farm", source="bbc/2004-2005")), "names writer"),
    ],
)
def test_load_corpora_names_file_and_line_of_a_bad_row(
    tmp_path: Path, bad_line: str, message: str
) -> None:
    _write_jsonl(tmp_path / "bad.jsonl", [_row("ok1"), _row("ok2"), bad_line])
    with pytest.raises(CorpusError, match=r"bad\.jsonl line 3") as caught:
        load_corpora(tmp_path, ["bad.jsonl"])
    assert message in str(caught.value)


def test_load_corpora_rejects_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    good = json.dumps(_row("a")).encode()
    (tmp_path / "bin.jsonl").write_bytes(good + b"\n" + b'{"id": "\xff\xfe"}\n')
    with pytest.raises(CorpusError, match=r"bin.jsonl line 2: not UTF-8"):
        load_corpora(tmp_path, ["bin.jsonl"])


def test_load_corpora_rejects_an_id_used_twice_naming_both_places(tmp_path: Path) -> None:
    _write_jsonl(tmp_path / "a.jsonl", [_row("same")])
    _write_jsonl(tmp_path / "b.jsonl", [_row("other"), _row("same")])
    with pytest.raises(
        CorpusError, match=r"b.jsonl line 2: id 'same' already used at a.jsonl line 1"
    ):
        load_corpora(tmp_path, ["a.jsonl", "b.jsonl"])


def test_load_corpora_missing_file_says_which(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nope\.jsonl"):
        load_corpora(tmp_path, ["nope.jsonl"])


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("l2r/NewsArticle/GPT-4o", ("GPT-4o", "NewsArticle")),
        ("l2r/AcademicResearch/human", ("human", "AcademicResearch")),
        ("glimpse_xsum/gemini-1.5-pro", ("gemini-1.5-pro", "xsum")),
        ("fastdetectgpt_xsum/davinci", ("davinci", "xsum")),
        ("bbc/2004-2005", ("human", "bbc")),
        ("opinion/Colleges/Crimson/2020", ("human", "opinion")),
        ("localnews/2021", ("human", "localnews")),
    ],
)
def test_parse_source(source: str, expected: tuple[str, str]) -> None:
    assert parse_source(source) == expected


@pytest.mark.parametrize("source", ["", "l2r", "l2r//GPT-4o", "xsum/gpt-4", "web/page/x"])
def test_parse_source_rejects_unknown_layouts(source: str) -> None:
    with pytest.raises(ValueError, match="unknown layout"):
        parse_source(source)


def test_file_digests_hash_bytes_and_count_rows(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "d.jsonl", GOOD_ROWS)
    (digest,) = file_digests(tmp_path, ["d.jsonl"])
    assert digest["file"] == "d.jsonl"
    assert digest["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest["size_bytes"] == path.stat().st_size
    assert digest["rows"] == 7
    assert digest["rows_by_label"] == {"content_farm": 2, "substantive": 5}
    assert digest["rows_by_source"]["l2r/NewsArticle/GPT-4o"] == 1
    assert sum(digest["rows_by_source"].values()) == 7
    assert list(digest["rows_by_source"]) == sorted(digest["rows_by_source"])


def test_file_digests_change_when_a_file_changes(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "d.jsonl", GOOD_ROWS)
    before = file_digests(tmp_path, ["d.jsonl"])[0]["sha256"]
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert file_digests(tmp_path, ["d.jsonl"])[0]["sha256"] != before


def test_file_digests_refuse_invalid_files(tmp_path: Path) -> None:
    _write_jsonl(tmp_path / "bad.jsonl", [_row("a"), "not json"])
    with pytest.raises(CorpusError, match=r"bad\.jsonl line 2"):
        file_digests(tmp_path, ["bad.jsonl"])


# --- strip_shared_openings --------------------------------------------------------------------

PROMPT = "Police in Wiltshire are investigating a crash on the B390 near Shrewton on Friday night"
HUMAN_REST = " ".join(f"human{i}" for i in range(30))
MODEL_REST = " ".join(f"model{i}" for i in range(30))


def _xsum_frame(rows: list[tuple[str, int, str]], domain: str = "xsum") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": [text for _, _, text in rows],
            "label": [label for _, label, _ in rows],
            "group": [group for group, _, _ in rows],
            "domain": [domain] * len(rows),
            "id": [f"r{i}" for i in range(len(rows))],
        }
    )


def test_strip_shared_openings_removes_the_shared_prefix_from_both_sides() -> None:
    frame = _xsum_frame(
        [
            ("g", 0, f"{PROMPT} {HUMAN_REST}"),
            ("g", 1, f"{PROMPT}\n\n{MODEL_REST}"),
        ]
    )
    stripped = strip_shared_openings(frame)
    assert stripped["text"].tolist() == [HUMAN_REST, MODEL_REST]
    assert stripped["id"].tolist() == ["r0", "r1"]


def test_strip_shared_openings_cuts_at_a_word_boundary_not_mid_word() -> None:
    # "crash" and "crashed" share characters, not a word: the cut falls before them.
    frame = _xsum_frame(
        [
            ("g", 0, f"Police found the crash site {HUMAN_REST}"),
            ("g", 1, f"Police found the crashed car {MODEL_REST}"),
        ]
    )
    stripped = strip_shared_openings(frame)
    assert stripped["text"].tolist() == [
        f"crash site {HUMAN_REST}",
        f"crashed car {MODEL_REST}",
    ]


def test_strip_shared_openings_human_loses_its_longest_match_each_model_its_own() -> None:
    words = PROMPT.split()
    long_model = " ".join(words) + " " + MODEL_REST
    short_model = " ".join(words[:4]) + " quite different words " + MODEL_REST
    frame = _xsum_frame(
        [("g", 0, f"{PROMPT} {HUMAN_REST}"), ("g", 1, long_model), ("g", 1, short_model)]
    )
    stripped = strip_shared_openings(frame)["text"].tolist()
    assert stripped[0] == HUMAN_REST
    assert stripped[1] == MODEL_REST
    assert stripped[2] == "quite different words " + MODEL_REST


def test_strip_shared_openings_drops_rows_left_too_short() -> None:
    short_rest = " ".join(["tail"] * (MIN_WORDS_AFTER_STRIP - 1))
    frame = _xsum_frame([("g", 0, f"{PROMPT} {HUMAN_REST}"), ("g", 1, f"{PROMPT} {short_rest}")])
    stripped = strip_shared_openings(frame)
    assert stripped["id"].tolist() == ["r0"]
    assert stripped.index.tolist() == [0]


def test_strip_shared_openings_leaves_other_rows_and_the_input_alone() -> None:
    xsum = _xsum_frame([("g", 0, f"{PROMPT} {HUMAN_REST}"), ("g", 1, f"{PROMPT} {MODEL_REST}")])
    l2r = _xsum_frame(
        [("l", 0, f"{PROMPT} {HUMAN_REST}"), ("l", 1, f"{PROMPT} {MODEL_REST}")], domain="News"
    )
    lonely = _xsum_frame([("solo", 1, f"{PROMPT} {MODEL_REST}")])
    frame = pd.concat([xsum, l2r, lonely], ignore_index=True)
    before = frame.copy()
    stripped = strip_shared_openings(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert stripped["text"].tolist()[2:] == frame["text"].tolist()[2:]
    assert stripped["text"].tolist()[:2] == [HUMAN_REST, MODEL_REST]


def test_strip_shared_openings_without_shared_words_changes_nothing() -> None:
    frame = _xsum_frame([("g", 0, HUMAN_REST), ("g", 1, MODEL_REST)])
    pd.testing.assert_frame_equal(strip_shared_openings(frame), frame)


def test_strip_shared_openings_needs_its_columns() -> None:
    with pytest.raises(ValueError, match="domain"):
        strip_shared_openings(pd.DataFrame({"text": ["a"], "label": [0], "group": ["g"]}))


# --- split_by_group ---------------------------------------------------------------------------


def test_split_by_group_keeps_each_group_on_one_side() -> None:
    groups = [f"l2r/News/{i}" for i in range(200) for _ in range(3)]
    frame = pd.DataFrame({"group": groups, "text": [str(i) for i in range(len(groups))]})
    train, test = split_by_group(frame)
    assert len(train) + len(test) == len(frame)
    assert set(train["group"]).isdisjoint(test["group"])
    assert all(is_test_group(g) for g in test["group"])
    assert not any(is_test_group(g) for g in train["group"])
    # One group in five is held out: with 200 groups, somewhere between 10% and 30%.
    assert 0.1 < test["group"].nunique() / 200 < 0.3
    assert train.index.tolist() == list(range(len(train)))
