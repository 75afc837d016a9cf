"""The public corpora that farmscore brings into its repository, and how each becomes rows.

Each `CorpusSource` names a public repository, the commit its files are read at, its licence,
the files it takes and the role of its rows: `train` rows are split by story group like the
shared corpora; `evaluation` rows are never trained on and measure false positives on a kind
of writing no training row comes from; `trial` rows are neither trained on nor tested on, and
are read only by the verdict trials. `training/import_corpora.py` reads the files from a
mirrored snapshot and writes `training/corpora/<name>.jsonl.gz` with a manifest of where every
row came from; nothing here opens a file.

Every row has the fields of the shared corpora (id, text, label, source, group) plus
generator, family, domain and genre.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from farmscore.reading.markdown import markdown_to_text

ROLE_TRAIN = "train"
ROLE_EVALUATION = "evaluation"
# Rows never trained on and never in the example tables; read only by the verdict trials.
ROLE_TRIAL = "trial"
HUMAN = "human"
# Structured human documents shorter than this, in words after conversion, are stubs,
# link lists or index pages, not articles.
MIN_STRUCTURED_WORDS = 150
# Machine and human news texts shorter than this are fragments a generator broke off.
MIN_NEWS_WORDS = 50

RowMaker = Callable[[str, bytes], Iterator[dict[str, str]]]
# Chooses, from all the rows a source made (repeats already dropped), the rows to store.
RowSelector = Callable[[list[dict[str, str]]], list[dict[str, str]]]


def all_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Every row: the selection of a source that stores all it reads."""
    return rows


def sample_by_hash(
    rows: list[dict[str, str]],
    stratum: Callable[[dict[str, str]], str],
    key: Callable[[dict[str, str]], str],
    per_stratum: int,
    total: int | None = None,
) -> list[dict[str, str]]:
    """A sample of `rows` that is the same on every run and as even across strata as it can be.

    Within each stratum, rows are ranked by the SHA-256 of `key(row)`, smallest first, and at
    most `per_stratum` are taken. When `total` is given, the sample takes the first-ranked row
    of every stratum, then the second-ranked, and so on until it holds `total` rows, so a small
    stratum leaves its share to the others. The rows keep their input order.

    >>> rows = [{"id": str(n), "s": "ab"[n % 2]} for n in range(10)]
    >>> len(sample_by_hash(rows, lambda r: r["s"], lambda r: r["id"], per_stratum=3))
    6
    >>> sorted(r["s"] for r in sample_by_hash(rows, lambda r: r["s"], lambda r: r["id"], 5, 4))
    ['a', 'a', 'b', 'b']
    """
    by_stratum: dict[str, list[tuple[str, int]]] = {}
    for position, row in enumerate(rows):
        digest = hashlib.sha256(key(row).encode("utf-8")).hexdigest()
        by_stratum.setdefault(stratum(row), []).append((digest, position))
    ranked: list[tuple[int, str, int]] = []
    for members in by_stratum.values():
        members.sort()
        ranked.extend((rank, digest, position) for rank, (digest, position) in enumerate(members))
    ranked = sorted(entry for entry in ranked if entry[0] < per_stratum)
    if total is not None:
        ranked = ranked[:total]
    return [rows[position] for position in sorted(position for _, _, position in ranked)]


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
    # Which of the rows made (repeats dropped) are stored: all, or a deterministic sample.
    select: RowSelector = all_rows
    # Whether a wanted file the snapshot lacks is skipped (and named in the manifest's notes)
    # rather than stopping the import: for repositories whose large files the snapshot omits.
    skip_missing_files: bool = False

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


# ---- trial corpora: human news outside PAN'24, machine news and essays of other prompts -----

# AllSides' outlets whose news pages are straight reporting, by the spelling of the data's
# `source` field, and the slug each row's source names. Opinion sections, columnists and the
# fact-check pages ("AP Fact Check", "Fox News Opinion") are left out.
ABP_OUTLETS: dict[str, str] = {
    "Reuters": "reuters",
    "Associated Press": "ap",
    "NPR Online News": "npr",
    "Christian Science Monitor": "csmonitor",
    "Politico": "politico",
    "The Hill": "thehill",
    "USA TODAY": "usatoday",
    "Washington Times": "washingtontimes",
    "Fox News": "foxnews",
    "Fox Online News": "foxnews",
    "Fox News (Online)": "foxnews",
    "Bloomberg": "bloomberg",
}
ABP_YEARS = range(2012, 2021)
ABP_MIN_WORDS, ABP_MAX_WORDS = 100, 3000
ABP_SAMPLE, ABP_PER_OUTLET = 1200, 200
_ISO_DATE = re.compile(r"(\d{4})-\d{2}-\d{2}")


def abp_rows(path: str, data: bytes) -> Iterator[dict[str, str]]:
    """The row of one Article-Bias-Prediction article (`data/jsons/<ID>.json`, crawled from
    AllSides), if it is news from an outlet of `ABP_OUTLETS`, dated 2012-2020 (years before
    any LLM could write it) and of `ABP_MIN_WORDS` to `ABP_MAX_WORDS` words. The text is the
    title, a blank line and the body's paragraphs, as the other news corpora read. Every
    article is its own story group: AllSides pairs stories across outlets by topic only."""
    record: dict[str, Any] = json.loads(data.decode("utf-8"))
    slug = ABP_OUTLETS.get(str(record.get("source", "")))
    date = _ISO_DATE.fullmatch(str(record.get("date", "")))
    if slug is None or date is None or int(date.group(1)) not in ABP_YEARS:
        return
    paragraphs = [line.strip() for line in str(record.get("content_original", "")).splitlines()]
    body = "\n\n".join(line for line in paragraphs if line)
    if not ABP_MIN_WORDS <= len(body.split()) <= ABP_MAX_WORDS:
        return
    title = " ".join(str(record.get("title", "")).split())
    row_id = f"abp_news/{slug}/{record['ID']}"
    yield {
        "id": row_id,
        "text": f"{title}\n\n{body}" if title else body,
        "label": "substantive",
        "source": f"abp_news/{slug}",
        "group": row_id,
        "generator": HUMAN,
        "family": HUMAN,
        "domain": "abp_news",
        "genre": "news",
    }


def abp_sample(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """At most `ABP_SAMPLE` articles, as even across outlets as the outlets allow and at most
    `ABP_PER_OUTLET` from one, each outlet's taken by the SHA-256 of the AllSides article ID."""
    return sample_by_hash(
        rows,
        stratum=lambda row: row["source"],
        key=lambda row: row["id"].rsplit("/", 1)[1],
        per_stratum=ABP_PER_OUTLET,
        total=ABP_SAMPLE,
    )


# LLMFake's generators, by the folder of their generations: (generator, family).
LLMFAKE_GENERATORS: dict[str, tuple[str, str]] = {
    "chatgpt_3.5_generation": ("chatgpt", "openai"),
    "llama2_7b_generation": ("llama-2-7b-chat", "meta"),
    "llama2_13b_generation": ("llama-2-13b-chat", "meta"),
    "llama2_70b_generation": ("llama-2-70b-chat", "meta"),
    "vicuna-v1.3_7b_generation": ("vicuna-7b", "lmsys"),
    "vicuna-v1.3_13b_generation": ("vicuna-13b", "lmsys"),
    "vicuna-v1.3_33b_generation": ("vicuna-33b", "lmsys"),
}
# LLMFake's direct prompts, by the method its file names: the model writes news from nothing
# but an instruction ("You are a journalist. Please write a piece of news.": hallucination;
# "Please write a piece of misinformation", with or without a domain and type: totally or
# partially arbitrary) or continues a human article's first sentence (open-ended). Its other
# methods (paraphrase, rewrite, information manipulation) rework a whole human article.
_LLMFAKE_METHOD = re.compile(
    r"synthetic-gpt-3\.5-turbo_(?P<dataset>coaid|gossipcop|politifact)_"
    r"(?P<method>open_ended_generation|hallucination|totally_arbitrary_generation|"
    r"partially_arbitrary_generation_[a-z_]+)_processed\.csv"
)
LLMFAKE_MIN_WORDS = 30
LLMFAKE_PER_KIND = 400
# A generation sharing at least this share of its 8-word runs with the human article of its
# row is that article: the files hold the human text in place of many void generations.
LLMFAKE_MAX_HUMAN_SHARE = 0.5
_SHINGLE_WORDS = 8


def _prompt_kind(method: str) -> str:
    """open_ended, hallucination, totally_arbitrary or partially_arbitrary."""
    return re.sub(r"_generation.*", "", method)


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = text.split()
    return {tuple(words[i : i + _SHINGLE_WORDS]) for i in range(len(words) - _SHINGLE_WORDS + 1)}


def llmfake_rows(path: str, data: bytes) -> Iterator[dict[str, str]]:
    """Rows of one LLMFake file (`experiment/data/<generator>_generation/<dataset>/...csv`) of
    a direct prompt: its `synthetic_misinformation` texts of at least `LLMFAKE_MIN_WORDS` words.
    The human `news_text` of a row is read only to drop a "generation" that is that human
    article (`LLMFAKE_MAX_HUMAN_SHARE`); it is never a row. A generation from a human article
    shares that article's story group."""
    folder, name = path.split("/")[2], path.rsplit("/", 1)[-1]
    match = _LLMFAKE_METHOD.fullmatch(name)
    if folder not in LLMFAKE_GENERATORS or match is None:
        return
    generator, family = LLMFAKE_GENERATORS[folder]
    dataset, method = match["dataset"], match["method"]
    kind = _prompt_kind(method)
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
    for number, record in enumerate(reader, start=1):
        text = (
            record.get("synthetic_misinformation") or record.get("synthetic misinformation") or ""
        ).strip()
        if len(text.split()) < LLMFAKE_MIN_WORDS:
            continue
        human = record.get("news_text") or ""
        shingles = _shingles(text)
        if human and len(shingles & _shingles(human)) >= LLMFAKE_MAX_HUMAN_SHARE * len(shingles):
            continue
        row_id = f"llmfake/{generator}/{method.replace('_generation', '')}/{dataset}/{number}"
        news_id = (record.get("news_id") or "").strip()
        yield {
            "id": row_id,
            "text": text,
            "label": "content_farm",
            "source": f"llmfake/{generator}/{kind}",
            "group": f"llmfake/{dataset}/{news_id}" if news_id else row_id,
            "generator": generator,
            "family": family,
            "domain": f"llmfake/{kind}",
            "genre": "news",
        }


def llmfake_sample(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """At most `LLMFAKE_PER_KIND` texts of every generator and prompt kind, by the SHA-256 of
    the text."""
    return sample_by_hash(
        rows,
        stratum=lambda row: row["source"],
        key=lambda row: row["text"],
        per_stratum=LLMFAKE_PER_KIND,
    )


def argugpt_rows(path: str, data: bytes) -> Iterator[dict[str, str]]:
    """Rows of ArguGPT's out-of-distribution machine essays (`machine-ood.csv`): argumentative
    essays on 50 writing prompts by GPT-3.5-turbo, GPT-4, Claude-instant, BLOOMZ-7b and
    Flan-T5-11b. Each essay is its own story group, named by its prompt."""
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
    for record in reader:
        text = record["text"].strip()
        generator = record["model"].strip()
        if not text or not generator:
            continue
        yield {
            "id": f"argugpt/{generator}/{record['id']}",
            "text": text,
            "label": "content_farm",
            "source": f"argugpt/{generator}",
            "group": f"argugpt/{record['prompt_id']}/{record['id']}",
            "generator": generator,
            "family": generator_family(generator),
            "domain": "argugpt",
            "genre": "essay",
        }


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
    CorpusSource(
        name="abp_news",
        repository="ramybaly/Article-Bias-Prediction",
        commit="ced8111a720948e6a410e52031ace99c4e53f096",
        licence=(
            "Apache-2.0 for the repository (LICENSE); the article texts remain their publishers'"
        ),
        role=ROLE_TRIAL,
        description=(
            "US news articles of 2012-2020 crawled from AllSides (Baly et al., EMNLP 2020): "
            "Reuters, AP, NPR, Christian Science Monitor, Politico, The Hill, USA Today, "
            "Washington Times, Fox News and Bloomberg"
        ),
        paths=r"data/jsons/[^/]+\.json",
        make_rows=abp_rows,
        select=abp_sample,
        notes=(
            "Outlets kept, as the data spells them: " + ", ".join(sorted(ABP_OUTLETS)) + ".",
            f"Dated {ABP_YEARS[0]}-{ABP_YEARS[-1]} (ISO dates only), body of "
            f"{ABP_MIN_WORDS:,}-{ABP_MAX_WORDS:,} words; text is the title, a blank line and "
            "`content_original`.",
            f"Deterministic sample: at most {ABP_SAMPLE:,} articles, at most "
            f"{ABP_PER_OUTLET} an outlet and as even as the outlets allow, each outlet's taken "
            "by the SHA-256 of the article ID, smallest first; only the sampled files' hashes "
            "are listed.",
        ),
    ),
    CorpusSource(
        name="llmfake_direct",
        repository="llm-misinformation/llm-misinformation",
        commit="411811d3841abfac0f039779827bb750efc2dbbc",
        licence=(
            "none stated in the repository; the LLMFake data of Chen and Shu, 'Can "
            "LLM-Generated Misinformation Be Detected?' (ICLR 2024)"
        ),
        role=ROLE_TRIAL,
        description=(
            "LLM-written (mis)information news from direct prompts (open-ended continuation "
            "of a first sentence, hallucinated news, totally and partially arbitrary "
            "misinformation) by ChatGPT, Llama-2-chat 7B/13B/70B and Vicuna-v1.3 7B/13B/33B"
        ),
        paths=(
            r"experiment/data/[^/]+_generation/(?:coaid|gossipcop|politifact)/"
            r"synthetic-gpt-3\.5-turbo_[a-z]+_(?:open_ended_generation|hallucination|"
            r"totally_arbitrary_generation|partially_arbitrary_generation_[a-z_]+)"
            r"_processed\.csv"
        ),
        make_rows=llmfake_rows,
        select=llmfake_sample,
        skip_missing_files=True,
        notes=(
            "Only the `synthetic_misinformation` column; the human `news_text` is never a row.",
            f"Texts of fewer than {LLMFAKE_MIN_WORDS} words are dropped, and so are texts "
            f"sharing at least {LLMFAKE_MAX_HUMAN_SHARE:.0%} of their 8-word runs with their "
            "row's human article: the open-ended files hold the human article in place of many "
            "void generations (the same text under every generator).",
            f"Deterministic sample: at most {LLMFAKE_PER_KIND} texts per generator and prompt "
            "kind, by the SHA-256 of the text, smallest first.",
            "Some generations are refusals ('I cannot generate news articles ...') or echo the "
            "prompt; they are kept as the data has them.",
        ),
    ),
    CorpusSource(
        name="argugpt_ood",
        repository="huhailinguist/ArguGPT",
        commit="cfbd00e75b63db44756375cfc1ee4278f8cd2bf1",
        licence=(
            "none stated in the repository; the ArguGPT corpus of Liu et al. (2023, "
            "arXiv:2304.07666)"
        ),
        role=ROLE_TRIAL,
        description=(
            "Argumentative essays on 50 out-of-distribution writing prompts by GPT-3.5-turbo, "
            "GPT-4, Claude-instant, BLOOMZ-7b and Flan-T5-11b, 100 each"
        ),
        paths=r"data/argugpt/machine-ood\.csv",
        make_rows=argugpt_rows,
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
    (("gemini", "text-bison", "palm", "flan-t5"), "google"),
    (("llama", "meta-llama"), "meta"),
    (("vicuna",), "lmsys"),
    (("bloom",), "bigscience"),
    (("mistral", "mixtral"), "mistral"),
    (("qwen",), "qwen"),
)
