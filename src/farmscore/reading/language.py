"""Whether a text is one farmscore can judge: long enough, and in English.

The model learned from English articles; on another language, or on a few words, its score
means little, so a score says so in its `warnings` rather than pretending. The language comes
from CLD2 (pycld2), whose tables ship inside its wheel: nothing is downloaded, no global state
is set, and the same text always gets the same answer.

>>> judgeability_warnings("The council voted on Tuesday to repair the bridge on Elm Street.", 12)
('too_short',)
>>> judgeability_warnings("Der Stadtrat hat am Dienstag beschlossen, die Brücke zu reparieren.", 60)
('not_english',)
"""

from __future__ import annotations

WARNING_TOO_SHORT = "too_short"
WARNING_NOT_ENGLISH = "not_english"
# Below this many words a text holds too little to judge: a feed summary, a caption.
MIN_JUDGEABLE_WORDS = 50
# CLD2 reads this many characters: enough to know a language, cheap on a long page.
LANGUAGE_SAMPLE_CHARS = 2_000
# English prose is 40-55% function words ("the", "of", "and"); of 200 feed texts in 18 other
# languages (Portuguese, French, German, Spanish...) none had more than 12%. Above
# this share CLD2 is not asked: it is the slowest step of a short text's score.
CLEARLY_ENGLISH_STOPWORD_FRACTION = 0.3
_NOT_A_LANGUAGE = frozenset({"en", "un", "xxx"})


def judgeability_warnings(
    text: str, word_count: int, english_stopword_fraction: float | None = None
) -> tuple[str, ...]:
    """The reasons a score of `text` deserves less trust: `too_short` under
    `MIN_JUDGEABLE_WORDS` words, `not_english` when CLD2 reliably finds another language.
    A text whose words are at least `CLEARLY_ENGLISH_STOPWORD_FRACTION` English function
    words (`lexical_english_stopword_fraction`, when given) is English without asking CLD2."""
    warnings: list[str] = []
    if word_count < MIN_JUDGEABLE_WORDS:
        warnings.append(WARNING_TOO_SHORT)
    clearly_english = (
        english_stopword_fraction is not None
        and english_stopword_fraction >= CLEARLY_ENGLISH_STOPWORD_FRACTION
    )
    if not clearly_english and not is_english(text):
        warnings.append(WARNING_NOT_ENGLISH)
    return tuple(warnings)


def is_english(text: str) -> bool:
    """False only when CLD2 is reliably sure the text is in another language; a text too
    short or too mixed to tell counts as English."""
    import pycld2

    sample = text[:LANGUAGE_SAMPLE_CHARS].encode("utf-8", errors="replace")
    try:
        reliable, _, languages = pycld2.detect(sample)
    except pycld2.error:  # bytes CLD2 refuses: no answer, so no warning
        return True
    return not reliable or languages[0][1] in _NOT_A_LANGUAGE
