"""The HTML audit report: evidence highlighting, escaping, self-containment, and a page that a
real browser renders (when one is installed)."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from farmscore.audit.plots import (
    FARM_COLOUR,
    HISTOGRAM_BINS,
    SUBSTANTIVE_COLOUR,
    integer_ticks,
    reason_bars_svg,
    score_histogram_svg,
)
from farmscore.audit.report import (
    EXCERPT_CHARS,
    feature_colours,
    highlight_evidence,
    render_report,
)
from farmscore.audit.run import (
    AuditResult,
    FlaggedDocument,
    FlaggedTally,
    PendingDocument,
    borderline_floor,
)
from farmscore.features import feature_specs
from farmscore.features.extractor import feature_names
from farmscore.types import Evidence, Reason, ReasonPart, Score

CHROMIUM = Path("/usr/bin/chromium")


def chromium_argv(tmp_path: Path, *args: str) -> list[str]:
    """A headless Chromium with a throwaway profile that reaches for nothing on the network."""
    return [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
    ]


SVG = "{http://www.w3.org/2000/svg}"


def ev(start: int, end: int, feature: str = "f", note: str = "n") -> Evidence:
    return Evidence(feature, start, end, note)


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("", [], ""),
        ("   ", [ev(0, 2)], '<mark class="r0" title="f: n">  </mark> '),
        ("word", [], "word"),
        ("one two", [ev(0, 3)], '<mark class="r0" title="f: n">one</mark> two'),
        # Overlapping spans become one mark listing both.
        (
            "abcdef",
            [ev(1, 4, "a", "x"), ev(3, 5, "b", "y")],
            'a<mark class="r0" title="a: x\nb: y">bcde</mark>f',
        ),
        # A span inside another adds its title once, and a repeated title is not repeated.
        (
            "abcdef",
            [ev(0, 6, "a", "x"), ev(2, 3, "a", "x")],
            '<mark class="r0" title="a: x">abcdef</mark>',
        ),
        # Touching spans do not overlap: two marks.
        (
            "abcd",
            [ev(0, 2), ev(2, 4)],
            '<mark class="r0" title="f: n">ab</mark><mark class="r0" title="f: n">cd</mark>',
        ),
        # Spans past the text, empty or reversed are ignored; one past the end is clipped.
        (
            "abc",
            [ev(5, 9), ev(1, 1), ev(2, 1), ev(2, 99)],
            'ab<mark class="r0" title="f: n">c</mark>',
        ),
        # Text, notes and features are escaped, quotes included.
        (
            '<script>alert("x")</script> & co',
            [ev(0, 8, "f<b>", 'said "hi"')],
            '<mark class="r0" title="f&lt;b&gt;: said &quot;hi&quot;">&lt;script&gt;</mark>'
            "alert(&quot;x&quot;)&lt;/script&gt; &amp; co",
        ),
        ("Καλημέρα κόσμε", [ev(9, 14)], 'Καλημέρα <mark class="r0" title="f: n">κόσμε</mark>'),
    ],
)
def test_highlight_evidence(text: str, spans: list[Evidence], expected: str) -> None:
    assert highlight_evidence(text, spans) == expected


def test_highlight_uses_each_features_class() -> None:
    html = highlight_evidence("ab cd", [ev(0, 2, "x"), ev(3, 5, "y")], {"x": "r0", "y": "r3"})
    assert html == '<mark class="r0" title="x: n">ab</mark> <mark class="r3" title="y: n">cd</mark>'


def test_a_huge_single_line_is_cut_to_the_excerpt_around_a_late_span() -> None:
    text = "filler " * 20_000 + "NEEDLE" + " tail" * 5_000
    start = text.index("NEEDLE")
    html = highlight_evidence(text, [ev(start, start + 6)])
    assert html.startswith("… ")
    assert html.endswith(" …")
    assert '<mark class="r0" title="f: n">NEEDLE</mark>' in html
    visible = re.sub(r"<[^>]+>", "", html)
    assert len(visible) <= EXCERPT_CHARS + 4


def test_an_early_span_keeps_the_text_from_its_start_and_spans_past_the_excerpt_drop() -> None:
    text = "Start here. " + "x" * 5000 + " late"
    html = highlight_evidence(text, [ev(0, 5), ev(len(text) - 4, len(text))])
    assert html.startswith('<mark class="r0" title="f: n">Start</mark> here.')
    assert html.count("<mark") == 1


def svg_root(svg: str) -> ET.Element:
    """The chart parsed as XML: it must be well-formed to be parsed at all."""
    return ET.fromstring(svg)


def chart_parts(root: ET.Element, css_class: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == css_class]


def texts(root: ET.Element) -> list[str]:
    return [e.text or "" for e in root.iter(f"{SVG}text")]


def test_histogram_has_a_bar_per_bin_counts_each_score_once_and_colours_farm_bins() -> None:
    scores = [0.01, 0.02, 0.33, 0.5, 0.51, 0.97, 1.0, 1.5, -0.2]
    root = svg_root(score_histogram_svg(scores, threshold=0.5))
    bins = chart_parts(root, "chart-bin")
    assert len(bins) == HISTOGRAM_BINS
    counts = [int(b.get("data-count", "")) for b in bins]
    # Scores out of range are clipped into the end bins; 1.0 falls in the last bin.
    assert (counts[0], counts[6], counts[10], counts[19]) == (3, 1, 2, 3)
    assert sum(counts) == len(scores)
    colours = [b.get("fill") for b in bins]
    assert colours == [SUBSTANTIVE_COLOUR] * 10 + [FARM_COLOUR] * 10
    # Taller bars for more documents, none for an empty bin.
    heights = [float(b.get("height", "")) for b in bins]
    assert heights[0] == heights[19] > heights[10] > heights[6] > 0 == heights[1]


def test_histogram_threshold_line_sits_at_the_threshold_and_is_labelled() -> None:
    for threshold, farm_bins in [(0.5, 10), (0.9, 2), (0.0, 20)]:
        root = svg_root(score_histogram_svg([0.2, 0.95], threshold=threshold))
        bins = chart_parts(root, "chart-bin")
        (line,) = chart_parts(root, "chart-threshold")
        assert line.get("x1") == line.get("x2")
        assert line.get("stroke-dasharray")
        # The bins run from 0 to 1: the line is at the left edge of the first bin it flags.
        first_farm = HISTOGRAM_BINS - farm_bins
        assert line.get("x1") == bins[first_farm].get("x")
        assert [b.get("fill") for b in bins].count(FARM_COLOUR) == farm_bins
        assert f"threshold {threshold:.2f}" in texts(root)


def test_histogram_y_ticks_are_whole_numbers_and_axes_are_named() -> None:
    root = svg_root(score_histogram_svg([0.31, 0.32, 0.33], threshold=0.5))
    shown = texts(root)
    assert [t for t in shown if t.isdigit()] == ["0", "1", "2", "3"]
    assert "score (probability of content farm)" in shown
    assert "documents" in shown
    assert [t for t in shown if "." in t][:6] == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        (0.5, [0]),
        (1.18, [0, 1]),
        (5.9, [0, 1, 2, 3, 4, 5]),
        (11.8, [0, 2, 4, 6, 8, 10]),
        (236.0, [0, 50, 100, 150, 200]),
        (1_180_000.0, [0, 200_000, 400_000, 600_000, 800_000, 1_000_000]),
    ],
)
def test_integer_ticks(limit: float, expected: list[int]) -> None:
    assert integer_ticks(limit) == expected


def test_reason_bars_one_bar_per_reason_longest_on_top_with_count_and_share() -> None:
    counts = [("a_feature", 30), ("b_feature", 15), ("c_feature", 3)]
    root = svg_root(reason_bars_svg(counts, total=40))
    bars = chart_parts(root, "chart-bar")
    assert len(bars) == 3
    assert [int(b.get("data-count", "")) for b in bars] == [30, 15, 3]
    assert {b.get("fill") for b in bars} == {FARM_COLOUR}
    widths = [float(b.get("width", "")) for b in bars]
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.2)
    assert widths[0] == pytest.approx(10 * widths[2], abs=1.0)
    tops = [float(b.get("y", "")) for b in bars]
    assert tops == sorted(tops)
    shown = texts(root)
    for label in (
        "a_feature",
        "30 (75%)",
        "15 (38%)",
        "3 (8%)",
        "flagged documents with this reason",
    ):
        assert label in shown


def test_chart_text_is_escaped_and_charts_say_what_they_show() -> None:
    name = '<script>x("y")</script>&co'
    svg = reason_bars_svg([(name, 2)], total=0)
    assert "<script" not in svg
    root = svg_root(svg)
    assert name in texts(root)
    assert "2" in texts(root)  # no share without a total
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None
    assert name in (title.text or "")
    assert name in root.get("aria-label", "")


def test_charts_survive_empty_input() -> None:
    empty_histogram = svg_root(score_histogram_svg([], threshold=0.9))
    assert len(chart_parts(empty_histogram, "chart-bin")) == HISTOGRAM_BINS
    assert "Histogram of 0 document scores" in empty_histogram.get("aria-label", "")
    assert chart_parts(svg_root(reason_bars_svg([], total=0)), "chart-bar") == []


def make_result(sites: list[str], texts: list[str]) -> AuditResult:
    names = feature_names()
    result = AuditResult(model="tiny<model>", threshold=0.5, feature_names=names)
    for number, (site, text) in enumerate(zip(sites, texts, strict=True)):
        probability = 0.3 + 0.6 * (number % 2)
        spans = (Evidence(names[0], 0, 4, 'a "note"'), Evidence(names[0], 2, 9, "overlap"))
        reasons = (Reason(names[0], 0.4, 0.1, 0.2, spans), Reason(names[1], 3.0, 1.0, -0.05))
        label = "content_farm" if probability >= 0.5 else "substantive"
        score = Score(f"doc<{number}>", probability, label, 0.5, reasons, "tiny", 120)
        result.rows.append(
            {
                "id": score.id,
                "path": f"in/{site}/{number}.txt",
                "url": None,
                "site": site,
                "score": probability,
                "label": label,
                "reasons": names[0],
                "word_count": 120,
                "error": None,
            }
        )
        if label == "content_farm":
            result.flagged.append(FlaggedDocument(score.id, f"in/{number}.txt", site, text, score))
            result.reason_counts.update([names[0]])
    result.rows.append(
        {
            "id": "bad.txt",
            "path": "bad.txt",
            "url": None,
            "site": sites[0],
            "score": None,
            "label": "error",
            "reasons": None,
            "word_count": None,
            "error": "not UTF-8 <here>",
        }
    )
    return result


WHEN = datetime(2025, 1, 2, 3, 4, tzinfo=UTC)


def test_report_is_self_contained_escaped_and_holds_every_section() -> None:
    texts = ["Moreover, <b>bold</b> claims & more." * 3] * 4
    result = make_result(["alpha", "beta", "alpha", "beta"], texts)
    page = render_report(result, inputs=["in/"], generated=WHEN)
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", page, re.IGNORECASE)
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    charts = re.findall(r'<svg class="plot".*?</svg>', page, re.DOTALL)
    assert len(charts) == 2
    histogram, reasons = (svg_root(chart) for chart in charts)
    assert len(chart_parts(histogram, "chart-bin")) == HISTOGRAM_BINS
    assert len(chart_parts(reasons, "chart-bar")) == len(result.reason_counts)
    assert "<img" not in page
    assert f'<mark class="{feature_colours(result)[feature_names()[0]]}" title="' in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "doc&lt;1&gt;" in page
    assert "tiny&lt;model&gt;" in page
    assert "not UTF-8 &lt;here&gt;" in page
    assert "By site or source" in page
    assert "Could not be scored: 1" in page
    # One merged mark for the two overlapping spans of each flagged document.
    assert page.count("<mark ") == 2
    assert "2025-01-02 03:04 UTC" in page


def test_one_site_has_no_site_table_and_no_flags_says_so() -> None:
    result = make_result(["only"], ["Short text."])
    page = render_report(result, inputs=["x"], generated=WHEN)
    assert "By site or source" not in page
    assert "No document reached the threshold." in page
    assert "Most frequent reasons" not in page


def test_rendering_does_not_import_matplotlib() -> None:
    """The charts are our own SVG: matplotlib would cost the audit about 30 MB of memory."""
    code = (
        "import sys\n"
        "from tests.unit.test_html_report import make_result, WHEN\n"
        "from farmscore.audit.report import render_report\n"
        "render_report(make_result(['a', 'b'], ['t one', 't two']), inputs=['x'], generated=WHEN)\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is absent: the browser check is skipped"
)
def test_a_headless_browser_renders_a_non_blank_page(tmp_path: Path) -> None:
    from PIL import Image

    report = tmp_path / "report.html"
    report.write_text(
        render_report(
            make_result(["a", "b", "a", "b"], ["Moreover, filler text here."] * 4),
            inputs=["in"],
            generated=WHEN,
        ),
        encoding="utf-8",
    )
    shot = tmp_path / "shot.png"
    subprocess.run(
        chromium_argv(tmp_path, f"--screenshot={shot}", "--window-size=1000,1400", report.as_uri()),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert shot.exists(), "chromium wrote no screenshot"
    with Image.open(shot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None
    assert len(colours) > 50, "the page rendered as (almost) one colour"


def test_each_feature_keeps_one_colour_and_borderline_documents_are_listed() -> None:
    names = feature_names()
    result = make_result(["a", "b", "a", "b"], ["Moreover, the stakes are high."] * 4)
    # Two flagged documents whose reasons come in different orders.
    first, second = result.flagged
    reversed_reasons = tuple(reversed(second.score.reasons))
    result.flagged[1] = replace(second, score=replace(second.score, reasons=reversed_reasons))
    near = Score("near<doc>", 0.45, "substantive", 0.5, first.score.reasons, "tiny", 80)
    result.borderline.append(FlaggedDocument("near<doc>", "in/near.txt", "a", "Text.", near))
    colours = feature_colours(result)
    assert colours[names[0]] != colours[names[1]]
    page = render_report(result, inputs=["in"], generated=WHEN)
    for name in (names[0], names[1]):
        swatches = re.findall(rf'<span class="swatch (r\w)"></span>[^<]*<br><code>{name}<', page)
        assert len(swatches) == 3, name  # two flagged documents and the borderline one
        assert set(swatches) == {colours[name]}
    titles = {spec.name: spec.title for spec in feature_specs()}
    assert titles[names[0]] in page
    assert "Borderline: just below the threshold, top 1" in page
    assert "near&lt;doc&gt;" in page
    assert f"scored from {borderline_floor(0.5):.2f} up to the threshold (0.50)" in page


def test_borderline_tally_keeps_the_highest_scores_below_the_threshold() -> None:
    tally = FlaggedTally(threshold=0.9, size=2)
    floor = borderline_floor(0.9)
    for position, probability in enumerate([0.95, 0.89, floor - 0.01, 0.7, 0.85, 0.88]):
        label = "content_farm" if probability >= 0.9 else "substantive"
        score = Score(str(position), probability, label, 0.9, (), "m", 10)
        tally.add(position, PendingDocument(str(position), "p", None, "s", "t"), score)
    assert [d.score.score for d in tally.best()] == [0.95]
    assert [d.score.score for d in tally.best_borderline()] == [0.89, 0.88]


def test_a_tell_that_moved_the_score_by_nothing_still_counts_toward_content_farm() -> None:
    tally = FlaggedTally(threshold=0.9)
    tell = Reason("tell_ai_disclosure", 1.0, 0.0, 0.0, axis="tell")
    pulled_down = Reason("lexical_variety", 0.2, 0.5, -0.3)
    score = Score("1", 0.9995, "content_farm", 0.9, (tell, pulled_down), "m", 10)
    tally.add(0, PendingDocument("1", "p", None, "s", "t"), score)
    assert tally.reason_counts == {"tell_ai_disclosure": 1}


@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is absent: the browser check is skipped"
)
def test_the_report_fits_a_400_pixel_screen_in_a_real_browser(tmp_path: Path) -> None:
    long_site = "a-very-long-site-name-without-spaces.example.org/" * 3
    result = make_result([long_site, "b", "a", "b"], ["Moreover, the stakes are high. " * 40] * 4)
    page = render_report(result, inputs=["in/" * 20], generated=WHEN)
    # A browser window cannot be made 400 pixels wide, a frame can: the report is shown in a
    # 400-pixel frame, and a script of the test (the report has none) measures its width.
    harness = (
        '<!DOCTYPE html><html><body style="margin:0"><iframe id="frame" '
        f'style="width:400px;height:900px;border:0" srcdoc="{html.escape(page)}"></iframe>'
        "<script>window.addEventListener('load', () => { document.body.dataset.width = "
        "document.getElementById('frame').contentDocument.documentElement.scrollWidth; });"
        "</script></body></html>"
    )
    report = tmp_path / "harness.html"
    report.write_text(harness, encoding="utf-8")
    shown = subprocess.run(
        chromium_argv(tmp_path, "--window-size=800,1000", "--dump-dom", report.as_uri()),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    width = re.search(r'data-width="(\d+)"', shown.stdout)
    assert width is not None, shown.stderr[-2000:]
    # No sideways scrolling of the page: wide tables scroll inside themselves.
    assert int(width.group(1)) <= 400


def test_a_measure_reason_marks_the_spans_of_its_forms_in_its_colour_and_lists_them() -> None:
    result = make_result(["a"], ["Text."])  # documents 0 (kept substantive), no flag
    text = "As an AI model I wrote this. As an AI model I wrote it twice."
    spans = (
        Evidence("artifacts_self_reference_count", 0, 11, "Text calling itself an AI"),
        Evidence("artifacts_self_reference_per_1k_words", 29, 40, "rate"),
    )
    parts = (
        ReasonPart("artifacts_self_reference_count", "Text calling itself an AI", 2.0, 0.0, 0.5),
        ReasonPart("artifacts_self_reference_per_1k_words", "... (rate)", 150.0, 0.0, 0.25),
    )
    reason = Reason(
        "artifacts_self_reference", 2.0, 0.0, 0.75, spans, "Text calling itself an AI", parts=parts
    )
    other = Reason(feature_names()[0], 0.4, 0.1, 0.2)
    for name, reasons in (("m", (other, reason)), ("n", (other,))):
        score = Score(name, 0.9, "content_farm", 0.5, reasons, "tiny", 12)
        result.flagged.append(FlaggedDocument(name, f"in/{name}.txt", "a", text, score))
    colours = feature_colours(result)
    # Not the first colour, which a span of no reason would get too.
    assert colours["artifacts_self_reference"] != colours[feature_names()[0]]
    page = render_report(result, inputs=["in"], generated=WHEN)
    marks = re.findall(r'<mark class="(\w+)"', page)
    assert marks == [colours["artifacts_self_reference"]] * 2
    assert "2 forms: Text calling itself an AI +0.500, ... (rate) +0.250" in page
