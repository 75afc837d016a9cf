"""The public corpora that farmscore brings into its repository, and how each becomes rows.

Each `CorpusSource` names a public repository, the commit its files are read at, its licence,
the files it takes and the role of its rows: `train` rows are split by story group like the
shared corpora; `evaluation` rows are never trained on and measure false positives on a kind
of writing no training row comes from. `training/import_corpora.py` reads the files from a
mirrored snapshot and writes `training/corpora/<name>.jsonl.gz` with a manifest of where every
row came from; nothing here opens a file.

Every row has the fields of the shared corpora (id, text, label, source, group) plus
generator, family, domain and genre.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from farmscore.reading.markdown import markdown_to_text

ROLE_TRAIN = "train"
ROLE_EVALUATION = "evaluation"
HUMAN = "human"
# Structured human documents shorter than this, in words after conversion, are stubs,
# link lists or index pages, not articles.
MIN_STRUCTURED_WORDS = 150
# Machine and human news texts shorter than this are fragments a generator broke off.
MIN_NEWS_WORDS = 50

RowMaker = Callable[[str, bytes], Iterator[dict[str, str]]]


@dataclass(frozen=True, slots=True)
class CorpusSource:
    """One corpus file in `training/corpora/`: where its rows come from and how they are made."""

    name: str
    repository: str
    commit: str
    licence: str
    role: str
    description: str
    # Files of the snapshot to read (a regular expression over the whole path).
    paths: str
    make_rows: RowMaker
    exclude: str = r"(?!)"
    notes: tuple[str, ...] = field(default_factory=tuple)

    def wants(self, path: str) -> bool:
        return bool(re.fullmatch(self.paths, path)) and not re.search(self.exclude, path)


# ---- the PAN'24 news corpus -----------------------------------------------------------------

# PAN'24's instruction-tuned generators, by family; its base and small models (alpaca-7b and
# -13b, bloomz-7b1, gpt2-open-instruct) write a few broken sentences, not articles.
PAN24_GENERATORS: dict[str, tuple[str, str]] = {
    "gpt-4-turbo-preview": ("gpt-4-turbo", "openai"),
    "gpt-3.5-turbo-0125": ("gpt-3.5-turbo", "openai"),
    "gemini-pro": ("gemini-pro", "google"),
    "text-bison-002": ("text-bison-002", "google"),
    "meta-llama-llama-2-70b-chat-hf": ("llama-2-70b-chat", "meta"),
    "meta-llama-llama-2-7b-chat-hf": ("llama-2-7b-chat", "meta"),
    "mistralai-mistral-7b-instruct-v0.2": ("mistral-7b-instruct", "mistral"),
    "mistralai-mixtral-8x7b-instruct-v0.1": ("mixtral-8x7b-instruct", "mistral"),
    "qwen-qwen1.5-72b-chat-8bit": ("qwen1.5-72b-chat", "qwen"),
}
_PAN24_FOLDER = "pan24-generative-authorship-news"


def pan24_rows(path: str, data: bytes) -> Iterator[dict[str, str]]:
    """Rows of one PAN'24 news file: `human.jsonl`, or `machines/<model>.jsonl` for the
    generators in `PAN24_GENERATORS`. A machine article was written from the key points of
    the human article with the same topic and number, so both share a story group."""
    name = path.rsplit("/", 1)[-1].removesuffix(".jsonl")
    if path.endswith("/human.jsonl"):
        generator, family, label = HUMAN, HUMAN, "substantive"
    elif name in PAN24_GENERATORS:
        (generator, family), label = PAN24_GENERATORS[name], "content_farm"
    else:
        return
    for line in data.decode("utf-8").splitlines():
        if not line.strip():
            continue
        record: dict[str, Any] = json.loads(line)
        # ids look like "<writer>/<topic>/<article>"
        _, topic, article = str(record["id"]).rsplit("/", 2)
        text = str(record["text"]).strip()
        if len(text.split()) < MIN_NEWS_WORDS:
            continue
        yield {
            "id": f"pan24/{generator}/{topic}/{article}",
            "text": text,
            "label": label,
            "source": f"pan24/{generator}",
            "group": f"pan24/{topic}/{article}",
            "generator": generator,
            "family": family,
            "domain": "pan24_news",
            "genre": "news",
        }


# ---- human structured writing ---------------------------------------------------------------

# Community-wiki boilerplate of the freeCodeCamp guide: a stub notice, the style-guide link,
# and a closing list of links under "More Information".
_GUIDE_BOILERPLATE = re.compile(
    r"^.*(?:This is a stub\.|Help our community expand it|This quick style guide).*$", re.M
)
_MORE_INFORMATION = re.compile(r"^#{1,6}[ \t]*(?:More Information|Resources)\b.*", re.M | re.S)


def _fcc_guide_markdown(markdown: str) -> str:
    return _MORE_INFORMATION.sub("", _GUIDE_BOILERPLATE.sub("", markdown))


def structured_rows(
    corpus: str, genre: str, clean: Callable[[str], str] = lambda markdown: markdown
) -> RowMaker:
    """A row maker for Markdown articles written by people: each file is one document, read
    as farmscore reads a `.md` file, kept when it has at least `MIN_STRUCTURED_WORDS` words."""

    def make_rows(path: str, data: bytes) -> Iterator[dict[str, str]]:
        text = markdown_to_text(clean(data.decode("utf-8", errors="replace")))
        if len(text.split()) < MIN_STRUCTURED_WORDS:
            return
        yield {
            "id": f"{corpus}/{path}",
            "text": text,
            "label": "substantive",
            "source": f"{corpus}/{HUMAN}",
            "group": f"{corpus}/{path}",
            "generator": HUMAN,
            "family": HUMAN,
            "domain": corpus,
            "genre": genre,
        }

    return make_rows


SOURCES: tuple[CorpusSource, ...] = (
    CorpusSource(
        name="pan24_news",
        repository="hugojigarcia/Generative-AI-Authorship-Verification",
        commit="753048c135ac60e3dec20cc96db5c0c5f8f5b351",
        licence=(
            "none stated in this copy; the PAN'24 Generative AI Authorship Verification data "
            "(PAN at CLEF 2024, zenodo.org/records/10718757), human texts from 2021 US news"
        ),
        role=ROLE_TRAIN,
        description=(
            "2021 US news articles (24 topics) and articles written from their key points by "
            "9 instruction-tuned LLMs of 5 families"
        ),
        paths=rf"{_PAN24_FOLDER}/(?:human|machines/[^/]+)\.jsonl",
        make_rows=pan24_rows,
        notes=(
            "The organisers removed typical generation artifacts ('Sure, here is', '# ' "
            "headings, 'As an AI language model') and normalised quotes and datelines.",
            "The human texts were cut at a sentence to about the machine texts' length.",
        ),
    ),
    CorpusSource(
        name="digitalgov",
        repository="GSA/digitalgov.gov",
        commit="26f037e9b6857b583b2fbd05e00bc1ad5e44bfb6",
        licence="public domain (CC0 1.0 dedication, LICENSE.md)",
        role=ROLE_TRAIN,
        description="US government digital-service blog posts, guides and resources, 2011-2021",
        paths=r"content/(?:news|guides|resources)/.+\.md",
        exclude=r"(?:^|/)_index\.md$",
        make_rows=structured_rows("digitalgov", "blog_howto"),
    ),
    CorpusSource(
        name="18f_blog",
        repository="18F/18f.gsa.gov",
        commit="df4263b08793a353d9e73f0d455a48d9dd3d0dd5",
        licence="public domain (CC0 1.0 dedication, LICENSE.md)",
        role=ROLE_TRAIN,
        description="18F blog posts, 2014-2021",
        paths=r"_posts/.+\.md",
        make_rows=structured_rows("18f_blog", "blog"),
        notes=("Posts cross-posted on DigitalGov are kept once, as DigitalGov's.",),
    ),
    CorpusSource(
        name="fcc_guide",
        repository="freeCodeCamp/guide",
        commit="011f38c99eedb9d28657fcb73e925ad4b32aa8e6",
        licence="BSD-3-Clause (LICENSE.md at this commit)",
        role=ROLE_TRAIN,
        description="freeCodeCamp community guide articles: explainers and how-tos, 2017-2018",
        paths=r"src/pages/.+/index\.md",
        exclude=r"^src/pages/certifications/",
        make_rows=structured_rows("fcc_guide", "howto", _fcc_guide_markdown),
        notes=("Stub notices and the closing 'More Information' link lists are removed.",),
    ),
    CorpusSource(
        name="rust_blog",
        repository="rust-lang/blog.rust-lang.org",
        commit="9c13875bb1aded2812d9acaf5351238c1a2a08e4",
        licence="MIT or Apache-2.0 (README, LICENSE-MIT, LICENSE-APACHE)",
        role=ROLE_EVALUATION,
        description="The Rust project's blogs, 2014-2021: announcements, release notes, surveys",
        paths=r"posts/(?:inside-rust/)?[^/]+\.md",
        make_rows=structured_rows("rust_blog", "blog"),
    ),
    CorpusSource(
        name="gcp_community",
        repository="GoogleCloudPlatform/community",
        commit="ce36ed325da7d97dce37071cb61c6ba47d1d4d57",
        licence="CC BY 4.0 for text, Apache-2.0 for code samples (LICENSE.md)",
        role=ROLE_EVALUATION,
        description="Google Cloud community tutorials, 2008-2021",
        paths=r"(?:tutorials|archived)/(?:[^/]+\.md|[^/]+/index\.md)",
        make_rows=structured_rows("gcp_community", "howto"),
    ),
)


def generator_family(generator: str) -> str:
    """The family (maker) of a generator named in any corpus, or "human".

    >>> generator_family("claude-3-opus-20240229"), generator_family("GPT-4o")
    ('anthropic', 'openai')
    """
    name = generator.lower()
    for prefixes, family in _FAMILY_PREFIXES:
        if name.startswith(prefixes):
            return family
    return name


_FAMILY_PREFIXES: tuple[tuple[tuple[str, ...], str], ...] = (
    ((HUMAN,), HUMAN),
    (("gpt", "davinci", "text-davinci", "chatgpt"), "openai"),
    (("claude",), "anthropic"),
    (("gemini", "text-bison", "palm"), "google"),
    (("llama", "meta-llama"), "meta"),
    (("mistral", "mixtral"), "mistral"),
    (("qwen",), "qwen"),
)
