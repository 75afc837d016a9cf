"""Verdict trials: what a user would try on farmscore, on texts and sources never trained on.

Each trial is a table of texts with what a sound verdict would say of them:

- `tells`: human news articles (a corpus never trained on) once as they are and once with
  one tell added, in phrasings written apart from every detector and never trained on; and
  with a chatbot's line quoted as reported speech, which must not be flagged;
- `leaked_openings`: machine texts written by direct prompts, whose openings a person marked
  as leaked chat lines (a hand-over, a label, the prompt, a refusal) or not;
- `polished` and `spun`: long machine news written from the key points of a human article
  (PAN'24, story groups held out of training), split by `polished_rule` and `spun_rule`;
  `polished_unattributed` keeps its source's numbers and names, but its source names no
  speaker, so nothing in it is sourced;
- `pages`, `structured` and `long_human`: real human pages, human how-tos and docs, and
  long human articles, none of which should be flagged.

Texts are placed deterministically from a seed, so a trial is the same for every model it
compares.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from farmscore.features.extractor import normalise_typography
from farmscore.features.specificity import checkable_items
from farmscore.features.text import AnalyzedText
from farmscore.training.corpora import load_repository_corpora
from farmscore.training.splits import is_test_group
from farmscore.words import count_words

# Where each kind of tell goes in an article: before it, after it, in the middle of its body,
# or at a place drawn from the seed (top, middle or end).
TOP, END, MIDDLE, ANYWHERE = "top", "end", "middle", "anywhere"
TELL_PLACES = {
    "preamble": TOP,
    "signoff": END,
    "ai_disclaimer": ANYWHERE,
    "format_note": ANYWHERE,
    "placeholder": ANYWHERE,
    "role_marker": TOP,
    "prompt_echo": TOP,
    "promo": MIDDLE,
}
REPORTED_SPEECH = "reported_speech_chatbot"
PASTED_TWICE = "pasted_twice"
AS_IS = "as_is"
# Long: what a content farm publishes.
LONG_WORDS = 300
# The trial corpora (`training/corpora/`, role "trial") and the files of the trials' own data.
HUMAN_NEWS_CORPUS = "abp_news"
LEAKED_OPENING_CORPORA = ("llmfake_direct", "argugpt_ood")
PAIRED_CORPUS = "pan24_news"
TRIALS_DIR = Path(__file__).resolve().parents[3] / "training" / "trials"
HELD_OUT_TELLS = TRIALS_DIR / "tells_heldout.json"
LEAK_LABELS = TRIALS_DIR / "leak_labels.jsonl.gz"

_SENTENCE_BREAK = re.compile(r"(?<=[.!?\"”])\s+(?=[A-Z“\"])")


@dataclass(frozen=True, slots=True)
class TrialText:
    """One text of a trial and what a sound verdict says of it."""

    trial: str
    kind: str
    id: str
    text: str
    should_flag: bool
    generator: str = ""
    family: str = ""


def trial_frame(texts: Iterable[TrialText]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "trial": t.trial,
                "kind": t.kind,
                "id": t.id,
                "text": t.text,
                "should_flag": t.should_flag,
                "generator": t.generator,
                "family": t.family,
            }
            for t in texts
        ]
    )


# ---- tells in human articles ------------------------------------------------------------------


def human_articles(corpora: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """`n` articles of the human news trial corpus, drawn with `seed`."""
    news = corpora[corpora["corpus"] == HUMAN_NEWS_CORPUS]
    return news.sample(min(n, len(news)), random_state=seed).reset_index(drop=True)


def _blocks(text: str) -> list[str]:
    """An article's paragraphs; an article of one or two paragraphs is cut into sentences so
    that a line can be spliced into its body."""
    blocks = [block for block in re.split(r"\n\s*\n", text) if block.strip()]
    if len(blocks) < 3:
        blocks = [part for part in _SENTENCE_BREAK.split(text) if part.strip()]
    return blocks


def _middle(blocks: Sequence[str]) -> int:
    """The block boundary nearest the middle word of the body."""
    counts = [len(block.split()) for block in blocks]
    half, running = sum(counts) / 2, 0
    for index, count in enumerate(counts):
        running += count
        if running >= half:
            return max(1, min(index + 1, len(blocks) - 1))
    return max(1, len(blocks) // 2)


def place(text: str, line: str, where: str, rng: np.random.Generator) -> str:
    """`text` with `line` added as a paragraph of its own at `where`."""
    if where == ANYWHERE:
        where = (TOP, MIDDLE, END)[int(rng.integers(3))]
    if where == TOP:
        return f"{line}\n\n{text}"
    if where == END:
        return f"{text.rstrip()}\n\n{line}"
    blocks = _blocks(text)
    at = _middle(blocks)
    return "\n\n".join([*blocks[:at], line, *blocks[at:]])


def tell_trials(
    articles: pd.DataFrame, phrasings: dict[str, list[str]], seed: int
) -> list[TrialText]:
    """Every article as it is, then with each kind of tell (one phrasing each, drawn in turn
    from a shuffled list), with its body pasted twice, and with a chatbot line quoted as
    reported speech."""
    rng = np.random.default_rng(seed)
    texts = [
        TrialText("tells", AS_IS, str(row.id), str(row.text), False)
        for row in articles.itertuples()
    ]
    for kind, lines in phrasings.items():
        order = rng.permutation(len(lines))
        reported = kind == REPORTED_SPEECH
        where = MIDDLE if reported else TELL_PLACES[kind]
        for number, row in enumerate(articles.itertuples()):
            line = lines[int(order[number % len(lines)])]
            texts.append(
                TrialText(
                    "tells",
                    kind,
                    f"{row.id}/{kind}",
                    place(str(row.text), line, where, rng),
                    not reported,
                )
            )
    for row in articles.itertuples():
        body = str(row.text).strip()
        texts.append(
            TrialText("tells", PASTED_TWICE, f"{row.id}/{PASTED_TWICE}", f"{body}\n\n{body}", True)
        )
    return texts


def read_phrasings(path: Path = HELD_OUT_TELLS) -> dict[str, list[str]]:
    """The held-out tell phrasings: kind -> lines."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {str(kind): [str(line) for line in lines] for kind, lines in raw.items()}


# ---- leaked openings ----------------------------------------------------------------------------


def leaked_opening_trials(
    corpora: pd.DataFrame, labels_path: Path = LEAK_LABELS
) -> list[TrialText]:
    """Machine texts of direct prompts, with the category a person gave their opening
    ("none" when it opens with the piece itself)."""
    labels = {}
    with gzip.open(labels_path, "rt", encoding="utf-8") as lines:
        content = lines.read()
    for line in content.splitlines():
        if line.strip():
            record = json.loads(line)
            labels[str(record["id"])] = str(record["category"])
    rows = corpora[corpora["corpus"].isin(LEAKED_OPENING_CORPORA)]
    return [
        TrialText(
            "leaked_openings",
            labels[str(row.id)],
            str(row.id),
            str(row.text),
            True,
            str(row.generator),
            str(row.family),
        )
        for row in rows.itertuples()
        if str(row.id) in labels
    ]


# ---- machine-polished reporting and spun articles ---------------------------------------------


@dataclass(frozen=True, slots=True)
class _Items:
    """The checkable items of a text that the slice rules compare."""

    numbers: frozenset[str]
    names: frozenset[str]
    speakers: frozenset[str]
    sourced: bool
    n_words: int


def _items(text: str) -> _Items:
    doc = AnalyzedText(normalise_typography(text))
    items = checkable_items(doc)

    def normal(spans: Iterable[tuple[int, int]], keep: str = r"[^\w]") -> frozenset[str]:
        return frozenset(
            re.sub(keep, "", " ".join(doc.text[a:b].lower().split())) for a, b in spans
        )

    return _Items(
        numbers=normal(items.numbers),
        names=normal(items.full_names, r"[^\w ]"),
        speakers=normal(items.named_speakers, r"[^\w ]"),
        sourced=bool(items.named_speaker_quotes or items.named_speakers or items.named_sources),
        n_words=doc.n_words,
    )


def _share(source: frozenset[str], kept: frozenset[str]) -> float:
    return len(source & kept) / len(source) if source else 1.0


def polished_rule(source: _Items, rewrite: _Items) -> bool:
    """A long machine rewrite that keeps its human source's reporting, as the issue words it
    ("most of the source's numbers, named people and quoted speech survive with
    attribution"): the source has at least two numbers, two full names and one named speaker;
    the rewrite keeps at least half of each, and attributes words to at least half of the
    source's named speakers by name."""
    return keeps_numbers_and_names(source, rewrite) and bool(source.speakers)


def keeps_numbers_and_names(source: _Items, rewrite: _Items) -> bool:
    """The polished rule without its named speakers: a long rewrite keeping at least half of
    its source's numbers and full names (two of each at least), and half of its named
    speakers when it has any. The pairs whose source names no speaker are reported apart
    (`polished_unattributed`): nothing in them is sourced for the substance axis to weigh."""
    return (
        rewrite.n_words >= LONG_WORDS
        and len(source.numbers) >= 2
        and len(source.names) >= 2
        and _share(source.numbers, rewrite.numbers) >= 0.5
        and _share(source.names, rewrite.names) >= 0.5
        and _share(source.speakers, rewrite.speakers) >= 0.5
    )


def spun_rule(rewrite: _Items) -> bool:
    """A long machine article with no sourcing: no quote with a named speaker, no name a
    speech verb attributes words to, no named source."""
    return rewrite.n_words >= LONG_WORDS and not rewrite.sourced


def paired_trials(corpora: pd.DataFrame) -> list[TrialText]:
    """Machine news of held-out story groups, written from the key points of their human
    article: the polished ones (`polished_rule`), those that keep their source's numbers and
    names from a source that names no speaker (`polished_unattributed`), and the spun ones
    (`spun_rule`)."""
    rows = corpora[(corpora["corpus"] == PAIRED_CORPUS) & corpora["group"].map(is_test_group)]
    texts: list[TrialText] = []
    for _, story in rows.groupby("group", sort=True):
        humans = story[story["label"] == 0]
        if len(humans) != 1:
            continue
        source = _items(str(humans["text"].iloc[0]))
        for row in story[story["label"] == 1].itertuples():
            rewrite = _items(str(row.text))
            if polished_rule(source, rewrite):
                kind = "polished"
            elif keeps_numbers_and_names(source, rewrite):
                kind = "polished_unattributed"
            elif spun_rule(rewrite):
                kind = "spun"
            else:
                continue
            texts.append(
                TrialText(
                    kind,
                    kind,
                    str(row.id),
                    str(row.text),
                    kind == "spun",
                    str(row.generator),
                    str(row.family),
                )
            )
    return texts


# ---- human texts that must stay substantive ---------------------------------------------------


def human_trials(
    corpora: pd.DataFrame, pages: Sequence[tuple[str, str]], long_articles: int, seed: int
) -> list[TrialText]:
    """The real HTML pages, the structured writing of corpora never trained on, and long
    human news articles of the trial corpus."""
    texts = [TrialText("pages", "pages", name, text, False) for name, text in pages]
    structured = corpora[corpora["role"] == "evaluation"]
    texts += [
        TrialText("structured", str(row.corpus), str(row.id), str(row.text), False)
        for row in structured.itertuples()
    ]
    news = corpora[corpora["corpus"] == HUMAN_NEWS_CORPUS]
    long = news[news["text"].map(lambda t: count_words(str(t)) >= LONG_WORDS)]
    long = long.sample(min(long_articles, len(long)), random_state=seed + 1)
    texts += [
        TrialText("long_human", str(row.corpus), str(row.id), str(row.text), False)
        for row in long.itertuples()
    ]
    return texts


def all_trials(
    pages: Sequence[tuple[str, str]],
    corpora_dir: Path,
    n_articles: int = 400,
    long_articles: int = 800,
    seed: int = 2026,
) -> pd.DataFrame:
    """Every trial, as one table of texts (see the module's description)."""
    corpora = load_repository_corpora(corpora_dir)
    articles = human_articles(corpora, n_articles, seed)
    texts = [
        *tell_trials(articles, read_phrasings(), seed),
        *leaked_opening_trials(corpora),
        *paired_trials(corpora),
        *human_trials(corpora, pages, long_articles, seed),
    ]
    return trial_frame(texts)
