"""The artifacts family: leaked assistant text found, human text left alone, every input."""

from __future__ import annotations

import math
import random

import pytest

import farmscore.features.artifacts as artifacts
from farmscore.features.base import MAX_EVIDENCE_PER_FEATURE
from farmscore.features.text import AnalyzedText

NAMES = [spec.name for spec in artifacts.FEATURES]
KINDS = [kind.name for kind in artifacts.KINDS]
DECISIVE = list(artifacts.DECISIVE_COUNTS)


def values(text: str) -> dict[str, float]:
    return artifacts.extract(AnalyzedText(text)).values


def counts(text: str) -> dict[str, float]:
    """The non-zero per-kind counts of a text, and the quoted count when it is not zero."""
    found = values(text)
    named = {kind: found[f"artifacts_{kind}_count"] for kind in KINDS}
    named["quoted"] = found["artifacts_quoted_count"]
    return {kind: count for kind, count in named.items() if count}


def evidence_texts(text: str, feature: str) -> list[str]:
    result = artifacts.extract(AnalyzedText(text))
    return [text[e.start : e.end] for e in result.evidence if e.feature == feature]


def test_features_are_documented_named_by_family_and_returned_in_order() -> None:
    assert len(NAMES) == len(set(NAMES)) == 2 * len(KINDS) + 4
    assert all(name.startswith("artifacts_") for name in NAMES)
    assert all(spec.unit and spec.definition and spec.rationale for spec in artifacts.FEATURES)
    assert list(values("Some text.")) == NAMES
    assert "artifacts_total_count" in NAMES
    assert DECISIVE == [
        "self_reference",
        "refusal",
        "knowledge_cutoff",
        "prompter_address",
        "prompt_echo",
        "format_note",
        "placeholder",
        "role_marker",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("As an AI language model, I cannot write that.", {"self_reference": 1, "refusal": 1}),
        ("As an AI, I do not have opinions.", {"self_reference": 1}),
        ("As a large language model trained by Google, I can't say.", {"self_reference": 1}),
        ("I'm just a language model, so take this with care.", {"self_reference": 1}),
        ("I don't have personal opinions on the vote.", {"self_reference": 1}),
        ("Note that I, as an automated assistant, cannot vouch for it.", {"self_reference": 1}),
        ("Being a chatbot, I could not attend the match.", {"self_reference": 1}),
        ("i cant browse live listings so these prices are estimates", {"knowledge_cutoff": 1}),
        ("I can't open PDFs, so I worked from your summary.", {"knowledge_cutoff": 1}),
        ("I cannot check the reviews in real time.", {"knowledge_cutoff": 1}),
        (
            "Sure! Here is a 600-word article about the flood:\n\nRivers rose.",
            {"prompter_address": 1},
        ),
        (
            "Certainly! Below is a revised version of your text.\n\nThe mayor resigned.",
            {"prompter_address": 1},
        ),
        # A first line that only points at what follows its colon, with no word of the task.
        (
            "Here is a breakdown of the main points in this case:\n\nThe court ruled.",
            {"prompter_address": 1},
        ),
        (
            "Okay, here's the rewritten article with the keyword included:\n\nRates fell.",
            {"prompter_address": 1},
        ),
        (
            "The mayor resigned.\n\nLet me know if you want me to tweak the tone.",
            {"prompter_address": 1, "chat_courtesy": 1},
        ),
        (
            "The mayor resigned.\n\nWould you like me to expand on any section?",
            {"prompter_address": 1},
        ),
        ("The mayor resigned.\n\nWant a shorter version for Instagram?", {"prompter_address": 1}),
        (
            "The mayor resigned.\n\nI kept the quotes generic since I don't have access to them.",
            {"prompter_address": 1},
        ),
        (
            "Write a 600-word news article about the flood in a journalistic tone.\n\nRivers rose.",
            {"prompt_echo": 1},
        ),
        ("Here is a 26 sentence story based on the prompt:\n\nThe rain fell.", {"prompt_echo": 1}),
        (
            "Topic: Beaches in Thailand. Tone: casual. Length: 900 words.\n\nSand.",
            {"prompt_echo": 1},
        ),
        ("Meta description: A look at the floods.", {"format_note": 1}),
        ("Intro text.\nSEO title: Floods\nFocus keyword: flood", {"format_note": 2}),
        ("The mayor resigned.\n\nWord count: 612", {"format_note": 1}),
        ("Title: The Flood\n\nRivers rose on Tuesday.", {"format_note": 1, "brief_label": 1}),
        ("This article is structured using HTML headings.", {"format_note": 1}),
        ("Note: H2 and H3 tags have been used for SEO.", {"format_note": 1}),
        ("## The Flood\n\nRivers rose.", {"markdown": 1}),
        ("The **Economic Impact** was large.", {"markdown": 1}),
        ("Signed, [Your Name]", {"placeholder": 1}),
        ("[Company Name] said [Date] was fine.", {"placeholder": 2}),
        ("The court held that [insert holding].", {"placeholder": 1}),
        ("Hi {first_name}, thanks for reading.", {"placeholder": 1}),
        ("Tickets start at $XX at the door.", {"placeholder": 1}),
        ("John Doe works at XYZ Corporation.", {"stock_text": 2}),
        ("I cannot fulfill that request.", {"refusal": 1}),
        ("I'm sorry, but I can't assist with that.", {"refusal": 1}),
        ("This request goes against my guidelines.", {"refusal": 1}),
        ("As of my last knowledge update in 2023, rates rose.", {"knowledge_cutoff": 1}),
        ("I don't have real-time information about it.", {"knowledge_cutoff": 1}),
        ("My knowledge cutoff is 2023.", {"knowledge_cutoff": 1}),
        ("[assistant]: The council met on Tuesday.", {"role_marker": 1}),
        ("<|im_start|>assistant The council met.", {"role_marker": 1}),
        ("User: write about gas prices\nAssistant: Gas prices rose again.", {"role_marker": 2}),
        ("Claude: The housing market in Denver remains competitive.", {"role_marker": 1}),
        ("Copilot said: Renting versus buying depends on how long you stay.", {"role_marker": 1}),
        ("The mayor resigned.\n\nIf needed, I can add a table.", {"prompter_address": 1}),
        ("The mayor resigned.\n\nShall I generate a few subheadings?", {"prompter_address": 1}),
        (
            "The mayor resigned.\n\nDo you need an image prompt to go with this article?",
            {"prompter_address": 1},
        ),
        ("The mayor resigned. I hope this helps!", {"chat_courtesy": 1}),
        # Format and SEO notes beyond the brief's labels.
        ("I've bolded the main figures and used bullet points for skimmers.", {"format_note": 1}),
        ("The post uses H2s for each step, so search engines read it well.", {"format_note": 1}),
        ("The keyword 'cheap flights' appears 6 times in the text.", {"format_note": 1}),
        ("Alt text for the hero image: a ferry leaving the harbour", {"format_note": 1}),
        ("SEO title (max 60 characters): Ferry Fares Rise Again", {"format_note": 1}),
        ("The draft runs 900 words, just under your 950-word target.", {"format_note": 1}),
        ("Formatted for WordPress, so the headings carry over.", {"format_note": 1}),
        ("Sentences stay short to satisfy Yoast checks.", {"format_note": 1}),
        # Placeholders a template or a writer left.
        ("She scored XX points in the final.", {"placeholder": 1}),
        ("Founded in 20XX, the firm now employs XX people.", {"placeholder": 2}),
        ("INSERT CHART HERE", {"placeholder": 1}),
        ("TK: confirm the fee with the club", {"placeholder": 1}),
        ("Contact: yourname@yourdomain.com", {"placeholder": 1}),
        ("Sales reached $___ million last year.", {"placeholder": 1}),
        ("[REPLACE WITH THE FINAL FIGURE]", {"placeholder": 1}),
        ("Sent from {{ page.author }} in {{ page.city }}.", {"placeholder": 2}),
        # Refusals and disclaimers in their contracted forms.
        (
            "I'm unable to browse the web, so these prices may be out of date.",
            {"knowledge_cutoff": 1},
        ),
        ("I'm not able to provide specific legal advice on this.", {"refusal": 1}),
        ("My apologies, but I don't have enough information to answer that.", {"refusal": 1}),
        ("This response was generated by an AI and may be wrong.", {"self_reference": 1}),
        # Role markers in more chat formats.
        ('{"role": "assistant", "content": "Rates fell."}', {"role_marker": 1}),
        ("assistant\n\nThe council met on Tuesday to approve the budget.", {"role_marker": 1}),
        ("AI: Sure! The council met on Tuesday to approve the new budget.", {"role_marker": 1}),
        ("[Assistant Response]\nThe council met on Tuesday.", {"role_marker": 1}),
        # Prompts that do not begin with "write".
        (
            "Use the keyword 'best running shoes' at least 4 times.\n\nShoes matter.",
            {"prompt_echo": 1},
        ),
        ("Make it sound human and keep the tone upbeat.\n\nShoes matter.", {"prompt_echo": 1}),
        ("Act as a veteran columnist and cover the budget vote.\n\nShoes.", {"prompt_echo": 1}),
        (
            "A 12 sentence report based on the headline: Shoes Sell Out\n\nShoes.",
            {"prompt_echo": 1},
        ),
        # The long tail: AI lines, layout notes, template slots and prompts in other forms.
        ("Being an AI model, I cannot taste the stew myself.", {"self_reference": 1}),
        ("My answers are generated from patterns in text.", {"self_reference": 1}),
        (
            "I lack the ability to open links, so this rests on the headline.",
            {"knowledge_cutoff": 1},
        ),
        ("Those prices are not in my dataset.", {"knowledge_cutoff": 1}),
        ("Forgive me, but I can't reproduce the full lyrics.", {"refusal": 1}),
        ("[H2] What Changes for Renters", {"format_note": 1}),
        ("Anchor text: 'cheap ferries' to the deals page", {"format_note": 1}),
        ("Call the desk on 0800 XXX XXXX after noon.", {"placeholder": 1}),
        ("Dear %FIRST_NAME%, welcome back.", {"placeholder": 1}),
        ("Hi <<FirstName>>, your offer ends soon.", {"placeholder": 1}),
        ("The flat is listed at £[price] this spring.", {"placeholder": 1}),
        ("Coach's quote goes here.", {"placeholder": 1}),
        (
            "Bing Chat: Analysts expect the central bank to hold rates steady this month.",
            {"role_marker": 1},
        ),
        ("Turn this Reddit thread into a news story.\n\nServers fell over.", {"prompt_echo": 1}),
        # A prompt under its label as the page's first line.
        ("Prompt: A letter arrives 50 years late.\n\nThe envelope was yellow.", {"prompt_echo": 1}),
        ("Essay topic: Should homework be abolished?\n\nHomework divides.", {"prompt_echo": 1}),
        ("[WP] The moon files for divorce.\n\nIt began quietly.", {"prompt_echo": 1}),
        ("Writing prompt - a town where it rains upward\n\nIt rained up.", {"prompt_echo": 1}),
        ("Given the notes below, compose a short obituary.\n\nHe farmed.", {"prompt_echo": 1}),
        # A page owning up to unchecked machine output in other words; a model naming itself.
        (
            "This summary was auto-generated by an AI system and is provided as-is.",
            {"self_reference": 1},
        ),
        (
            "This article was created using generative AI tools and was not checked by a "
            "journalist.",
            {"self_reference": 1},
        ),
        (
            "This content was generated by AI and has not been reviewed by our editors.",
            {"self_reference": 1},
        ),
        ("I'm just a text model and can't watch the trailer.", {"self_reference": 1}),
        # A check claimed in another sentence does not cover the disclosure; a sentence's own
        # "starts with" does not make what follows reported speech.
        (
            "This summary is AI-generated and may contain errors. Quotes were checked by our "
            "reporters.",
            {"self_reference": 1},
        ),
        (
            "Every great trip starts with a plan, and as an AI language model I can help.",
            {"self_reference": 1},
        ),
        (
            "Since my knowledge is not current, I may not know the cut-off marks.",
            {"knowledge_cutoff": 1},
        ),
        # Offers without the usual words.
        (
            "The vote passed.\n\nTell me if you want it funnier or more serious.",
            {"prompter_address": 1},
        ),
        (
            "The vote passed.\n\nShould I focus the piece more on the cost?",
            {"prompter_address": 1},
        ),
        # Slots named by the kind of fact that goes in them, and blanks where a figure goes.
        ("The bakery opens on [opening date] at [street address].", {"placeholder": 2}),
        ("Flights to [Destination] start at $99.", {"placeholder": 1}),
        ("The shop, run by [NAME, POSITION], sells bread.", {"placeholder": 1}),
        ("The club was founded in 19__ by two brothers.", {"placeholder": 1}),
        ("Officials expect to [raise/lower] the limit.", {"placeholder": 1}),
        ("The mill closed in 1990 (quote to come).", {"placeholder": 1}),
        ("The mill closed in 1990 (add quote from the union here).", {"placeholder": 1}),
        ("[Intro about the mill's history]", {"placeholder": 1}),
        ("The council spent $XXm on roads.", {"placeholder": 1}),
        ("[CHART: rents by year]", {"format_note": 1}),
        # A model's limits and making, in words the phrase lists lack.
        ("I can't open the file you uploaded, but the route is short.", {"knowledge_cutoff": 1}),
        ("I was last updated in 2023, so check the fares.", {"knowledge_cutoff": 1}),
        ("I, as an assistant, cannot promise these returns.", {"self_reference": 1}),
        ("This guide is AI-generated and may contain errors.", {"self_reference": 1}),
        ("This post was written by Google's AI and may be out of date.", {"self_reference": 1}),
        (
            "I can't invent a quote from the mayor, so I've kept the statement general.",
            {"refusal": 1},
        ),
        ("Claude can make mistakes. Please double-check responses.", {"self_reference": 1}),
        ("My knowledge may not include this year's new fares.", {"knowledge_cutoff": 1}),
        # What only a model says of itself, its data or its limits, in wordings of a fifteenth
        # development author's.
        ("As an AI writing assistant, I've done my best with the dosage.", {"self_reference": 1}),
        ("Language models like me can get dates wrong.", {"self_reference": 1}),
        ("I'm programmed to avoid taking sides on the vote.", {"self_reference": 1}),
        ("I don't retain memory of previous conversations.", {"self_reference": 1}),
        ("I do not possess consciousness, but the beach is lovely.", {"self_reference": 1}),
        ("I may occasionally produce incorrect information about bylaws.", {"self_reference": 1}),
        # A brief's fields, the page describing its own form, an editor's instruction.
        ("Hashtags to use: #rates #housing\n\nRates rose.", {"format_note": 1}),
        ("CTA button text: Book your tour now\n\nRates rose.", {"format_note": 1}),
        ("Headline options: 1) Rates Rise 2) A Costly May\n\nRates rose.", {"format_note": 1}),
        (
            "This post uses short paragraphs and bullet points to improve readability.",
            {"format_note": 1},
        ),
        ("Each subheading below targets a long-tail keyword.", {"format_note": 1}),
        # "Here you go:" alone as the first line.
        ("Here you go:\n\nRates rose in May.", {"prompter_address": 1}),
        # Slots for a part of the page, and figures left as X's, #'s or blanks.
        ("[Author bio here]", {"placeholder": 1}),
        ("<<Insert expert opinion here>>", {"placeholder": 1}),
        ("Temperatures will reach XX°C on Friday.", {"placeholder": 1}),
        ("The hotel is ### km from the airport.", {"placeholder": 1}),
        ("Visa fees are ₹[X,XXX] per application.", {"placeholder": 1}),
        ("The update brings Android version XX to the phone.", {"placeholder": 1}),
        ("Tickets cost R___ at the gate.", {"placeholder": 1}),
        ("He joined for a reported fee of £__m.", {"placeholder": 1}),
        # Writing tools' and models' labels, and a system prompt, opening the page.
        ("Claude 3 Opus: Rents rose again in March across the city.\n\nMore.", {"role_marker": 1}),
        (
            "Rytr output: Here are five budget tips for students this autumn.\n\nMore.",
            {"role_marker": 1},
        ),
        (
            "system: You are an expert sports writer for a daily paper.\n\nRivers rose.",
            {"role_marker": 1},
        ),
    ],
)
def test_each_kind_is_found(text: str, expected: dict[str, float]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Human writing that shares words with the patterns.
        "The SEO guide explains what a meta description is.",
        "His book, whose title: well, nobody remembers it.",
        "Join the fight for #climate action.\n#climate is trending.",
        "# x = compute(1)\nprint(x)",
        "He said the f**k word twice.",
        # A person's limits, not a model's; a fashion model.
        "I couldn't open the gate, so I climbed it.",
        "As a model, I learned to stand still for hours.",
        "Am I a bot? No, I am a reporter.",
        "Note: This story has been updated with a statement from police.",
        'Lawyers sued "John Doe" defendants. She loves "Meet John Doe".',
        'The mayor said "[the city] will recover" next year.',
        # A false alarm of the hand-over model until its fit read a ninth author's lines.
        "Would you like to go? Sure, what time?\nSure. At six.",
        "Here is the full text of the statement:",
        "Here is the full text of the statement:\n\nWe regret the delay.",
        "Here's what we know so far:\n\nThe fire started at noon.",
        "The panel met on Monday.\n\nHere are the results from the recent matches:\n\nA won.",
        "The company said it cannot provide that information at this time.",
        "Of course the council disagreed, here and elsewhere.",
        "Let me know what you think in the comments below.",
        "Here's a look at what the budget means for schoolchildren.",
        "Replace [PROJECT_ID] with your project's ID, then run the script.",
        "Open https://[your server name].example.com in a browser.",
        "The <title> element names the page.",
        "Participants had to write a 1,500-word essay on a health theme.",
        "- Write a meaningful title that describes the issue.",
        "I could go on, but you get the point.",
        "Q: Why did you build it?\nA: Because nobody else had.",
        "Sorry, I can't. I am busy on Saturday.",
        "I don't have any opinions about roundabouts.",
        "This guide is divided into three sections.",
        "Gemini: What the new model can do for your inbox",
        "If you'd like a closer look, take a look at the executor section of the async book.",
        "If you have questions, please let me know in the comments of this post.",
        "It was not practical for me to build the same depth of knowledge as the engineers.",
        'Asked why she has not changed the sign, Green says "What should I scrape it off?"',
        "But I didn't like it, because I didn't think it was a true object-oriented language.",
        "Yes, I agree. The air here is much more polluted than in my country.",
        "She retired to continue writing books and speeches.",
        # Human lines the format, placeholder and prompt patterns were checked against.
        "This article is a basic guide to what the law does. It's about 600 words long.",
        "Keep the content relevant and well-structured. Backlinks matter for SEO as they "
        "signal to search engines that a site is trusted.",
        "To add rows to an existing table, see the INSERT INTO statement instead.",
        "My last tip is to take it easy (insert TikTok reference here).",
        "TK-Safe – the insurer's app for patients",
        "Armenian [HY] Tagalog [TL] Tajik [TG] Turkmen [TK] Ukrainian [UK]",
        "$ git remote add origin <your github url>",
        "Kiley Armstrong contributed to this report.\n\n___ Follow our climate coverage ___",
        "Use active voice and short sentences: readers skim.",
        "Super Bowl XX was played in New Orleans.",
        "Share this with a friend who needs a laugh.",
        "- Passive Voice: Applications for the job were reviewed by the panel.",
        "If applied, this commit will <<your subject line here>>",
        "Being a parent, I know the feeling.",
        "Cover the pot and simmer the stock for an hour.",
        # Brackets and blanks that are not slots: an editor's insertion in a quotation, an
        # acronym defined, an embed's remnant, syntax on a page with code, a quiz's blank.
        '"We spent 40 [percent] of the budget," she said.',
        '"It\'s the best [burger] in town," he said.',
        "Set a clear Call to Action (CTA) on every page.",
        "[Video: Watch on YouTube.]",
        "Open the file with `vim`.\n\nGive a [range] to limit the search.",
        "The capital of Australia is _______.",
        "Your mobile [via the app] works too, the bank said.",
        # First-person lines a person writes.
        "I was trained as a nurse in Leeds.",
        "I can't take my eyes off that banner.",
        "I don't have enough hands to hold it all.",
        "I could not independently verify the claim.",
        "I couldn't sleep, so I've started reading again.",
        "My training data set had 10,000 labelled photos of birds.",
        "Output: Factory figures for May\n\nThe plant made 400 cars.",
        "System: Windows 11\n\nThe laptop ships in June.",
        # A page that says people checked its machine draft discloses how it was made.
        "This article was generated with the help of AI and reviewed by a human editor.",
        "This story was produced using AI tools; our editors verify every fact.",
        "This article was generated with the help of AI and reviewed for accuracy by our editors.",
        "My information is not current, the minister conceded, and he apologised.",
        "My data isn't up to date, so check the council website before you travel.",
        "The menu reflects my training in French kitchens, the chef said proudly.",
        # A label that opens a recipe's method, a tutorial's step or a page's continuation,
        # a summary's label, and a prompt's label amid a page.
        "Instructions: Preheat the oven to 180C.\n\nGrease the tin.",
        "Task: Install the package with pip.\n\nThen run it.",
        "Continuation of the story from page one\n\nThe council met again.",
        "Summarised: what the budget means for you\n\nTaxes rise.",
        "The class met at nine.\n\nPrompt: describe your street.\n\nMost wrote a page.",
        # A person's work and limits, a how-to's form and steps, a link's remnant, a
        # template a how-to shows, fields a page prints for its readers.
        "As an AI policy researcher, I have studied this for years.",
        "I was designed to be a nurse, my mother said.",
        "My data set does not include Alaska, the analyst said.",
        "This guide is split into three parts:\n\nFirst, the tools.",
        "This tutorial uses Markdown and the gcloud CLI.",
        "Add the chicken here and stir for two minutes.",
        "[Read more here]",
        "Use this subject line: <<your subject line here>>",
        "Target audience: developers new to Kubernetes\n\nFirst, the tools.",
        "Hashtags: #climate #vote\n\nThe march began at noon.",
        # A lede that points at what follows, and a guide that guides.
        "Here's a breakdown of the new tax brackets announced in the budget.\n\nRates rose.",
        "Here you go: the best pizza in town, ranked.\n\nFirst, Luigi's.",
        "I'll start with the good news: the library stays open.\n\nRates rose.",
        "Here's a 10-step workflow that will guide you through planning.\n\nStep one.",
        # People's job titles, idioms, notes and jokes; a researcher's data; tech support.
        "As an AI teaching assistant, I graded 200 exams.",
        "I'm programmed to avoid carbs after years of dieting.",
        "I do not retain any information from our sessions.",
        "I don't have any self-awareness, my wife says.",
        "My dataset doesn't include anything after 2019, so the pandemic is missing.",
        "I can't see your screen, so please post a screenshot.",
        # Fields a page prints for its readers; an SEO guide's advice; a blogger's note.
        "Permalink: https://example.org/a/1\n\nThe vote passed.",
        "Hashtags for weddings: #JustMarried\n\nThe vote passed.",
        "Pull quote: We will rebuild.\n\nThe vote passed.",
        "Make sure the heading uses your focus keyword near the start.",
        "This post is written in British English, so expect colour.",
        "Place the photo here.",
        # Link remnants, a how-to's template, a Roman numeral, a worksheet, a lede.
        "Read the ruling [full text here].",
        "In the template, replace [Author bio here] with your own bio.",
        "In chapter XX of Moby-Dick, Ahab speaks.",
        "Fill in the missing letters: r__n, tr__n.",
        "Here's a quick rundown of what you need to know.\n\nThe vote passed.",
        "I'll start with a quick overview for those of you who are new.\n\nThe vote passed.",
    ],
)
def test_human_text_does_not_fire(text: str) -> None:
    assert counts(text) == {}


@pytest.mark.parametrize(
    "text",
    [
        # A glossary's "CTA:" (a brief's label, which weighs but never decides) and a
        # Markdown link (Markdown, the same).
        "CTA: Call to action, the button a visitor clicks.\n\nThe vote passed.",
        "Registration [details here](https://example.org) closes Friday.",
    ],
)
def test_human_lines_with_a_labels_or_a_links_form_carry_no_tell(text: str) -> None:
    found = counts(text)
    assert found
    assert not set(found) & set(DECISIVE), found


@pytest.mark.parametrize(
    "text",
    [
        '"As an AI researcher, I worry about this," she said.',
        "\u201cI'm sorry, but I can't comment on that,\u201d the spokesman said.",
        'When asked, the chatbot replied: "As an AI language model, I cannot take sides."',
        'The listing contained the phrase "I\'m sorry, but I cannot fulfill this request".',
        'The release contained the line "[Insert quote from the mayor here]," critics said.',
        "The bot replied that as an AI language model it could not take sides.",
        # Reported by a participle or a verb of memory, without quotation marks.
        "She recalled the bot saying that, as a language model, it could not advise her.",
        "Screenshots show the bot admitting that, as an AI language model, it had no views.",
    ],
)
def test_quoted_or_reported_chatbot_lines_are_counted_apart(text: str) -> None:
    found = counts(text)
    assert not set(found) & set(DECISIVE), found


_LONG_LEDE = (
    "The council met on Monday to review the new road plan for the river district, and "
    "engineers said the bridge repairs would close two lanes until the end of March while shop "
    "owners asked for signs directing drivers to the detour around Front Street."
)


def test_a_labelled_prompt_is_found_from_its_label() -> None:
    text = "[WP] The moon files for divorce.\n\nIt began quietly."
    assert evidence_texts(text, "artifacts_prompt_echo_count") == [
        "[WP] The moon files for divorce."
    ]


def test_an_echoed_prompt_run_into_the_first_paragraph_is_found() -> None:
    # A chat reply pasted without its line breaks: the prompt is the long first line's first
    # sentence.
    prompt = "Compose a blog post on the road plan in a friendly tone."
    text = f"{prompt} {_LONG_LEDE} {_LONG_LEDE}\n\nMore."
    assert counts(text) == {"prompt_echo": 1}
    assert evidence_texts(text, "artifacts_prompt_echo_count") == [prompt]
    # A lede's own first sentence is not a prompt.
    lede = f"Compose yourself, the coach told his players. {_LONG_LEDE} {_LONG_LEDE}"
    assert counts(f"{lede}\n\nMore.") == {}


def test_evidence_spans_point_at_the_leaked_text() -> None:
    text = "The council met on Monday.\n\nAs an AI language model, I cannot fulfill this."
    assert evidence_texts(text, "artifacts_self_reference_count") == ["As an AI language model"]
    assert evidence_texts(text, "artifacts_refusal_count") == ["I cannot fulfill this"]
    note = artifacts.extract(AnalyzedText(text)).evidence[0].note
    assert "As an AI language model" in note


def test_a_pattern_runs_when_its_substring_cues_are_on_the_page() -> None:
    # Cues that are not one word are looked up once per page; each kind below is gated by
    # one ("[/inst", '"role"', "feel free", "a.i.").
    cases = {
        "[INST] Write about the flood [/INST] Rivers rose on Monday.": "role_marker",
        '{"role": "assistant", "content": "Rivers rose."}': "role_marker",
        "Rivers rose.\n\nFeel free to ask if you want a shorter version.": "chat_courtesy",
        "As an A.I. language model, I have no view on the flood.": "self_reference",
    }
    for text, kind in cases.items():
        assert counts(text).get(kind, 0) >= 1, text
    # A cue's words must be whole words of the page, as its patterns need them.
    lower = "they unfeel freedom to ask."
    assert "feel free" not in artifacts._cues_in(frozenset(lower[:-1].split()), lower)


def test_a_hand_over_is_one_span_from_its_first_word() -> None:
    text = "Sure! Here is a 600-word article about the flood.\n\nRivers rose."
    assert counts(text) == {"prompter_address": 1}
    assert evidence_texts(text, "artifacts_prompter_address_count") == [
        "Sure! Here is a 600-word article about the flood."
    ]


def test_rates_are_per_thousand_words_shrunk_and_total_sums_the_kinds() -> None:
    # 10 words, one self-reference and one refusal: rates as if 250 more words had none.
    text = "As an AI language model, I cannot fulfill this today."
    found = values(text)
    assert found["artifacts_self_reference_per_1k_words"] == pytest.approx(1000 / 260)
    assert found["artifacts_total_count"] == 2.0
    assert found["artifacts_total_per_1k_words"] == pytest.approx(2000 / 260)
    # On a long page the prior hardly matters: 1 in 2,250 words is 1 in 2,500 counted.
    long_page = text + " The council met today." * 560
    assert values(long_page)["artifacts_self_reference_per_1k_words"] == pytest.approx(0.4)
    assert found["artifacts_total_count"] == sum(found[f"artifacts_{k}_count"] for k in KINDS)


def test_a_line_quoted_in_single_quotes_is_counted_apart() -> None:
    text = "'As an AI language model, I cannot give legal advice,' the chatbot told a user."
    found = values(text)
    assert found["artifacts_self_reference_count"] == 0.0
    assert found["artifacts_quoted_count"] >= 1.0


def test_a_quoted_line_is_counted_apart_with_its_span() -> None:
    text = 'The bot replied: "As an AI language model, I cannot take sides."'
    found = values(text)
    assert found["artifacts_self_reference_count"] == 0.0
    assert found["artifacts_quoted_count"] == 1.0
    assert evidence_texts(text, "artifacts_quoted_count")[0] == "As an AI language model"


def test_spans_stay_aligned_when_lowering_changes_the_length() -> None:
    # "İ" lowers to two code points; spans must still index the original text.
    text = "İstanbul İzmir. As an AI language model, I cannot fulfill this."
    assert evidence_texts(text, "artifacts_self_reference_count") == ["As an AI language model"]


def test_counts_keep_growing_past_the_evidence_cap() -> None:
    text = "\n\n".join(["As an AI language model, I refuse."] * 50)
    result = artifacts.extract(AnalyzedText(text))
    assert result.values["artifacts_self_reference_count"] == 50.0
    spans = [e for e in result.evidence if e.feature == "artifacts_self_reference_count"]
    assert len(spans) == MAX_EVIDENCE_PER_FEATURE


def test_inserting_a_leak_raises_the_total() -> None:
    clean = "The council voted on Tuesday.\n\nResidents cheered the budget."
    leaked = clean + "\n\nAs an AI language model, I cannot browse the internet."
    assert values(clean)["artifacts_total_count"] == 0.0
    assert values(leaked)["artifacts_total_count"] == 2.0


def _garbage() -> str:
    rng = random.Random(7)
    return bytes(rng.randrange(256) for _ in range(20_000)).decode("utf-8", errors="replace")


EDGE_INPUTS = {
    "empty": "",
    "whitespace": " \n\t \r\n ",
    "one word": "word",
    "chinese": "这是一个测试。我们今天讨论经济问题。\n\n总之，这是好的。",
    "russian": "Это тест. Мы обсуждаем экономику.\n\nВ заключение, всё хорошо.",
    "binary garbage": _garbage(),
    "one repeated character": "*" * 1_000_000,
    "many one-word lines": "\n".join(["word"] * 100_000),
    "pathological note": "(note: " * 50_000,
}


@pytest.mark.parametrize("name", list(EDGE_INPUTS))
def test_every_input_gives_finite_values_and_valid_spans(name: str) -> None:
    text = EDGE_INPUTS[name]
    result = artifacts.extract(AnalyzedText(text))
    assert list(result.values) == NAMES
    assert all(isinstance(v, float) and math.isfinite(v) for v in result.values.values())
    assert all(0 <= e.start <= e.end <= len(text) for e in result.evidence)
    if name != "binary garbage":
        assert result.values["artifacts_total_count"] == 0.0


def test_a_five_megabyte_line_finishes_and_counts_its_leaks() -> None:
    sentence = "The council voted 7-2 on Tuesday to approve the budget, the mayor said. "
    text = sentence * (5_000_000 // len(sentence)) + "As an AI language model, I refuse."
    found = values(text)
    assert all(math.isfinite(v) for v in found.values())
    assert found["artifacts_self_reference_count"] == 1.0
