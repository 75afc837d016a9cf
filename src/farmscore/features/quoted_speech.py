"""Whether a span of text is someone's words being reported rather than the page's own.

A human article about chatbots quotes them: 'the bot replied, "As an AI language model, I
cannot take sides."' The quoted line is evidence about the chatbot, not about the page, so
leaked-text detectors count a match as the page's own only when it is neither inside quotation
marks nor introduced, earlier in its sentence, by a verb or noun of reporting.

Quotes are straight here: the extractor makes curly quotes straight before any family runs.
"""

from __future__ import annotations

import re

# Verbs that, earlier in the same sentence, introduce what follows as reported: "the bot
# replied that", "the listing contained", "a response that read", "she recalled the bot
# saying that". (Nouns such as "the phrase" introduce quotations, which quotation marks
# already show.)
_REPORTING = re.compile(
    r"\b(?:said|says|saying|told|tells|telling|replied|replies|replying|responded|responds"
    r"|responding|answered|answering|wrote|writes|writing that|stated|stating|added|claimed"
    r"|claiming|insisted|insisting|explained|explaining|noted|declared|warned|warning|admitted"
    r"|admits|admitting|conceded|concedes|recalled|recalls|recalling|read|reads|began|begins"
    r"|opened with|opens with|ended with|ends with|contained|contains|containing|included"
    r"|includes|including|featured|carried|quoted|quoting|typed|generated|produced|spat out)\b"
)
# Before a quotation mark, more verbs say whose words follow: "the output started with the
# line", "the reply opened, somewhat awkwardly, with". Without the mark they are a sentence's
# own words ("every trip starts with a plan"), so only `reports_a_quotation` reads them.
_QUOTATION_OPENED = re.compile(
    r"\b(?:opened|opens|started|starts|ended|ends)(?:,[^,\n]{1,30},)? with\b"
)
# A single quote opens a quotation after a space or one of these, and before a letter.
_BEFORE_AN_OPENING_QUOTE = "([—–-"
# What ends a sentence, for finding the start of the one a match is in (and, in `artifacts`,
# the end of the one a disclosure is in).
SENTENCE_BREAK = re.compile(r"[.!?]\s|\n")
# How far back the start of a sentence is looked for: a sentence is rarely longer.
_SENTENCE_LOOKBACK_CHARS = 400


def line_start(text: str, position: int) -> int:
    """Where the line holding `position` starts."""
    return text.rfind("\n", 0, position) + 1


def is_inside_quotes(text: str, start: int) -> bool:
    """Whether `start` lies inside a quotation on its line: after an odd number of double
    quotes, or after an opening single quote that has not closed.

    >>> is_inside_quotes('He said "as an AI I cannot" then left.', 9)
    True
    >>> is_inside_quotes("It isn't so. As an AI I cannot.", 13)
    False
    >>> is_inside_quotes("'As an AI I cannot,' the bot said.", 1)
    True
    """
    begin = line_start(text, start)
    before = text[begin:start]
    if before.count('"') % 2 == 1:
        return True
    # A single quote opens when it follows a space or bracket and precedes a letter; it
    # closes when it follows a letter or punctuation and precedes a space or punctuation. An
    # apostrophe inside a word ("isn't") does neither. What follows the last one is the
    # span's own first character.
    depth = 0
    for i, char in enumerate(before):
        if char != "'":
            continue
        previous = before[i - 1] if i else " "
        following = text[begin + i + 1] if begin + i + 1 < len(text) else " "
        if (previous.isspace() or previous in _BEFORE_AN_OPENING_QUOTE) and following.isalnum():
            depth = 1
        elif depth and not following.isalnum() and not previous.isspace():
            depth = 0
    return depth == 1


def is_reported(text: str, start: int) -> bool:
    """Whether the span starting at `start` is quoted, or introduced as reported words
    earlier in its own sentence ("the bot replied that as an AI language model it...")."""
    return is_inside_quotes(text, start) or _introduced_as_reported(text, start)


def is_quoted_report(text: str, start: int) -> bool:
    """Whether the span starting at `start` is quoted and introduced as reported words
    ('the release contained the line "[Insert quote here]"'). Stricter than `is_reported`
    for what templates put in quotes themselves ('"[Quote from the coach]," said [Name]')."""
    return is_inside_quotes(text, start) and _introduced_as_reported(text, start)


def _introduced_as_reported(text: str, start: int) -> bool:
    window_start = max(line_start(text, start), start - _SENTENCE_LOOKBACK_CHARS)
    window = text[window_start:start]
    sentence_start = 0
    for match in SENTENCE_BREAK.finditer(window):
        sentence_start = match.end()
    return _REPORTING.search(window.lower(), sentence_start) is not None


# A quotation's opening mark: a double quote, or a single quote before a letter at the start
# or after a space or bracket (not an apostrophe inside a word).
_OPENING_QUOTE = re.compile(
    rf"[\"“]|(?:^|(?<=[\s{re.escape(_BEFORE_AN_OPENING_QUOTE)}]))['‘](?=\w)"
)


def reports_a_quotation(line: str) -> bool:
    """Whether a line quotes someone's words and says whose: a quotation mark and a verb of
    reporting ("began its reply with 'Sure, here's ...'", '"Let me know," read the last
    line').

    >>> reports_a_quotation("The bot began its reply with 'Sure, here is the article.'")
    True
    >>> reports_a_quotation("Sure! Here's the article you asked for.")
    False
    """
    if _OPENING_QUOTE.search(line) is None:
        return False
    lower = line.lower()
    return _REPORTING.search(lower) is not None or _QUOTATION_OPENED.search(lower) is not None
