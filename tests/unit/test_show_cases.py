"""The issue's "Why" cases (`training/cases/`) through the shipped model: the verdict each
kind of page should get, and a tell as the first reason of the page that leaks one."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "training" / "show_cases.py"


@pytest.fixture(scope="module")
def records() -> dict[str, dict[str, Any]]:
    script = runpy.run_path(str(SCRIPT))
    paths = sorted(script["CASES"].glob("*.txt"))
    result: dict[str, dict[str, Any]] = script["with_model"](None, paths)
    return result


def test_the_spun_guide_is_condemned_by_its_leaked_line_first(
    records: dict[str, dict[str, Any]],
) -> None:
    guide = records["spun_guide"]
    first = guide["reasons"][0]

    assert guide["label"] == "content_farm"
    assert guide["decided_by"] == "tell"
    assert first["axis"] == "tell"
    assert first["direction"] == "content_farm"
    assert any("As an AI language model" in span["text"] for span in first["evidence"])


def test_plain_machine_news_is_a_farm_by_its_machine_prose(
    records: dict[str, dict[str, Any]],
) -> None:
    news = records["plain_machine_news"]
    assert (news["label"], news["decided_by"]) == ("content_farm", "machine")


@pytest.mark.parametrize("case", ["numbers_blog", "fact_dense_report"])
def test_a_persons_blog_and_a_sourced_report_stay_substantive(
    records: dict[str, dict[str, Any]], case: str
) -> None:
    assert records[case]["label"] == "substantive"
    assert records[case]["tells"] == []


def test_the_sourced_report_carries_more_substance_than_the_spun_pages(
    records: dict[str, dict[str, Any]],
) -> None:
    report = records["fact_dense_report"]["substance"]["percentile"]
    assert report > records["plain_machine_news"]["substance"]["percentile"]
    assert report > records["spun_guide"]["substance"]["percentile"]
