"""Seeded hostile inputs for the fuzz campaign: texts, pages, JSONL lines, feeds and odd files.

Every generator takes a `random.Random` and returns the same input for the same seed, so a
crash found by `python -m benchmarks.fuzz --seed N` is reproduced by running it again.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass

_NEWS_WORDS = (
    "the council voted on tuesday to repair bridge river school budget mayor said residents "
    "library police report million percent plan city would however new chief fire water storm "
    "season players coach team season market prices rose fell company shares"
)
WORDS = tuple(_NEWS_WORDS.split())
# Marks that change how text is shown or split: controls, NUL, bidi overrides, zero-width
# joiners, a byte-order mark, combining accents, replacement character.
ODD_MARKS = (
    "\x00\x01\x07\x08\x1b\x7f\x85\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d"
    "\u202e\u2066\u2067\u2068\u2069\ufeff\ufffd\u0301\u0336\u00ad\u2028\u2029"
)
LONE_SURROGATES = "\ud800\udbff\udc00\udfff"
PUNCTUATION = ".!?…;:,\"'()[]{}<>*#-_=+|\\/~`^%$@&。！？；」【】«»—–"
MARKUP = (
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "<!-- a comment -->",
    "&lt;b&gt; &amp;amp; &#x41; &#0; &#xD800; &nbsp;",
    "<style>body{display:none}</style>",
    "]]><![CDATA[",
    '"><svg onload=alert(1)>',
)


def prose(rng: random.Random, n_words: int) -> str:
    """Sentences of everyday news words, a paragraph break now and then."""
    parts: list[str] = []
    for index in range(n_words):
        word = rng.choice(WORDS)
        if not parts or parts[-1].endswith((".", "\n\n")):
            word = word.capitalize()
        parts.append(word)
        if rng.random() < 0.08:
            parts[-1] += "."
        if rng.random() < 0.01 and index:
            parts[-1] += "\n\n"
    return " ".join(parts).replace("\n\n ", "\n\n") + "."


def _unicode_soup(rng: random.Random) -> str:
    """Any code point at all, lone surrogates included, mixed with words."""
    pieces = []
    for _ in range(rng.randint(1, 400)):
        roll = rng.random()
        if roll < 0.4:
            pieces.append(rng.choice(WORDS))
        elif roll < 0.6:
            pieces.append(rng.choice(ODD_MARKS))
        elif roll < 0.65:
            pieces.append(rng.choice(LONE_SURROGATES))
        else:
            pieces.append(chr(rng.randrange(0x110000)))
    return rng.choice(("", " ")).join(pieces)


def _marks_between_words(rng: random.Random) -> str:
    mark = rng.choice(ODD_MARKS)
    return mark.join(prose(rng, rng.randint(5, 600)).split(" "))


def _giant_word(rng: random.Random) -> str:
    return rng.choice("a.x9é字" + PUNCTUATION) * rng.randint(1_000, 200_000)


def _giant_line(rng: random.Random) -> str:
    return prose(rng, rng.randint(2_000, 60_000)).replace("\n", " ")


def _punctuation_run(rng: random.Random) -> str:
    mark = rng.choice(PUNCTUATION)
    run = mark * rng.randint(1_000, 64_000)
    return rng.choice((f"Rain is due. {run}", f"{run} word", f"word{mark}" * 4_000))


def _markup_in_text(rng: random.Random) -> str:
    words = prose(rng, rng.randint(20, 400)).split(" ")
    for _ in range(rng.randint(1, 6)):
        words.insert(rng.randrange(len(words) + 1), rng.choice(MARKUP))
    return " ".join(words)


def _whole_page(rng: random.Random) -> str:
    body = "".join(f"<p>{prose(rng, rng.randint(20, 120))}</p>" for _ in range(rng.randint(1, 8)))
    return f"<!DOCTYPE html><html><head><title>{rng.choice(WORDS)}</title></head><body>{body}"


def _deep_html(rng: random.Random) -> str:
    depth = rng.randint(100, 100_000)
    return "<div>" * depth + f"<p>{prose(rng, 200)}</p>" + "</div>" * depth


def _many_attributes(rng: random.Random) -> str:
    attributes = " ".join(f'data-a{i}="x"' for i in range(rng.randint(100, 40_000)))
    return f"<html><body><div {attributes}><p>{prose(rng, 150)}</p></div></body></html>"


def _no_words(rng: random.Random) -> str:
    return rng.choice(("", " ", "!!!! ???", "\u200b\u200b", "\x00", "\n\n\n", "…", "12 34"))


def _many_lines(rng: random.Random) -> str:
    return "\n".join(
        rng.choice((*WORDS, "", " ", "#", "-")) for _ in range(rng.randint(10, 30_000))
    )


def _ordinary(rng: random.Random) -> str:
    return prose(rng, rng.randint(30, 1_500))


@dataclass(frozen=True, slots=True)
class HostileText:
    kind: str
    text: str
    is_html: bool = False


TEXT_KINDS: dict[str, tuple[Callable[[random.Random], str], bool]] = {
    "ordinary": (_ordinary, False),
    "unicode_soup": (_unicode_soup, False),
    "marks_between_words": (_marks_between_words, False),
    "giant_word": (_giant_word, False),
    "giant_line": (_giant_line, False),
    "punctuation_run": (_punctuation_run, False),
    "markup_in_text": (_markup_in_text, False),
    "no_words": (_no_words, False),
    "many_lines": (_many_lines, False),
    "whole_page": (_whole_page, True),
    "deep_html": (_deep_html, True),
    "many_attributes": (_many_attributes, True),
}
# Large inputs are rarer, so that a campaign spends its time on many inputs, not on a few.
_KIND_WEIGHTS = {"giant_word": 0.3, "giant_line": 0.2, "deep_html": 0.2, "many_attributes": 0.2}


def hostile_text(rng: random.Random) -> HostileText:
    kinds = list(TEXT_KINDS)
    kind = rng.choices(kinds, weights=[_KIND_WEIGHTS.get(k, 1.0) for k in kinds])[0]
    make, is_html = TEXT_KINDS[kind]
    return HostileText(kind, make(rng), is_html)


# ---- JSONL lines ----------------------------------------------------------------------------


def _broken_line(rng: random.Random) -> bytes:
    """A line that is no JSON record at all, or one that breaks a naive parser."""
    choices: list[Callable[[], bytes]] = [
        lambda: b"[" * rng.randint(1_000, 100_000),
        lambda: b'{"a":' * rng.randint(1_000, 50_000),
        lambda: b'{"text": "x", "n": ' + b"9" * rng.randint(4_301, 20_000) + b"}",
        lambda: bytes(rng.randrange(256) for _ in range(rng.randint(1, 300))).replace(b"\n", b""),
        lambda: b'{"text": "caf\xe9 au lait"}',
        lambda: b'{"text": "unterminated',
        lambda: rng.choice((b"[1, 2]", b"42", b'"a string"', b"null", b"true")),
        lambda: b'{"text": NaN, "id": Infinity}',
        lambda: b'{"text": 123}',
        lambda: b'{"text": ["a", "list"]}',
        lambda: b'{"html": {"not": "a string"}}',
        lambda: b'{"id": "no text"}',
        lambda: b"\xef\xbb\xbf" + b'{"text": "a byte-order mark mid-stream"}',
        lambda: b"\x00" * rng.randint(1, 100),
    ]
    return rng.choice(choices)()


def jsonl_line(rng: random.Random, number: int) -> bytes:
    """Line `number` of a hostile stream: mostly records (each carrying `fuzz_line`, its own
    line number, so that a checker can find it in any output), some broken lines."""
    if number > 1 and rng.random() < 0.25:
        return _broken_line(rng)
    case = hostile_text(rng)
    record: dict[str, object] = {"fuzz_line": number, "id": f"L{number}"}
    if rng.random() < 0.1:
        record["id"] = rng.choice((None, 7, ["a"], {"x": 1}, "\u202e" * 3, "a\nb"))
    record["html" if case.is_html else "text"] = case.text
    if rng.random() < 0.1:
        record["extra"] = {"nested": [1, 2.5, None, "\u2028"], "big": 10**30}
    return json.dumps(record, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")


# ---- feeds ----------------------------------------------------------------------------------


FEED_KINDS = ("laughs", "external", "external_parameter", "plain_rss", "atom", "json")


def hostile_feed(rng: random.Random, secret_path: str, index: int) -> bytes:
    """Feed number `index`: RSS, Atom or a JSON feed in turn, some with entity expansion or
    an external entity that names `secret_path`, whose content must never reach an output."""
    item = prose(rng, rng.randint(20, 300))
    kind = FEED_KINDS[index % len(FEED_KINDS)]
    if kind == "laughs":
        levels = ['<!ENTITY l0 "lol">'] + [
            f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
        ]
        doctype = f"<!DOCTYPE rss [{''.join(levels)}]>"
        return _rss(doctype, f"{item} &l9;").encode()
    if kind == "external":
        doctype = f'<!DOCTYPE rss [<!ENTITY secret SYSTEM "file://{secret_path}">]>'
        return _rss(doctype, f"{item} &secret;").encode()
    if kind == "external_parameter":
        doctype = f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "file://{secret_path}"> %p;]>'
        return _rss(doctype, item).encode()
    if kind == "atom":
        return (
            '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            f'<entry><id>a</id><title>a</title><content type="html">{_xml_escape(item)}'
            "</content></entry></feed>"
        ).encode("utf-16" if rng.random() < 0.3 else "utf-8")
    if kind == "json":
        items = [{"id": str(i), "content_text": prose(rng, 80)} for i in range(rng.randint(0, 5))]
        items.append({"id": "odd", "content_html": rng.choice(MARKUP)})
        feed = {"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": items}
        return json.dumps(feed).encode()
    return _rss("", item).encode()


def _rss(doctype: str, description: str) -> str:
    return (
        f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>t</title>'
        f"<item><title>a</title><link>https://example.org/a</link>"
        f"<description>{description}</description></item></channel></rss>"
    )


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = [
    "TEXT_KINDS",
    "HostileText",
    "hostile_feed",
    "hostile_text",
    "jsonl_line",
    "prose",
]
