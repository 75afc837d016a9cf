"""Scores as plain dicts for JSON, JSONL and CSV output."""

from __future__ import annotations

from typing import Any

from farmscore.types import Reason, Score

# Characters of text shown for one evidence span.
EVIDENCE_TEXT_CHARS = 160


def reason_to_dict(reason: Reason, text: str | None) -> dict[str, Any]:
    """A reason with its direction, size and the spans behind it (with their text when the
    document's text is given)."""
    return {
        "feature": reason.feature,
        "title": reason.title,
        "direction": reason.direction,
        "contribution": round(reason.contribution, 4),
        "value": round(reason.value, 4),
        "typical": round(reason.typical, 4),
        "evidence": [
            {
                "start": span.start,
                "end": span.end,
                "note": span.note,
                **({"text": text[span.start : span.end][:EVIDENCE_TEXT_CHARS]} if text else {}),
            }
            for span in reason.evidence
        ],
    }


def score_to_dict(score: Score, text: str | None = None) -> dict[str, Any]:
    """`{"id", "score", "label", "reasons", ...}`: one JSONL row of `farmscore score`."""
    return {
        "id": score.id,
        "score": round(score.score, 6),
        "label": score.label,
        "threshold": round(score.threshold, 6),
        "model": score.model,
        "word_count": score.word_count,
        "warnings": list(score.warnings),
        "reasons": [reason_to_dict(reason, text) for reason in score.reasons],
    }


def reasons_summary(score: Score, limit: int = 3) -> str:
    """The strongest reasons in a few words: `Filler phrases (+1.20); Dates (-0.45)`."""
    return "; ".join(
        f"{reason.title or reason.feature} ({reason.contribution:+.2f})"
        for reason in score.reasons[:limit]
    )
