"""Lines a chatbot addressed to whoever prompted it, found by what they talk about rather
than by a list of phrasings.

A model's answer is framed by talk about the task: an opening that hands the piece over
("Absolutely! Below is a news article written in AP style ..."), a closing that offers to
change it ("Want me to add an FAQ section for SEO?"), notes about what it made up, and the
prompt itself echoed back ("Write a 600-word piece on ..."). Each such line combines a few
kinds of word that articles seldom combine: the second and first person, words about the
task (the article, its tone, a draft, a word count), offers and requests, and verbs of
revising. A line is looked at only when a set lookup finds those kinds of word in it, so a
clean article costs one pass over its words.

Every rule is a conjunction of kinds of word (`CueKind`) and, where a kind is too common on
its own, one short regular expression run on that line only.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from farmscore.features.text import AnalyzedText, Span

# The opening lines that a model's hand-over can occupy (a title or a byline may come first).
OPENING_LINES = 3
# A prompt spec or hand-over line is short: longer lines are article prose.
MAX_TASK_LINE_WORDS = 60
# A hand-over comes in a line's first words ("Below is a news article written in AP style"),
# and right after a chat reply's first word ("Okay, here's the rewritten article").
HAND_OVER_REACH_CHARS = 30
# A page's first line that only hands over what follows its colon is this short.
HANDING_LINE_WORDS = 25
OPENER_GAP_CHARS = 30


class CueKind:
    """Kinds of word that talk about a writing task between a model and its prompter: bits
    of an int (plain ints, not an enum: a line's kinds are the OR of its words', and enum
    arithmetic would cost more than the rest of the search)."""

    NONE = 0
    YOU = 1
    ME = 2
    TASK = 4  # the piece and its parts: article, draft, paragraph, headline
    META = 8  # what a prompter asks to change: tone, version, word count, keywords
    REVISE = 16  # verbs of changing a piece: tweak, shorten, rewrite, add
    OPENER = 32  # a chat reply's first word: sure, certainly, absolutely
    WRITE = 64  # verbs a prompt starts with: write, compose, generate
    NUDGE = 128  # an offer's words without a pronoun: "happy to", "just ask", "feel free"
    MORE = 256  # asking for more of the piece or another one: another, shorter, continue
    MADE_UP = 512  # a note on what was invented: generic, placeholder, fictional, omitted
    ASKED = 1024  # "me" as the one asked: "want me to", "let me know"


_YOU = "you your yours you'd you'll you're you've u ur ya yourself"
_ME = "i me my myself i'm i've i'll i'd im ive"
_TASK = (
    "article articles post posts blog blogpost piece pieces draft drafts story stories essay "
    "style format formatting subheadings subheading bullet bullets quotes angle perspective "
    "audience readability table chart faq image images photo caption links cta subheadings "
    "headers headings slant focus tldr part "
    "essays summary write-up writeup copy content outline listicle intro introduction "
    "conclusion paragraph paragraphs section sections headline headlines title titles text "
    "response report review recap overview caption captions thread tweet tweets newsletter "
    "script bio description poem email letter speech continuation rewrite rewrites "
    "version versions answer quote sidebar"
)
_META = (
    "tone wording length word words keyword keywords seo faq variation variations alternative "
    "alternatives revision revisions edits adjustments tweaks changes cta"
)
_REVISE = (
    "adjust adjusted tweak tweaked tweaking revise revised rewrite rewritten rework reworked edit "
    "edited modify modified shorten shortened lengthen expand expanded condense condensed trim "
    "trimmed refine refined polish polished tailor tailored customize customise rephrase "
    "rephrased reword reworded swap convert converted localize localise translate translated "
    "change changed flesh"
)
_OPENER = (
    "sure certainly absolutely course okay ok alright great gladly understood perfect "
    "definitely yes noted"
)
_WRITE = (
    "write compose generate create draft produce craft rewrite paraphrase spin summarize "
    "summarise expand continue develop prepare act pretend imagine"
)
_NUDGE = "ask say lmk feel happy glad anything"
_MORE = (
    "another more less longer shorter punchier clearer simpler snappier friendlier funnier "
    "continue going rest second third ending opening take spin list pass round shot variant"
)
_ASKED = "me"
_MADE_UP_WORDS = (
    "generic placeholder placeholders fictional fictitious hypothetical plausible made invented "
    "fabricated omitted skipped left didn't haven't not real actual accurate verified own"
)
# The first words of a sentence that offers without a pronoun or starts a note.
_BARE_OFFER_STARTS = frozenset(["want", "need", "prefer", "fancy"])
_NOTE_STARTS = frozenset(
    [
        "note",
        "notes",
        "disclaimer",
        "please",
        "nb",
        "n",
        "p",
        "ps",
        "important",
        "author's",
        "editor's",
        "formatting",
    ]
)


def _kinds() -> dict[str, int]:
    table: dict[str, int] = {}
    for words, kind in (
        (_YOU, CueKind.YOU),
        (_ME, CueKind.ME),
        (_TASK, CueKind.TASK),
        (_META, CueKind.META),
        (_REVISE, CueKind.REVISE),
        (_OPENER, CueKind.OPENER),
        (_WRITE, CueKind.WRITE),
        (_NUDGE, CueKind.NUDGE),
        (_MORE, CueKind.MORE),
        (_MADE_UP_WORDS, CueKind.MADE_UP),
        (_ASKED, CueKind.ASKED),
    ):
        for word in words.split():
            table[word] = table.get(word, CueKind.NONE) | kind
    return table


CUE_KINDS: dict[str, int] = _kinds()

_AP = "['’]"
# Verbs of doing more to a piece, after an offer ("want me to add", "I can also write").
_DO = (
    r"(?:add|include|make|change|cut|write|create|generate|draft|provide|continue|update|turn"
    r"|remove|replace|give|suggest|work|build|put|keep|expand|adjust|tweak|revise|rewrite"
    r"|rework|edit|modify|shorten|lengthen|condense|trim|refine|polish|tailor|customi[sz]e"
    r"|rephrase|reword|swap|translate|reformat|format|try|produce|come up with|craft|weave|focus"
    r"|soften|tone down|sharpen|split|slot"
    r"|do (?:a|an|another|one more|some|more|the same)\b)"
)
# An offer to do more for the prompter, in the forms a model uses.
_OFFER = re.compile(
    rf"\b(?:(?:do|would|did|should) (?:you|u) (?:like|want|need|prefer)|(?:you|u)(?:{_AP}d| would)"
    rf" (?:like|want|prefer)|^\W*want)"
    rf" (?:me to|a|an|another|more|the|some|it|this)\b"
    rf"|\b(?:shall|should) i (?:also |just )?(?:{_DO}|keep going|go on)\b|\bif i should\b"
    rf"|\bi (?:can|could|would be (?:happy|glad) to)(?: also| easily| happily| quickly"
    rf"| certainly| definitely| always)? {_DO}\b|\bi{_AP}(?:ll|d be (?:happy|glad) to)"
    rf" (?:also )?{_DO}\b"
    rf"|\b(?:just|please|do) (?:ask|say(?: the word)?)(?=\W*$|\W+and i\b)|\blet me know\b|\blmk\b"
    rf"|\bfeel free to (?:ask|reach out|let me know|tell me|request|customi[sz]e|adjust|tweak"
    rf"|edit|modify|adapt|tailor)\b"
    rf"|\bi{_AP}ll (?:try again|give it another (?:go|shot|try))\b"
    rf"|\btell me (?:if|what|which|how|whether|when)\b|\bjust send me\b"
    rf"|\banything else i can (?:do|help)\b"
    rf"|\b(?:is there )?anything (?:else )?(?:you|u)(?:{_AP}d| would)? (?:like|want|need)\b"
    rf"|\bnext time,? (?:tell|give|send|let) me\b"
    rf"|\bhappy to (?:help|adjust|revise|tweak|make|add|write|expand|change|update|edit|rework"
    rf"|redo|shorten|rewrite|draft)\b"
    rf"|\bwould it help if i\b|\bi(?:{_AP}m| am) (?:also )?(?:able|happy|glad) to {_DO}\b"
    rf"|\bping me\b|\b(?:send|share|give) (?:me|over)\b[^\n]{{0,80}}\band i{_AP}ll\b"
    rf"|\bfeedback\b[^\n]{{0,60}}\b(?:welcome|appreciated)\b"
    rf"|\bi{_AP}ll (?:revise|rework|tweak|adjust|have another go|give it another)\b"
)
# The piece itself, named as the thing an offer is about: "a shorter version", "the intro".
_PIECE_NOUNS = (
    r"(?:article|post|blog post|piece|draft|story|essay|version|rewrite|headline|title|intro"
    r"|introduction|conclusion|paragraph|summary|tone|format|outline|faq|listicle|caption"
    r"|wording|length|section|table|thread|image|subheading|heading|bullet|slant|angle|take"
    r"|focus|perspective|keyword|cta)s?\b"
)
_DETERMINER = r"\b(?:the|this|that|my|a|an|another|its|any|some|a few) "
_THE_PIECE = re.compile(_DETERMINER + r"(?:[\w-]+ ){0,3}?" + _PIECE_NOUNS)
_THE_PIECE_NEAR = re.compile(_DETERMINER + r"(?:[\w-]+ )?" + _PIECE_NOUNS)
# Bloggers invite their readers to get in touch; a model offers changes in the chat itself.
_READER_CONTACT = re.compile(
    r"\b(?:comments?|e-?mail(?:ing)?|contact|reach out|listserv|subscribe|sign up|phone"
    r"|call us|forum)\b|@"
)
_ME_TO_DO = re.compile(rf"\b(?:want|wants|like|need|prefer|have|get) me to (?:also |just )?{_DO}\b")
_WORD = re.compile(r"[a-z]+(?:['’][a-z]+)?")
_YOU_CONDITION = re.compile(
    r"\b(?:if|should|when|once|whenever) (?:you|u)\b|\bfor you\b|\bif (?:needed|necessary"
    r"|desired|required|that (?:helps|works|would help))\b|\bjust (?:say|ask|let me know)\b"
    r"|\bif (?:that|it|this) (?:would|will|might|could) (?:be )?(?:helpful|useful|help)\b"
)
# An offer without a pronoun: "Want a version with bullet points instead?"
_BARE_OFFER = re.compile(
    r"[\W_]{0,6}((?:want|need|prefer|fancy) (?:a|an|me|another|more|it|this|the|some)\b)"
    r"[^\n]{0,150}\?"
)
# Asking for another piece or a different one: "a more critical take", "a shorter version".
_ANOTHER_PIECE = re.compile(
    r"\b(?:want|like|need|prefer)s? (?:a|an|another|some|more) (?:more |less |shorter |longer "
    r"|different |new |second |third |alternative |revised |fresh )?(?:[\w-]+ ){0,2}"
    r"(?:conclusion|intro|introduction|headline|headlines|title|titles|version|versions|section"
    r"|paragraph|summary|draft|ending|opening|take|angle|tone|spin|rewrite|variation"
    r"|variations|faq|list|table|article|post|piece|caption|captions|thread|details|examples"
    r"|context|background)\b"
    r"|\b(?:want|like|prefer) (?:it|this) (?:to be )?(?:more|less|longer|shorter|punchier"
    r"|funnier|simpler|clearer|snappier|friendlier|formal|casual|serious)\b"
    r"|\bwhat you had in mind\b"
    r"|\blet me know if (?:you|u)(?:['’]d| would)? (?:want|need|like) (?:more|another)\b"
    r"|\b(?:shall|should) i (?:keep going|go on|continue)\b(?=[^\n?]{0,80}\b(?:tips|points"
    r"|steps|sections?|paragraphs?|list|article|story|post|ideas|examples|items|reasons)\b)"
    r"|\bmake (?:it|this|the \w+) (?:sound |read )?(?:more|less|shorter|longer|punchier"
    r"|clearer|simpler|snappier|friendlier|funnier)\b|\b(?:another|a second|one more) (?:pass"
    r"|draft|version|take|round|go|shot|variant)\b|\b(?:it|this) (?:longer|shorter)\b"
    r"|\b(?:continue|keep going|the rest of the)\b(?=[^\n]{0,60}\b(?:article|guide|post|piece"
    r"|list|story|series|part)\b)"
)
# What a prompter's request or a model's condition sounds like ("if you'd like", "as needed").
_CONDITION = re.compile(
    rf"\bif (?:you|your|u|that|needed|necessary|desired|required|so|wanted)\b|\bshould you\b"
    rf"|\bas needed\b|\?|\bjust (?:ask|say|let me know)\b|\blet me know\b|\balso\b"
    rf"|\bwhenever\b|\bfor you\b|\bme to\b|\bi{_AP}d be (?:happy|glad)\b|\bnext time\b"
    rf"|\bjust tell me\b|\bto (?:suit|fit|match) your\b|\btell me (?:if|whether|what|which|how)\b"
    rf"|\bping me\b"
    rf"|\band i{_AP}ll\b|\blmk\b|\bif (?:it|this)\b"
)
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_YOU_WORD = re.compile(r"\b(?:you|your|yours|you['’]d|you['’]ll|you['’]re|u|ur)\b")
_TASK_WORD = re.compile(r"\b(?:" + "|".join(_TASK.split() + _META.split()) + r")\b")
# A hand-over: "here is", "below is", "I've written".
_PRESENT = re.compile(
    rf"\b(?:here(?:{_AP}s| is| are)|heres|below (?:is|are|you{_AP}ll find|you will find)"
    r"|following is|attached is|this is (?:a|an|the|your|my) (?:draft|version|rewrite|revised)"
    r"|the following (?:article|post|piece|blog post|story|essay|guide|draft|text|summary)"
    rf"|i(?:{_AP}ve| have)? (?:re)?(?:written|wrote|drafted|rewritten|rewrote|created|prepared"
    r"|put together|crafted|composed|compiled|produced|generated|come up with|updated"
    r"|revised|edited|polished|tweaked|made|kept|structured|formatted|optimi[sz]ed))\b"
)
# What marks a hand-over as an answer to a request: the request, a length, a brief's terms.
_REQUESTED = re.compile(
    r"\b(?:as (?:you )?requested|per your\b|as you (?:asked|wanted|requested|specified)"
    r"|you (?:asked|requested|wanted|needed|specified|provided|gave)|your (?:request|requirements"
    r"|instructions|brief|specifications|guidelines|prompt|topic|keywords?|needs|outline)"
    r"|\d[\d,]*[- ]?(?:words?|sentences?|paragraphs?|subheadings?)\b|seo|keyword|optimi[sz]ed"
    r"|plagiarism|original|unique|engaging|compelling|informative|in (?:the|a|an) [\w -]{1,30}"
    r"(?:style|tone|voice|format)\b|(?:style|tone|voice|format)\b|written (?:in|for|as|to|at)\b"
    r"|revised|rewritten|reworded|rephrased|polished|draft|version|titled|tailored|designed to"
    r"|requested|translated|adapted|localized|localised|possible|sample|suggested|proposed"
    r"|rewrite|human-like|structured|formatted)"
)
# The text a rewrite was made from, named in a hand-over: "a fresh perspective on the text",
# "the key points of the text", "the revised content", "your original passage".
_SOURCE_TEXT = re.compile(
    r"\b(?:the|this|your|my) (?:[\w-]+ ){0,2}(?:text|content|passage|excerpt|paragraph|input"
    r"|original|copy)\b(?! (?:message|messages|of)\b)"
)
# A label that names what follows as a rewrite of something given: "Rewritten passage:".
_REWRITE_LABEL = re.compile(
    r"[\W_]{0,6}((?:rewritten|revised|reworded|rephrased|paraphrased|edited|improved|polished"
    r"|simplified|expanded|condensed|humani[sz]ed|spun|updated|new) (?:passage|text|version"
    r"|content|paragraph|article|copy|excerpt|sentence|summary)|rewrite|paraphrase"
    r"|original text|input text)(?: of (?:the|this|your) [\w ]{1,30})?[^\w\n]{0,3}:"
)
# A chat reply's first word with its exclamation mark, opening the page: "Sure! ...".
_EXCLAIMED_OPENER = re.compile(
    r"[\W_]{0,3}((?:sure(?: thing)?|certainly|absolutely|of course|definitely|gladly|okay"
    r"|ok)!+)"
)
# Openers that hand something over by themselves.
_HANDING = re.compile(r"[\W_]{0,6}(?:here you go|here you are|there you go)\b")
# What may follow one on a first line that is nothing else: "Here you go:".
_MARKS_ONLY = re.compile(r"[\s!.:—–-]*")
# Lead-ins a reporter writes before a list or a document, which a page may open with: "Here's
# what we know:", "Here is the full text of the statement:".
_NEWS_LEAD_IN = re.compile(r"\s+(?:what|why|how|where|when|who|whom|whose|which)\b")
_SOMEONE_ELSES_WORDS = re.compile(
    r"\b(?:full text|transcript|statement|remarks|speech|testimony|letter|interview"
    r"|announcement|press release|text of (?:the|his|her|their|its))\b"
)


def introduces_someone_elses_words(line: str) -> bool:
    """Whether a lowercase line introduces words that are not the page's own ("here is the
    full text of the statement:"): a newsroom's lead-in, never a hand-over of the piece."""
    return _SOMEONE_ELSES_WORDS.search(line) is not None


# A line's words up to its first colon: a hand-over ends there when the piece follows.
_FIRST_CLAUSE = re.compile(r"[^:\n]{1,400}:")
# The first words of a chat reply.
_OPENER_START = re.compile(
    r"[\W_]{0,6}(?:sure(?: thing)?|certainly|absolutely|of course|okay|ok|alright|all right"
    r"|great|got it|no problem|yes|gladly|with pleasure|happy to help|understood|perfect"
    r"|sounds good|here you go|here you are|there you go|no worries|definitely|you got it|noted"
    r"|what an? (?:fun|great|interesting|fascinating|wonderful|good) (?:topic|question|idea"
    r"|request|subject))\b"
)
# A note to the user, told apart from an editor's note by what it says.
_NOTE_START = re.compile(
    rf"[\W_]{{0,6}}(?:notes?|disclaimer|please note|nb|n\.b\.|p\.?s\.?|important|author{_AP}s note"
    r"|note from the ai|editor{_AP}s note|formatting note)\b[^\n:]{0,20}[:—–-]"
)
_NOTE_TO_USER = re.compile(
    r"\b(?:fictional|fictitious|hypothetical|placeholders?|made[- ]up|invented|plausible"
    r"|as an ai|i(?:['’]m| am) an ai|language model"
    r"|i(?:['’]ve| have| had) (?:written|created|used|included|kept|made|assumed|added|left"
    r"|invented)|i (?:made|kept|used|included|assumed|added|left|invented|created|wrote))\b"
)
# "I kept the quotes generic", "I left the figures as placeholders": what a model made up.
_MADE_UP = re.compile(
    r"\bi(?:['’]ve| have)? (?:kept|made|left|used|included|added|assumed|filled in|created)\b"
    r"[^\n.]{0,40}\b(?:generic|placeholders?|fictional|fictitious|hypothetical|plausible"
    r"|made[- ]up)\b|\bi(?:['’]ve| have)? (?:made up|invented|fabricated) (?:the |some |a few )?"
    r"(?:quotes?|names?|figures|statistics|numbers|details|data|sources|examples|facts)\b"
    r"|\bi (?:(?:didn['’]t|did not|haven['’]t|have not) (?:include|add|mention|cite|name|use"
    r"|provide|quote)|(?:['’]ve |have )?(?:omitted|left out|skipped))\b[^\n.]{0,80}"
    r"\b(?:since|because|as) (?:i|it|they|that|those|the \w+) (?:don['’]t|do not|can['’]t|cannot"
    r"|couldn['’]t|hasn['’]t|haven['’]t|wasn['’]t|weren['’]t|isn['’]t|aren['’]t|didn['’]t)\b"
    r"|\byou(?:['’]ll| will| may| might) (?:want|need) to (?:add|insert|plug in|fill in|swap in"
    r"|replace|update) (?:the )?(?:real|actual|accurate|verified|your own) (?:figures|numbers"
    r"|stats|statistics|dates?|quotes?|names?|details|data|sources)\b"
)
# A prompt: an imperative to write, with the terms of a brief or the text to work on.
_PROMPT_TERMS = re.compile(
    r"\d[\d,]*[- ]?(?:words?|sentences?|paragraphs?|lines?)\b|\b(?:in the style of|tone|style"
    r"|based on|following|above|below|titled|about the|on the topic|keywords?|seo|human-like"
    r"|undetectable|detectors?|journalist|engaging|informative|include|using|use|at least"
    r"|no more than|starts? with|for (?:a|my|our) (?:blog|website|site|audience|readers))\b"
)
# Tutorials give their steps as list items ("- Write a meaningful title"); a prompt is not one.
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*•·▪]|\d{1,3}[.)])[ \t]")
_IMPERATIVE_START = re.compile(
    r"[\W_]{0,6}(?:(?:please|now|then|next|ok|okay|q|prompt|task|instruction|user)[,:.]?"
    r"[ \t]{1,3}){0,2}(?:write|compose|generate|create|draft|produce|craft|rewrite|paraphrase"
    r"|spin|summari[sz]e|expand|continue|prepare|act as|pretend|imagine you are"
    r"|you are an?)\b(?:[ \t]+(?:me|us))?(?:[ \t]+(?:a|an|the|this|my|our|your|some|\d+))?"
    r"(?:[ \t]+[\w'’,()-]+){0,5}?[ \t]+(?:article|articles|post|blog|piece|story|essay|summary"
    r"|review|report|listicle|paragraph|paragraphs|intro|introduction|conclusion|headline|title"
    r"|outline|description|profile|recap|guide|newsletter|caption|thread"
    r"|tweet|speech|letter|email|poem|version|continuation|match report|press release"
    r"|journalist|editor|writer|reporter|copywriter|blogger|expert|news)\b"
    # The piece is the object, not part of a longer name ("Create a report dashboard").
    r"(?=[ \t]*(?:$|[:,.;!?(—–-]|(?:about|on|for|that|which|titled|called|with|in|of|using"
    r"|based|to|from|where|and|explaining|describing|covering|discussing|reviewing)\b))"
)
# "Topic: ... Tone: ... Length: ...": a brief written as labels.
_BRIEF_LABEL = re.compile(
    r"\b(?:topic|tone|length|audience|target audience|style|voice|format|word count|keywords?"
    r"|goal|perspective|cta|call to action|point of view|subject|number of (?:items|words"
    r"|paragraphs|sections|sentences))[ \t]*:"
)

# A brief's instruction opening the page, not only "write a ...": "Make it sound like a human
# wrote it", "Use the keyword 'plumber Denver' at least 5 times", "Keep sentences short".
_BRIEF_IMPERATIVE = re.compile(
    r"[\W_]{0,6}(?:(?:please|now|also|then)[ \t,]+)?(?:make (?:it|this|the (?:article|piece"
    r"|post|text))|use|include|keep|avoid|do not|don['’]t|never|remember to|give me|i want you to"
    r"|i need you to|write|rewrite|summari[sz]e|paraphrase|instructions[ \t]*:|key points"
    r"|target audience|focus on|mention|add|act as|pretend|you are an?|expand|turn|convert"
    r"|continue|generate|compose|produce|draft|create|craft|refine|translate|adapt|shorten"
    r"|lengthen|cover|i need an?|based on the|using the|given the|article length|word limit)\b"
)
# A prompt shown under its label as the page's first line, as direct-prompt outputs and the
# datasets built from them print it: "Prompt: A letter arrives 50 years late.", "Essay topic:
# ...", "Writing prompt - ...", "[WP] ...", "Review continuation: ...". Not "Instructions:" or
# "Task:", which open a recipe's method and a tutorial's step, nor "Continued from page one".
_PROMPT_LABEL = re.compile(
    r"[\W_]{0,6}(?:(?:(?:writing|essay|story|article|review|blog|user|original) )?prompt"
    r"[ \t]*(?::|[-–—][ \t])|essay (?:topic|question|title)[ \t]*:|\[wp\]"
    r"|(?:review|story) continuation[ \t]*:)"
)
# The terms of a brief that name the piece, its length or its reader: one is enough.
_BRIEF_TERMS = re.compile(
    r"\b(?:tone|keywords?|keyphrases?|h[1-6]s?|meta description|ai detect\w*|detectors?"
    r"|originality|plagiarism|\d+[- ](?:words?|sentences?|paragraphs?)|\d+ times|at least \d+"
    r"|reading level|\d+(?:st|nd|rd|th)[- ]grader?|grader|in (?:uk |us |british |american"
    r" |plain )?english|english language|human wrote|human-written|sounds? (?:human|natural)"
    r"|call to action|faqs?|subheadings?|the article|the piece|this article|full article"
    r"|our brand|competitors|proficient|journalist|reporter|copywriter|columnist|blogger"
    r"|writer|news (?:article|story|report|item)|this (?:draft|text|article|story)"
    r"|(?:text|transcript|notes|information|data|details) (?:below|above|provided)"
    r"|at least (?:two|three|four|five)|clickbait\w*|headline|first sentence|the (?:intro"
    r"|ending)|press release|tweet|reddit thread)\b"
)
# Terms that style guides also open with ("Use active voice"): two are needed.
_WEAK_BRIEF_TERMS = re.compile(
    r"\b(?:headings|bullet (?:points|form)|active voice|humou?r|engaging|fluff|introduction"
    r"|conclusion section|spelling|paraphrase|outline|seo)\b"
)
# A guide speaks to its reader about their work ("Use keywords in your headings").
_READER_WORK = re.compile(r"\byour\b")


@dataclass(frozen=True, slots=True)
class _Gated:
    """A pattern run on the whole text only when each group of its cue words has one in the
    text's vocabulary (a set lookup costs far less than a regular expression's pass)."""

    regex: re.Pattern[str]
    cues: tuple[frozenset[str], ...]

    def finditer(self, text: str, vocabulary: frozenset[str]) -> Iterator[re.Match[str]]:
        if all(not group.isdisjoint(vocabulary) for group in self.cues):
            yield from self.regex.finditer(text)


def _cues(*groups: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(group.split()) for group in groups)


# Phrases of a prompt, anywhere in a line (a line is a prompt's line from where they start).
_PROMPT_PHRASES = (
    _Gated(
        re.compile(
            # No leading \b: the literal prefix lets the regex engine skip ahead to "based on".
            r"based on (?:the|this|a|my|your) (?:(?:following|provided|given|above|below"
            r"|opening) (?:prompt|first sentence|sentence|opening (?:sentence|line|paragraph)"
            r"|paragraph|headline|title|key ?points|keywords|outline|instructions|topic|summary"
            r"|text|bullet points|tweet)|prompt|first sentence|key ?points|keywords provided"
            r"|text provided)\b"
            # Not "based on the information provided": reports say it of their sources.
        ),
        _cues("based"),
    ),
    # "a 20 sentence story based on the headline": the brief's length with its source.
    _Gated(
        re.compile(
            r"\d{1,4}[- ]?(?:sentence|word|paragraph)s?[- ](?:long )?(?:continuation|story"
            r"|review|article|essay|summary|post|piece|news (?:article|report|story)|report"
            r"|blog post|text|response|version|rewrite|poem) based on\b"
        ),
        _cues("based", "sentence sentences word words paragraph paragraphs"),
    ),
    _Gated(
        re.compile(
            r"^\W*(?:please )?(?:write|rewrite|compose|draft)(?: it| this)? in (?:the style of"
            r"|an? [\w-]+ (?:tone|style|voice))\b",
            re.MULTILINE,
        ),
        _cues("write compose draft", "tone style voice"),
    ),
    _Gated(
        re.compile(
            r"\b(?:rewrite|paraphrase|reword|rephrase|summari[sz]e|spin|expand|continue"
            r"|translate) the following\b"
        ),
        _cues(
            "rewrite paraphrase reword rephrase summarize summarise spin expand continue translate",
            "following",
        ),
    ),
    _Gated(
        re.compile(r"(?:^|[.!?:][ \t]+)[\W_]{0,4}(?:please )?continue writing\b", re.MULTILINE),
        _cues("continue", "writing"),
    ),
    _Gated(
        re.compile(r"\b(?:the|this) (?:article|story|text|draft) above\b"),
        _cues("above", "article story text draft"),
    ),
    _Gated(
        re.compile(
            r"(?:^|[.!?:][ \t]+)[\W_]{0,4}(?:please )?(?:write|generate|create|compose|produce"
            r"|craft)\b[^\n]{0,40}\b\d{1,4}[- ]?(?:sentence|word|paragraph)s?[- ](?:long )?"
            r"(?:continuation|story|review|article|essay|summary|post|piece"
            r"|news (?:article|report|story)|report|blog post|text|response|version|rewrite"
            r"|poem)\b",
            re.MULTILINE,
        ),
        _cues(
            "write generate create compose produce craft",
            "sentence sentences word words paragraph paragraphs",
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class _Unit:
    """A line or a sentence, with the kinds of cue word in it."""

    span: Span
    line_number: int  # among non-blank lines, from 0; -1 for a sentence
    kinds: int  # CueKind bits
    n_words: int
    first_word: str


def _revising(text: str, kinds: int | None) -> bool:
    """Whether a text asks for a change or a continuation of the piece: a verb of revising, a
    prompter's term (tone, word count), or another or a different piece."""
    if kinds is None:
        kinds = 0
        for word in _WORD.findall(text):
            kinds |= CUE_KINDS.get(word, CueKind.NONE)
    return bool(kinds & (CueKind.META | CueKind.REVISE)) or _ANOTHER_PIECE.search(text) is not None


def _offer_at(text: str, kinds: int) -> int | None:
    """Where a closing offer to change the piece starts ("Want me to add an FAQ?", "Do let me
    know if you want a more critical take", "I can also write a version for LinkedIn")."""
    bare = _BARE_OFFER.match(text)
    if bare is not None and _revising(text, kinds):
        return bare.end() - len(bare.group(1))
    offer = _OFFER.search(text)
    if offer is None:
        return None
    condition = _CONDITION.search(text)
    if condition is None:
        return None
    # Bloggers offer things too ("let me know what you think", "if you'd like me to speak at
    # your event"): an offer counts when it is about changing or continuing the piece: a verb
    # of revising, something asked to be done to it, or the piece named with a question or a
    # condition set by "you".
    if _READER_CONTACT.search(text):
        return None
    # Words of revising count from where the offer or its condition starts: "Asked why she
    # hasn't changed it, she says 'What should I do?'" offers nothing.
    about_the_piece = (
        _revising(text[min(offer.start(), condition.start()) :], None)
        or _ME_TO_DO.search(text) is not None
        # "If needed, I can add a comparison table", "Shall I add a few subheadings?"
        or (
            bool(kinds & CueKind.ME)
            and (_YOU_CONDITION.search(text) is not None or text.rstrip().endswith("?"))
            and _THE_PIECE.search(text) is not None
        )
        # "Do you need an image to go with this article?"
        or (text.rstrip().endswith("?") and _THE_PIECE_NEAR.search(text, offer.end()) is not None)
    )
    return offer.start() if about_the_piece else None


def _answer_start_at(unit: _Unit, text: str, first_line: bool) -> int | None:
    """Where a page that opens as a chat answer starts: "Sure! Startups are ..." as the
    page's first words, or a label that names the piece as a rewrite ("Rewritten passage:",
    "Revised text:")."""
    if unit.line_number >= OPENING_LINES:
        return None
    label = _REWRITE_LABEL.match(text)
    if label is not None:
        return label.start(1)
    exclaimed = _EXCLAIMED_OPENER.match(text)
    if first_line and exclaimed is not None:
        return exclaimed.start(1)
    return None


def _hand_over_at(unit: _Unit, text: str) -> int | None:
    """Where an opening that hands the piece over starts ("Sure! Here's a 600-word article"):
    a chat reply's first word followed by a hand-over, or a hand-over in a line's first words
    whose own sentence names the piece and the prompter's request."""
    if unit.line_number >= OPENING_LINES:
        return None
    # The hand-over is the line's first clause; the piece may follow on the same line.
    line = text
    clause = _FIRST_CLAUSE.match(text)
    if clause is not None:
        text = clause.group(0)
    if len(text.split()) > MAX_TASK_LINE_WORDS:
        return None
    opener = _OPENER_START.match(text)
    # After a chat reply's first word the hand-over follows soon ("Sure! Here's ...", "Sure,
    # I can do that. Here's the article:"); "Here you go: a blog post about ..." is one.
    reach = opener.end() + OPENER_GAP_CHARS if opener else HAND_OVER_REACH_CHARS
    present = _PRESENT.search(text, opener.end() if opener else 0)
    handing = _HANDING.match(text, opener.start()) if opener is not None else None
    # "Here you go:" alone as the page's first line hands over what follows.
    if handing is not None and (
        _TASK_WORD.search(text)
        or (unit.line_number == 0 and _MARKS_ONLY.fullmatch(line, handing.end()))
    ):
        return len(text) - len(text.lstrip(" \t\"'([*>-"))
    if present is None or present.start() > reach:
        return None
    # The page's first line, short, handing over what follows its colon: "Here is the
    # reworked passage:", "Here are the key points:". An article opens with its headline
    # or its lede, not with a line that only points at the rest.
    if (
        unit.line_number == 0
        and unit.n_words <= HANDING_LINE_WORDS
        and clause is not None
        and not line[clause.end() :].strip()
        and not _NEWS_LEAD_IN.match(text, present.end())
        and not _SOMEONE_ELSES_WORDS.search(text)
    ):
        return present.start()
    if opener is not None and _TASK_WORD.search(text, present.start()):
        return len(text) - len(text.lstrip(" \t\"'([*>-"))
    sentence_end = _SENTENCE_END.search(text, present.end())
    sentence = text[present.start() : sentence_end.end() if sentence_end else len(text)]
    # "Here is a more descriptive restatement of the content:": the piece is made from a text
    # the prompter gave, which an article never calls "the text".
    if _SOURCE_TEXT.search(sentence):
        return present.start()
    if not _TASK_WORD.search(sentence):
        return None
    if _REQUESTED.search(sentence) or _YOU_WORD.search(sentence):
        return present.start()
    return None


def _note_at(text: str) -> int | None:
    """Where a note to the user about what the model made up starts."""
    made_up = _MADE_UP.search(text)
    if made_up is not None:
        return made_up.start()
    note = _NOTE_START.match(text)
    if note is not None and _NOTE_TO_USER.search(text, note.end()) is not None:
        return len(text) - len(text.lstrip(" \t\"'([*>-"))
    return None


def _prompt_line_at(unit: _Unit, text: str) -> int | None:
    """Where a short line that is a prompt starts: "Write a 600-word piece on ...", "Tone:
    casual. Length: 1200 words."."""
    if unit.n_words > MAX_TASK_LINE_WORDS:
        return None
    if unit.line_number == 0 and _PROMPT_LABEL.match(text):
        return 0  # the whole line, the label's markup included: "[WP]", "**Prompt:**"
    labels = _BRIEF_LABEL.search(text)
    if labels is not None and len({label.group(0) for label in _BRIEF_LABEL.finditer(text)}) >= 2:
        return labels.start()
    if (
        unit.line_number < OPENING_LINES
        and _BRIEF_IMPERATIVE.match(text)
        and (_BRIEF_TERMS.search(text) or len(_WEAK_BRIEF_TERMS.findall(text)) >= 2)
        and not _READER_WORK.search(text)
        and not _LIST_ITEM.match(text)
    ):
        return len(text) - len(text.lstrip(" \t\"'([*>-"))
    if not (unit.kinds & CueKind.WRITE and unit.kinds & (CueKind.TASK | CueKind.META)):
        return None
    imperative = _IMPERATIVE_START.match(text)
    if imperative is None or _LIST_ITEM.match(text):
        return None
    # Tutorials tell their readers to write things too: an imperative line is a prompt when it
    # carries a brief's terms, or stands first in the page.
    if _PROMPT_TERMS.search(text) or unit.line_number == 0:
        return len(text) - len(text.lstrip(" \t\"'([*>-"))
    return None


@dataclass(frozen=True, slots=True)
class TaskTalk:
    """Spans of a text that talk about its writing task."""

    prompter_address: list[Span]
    prompt_echo: list[Span]


def _prompt_phrases(lower: str, vocabulary: frozenset[str], lines: list[Span]) -> dict[int, int]:
    """For each line holding a prompt's phrase ("a 26 sentence story based on the prompt"),
    where the first one starts."""
    line_starts = [start for start, _ in lines]
    found: dict[int, int] = {}
    for gated in _PROMPT_PHRASES:
        for match in gated.finditer(lower, vocabulary):
            line = bisect_right(line_starts, match.start()) - 1
            if line >= 0 and match.start() < found.get(line, len(lower)):
                found[line] = match.start()
    return found


# The words one of which an offer or a note must hold, and the first words that start one.
_SPEAKER_WORDS = frozenset(
    word for word, kinds in CUE_KINDS.items() if kinds & (CueKind.YOU | CueKind.ME | CueKind.NUDGE)
)
_SENTENCE_STARTS = _BARE_OFFER_STARTS | _NOTE_STARTS
_ABOUT_THE_PIECE = CueKind.TASK | CueKind.META | CueKind.REVISE | CueKind.MORE | CueKind.ASKED


def _may_offer(unit: _Unit) -> bool:
    """Whether a sentence has the words an offer needs, before any pattern runs: someone
    offering and something about the piece, or a pronoun-less offer's first word."""
    if unit.first_word in _BARE_OFFER_STARTS:
        return True
    speaker = unit.kinds & (CueKind.YOU | CueKind.ME | CueKind.NUDGE)
    return bool(speaker and unit.kinds & _ABOUT_THE_PIECE)


def _may_note(unit: _Unit) -> bool:
    """Whether a sentence has the words a note on what was made up needs."""
    if unit.first_word in _NOTE_STARTS:
        return True
    return bool(unit.kinds & (CueKind.YOU | CueKind.ME) and unit.kinds & CueKind.MADE_UP)


def _kinds_of(words: list[str], first: int, last: int) -> int:
    kinds = 0
    for word in words[first:last]:
        kinds |= CUE_KINDS.get(word, 0)
    return kinds


def find_task_talk(doc: AnalyzedText, vocabulary: frozenset[str] | None = None) -> TaskTalk:
    """Lines handing the piece over (in the opening lines) and lines echoing the prompt;
    sentences offering to change the piece and notes about what the model made up. Each span
    starts where its deciding words start, so that a quoted line can be told apart.

    Most of a page is never looked at: a prompt's phrases are found by whole-text patterns
    that run only when the vocabulary holds their words, lines only in the opening or when
    short, sentences only when they hold a pronoun or an offer's word, and a pattern runs on
    one of those only when its kinds of word allow it to match."""
    lower = doc.lower_aligned
    words = doc.words_lower
    if vocabulary is None:
        vocabulary = frozenset(words)
    address: list[Span] = []
    echo: list[Span] = []
    lines = doc.lines
    phrases = _prompt_phrases(lower, vocabulary, lines)
    for number, ((start, end), (first, last)) in enumerate(
        zip(lines, doc.line_word_ranges, strict=True)
    ):
        # A line that echoes the prompt is that, even when it also hands the piece over
        # ("Here is a 26 sentence story based on the prompt:").
        if number in phrases:
            echo.append((phrases[number], end))
            continue
        if last - first > MAX_TASK_LINE_WORDS and number >= OPENING_LINES:
            continue
        # A long opening line is looked at for its hand-over, in its first words.
        line = _Unit(
            (start, end),
            number,
            _kinds_of(words, first, min(last, first + MAX_TASK_LINE_WORDS)),
            last - first,
            words[first] if last > first else "",
        )
        text = lower[start:end]
        if (
            line.kinds & (CueKind.WRITE | CueKind.TASK | CueKind.META)
            or ":" in text
            or number < OPENING_LINES
        ):
            at = _prompt_line_at(line, text)
            if at is not None:
                echo.append((start + at, end))
                continue
        if last - first > MAX_TASK_LINE_WORDS and number < OPENING_LINES:
            # A chat reply pasted without its line breaks: the echoed prompt is the long
            # opening line's first sentence ("Write a 500-word article on the vote. The ...").
            sentence = _opening_sentence(doc, words, start, number)
            if sentence is not None:
                at = _prompt_line_at(sentence, lower[sentence.span[0] : sentence.span[1]])
                if at is not None:
                    echo.append((sentence.span[0] + at, sentence.span[1]))
                    continue
        at = _answer_start_at(line, text, number == 0)
        if at is None and (
            line.kinds & (CueKind.OPENER | CueKind.TASK | CueKind.META)
            or (number == 0 and text.rstrip().endswith(":"))
        ):
            at = _hand_over_at(line, text)
        if at is not None:
            address.append((start + at, end))
    taken = address + echo
    for index in _sentences_to_read(doc, words):
        sentence = _sentence_unit(doc, words, index, -1)
        start, end = sentence.span
        may_offer, may_note = _may_offer(sentence), _may_note(sentence)
        if not (may_offer or may_note):
            continue
        if any(a <= start < b or start <= a < end for a, b in taken):
            continue
        text = lower[start:end]
        at = _offer_at(text, sentence.kinds) if may_offer else None
        if at is None and may_note:
            at = _note_at(text)
        if at is not None:
            address.append((start + at, end))
    return TaskTalk(sorted(address), echo)


def _opening_sentence(
    doc: AnalyzedText, words: list[str], line_start: int, number: int
) -> _Unit | None:
    """The sentence that opens a line, as a unit of that line's number."""
    index = bisect_left(doc.sentences, (line_start, line_start))
    if index == len(doc.sentences):
        return None
    first, last = doc.sentence_word_ranges[index]
    if last == first:
        return None
    return _sentence_unit(doc, words, index, number)


def _sentence_unit(doc: AnalyzedText, words: list[str], index: int, number: int) -> _Unit:
    """Sentence `index` (one with words) as a unit of line `number` (-1: read as a sentence)."""
    first, last = doc.sentence_word_ranges[index]
    return _Unit(
        doc.sentences[index], number, _kinds_of(words, first, last), last - first, words[first]
    )


def _sentences_to_read(doc: AnalyzedText, words: list[str]) -> list[int]:
    """The sentences that hold a pronoun or an offer's word, or start as a pronoun-less offer
    or a note does: the only ones an offer or a note can be."""
    # A set test per sentence's slice of words: half the time of looking up every word.
    return [
        index
        for index, (first, last) in enumerate(doc.sentence_word_ranges)
        if last > first
        and (words[first] in _SENTENCE_STARTS or not _SPEAKER_WORDS.isdisjoint(words[first:last]))
    ]
