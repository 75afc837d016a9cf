"""Tells: evidence that condemns a page whoever wrote the rest of it.

A tell is a trace that no edited page carries: the model's reply to its prompter, its
disclaimers, the prompt itself, the brief's labels, unfilled slots, a chat transcript's role
markers, the body pasted twice, promotion spliced into the story. Each is read off the
features that find it (with the spans behind them), so a reader can check every one.

Each tell was chosen so that human pages carry it at most rarely: at most 0.5% of the
articles of each human corpus farmscore reads (quoted chatbot lines are counted apart, as a
story about chatbots quotes them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# The body pasted twice: a pasted passage of at least this share of the page's words and at
# least this many words. Smaller repeats (a caption or teaser repeating the lede, a pull
# quote) are on 3-6% of human news pages, so they only weigh in the model.
PASTED_SHARE = 0.3
PASTED_MIN_WORDS = 30


@dataclass(frozen=True, slots=True)
class Tell:
    """One kind of tell: the count features that find it and what it means to a reader."""

    kind: str
    title: str
    features: tuple[str, ...]
    # The value any one of `features` must reach.
    minimum: float = 1.0

    def found_in(self, values: Mapping[str, float], n_words: int) -> bool:
        if self.kind == PASTED_TWICE:
            pasted = values["repetition_repeated_passage_word_count"]
            return pasted >= PASTED_MIN_WORDS and pasted >= PASTED_SHARE * n_words
        return any(values[name] >= self.minimum for name in self.features)


PASTED_TWICE = "pasted_twice"

TELLS: tuple[Tell, ...] = (
    Tell(
        "prompter_address",
        "Text addressed to the prompter",
        ("artifacts_prompter_address_count",),
    ),
    Tell(
        "ai_disclosure",
        "AI self-reference, refusal or knowledge cutoff",
        (
            "artifacts_self_reference_count",
            "artifacts_refusal_count",
            "artifacts_knowledge_cutoff_count",
        ),
    ),
    Tell("prompt_echo", "The prompt echoed in the page", ("artifacts_prompt_echo_count",)),
    Tell("format_note", "Notes on its own formatting or SEO", ("artifacts_format_note_count",)),
    Tell("placeholder", "Unfilled template placeholders", ("artifacts_placeholder_count",)),
    Tell("role_marker", "Chat role markers", ("artifacts_role_marker_count",)),
    Tell(
        PASTED_TWICE,
        "The body pasted twice",
        ("repetition_repeated_passage_word_count",),
    ),
    Tell(
        "promotion",
        "Promotion spliced into the body",
        ("structure_injected_promotion_count",),
    ),
)


def tells_in(values: Mapping[str, float], n_words: int) -> list[Tell]:
    """The tells a text's feature values show (`n_words`: the text's words), in `TELLS` order.

    >>> from farmscore.features.extractor import analyze_text
    >>> found = analyze_text("Sure! Here is a 600-word article.\\n\\nIt rained.")
    >>> [tell.kind for tell in tells_in(found.values, found.n_words)]
    ['prompter_address']
    """
    return [tell for tell in TELLS if tell.found_in(values, n_words)]
