"""The audit report: one self-contained HTML page (inline CSS, charts as inline SVG, no
script and no network reference) that a person can open, mail or archive.

Every piece of input text is escaped with `html.escape`; evidence spans are wrapped in
`<mark title="feature: note">`, overlapping spans merged into one mark.

>>> highlight_evidence("Moreover, it is moreover.", [Evidence("filler", 0, 8, "transition")])
'<mark class="r0" title="filler: transition">Moreover</mark>, it is moreover.'
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from farmscore.audit.plots import reason_bars_svg, score_histogram_svg
from farmscore.audit.run import (
    LABEL_ERROR,
    AuditResult,
    FlaggedDocument,
    borderline_floor,
    label_counts,
    site_stats,
)
from farmscore.features import feature_specs
from farmscore.model.verdict import LABEL_FARM, LABEL_SUBSTANTIVE
from farmscore.reading.paths import name_of
from farmscore.types import Evidence, Reason, Score

# Characters of a flagged article shown around its evidence: enough to judge it, short
# enough that twenty of them still make a readable page.
EXCERPT_CHARS = 3000
# Characters shown before the first span, so the first mark has some context.
LEAD_IN_CHARS = 240
# Rows of the long tables shown on the page; every row is in results.csv.
MAX_SITES_SHOWN = 40
MAX_ERRORS_SHOWN = 200
MAX_REASONS_SHOWN = 12
# Mark colours (see the CSS). Each feature keeps one colour across the whole report: the
# features most often among the reasons of the documents shown get one each, in that order;
# any further feature shares the last, grey one.
MARK_CLASSES = ("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9")
OTHER_MARK_CLASS = "rx"


def render_report(
    result: AuditResult, *, inputs: Sequence[str], generated: datetime | None = None
) -> str:
    """The whole report page for `result`, as a string of HTML."""
    when = (generated or datetime.now().astimezone()).strftime("%Y-%m-%d %H:%M %Z").strip()
    counts = label_counts(result)
    sections = [
        _header(result, inputs, when),
        _summary_cards(counts),
        _histogram_section(result),
        _reasons_section(result, counts[LABEL_FARM]),
        _sites_section(result),
        _flagged_section(result, colours := feature_colours(result)),
        _borderline_section(result, colours),
        _errors_section(result),
    ]
    body = "\n".join(section for section in sections if section)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>farmscore audit: {_esc(when)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n<footer>Made by farmscore with model {_esc(result.model)}. "
        "Every document, feature and error is in results.csv and results.parquet beside "
        "this page.</footer>\n</main>\n</body>\n</html>\n"
    )


# ---- evidence highlighting --------------------------------------------------------------


@dataclass(slots=True)
class _Mark:
    start: int
    end: int
    css_class: str
    titles: list[str]


def highlight_evidence(
    text: str,
    spans: Sequence[Evidence],
    classes: Mapping[str, str] | None = None,
    max_chars: int = EXCERPT_CHARS,
) -> str:
    """Escaped HTML of at most `max_chars` characters of `text`, starting a little before the
    first span, with every span inside wrapped in `<mark>`. Overlapping spans become one mark
    whose title lists each `feature: note`; `classes` maps a feature to its mark's CSS class
    (default `r0`). Spans outside the text are ignored; an ellipsis shows where text was cut.
    """
    marks = _merged_marks(text, spans, classes or {})
    start = _excerpt_start(text, marks[0].start, max_chars) if marks else 0
    end = min(len(text), start + max_chars)
    pieces = ["… "] if start > 0 else []
    position = start
    for mark in marks:
        mark_start, mark_end = max(mark.start, start), min(mark.end, end)
        if mark_start >= mark_end:
            continue
        pieces.append(_esc(text[position:mark_start]))
        title = _esc("\n".join(mark.titles))
        pieces.append(
            f'<mark class="{mark.css_class}" title="{title}">'
            f"{_esc(text[mark_start:mark_end])}</mark>"
        )
        position = mark_end
    pieces.append(_esc(text[position:end]))
    if end < len(text):
        pieces.append(" …")
    return "".join(pieces)


def _merged_marks(text: str, spans: Sequence[Evidence], classes: Mapping[str, str]) -> list[_Mark]:
    """Spans clipped to the text, sorted, and merged where they overlap."""
    marks: list[_Mark] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        start, end = max(span.start, 0), min(span.end, len(text))
        if start >= end:
            continue
        title = f"{span.feature}: {span.note}" if span.note else span.feature
        if marks and start < marks[-1].end:
            last = marks[-1]
            last.end = max(last.end, end)
            if title not in last.titles:
                last.titles.append(title)
            continue
        marks.append(_Mark(start, end, classes.get(span.feature, MARK_CLASSES[0]), [title]))
    return marks


def _excerpt_start(text: str, first_mark: int, max_chars: int) -> int:
    """Where an excerpt opens: the top of the text when the first mark fits in the excerpt
    anyway, else the start of a line (or word) a little before the first mark."""
    if first_mark + LEAD_IN_CHARS <= max_chars:
        return 0
    earliest = max(0, first_mark - LEAD_IN_CHARS)
    line = text.rfind("\n", earliest, first_mark)
    if line != -1:
        return line + 1
    space = text.find(" ", earliest, first_mark)
    return space + 1 if space != -1 else earliest


# ---- sections ---------------------------------------------------------------------------


def _header(result: AuditResult, inputs: Sequence[str], when: str) -> str:
    shown = ", ".join(_esc(name_of(path)) for path in inputs[:6])
    more = f" and {len(inputs) - 6} more" if len(inputs) > 6 else ""
    return (
        "<header><h1>farmscore audit</h1>"
        f'<p class="meta">{len(result.rows):,} documents from {shown}{more}<br>'
        f"model <b>{_esc(result.model)}</b> · threshold <b>{result.threshold:.3f}</b> "
        f"(a score at or above it is labelled content farm) · {_esc(when)}</p></header>"
    )


def _summary_cards(counts: Mapping[str, int]) -> str:
    total = sum(counts.values())
    scored = total - counts[LABEL_ERROR]
    cards = [
        ("documents", f"{total:,}", "read from the inputs", "total"),
        (
            "content farm",
            f"{counts[LABEL_FARM]:,}",
            _share(counts[LABEL_FARM], scored) + " of scored",
            "farm",
        ),
        (
            "substantive",
            f"{counts[LABEL_SUBSTANTIVE]:,}",
            _share(counts[LABEL_SUBSTANTIVE], scored) + " of scored",
            "substantive",
        ),
        ("could not be scored", f"{counts[LABEL_ERROR]:,}", "listed at the end", "error"),
    ]
    items = "".join(
        f'<div class="card {css}"><div class="label">{_esc(label)}</div>'
        f'<div class="number">{number}</div><div class="note">{_esc(note)}</div></div>'
        for label, number, note, css in cards
    )
    return f'<section class="cards">{items}</section>'


def _histogram_section(result: AuditResult) -> str:
    scores = [row["score"] for row in result.rows if row["error"] is None]
    if not scores:
        return '<section><h2>Scores</h2><p class="empty">No document could be scored.</p></section>'
    median = float(np.median(scores))
    return (
        "<section><h2>Scores</h2>"
        f'<p class="lede">How many documents fell in each score range. Bars right of the '
        f"dashed line ({result.threshold:.2f}) are labelled content farm. Median score "
        f"{median:.2f}.</p>"
        f"{score_histogram_svg(scores, result.threshold)}"
        "</section>"
    )


def _reasons_section(result: AuditResult, n_flagged: int) -> str:
    if not n_flagged:
        return ""
    common = result.reason_counts.most_common(MAX_REASONS_SHOWN)
    if not common:
        return ""
    definitions = {spec.name: spec for spec in feature_specs()}
    rows = "".join(
        f"<tr><td>{_esc(definitions[name].title if name in definitions else name)}"
        f"<br><code>{_esc(name)}</code></td><td class='num'>{count:,}</td>"
        f"<td>{_esc(definitions[name].definition) if name in definitions else ''}</td></tr>"
        for name, count in common
    )
    return (
        "<section><h2>Most frequent reasons</h2>"
        f'<p class="lede">Among the {n_flagged:,} documents labelled content farm: how often '
        "each feature was one of the reasons pushing the score toward content farm.</p>"
        f"{reason_bars_svg(common, n_flagged)}"
        "<details><summary>What these features measure</summary>"
        '<table class="definitions"><thead><tr><th>feature</th><th class="num">documents</th>'
        f"<th>what it measures</th></tr></thead><tbody>{rows}</tbody></table></details>"
        "</section>"
    )


def _sites_section(result: AuditResult) -> str:
    stats = site_stats(result)
    if len(stats) < 2:
        return ""
    rows = []
    for site in stats[:MAX_SITES_SHOWN]:
        share = site.flagged_share
        mean = "–" if np.isnan(site.mean_score) else f"{site.mean_score:.2f}"
        failed = f' <span class="failed">({site.failed} failed)</span>' if site.failed else ""
        rows.append(
            f"<tr><td>{_esc(site.site)}</td><td class='num'>{site.documents:,}{failed}</td>"
            f"<td class='share'><span class='bar'><span style='width:{share * 100:.1f}%'>"
            f"</span></span> {share:.0%}</td><td class='num'>{mean}</td></tr>"
        )
    more = (
        f'<p class="note">{len(stats) - MAX_SITES_SHOWN:,} more in results.csv (column site).</p>'
        if len(stats) > MAX_SITES_SHOWN
        else ""
    )
    return (
        "<section><h2>By site or source</h2>"
        "<p class=\"lede\">From a table's source column, else the URL's host, else the "
        "folder holding the file. Share flagged is among the documents that could be "
        "scored.</p>"
        '<table class="sites"><thead><tr><th>site</th><th class="num">documents</th>'
        '<th>share flagged</th><th class="num">mean score</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{more}</section>"
    )


def feature_colours(result: AuditResult) -> dict[str, str]:
    """The mark class of every feature among the reasons of the documents the report shows:
    one colour each for the most frequent, in order of frequency, then the shared grey."""
    counts = Counter(
        reason.feature
        for doc in (*result.flagged, *result.borderline)
        for reason in doc.score.reasons
    )
    ranked = sorted(counts, key=lambda name: (-counts[name], name))
    return {
        name: MARK_CLASSES[rank] if rank < len(MARK_CLASSES) else OTHER_MARK_CLASS
        for rank, name in enumerate(ranked)
    }


def _flagged_section(result: AuditResult, colours: Mapping[str, str]) -> str:
    if not result.flagged:
        return (
            "<section><h2>Most likely content farm</h2>"
            '<p class="empty">No document reached the threshold.</p></section>'
        )
    articles = "".join(
        _flagged_article(rank, doc, colours) for rank, doc in enumerate(result.flagged, start=1)
    )
    return (
        f"<section><h2>Most likely content farm: top {len(result.flagged)}</h2>"
        '<p class="lede">Highest scores first. Marked passages are the evidence behind the '
        "reasons, each reason in the same colour on every document; hover over one to see "
        "which feature counted it. <i>Typical</i> is the median of the model's training "
        "texts.</p>"
        f"{articles}</section>"
    )


def _borderline_section(result: AuditResult, colours: Mapping[str, str]) -> str:
    if not result.borderline:
        return ""
    floor = borderline_floor(result.threshold)
    articles = "".join(
        _flagged_article(rank, doc, colours, css="borderline")
        for rank, doc in enumerate(result.borderline, start=1)
    )
    return (
        f"<section><h2>Borderline: just below the threshold, top {len(result.borderline)}"
        "</h2>"
        f'<p class="lede">Labelled substantive, but scored from {floor:.2f} up to the '
        f"threshold ({result.threshold:.2f}): where a person's judgement adds the most. "
        "Highest scores first.</p>"
        f"{articles}</section>"
    )


# A reason's effect is coloured by its direction: a tell's points toward content farm even when
# it moved the score by nothing.
_EFFECT_CLASS = {"content_farm": "up", "substantive": "down"}


def _flagged_article(
    rank: int, doc: FlaggedDocument, colours: Mapping[str, str], css: str = ""
) -> str:
    score = doc.score
    classes = {r.feature: colours.get(r.feature, OTHER_MARK_CLASS) for r in score.reasons}
    spans = [span for reason in score.reasons for span in reason.evidence]
    # A span is marked in its reason's colour, whichever feature or form of it counted it.
    span_classes = {
        span.feature: classes[reason.feature]
        for reason in reversed(score.reasons)
        for span in reason.evidence
    }
    reasons = "".join(
        f'<tr><td><span class="swatch {classes[r.feature]}"></span>{_esc(r.title or r.feature)}'
        f"<br><code>{_esc(r.feature)}</code>{_reason_parts(r)}</td>"
        f"<td class='num'>{r.value:.3g}</td>"
        f"<td class='num'>{r.typical:.3g}</td>"
        f"<td class='num {_EFFECT_CLASS[r.direction]}'>{_signed(r.contribution)}</td>"
        f"<td class='num'>{len(r.evidence)}</td></tr>"
        for r in score.reasons
    )
    excerpt = highlight_evidence(doc.text, spans, span_classes)
    unmarked = (
        ""
        if spans
        else '<p class="note">No passage to mark: these reasons are about what the text '
        "lacks or its overall style, not particular phrases.</p>"
    )
    location = _esc(doc.path) if doc.path != doc.id else ""
    return (
        f'<article class="{css}"><div class="head"><span class="rank">{rank}</span>'
        f'<span class="score">{score.score:.3f}</span>'
        f'<span class="title"><b>{_esc(doc.id)}</b><br><span class="where">{_esc(doc.site)}'
        f"{' · ' + location if location else ''} · {score.word_count:,} words"
        f"{_verdict_line(score)}</span></span></div>"
        '<table class="reasons"><thead><tr><th>reason</th><th class="num">value</th>'
        '<th class="num">typical</th><th class="num">effect on score</th>'
        f'<th class="num">spans</th></tr></thead><tbody>{reasons}</tbody></table>'
        f'{unmarked}<div class="excerpt">{excerpt}</div></article>'
    )


def _reason_parts(reason: Reason) -> str:
    """The forms of a measure that a reason shows as one, with their own effects."""
    if not reason.parts:
        return ""
    items = ", ".join(f"{_esc(part.title)} {_signed(part.contribution)}" for part in reason.parts)
    return f'<br><span class="parts">{len(reason.parts)} forms: {items}</span>'


def _verdict_line(score: Score) -> str:
    """Which answer decided, and both answers: "decided by a tell: Text addressed to the
    prompter · machine 0.31 · substance 62nd percentile"."""
    parts = []
    if score.decided_by == "tell":
        titles = [r.title for r in score.reasons if r.axis == "tell"]
        parts.append("decided by a tell: " + ", ".join(titles))
    elif score.decided_by:
        parts.append(f"decided by {score.decided_by}")
    if score.machine is not None:
        parts.append(f"machine {score.machine:.2f}")
    if score.substance_percentile is not None:
        parts.append(f"substance {score.substance_percentile:.0f}th percentile")
    return "".join(f" · {_esc(part)}" for part in parts)


def _errors_section(result: AuditResult) -> str:
    failed = [row for row in result.rows if row["error"] is not None]
    if not failed:
        return ""
    rows = "".join(
        f"<tr><td>{_esc(str(row['id']))}</td><td>{_esc(str(row['error']))}</td></tr>"
        for row in failed[:MAX_ERRORS_SHOWN]
    )
    more = (
        f'<p class="note">{len(failed) - MAX_ERRORS_SHOWN:,} more in results.csv '
        "(column error).</p>"
        if len(failed) > MAX_ERRORS_SHOWN
        else ""
    )
    return (
        f"<section><h2>Could not be scored: {len(failed):,}</h2>"
        '<table class="errors"><thead><tr><th>document</th><th>why, and what to do</th></tr>'
        f"</thead><tbody>{rows}</tbody></table>{more}</section>"
    )


def _signed(value: float) -> str:
    """A signed probability change, readable however small: +0.123, +4.2e-05."""
    return f"{value:+.3f}" if abs(value) >= 0.001 or value == 0 else f"{value:+.1e}"


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


_CSS = """
:root { --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --farm: #c2410c;
  --substantive: #0f766e; --error: #9f1239; --paper: #ffffff; --wash: #f8fafc; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--wash); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 32px 24px 48px; }
h1 { font-size: 28px; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 19px; margin: 0 0 6px; }
.meta, .lede, .note, footer { color: var(--muted); }
.meta { margin: 0; font-size: 14px; word-break: break-word; }
.lede { margin: 0 0 14px; font-size: 14px; }
header { margin-bottom: 20px; }
section { background: var(--paper); border: 1px solid var(--line); border-radius: 10px;
  padding: 20px 22px; margin: 0 0 20px; }
section.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 14px;
  background: none; border: 0; padding: 0; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 10px;
  padding: 14px 16px; border-top: 4px solid var(--muted); }
.card.farm { border-top-color: var(--farm); }
.card.substantive { border-top-color: var(--substantive); }
.card.error { border-top-color: var(--error); }
.card .label { font-size: 13px; color: var(--muted); text-transform: uppercase;
  letter-spacing: 0.04em; }
.card .number { font-size: 30px; font-weight: 650; line-height: 1.2; }
.card .note { font-size: 13px; color: var(--muted); }
svg.plot { display: block; width: 100%; max-width: 760px; height: auto; margin: 0 auto; }
table { width: 100%; border-collapse: collapse; font-size: 14px; margin-top: 8px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted);
  font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td code { font-size: 13px; }
table.definitions td:last-child { color: var(--muted); }
details { margin-top: 10px; }
summary { cursor: pointer; color: var(--substantive); font-size: 14px; }
td.share { white-space: nowrap; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; width: 120px; height: 10px; background: var(--line);
  border-radius: 5px; overflow: hidden; vertical-align: middle; margin-right: 6px; }
.bar span { display: block; height: 100%; background: var(--farm); }
.failed { color: var(--error); font-size: 12px; }
article { border-top: 1px solid var(--line); padding: 18px 0 6px; }
article:first-of-type { border-top: 0; padding-top: 4px; }
article .head { display: flex; align-items: center; gap: 12px; }
.rank { flex: none; width: 28px; height: 28px; border-radius: 14px; background: var(--line);
  text-align: center; line-height: 28px; font-size: 13px; font-weight: 600; }
.score { flex: none; background: var(--farm); color: white; font-weight: 650;
  border-radius: 6px; padding: 2px 8px; font-variant-numeric: tabular-nums; }
.title { min-width: 0; word-break: break-all; }
.where { color: var(--muted); font-size: 13px; word-break: break-word; }
.parts { color: var(--muted); font-size: 12px; }
table.reasons { margin: 10px 0; }
table.reasons td.up { color: var(--farm); }
table.reasons td.down { color: var(--substantive); }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px;
  margin-right: 8px; vertical-align: -1px; }
.excerpt { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 14px; line-height: 1.6;
  background: var(--wash); border: 1px solid var(--line); border-radius: 8px;
  padding: 12px 14px; max-height: 24em; overflow-y: auto; }
mark { border-radius: 3px; padding: 0 1px; color: inherit; }
.r0 { background: #fde68a; } .r1 { background: #fecdd3; } .r2 { background: #bae6fd; }
.r3 { background: #ddd6fe; } .r4 { background: #bbf7d0; } .r5 { background: #fed7aa; }
.r6 { background: #a5f3fc; } .r7 { background: #f5d0fe; } .r8 { background: #d9f99d; }
.r9 { background: #c7d2fe; } .rx { background: #e5e7eb; }
article.borderline .score { background: var(--muted); }
table.errors td:first-child { word-break: break-all; width: 40%; }
.empty { color: var(--muted); font-style: italic; margin: 0; }
article .note { font-size: 13px; margin: 0 0 6px; }
footer { font-size: 13px; text-align: center; margin-top: 8px; }
@media (max-width: 720px) { section.cards { grid-template-columns: repeat(2, 1fr); } }
/* A phone (400 px): narrower margins, tables scroll sideways instead of the page. */
@media (max-width: 480px) {
  main { padding: 14px 8px 32px; }
  section { padding: 12px 10px; }
  h1 { font-size: 22px; }
  table { display: block; overflow-x: auto; }
  th, td { padding: 4px 6px; }
  .bar { width: 56px; }
  .card .number { font-size: 24px; }
  article .head { flex-wrap: wrap; }
}
"""
