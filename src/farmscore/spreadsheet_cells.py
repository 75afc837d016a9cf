"""CSV cells a spreadsheet will not run: a text cell that starts like a formula ("=HYPERLINK(",
"+cmd", "@SUM", "-2+3") is written with a leading apostrophe, as OWASP's guidance on CSV
injection advises, so that a user who opens an audit's results.csv sees the text instead of
running it. Numbers are left alone; the Parquet results keep every value as it came.

>>> defused("=HYPERLINK(\\"http://x\\")"), defused("Rain due."), defused(-0.5)
('\\'=HYPERLINK("http://x")', 'Rain due.', -0.5)
"""

from __future__ import annotations

# The first characters a spreadsheet reads as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defused(value: object) -> object:
    """`value`, with an apostrophe before a text that a spreadsheet would run as a formula. A
    lone sign ("-", the id of standard input) is no formula and stays as it is."""
    if isinstance(value, str) and len(value) > 1 and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
