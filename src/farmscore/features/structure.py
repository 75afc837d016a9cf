"""Page structure: headings, bullets, farm furniture, clickbait titles and page shape.

A farm page has a recognisable skeleton: a clickbait title, generic section headings
("Understanding the Situation", "Final Thoughts"), "Label: sentence" bullets, engagement-bait
promotion lines in the body, a recap paragraph ("In conclusion, ..."), remnants of the
embedded tweet it was spun from, and a WordPress comment form. Real news has furniture too
(captions, bylines, datelines, newsletter trailers); those are counted apart, in one feature
whose presence points to reporting, and never by the farm-furniture features.

Line-level features walk `doc.lines` once, matching anchored patterns on each line; page-level
phrases are found with str.find. No pattern has nested quantifiers over overlapping
characters.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import compress, count

from farmscore.features.base import (
    RARE_EVENT_RATE_NOTE,
    EvidenceCollector,
    FamilyResult,
    FeatureSpec,
    Measure,
    rare_event_rate,
    safe_ratio,
)
from farmscore.features.checkable_items import CURRENCY_SIGNS
from farmscore.features.tell_lines import LEARNED_NOTE, PROMOTION_KIND
from farmscore.features.text import AnalyzedText, Span

# FineWeb's short-line threshold: lines this short are menus, captions and headings.
SHORT_LINE_MAX_CHARS = 30
# A heading is a short line; longer ones are sentences that lost their full stop.
HEADING_MAX_WORDS = 12
HEADING_MAX_CHARS = 100
# Share of a line's longer words that must be capitalised for it to read as Title Case.
TITLE_CASE_MIN_SHARE = 0.75
# Words of 4+ letters carry the capitalisation of Title Case; "of", "the" do not.
TITLE_CASE_MIN_WORD_CHARS = 4
# "Economic Impact: The decision could ...": a short label, then a real sentence.
# One-word labels ("Replacements:", "Pros:", "Summary:") are common in human pages.
LABEL_MIN_WORDS = 2
LABEL_MAX_WORDS = 6
LABEL_MAX_CHARS = 60
LABEL_SENTENCE_MIN_WORDS = 4
# A recap paragraph counts as closing when it is among the last this many paragraphs.
CLOSING_PARAGRAPHS = 2
# Evidence notes quote the line; a reader needs the first words.
NOTE_MAX_CHARS = 60

_CLOSING_CHARS = "\"'”’)]*»"
_TERMINAL_CHARS = frozenset(".!?…")
_BULLET = re.compile(r"(?:[-*•●▪◦‣–]|\d{1,3}[.)])[ \t]+\S")


def _phrases(block: str) -> frozenset[str]:
    """A '|'-separated list of phrases, written across lines, as a set."""
    return frozenset(" ".join(p.split()) for p in block.split("|") if p.strip())


# Section headings an LLM reaches for when it has no specific subject to name. Matched on
# the whole heading (lowercase, straight apostrophes, numbering and trailing colon removed).
GENERIC_HEADINGS: frozenset[str] = _phrases(
    """
    introduction|intro|background|the background|overview|summary|in summary|conclusion
    |conclusions|in conclusion|final thoughts|closing thoughts|final words|final verdict
    |the verdict|the bottom line|bottom line|key takeaways|key takeaway|takeaways
    |key points|key details|main points|looking ahead|looking forward|the road ahead
    |road ahead|the way forward|the path forward|moving forward|next steps|what's next
    |what comes next|what lies ahead|the bigger picture|bigger picture|why it matters
    |why this matters|why it's important|a closer look|closer look|implications
    |the implications|broader implications|potential implications|global implications
    |public reaction|public reactions|public response|reactions|reaction|the reaction
    |the response|official response|community response|community reaction|fan reaction
    |fan reactions|social media reaction|social media reactions|mixed reactions
    |context|the context|historical context|broader context|the broader context
    |the backstory|what happened|the incident|the details|what we know|what we know so far
    |the aftermath|aftermath|expert opinions|expert analysis|expert insights
    |what this means|what it means|potential consequences|the stakes|what's at stake
    |lessons learned|a call to action|call to action|impact|the impact|economic impact
    |political implications|legal implications|the human cost|unanswered questions
    |the debate|a turning point|a new chapter|the future|frequently asked questions|faqs|faq
    |wrapping up|the story so far|a look back
    """
)
# Generic openings of a longer heading ("Understanding the Fallout", "The Impact of ...").
GENERIC_HEADING_OPENINGS: frozenset[str] = frozenset(
    {
        "understanding the",
        "understanding how",
        "understanding why",
        "understanding what",
        "a closer look",
        "a deeper look",
        "a deeper dive",
        "diving deeper",
        "the impact of",
        "the impact on",
        "impact on",
        "impact of",
        "reactions from",
        "reaction from",
        "reactions to",
        "what this means",
        "what it means",
        "the role of",
        "navigating the",
        "exploring the",
        "the importance of",
        "the significance of",
        "looking ahead",
        "the road ahead",
        "why it matters",
        "what's next",
        "implications for",
        "implications of",
        "the implications of",
        "the rise of",
        "a look at",
        "the bigger picture",
        "background on",
        "key takeaways",
        "final thoughts",
        "broader implications",
        "public reaction",
        "the future of",
        "lessons from",
        "the aftermath",
        "what's at stake",
        "the power of",
    }
)
_OPENING_LENGTHS = (2, 3)

# Labels that real pages put before a colon: captions, event listings, recipes, notes.
HONEST_LABELS: frozenset[str] = _phrases(
    """
    photo|photos|photograph|image|images|picture|credit|credits|source|sources|caption
    |update|updated|correction|clarification|editor's note|editors' note|note|notes
    |related|read more|read also|also read|see also|watch|listen|video|advertisement|by
    |posted|published|tags|filed under|share|email|phone|tel|fax|website|address|contact
    |when|where|time|date|location|cost|price|tickets|admission|info|information
    |ingredients|directions|method|serves|prep time|cook time|disclosure|disclaimer
    |warning|trigger warning|spoiler|spoilers|edit|ps|tl;dr|tldr|subscribe|follow
    |total time|last updated|written by|photo credit|image credit|image source|search tip
    |materials and methods|main outcome measures|study design|key words|press release
    """
)
_LABEL_CHARS = re.compile(r"[^\W\d_][\w '’&-]*")
# Short joining words allowed in lower case inside a Title Case label.
_TITLE_SMALL_WORDS = _phrases("a|an|and|as|at|but|by|for|from|in|into|of|on|or|the|to|vs|with")

# Promotion lines at a line start, closed by punctuation or the end of the line. Capitals
# do not tell farms apart: student papers print "READ MORE:" and "RELATED:" in the body.
# Engagement bait ("You may also like", "Trending now") is farm furniture...
_BAIT_PROMO = re.compile(
    r"(?:[>»▶►*-][ \t]*)?(?:\*\*)?(?:you may also like|you might also like|you may like"
    r"|recommended for you|don['’]t miss(?: this| out)?|trending(?: now| stories| news)?"
    r"|must read|must see|popular posts|check out|hot right now|what to read next"
    r"|you won['’]t want to miss)(?:\*\*)?[ \t]*(?:[:>»|–—-]|\.\.\.|…|!|$)"
    r"|(?:[>»▶►*-][ \t]*)?click here\b",
    re.IGNORECASE,
)
# ...while related-story links also close real reports and are kept apart.
_RELATED_LINK = re.compile(
    r"(?:[>»▶►*-][ \t]*)?(?:\*\*)?(?:read more|read also|also read|related(?: posts"
    r"| articles| stories| news| reading| coverage)?|recommended(?: reading| stories"
    r"| articles)?|see also|also see|more stories|more from [^\n:]{1,40}|continue reading"
    r"|suggested(?: reading| articles)?|read next|up next)(?:\*\*)?[ \t]*"
    r"(?:[:>»|–—-]|\.\.\.|…|$)",
    re.IGNORECASE,
)

# Phrases of a blog comment form, found with str.find on the lowered text.
COMMENT_FORM_PHRASES: tuple[str, ...] = (
    "leave a reply",
    "leave a comment",
    "your email address will not be published",
    "required fields are marked",
    "save my name, email, and website",
    "notify me of follow-up comments",
    "notify me of new posts",
    "you must be logged in to post a comment",
    "comments are closed",
    "cancel reply",
)
EMBED_PHRASES: tuple[str, ...] = (
    "pic.twitter.com/",
    "view this post on instagram",
    "a post shared by",
    "view this post on tiktok",
)
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
# "— Jane Smith (@jsmith) June 22, 2025": the signature line of an embedded tweet.
_TWEET_SIGNATURE = re.compile(
    rf"[—–][ \t]?[^\n()]{{1,60}}\(@\w{{1,15}}\)[ \t]*{_MONTH}[ \t]+\d{{1,2}},[ \t]*\d{{4}}"
)

_AGENCIES = r"(?:Reuters|AP|AFP|CNN|Bloomberg|UPI|dpa|Xinhua|IANS|PTI|ANI|NPR)"
# News furniture inside a line: "(AP Photo/Evan Vucci)", "Jane Smith/Reuters", "(CNN) --".
# Every branch opens with a literal "(" or "/" so the engine can skip ahead.
_INLINE_NEWS_FURNITURE = re.compile(
    r"\((?:AP|AFP|Reuters|EPA|Getty Images|Bloomberg)(?: Photo)?(?:/[^()\n]{1,80})?\)"
    rf"|\({_AGENCIES}\)[ \t]*[-—–]"
    r"|/(?:Reuters|AFP|AP|Getty Images|EPA|Bloomberg|Shutterstock|AP Photo)\b"
)
# News furniture that opens a line: a caption label, a byline, a dateline, an agency trailer.
_LINE_NEWS_FURNITURE = re.compile(
    r"(?:Photo|Photograph|Image|Picture|Photo credit|Image credit|Credit)s?[ \t]*:"
    # "By Jane Smith", "By JANE SMITH, Staff Writer".
    r"|By[ \t]+[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){1,3}[ \t]*(?:,.{0,60})?$"
    # "WASHINGTON (Reuters) -", "NEW YORK —", "LONDON, England (CNN) --".
    r"|(?!(?:BREAKING|UPDATE|WATCH|EXCLUSIVE|JUST IN)\b)[A-Z][A-Z.'’-]+"
    r"(?:[ \t]+[A-Z][A-Z.'’-]+){0,3}(?:,[ \t]+[A-Z][A-Za-z.]+(?:[ \t]+[A-Z][A-Za-z.]+){0,2})?"
    rf"[ \t]*(?:\({_AGENCIES}\)[ \t]*)?[-—–]{{1,2}}[ \t]"
    # "(Reporting by Jane Smith; Editing by ...)".
    r"|\(?(?:Additional reporting|Reporting|Writing|Editing) by [A-Z]"
)

_CLICKBAIT = re.compile(
    r"\b(?:breaking|shocking|just in|you won['’]t believe|won['’]t believe|must see"
    r"|must-see|jaw-dropping|mind-blowing|unbelievable|goes viral|went viral"
    r"|internet reacts|fans react|netizens react|what happened next|here['’]s why"
    r"|the truth about|bombshell|omg|slams|epic)\b|\bwatch:",
    re.IGNORECASE,
)
_NUMBER_WORDS = (
    r"(?:three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty)"
)
_LISTICLE = re.compile(rf"(?:\d{{1,3}}|{_NUMBER_WORDS})[ \t]+[A-Za-z]", re.IGNORECASE)
# Words this long in capitals are shouting; shorter ones are acronyms (US, NATO is 4).
CAPS_WORD_MIN_CHARS = 5

_RECAP_OPENING = re.compile(
    r"(?:[-*•][ \t]+)?(?:\*\*)?(?:in summary|in conclusion|to sum up|to summari[sz]e"
    r"|all in all|in short|in essence|in sum|to conclude|in closing"
    r"|(?:ultimately|overall|in the end)[,:])",
    re.IGNORECASE,
)
_RECAP_MAX_CHARS = 40


HEADING_FRACTION = "structure_heading_line_fraction"
HEADING_RATE = "structure_heading_lines_per_1k_words"
GENERIC_HEADING = "structure_generic_heading_count"
BULLET_FRACTION = "structure_bullet_line_fraction"
LABEL_LINES = "structure_label_sentence_line_count"
BAIT_PROMO = "structure_bait_promo_line_count"
RELATED_LINK = "structure_related_link_line_count"
INJECTED_PROMOTION = "structure_injected_promotion_count"
COMMENT_FORM = "structure_comment_form_phrase_count"
EMBEDDED_POST = "structure_embedded_post_remnant_count"
TITLE_CLICKBAIT = "structure_title_clickbait_marker_count"
TITLE_CAPS = "structure_title_caps_word_fraction"
TITLE_EXCLAMATION = "structure_title_exclamation_flag"
TITLE_QUESTION = "structure_title_question_flag"
TITLE_LISTICLE = "structure_title_listicle_flag"
RECAP = "structure_recap_paragraph_count"
CLOSING_RECAP = "structure_closing_recap_flag"
TERMINAL_FRACTION = "structure_terminal_punctuation_line_fraction"
SHORT_FRACTION = "structure_short_line_fraction"
PARAGRAPH_WORDS = "structure_mean_paragraph_words"
NEWS_FURNITURE = "structure_news_furniture_line_count"

FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec(
        HEADING_FRACTION,
        "fraction of lines",
        "Share of non-blank lines, title excluded, that read as headings: at most 12 words, "
        "no closing sentence punctuation, and Title Case, a trailing ':' or a leading '#'.",
        "Spun farm articles are cut into many short titled sections; reporting runs in "
        "paragraphs with few subheadings.",
        title="Heading lines",
    ),
    FeatureSpec(
        HEADING_RATE,
        "heading lines per 1,000 words",
        "Heading-like lines (as in structure_heading_line_fraction) per 1,000 words. "
        + RARE_EVENT_RATE_NOTE,
        "A heading every hundred words is the skeleton of an LLM outline, not of a report.",
        title="Headings per 1,000 words",
        evidence_from=(HEADING_FRACTION,),
    ),
    FeatureSpec(
        GENERIC_HEADING,
        "count",
        "Short lines or line labels that are stock section headings ('Conclusion', 'Final "
        "Thoughts', 'Understanding the ...', 'Why It Matters', 'The Road Ahead').",
        "A heading that names no subject is what a model writes when it has no facts; human "
        "subheadings name people, places and events.",
        title="Stock section headings",
    ),
    FeatureSpec(
        BULLET_FRACTION,
        "fraction of lines",
        "Share of non-blank lines that start with a bullet ('-', '*', '•', '1.', '2)').",
        "Farm pages pad text into lists; news prose rarely uses them (Gopher's bullet-line "
        "rule targets the same pages).",
        title="Bullet lines",
    ),
    FeatureSpec(
        LABEL_LINES,
        "count",
        "Lines of the form 'Title Case Label: sentence' ('Economic Impact: The decision "
        "could ...'), optionally bulleted or bold, with a 2-6 word label that occurs once in "
        "the page and is not a name with initials, a place, a caption or a listing field.",
        "Bold-label bullets are the house style of chat answers; a repeated label is an "
        "interview transcript and one-word labels ('Pros:', 'Replacements:') are common in "
        "human pages, so both are left out.",
        title="'Label: sentence' lines",
    ),
    FeatureSpec(
        BAIT_PROMO,
        "count",
        "Engagement-bait promotion lines in the body ('YOU MAY ALSO LIKE', 'Trending now', "
        "'Don't miss', 'Click here', 'Must read'), in any case.",
        "Injected engagement bait inside the body is farm furniture; newsrooms place related "
        "links in their templates. Capitals were dropped as the test because student papers "
        "print 'READ MORE:' in capitals too.",
        title="Engagement-bait lines",
    ),
    FeatureSpec(
        RELATED_LINK,
        "count",
        "Related-story link lines ('Read more:', 'Related:', 'Also read', 'See also', "
        "'Continue reading').",
        "Common on real news pages as well as farms, so kept apart from engagement bait for "
        "the model to weigh on its own.",
        title="Related-story links",
    ),
    FeatureSpec(
        INJECTED_PROMOTION,
        "count",
        "Promotion lines injected inside the body, with article prose before and after them: "
        "a promotion label with a teaser ('ALSO READ: 10 Shocking Facts ...', 'Recommended "
        "For You: ...', 'TRENDING NOW: ...') or a call to action ('Click here to ...', 'Join "
        "our WhatsApp group', 'Subscribe to our newsletter'). A label heading a list of "
        "headlines (a site's widget) and lines after the article's end are not counted.",
        "A farm splices cross-promotion into the story to keep readers clicking; a site's "
        "template puts its widgets around the article, not in the middle of its sentences.",
        title="Promotion spliced into the body",
    ),
    FeatureSpec(
        COMMENT_FORM,
        "count",
        "Phrases of a blog comment form ('Leave a Reply', 'Your email address will not be "
        "published', 'Required fields are marked', 'Save my name, email, and website').",
        "A WordPress comment form captured with the body is the footer of a cheap blog "
        "template, the usual home of content farms.",
        title="Comment-form remnants",
    ),
    FeatureSpec(
        EMBEDDED_POST,
        "count",
        "Remnants of embedded social posts: 'pic.twitter.com/...', a tweet signature "
        "'— Name (@handle) June 22, 2025', 'View this post on Instagram', 'A post shared by'.",
        "Farm stories are spun from a single viral post whose embed survives in the text.",
        title="Embedded-post remnants",
    ),
    FeatureSpec(
        TITLE_CLICKBAIT,
        "count",
        "Clickbait markers in the title line: 'BREAKING', 'SHOCKING', 'You Won't Believe', "
        "'WATCH:', 'Here's why', 'goes viral', 'slams'.",
        "Farms sell clicks with stock hype; reporting titles state the news.",
        title="Clickbait words in the title",
    ),
    FeatureSpec(
        TITLE_CAPS,
        "fraction of title words",
        "Share of title words written entirely in capitals with at least 5 letters "
        "(shorter capitals are usually acronyms).",
        "Shouted words in a title are a clickbait habit.",
        title="Shouting capitals in the title",
    ),
    FeatureSpec(
        TITLE_EXCLAMATION,
        "flag (0 or 1)",
        "1 when the title contains '!'.",
        "News titles almost never exclaim; farm titles often do.",
        title="Exclamation mark in the title",
    ),
    FeatureSpec(
        TITLE_QUESTION,
        "flag (0 or 1)",
        "1 when the title ends with '?'.",
        "A question title withholds the news to earn a click (Betteridge's law).",
        title="Title is a question",
    ),
    FeatureSpec(
        TITLE_LISTICLE,
        "flag (0 or 1)",
        "1 when the title opens with a number of up to 3 digits or a number word "
        "('7 Reasons...', 'Ten Things...').",
        "Listicles are the cheapest SEO format.",
        title="Numbered-list title",
    ),
    FeatureSpec(
        RECAP,
        "count",
        "Paragraphs that open with a recap phrase ('In conclusion', 'In summary', "
        "'Ultimately,', 'Overall,', 'All in all', 'To sum up').",
        "LLM articles close by restating what they said; news stops when the facts run out.",
        title="Recap paragraphs ('In conclusion')",
    ),
    FeatureSpec(
        CLOSING_RECAP,
        "flag (0 or 1)",
        "1 when one of the last 2 paragraphs opens with a recap phrase.",
        "The recap at the end, where a model puts it, is more telling than a mid-text "
        "'Ultimately,' of an essayist.",
        title="Ends on a recap",
    ),
    FeatureSpec(
        TERMINAL_FRACTION,
        "fraction of lines",
        "Share of non-blank lines that end in '.', '!', '?' or '…' (closing quotes and "
        "brackets allowed after it).",
        "FineWeb's page-shape signal: pages of menus, headings and fragments have few lines "
        "that end like sentences.",
        title="Lines ending a sentence",
    ),
    FeatureSpec(
        SHORT_FRACTION,
        "fraction of lines",
        "Share of non-blank lines of at most 30 characters.",
        "FineWeb's signal for pages made of furniture and headings rather than prose.",
        title="Short lines",
    ),
    FeatureSpec(
        PARAGRAPH_WORDS,
        "words",
        "Mean number of words per paragraph (blocks between blank lines, else lines).",
        "Spun articles use short, evenly sized paragraphs; 0 for empty text.",
        title="Average paragraph length",
    ),
    FeatureSpec(
        NEWS_FURNITURE,
        "count of lines",
        "Lines with honest news furniture: photo captions and credits ('(AP Photo/...)', 'Photo: "
        "...', 'Name/Reuters'), bylines ('By Jane Smith'), datelines ('WASHINGTON (Reuters) "
        "-'), agency trailers ('Reporting by ...').",
        "Captions, bylines and datelines come with real reporting; the feature lets the model "
        "credit them instead of punishing all furniture.",
        title="News furniture (captions, bylines, datelines)",
    ),
)

# The forms of one measure, explained to a reader as one reason (`Measure`).
MEASURES: tuple[Measure, ...] = (
    Measure(
        "structure_headings",
        "Heading lines",
        ("structure_heading_line_fraction", "structure_heading_lines_per_1k_words"),
    ),
    Measure(
        "structure_title",
        "Clickbait title",
        (
            "structure_title_clickbait_marker_count",
            "structure_title_caps_word_fraction",
            "structure_title_exclamation_flag",
            "structure_title_question_flag",
            "structure_title_listicle_flag",
        ),
    ),
    Measure(
        "structure_recap",
        "Recap paragraphs",
        ("structure_recap_paragraph_count", "structure_closing_recap_flag"),
    ),
    Measure(
        "structure_line_shape",
        "Line and paragraph shape",
        (
            "structure_terminal_punctuation_line_fraction",
            "structure_short_line_fraction",
            "structure_mean_paragraph_words",
        ),
    ),
)


def _note(label: str, text: str, span: Span) -> str:
    quoted = " ".join(text[span[0] : span[1]].split())
    if len(quoted) > NOTE_MAX_CHARS:
        quoted = quoted[: NOTE_MAX_CHARS - 1] + "…"
    return f"{label}: {quoted!r}"


def _ends_sentence(line: str) -> bool:
    return line.rstrip(_CLOSING_CHARS)[-1:] in _TERMINAL_CHARS


def _is_title_case(words: list[str]) -> bool:
    """First word capitalised and most longer words too ("Understanding the Fallout")."""
    alpha = [w for w in words if w[:1].isalpha()]
    if not alpha or not alpha[0][0].isupper():
        return False
    long_words = [w for w in alpha if len(w) >= TITLE_CASE_MIN_WORD_CHARS] or alpha
    capitalised = sum(1 for w in long_words if w[0].isupper())
    return capitalised >= TITLE_CASE_MIN_SHARE * len(long_words)


def _heading_key(words_lower: list[str]) -> list[str]:
    """Heading words for lexicon lookup: straight apostrophes, leading numbering dropped."""
    key = [w.replace("’", "'") for w in words_lower]
    while key and key[0].isdigit():
        key = key[1:]
    return key


def _is_generic_heading(key: list[str]) -> bool:
    if not key:
        return False
    if " ".join(key) in GENERIC_HEADINGS:
        return True
    return any(" ".join(key[:n]) in GENERIC_HEADING_OPENINGS for n in _OPENING_LENGTHS)


def _is_story_label(label: str, words: list[str]) -> bool:
    """A Title Case label such as 'Economic Impact', not 'WASHINGTON', 'Ryan S. Hollman'
    or 'Prep Time'."""
    if not LABEL_MIN_WORDS <= len(words) <= LABEL_MAX_WORDS:
        return False
    # Capitals only: a dateline ("WASHINGTON:"); initials or digits: a name or a score line.
    if not any(c.islower() for c in label) or any(len(w) == 1 or w.isdigit() for w in words):
        return False
    # Commas, quotes, brackets: a place ("Washington, DC") or a quoted title, not a label.
    if not _LABEL_CHARS.fullmatch(label):
        return False
    if label.lower().replace("’", "'") in HONEST_LABELS:
        return False
    if not words[0][0].isupper():
        return False
    return all(w[0].isupper() or w.lower() in _TITLE_SMALL_WORDS for w in words)


def _strip_label_prefix(line: str) -> str:
    """The line without a leading bullet or markdown bold, so the label starts it."""
    bullet = _BULLET.match(line)
    if bullet:
        line = line[bullet.end() - 1 :]
    return line.lstrip("*# \t")


@dataclass(slots=True)
class _LineCounts:
    heading: int = 0
    generic_heading: int = 0
    bullet: int = 0
    terminal: int = 0
    short: int = 0
    bait_promo: int = 0
    related_link: int = 0
    news_furniture: int = 0
    story_label: int = 0


def _scan_lines(doc: AnalyzedText, evidence: EvidenceCollector) -> _LineCounts:
    """One pass over the lines: headings, bullets, labels, promotion, furniture, shape."""
    text = doc.text
    word_spans = doc.word_spans
    words_lower = doc.words_lower
    title = doc.title
    counts = _LineCounts()
    labels: dict[str, list[Span]] = {}
    inline_furniture = [m.span() for m in _INLINE_NEWS_FURNITURE.finditer(text)]
    w = 0
    f = 0
    for start, end in doc.lines:
        # The words of this line (a word never crosses a line break).
        first = w
        w = bisect_left(word_spans, (end,), lo=first)
        n_words = w - first
        line = text[start:end]
        terminal = _ends_sentence(line)
        counts.terminal += terminal
        counts.short += end - start <= SHORT_LINE_MAX_CHARS
        is_bullet = _BULLET.match(line) is not None
        counts.bullet += is_bullet
        if is_bullet:
            evidence.add(BULLET_FRACTION, start, end, _note("bullet line", text, (start, end)))

        if _BAIT_PROMO.match(line):
            counts.bait_promo += 1
            evidence.add(BAIT_PROMO, start, end, _note("promotion line", text, (start, end)))
            continue
        if _RELATED_LINK.match(line):
            counts.related_link += 1
            evidence.add(RELATED_LINK, start, end, _note("related link", text, (start, end)))
            continue

        while f < len(inline_furniture) and inline_furniture[f][0] < start:
            f += 1
        furniture = _LINE_NEWS_FURNITURE.match(line)
        furniture_span = (start, start + furniture.end()) if furniture else None
        if furniture_span is None and f < len(inline_furniture) and inline_furniture[f][0] < end:
            furniture_span = inline_furniture[f]
        if furniture_span is not None:
            # A caption, byline or dateline line is furniture, never a heading or a label.
            counts.news_furniture += 1
            evidence.add(
                NEWS_FURNITURE, *furniture_span, _note("news furniture", text, furniture_span)
            )
            continue
        if (start, end) == title or n_words == 0:
            continue

        colon = line.find(":", 0, LABEL_MAX_CHARS + 4)
        label_end = w
        if colon > 0:
            # The label is the words before the colon.
            label_end = bisect_left(word_spans, (start + colon,), lo=first, hi=w)
            label = _strip_label_prefix(line[:colon]).rstrip("* \t")
            label_words = [text[a:b] for a, b in word_spans[first:label_end]]
            if w - label_end >= LABEL_SENTENCE_MIN_WORDS and _is_story_label(label, label_words):
                labels.setdefault(label.lower(), []).append((start, end))
        if (
            (colon > 0 or not terminal)
            and label_end - first <= HEADING_MAX_WORDS
            and _is_generic_heading(_heading_key(words_lower[first:label_end]))
        ):
            counts.generic_heading += 1
            evidence.add(GENERIC_HEADING, start, end, _note("stock heading", text, (start, end)))

        if (
            not is_bullet
            and not terminal
            and n_words <= HEADING_MAX_WORDS
            and end - start <= HEADING_MAX_CHARS
            and line.rstrip(_CLOSING_CHARS)[-1:] not in ",;"
            and (
                line.endswith(":")
                or line.startswith("#")
                or _is_title_case([text[a:b] for a, b in word_spans[first:w]])
            )
        ):
            counts.heading += 1
            evidence.add(
                HEADING_FRACTION, start, end, _note("heading-like line", text, (start, end))
            )

    for spans in labels.values():
        # A label used more than once is a speaker in a transcript or a recurring field.
        if len(spans) == 1:
            counts.story_label += 1
            evidence.add(LABEL_LINES, *spans[0], _note("label line", text, spans[0]))
    return counts


def _find_phrases(
    lower: str, phrases: tuple[str, ...], feature: str, label: str, evidence: EvidenceCollector
) -> int:
    """Occurrences of fixed phrases in the lowered text, each recorded as evidence."""
    n = 0
    for phrase in phrases:
        at = lower.find(phrase)
        while at >= 0:
            n += 1
            evidence.add(feature, at, at + len(phrase), f"{label}: {phrase!r}")
            at = lower.find(phrase, at + len(phrase))
    return n


def _embedded_post_count(doc: AnalyzedText, lower: str, evidence: EvidenceCollector) -> int:
    n = _find_phrases(lower, EMBED_PHRASES, EMBEDDED_POST, "embedded post", evidence)
    if "(@" in doc.text:
        for match in _TWEET_SIGNATURE.finditer(doc.text):
            n += 1
            evidence.add(
                EMBEDDED_POST, *match.span(), _note("tweet signature", doc.text, match.span())
            )
    return n


def _title_values(doc: AnalyzedText, evidence: EvidenceCollector) -> dict[str, float]:
    values = {
        TITLE_CLICKBAIT: 0.0,
        TITLE_CAPS: 0.0,
        TITLE_EXCLAMATION: 0.0,
        TITLE_QUESTION: 0.0,
        TITLE_LISTICLE: 0.0,
    }
    if doc.title is None:
        return values
    start, end = doc.title
    title = doc.text[start:end]
    for match in _CLICKBAIT.finditer(title):
        values[TITLE_CLICKBAIT] += 1
        span = (start + match.start(), start + match.end())
        evidence.add(TITLE_CLICKBAIT, *span, _note("clickbait marker", doc.text, span))
    title_words: list[str] = []
    for word_start, word_end in doc.word_spans:
        if word_end > end:
            break
        title_words.append(doc.text[word_start:word_end])
    shouted = [w for w in title_words if len(w) >= CAPS_WORD_MIN_CHARS and w.isupper()]
    values[TITLE_CAPS] = safe_ratio(len(shouted), len(title_words))
    values[TITLE_EXCLAMATION] = float("!" in title)
    values[TITLE_QUESTION] = float(title.rstrip(_CLOSING_CHARS).endswith("?"))
    values[TITLE_LISTICLE] = float(_LISTICLE.match(title.lstrip("#* \t")) is not None)
    for name in (TITLE_CAPS, TITLE_EXCLAMATION, TITLE_QUESTION, TITLE_LISTICLE):
        if values[name] > 0:
            evidence.add(name, start, end, _note("title", doc.text, (start, end)))
    return values


def _recap_counts(doc: AnalyzedText, evidence: EvidenceCollector) -> tuple[int, bool]:
    """Recap paragraphs, and whether one of the closing paragraphs is one."""
    text = doc.text
    paragraphs = doc.paragraphs
    n_recap = 0
    closing = False
    first_closing = len(paragraphs) - CLOSING_PARAGRAPHS
    for index, (start, end) in enumerate(paragraphs):
        match = _RECAP_OPENING.match(text, start, min(end, start + _RECAP_MAX_CHARS))
        if match is None:
            continue
        n_recap += 1
        closing = closing or index >= first_closing
        span = (start, match.end())
        evidence.add(RECAP, *span, _note("recap opening", text, span))
    return n_recap, closing


# A promotion label and its teaser, or a call to action, at a line start (after an arrow or
# an emoji): "ALSO READ: 10 Shocking Facts", "Recommended For You: ...", "Click here to ...".
# A news template's own related links ("Read more:", "See more:", "Related:", "Read next")
# and "Follow us on ..." are honest furniture, counted elsewhere.
_PROMOTION = re.compile(
    r"[^\w\n]{0,8}(?:(?:also read|read also|must read|must watch|must see|don['’]t miss|do not miss"
    r"|trending(?: now| stories| news)?|recommended(?: for you| reading| stories| articles)?"
    r"|you may also like|you might also like|you may like|read this next|read next|top story"
    r"|top stories|latest|hot right now|editor['’]?s picks?|sponsored|promoted|watch now"
    r"|you won['’]t believe|popular posts|continue reading below|check this out|also check"
    r"|also watch|readers also (?:loved|liked|read|viewed)|sponsored content|partner content"
    r"|from our (?:sponsors|partners)|presented by our partners|exclusive offer|special offer"
    r"|limited[- ]time offer|flash sale|deal of the day|join now)"
    # The label and its teaser are set apart by a colon, a bar, a dash or an arrow, an emoji
    # or two may come first ("TRENDING 🔥: ...").
    r"[ \t]*(?:[^\w\s:|]{1,3}[ \t]*)?(?:[:|>»→↓⬇👇👉▶►➡–—-]+|\.\.\.|…)[ \t]*\w[^\n]{0,200}"
    r"|(?:click here (?:to|for|and) (?:claim|get|grab|download|subscribe|sign up|join|buy|order"
    r"|win|shop|learn more|read more|see more|watch)|click the link below|tap here to"
    r"|join our|subscribe to our|sign up for our|sign up to our"
    r"|like our (?:facebook|instagram|twitter|youtube|page|channel)|download our|get our free"
    r"|grab your free|grab our|claim your free|get your free"
    r"|don['’]t forget to (?:like|share|subscribe|follow)"
    r"|share this (?:article|post|story) (?:with|on))\b[^\n]{0,200})",
    re.IGNORECASE,
)
# A call to action anywhere in a short line: "... delivered to your inbox — subscribe now!"
# (lower case: matched against the lowered text).
_CALL_TO_ACTION = re.compile(
    r"\b(?:subscribe (?:now|today)|hit (?:that|the) (?:follow|subscribe|like|bell)(?: button)?"
    r"|turn on (?:post )?notifications|spin the wheel"
    r"|tap here|enroll (?:today|now)|join (?:now|today)|book (?:now|today)"
    r"|don['’]t forget to (?:like|share|subscribe|follow)|drop a comment below"
    r"|(?:share|pin) (?:it|this(?: \w+)?) (?:on|with) (?:your (?:friends|family)|pinterest"
    r"|facebook|whatsapp|twitter)|through our (?:exclusive|affiliate|partner) link"
    r"|check out our partner|use (?:the )?(?:(?:promo|coupon|discount) )?code [a-z]*\d\w*"
    r"|follow us (?:now|today)|join our (?:telegram|whatsapp|discord|facebook) (?:channel|group"
    r"|community|server)|enter (?:our|the) (?:giveaway|contest|sweepstakes)"
    r"|(?:install|download) (?:the|our) (?:[\w-]+ ){0,3}app (?:and|to) (?:get|win|earn|claim)"
    r"|stay tuned to our (?:website|site|channel|page)"
    # Engagement bait and affiliate pushes.
    r"|comment (?:yes|no|amen|below|['\"‘“][^\n]{1,12}['\"’”])"
    r"|type ['\"‘“]?\w+['\"’”]? (?:and share|if|below)|(?:like|share) (?:this|it)(?: post)? if you"
    r"|drop an? [^\n]{1,6} in the comments|share this with \d+ friends|follow (?:us )?for more"
    r"|smash (?:that|the) (?:like|subscribe|follow)|vote now in our poll"
    r"|(?:through|via) our (?:exclusive |special |affiliate |partner |promo )?(?:link|code)"
    r"|with our (?:exclusive|special|affiliate|partner|promo) (?:link|code)"
    r"|our partner (?:casino|exchange|site|broker"
    r"|bookmaker|store)|our sister site|free spins|no-deposit|cashback|advertorial"
    r"|sponsored guide|dm @\w+|in our (?:discord|telegram|whatsapp)|link in (?:our )?bio"
    r"|deal alert|buy before it sells out|install the [\w-]+ app|click to see"
    r"|(?:power companies|doctors|banks|dentists) hate (?:it|him|her|this|them)"
    r"|(?:one|this) weird (?:trick|gadget))\b",
)
# One word of each call, the rarest, looked up before the pattern runs.
_CALL_TO_ACTION_WORDS = _phrases(
    "subscribe|bell|button|hit|notifications|wheel|tap|enroll|join|book|forget|comment|comments"
    "|pinterest|whatsapp|friends|family|facebook|twitter|link|partner|code|follow|giveaway"
    "|contest|sweepstakes|app|tuned|type|like|share|smash|vote|sister|spins|deposit|cashback"
    "|advertorial|sponsored|dm|bio|deal|install|click|hate|weird|discord|telegram"
)
CALL_TO_ACTION_MAX_WORDS = 30
# A page with this many lines the learned scorer reads as promotion, or this many short lines
# with a price ("Sonos Move for $400"), is a roundup of offers: a gift guide, a deals post.
OFFER_ROUNDUP_LINES = 3
# Article prose a spliced line sits between, in words on each side.
PROMOTION_PROSE_WORDS = 40
# Lines under a widget's label are short headlines without a full stop.
WIDGET_HEADLINE_MAX_WORDS = 14
# A widget's label is a few words ("DON'T MISS", "You may also like..."), without a teaser.
WIDGET_LABEL_MAX_WORDS = 4


def _is_widget_label(doc: AnalyzedText, line_index: int) -> bool:
    """Whether the line is a label heading a list of headlines (a site's widget): a label of a
    few words, and the next two lines short and not ending a sentence."""
    start, end = doc.lines[line_index]
    if len(doc.text[start:end].split()) > WIDGET_LABEL_MAX_WORDS:
        return False
    following = doc.lines[line_index + 1 : line_index + 3]
    if len(following) < 2:
        return False
    text = doc.text
    return all(
        len(text[a:b].split()) <= WIDGET_HEADLINE_MAX_WORDS and not _ends_sentence(text[a:b])
        for a, b in following
    )


_PRICE = re.compile(rf"[{re.escape(CURRENCY_SIGNS)}]\s?\d")


def _is_offer_roundup(doc: AnalyzedText, learned_lines: int) -> bool:
    """Whether the page is a roundup of offers, whose priced items are its subject: lines the
    learned scorer reads as promotion, or short lines with a price, `OFFER_ROUNDUP_LINES` or
    more of either."""
    if learned_lines >= OFFER_ROUNDUP_LINES:
        return True
    text = doc.text
    priced = 0
    for (start, end), (first, last) in zip(doc.lines, doc.line_word_ranges, strict=True):
        if last - first <= WIDGET_HEADLINE_MAX_WORDS and _PRICE.search(text, start, end):
            priced += 1
            if priced >= OFFER_ROUNDUP_LINES:
                return True
    return False


def _short_calls_to_action(doc: AnalyzedText) -> set[int]:
    """The short lines that ask the reader to subscribe, share, book or use a code. Only the
    lines holding one of the calls' words are searched: most pages have none of them."""
    positions = list(compress(count(), map(_CALL_TO_ACTION_WORDS.__contains__, doc.words_lower)))
    if not positions:
        return set()
    ranges = doc.line_word_ranges
    firsts = [first for first, _ in ranges]
    lower = doc.lower_aligned
    found: set[int] = set()
    looked: set[int] = set()
    for position in positions:
        index = bisect_right(firsts, position) - 1
        if index in looked:
            continue
        looked.add(index)
        first, last = ranges[index]
        start, end = doc.lines[index]
        if last - first <= CALL_TO_ACTION_MAX_WORDS and _CALL_TO_ACTION.search(lower, start, end):
            found.add(index)
    return found


def _injected_promotions(doc: AnalyzedText, evidence: EvidenceCollector) -> int:
    """Promotion lines with article prose before and after them, outside a widget."""
    text = doc.text
    starts = doc.word_starts
    found = 0
    lines = doc.lines
    calls_to_action = _short_calls_to_action(doc)
    # Lines the learned tell-line scorer reads as promotion (their spans start at a word). On
    # a roundup of offers (a deals post, a gift guide) they are the page's subject, not
    # spliced into it.
    learned = [start for start, _ in doc.tell_lines.get(PROMOTION_KIND, ())]
    if learned and _is_offer_roundup(doc, len(learned)):
        learned = []
    for index, (start, end) in enumerate(lines):
        by_pattern = index in calls_to_action or _PROMOTION.match(text, start, end) is not None
        if not by_pattern and not any(start <= at < end for at in learned):
            continue
        # An item of a list of links or resources is part of the page's furniture.
        neighbours = lines[max(0, index - 1) : index + 2]
        if any(_BULLET.match(text, a, b) for a, b in neighbours):
            continue
        before = bisect_left(starts, start)
        after = len(starts) - bisect_left(starts, end)
        if before < PROMOTION_PROSE_WORDS or after < PROMOTION_PROSE_WORDS:
            continue
        if _is_widget_label(doc, index):
            continue
        found += 1
        note = _note("promotion", text, (start, end))
        evidence.add(INJECTED_PROMOTION, start, end, note if by_pattern else note + LEARNED_NOTE)
    return found


def extract(doc: AnalyzedText) -> FamilyResult:
    """Page-structure values: headings, bullets, farm and news furniture, title, shape.

    >>> text = "BREAKING: Mayor Quits!\\n\\nFinal Thoughts\\n\\nLeave a Reply"
    >>> values = extract(AnalyzedText(text)).values
    >>> values["structure_generic_heading_count"], values["structure_comment_form_phrase_count"]
    (1.0, 1.0)
    """
    evidence = EvidenceCollector()
    lower = doc.lower_aligned
    counts = _scan_lines(doc, evidence)
    n_lines = len(doc.lines)
    n_recap, closing_recap = _recap_counts(doc, evidence)
    values: dict[str, float] = {
        HEADING_FRACTION: safe_ratio(counts.heading, n_lines),
        HEADING_RATE: rare_event_rate(counts.heading, doc.n_words),
        GENERIC_HEADING: float(counts.generic_heading),
        BULLET_FRACTION: safe_ratio(counts.bullet, n_lines),
        LABEL_LINES: float(counts.story_label),
        BAIT_PROMO: float(counts.bait_promo),
        RELATED_LINK: float(counts.related_link),
        INJECTED_PROMOTION: float(_injected_promotions(doc, evidence)),
        COMMENT_FORM: float(
            _find_phrases(lower, COMMENT_FORM_PHRASES, COMMENT_FORM, "comment form", evidence)
        ),
        EMBEDDED_POST: float(_embedded_post_count(doc, lower, evidence)),
        **_title_values(doc, evidence),
        RECAP: float(n_recap),
        CLOSING_RECAP: float(closing_recap),
        TERMINAL_FRACTION: safe_ratio(counts.terminal, n_lines),
        SHORT_FRACTION: safe_ratio(counts.short, n_lines),
        PARAGRAPH_WORDS: safe_ratio(doc.n_words, len(doc.paragraphs)),
        NEWS_FURNITURE: float(counts.news_furniture),
    }
    return FamilyResult(
        values={spec.name: values[spec.name] for spec in FEATURES}, evidence=evidence.spans
    )
