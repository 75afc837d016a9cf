"""Leaked LLM text: words an assistant left in a published page.

Farm pages are often a model's answer pasted unread: the model talks about itself ("As an AI
language model"), addresses the person who prompted it ("Sure! Here is a 600-word article"),
leaves the SEO scaffolding it was asked for ("Meta description:"), markdown that the publishing
tool did not render, placeholders it could not fill ("[Your Name]"), refusals, and disclaimers
about its knowledge cutoff. Each kind is rare in human writing, so any hit is strong evidence.

Every pattern is linear: alternations of literals, gaps bounded by `{0,N}`, no nested
quantifiers over overlapping characters. A pattern runs only when its cue words are in the
text's vocabulary (or its cue substrings in the lowered text), so a clean article costs a few
set lookups.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from farmscore.features.base import (
    EvidenceCollector,
    FamilyResult,
    FeatureSpec,
    Measure,
    rare_event_rate,
    with_rare_event_note,
)
from farmscore.features.checkable_items import CURRENCY_SIGNS
from farmscore.features.prompter_lines import (
    TaskTalk,
    find_task_talk,
    introduces_someone_elses_words,
)
from farmscore.features.quoted_speech import (
    SENTENCE_BREAK,
    is_quoted_report,
    is_reported,
    line_start,
)
from farmscore.features.tell_lines import LEARNED_NOTE
from farmscore.features.text import AnalyzedText, Span
from farmscore.words import WORD_PATTERN

# Straight or curly apostrophe: both appear in published text.
_AP = "['’]"
# Evidence notes quote the match; a reader needs the first words, not a paragraph.
NOTE_MAX_CHARS = 60

# A check of a match in context, for what a fast regex cannot say cheaply.
Accept = Callable[[str, re.Match[str]], bool]


def _after_non_word(text: str, match: re.Match[str]) -> bool:
    """True when the match starts a word (the `\\b` the pattern leaves out for speed)."""
    start = match.start()
    return start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_")


def _after_non_word_or_star(text: str, match: re.Match[str]) -> bool:
    return _after_non_word(text, match) and text[match.start() - 1 : match.start()] != "*"


_OPENING_QUOTES = frozenset("\"'“‘")


def _unquoted_stock_name(text: str, match: re.Match[str]) -> bool:
    """A stock name used as a placeholder, not the quoted legal 'John Doe' or the film."""
    start = match.start()
    return (
        _after_non_word(text, match)
        and text[start - 1 : start] not in _OPENING_QUOTES
        and text[max(0, start - 5) : start] != "Meet "
    )


# Words that explain a slot to fill rather than leave one unfilled: tutorials and templates
# ("Replace [NAME] with your user name", "the {first_name} field").
_SLOT_EXPLAINED = re.compile(
    r"\b(?:e\.g\.|i\.e\.)|\b(?:replace|replacing|substitute|fill in|fill out|where|eg|for example"
    r"|such as|template|templates|placeholders?|variables?|syntax|format|field|fields|parameters?"
    r"|arguments?|argument|command|placeholder text|example|examples|stands for)\b"
)
# Characters that glue a slot into a path, URL or code ("https://[your server]", "-[name]").
_GLUE_BEFORE = frozenset("/.-_=:@$`")
# A shell prompt in a tutorial's line ("$ gcloud ..."), not a price level ("$$$ ").
_SHELL_PROMPT = re.compile(r"(?:^|\s)\$ ")


# A slot written as an identifier ("[YOUR_PROJECT_ID]", "[your-device-type]") is a
# tutorial's, for a reader to fill in a command or a form.
_IDENTIFIER_SLOT = re.compile(r"\[+[\w]+[-_][\w-]+\]+")


def _unexplained_slot(text: str, match: re.Match[str]) -> bool:
    """A template slot left unfilled in prose, not one a tutorial explains or a path holds."""
    start, end = match.span()
    if _IDENTIFIER_SLOT.fullmatch(text, start, end):
        return False
    if start and text[start - 1] in _GLUE_BEFORE:
        return False
    after = text[end : end + 2]
    if after[:1].isalnum() or after.lstrip(" ")[:1] == "(":
        return False  # "[App]etite", a Markdown link "[the app](url)" or "[site] (www...)"
    if after[:1] in ("/", ".", "=", "_", "-") and after[1:2].isalnum():
        return False
    line_begin = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_begin : len(text) if line_end < 0 else line_end]
    return not _in_code_or_explained(line.lower())


def _in_code_or_explained(line: str) -> bool:
    """Whether a line (lowercase) is code or explains its slots to a reader ("replace ...
    with", "e.g."): its slots are a tutorial's, for the reader to fill."""
    return (
        "`" in line
        or "--" in line
        or " = " in line
        or _SHELL_PROMPT.search(line) is not None
        or _SLOT_EXPLAINED.search(line) is not None
    )


def _slot_after(characters: str) -> Accept:
    """A slot not explained as one, that starts the text or follows one of `characters`:
    "$XX" after a space or a bracket, "Insert quote ..." also after a quote mark."""
    allowed = frozenset(characters)

    def accept(text: str, match: re.Match[str]) -> bool:
        start = match.start()
        return (start == 0 or text[start - 1] in allowed) and _unexplained_slot(text, match)

    return accept


# The slots a writer leaves "to go here" or "TBD".
_SLOT_BEFORE = re.compile(
    r"\b(?:quote|image|photo|link|statistic|stat|caption|credit|testimonial|chart|figure)s?"
    r"(?: (?:from|by|of) [\w ]{1,30})?(?: to)? $"
)


def _named_slot_before(text: str, match: re.Match[str]) -> bool:
    """'Director's quote goes here', 'Quote from expert TBD': a slot's name just before."""
    before = text[max(0, match.start() - 50) : match.start()]
    return _after_non_word(text, match) and _SLOT_BEFORE.search(before) is not None


# Code on a page: a fence, an indented block, a shell prompt, a long option, inline code.
# Documentation names its slots in brackets as a syntax ("[range]", "[version]").
_CODE_ON_PAGE = re.compile(r"```|^(?: {4}|\t)\S|^[ \t]*\$ |(?:^|\s)--[a-z]|`[^`\n]+`", re.M)


def _unquoted_slot(text: str, match: re.Match[str]) -> bool:
    """A slot named by a kind of fact, not an editor's bracket in a quotation ('"33
    [percent]," he said'), an index or a selector ("h1[title]"), or a syntax on a page with
    code (checked last: it reads the whole page)."""
    start = match.start()
    if start and text[start - 1].isalnum():
        return False
    line_begin = text.rfind("\n", 0, start) + 1
    before = text[line_begin:start]
    if before.count('"') % 2 or before.count("“") > before.count("”"):
        return False
    return _unexplained_slot(text, match) and _CODE_ON_PAGE.search(text) is None


def _unexplained_word_slot(text: str, match: re.Match[str]) -> bool:
    return _after_non_word(text, match) and _unexplained_slot(text, match)


# A role label that names a person or a sign as well as a model ("Claude:", "Gemini:") counts
# in a conversation: beside another role's line, or opening a chat reply.
_UNAMBIGUOUS_ROLES = re.compile(
    r"[ \t>*]*(?:\*\*)?(?:assistant|ai assistant|ai response|ai answer|chatgpt said|chatgpt"
    r"|answer from the assistant|model response|completion|gpt-?[34])",
    re.IGNORECASE,
)
_OTHER_ROLE_LINE = re.compile(
    r"^[ \t>*#]*(?:\*\*)?(?:user|human|me|you said|prompt|q|a|assistant|ai|chatgpt|bot|answer"
    r"|response|completion|model)(?:\*\*)?[ \t]*:",
    re.IGNORECASE | re.MULTILINE,
)
_CHAT_REPLY_START = re.compile(
    r"[ \t]*(?:sure|certainly|absolutely|of course|okay|here(?:['’]s| is))\b", re.IGNORECASE
)


# A prompter's turn that asks for writing: "User: write about gas prices", "Me: can you make
# it funnier".
_WRITING_REQUEST = re.compile(
    r"^[ \t>*#]*(?:\*\*)?(?:user|human|me|you said|prompt|q|instruction)(?:\*\*)?[ \t]*:"
    r"[^\n]{0,300}?\b(?:write|rewrite|generate|compose|summari[sz]e|continue|paraphrase"
    r"|make it|create an? (?:article|post|story|essay|summary|review|blog)|draft)\b",
    re.IGNORECASE | re.MULTILINE,
)


# A model's name as the label of the page's first line, the reply pasted with its speaker:
# "Claude: The housing market in Denver remains competitive."
_MODEL_NAME_LABEL = (
    r"^[ \t>*<\[]*(?:\*\*)?(?:assistant|chatgpt|gpt-?[345][\w.-]*|gemini|bard|copilot"
    r"|claude(?:[ -][\d.]+)?(?:[ -](?:sonnet|opus|haiku|instant))?|output"
    r"|(?:copy\.ai|writesonic|rytr|anyword|wordtune|quillbot|sudowrite|hypotenuse|ai writer)"
    r"(?: (?:output|response|draft|says))?"
    r"|(?:llama|mistral|qwen|deepseek)[\w.-]*|perplexity|grok|chatbot|bot|ai|model|response"
    r"|response from (?:the )?(?:ai|assistant|model|chatbot|bot)"
    r"|sent by (?:copilot|chatgpt|gemini|claude|the assistant)|jasper(?: ai)?|bing chat"
    r"|response from (?:chatgpt|gemini|claude|copilot|bard))(?:[ \t]*\([^)\n]{1,30}\))?"
    r"(?:[ \t]+(?:said|replied|wrote|answered))?(?:\*\*)?[>\]]?[ \t]*:[ \t]*[^\n]+"
)
# A headline is not a sentence: "Gemini: What the new model can do" is a title.
_SENTENCE_LIKE = re.compile(r"[^\n]{20,}[.!?…]['\"’”]?[ \t]*$|(?:\S+[ \t]+){11,}\S")


def _opening_sentence(text: str, match: re.Match[str]) -> bool:
    """Whether a labelled line opens the page and says a sentence rather than a headline."""
    if text[: match.start()].strip():
        return False
    said = match.group(0).split(":", 1)[1].strip()
    return _SENTENCE_LIKE.match(said) is not None


def _role_in_a_conversation(text: str, match: re.Match[str]) -> bool:
    """A role label in a transcript of a model writing: an unambiguous role ("Assistant:"),
    or any role beside a prompter's request for writing or opening a chat reply."""
    label = text[match.start() : match.end()].lower().strip(" \t>*")
    if _UNAMBIGUOUS_ROLES.match(text, match.start()) and not label.startswith(
        ("gpt:", "q:", "user", "human", "me:", "prompt", "you said")
    ):
        return True
    if _CHAT_REPLY_START.match(text, match.end()):
        return True
    return _WRITING_REQUEST.search(text) is not None


# A pattern's cues: groups of alternatives, one of each group must be on the page. A cue that
# is one token by the rule of AnalyzedText.words is looked up as a word of the page; any other
# ("[", "feel free") as a substring of the lowered page. A page is checked once for every cue
# (`_cues_in`), so a pattern's check is a few set operations.
_CueGroup = frozenset[str]


def _is_word_cue(cue: str) -> bool:
    return WORD_PATTERN.fullmatch(cue) is not None


@dataclass(frozen=True, slots=True)
class _Pattern:
    regex: re.Pattern[str]
    # The pattern runs only when every group has a cue present: a set lookup is far
    # cheaper than a regex scan, and most pages have none of these words.
    cues: tuple[_CueGroup, ...]
    # Run on the original text; otherwise on the lowered text, with the pattern in lower case.
    cased: bool = False
    # Checks a match in context, e.g. the character before it: patterns leave out a leading
    # `\b` or look-behind because either stops the regex engine from skipping ahead to a
    # literal prefix, which makes a scan of clean text about ten times slower.
    accept: Accept | None = None
    # A label at a line's start ("^...:"): run only on the lines that hold a colon.
    on_label_lines: bool = False

    def may_match(self, cues_present: frozenset[str]) -> bool:
        # A loop, not all() over a generator: this runs for every pattern of every page.
        for group in self.cues:  # noqa: SIM110
            if group.isdisjoint(cues_present):
                return False
        return True


def _cue_groups(cues: tuple[str, ...]) -> tuple[_CueGroup, ...]:
    """'a|b', 'c' -> one of a, b and also c must occur."""
    return tuple(frozenset(group.split("|")) for group in cues)


def _rx(pattern: str, *cues: str, accept: Accept | None = None) -> _Pattern:
    """A lower-case pattern anchored by itself (line start, bracket...)."""
    return _Pattern(re.compile(pattern, re.MULTILINE), _cue_groups(cues), False, accept)


def _label(pattern: str, *cues: str, accept: Accept | None = None) -> _Pattern:
    """A lower-case pattern of a label at a line's start, ending in a colon on that line."""
    return _Pattern(re.compile(pattern, re.MULTILINE), _cue_groups(cues), False, accept, True)


def _w(pattern: str, *cues: str) -> _Pattern:
    """A lower-case pattern that must start a word."""
    return _Pattern(re.compile(pattern, re.MULTILINE), _cue_groups(cues), False, _after_non_word)


def _cased(pattern: str, *cues: str, accept: Accept | None = None) -> _Pattern:
    """A case-sensitive pattern, run on the original text."""
    return _Pattern(re.compile(pattern, re.MULTILINE), _cue_groups(cues), True, accept)


@dataclass(frozen=True, slots=True)
class _Kind:
    """One kind of leaked text: how to find it and how to document its two features.
    A `decisive` kind is a tell: one match the page does not quote or report makes the page
    a content farm (`farmscore.model.verdict`)."""

    name: str
    label: str
    # The features' title for a reader ("Unfilled placeholders").
    title: str
    patterns: tuple[_Pattern, ...]
    definition: str
    rationale: str
    decisive: bool
    # Finds the kind's spans itself, for kinds that are not a list of patterns.
    # Kinds found by `prompter_lines` take their spans from its one pass over the page.
    find: Callable[[TaskTalk], list[Span]] | None = None
    # Whether a match of a decisive kind is the page quoting or reporting someone.
    reported: Callable[[str, int], bool] = is_reported


_MARKDOWN_PATTERNS: tuple[_Pattern, ...] = (
    # "## Heading" at a line start. A single "#" also starts shell and Python comments,
    # so it counts only before a capital and without code punctuation; "#climate"
    # (no space) is a hashtag and never counts.
    _cased(
        r"^[ \t]{0,3}(?:#{2,6}[ \t]+\S[^\n]{0,200}|#[ \t]+[A-Z0-9][^\n=(){};]{0,120}$)",
        "#",
    ),
    # **bold**, but not "f**k" and not "***" rules.
    _cased(
        r"\*\*(?=[^\s*])[^*\n]{1,100}?(?<=[^\s*])\*\*(?![\w*])",
        "**",
        accept=_after_non_word_or_star,
    ),
    _cased(r"^[ \t]*-{3,}[ \t]*\r?$", "---"),
    _cased(r"\[[^\[\]\n]{1,200}\]\((?:https?://|www\.|/)[^()\s]{1,500}\)", "]("),
)


# The page or a part of it as the subject of a note on how it was made.
_THE_PAGE_AS_SUBJECT = re.compile(
    r"(?:\b(?:this|the following|the above)(?: (?:article|content|post|piece|text|summary"
    r"|response|report|review|story|guide|description|information|answer|page|section"
    r"|list))?|\bcontent)(?: (?:was|is|has been|were|are))? $"
)


def _said_of_the_page(text: str, match: re.Match[str]) -> bool:
    return _THE_PAGE_AS_SUBJECT.search(text, max(0, match.start() - 40), match.start()) is not None


# A page that says people checked its machine draft ("generated with the help of AI and
# reviewed by a human editor", "our editors verify every fact") discloses how it was made: using
# an LLM is not the offence. Unless the check is denied just before ("has not been reviewed by an
# editor").
_PEOPLE_CHECKED_IT = re.compile(
    r"\b(?:reviewed|checked|verified|edited|fact-checked|vetted|approved|overseen)"
    r"(?: and \w+)?(?: for accuracy)? by [^.\n]{0,40}?\b(?:editors?|staff|journalists?"
    r"|reporters?|fact-checkers?|humans?|people|team|newsroom|desk)\b"
    r"|\b(?:our|its|the|an?|human) (?:editors?|journalists?|reporters?|staff|team"
    r"|fact-checkers?) (?:(?:have |has )?(?:reviewed|checked|verified|edited|fact-checked)"
    r"|review|check|verify|edit|fact-check)\b"
)
_DENIED = re.compile(r"\b(?:not|never|no|without)\b|n['’]t\b")
# How far before the check a denial belongs to it: "has not been ", "without being ".
_DENIAL_REACH_CHARS = 25
# The disclosure's sentence ends at its first full stop; a long one is cut here, as a line can
# be megabytes long.
_DISCLOSURE_CHARS = 300


def _owns_up_to_unchecked_output(text: str, match: re.Match[str]) -> bool:
    """A disclosure of machine output said of the page, unless its sentence says people
    checked it."""
    if not _said_of_the_page(text, match):
        return False
    limit = min(len(text), match.start() + _DISCLOSURE_CHARS)
    end = SENTENCE_BREAK.search(text, match.end(), limit)
    sentence = text[match.start() : limit if end is None else end.start()]
    checked = _PEOPLE_CHECKED_IT.search(sentence)
    if checked is None:
        return True
    return (
        _DENIED.search(sentence, max(0, checked.start() - _DENIAL_REACH_CHARS), checked.start())
        is not None
    )


# A figure's currency sign before a slot ("₹[X,XXX]", "£__m"): the signs the checkable items
# read, and the naira and the peso of the pages that leave such slots.
_SLOT_CURRENCY = "[" + re.escape(CURRENCY_SIGNS + "₦₱") + "]"

_AI = (
    r"(?:ai|a\.i\.|artificial intelligence|(?:large )?language model|llm|ai (?:language )?model"
    r"|text model"
    r"|ai assistant|ai chatbot|chatbot|virtual assistant|digital assistant|ai system"
    r"|ai-powered (?:assistant|chatbot|tool)|text-based ai|machine learning model)"
)
_SELF_REFERENCE = _Kind(
    name="self_reference",
    title="Text calling itself an AI",
    label="assistant self-reference",
    decisive=True,
    patterns=(
        # "As an AI language model", "as an AI, I", "As a large language model trained by
        # Google"; not "As an AI researcher", which a news quote may contain.
        _w(
            r"as an? (?:ai|a\.i\.|artificial intelligence)"
            r"(?: (?:language |text |ai )?model\b| (?:ai )?assistant\b| chatbot\b| system\b"
            r"| tool\b| program\b|,| i\b| myself\b"
            r"| (?:developed|created|trained|built|made|designed) by\b)",
            "ai|artificial|a.i.",
        ),
        _w(
            r"as an? (?:(?:large |ai )?language model|llm)\b"
            r"|as an? (?:chatbot|virtual assistant|digital assistant|text-based ai"
            r"|ai-powered (?:assistant|chatbot|tool))\b(?=[^\n.]{0,60}\b(?:i|my|me)\b)",
            "model|llm|chatbot|assistant|ai",
        ),
        # "Being an AI model, I ...", "As an automated assistant, I ...".
        _w(
            r"being an? (?:(?:large )?language model|llm|ai(?: model| system| assistant)?)\b",
            "being",
            "ai|model|llm",
        ),
        _w(
            r"(?:as|being) an? (?:automated|virtual|digital) (?:writing )?(?:assistant|model"
            r"|system|chatbot)\b(?=[^\n.]{0,60}\b(?:i|my|me)\b)",
            "automated|virtual|digital",
            "assistant|model|system|chatbot",
        ),
        _w(
            r"my (?:responses|answers|outputs|replies) are (?:generated|produced|based on)\b",
            "responses|answers|outputs|replies",
            "generated|produced|based",
        ),
        _w(
            rf"i(?:{_AP}?m| am) (?:just |only |merely |simply |not a human,? (?:but )?|still )?"
            rf"(?:an? )?{_AI}\b",
            "ai|artificial|model|llm|chatbot|assistant|a.i.",
        ),
        _w(
            rf"i(?:{_AP}m| am) (?:claude|chatgpt|gemini|bard|llama|copilot|grok|mistral|qwen)"
            r"\b[^\n.]{0,40}\b(?:ai|assistant|model|chatbot)\b",
            "claude|chatgpt|gemini|bard|llama|copilot|grok|mistral|qwen",
        ),
        _w(
            r"(?:i was|i(?:['’]m| am)(?: an? \w+){0,2}|(?:language|ai) model) "
            r"(?:developed|created|trained|built|made|designed|programmed) by "
            r"(?:openai|google|anthropic|meta|mistral|microsoft|alibaba|deepmind|xai)\b",
            "openai|google|anthropic|meta|mistral|microsoft|alibaba|deepmind|xai",
        ),
        _w(
            rf"i (?:do not|don{_AP}t|cannot|can{_AP}t) (?:have|hold|form|express|share|possess)"
            r" (?:any )?personal (?:opinions|feelings|emotions|beliefs|preferences"
            r"|experiences|views|political views)\b"
            rf"|i (?:do not|don{_AP}t) have (?:a body|a physical form|feelings or opinions"
            r"|opinions or feelings)\b",
            "opinions|feelings|emotions|beliefs|preferences|experiences|views|body|physical",
        ),
        _w(
            r"this (?:response|answer|reply) (?:was|has been|is) (?:generated|written|produced"
            r"|created) (?:by|with|using) (?:an? )?(?:ai|artificial intelligence|language model"
            r"|chatbot|chatgpt)\b",
            "response|answer|reply",
            "generated|written|produced|created",
        ),
        # A model naming what it is or lacks: "I, as an assistant, cannot guarantee", "I'm
        # just a computer program", "I don't have eyes".
        _w(
            r"i,? as an? (?:(?:automated|virtual|digital|text-based) )?(?:ai|assistant"
            r"|language model|chatbot|bot|ai model|text model)\b"
            r"|i, an? (?:(?:automated|virtual|digital|text-based) )?(?:ai|assistant|language"
            r" model|chatbot|bot|ai model|text model)\b,"
            rf"|i(?:{_AP}m| am) (?:just |only |merely |simply )?(?:a|an) (?:computer program"
            r"|bot|software program|algorithm)\b"
            rf"|i (?:do not|don{_AP}t|lack) (?:have )?(?:eyes|taste buds)\b",
            "i",
            "ai|assistant|model|chatbot|bot|program|algorithm|eyes|taste",
        ),
        # "As an AI writing assistant, I've done my best": a kind of AI writing tool, then the
        # writer's own voice; not a person's post ("As an AI research assistant, I", "As an
        # AI teaching assistant").
        _w(
            r"as an? (?:ai|a\.i\.) (?:writing|language|text|chat|content|virtual|digital"
            r"|conversational|generative) (?:assistant|model|chatbot|tool|system)"
            r"(?=[,;:]|[ \t]+(?:i|my)\b)",
            "ai|a.i.",
            "writing|language|text|chat|content|virtual|digital|conversational|generative",
        ),
        # What only a model says of itself: "language models like me", "I'm programmed to
        # avoid taking sides", "I don't retain memory of previous conversations", "I do not
        # possess consciousness", "I may occasionally produce incorrect information"; not a
        # person's idiom ("I'm programmed to avoid carbs"), a therapist's note ("I do not
        # retain information from our sessions") or a joke ("I don't have self-awareness").
        _w(
            r"(?:(?:ai|language) models?|chatbots?|ai assistants?) like me\b",
            "like",
            "me",
            "models|model|chatbot|chatbots|assistant|assistants",
        ),
        _w(
            rf"i(?:{_AP}m| am|(?:{_AP}ve| have) been) (?:programmed|designed) to (?:provide"
            r" (?:information|answers|responses|helpful)|assist (?:users|you)|answer questions"
            r"|generate (?:text|content|responses)|remain (?:neutral|impartial|objective)"
            r"|be (?:neutral|impartial|objective|unbiased)|avoid (?:taking sides|political"
            r"|controversial|expressing|sharing personal|giving personal))\b",
            "programmed|designed",
        ),
        _w(
            rf"i (?:do not|don{_AP}t|cannot|can{_AP}t) retain (?:any )?(?:memory|memories"
            r"|information|details) (?:of|from|between|about) (?:previous|past|earlier|prior"
            r"|other) (?:conversations?|chats?|chat sessions?|exchanges?)\b",
            "retain",
            "conversation|conversations|chat|chats|exchange|exchanges",
        ),
        _w(
            rf"i (?:do not|don{_AP}t) possess (?:any )?(?:consciousness|sentience)\b",
            "consciousness|sentience",
        ),
        _w(
            r"i (?:may|might|can|could) (?:occasionally |sometimes |still )?(?:produce|generate)"
            r" (?:incorrect|inaccurate|false|outdated|wrong|misleading|made-up) (?:information"
            r"|content|answers|responses|facts)\b",
            "produce|generate",
            "incorrect|inaccurate|false|outdated|wrong|misleading|made-up",
        ),
        # "Being a chatbot, I can't ...": its own pattern, so that the one above keeps "i" as
        # its literal start.
        _w(
            r"being an? (?:(?:text-based|large|automated) )?(?:ai|chatbot|language model"
            r"|ai model|text model|bot|computer program)\b,",
            "being",
            "ai|chatbot|model|bot|program",
        ),
        # The page owning up to being unreviewed machine output: "This content is
        # AI-generated and may contain inaccuracies", "The following was written by AI.
        # Facts have not been fact-checked", "Content generated by an AI writing assistant –
        # verify prices". Found from its making; the page as its subject checked before, and
        # a page that says people checked it is left alone.
        _rx(
            r"(?:(?:auto-?generated|generated|written|produced|created|drafted|compiled)"
            r"(?: automatically)?"
            r"(?: with the help of| using| by| with)(?: an?)?(?: (?:meta|google|microsoft|openai"
            r"|anthropic)(?:['’]s)?)? (?:ai|artificial intelligence"
            r"|automated (?:writing )?(?:system|tool)|machine learning model"
            r"|(?:large )?language model|llm|chatgpt|generative ai(?: tools?| models?)?"
            r"|ai (?:writing )?(?:assistant|tool|model|system))|ai-generated|machine-generated)"
            r"\b[^\n]{0,80}?\b(?:may|might|not been|has not|have not|hasn['’]t|haven['’]t|verify"
            r"|double-check\w*|fact-check\w*|inaccura\w*|errors?|mistakes?|reviewed|omit"
            r"|relied|as-is|not guaranteed|not (?:checked|verified|edited|fact-checked))\b",
            "generated|autogenerated|written|produced|created|drafted|compiled",
            "ai|artificial|automated|machine|model|llm|chatgpt",
            accept=_owns_up_to_unchecked_output,
        ),
        _w(
            r"i generated (?:these|this|the)\b[^\n.]{0,60}\b(?:automatically|may not|might"
            r" not)\b",
            "generated",
            "automatically|may|might",
        ),
        # A chat product's own footer pasted with its answer: "ChatGPT can make mistakes.
        # Check important info.", "Copilot uses AI. Check for mistakes.", "Disclaimer from
        # the assistant:".
        _w(
            r"(?:chatgpt|claude|gemini|copilot|perplexity|meta ai|grok|bard) (?:can|may) (?:make"
            r" mistakes|display inaccurate info)\b|copilot uses ai\b"
            r"|ai responses may include mistakes\b"
            r"|disclaimer from (?:the )?(?:ai|assistant|model|chatbot)\b",
            "chatgpt|claude|gemini|copilot|perplexity|meta|grok|bard|responses|disclaimer",
            "mistakes|inaccurate|uses|ai|assistant|model|chatbot",
        ),
        _w(
            r"(?:note from the (?:ai|assistant|model)|ai[- ]generated (?:content|article|text)"
            r" (?:disclaimer|note)"
            r"|regenerate response)\b",
            "ai|regenerate",
        ),
    ),
    definition=(
        "Phrases in which the writer calls itself an AI or a language model ('As an AI "
        "language model', 'As an AI, I', 'I'm just a language model', 'I don't have personal "
        "opinions'), unless quoted or reported."
    ),
    rationale=(
        "Only a chatbot's answer refers to itself this way; a page that carries it was "
        "pasted from a model unread, the hallmark of a content farm."
    ),
)

_CANNOT = (
    rf"(?:cannot|can not|can{_AP}t|am unable to|{_AP}m unable to|am not able to"
    rf"|{_AP}m not able to|won{_AP}t be able to|will not|won{_AP}t|must decline to"
    rf"|am not allowed to|{_AP}m not allowed to|am not permitted to|{_AP}m afraid i can{_AP}t)"
)
# "I'm unable to": the contraction leaves no space after "i".
_I_M_CANNOT = (
    rf"i{_AP}m (?:unable to|not able to|not allowed to|not permitted to|afraid i can{_AP}t)"
)


def _i_cannot(rest: str, *cues: str) -> tuple[_Pattern, _Pattern]:
    """'I cannot <rest>' and "I'm unable to <rest>" as two patterns: each keeps a literal
    prefix of two characters, which the regex engine skips ahead to."""
    contracted = _w(_I_M_CANNOT + " " + rest, *cues, "unable|able|allowed|permitted|afraid")
    return _w(rf"i {_CANNOT} " + rest, *cues), contracted


_CANNOT_CUES = "cannot|can|can't|can’t|unable|able|won't|won’t|will|decline|allowed|permitted"
_REFUSAL = _Kind(
    name="refusal",
    title="Assistant refusals",
    label="assistant refusal",
    decisive=True,
    patterns=(
        *_i_cannot(
            r"(?:fulfill|fulfil|comply with|complete) (?:this|that|your|the)\b",
            "fulfill|fulfil|comply|complete",
        ),
        *_i_cannot(
            r"(?:assist|help|generate|create|write|produce|provide|complete"
            r"|engage|continue|speculate|give|offer|share)(?: with| on| about)?"
            r" (?:this|that|your|such|the|any|personali[sz]ed|specific|information|content"
            r"|requests?|lyrics|medical|legal|financial|images|photos|pictures|visuals|charts)\b",
            _CANNOT_CUES,
        ),
        _w(
            rf"(?:i(?:{_AP}m| am) sorry|sorry|apologies|i apologi[sz]e|unfortunately|forgive me)"
            r"(?: for (?:any|the) (?:inconvenience|confusion))?,? (?:but )?"
            rf"i(?:{_AP}m| am)? (?:cannot|can not|can{_AP}t|unable to|not able to|won{_AP}t"
            r"|will not|must decline to|do not have|don['’]t have) (?:(?:help|assist)(?: you)?"
            r" with (?:that|this|your|such)|provide"
            r"|generate|create|write|produce|fulfill|fulfil|comply|complete|continue|share|give"
            r"|offer|discuss|answer|do that|do this|access|specific|reproduce|review"
            r"|help (?:write|create|produce|with)"
            r"|(?:enough |sufficient |the necessary )?(?:information|details)"
            r"|the (?:ability|capability|information|details))\b",
            "sorry|apologies|apologize|apologise|unfortunately|forgive",
        ),
        _w(
            r"(?:this|that|your) request (?:goes against|violates|is against|conflicts with"
            r"|is not something)\b|as it goes against my\b",
            "request|goes",
            "against|violates|conflicts|something",
        ),
        _w(
            r"against my (?:programming|guidelines|policies|content policy|ethical guidelines"
            r"|principles|usage policies)\b",
            "programming|guidelines|policies|policy|principles",
            "against",
        ),
        _w(
            r"(?:my|openai['’]s|the) (?:usage|content) polic(?:y|ies)\b",
            "policy|policies",
            "usage|content",
        ),
        _w(
            rf"i(?:{_AP}m| am) (?:an ai )?(?:designed|programmed|built) to be (?:helpful|harmless)",
            "designed|programmed|built",
        ),
        # A refusal explained by what was done instead: "I cannot generate fake quotes, so
        # I've used general statements instead", "I can't help with a misleading headline,
        # but I've suggested an accurate one".
        _w(
            rf"i (?:cannot|can{_AP}t|can not|won{_AP}t|am unable to|{_AP}m unable to"
            rf"|couldn{_AP}t|could not) (?:help (?:with )?)?(?:generat|writ|creat|produc|invent"
            r"|fabricat|includ|provid|shar|verif|confirm|find reliable|access)\w*\b[^\n.]{0,100}?"
            rf", (?:so|but|and) (?:i(?:{_AP}ve| have)? |instead,? i(?:{_AP}ve| have)? )"
            r"(?:used|written|left|kept|suggested|added|flagged|replaced|included|provided|made"
            r"|created|drafted|focused|omitted|removed|gone|marked|noted)\b",
            "cannot|can't|can’t|can|won't|won’t|unable|couldn't|couldn’t|could",
            "used|written|left|kept|suggested|added|flagged|replaced|included|provided|made"
            "|created|drafted|focused|omitted|removed|gone|marked|noted",
        ),
    ),
    definition=(
        "An assistant declining the task: 'I cannot fulfill', 'I'm sorry, but I can't "
        "assist', 'this request goes against', 'against my guidelines', unless quoted or "
        "reported."
    ),
    rationale=(
        "A refusal published as an article means nobody read the page before it went out, "
        "which only happens on automated farms."
    ),
)

_LIMIT_CUES = (
    "can|cannot|can't|can’t|cant|could|couldn't|couldn’t|couldnt|have|don't|don’t|dont|didn't"
    "|didn’t|didnt|able|unable|won't|won’t|lack"
)
# "I" and a limit, ending where a model's missing ability is named.
_FIRST_PERSON_LIMIT = re.compile(
    rf"\bi\b[^\n.!?]{{0,40}}?\b(?:can(?:not|{_AP}?t| not)|could(?:n{_AP}?t| not)"
    rf"|(?:do|does|did)(?: not|n{_AP}?t) have|(?:am|{_AP}m) (?:not able|unable)"
    rf"|won{_AP}t be able|lack|have no)\b[^\n.!?]{{0,50}}?$"
)
_THING_YOU_GAVE = re.compile(
    r"\b(?:photo|image|picture|file|link|document|attachment|press release|article|url)s? $"
)


def _first_person_limit_before(text: str, position: int) -> bool:
    """Whether "I" and a limit ("I can't", "I don't have") lead up to `position`."""
    before = text[max(0, position - 110) : position]
    return _FIRST_PERSON_LIMIT.search(before) is not None


def _after_a_first_person_limit(text: str, match: re.Match[str]) -> bool:
    return _after_non_word(text, match) and _first_person_limit_before(text, match.start())


def _a_thing_you_gave_after_a_limit(text: str, match: re.Match[str]) -> bool:
    """'... the photo you attached' after 'I can't see'."""
    thing = _THING_YOU_GAVE.search(text, max(0, match.start() - 20), match.start())
    return thing is not None and _first_person_limit_before(text, thing.start())


_KNOWLEDGE_CUTOFF = _Kind(
    name="knowledge_cutoff",
    title="Knowledge-cutoff disclaimers",
    label="knowledge-cutoff disclaimer",
    decisive=True,
    patterns=(
        _w(
            r"as of my (?:last |latest |most recent |final )?(?:knowledge |training |information"
            r" |data )?(?:update|cutoff|cut-off|training|knowledge|information)\b",
            "as",
            "my",
        ),
        _w(
            r"(?:my|the) (?:knowledge|training(?: data)?|information|data) (?:cutoff|cut-off"
            r"|cut off)\b",
            "cutoff|cut",
        ),
        _w(
            r"my (?:training(?: data)?|knowledge|information|data|knowledge base) (?:only )?"
            r"(?:goes|extends|runs|is limited|is current|was last updated|ends|stops|covers"
            r"|only goes|does not (?:include|cover|extend)|doesn['’]t (?:include|cover|extend))\b",
            "training|knowledge|information|data",
            "my",
            "goes|extends|runs|limited|current|updated|ends|stops|covers|include|cover|extend",
        ),
        # "My knowledge is not current"; not "my data isn't up to date", which people say too.
        _w(
            r"my (?:knowledge|training data|training) (?:is not|isn['’]t)"
            r" (?:current|up to date|up-to-date)\b",
            "knowledge|training",
            "current|date",
        ),
        _w(
            r"(?:in|beyond|outside|from|past) my (?:training(?: data| set)?|knowledge base"
            r"|knowledge cutoff|dataset|data set)\b",
            "training|knowledge|dataset|data",
            "my",
        ),
        _w(
            r"(?:after|since|beyond) my (?:last |latest )?(?:knowledge |training )?"
            r"(?:update|cutoff|cut-off|training)\b",
            "after|since|beyond",
            "my",
            "update|cutoff|cut|training",
        ),
        _w(
            rf"i (?:do not|don{_AP}t|cannot|can{_AP}t) (?:have )?(?:access to )?(?:real-time"
            r"|real time|live|up-to-date|current|the (?:latest|most recent)) (?:information"
            r"|data|updates|access|news|details|figures|prices|results|events|scores|stats)\b"
            rf"|i (?:do not|don{_AP}t) have (?:real-time|real time|live|internet|web|browsing)"
            r" (?:access|capabilities|ability)\b",
            "real|live|up|current|latest|recent|internet|web|browsing",
            "have|access",
        ),
        _w(
            rf"i{_AP}m (?:unable|not able) to (?:browse|access|search|surf|check|look up|watch"
            r"|view|open|visit|retrieve|fetch|pull up)\b[^\n.]{0,40}\b(?:internet|web|online"
            r"|websites?|links?|urls?|videos?|live|real-time|news|sources|listings|paywalled"
            r"|current data|live data|the (?:file|attachment|document|pdf)"
            r"|current (?:[\w-]+ ){0,2}(?:rates|prices|figures|scores|standings|listings))\b",
            "unable|able",
            "internet|web|online|website|websites|link|links|url|urls|video|videos|live|real"
            "|news|sources|listings|paywalled|current|file|attachment|document|pdf",
        ),
        _w(
            rf"i (?:do not|don{_AP}t|cannot|can{_AP}t|am unable to|am not able to|have no way to)"
            r" (?:have the (?:ability|capability) to )?(?:browse|access|search|surf|check|look"
            r" up|watch|view|open|visit|retrieve|fetch|pull up)\b[^\n.]{0,40}\b(?:internet|web"
            r"|online|websites?|links?|urls?|videos?|live|real-time|news|sources|listings"
            r"|paywalled|current data|live data|the (?:file|attachment|document|pdf)"
            r"|current (?:[\w-]+ ){0,2}(?:rates|prices|figures|scores|standings|listings))\b"
            r"|i have no (?:access to|way of accessing|ability to browse) the (?:internet|web)\b"
            r"|i (?:do not|don['’]?t) have the (?:capability|ability) to (?:browse|watch|view"
            r"|access|search|open|see|read|verify|listen)\b"
            r"|i lack the (?:capability|ability|capacity) to (?:browse|watch|view|access|search"
            r"|open|see|read|verify|listen)\b|i lack (?:live|real-time|internet|web) access\b",
            "internet|web|online|website|websites|link|links|url|urls|video|videos|live|real"
            "|news|sources|capability|ability|capacity|listings|paywalled|pdf|attachment|file"
            "|current|lack",
        ),
        _w(
            r"i (?:do not|don['’]t) have access to (?:the (?:actual|latest|most recent|original"
            r"|full|specific)|real-time|current|live|up-to-date|your|external|specific|private"
            r"|personal|the internet|the web)\b",
            "access",
        ),
        # A first-person limit of a model, by what only a model lacks: "I don't have the
        # ability to visit places", "I can't see the photo you attached", "I'm afraid I can't
        # retrieve the score since my browsing tool is disabled". The rare words are found
        # first; the limit is looked for before them.
        *(
            # One pattern a phrase: each keeps a literal prefix and its own cue words.
            _rx(phrase + r"\b", *cues, _LIMIT_CUES, accept=_after_a_first_person_limit)
            for phrase, cues in (
                (r"real[- ]?time", ("real|realtime",)),
                (r"brows(?:e|ing)", ("browse|browsing",)),
                (r"training data", ("training", "data")),
                (r"taste buds", ("taste", "buds")),
                (r"visit places", ("visit", "places")),
                (r"open (?:pdfs?|attachments?)", ("open", "pdf|pdfs|attachment|attachments")),
                (r"see (?:images|pictures)", ("see", "images|pictures")),
                (r"make (?:phone )?calls", ("make", "calls")),
                (r"(?:internet|web) access", ("internet|web", "access")),
                (r"connected to the (?:internet|web)", ("connected", "internet|web")),
            )
        ),
        _rx(
            r"you (?:attached|shared|sent|provided|uploaded|mentioned|linked|pasted)\b",
            "you",
            "attached|shared|sent|provided|uploaded|mentioned|linked|pasted",
            _LIMIT_CUES,
            accept=_a_thing_you_gave_after_a_limit,
        ),
        # A model's making, named by the model: "I was last updated in 2021", "I was trained
        # on data up to a certain point", "I may hallucinate details", "my browsing tool",
        # "based on my training data".
        _w(
            rf"i (?:was|am|have been|{_AP}ve been) (?:last updated|trained on (?:data|text"
            r"|information|a dataset))\b",
            "updated|trained",
            "last|data|text|information|dataset",
        ),
        _w(
            r"i (?:may|might|can|could|sometimes|occasionally) (?:also )?hallucinate\b",
            "hallucinate",
        ),
        _w(r"my (?:browsing|search|web|retrieval) tool\b", "tool", "browsing|search|web|retrieval"),
        _w(r"based on my training\b", "training", "based"),
        # "My training data may not include the latest changes", "The following reflects my
        # training data".
        _w(
            r"my (?:training data|training|knowledge|information) (?:may|might|could) not"
            r" (?:include|cover|reflect|capture|be current|be up to date)\b",
            "training|knowledge|information",
            "may|might|could",
        ),
        # Not "reflects my training in French kitchens": a person's schooling.
        _w(
            r"reflects? my training(?: data)?\b(?! (?:in|as|at|with|from|under|and)\b)",
            "training",
            "reflect|reflects",
        ),
    ),
    definition=(
        "Disclaimers about a model's training and reach: 'As of my last knowledge update', "
        "'my training data only goes up to', 'I don't have real-time information', 'I cannot "
        "browse the internet', unless quoted or reported."
    ),
    rationale=(
        "Only a language model dates its own knowledge; on a news page it shows the text was "
        "generated, not reported."
    ),
)

_PROMPTER_ADDRESS = _Kind(
    name="prompter_address",
    title="Answer addressed to the prompter",
    label="answer addressed to the prompter",
    decisive=True,
    patterns=(),
    find=lambda talk: talk.prompter_address,
    definition=(
        "Lines a chatbot addresses to whoever prompted it: a hand-over in the opening lines "
        "('Absolutely! Below is a news article written in AP style'), an offer to change the "
        "piece ('Want me to add an FAQ section for SEO?'), a note on what it made up ('I "
        "kept the quotes generic'), unless quoted or reported."
    ),
    rationale=(
        "Articles speak to readers, not to a prompter; these hand-overs and offers survive "
        "only when a model's reply is published without editing."
    ),
)

_PROMPT_ECHO = _Kind(
    name="prompt_echo",
    title="The prompt echoed in the page",
    label="echoed prompt",
    decisive=True,
    patterns=(),
    find=lambda talk: talk.prompt_echo,
    definition=(
        "The instructions a piece was generated from, left in the page: 'Write a 600-word "
        "article on ...', 'a 26 sentence story based on the prompt', 'Tone: casual. Length: "
        "1200 words.', 'Rewrite the following text', unless quoted or reported."
    ),
    rationale=(
        "A prompt is never part of an edited article; its presence shows the page is a "
        "model's raw output."
    ),
)

_FORMAT_NOTE = _Kind(
    name="format_note",
    title="Notes on the page's own formatting or SEO",
    label="formatting or SEO note",
    decisive=True,
    patterns=(
        # A page that opens with its parts labelled, "Title: ..." or "**Headline:** ...", is a
        # chat answer pasted whole: no edited page (none in the human corpora) opens so.
        _rx(
            r"\A[ \t\r\n]*(?:[^\n]{0,200}\n[ \t\r\n]*){0,2}?(?:#{1,6}[ \t]+)?(?:\*\*)?"
            r"(?:title|headline|sub-?headline|sub-?title|h1|leading line|lead paragraph)"
            r"(?:\*\*)?[ \t]*:(?:\*\*)?[ \t]*\S",
            ":",
        ),
        # The SEO brief's labels at a line start: "Meta description:", "Focus keyword:".
        _label(
            r"^[ \t]*(?:#{1,6}[ \t]+)?(?:[-*•>(][ \t]*)?(?:\*\*)?[ \t]*(?:suggested[ \t]+)?"
            r"(?:meta[ \t]+(?:description|desc|title|keywords?|tags?)|seo[ \t]+(?:title|description"
            r"|keywords?|meta(?:[ \t]+description)?|slug|score|tags?|headline)"
            r"|(?:focus|target|primary|secondary|main|lsi|related|long-tail|supporting)[ \t]+"
            r"(?:keywords?|key ?phrases?|search terms?)(?:[ \t]+(?:used|included))?"
            r"|keywords?[ \t]+(?:used|density|included|placement)|url[ \t]+slug"
            r"(?:[ \t]+suggestion)?|slug|title[ \t]+tag|canonical[ \t]+url"
            r"|schema[ \t]+markup|(?:(?:featured[ \t]+)?image[ \t]+)?alt[ \t]+text"
            r"(?:[ \t]+suggestions?)?|featured[ \t]+image[ \t]+(?:suggestion|idea|alt)"
            r"|word[ \t]+count|total[ \t]+words|reading[ \t]+level"
            r"|readability[ \t]+score|(?:twitter|og|open[ \t]+graph)[ \t]+(?:card[ \t]+)?"
            r"(?:title|description)|(?:suggested|proposed)[ \t]+(?:categor(?:y|ies)|tags"
            r"|headlines?|titles?|images?|internal[ \t]+links?)|image[ \t]+(?:suggestions?"
            r"|ideas?|placement|prompts?)|alt[ \t]+tags?|internal[ \t]+link(?:ing)?[ \t]+"
            r"(?:suggestions?|ideas|opportunities)|schema[ \t]+type|featured[ \t]+snippet"
            r"(?:[ \t]+target)?|(?:formatting|seo)[ \t]+notes?|(?:primary|secondary|focus|target"
            r"|main)[ \t]+kws?|(?:focus[ \t]+)?keyphrase|keyword[ \t]+density|character[ \t]+count"
            r"|twitter[ \t]+card[ \t]+description|(?:recommended|suggested)[ \t]+(?:internal"
            r"|external)[ \t]+links?|(?:external|internal)[ \t]+link(?:ing)?[ \t]+(?:suggestions?"
            r"|ideas|recommendations?)|anchor[ \t]+text|canonical|yoast(?:[ \t]+seo)?"
            r"|formatting|(?:sub)?heading[ \t]+suggestions?|(?:image[ \t]+)?"
            r"caption[ \t]+(?:suggestions?|ideas?)|(?:editor['’]?s[ \t]+)?layout[ \t]+note)"
            # A qualifier before the colon: "SEO Title (under 60 characters):", "Alt text for
            # image 2:", "Canonical URL to set in Rank Math:".
            r"(?:[ \t]*\([^)\n]{1,60}\)|[ \t]+(?:for|to|of|in)[ \t][^:\n]{1,50})?"
            r"(?:\*\*)?[ \t]*:",
        ),
        _rx(
            r"\[(?:featured[ \t]+)?(?:image|photo|picture|infographic|video|chart|graph"
            r"|screenshot|gif|map|table|tweet|embed|link)s?[ \t]*(?:suggestion|idea|here"
            r"|placeholder|showing|depicting)[^\]\n]{0,120}\]",
            "[",
        ),
        # A media slot labelled with a colon: "[CHART: monthly home sales]", "<IMAGE: aerial
        # view>"; not a photo credit or an embed's remnant ("[Photo: Reuters]", "[Video: Watch
        # on YouTube.]").
        _rx(
            r"\[(?:chart|graph|infographic|map|table|screenshot)[ \t]*:"
            r"[^\]\n]{1,120}\]|<(?:image|photo|picture|chart|graph|infographic|video|map|table"
            r"|tweet|embed|gif|screenshot)[ \t]*:[^>\n]{1,120}>",
            "[|<",
        ),
        _rx(
            r"\[(?:insert|add|include|place|embed|put)[ \t]+(?:an?[ \t]+|the[ \t]+|relevant"
            r"[ \t]+|your[ \t]+)?(?:image|photo|picture|infographic|video|chart|graph|screenshot"
            r"|link|table|map|tweet|gif|youtube video|embed)s?\b[^\]\n]{0,80}\]",
            "[",
        ),
        # "This article is structured using HTML headings", "This post has been formatted
        # with an FAQ section to target featured snippets".
        _w(
            r"(?:this|the) (?:article|post|blog post|blog|piece|content|guide|text|draft"
            r"|write-up|story|listicle|response|copy|version|table|list)(?: above| below)?"
            r" (?:(?:is|has been|was|is being|should be|will be|can be|may need to be|needs to be)"
            r" (?:structured|formatted|organi[sz]ed|optimi[sz]ed for (?:seo|search|google"
            r"|readability|featured|the)|broken (?:up|down)|divided|marked up|laid out"
            r"|converted)|(?:uses|employs|utili[sz]es|incorporates)"
            r" (?:html|markdown|h[1-6]|subheadings|headings|header tags|bullet points))\b"
            r"(?=[^\n.]{0,120}\b(?:html|markdown|headings?|subheadings?|headers?|h[1-6]|seo"
            r"|keywords?|bullet points|readability|skim\w*|scannable|snippets?|search engines?"
            r"|google)\b)",
            "structured|formatted|organized|organised|optimized|optimised|broken|divided|marked"
            "|laid|converted|html|markdown|h1|h2|h3|subheadings|headings|header|bullet",
        ),
        _w(
            r"(?:h[1-6]|html|markdown|headings?|subheadings?|headers?)(?: and h[1-6])?"
            r"(?: tags?| headings?| headers?| formatting| syntax)? (?:have|has) been (?:used"
            r"|added|included|applied|incorporated|inserted|marked)\b"
            r"|(?:subheadings|headings|headers|h[1-6] tags?) (?:are|were) (?:marked|used"
            r"|included|added) (?:with|for|to) (?:##|#|seo|markdown|readability|skim)"
            r"|optimi[sz]ed for the (?:long-tail |primary |focus |target |main )?keywords?\b",
            "html|markdown|h1|h2|h3|h4|h5|h6|headings|heading|subheadings|subheading|headers"
            "|header|keyword|keywords",
            "used|added|included|applied|incorporated|inserted|marked|optimized|optimised",
        ),
        # "H1: The Ultimate Guide ...": an outline's heading labels, in capitals (HTML tutorials
        # write the element names in lower case).
        _cased(
            r"^[ \t]*[\[(]?(?:\*\*)?H[1-6](?:\*\*)?[ \t]*[:–—-][ \t]*(?:\*\*)?[A-Z0-9]",
            "h1|h2|h3|h4|h5|h6",
        ),
        # More fields of a content brief at a line's start: "Tags to add:", "CTA button
        # text:", "Headline options:", "Twitter/X snippet (under 280 characters):". Not fields
        # a human page prints for its readers ("Outline:", "Excerpt:", "Target audience:",
        # "Permalink:", "Pull quote:", "Facebook post:", "Hashtags for weddings:", a glossary's
        # "CTA:").
        _label(
            r"^[ \t]*(?:#{1,6}[ \t]+)?(?:[-*•>(][ \t]*)?(?:\*\*)?[ \t]*(?:suggested[ \t]+"
            r"|proposed[ \t]+|recommended[ \t]+)?"
            r"(?:tags[ \t]+to[ \t]+(?:add|use|include)|hashtags?[ \t]+(?:to[ \t]+(?:use|add"
            r"|include)|for[ \t]+(?:distribution|promotion|sharing|social(?:[ \t]+media)?))"
            r"|cta(?:[ \t]+(?:button|text|copy|line|link))+"
            r"|(?:headline|title|subheading|subhead|heading)[ \t]+(?:options|ideas|alternatives"
            r"|variations|suggestions)|(?:social(?:[ \t]+media)?|twitter|x|twitter/x|facebook"
            r"|linkedin|instagram)[ \t]+(?:snippet|caption|copy|blurb|teaser)s?"
            r"|featured[ \t]+snippet[ \t]+(?:paragraph|answer|text|block)"
            r"|(?:sidebar|callout|(?:pro[ \t]+)?tip|info)[ \t]+box|(?:infographic|video|image|gif"
            r"|chart)[ \t]+(?:placeholder|embed|suggestion|idea)s?|formatting[ \t]+note)"
            r"(?:[ \t]*\([^)\n]{1,60}\))?(?:\*\*)?[ \t]*:",
            "tags|hashtag|hashtags|cta|options|ideas|alternatives|variations|suggestions|snippet"
            "|snippets|caption|captions|copy|blurb|blurbs|teaser|teasers|box|placeholder"
            "|placeholders|embed|embeds|suggestion|idea|note",
        ),
        # The page describing its own form for a search engine or a skimming reader: "This
        # post uses short paragraphs and bullet points to improve readability on mobile
        # devices", "Each subheading below targets a long-tail keyword". The page itself, or a
        # part of it placed above or below, as the subject; not an SEO guide's advice ("Make
        # sure the heading uses your focus keyword") nor its topic ("This post is written for
        # SEO beginners").
        _w(
            r"(?:this (?:article|post|blog post|piece|content|write-up|listicle|draft|copy)"
            r"|(?:the|each) (?:article|post|piece|content|write-up|listicle|draft|copy"
            r"|introduction|intro|conclusion|summary box|comparison|faqs?|subheadings?|headings?"
            r"|headers?|subheads?|lead paragraph)s? (?:above|below|at the (?:top|bottom)))"
            r" (?:uses|use|is kept|are kept|is under|is within|targets?|is structured"
            r"|are structured|is formatted|are formatted|is broken|are broken)\b"
            r"[^\n.]{0,100}?\b(?:readability|skimm\w*|scannab\w*|featured snippets?"
            r"|(?:long-tail|focus|primary|main|target|secondary) keywords?|bounce rate"
            r"|voice search|people also ask)\b",
            # Three groups, each rare on a page: the pattern runs on few pages.
            "article|post|piece|content|write-up|listicle|draft|copy|introduction|intro"
            "|conclusion|summary|comparison|faq|faqs|subheadings|subheading|headings|heading"
            "|headers|header|subheads|subhead|lead",
            "uses|use|kept|under|within|targets|target|structured|formatted|broken",
            "readability|skimmers|skimmable|skimming|skimmability|scannable|scannability"
            "|snippet|snippets|keyword|keywords|bounce|voice|ask",
        ),
        # What the writer did to the page for its reader's screen or for search: "I've bolded
        # the key takeaways", "I kept paragraphs to 2-3 sentences for mobile readability".
        _w(
            r"i(?:['’]ve| have)? (?:also )?(?:used|kept|included|added|bolded|italici[sz]ed"
            r"|structured|formatted|organi[sz]ed|wrapped|converted|stripped|removed|broken|broke"
            r"|split|optimi[sz]ed|placed|capitali[sz]ed|numbered|labell?ed|marked)\b[^\n.]{0,100}"
            r"\b(?:headings?|subheadings?|headers?|h[1-6]s?|bullet(?: point)?s|bold(?:ed|ing)?"
            r"|keywords?|keyphrases?|seo|markdown|html|tags|readability|skimm\w*|scannab\w*"
            r"|yoast|schema|meta|snippets?|title case|tl;dr|transition words|passive voice)\b",
            "used|kept|included|added|bolded|italicized|italicised|structured|formatted|organized"
            "|organised|wrapped|converted|stripped|removed|broken|broke|split|optimized|optimised"
            "|placed|capitalized|capitalised|numbered|labeled|labelled|marked",
            "i|i've|i’ve",
            "headings|heading|subheadings|subheading|headers|header|h1|h2|h3|h4|h1s|h2s|h3s|bullet"
            "|bullets|bold|bolded|bolding|keyword|keywords|keyphrase|keyphrases|seo|markdown|html"
            "|tags|readability|skimmability|skimmable|skimmers|skimming|scannable|scannability"
            "|yoast|schema|meta|snippet|snippets|title|tl|transition|passive",
        ),
        # The page described as an answer to its brief: "The article is structured with an
        # introduction ... as requested", "The piece is 1,203 words, over your 1,200-word target".
        _w(
            r"(?:this|the) (?:article|post|blog post|piece|listicle|draft|guide|write-up|content"
            r"|text|headings|subheadings)(?: above| below)? (?:is|was|has been|follows?|uses"
            r"|scores|has|includes|contains|runs|are)\b[^\n.!?]{0,100}?(?:\bas (?:you )?"
            r"(?:requested|asked|instructed|specified)\b|\bper your\b"
            r"|\byour (?:\d[\d,]*[- ]word )?(?:target|brief|requirements?|word count|outline)\b"
            r"|\bh[1-6]s?\b|flesch|reading ease|featured snippets?|search engines?)",
            "article|post|piece|listicle|draft|guide|write-up|content|text|headings|subheadings",
            "requested|asked|instructed|specified|target|brief|requirements|outline|h1|h2|h3|h4"
            "|h1s|h2s|h3s|flesch|ease|snippet|snippets|engines|engine",
        ),
        # "The focus keyword 'best dog food' appears 8 times": a sentence about the keyword.
        _rx(
            r"(?:^|(?<=[.!?][ \t]))[ \t]*(?:the )?(?:focus |main |primary |target |secondary )?"
            r"(?:keyword|keyphrase)s?(?: [\"'“‘][^\n]{1,60}?[\"'”’])? (?:appears?|is used|was used"
            r"|is placed|shows up|occurs|is included)\b",
            "keyword|keywords|keyphrase|keyphrases",
        ),
        # A page prepared for pasting: "Formatted for WordPress", "so you can paste it".
        _w(
            r"formatted for (?:wordpress|blogger|medium|substack|ghost|your (?:blog|site|cms"
            r"|website))\b|(?:so (?:that )?you can|ready to) (?:copy and )?paste (?:it|this|them"
            r"|the (?:article|post|text|html|code))\b|after pasting (?:it |this )?into\b",
            "formatted|paste|pasting",
        ),
        _w(r"(?:word|character) count[ \t]*(?:-|–|—)[ \t]*~?\d", "count"),
        # An outline's heading tag, a layout hint: "[H2] The Verdict", "(bulleted summary
        # recommended here)", "paragraph break recommended", "hit the 1,000-word target".
        _rx(r"^[ \t]*\[h[1-6]\]", "h1|h2|h3|h4|h5|h6"),
        _rx(r"\((?:[\w-]+ ){0,3}(?:recommended|suggested) here\)", "recommended|suggested", "here"),
        _w(r"paragraph break (?:recommended|suggested)\b", "break", "recommended|suggested"),
        _w(
            r"(?:hit|reach|meet) (?:the|your) [\d,]+-word (?:target|goal|count)\b",
            "word",
            "target|goal",
            "hit|reach|meet",
        ),
        # Writing to an SEO plug-in's checks: "per Yoast recommendations".
        _w(
            r"(?:per|to satisfy|to pass|to meet|according to) (?:the )?(?:yoast|rank ?math)\b"
            r"|(?:yoast|rank ?math)(?: seo)? (?:score|check) for this (?:post|article|piece"
            r"|page)\b",
            "yoast|rank|rankmath",
        ),
        _w(
            r"(?:word count|total words|total word count)[ \t]*:[ \t]*~?\d",
            "word|words",
            "count|total",
        ),
        _rx(
            r"\((?:word count|approx(?:imately|\.)?|about|around|~|total)?[: ]*~?\d[\d,]{1,5}"
            r"[ \t]*words?\)",
            "(",
        ),
        _w(
            r"(?:converted to html|(?:uses|use|using|in|written in|formatted in|formatted with)"
            r" markdown (?:syntax|format|formatting)|markdown compatibility)\b",
            "html|markdown",
        ),
    ),
    definition=(
        "Notes about the page's own formatting or SEO and the labels of an SEO brief: 'This "
        "article is structured using HTML headings', 'H2 and H3 tags have been used for "
        "SEO', line-initial 'Meta description:', 'Focus keyword:', 'Word count:', 'URL "
        "slug:', '[Featured image suggestion: ...]', unless quoted or reported."
    ),
    rationale=(
        "They are the parts of an SEO brief a model echoes back; a human-edited page removes "
        "them before publishing."
    ),
)

# Words a template slot names ("[Company Name]", "[DATE TBD]", "<CITY>").
_SLOT_NAMES = [
    "name",
    "date",
    "city",
    "location",
    "address",
    "email",
    "e-mail",
    "phone",
    "url",
    "website",
    "link",
    "score",
    "position",
    "nationality",
    "number",
    "amount",
    "percentage",
    "year",
    "time",
    "product",
    "company",
    "brand",
    "organization",
    "organisation",
    "team",
    "event",
    "topic",
    "industry",
    "title",
    "author",
    "source",
    "quote",
    "statistic",
    "stat",
    "figure",
    "price",
    "stadium",
    "venue",
    "business",
    "client",
    "customer",
    "person",
    "expert",
    "official",
    "spokesperson",
    "agency",
    "department",
    "school",
    "hospital",
    "restaurant",
    "store",
    "app",
    "placeholder",
    "keyword",
    "cta",
    "headline",
    "recipient",
]
_SLOT_WORD = (
    "(?:"
    + "|".join(alternative for word in _SLOT_NAMES for alternative in (word.title(), word.upper()))
    + ")"
)
# Kinds of fact a writer fills in: a slot named by one of these alone, or after plain lowercase
# words ("[battery life]", "[Destination]"), is a slot. An editor's bracket names a thing, not
# a kind of fact ("[the mayor]", "[burger]"), and a determiner opens it.
_MORE_VALUE_NOUNS = (
    "destination hometown neighborhood neighbourhood street state country region county town "
    "month day days hour hours weekday cost fee rate age weight height size length temperature "
    "temp rank ranking rating category publication outlet manufacturer maker ingredient "
    "ingredients percent handle hashtag username photographer credit platform salary value "
    "total quantity duration distance capacity population deadline opponent league player coach "
    "candidate sponsor partner dish model version feature range budget revenue figures "
    "statistics stats quotes names dates numbers amounts speaker zip postcode"
)
# Slot names that also name a thing an editor's bracket may hold ("[the school]").
_THING_NOUNS = {"person", "school", "department", "app", "store", "restaurant", "hospital"}
_VALUE_NOUNS = sorted({*_SLOT_NAMES, *_MORE_VALUE_NOUNS.split()} - _THING_NOUNS - {"placeholder"})
_VALUE_NOUN = "(?:" + "|".join(_VALUE_NOUNS) + ")"
# Up to two plain words before the kind of fact ("battery life"), none a function word: an
# editor's bracket opens with one ("[the mayor]", "[via email]").
_FUNCTION_WORDS = (
    "the|a|an|his|her|their|its|our|my|your|this|that|these|those|some|which|via|by|in|on|at"
    "|for|with|from|to|of|and|or|as|per|another|other|each|every|no|not"
)
_VALUE_MODIFIERS = rf"(?:(?!(?:{_FUNCTION_WORDS})\b)[a-z]+[ \t_-]){{0,2}}"
_VALUE_NOUN_TITLE = "|".join(word.title() for word in _VALUE_NOUNS)
# Capitals are documentation's way to write a slot ("[REGION]", explained elsewhere on the
# page): only the plainest slot names count in capitals, and only listed or with a note.
_SLOT_NAME_UPPER = "|".join(word.upper() for word in _SLOT_NAMES)
# In parentheses, capitals of three letters are an acronym being defined ("Call to Action
# (CTA)").
_LONG_SLOT_NAME_UPPER = "|".join(word.upper() for word in _SLOT_NAMES if len(word) > 3)
# A note after a slot's name: "[POPULATION — check census]".
_SLOT_NOTE = r"(?:[ \t]+[—–-][ \t][^\]}\n]{1,60})?"
# A slot is written as a template writes it: every word capitalised or in capitals, ending in a
# slot word ("[Coach's Name]", "[CUSTOMER NAME]"); an editor's bracket in a quote is not ("[the
# Islamic State]", "[The unemployment figures]").
_CAPITALISED_WORD = r"(?:[A-Z][\w'’.]*|[A-Z]{2,})"


_PLACEHOLDER = _Kind(
    name="placeholder",
    title="Unfilled placeholders",
    label="placeholder",
    decisive=True,
    # Templates quote their own slots ('"[Quote from the coach]," said [Name]').
    reported=is_quoted_report,
    patterns=(
        _rx(
            r"\[[ \t]*(?:your|insert|add|enter|include|describe|mention|specify|name of|link to"
            r"|fill in|quote from|quote by|relevant|local|specific|actual|expert|official)\b"
            r"[^\]\n]{1,80}\]",
            "[",
            accept=_unexplained_slot,
        ),
        _cased(
            rf"\[(?:{_CAPITALISED_WORD}[ \t]){{0,3}}{_SLOT_WORD}s?"
            r"(?:[ \t]+(?:TBD|Tbd|TK|Here|HERE))?[ \t]*\]"
            r"|\[(?:MM|DD)/(?:DD|MM)/YYYY\]|\[(?:X+|XX+%)\]",
            "[",
            accept=_unexplained_slot,
        ),
        _cased(
            r"\{\{[ \t]*[A-Za-z_][A-Za-z_.]{1,40}[ \t]*\}\}|\{[a-z]+(?:_[a-z]+)+\}"
            r"|\{[A-Z][A-Z_]{2,30}\}"
            r"|%%[a-z_]{2,30}%%|%[A-Z][A-Z_]{2,30}%"
            r"|<(?:[A-Z]+[ _])?(?:" + "|".join(word.upper() for word in _SLOT_NAMES) + r")"
            r"(?:[ _][A-Z]+)?>",
            "{|%%|<",
            accept=_unexplained_slot,
        ),
        _rx(
            r"[$€£](?:x{1,3}(?:[.,]x{2,3})+|x{2,3})(?:m|bn|k)?\b",
            "$|€|£",
            accept=_slot_after(" \t\n("),
        ),
        # Each alternative starts with "x", which the regex engine skips ahead to.
        _rx(
            r"x{1,2}\.x{1,2}[ \t]?%|x{2,3}[ \t]?%|x{3}-x{3,4}(?:-x{4})?\b",
            "x|xx|xxx",
            accept=_unexplained_word_slot,
        ),
        _rx(r"\((?:x{3}|\d{3})\)[ \t]?x{3}-x{4}", "xxx", accept=_unexplained_slot),
        # "0800 XXX XXXX", "XX-XX", "XX,XXX", "555-0123" (the numbers kept for fiction).
        _rx(
            r"(?:1[ -])?\d{3,4}[ -]x{3}[ -]?x{3,4}\b|x{2}[–-]x{2}\b|x{2},x{3}\b",
            "xxx|xx",
            accept=_unexplained_word_slot,
        ),
        _rx(r"555-01\d\d\b|@(?:email|yourdomain|yourcompany|domain)\.com\b", "555|@"),
        # Slots in other template syntaxes: "%FIRST_NAME%", "$NAME$", "<<Name>>", "£[price]".
        _cased(r"%[A-Z][A-Z_]{2,30}%", "%", accept=_unexplained_slot),
        _cased(r"\$[A-Z][A-Z_]{2,30}\$", "$", accept=_unexplained_slot),
        _cased(r"<<[A-Za-z][A-Za-z_]{1,30}>>", "<<", accept=_unexplained_slot),
        _rx(_SLOT_CURRENCY + r"\[(?:[a-z][a-z ]{0,30}|x[x,.]*)\]", "["),
        _cased(r"\((?:DATE|TIME|VENUE|PRICE|NAME|LINK|LOCATION) (?:TBC|TBD|TK)\)", "tbc|tbd|tk"),
        # "Director's quote goes here", "Quote from expert TBD": found from their rare last
        # words, the slot's name checked before them.
        _rx(r"go(?:es)? here\b", "here", "go|goes", accept=_named_slot_before),
        _rx(r"tbd\b", "tbd", accept=_named_slot_before),
        # Figures and names left as X's: "XX points", "20XX", "Dr. XXXXX".
        _cased(
            r"\bX{2,5} (?:points|rebounds|assists|goals|runs|yards|percent|per cent|years?|months?"
            r"|weeks?|days?|hours?|minutes?|people|users|customers|members|residents|employees"
            r"|million|billion|thousand|times|miles|dollars|euros|pounds|degrees)\b"
            r"|\b(?:19|20)XX\b|\b(?:Dr|Mr|Mrs|Ms|Prof)\.? X{3,}\b",
            "xx|xxx|xxxx|xxxxx|19xx|20xx",
            accept=_unexplained_slot,
        ),
        # Blanks in a figure: "$___ million", "bake at ___°F" (a run is tried once, from its
        # start, to stay linear on a line of underscores).
        _rx(
            _SLOT_CURRENCY + r"_{2,}|(?:\br|\brs\.?|\bksh)_{2,}(?![a-z])"
            r"|(?<!_)_{2,}[ \t]?(?:°[fc]?|%|percent|minutes|hours|days|weeks|million"
            r"|billion|points)",
            "__",
        ),
        # A writer's note to fill a gap: "ADD IMAGE HERE", "Your Name Here", "TK: quote".
        _cased(
            r"(?:ADD|INSERT|PUT|PLACE|NEED|INCLUDE)(?: [A-Z]{2,}){1,4} HERE\b",
            "here",
            "add|insert|put|place|need|include",
            accept=_after_non_word,
        ),
        _cased(
            r"(?:Your|Insert|Add|Enter) (?:[A-Z][a-z]+ )?(?:Name|Link|Title|Text|Image|Photo"
            r"|Quote|Email|Address|Logo|Company|Headline|Url|URL) Here\b",
            "here",
            "your|insert|add|enter",
            "name|link|title|text|image|photo|quote|email|address|logo|company|headline|url",
            accept=_after_non_word,
        ),
        _cased(r"^[ \t]*TK(?:TK)?(?:[ \t]*:|[ \t]+[—–-][ \t])|\bTKTK\b", "tk|tktk"),
        # Not SQL's INSERT INTO.
        _cased(r"INSERT(?! INTO\b)(?: [A-Z]{2,}){1,4}\b", "insert", accept=_after_non_word),
        _rx(
            r"(?<!<)<(?:insert|add|enter|your|fill in) [a-z][a-z ]{1,40}>|<(?:placeholder|tbd|tk)>",
            "<",
            accept=_unexplained_slot,
        ),
        # Notes left for an editor: "[REPLACE WITH ACTUAL STATS]", "(Add link to source here)";
        # not "(insert laugh here)", a columnist's joke.
        _rx(
            r"\[(?:replace with|todo|to do|fixme|needs? (?:a |an )?(?:quote|stat|stats"
            r"|statistic|source|link|image|photo|figure)|citation needed[ \t]*[-–—:])"
            r"[^\]\n]{0,80}\]",
            "[",
        ),
        _rx(r"your-?(?:name|email)@(?:your-?)?(?:domain|company|website|site|email)\.", "@"),
        _rx(r"\((?:add|include) [^()\n]{1,60} here\)", "add|include", "here"),
        _w(r"lorem ipsum dolor sit amet\b", "lorem"),
        # A kind of fact in brackets, in lower case or as one capitalised word, alone or
        # listed, perhaps with a note: "[ingredient]", "[battery life]", "[Destination]",
        # "[name of the venue]"; a slot name in capitals listed or with a note: "(SOURCE)",
        # "[NAME, TITLE]", "[NAME — check spelling]". Not in braces, which code and
        # documentation use for their own slots ("{region}").
        _cased(
            rf"\[{_VALUE_MODIFIERS}{_VALUE_NOUN}s?"
            rf"(?:,[ \t]*{_VALUE_MODIFIERS}{_VALUE_NOUN}s?)*{_SLOT_NOTE}\]"
            rf"|\[(?:[a-z]+ )?(?:name|number|names|numbers) of [a-z][a-z ]{{1,30}}\]",
            "[",
            "|".join(_VALUE_NOUNS),
            accept=_unquoted_slot,
        ),
        # Square brackets and parentheses apart: each pattern then starts with one literal,
        # which the regex engine skips ahead to, and one of them rarely runs ("[" is rare).
        _cased(
            rf"\[(?:{_VALUE_NOUN_TITLE})s?\]"
            rf"|\[(?:[A-Z]+[ _-]){{0,2}}(?:{_SLOT_NAME_UPPER})S?"
            rf"(?:,[ \t]*(?:[A-Z]+[ \t]){{0,2}}(?:{_SLOT_NAME_UPPER})S?)+\]"
            rf"|\[(?:[A-Z]+[ _-]){{0,2}}(?:{_SLOT_NAME_UPPER})S?[ \t]+[—–-][ \t][^\]\n]{{1,60}}\]",
            "[",
            "|".join(_VALUE_NOUNS),
            accept=_unquoted_slot,
        ),
        _cased(
            rf"\((?:{_LONG_SLOT_NAME_UPPER})S?\)",
            "(",
            "|".join(_VALUE_NOUNS),
            accept=_unquoted_slot,
        ),
        # The piece's parts or the writer's work, in brackets: "[Paragraph about the history
        # of the neighborhood]", "[Headline about the vote goes here]", "[expand on the
        # timeline]"; not "[Continue reading]" or "[Write to the reporter at ...]".
        _rx(
            r"\[(?:headline|paragraph|section|intro|introduction|conclusion|sentence|subheading"
            r"|heading|caption|bio|summary|example|quote|stat|statistic|image|photo|chart)s?"
            r" (?:about|on|explaining|describing|summari[sz]ing|covering|introducing|goes here"
            r"|here)\b[^\]\n]{0,100}\]"
            r"|\[(?:continue(?! reading)|expand|elaborate|explain|discuss|summari[sz]e|cite"
            r"|verify|paste|embed|provide|write(?! to\b))\b[^\]\n]{1,100}\]",
            "[",
            accept=_unexplained_slot,
        ),
        # A choice left to make, a count or an ordinal left blank: "[raise/hold/cut]",
        # "[X million]", "[Nth]", "(XX)%".
        _cased(
            r"\[[a-z]{2,}(?:/[a-z]{2,}){1,4}\]|\[X+ (?:million|billion|thousand|percent|%)\]"
            r"|\[Nth\]",
            "[",
            accept=_unquoted_slot,
        ),
        _cased(r"\(X{2,3}\)", "(xx)|(xxx)", accept=_unquoted_slot),
        # Blanks where a figure, a score or a time goes: "[__]%", "[__:__]", "19__", "__-__",
        # "___mg".
        _rx(
            r"\[_{2,}(?:[:.,-]_{2,})?\]|(?<![\w])(?:19|20)__(?![\w])|(?<![\w])_{2,}[-–:]_{2,}(?![\w])"
            r"|(?<![\w])_{2,}[ \t]?(?:mg|kg|ml|lbs?|oz|km|mph|°)(?![a-z])",
            "__",
        ),
        # A writer's note in parentheses: "(need source)", "(quote to come)", "(add quote
        # from coach after game)", "(Embed tweet from the team's account here)".
        _rx(
            r"\((?:needs?|need a|needs a) (?:source|citation|quote|link|stat|stats|figure"
            r"|confirmation|comment)\)"
            r"|\((?:quote|comment|photo|figures?|details?|stats?|link|source|response)"
            r" (?:to come|tk|tbd|tbc|pending|needed|to follow)\)"
            r"|\((?:add|insert|embed|include|paste|drop in) (?:(?:a|an|the|one|two|some|more"
            r"|relevant|official|latest|[a-z]+['’]s|\d(?:-\d)?)[ \t]){0,2}(?:quote|link|tweet"
            r"|image|photo|video|chart|graph|stat|statistic|source|reference|example|comment"
            r"|screenshot|figure|infographic|map|table|caption|reaction|picture|pic|visual"
            r"|graphic|clip)s?\b[^()\n]{0,80}\)",
            "(",
        ),
        # Notes left in capitals: "REPLACE WITH REAL TESTIMONIAL", "TO BE CONFIRMED".
        _cased(
            r"REPLACE WITH(?: [A-Z]{2,}){1,5}\b|TO BE (?:CONFIRMED|ADDED|UPDATED|FILLED)\b"
            r"|NEEDS? (?:A )?(?:QUOTE|SOURCE|LINK|STAT|STATS|CITATION)\b",
            "replace|confirmed|added|updated|filled|quote|source|link|stat|stats|citation",
            accept=_after_non_word,
        ),
        _w(r"any(?:town|ville)\b", "anytown|anyville"),
        _cased(r"NN[ \t]?%", "%", accept=_after_non_word),
        _rx(r"\?\?[ \t]?(?:%|percent|points|people|years|million|billion)\b", "??"),
        _rx(
            r"^[ \t]*(?:placeholder|tbd)[ \t]*:[^\n]{0,120}"
            r"|\[(?:tbd|placeholder)\b[^\]\n]{0,80}\]",
            "placeholder|tbd",
        ),
        # A slot for a part of the page, named and left "here": "[Author bio here]",
        # "[Headline here]", "<<Insert expert opinion here>>"; not a link's remnant ("[Read
        # more here]", "[full text here]"), a Markdown link ("[details here](...)") or a
        # template a how-to explains ("replace [Author bio here] with your own"). Media slots
        # ("[Image here]") are the format notes'.
        _rx(
            r"\[(?:[a-z'’-]+ ){0,3}(?:bio|quote|name|stat|statistic|caption|logo|title|headline"
            r"|paragraph|intro|banner|cta|date|price|address|testimonial|opinion|comment"
            r"|figure)s? (?:goes |go )?here\]"
            r"|<<(?:insert|add|enter|place|put)\b[^<>\n]{1,60}\bhere>>",
            "[|<<",
            "here",
            accept=_unexplained_slot,
        ),
        # Figures left as X's or #'s before a unit or after what they count: "XX°C", "XXXX
        # mAh", "Android version XX", "[X.X]%", "[X–Y]", "### km from the airport"; not a
        # Roman numeral ("chapter XX").
        # Three patterns, each starting with a literal that the regex engine skips ahead to.
        _cased(
            r"XX{1,4}(?: (?:mAh|GB|TB|MP|km|kg|mph|kWh|Hz|ft|lbs?)|°[CF]?)(?![\w])",
            "xx|xxx|xxxx|xxxxx",
            accept=_unquoted_slot,
        ),
        _cased(
            r"(?:version|season|gen|generation|model|iOS|Android) X{2,4}\b",
            "version|season|gen|generation|model|ios|android",
            "xx|xxx|xxxx",
            accept=_unquoted_slot,
        ),
        _cased(
            r"\[X+(?:[.,]X+)*\](?:%| ?(?:million|billion|percent))?|\[X ?[–-] ?Y\]",
            "[x",
            accept=_unquoted_slot,
        ),
        _rx(
            r"(?<=[ \t])#{3}(?= ?(?:%|(?:km|kilomet(?:er|re)s|miles|mi|metres|meters|kg|minutes"
            r"|hours|days|percent|people|points)\b))",
            "###",
        ),
        _cased(
            r"(?:Insert|INSERT) (?:a |an |the |your )?"
            r"(?:quote|statistic|stat|link|image|photo|name|date|figure|example|testimonial|logo"
            r"|chart|video|screenshot|bio|caption|credit|map|table|graph)\b[^\n]{0,80}",
            "insert",
            accept=_slot_after(' \t\n"('),
        ),
    ),
    definition=(
        "Unfilled template slots: '[Your Name]', '[Company Name]', '[insert quote]', "
        "'{first_name}', '%%title%%', '<CITY>', '$XX', 'X.XX%', 'TBD: add statistic', unless "
        "quoted, reported, or explained as a slot to fill ('replace [NAME] with ...')."
    ),
    rationale=(
        "A model writing without facts fills gaps with slots; reporting names real people, "
        "places and figures."
    ),
)

# Chat-format role markers and special tokens.
_ROLE_MARKER = _Kind(
    name="role_marker",
    title="Chat role markers",
    label="chat role marker",
    decisive=True,
    patterns=(
        _rx(
            r"<\|[a-z_]{2,30}\|>|\[/?inst\]|<</?sys>>|</?s>(?=\s*(?:\[inst\]|$|<))"
            r"|<(?:start|end)_of_turn>|<(?:bos|eos)>|<(?:assistant|user|system|bot)>",
            "<|[inst|[/inst",
        ),
        _rx(r"[\"']role[\"'][ \t]*:[ \t]*[\"'](?:assistant|user|system)[\"']", "\"role\"|'role'"),
        # A role's name alone on the page's first line, the reply below it: "assistant",
        # "Response from AI:".
        _rx(
            r"\A[ \t\r\n]*[\[<]?(?:assistant|model|ai response|assistant response|response from"
            r" (?:the )?(?:ai|assistant|model|chatbot|bot))[\]>]?[ \t]*:?[ \t]*\r?\n",
            "assistant|model|response",
        ),
        _rx(
            r"^[ \t>*]*\[(?:assistant|user|system|human|ai|bot|model|chatbot|gpt|chatgpt)"
            r"(?: response| reply| answer| output| message)?\]"
            r"[ \t]*:?|^[ \t>*]*#{2,4}[ \t]*(?:response|instruction|input|assistant|user"
            r"|system|human|answer|output)\b[ \t]*:?",
            "[|#",
        ),
        _label(
            r"^[ \t>*]*(?:\*\*)?(?:assistant|ai assistant|ai response|ai answer|chatgpt|gpt-?[34]"
            r"[\w.-]*|gpt|chatbot|bot|llama|claude|gemini|bard|mistral|copilot|answer from the"
            r" assistant|chatgpt said|model response|completion)(?:\*\*)?[ \t]*:",
            accept=_role_in_a_conversation,
        ),
        _label(_MODEL_NAME_LABEL, accept=_opening_sentence),
        # A system prompt left in: "system: You are a helpful assistant that writes news".
        _label(
            r"^[ \t>*]*(?:\*\*)?(?:system|system prompt)(?:\*\*)?[ \t]*:[ \t]*you are (?:a|an)\b"
            r"[^\n]{0,80}\b(?:assistant|writer|journalist|copywriter|editor|expert|bot|model)\b",
            "system",
            "assistant|writer|journalist|copywriter|editor|expert|bot|model",
        ),
        _label(
            r"^[ \t>*]*(?:\*\*)?(?:user|human|me|you said|prompt|q)(?:\*\*)?[ \t]*:[^\n]{0,300}"
            r"\b(?:write|rewrite|generate|compose|summari[sz]e|continue|paraphrase|make it"
            r"|create an? (?:article|post|story|essay|summary|review|blog)|draft)\b",
            "write|rewrite|generate|compose|summarize|summarise|continue|paraphrase|make|create"
            "|draft",
            accept=_role_in_a_conversation,
        ),
    ),
    definition=(
        "Chat transcript markers: special tokens ('<|im_start|>', '[INST]', '<<SYS>>'), "
        "bracketed or heading roles ('[assistant]:', '### Response:'), and role labels "
        "('Assistant:', 'ChatGPT:', 'User: write ...') in a text that holds a model's turn."
    ),
    rationale=("A chat transcript's markers survive only when a model's output is pasted unread."),
)

# Labels of a writing brief that human pages also use ("Title:", "Introduction:").
_BRIEF_LABELS = _Kind(
    name="brief_label",
    title="Writing-brief labels",
    label="brief label",
    decisive=False,
    patterns=(
        _label(
            r"^[ \t]*(?:#{1,6}[ \t]+)?(?:[-*•][ \t]+)?(?:\*\*)?"
            r"(?:title|sub-?title|headline|sub-?headline|subheading|introduction|intro"
            r"|conclusion|call[ \t]+to[ \t]+action|cta|excerpt|keywords?|tags|leading line"
            r"|lead|body)(?:\*\*)?[ \t]*:",
        ),
    ),
    definition=(
        "Line-initial labels of a writing brief that edited pages also carry: 'Title:', "
        "'Introduction:', 'Headline:', 'Keywords:', 'Conclusion:'."
    ),
    rationale=(
        "Chat answers label their parts; so do some human pages, which is why these only "
        "weigh in the model and never decide a verdict alone."
    ),
)

_CHAT_COURTESY = _Kind(
    name="chat_courtesy",
    title="Chat courtesies",
    label="chat courtesy",
    decisive=False,
    patterns=(
        _w(r"i hope (?:this|that|these|it) (?:helps?|was helpful|is helpful)\b", "hope"),
        _w(rf"let me know if you(?:{_AP}d| would)? (?:like|need|want|have)\b", "let", "know"),
        _w(r"feel free to (?:ask|let me know|reach out)\b", "feel free"),
        _w(
            rf"i{_AP}m here to help\b|happy to help\b|glad i could help\b",
            "help",
            "here|happy|glad",
        ),
    ),
    definition=(
        "Courtesies of a chat answer that human blogs also use: 'I hope this helps', 'feel "
        "free to ask', 'let me know if you have', 'happy to help'."
    ),
    rationale=(
        "Common at the end of chat answers, but bloggers write them too, so they only weigh "
        "in the model."
    ),
)

_MARKDOWN = _Kind(
    name="markdown",
    title="Unrendered Markdown",
    label="markdown remnant",
    decisive=False,
    patterns=_MARKDOWN_PATTERNS,
    definition=(
        "Markdown syntax left in plain text: '#'/'##' headings at a line start, **bold** "
        "spans (including bold bullet labels), '---' rule lines, and [text](url) links."
    ),
    rationale=(
        "Chat models answer in markdown; when the answer is pasted into a CMS unrendered the "
        "syntax survives, while edited articles carry real formatting instead."
    ),
)

_STOCK_TEXT = _Kind(
    name="stock_text",
    title="Stock names and filler text",
    label="stock text",
    decisive=False,
    patterns=(
        _w(r"lorem ipsum\b(?! dolor sit amet)", "lorem"),
        _cased(r"(?:John|Jane) Doe\b(?![”\"'’])", "doe", accept=_unquoted_stock_name),
        _cased(
            r"XYZ (?:Corporation|Corp|Company|Inc|Ltd|Industries|Group|Enterprises"
            r"|Solutions|Technologies|Tech)\b",
            "xyz",
            accept=_after_non_word,
        ),
    ),
    definition="Stock names and filler: 'John Doe', 'XYZ Corporation', 'Lorem ipsum'.",
    rationale=(
        "Templates and models without facts use stock names; so do tutorials and design "
        "pages, which is why these only weigh in the model."
    ),
)


KINDS: tuple[_Kind, ...] = (
    _SELF_REFERENCE,
    _REFUSAL,
    _KNOWLEDGE_CUTOFF,
    _PROMPTER_ADDRESS,
    _PROMPT_ECHO,
    _FORMAT_NOTE,
    _PLACEHOLDER,
    _ROLE_MARKER,
    _BRIEF_LABELS,
    _CHAT_COURTESY,
    _MARKDOWN,
    _STOCK_TEXT,
)
_ALL_CUES = frozenset(
    cue for kind in KINDS for pattern in kind.patterns for group in pattern.cues for cue in group
)
_WORD_CUES = frozenset(filter(_is_word_cue, _ALL_CUES))


class _SubstringCue(NamedTuple):
    """A cue that is not one word ("[", "**", "feel free"): a search of the whole page, made
    only when the page holds its characters and its words, each a set lookup. Its words must
    be whole words wherever its patterns match ("feel free to", not "unfeel freedom")."""

    text: str
    words: frozenset[str]
    characters: frozenset[str]


_SUBSTRING_CUES = tuple(
    _SubstringCue(
        cue, frozenset(WORD_PATTERN.findall(cue)), frozenset(WORD_PATTERN.sub("", cue)) - {" "}
    )
    for cue in sorted(_ALL_CUES - _WORD_CUES)
)
_CUE_CHARACTERS = tuple(sorted(frozenset().union(*(cue.characters for cue in _SUBSTRING_CUES))))


def _cues_in(vocabulary: frozenset[str], lower: str) -> frozenset[str]:
    """The patterns' cues that a page holds: its words among them, and the substrings."""
    characters = frozenset(character for character in _CUE_CHARACTERS if character in lower)
    return _WORD_CUES.intersection(vocabulary).union(
        cue.text
        for cue in _SUBSTRING_CUES
        if cue.characters <= characters and cue.words <= vocabulary and cue.text in lower
    )


TOTAL_COUNT = "artifacts_total_count"
TOTAL_RATE = "artifacts_total_per_1k_words"
# Matches of a decisive kind that the page quotes or reports: a story about chatbots.
QUOTED_COUNT = "artifacts_quoted_count"
QUOTED_RATE = "artifacts_quoted_per_1k_words"


def _count_name(kind: _Kind) -> str:
    return f"artifacts_{kind.name}_count"


def _rate_name(kind: _Kind) -> str:
    return f"artifacts_{kind.name}_per_1k_words"


# The count features of the kinds that are tells, by kind name.
DECISIVE_COUNTS: dict[str, str] = {kind.name: _count_name(kind) for kind in KINDS if kind.decisive}


def _specs() -> tuple[FeatureSpec, ...]:
    specs: list[FeatureSpec] = []
    for kind in KINDS:
        specs.append(
            FeatureSpec(
                _count_name(kind), "count", kind.definition, kind.rationale, title=kind.title
            )
        )
        specs.append(
            FeatureSpec(
                _rate_name(kind),
                "matches per 1,000 words",
                f"The {kind.label} count per 1,000 words.",
                kind.rationale + " The rate keeps long pages comparable with short ones.",
                title=f"{kind.title} (rate)",
                evidence_from=(_count_name(kind),),
            )
        )
    specs.append(
        FeatureSpec(
            QUOTED_COUNT,
            "count",
            "Matches of the decisive kinds (self-reference, refusals, knowledge cutoff, "
            "prompter address, echoed prompts, formatting notes, placeholders, role markers) "
            "that the page quotes or reports ('the bot replied, \"As an AI language "
            "model...\"').",
            "A story about chatbots quotes them; the quote says nothing about who wrote the "
            "page, so it is counted apart from the page's own leaked text.",
            title="Quoted chatbot lines",
        )
    )
    specs.append(
        FeatureSpec(
            QUOTED_RATE,
            "matches per 1,000 words",
            "The quoted chatbot line count per 1,000 words.",
            "Keeps a long story with one quoted line comparable with a short one.",
            title="Quoted chatbot lines (rate)",
            evidence_from=(QUOTED_COUNT,),
        )
    )
    specs.append(
        FeatureSpec(
            TOTAL_COUNT,
            "count",
            "Sum of the counts of every kind of leaked text the page does not quote (matches "
            "of one kind never overlap).",
            "Leaked assistant text, scaffolding and placeholders are each rare on edited pages; "
            "together they are the plainest sign that a page was generated and not read.",
            title="Leaked LLM text, all kinds",
            evidence_from=tuple(_count_name(kind) for kind in KINDS),
        )
    )
    specs.append(
        FeatureSpec(
            TOTAL_RATE,
            "matches per 1,000 words",
            "The total count of leaked text per 1,000 words.",
            "Separates a page built from a model's raw answer (many artifacts per word) from a "
            "long article with one stray quote of a chatbot.",
            title="Leaked LLM text, all kinds (rate)",
            evidence_from=tuple(_count_name(kind) for kind in KINDS),
        )
    )
    return tuple(specs)


FEATURES: tuple[FeatureSpec, ...] = with_rare_event_note(_specs())
# Each kind's count and its rate are one measure; so are the totals, and the quoted lines.
MEASURES: tuple[Measure, ...] = (
    *(
        Measure(f"artifacts_{kind.name}", kind.title, (_count_name(kind), _rate_name(kind)))
        for kind in KINDS
    ),
    Measure("artifacts_quoted", "Quoted chatbot lines", (QUOTED_COUNT, QUOTED_RATE)),
    Measure("artifacts_total", "Leaked LLM text, all kinds", (TOTAL_COUNT, TOTAL_RATE)),
)


def label_lines(lower: str) -> list[Span]:
    """The lines that hold a colon, each from its very start: where a line-initial label
    ("Meta description:", "Assistant:") can be."""
    lines: list[Span] = []
    colon = lower.find(":")
    while colon >= 0:
        end = lower.find("\n", colon)
        end = len(lower) if end < 0 else end
        lines.append((lower.rfind("\n", 0, colon) + 1, end))
        colon = lower.find(":", end)
    return lines


def _find_spans(
    kind: _Kind,
    talk: TaskTalk,
    text: str,
    lower: str,
    cues_present: frozenset[str],
    labelled: list[Span],
) -> list[Span]:
    """Spans of one kind, from all its patterns, in text order; overlapping matches of two
    patterns ("Sure! Here is a 600-word article") merge into one."""
    if kind.find is not None:
        return kind.find(talk)
    found: list[Span] = []
    for pattern in kind.patterns:
        if not pattern.may_match(cues_present):
            continue
        subject = text if pattern.cased else lower
        accept = pattern.accept
        regex = pattern.regex
        # A label pattern is anchored at its line's start: one match attempt per line, not a
        # scan of the line for another start.
        matches = (
            (
                match
                for start, end in labelled
                if (match := regex.match(subject, start, end)) is not None
            )
            if pattern.on_label_lines
            else regex.finditer(subject)
        )
        for match in matches:
            if accept is None or accept(subject, match):
                found.append(match.span())
    found.sort()
    merged: list[Span] = []
    for start, end in found:
        # Two patterns' matches that overlap or stand a space apart on one line ("I can't
        # open the file" and "you uploaded") are one leak.
        if merged and (start < merged[-1][1] or not lower[merged[-1][1] : start].strip(" \t")):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _own_learned_lines(learned: dict[str, list[Span]], lower: str) -> dict[str, list[Span]]:
    """The learned scorer's lines, less those the patterns leave out (`_LEFT_OUT_OF_KIND`)."""
    own = dict(learned)
    for name, left_out in _LEFT_OUT_OF_KIND.items():
        if name in own:
            own[name] = [
                (start, end) for start, end in own[name] if not left_out(lower, start, end)
            ]
    return own


def _tutorial_slot_line(line: str) -> bool:
    """Whether a line (lowercase) holds a slot as a tutorial writes one, for its reader to
    fill: in code, explained ("replace ... with") or named as an identifier
    ("[your_project_id]"), as `_unexplained_slot` leaves them out of the patterns' slots."""
    return _in_code_or_explained(line) or _IDENTIFIER_SLOT.search(line) is not None


# For a kind, whether a learned line (`lower[start:end]`) is one the patterns leave out: a
# hand-over that introduces someone else's words ("Here is the full text of the statement:"),
# a tutorial's slot (read from the line's start: a span begins at its first word, after "[").
_LEFT_OUT_OF_KIND: dict[str, Callable[[str, int, int], bool]] = {
    _PROMPTER_ADDRESS.name: lambda lower, start, end: introduces_someone_elses_words(
        lower[start:end]
    ),
    _PLACEHOLDER.name: lambda lower, start, end: _tutorial_slot_line(
        lower[line_start(lower, start) : end]
    ),
}


def _add_learned_lines(found: dict[str, list[Span]], learned: dict[str, list[Span]]) -> set[Span]:
    """Add to each kind's spans the lines the learned scorer gives it (`tell_lines`) that no
    pattern of a decisive kind already found: a line is counted once. A learned line outweighs
    the spans of a kind that never decides ("I hope this helps" in "I hope this helps with
    your blog! Feel free to ask for any changes."): they are dropped. Returns the spans
    added."""
    if not learned:
        return set()
    taken = sorted(span for name in DECISIVE_COUNTS for span in found.get(name, ()))
    added: set[Span] = set()
    for name, lines in learned.items():
        if name not in found:
            continue
        for line in lines:
            if _overlaps_any(line, taken):
                continue  # a decisive pattern found part of it
            found[name].append(line)
            added.add(line)
        found[name].sort()
    if added:
        in_order = sorted(added)
        for name, spans in found.items():
            if name not in DECISIVE_COUNTS:
                found[name] = [span for span in spans if not _overlaps_any(span, in_order)]
    return added


def _overlaps_any(span: Span, in_order: Sequence[Span]) -> bool:
    """Whether `span` overlaps one of `in_order` (sorted): one that starts before it ends
    and ends after it starts."""
    starting_before_its_end = in_order[: bisect_left(in_order, (span[1],))]
    return any(end > span[0] for _, end in starting_before_its_end)


def _note(kind: _Kind, text: str, span: Span) -> str:
    quoted = " ".join(text[span[0] : span[1]].split())
    if len(quoted) > NOTE_MAX_CHARS:
        quoted = quoted[: NOTE_MAX_CHARS - 1] + "…"
    return f"{kind.label}: {quoted!r}"


def extract(doc: AnalyzedText) -> FamilyResult:
    """Counts and per-1,000-word rates of each kind of leaked LLM text, and their total.

    >>> result = extract(AnalyzedText("As an AI language model, I cannot fulfill this."))
    >>> result.values["artifacts_self_reference_count"], result.values["artifacts_refusal_count"]
    (1.0, 1.0)
    """
    text = doc.text
    lower = doc.lower_aligned
    vocabulary = frozenset(doc.words_lower)
    talk = find_task_talk(doc, vocabulary)
    labelled = label_lines(lower)
    cues_present = _cues_in(vocabulary, lower)
    evidence = EvidenceCollector()
    values: dict[str, float] = {}
    total = quoted = 0
    found = {
        kind.name: _find_spans(kind, talk, text, lower, cues_present, labelled) for kind in KINDS
    }
    learned = _add_learned_lines(found, _own_learned_lines(doc.tell_lines, lower))
    for kind in KINDS:
        spans = found[kind.name]
        name = _count_name(kind)
        own = 0
        for start, end in spans:
            note = _note(kind, text, (start, end))
            if (start, end) in learned:
                note += LEARNED_NOTE
            if kind.decisive and kind.reported(text, start):
                quoted += 1
                evidence.add(QUOTED_COUNT, start, end, f"quoted or reported {note}")
                continue
            own += 1
            evidence.add(name, start, end, note)
        values[name] = float(own)
        values[_rate_name(kind)] = rare_event_rate(own, doc.n_words)
        total += own
    values[QUOTED_COUNT] = float(quoted)
    values[QUOTED_RATE] = rare_event_rate(quoted, doc.n_words)
    values[TOTAL_COUNT] = float(total)
    values[TOTAL_RATE] = rare_event_rate(total, doc.n_words)
    return FamilyResult(values=values, evidence=evidence.spans)
