"""Scores as plain dicts for JSON, JSONL and CSV output."""

from __future__ import annotations

import math
from typing import Any

from farmscore.types import Reason, Score

# Characters of text shown for one evidence span.
EVIDENCE_TEXT_CHARS = 160


def reason_to_dict(reason: Reason, text: str | None) -> dict[str, Any]:
    """A reason with its axis, direction, size and the spans behind it (with their text when
    the document's text is given)."""
    row: dict[str, Any] = {
        "feature": reason.feature,
        "title": reason.title,
        "axis": reason.axis,
        "direction": reason.direction,
        "contribution": round(reason.contribution, 4),
        "value": round(reason.value, 4),
        "typical": round(reason.typical, 4),
    }
    if reason.note:
        row["note"] = reason.note
    if reason.parts:
        row["parts"] = [
            {
                "feature": part.feature,
                "title": part.title,
                "contribution": round(part.contribution, 4),
                "value": round(part.value, 4),
                "typical": round(part.typical, 4),
                **({"note": part.note} if part.note else {}),
            }
            for part in reason.parts
        ]
    row["evidence"] = [
        {
            "start": span.start,
            "end": span.end,
            "note": span.note,
            **({"text": text[span.start : span.end][:EVIDENCE_TEXT_CHARS]} if text else {}),
        }
        for span in reason.evidence
    ]
    return row


def verdict_head(score: Score) -> dict[str, Any]:
    """The verdict as every output writes it: score and threshold rounded to 6 places, label,
    band, policy and the answer that decided. Shared by the rows of `farmscore score` and the
    pipeline steps' fields, so their scores are equal to the last digit."""
    return {
        "score": round(score.score, 6),
        "label": score.label,
        "threshold": round(score.threshold, 6),
        "band": score.band,
        "policy": score.policy,
        "decided_by": score.decided_by,
    }


def score_to_dict(score: Score, text: str | None = None) -> dict[str, Any]:
    """`{"id", "score", "label", "reasons", ...}`: one JSONL row of `farmscore score`.

    Beside the verdict it carries both answers: `machine` (the calibrated probability that the
    prose is machine-written, with its threshold) and `substance` (the page's sourced
    substance as a percentile of human reporting of its length band), the `tells` found, the
    `band` whose threshold applied and which of the answers `decided_by`. `base` is what the
    median human text of the band scores: its log-odds and the reasons' contributions add up
    to the score's, and `explained_share` is the part the reasons shown account for."""
    return {
        "id": score.id,
        **verdict_head(score),
        "machine": None
        if score.machine is None
        else {
            "probability": round(score.machine, 6),
            "threshold": round(score.machine_threshold or 0.0, 6),
            "label": "machine" if score.machine >= (score.machine_threshold or 1.0) else "human",
        },
        "substance": None
        if score.substance_percentile is None
        else {"percentile": round(score.substance_percentile, 1)},
        "tells": list(score.tells),
        "model": score.model,
        "word_count": score.word_count,
        "warnings": list(score.warnings),
        "base": None
        if score.base_log_odds is None
        else {
            "log_odds": round(score.base_log_odds, 4),
            "probability": round(_probability(score.base_log_odds), 6),
        },
        "explained_share": None
        if score.explained_share is None
        else round(score.explained_share, 4),
        "reasons": [reason_to_dict(reason, text) for reason in score.reasons],
    }


def _probability(log_odds: float) -> float:
    return (
        1.0 / (1.0 + math.exp(-log_odds))
        if log_odds >= 0
        else math.exp(log_odds) / (1.0 + math.exp(log_odds))
    )


def reasons_summary(score: Score, limit: int = 3) -> str:
    """The strongest reasons in a few words: `Filler phrases (+1.20); Dates (-0.45)`."""
    return "; ".join(
        f"{reason.title or reason.feature} ({reason.contribution:+.2f})"
        for reason in score.reasons[:limit]
    )
