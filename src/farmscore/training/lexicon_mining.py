"""Measure candidate phrases on the training corpora and build the filler lexicon.

Only training rows are read (`not is_test_group(group)`), so the evaluation split never shapes
the lexicon. Weights come from per-word rates, not per-document counts: the human side holds
long pre-2022 articles and the machine side short rewrites, so a count per document would
mostly measure length.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from farmscore.features.lexicon import (
    CANDIDATES_RESOURCE,
    Candidate,
    LexiconEntry,
    LogOdds,
    PhraseMatcher,
    dirichlet_log_odds,
    entry_weight,
    normalized_words,
    parse_candidates,
    read_package_text,
)
from farmscore.features.text import AnalyzedText
from farmscore.training.splits import TEST_FRACTION_DENOMINATOR, is_test_group

HUMAN_LABEL = "substantive"
MACHINE_LABEL = "content_farm"

# Short words with a grammatical job and no topic. Mined n-grams may use only these, so a
# mined phrase can describe how a text is written but never what it is about.
_FUNCTION_WORDS_TEXT = """
    a an the this that these those it its it's they them their there here we our us you
    your i me my he him his she her who whom whose which what when where why how
    of in on at by for with from to into onto over under about above below between through
    during before after since until upon within without against among across along around
    beyond toward towards via per as than like unlike
    and or but nor so yet both either neither not no only also just even too very more most
    less least much many such own same other another each every all any some few several
    is are was were be been being am has have had having do does did doing done
    can could may might must shall should will would
    if then because while whether though although unless once
    one ones can't don't doesn't isn't aren't wasn't weren't won't wouldn't couldn't
    shouldn't didn't hasn't haven't hadn't there's that's what's who's let's
    well still already always never often now then thus
"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())


@dataclass(frozen=True, slots=True)
class MiningSettings:
    """How phrases are weighed. Each value is recorded in the lexicon file's header."""

    # Pseudo-words of prior added to each class, at the balanced background rate of the
    # phrase: small against the ~1.5M training words of the smaller class, so it steadies
    # rare phrases without flattening common ones.
    prior_words: float = 100_000.0
    # A phrase is evidence only when the overall comparison reaches this z (two-sided 5%).
    z_min: float = 1.96
    # No single phrase may count for more than this log-odds (x20).
    weight_cap: float = 3.0
    # Mining of new function-word n-grams (2-4 tokens).
    mine_ngrams: bool = True
    mined_max: int = 40
    mined_z_min: float = 4.0
    # A mined n-gram must be at least twice as likely in machine text: weaker ones such as
    # "with a" are real but would read as noise in a list of reasons.
    mined_min_weight: float = 0.693
    mined_min_count_machine: int = 50
    # Machine text from at least this many corpus domains must use a mined phrase, so that
    # no single domain's habit (or topic) enters the lexicon.
    mined_min_domains: int = 10


@dataclass(frozen=True, slots=True)
class CorpusRow:
    """One training text: its words counted later, its class and where it came from."""

    text: str
    is_machine: bool
    group: str
    domain: str


@dataclass(frozen=True, slots=True)
class CorpusFile:
    """Provenance of one corpus file: name, SHA-256, rows in it and training rows used."""

    file: str
    sha256: str
    rows: int
    rows_used: int


def source_domain(source: str) -> str:
    """The corpus domain of a row's source: the source without its writer, e.g.
    'l2r/Business/GPT-4o' -> 'l2r/Business', 'bbc' -> 'bbc'."""
    head, _, _ = source.rpartition("/")
    return head or source


def read_training_rows(path: Path) -> tuple[list[CorpusRow], CorpusFile]:
    """The training-split rows of one JSONL corpus file and the file's provenance."""
    data = path.read_bytes()
    rows: list[CorpusRow] = []
    n_rows = 0
    # Split on "\n" only: str.splitlines also splits on U+2028, which JSON strings may hold.
    for line_no, line in enumerate(data.decode("utf-8").split("\n"), start=1):
        if not line.strip():
            continue
        n_rows += 1
        try:
            raw = json.loads(line)
            text, label, group = raw["text"], raw["label"], raw["group"]
            source = raw.get("source", "")
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(
                f"{path}:{line_no}: expected JSON with text, label and group ({exc!r})"
            ) from exc
        if label not in (HUMAN_LABEL, MACHINE_LABEL):
            raise ValueError(
                f"{path}:{line_no}: label {label!r} is neither {HUMAN_LABEL!r} nor "
                f"{MACHINE_LABEL!r}"
            )
        if is_test_group(str(group)):
            continue
        rows.append(
            CorpusRow(str(text), label == MACHINE_LABEL, str(group), source_domain(str(source)))
        )
    info = CorpusFile(path.name, hashlib.sha256(data).hexdigest(), n_rows, len(rows))
    return rows, info


def paired_groups(rows: Iterable[CorpusRow]) -> frozenset[str]:
    """Story groups with both a human and a machine text: comparing within them holds the
    topic fixed, so what differs is how the text is written."""
    seen: dict[str, set[bool]] = {}
    for row in rows:
        seen.setdefault(row.group, set()).add(row.is_machine)
    return frozenset(g for g, kinds in seen.items() if len(kinds) == 2)


@dataclass(slots=True)
class Tally:
    """Words, documents, occurrences and document frequencies of phrases in one class."""

    words: int = 0
    docs: int = 0
    counts: Counter[tuple[str, ...]] = field(default_factory=Counter)
    docfreq: Counter[tuple[str, ...]] = field(default_factory=Counter)


@dataclass(slots=True)
class PhraseCounts:
    """Tallies of phrases over the training rows, overall and within paired stories."""

    human: Tally = field(default_factory=Tally)
    machine: Tally = field(default_factory=Tally)
    human_paired: Tally = field(default_factory=Tally)
    machine_paired: Tally = field(default_factory=Tally)
    domains_machine: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    machine_domain_names: set[str] = field(default_factory=set)

    def tallies(self, row: CorpusRow, paired: frozenset[str]) -> list[Tally]:
        """The tallies a row adds to."""
        out = [self.machine if row.is_machine else self.human]
        if row.group in paired:
            out.append(self.machine_paired if row.is_machine else self.human_paired)
        return out


def count_phrases(
    rows: Iterable[CorpusRow], candidates: Sequence[Candidate], paired: frozenset[str]
) -> PhraseCounts:
    """Occurrences (overlaps included), documents and machine domains of each candidate."""
    matcher = PhraseMatcher(candidates)
    counts = PhraseCounts()
    for row in rows:
        words = normalized_words(AnalyzedText(row.text))
        found: Counter[tuple[str, ...]] = Counter(
            tuple(words[i : i + n]) for i, n, _ in matcher.all_matches(words)
        )
        for tally in counts.tallies(row, paired):
            tally.words += len(words)
            tally.docs += 1
            tally.counts.update(found)
            tally.docfreq.update(found.keys())
        if row.is_machine:
            counts.machine_domain_names.add(row.domain)
            for key in found:
                counts.domains_machine.setdefault(key, set()).add(row.domain)
    return counts


def compare(
    count_machine: int, words_machine: int, count_human: int, words_human: int, prior_words: float
) -> LogOdds:
    """Machine-versus-human log-odds of a phrase, with a prior at its balanced background
    rate (the mean of the two class rates, so the larger class does not set the prior)."""
    rate_machine = count_machine / words_machine if words_machine else 0.0
    rate_human = count_human / words_human if words_human else 0.0
    background = (rate_machine + rate_human) / 2
    if background == 0.0:
        return LogOdds(0.0, 0.0)
    return dirichlet_log_odds(
        count_machine,
        words_machine,
        count_human,
        words_human,
        prior_count=prior_words * background,
        prior_total=prior_words,
    )


def _round(value: float, digits: int = 4) -> float:
    return float(round(value, digits))


def _per_1k(count: int, words: int) -> float:
    return float(f"{1000.0 * count / words:.4g}") if words else 0.0


def measure(
    candidates: Sequence[Candidate], counts: PhraseCounts, settings: MiningSettings
) -> list[LexiconEntry]:
    """A lexicon entry with figures and weight for every candidate."""
    human, machine = counts.human, counts.machine
    human_p, machine_p = counts.human_paired, counts.machine_paired
    entries: list[LexiconEntry] = []
    for cand in candidates:
        key = cand.tokens
        overall = compare(
            machine.counts[key], machine.words, human.counts[key], human.words, settings.prior_words
        )
        paired = compare(
            machine_p.counts[key],
            machine_p.words,
            human_p.counts[key],
            human_p.words,
            settings.prior_words,
        )
        weight = entry_weight(overall, paired, settings.z_min, settings.weight_cap)
        entries.append(
            LexiconEntry(
                phrase=cand.phrase,
                category=cand.category,
                origin=cand.origin,
                count_human=human.counts[key],
                count_machine=machine.counts[key],
                rate_human_per_1k=_per_1k(human.counts[key], human.words),
                rate_machine_per_1k=_per_1k(machine.counts[key], machine.words),
                docfreq_human=human.docfreq[key],
                docfreq_machine=machine.docfreq[key],
                domains_machine=len(counts.domains_machine.get(key, ())),
                log_odds=_round(overall.log_odds),
                z=_round(overall.z, 2),
                log_odds_paired=_round(paired.log_odds),
                z_paired=_round(paired.z, 2),
                weight=_round(weight),
            )
        )
    return entries


def _function_runs(words: Sequence[str], max_n: int) -> Iterable[tuple[str, ...]]:
    """Every 2..max_n token n-gram made only of function words."""
    run = 0
    for i, word in enumerate(words):
        run = run + 1 if word in FUNCTION_WORDS else 0
        for n in range(2, min(run, max_n) + 1):
            yield tuple(words[i - n + 1 : i + 1])


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    k = len(shorter)
    return any(longer[i : i + k] == shorter for i in range(len(longer) - k + 1))


def mine_function_ngrams(
    rows: Sequence[CorpusRow],
    paired: frozenset[str],
    exclude: Iterable[tuple[str, ...]],
    settings: MiningSettings,
) -> list[Candidate]:
    """New candidates: function-word n-grams (2-4 tokens) that machine text uses more than
    human text, both overall and within paired stories, ranked by the smaller z. A phrase
    overlapping one already chosen (one contains the other) is skipped. The domain-spread
    check needs document-level counts, so it is applied later by `select_mined`."""
    human: Counter[tuple[str, ...]] = Counter()
    machine: Counter[tuple[str, ...]] = Counter()
    human_p: Counter[tuple[str, ...]] = Counter()
    machine_p: Counter[tuple[str, ...]] = Counter()
    words_total = [0, 0, 0, 0]
    for row in rows:
        words = normalized_words(AnalyzedText(row.text))
        grams = Counter(_function_runs(words, 4))
        is_paired = row.group in paired
        if row.is_machine:
            machine.update(grams)
            words_total[1] += len(words)
            if is_paired:
                machine_p.update(grams)
                words_total[3] += len(words)
        else:
            human.update(grams)
            words_total[0] += len(words)
            if is_paired:
                human_p.update(grams)
                words_total[2] += len(words)
    excluded = set(exclude)
    scored: list[tuple[float, tuple[str, ...]]] = []
    for gram, count_m in machine.items():
        if count_m < settings.mined_min_count_machine or gram in excluded:
            continue
        overall = compare(
            count_m, words_total[1], human[gram], words_total[0], settings.prior_words
        )
        within = compare(
            machine_p[gram], words_total[3], human_p[gram], words_total[2], settings.prior_words
        )
        z = min(overall.z, within.z)
        if z >= settings.mined_z_min:
            scored.append((z, gram))
    scored.sort(key=lambda item: (-item[0], item[1]))
    chosen: list[tuple[str, ...]] = []
    for _, gram in scored:
        if any(_contains(gram, c) or _contains(c, gram) for c in chosen):
            continue
        chosen.append(gram)
        # Twice the final budget: some will fail the domain check.
        if len(chosen) >= 2 * settings.mined_max:
            break
    return [Candidate(" ".join(g), "mined", "mined") for g in chosen]


def select_mined(entries: Sequence[LexiconEntry], settings: MiningSettings) -> list[LexiconEntry]:
    """Curated entries, plus the mined ones that are weighted and spread over enough machine
    domains, best first, at most `mined_max`."""
    curated = [e for e in entries if e.origin == "curated"]
    mined = [
        e
        for e in entries
        if e.origin == "mined"
        and e.weight >= settings.mined_min_weight
        and e.domains_machine >= settings.mined_min_domains
    ]
    mined.sort(key=lambda e: (-min(e.z, e.z_paired), e.phrase))
    return curated + mined[: settings.mined_max]


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_lexicon(
    corpus_paths: Sequence[Path],
    settings: MiningSettings,
    lexicon_version: str,
    created: str,
) -> tuple[dict[str, Any], list[LexiconEntry]]:
    """Measure the package's candidates (and, if enabled, mined n-grams) on the training rows
    of `corpus_paths`; returns the lexicon header and entries ready for `lexicon_to_json`."""
    candidates_text = read_package_text(CANDIDATES_RESOURCE)
    candidates = list(parse_candidates(candidates_text, CANDIDATES_RESOURCE))
    rows: list[CorpusRow] = []
    files: list[CorpusFile] = []
    for path in sorted(corpus_paths):
        file_rows, info = read_training_rows(path)
        rows.extend(file_rows)
        files.append(info)
    paired = paired_groups(rows)
    if settings.mine_ngrams:
        candidates += mine_function_ngrams(rows, paired, (c.tokens for c in candidates), settings)
    counts = count_phrases(rows, candidates, paired)
    entries = measure(candidates, counts, settings)
    if settings.mine_ngrams:
        entries = select_mined(entries, settings)
    header: dict[str, Any] = {
        "lexicon_version": lexicon_version,
        "created": created,
        "description": (
            "Filler, hedge, transition, LLM-favoured and promotional phrases with their "
            "measured rates in human and machine training text. Phrases and counts only."
        ),
        "candidates": {"file": CANDIDATES_RESOURCE, "sha256": sha256_text(candidates_text)},
        "corpora": [
            {"file": f.file, "sha256": f.sha256, "rows": f.rows, "rows_used": f.rows_used}
            for f in files
        ],
        "split_rule": (
            "training rows only: not farmscore.training.splits.is_test_group(group), i.e. the "
            f"first 8 bytes of sha256(group) mod {TEST_FRACTION_DENOMINATOR} != 0"
        ),
        "matching": (
            "case-insensitive whole word tokens (AnalyzedText.words_lower, ’ folded to '); "
            "counts include overlapping phrases"
        ),
        "prior": {
            "kind": "informative Dirichlet (Monroe, Colaresi and Quinn 2008)",
            "prior_words": settings.prior_words,
            "background_rate": "mean of the human and machine per-word rates of the phrase",
        },
        "weight_rule": {
            "rule": (
                "min(log_odds, log_odds_paired, cap) when z >= z_min and log_odds_paired > 0, "
                "else 0; log-odds are natural logs of machine over human per-word odds"
            ),
            "z_min": settings.z_min,
            "cap": settings.weight_cap,
            "paired": "only story groups with both a human text and machine rewrites",
        },
        "mining": {
            "enabled": settings.mine_ngrams,
            "rule": (
                "2-4 token n-grams of function words only; z and z_paired >= mined_z_min; "
                "weight >= mined_min_weight; used by machine text in >= mined_min_domains "
                "domains; no overlap with another chosen n-gram"
            ),
            "mined_max": settings.mined_max,
            "mined_z_min": settings.mined_z_min,
            "mined_min_count_machine": settings.mined_min_count_machine,
            "mined_min_weight": settings.mined_min_weight,
            "mined_min_domains": settings.mined_min_domains,
            "machine_domains": len(counts.machine_domain_names),
        },
        "totals": {
            "words_human": counts.human.words,
            "words_machine": counts.machine.words,
            "docs_human": counts.human.docs,
            "docs_machine": counts.machine.docs,
            "words_human_paired": counts.human_paired.words,
            "words_machine_paired": counts.machine_paired.words,
            "docs_human_paired": counts.human_paired.docs,
            "docs_machine_paired": counts.machine_paired.docs,
        },
    }
    return header, entries
