"""The benchmark of this farmscore beside another version: its articles, its rounds run in
real child processes, and its errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.release_pair import (
    ARTICLE_WORDS,
    REPOSITORY,
    Version,
    long_articles,
    main,
    run_pairs,
)
from benchmarks.text_stream import word_count
from tests.conftest import shared_path


@pytest.mark.shared
def test_the_articles_are_long_human_ones_cut_at_the_thousandth_word() -> None:
    data = shared_path("data")
    articles = long_articles(data, 20, seed=0)
    assert len(set(articles)) == 20
    assert {word_count(article) for article in articles} == {ARTICLE_WORDS}
    assert any("\n" in article for article in articles)  # their layout kept
    assert long_articles(data, 20, seed=0) == articles
    assert long_articles(data, 20, seed=1) != articles
    with pytest.raises(ValueError, match="human articles of 1,000 words"):
        long_articles(data, 10**6, seed=0)


@pytest.mark.shared
def test_rounds_alternate_the_versions_in_new_processes_and_give_the_median_ratio(
    capsys: pytest.CaptureFixture[str],
) -> None:
    texts = long_articles(shared_path("data"), 3, seed=0)
    this = Version.at("this", REPOSITORY)
    figures = run_pairs(this, Version("again", this.source, this.model), texts, 2, 1)
    times = figures.this_microseconds_per_word, figures.other_microseconds_per_word
    assert all(len(each) == 2 and min(each) > 0 for each in times)
    assert 0.2 < figures.median_ratio < 5
    printed = capsys.readouterr().out
    assert (
        len(re.findall(r"^round \d: again [\d.]+ µs/word, this [\d.]+, ratio", printed, re.M)) == 2
    )
    assert "this over again: median ratio" in printed
    with pytest.raises(ValueError, match="name them apart"):
        run_pairs(this, this, texts, 1, 1)


def test_a_version_that_fails_names_itself(tmp_path: Path) -> None:
    broken = Version("broken", REPOSITORY / "src", tmp_path / "no-model")
    with pytest.raises(RuntimeError, match=r"broken \(.*src\) failed"):
        run_pairs(Version.at("this", REPOSITORY), broken, ["A short article."], 1, 1)


def test_a_checkout_without_farmscore_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    assert main(["--other", str(tmp_path), "--real-data", str(data)]) == 2
    assert f"no farmscore package under {tmp_path / 'src'}" in capsys.readouterr().err
    assert main(["--other", str(tmp_path), "--real-data", str(tmp_path / "absent")]) == 2
    assert "no shared corpora" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--other", str(REPOSITORY), "--rounds", "0"])
    assert "must be 1 or more, not 0" in capsys.readouterr().err


@pytest.mark.shared
def test_more_articles_than_the_corpora_hold_is_an_error_not_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["--other", str(REPOSITORY), "--real-data", str(shared_path("data"))]
    assert main([*args, "--texts", str(10**6)]) == 2
    assert "cannot draw the articles" in capsys.readouterr().err


@pytest.mark.shared
def test_a_version_that_fails_ends_the_run_with_its_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--other", str(REPOSITORY), "--real-data", str(shared_path("data"))]
    assert main([*args, "--other-model", str(tmp_path), "--texts", "2", "--rounds", "1"]) == 1
    assert re.search(r"^other \(.*src\) failed:", capsys.readouterr().err, re.M)
