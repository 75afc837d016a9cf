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
from collections.abc import Callable
from dataclasses import dataclass

from farmscore.features.base import (
    EvidenceCollector,
    FamilyResult,
    FeatureSpec,
    rare_event_rate,
    with_rare_event_note,
)
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


# What a model's note to its user says, as opposed to an editor's note ("Note: This story
# has been updated").
_NOTE_TO_USER = re.compile(
    r"fictional|hypothetical|placeholder|word count"
    r"|please (?:replace|adjust|verify|fill|insert|customi[sz]e)"
    r"|you (?:may|can|might|should) (?:want|need|replace|adjust|add|customi[sz]e|modify)"
    rf"|i(?:{_AP}ve| have) (?:written|created|used|included|kept|made|assumed)"
    r"|this (?:is a|response)|the (?:above|following) (?:article|text|content|response)"
    r"|feel free"
)


def _addressed_to_user(text: str, match: re.Match[str]) -> bool:
    return _NOTE_TO_USER.search(text, match.start(), match.end()) is not None


# The token rule of AnalyzedText.words: a cue that is one token is looked up as a word.


@dataclass(frozen=True, slots=True)
class _CueGroup:
    """Alternative cues, one of which must be present: whole words (looked up in the text's
    vocabulary) or, for punctuation and phrases, substrings of the lowered text."""

    words: frozenset[str]
    substrings: tuple[str, ...]

    def present(self, vocabulary: frozenset[str], lower: str) -> bool:
        if not self.words.isdisjoint(vocabulary):
            return True
        return any(substring in lower for substring in self.substrings)


def _cue_group(alternatives: str) -> _CueGroup:
    """'sure|of course|!' -> words {'sure'}, substrings ('of course', '!')."""
    cues = alternatives.split("|")
    words = frozenset(c for c in cues if WORD_PATTERN.fullmatch(c))
    return _CueGroup(words, tuple(c for c in cues if c not in words))


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

    def may_match(self, vocabulary: frozenset[str], lower: str) -> bool:
        return all(group.present(vocabulary, lower) for group in self.cues)


def _cue_groups(cues: tuple[str, ...]) -> tuple[_CueGroup, ...]:
    """'a|b', 'c' -> one of a, b and also c must occur."""
    return tuple(_cue_group(group) for group in cues)


def _rx(pattern: str, *cues: str) -> _Pattern:
    """A lower-case pattern anchored by itself (line start, bracket...)."""
    return _Pattern(re.compile(pattern, re.MULTILINE), _cue_groups(cues))


def _w(pattern: str, *cues: str) -> _Pattern:
    """A lower-case pattern that must start a word."""
    return _Pattern(re.compile(pattern, re.MULTILINE), _cue_groups(cues), False, _after_non_word)


def _cased(pattern: str, *cues: str, accept: Accept | None = None) -> _Pattern:
    """A case-sensitive pattern, run on the original text."""
    return _Pattern(re.compile(pattern, re.MULTILINE), _cue_groups(cues), True, accept)


@dataclass(frozen=True, slots=True)
class _Kind:
    """One kind of leaked text: how to find it and how to document its two features."""

    name: str
    label: str
    # The features' title for a reader ("Unfilled placeholders").
    title: str
    patterns: tuple[_Pattern, ...]
    definition: str
    rationale: str


_SELF_REFERENCE = _Kind(
    name="self_reference",
    title="Text calling itself an AI",
    label="assistant self-reference",
    patterns=(
        # "As an AI language model", "as an AI assistant", "As an AI, I"; not "As an AI
        # researcher", which a news quote may contain.
        _w(
            r"as an? (?:ai|a\.i\.|artificial intelligence)"
            r"(?: (?:language|text) model\b| (?:ai )?assistant\b| chatbot\b| model\b|,)",
            "ai|artificial|a.i.",
        ),
        _w(r"as an? (?:large )?language model\b", "language", "model"),
        _w(
            rf"i(?:{_AP}m| am) (?:just |only |merely )?an? (?:ai|artificial intelligence)"
            r"(?: (?:language )?model\b| assistant\b| chatbot\b|,|\.| developed\b| created\b"
            r"| trained\b| built\b| made by\b| and i\b)",
            "ai|artificial",
        ),
        _w(
            rf"i(?:{_AP}m| am) (?:just |only |merely )?an? (?:large )?language model\b",
            "language",
            "model",
        ),
        _w(
            r"i was (?:developed|created|trained|built|made) by "
            r"(?:openai|google|anthropic|meta ai|mistral)\b",
            "openai|google|anthropic|meta|mistral",
        ),
    ),
    definition=(
        "Phrases in which the writer calls itself an AI or a language model ('As an AI "
        "language model', 'As an AI, I', 'I'm an AI developed by')."
    ),
    rationale=(
        "Only a chatbot's answer refers to itself this way; a page that carries it was "
        "pasted from a model unread, the hallmark of a content farm."
    ),
)

# What an assistant says it is handing over.
_DELIVERABLE = (
    r"(?:version|rewrite|rendition|reformulation|paraphrase|revision|translation|article"
    r"|text|passage|essay|blog post|post|summary|draft|outline|response|paragraph|content"
    r"|piece|script)s?"
)
_CHAT_OPENERS = "sure|certainly|absolutely|course|okay"
_PROMPTER_ADDRESS = _Kind(
    name="prompter_address",
    title="Answer addressed to the prompter",
    label="answer addressed to the prompter",
    patterns=(
        _w(
            r"(?:sure|certainly|absolutely|of course|okay)[!,.:]?[ \t]+(?:here you go\b"
            rf"|(?:here{_AP}s|here is|here are|below is|below are|below you{_AP}ll find)"
            rf"(?:[ \t]+[\w'’-]+){{0,6}}?[ \t]+{_DELIVERABLE}\b)",
            _CHAT_OPENERS,
            "here|here's|here’s|below",
        ),
        _w(
            rf"here(?:{_AP}s| is| are) (?:a|an|the|your|my)(?:[ \t]+[\w'’-]+){{0,5}}?"
            r"[ \t]+(?:version|rewrite|rendition|reformulation|paraphrase|revision)s?\b",
            "here|here's|here’s",
            "version|rewrite|rendition|reformulation|paraphrase|revision|versions|rewrites"
            "|renditions|reformulations|paraphrases|revisions",
        ),
        _w(
            rf"(?:here(?:{_AP}s| is)|below is) an? \d{{2,5}}[- ]word\b",
            "here|here's|here’s|below",
            "word",
        ),
        # "Here is the revised text:", "Here's your text with a more casual tone:"; the
        # modifier keeps out a reporter's "Here is the full text of the statement:".
        _rx(
            rf"^[ \t]*here(?:{_AP}s| is) (?:a|an|the|your|my)\b[^\n:]{{0,80}}?\b(?:revised"
            r"|rewritten|reworded|rephrased|restated|reformulated|modified|improved|refined"
            r"|paraphrased|restyled|polished|friendlier|more (?:casual|formal|professional"
            r"|engaging|dynamic|concise|friendly|enthusiastic|descriptive|persuasive"
            r"|conversational|detailed|polished|approachable)|version|rewrite|rendition"
            r"|restatement|reformulation|paraphrase)\b[^\n:]{0,80}:",
            "here|here's|here’s",
            ":",
        ),
        # A page that opens like a chat reply.
        _rx(r"\A[ \t\r\n]*(?:sure|certainly|absolutely|of course)(?: thing)?!", "!"),
        _w(r"i hope (?:this|that|these|it) helps?\b", "hope", "help|helps"),
        _w(rf"let me know if you(?:{_AP}d| would)? (?:like|need|want|have)\b", "let", "know"),
        _w(
            r"feel free to (?:ask|let me know|adjust|modify|customi[sz]e|tweak|edit)\b", "feel free"
        ),
        _w(
            rf"(?:would you like|if you{_AP}d like|if you would like) me to (?:expand|adjust"
            r"|revise|rewrite|make|add|provide|elaborate|write|create|include|change|modify"
            r"|tailor|shorten|lengthen|continue)\b",
            "like",
        ),
        _w(
            rf"i(?:{_AP}d| would) be (?:happy|glad) to (?:help|assist|adjust|revise|make"
            r"|provide|expand|rewrite)\b",
            "happy|glad",
        ),
    ),
    definition=(
        "Sentences a chatbot addresses to whoever prompted it: 'Sure! Here is a rewritten "
        "version', 'Here is a 600-word article', 'I hope this helps', 'Let me know if you'd "
        "like any changes'."
    ),
    rationale=(
        "Articles speak to readers, not to a prompter; these openers and sign-offs survive "
        "only when a model's reply is published without editing."
    ),
)

_MEDIA = r"(?:image|photo|picture|video|infographic|chart|graph|screenshot|link|table|map|tweet)"
_SCAFFOLDING = _Kind(
    name="scaffolding",
    title="Leftover writing-brief labels",
    label="leaked scaffolding",
    patterns=(
        # A label at the start of a line, optionally after markdown or a bullet: "Meta
        # description:", "SEO title:", "Title:", "Introduction:". A mention of "meta
        # description" inside a sentence about SEO does not count.
        _rx(
            r"^[ \t]*(?:#{1,6}[ \t]+)?(?:[-*•][ \t]+)?(?:\*\*)?"
            r"(?:meta[ \t]+(?:description|title|keywords?|tags?)"
            r"|seo[ \t]+(?:title|description|keywords?|meta[ \t]+description)"
            r"|(?:focus|target|primary|secondary|main|lsi)[ \t]+key(?:words?|[ \t]?phrases?)"
            r"|url[ \t]+slug|slug|title[ \t]+tag|(?:image[ \t]+)?alt[ \t]+text|word[ \t]+count"
            r"|title|sub-?title|headline|sub-?headline|subheading|introduction|intro"
            r"|h[1-6]|call[ \t]+to[ \t]+action|cta|excerpt|featured[ \t]+image)"
            r"(?:\*\*)?[ \t]*:",
            ":",
        ),
        _w(
            r"this (?:article|post|blog post|blog|piece|content) (?:is|has been) "
            r"(?:structured|formatted|organi[sz]ed|optimi[sz]ed) (?:using|with|for|in)\b",
            "structured|formatted|organized|organised|optimized|optimised",
        ),
        _w(
            r"(?:using|with) (?:html|h[1-6]|markdown) (?:headings|headers|tags|formatting)\b",
            "html|markdown|h1|h2|h3|h4|h5|h6",
            "headings|headers|tags|formatting",
        ),
        _rx(
            r"\[(?:insert|add|include|place)[ \t]+(?:an?[ \t]+|the[ \t]+|relevant[ \t]+)?"
            rf"{_MEDIA}s?\b[^\]\n]{{0,80}}\]",
            "[",
        ),
        _rx(
            r"\[(?:image|photo|picture|infographic|featured image)[ \t]*"
            r"(?:here|:[^\]\n]{1,80})\]",
            "[",
        ),
        # "(Note: This is a fictional article ...)": a note to the user, told apart from an
        # editor's note by what it says.
        _Pattern(
            re.compile(r"(?:\(|^[ \t]*)note:[^)\n]{0,300}\)?", re.MULTILINE),
            _cue_groups(("note:",)),
            accept=_addressed_to_user,
        ),
    ),
    definition=(
        "Labels and instructions from the writing brief left in the text: line-initial 'Meta "
        "description:', 'SEO title:', 'Focus keyword:', 'Title:', 'Introduction:', 'Word "
        "count:', '[Insert image here]', notes to the user, 'This article is structured using "
        "HTML headings'."
    ),
    rationale=(
        "They are the parts of an SEO brief a model echoes back; a human-edited page removes "
        "them before publishing."
    ),
)

_MARKDOWN = _Kind(
    name="markdown",
    title="Unrendered Markdown",
    label="markdown remnant",
    patterns=(
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
    ),
    definition=(
        "Markdown syntax left in plain text: '#'/'##' headings at a line start, **bold** "
        "spans (including bold bullet labels), '---' rule lines, and [text](url) links."
    ),
    rationale=(
        "Chat models answer in markdown; when the answer is pasted into a CMS unrendered the "
        "syntax survives, while edited articles carry real formatting instead."
    ),
)

_PLACEHOLDER = _Kind(
    name="placeholder",
    title="Unfilled placeholders",
    label="placeholder",
    patterns=(
        _rx(
            r"\[(?:your|insert|add|enter|briefly|describe|mention|specify)[ \t]"
            rf"(?!(?:an?[ \t]+|the[ \t]+|relevant[ \t]+)?{_MEDIA}s?\b)[^\]\n]{{1,60}}\]",
            "[",
        ),
        # "[Company Name]", "[Date]" in title case, as templates write them; an editor's
        # bracket inside a quote ("[another website]", "[the city]") is lower case.
        _cased(
            r"\[(?:[A-Z][\w'’-]*[ \t]){0,2}(?:Name|Date|City|Location|Address|Email|E-mail"
            r"|Phone Number|URL|Website|Score|Position|Nationality|Number|Amount|Percentage"
            r"|Year|Country|State|Product|Company|Brand|Organi[sz]ation|Team|Event|Topic"
            r"|Industry|Job Title|NAME|DATE|CITY)\]",
            "[",
        ),
        _w(r"lorem ipsum\b", "lorem"),
        _cased(r"(?:John|Jane) Doe\b(?![”\"'’])", "doe", accept=_unquoted_stock_name),
        _cased(
            r"XYZ (?:Corporation|Corp|Company|Inc|Ltd|Industries|Group|Enterprises"
            r"|Solutions|Technologies|Tech)\b",
            "xyz",
            accept=_after_non_word,
        ),
    ),
    definition=(
        "Unfilled template slots and stock names: '[Your Name]', '[Company Name]', '[insert "
        "...]', 'John Doe', 'XYZ Corporation', 'Lorem ipsum'."
    ),
    rationale=(
        "A model writing without facts fills gaps with slots and stock names; reporting "
        "names real people and companies."
    ),
)

# Ways an assistant says it will not do something.
_CANNOT = (
    rf"(?:cannot|can not|can{_AP}t|am unable to|{_AP}m unable to|am not able to"
    rf"|won{_AP}t be able to)"
)
_CANNOT_CUES = "cannot|can|can't|can’t|unable|able"
_REFUSAL = _Kind(
    name="refusal",
    title="Assistant refusals",
    label="assistant refusal",
    patterns=(
        _w(rf"i {_CANNOT} (?:fulfill|fulfil|comply with)\b", "fulfill|fulfil|comply"),
        _w(
            rf"i {_CANNOT} (?:assist|help|generate|create|write|produce|provide|complete"
            r"|engage)(?: with)? (?:this|that|your|such)(?: specific| particular| kind of"
            r"| type of)? (?:request|prompt|task|content)\b",
            _CANNOT_CUES,
            "request|prompt|task|content",
        ),
        _w(
            rf"i(?:{_AP}m| am) sorry,? but i {_CANNOT} (?:fulfill|fulfil|comply|assist|help"
            r"|provide|create|generate|write|complete|produce|continue)\b",
            "sorry",
        ),
        _w(rf"i apologi[sz]e,? but (?:as an ai|i {_CANNOT})", "apologize|apologise"),
        _w(
            r"(?:this|that|your) request (?:goes against|violates|is against)\b",
            "request",
            "against|violates",
        ),
        _w(
            r"against my (?:programming|guidelines|policies|content policy|ethical guidelines)\b",
            "against",
            "my",
        ),
    ),
    definition=(
        "An assistant declining the task: 'I cannot fulfill', 'I'm sorry, but I can't "
        "assist', 'this request goes against', 'against my guidelines'."
    ),
    rationale=(
        "A refusal published as an article means nobody read the page before it went out, "
        "which only happens on automated farms."
    ),
)

_KNOWLEDGE_CUTOFF = _Kind(
    name="knowledge_cutoff",
    title="Knowledge-cutoff disclaimers",
    label="knowledge-cutoff disclaimer",
    patterns=(
        _w(
            r"as of my (?:last |latest |most recent )?(?:knowledge |training )?"
            r"(?:update|cutoff|cut-off|training|knowledge)\b",
            "as",
            "my",
        ),
        _w(r"(?:my|the) (?:knowledge|training(?: data)?) (?:cutoff|cut-off)\b", "cutoff|cut"),
        _w(r"my training data (?:only )?(?:goes|extends|runs|includes)\b", "training", "data"),
        _w(r"my knowledge (?:is limited to|only extends|extends only|goes up to)\b", "knowledge"),
        _w(
            r"after my (?:last )?(?:knowledge |training )?(?:update|cutoff|cut-off)\b",
            "after",
            "my",
        ),
        _w(
            rf"i (?:do not|don{_AP}t) have (?:access to )?(?:real-time|real time|live"
            r"|up-to-date) (?:information|data|updates|access|news)\b",
            "real|live|up",
            "have",
        ),
        _w(
            rf"i (?:do not|don{_AP}t|cannot|can{_AP}t|am unable to|{_AP}m unable to)"
            r" (?:have the ability to )?(?:browse|access|search) the (?:internet|web)\b",
            "internet|web",
        ),
    ),
    definition=(
        "Disclaimers about a model's training: 'As of my last knowledge update', 'as of my "
        "knowledge cutoff', 'I don't have real-time information', 'I cannot browse the "
        "internet'."
    ),
    rationale=(
        "Only a language model dates its own knowledge; on a news page it shows the text was "
        "generated, not reported."
    ),
)

KINDS: tuple[_Kind, ...] = (
    _SELF_REFERENCE,
    _PROMPTER_ADDRESS,
    _SCAFFOLDING,
    _MARKDOWN,
    _PLACEHOLDER,
    _REFUSAL,
    _KNOWLEDGE_CUTOFF,
)

TOTAL_COUNT = "artifacts_total_count"
TOTAL_RATE = "artifacts_total_per_1k_words"


def _count_name(kind: _Kind) -> str:
    return f"artifacts_{kind.name}_count"


def _rate_name(kind: _Kind) -> str:
    return f"artifacts_{kind.name}_per_1k_words"


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
            TOTAL_COUNT,
            "count",
            "Sum of the counts of every kind of leaked text (matches of one kind never overlap).",
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


def _find_spans(kind: _Kind, text: str, lower: str, vocabulary: frozenset[str]) -> list[Span]:
    """Spans of one kind, from all its patterns, in text order; overlapping matches of two
    patterns ("Sure! Here is a 600-word article") merge into one."""
    found: list[Span] = []
    for pattern in kind.patterns:
        if not pattern.may_match(vocabulary, lower):
            continue
        subject = text if pattern.cased else lower
        accept = pattern.accept
        for match in pattern.regex.finditer(subject):
            if accept is None or accept(subject, match):
                found.append(match.span())
    found.sort()
    merged: list[Span] = []
    for start, end in found:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


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
    evidence = EvidenceCollector()
    values: dict[str, float] = {}
    total = 0
    for kind in KINDS:
        spans = _find_spans(kind, text, lower, vocabulary)
        name = _count_name(kind)
        for start, end in spans:
            evidence.add(name, start, end, _note(kind, text, (start, end)))
        values[name] = float(len(spans))
        values[_rate_name(kind)] = rare_event_rate(len(spans), doc.n_words)
        total += len(spans)
    values[TOTAL_COUNT] = float(total)
    values[TOTAL_RATE] = rare_event_rate(total, doc.n_words)
    return FamilyResult(values=values, evidence=evidence.spans)
