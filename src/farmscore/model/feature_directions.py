"""The way each feature's evidence points: +1 when more of it is farm-like, -1 when more of it
is substantive, 0 when neither side is (readability, word variety, layout).

Training constrains the boosted machine head to these directions (`monotonic_constraints`),
and a reason reads its contribution against them: more sourced specifics pushing toward
substantive is the evidence pointing its own way, not something to explain.
"""

from __future__ import annotations

from collections.abc import Sequence

from farmscore.model.wording import WORDING_FEATURE

# Features whose evidence only ever points one way: leaked text, filler and repetition can only
# raise the machine head's score, sourced specifics only lower it. So each such reason has the
# sign of its value's difference from the typical value, and a page cannot be condemned for
# being more specific or cleared for repeating itself more.
_RAISING_PREFIXES = ("artifacts_", "filler_", "repetition_")
_LOWERING_PREFIXES = ("specificity_",)
_RAISING_STRUCTURE = frozenset(
    {
        "structure_generic_heading_count",
        "structure_bait_promo_line_count",
        "structure_injected_promotion_count",
        "structure_comment_form_phrase_count",
        "structure_embedded_post_remnant_count",
        "structure_recap_paragraph_count",
        "structure_closing_recap_flag",
        "structure_label_sentence_line_count",
        "structure_title_clickbait_marker_count",
        "structure_title_exclamation_flag",
    }
)
# Free: leaked-text kinds that honest pages also carry (quotes of chatbots, Markdown posts,
# stock example names).
_FREE = frozenset(
    {
        "artifacts_quoted_count",
        "artifacts_quoted_per_1k_words",
        "artifacts_markdown_count",
        "artifacts_markdown_per_1k_words",
        "artifacts_stock_text_count",
        "artifacts_stock_text_per_1k_words",
    }
)


def monotonic_constraints(feature_names: Sequence[str]) -> list[int]:
    """+1, -1 or 0 for each feature: the direction it may move the machine head's score.

    >>> monotonic_constraints(["filler_phrase_rate_per_1k_words", "lexical_mtld",
    ...                        "specificity_date_rate_per_1k_words", "wording_machine_log_odds"])
    [1, 0, -1, 1]
    """
    directions = []
    for name in feature_names:
        if name in _FREE:
            directions.append(0)
        elif name.startswith(_RAISING_PREFIXES) or name in _RAISING_STRUCTURE:
            directions.append(1)
        elif name.startswith(_LOWERING_PREFIXES):
            directions.append(-1)
        elif name == WORDING_FEATURE:
            directions.append(1)
        else:
            directions.append(0)
    return directions
