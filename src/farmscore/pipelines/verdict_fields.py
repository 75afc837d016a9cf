"""One verdict as the few flat fields a pipeline keeps beside a document, and the short name of
why a document was dropped, for the per-reason counters pipelines keep.

>>> from farmscore.types import Score
>>> score = Score("a", 0.999, "content_farm", 0.95, (), "m", decided_by="tell",
...               tells=("pasted_twice",))
>>> drop_reason(score), verdict_fields(score)["tells"]
('tell_pasted_twice', ['pasted_twice'])
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from farmscore.model.verdict import DECIDED_BY_TELL
from farmscore.score_rows import verdict_head
from farmscore.types import Score
from farmscore.words import NO_WORDS_REASON, has_words

# Reasons kept per document: enough to see why, few enough for a row in a table.
TOP_REASONS = 3


def drop_reason(score: Score) -> str:
    """Why a content-farm verdict was reached, as a name fit for a counter: the deciding tell
    (`tell_pasted_twice`, `tell_prompter_address`, ...) or the answer that decided (`machine`:
    the prose reads as machine-written and carries too little sourced substance to keep)."""
    if score.decided_by == DECIDED_BY_TELL and score.tells:
        return f"tell_{score.tells[0]}"
    return score.decided_by or "score"


def verdict_fields(score: Score, reasons: int = TOP_REASONS) -> dict[str, Any]:
    """The verdict, both answers, the band and threshold that applied, and the top reasons
    (feature, plain title, contribution in log-odds), as JSON-ready values."""
    return {
        **verdict_head(score),
        "machine": None if score.machine is None else round(score.machine, 6),
        "machine_threshold": None
        if score.machine_threshold is None
        else round(score.machine_threshold, 6),
        "substance_percentile": None
        if score.substance_percentile is None
        else round(score.substance_percentile, 1),
        "tells": list(score.tells),
        "warnings": list(score.warnings),
        "model": score.model,
        "reasons": [
            {
                "feature": reason.feature,
                "title": reason.title,
                "contribution": round(reason.contribution, 4),
            }
            for reason in score.reasons[:reasons]
        ],
    }


def why_unscorable(text: object, where: str = "the text") -> str | None:
    """Why a document's text (found at `where`) cannot be scored, in the words `farmscore
    score` uses, or None when it can: a missing value, another type than a string, or a text
    without a word."""
    if isinstance(text, str):
        return None if has_words(text) else NO_WORDS_REASON
    missing = text is None or text is pd.NA or (isinstance(text, float) and math.isnan(text))
    held = "no value" if missing else f"a {type(text).__name__}"
    return f"no text: {where} holds {held}, not a string"
