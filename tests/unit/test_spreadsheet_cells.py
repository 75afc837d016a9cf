"""Text cells that a spreadsheet would run are written defused."""

from __future__ import annotations

import pytest

from farmscore.spreadsheet_cells import defused


@pytest.mark.parametrize(
    "value",
    ["=1+1", '=HYPERLINK("http://x")', "+cmd", "-2+3", "@SUM(A1)", "\tx", "\r=1"],
)
def test_formula_starts_get_an_apostrophe(value: str) -> None:
    assert defused(value) == "'" + value


@pytest.mark.parametrize("value", ["Rain due.", "-", "", "a=b", -0.5, 3, None])
def test_other_values_are_unchanged(value: object) -> None:
    assert defused(value) == value
