"""The wording block: a linear model over word 1- and 2-grams whose log-odds the boosted trees
take as one more input, and whose n-grams explain that input with their spans.

The style features measure how a text is put together; they cannot see which words it
chooses. Machine prose favours its own stock of words and word pairs ("a testament", ", which
underscores", "it is crucial"), and a linear model over n-grams learns them from the training
rows instead of from a hand-made list.

Three choices keep it from learning topics and sources rather than wording:

- the vocabulary is the `VOCABULARY_SIZE` words found in most training documents, numbers
  left out; rarer words (names, places, subject terms) and every number become one token,
  `<w>`, so a 2-gram such as "in <w>" stays while "in Paris" or "in 2021" does not;
- dashes, slashes and typographic quotes are not tokens: corpora differ in typesetting;
- the block is fitted out of fold for the rows the trees learn from (`fit_out_of_fold`), so the
  trees see it as it behaves on texts it never saw.

Scoring needs only numpy: a text becomes integer keys (a word's id, or a pair of ids), whose
weights are looked up in sorted arrays.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice, repeat
from typing import Any

import numpy as np
from numpy.typing import NDArray

# The name of the column the block adds to the style features.
WORDING_FEATURE = "wording_machine_log_odds"
WORDING_TITLE = "Machine-like wording (words and word pairs)"
VOCABULARY_SIZE = 30_000
# An n-gram must occur in this many training documents to get a weight of its own.
MIN_DOCUMENT_FREQUENCY = 3
# Inverse regularisation strength of the logistic regression (scikit-learn's C).
REGULARISATION_C = 4.0
# Spans shown per n-gram.
SPANS_PER_NGRAM = 5

# A token is a run of characters up to whitespace, sentence punctuation or a separator
# (dashes, slashes, brackets, symbols), or one mark of sentence punctuation. A negated class is
# several times faster than Unicode word classes, and the block runs on every document.
_PUNCTUATION = '.,;:!?()"…'
_SEPARATORS = "-–—‒―/\\[]{}<>|*_#@&%$+=~^`•·«»‹›„‚¶§©®™°“”‘"
_TOKEN = re.compile(f"[^\\s{re.escape(_PUNCTUATION + _SEPARATORS)}]+|[{re.escape(_PUNCTUATION)}]")
_UNKNOWN = "<w>"


def wording_tokens(lowered: str) -> list[str]:
    """The tokens the block reads from a lowercased text whose typographic quotes were
    straightened (`farmscore.features.extractor.normalise_typography`): words, numbers and
    sentence punctuation; dashes, slashes and symbols only separate.

    >>> wording_tokens('it\\'s 2,024: a "testament" — or more!')
    ["it's", '2', ',', '024', ':', 'a', '"', 'testament', '"', 'or', 'more', '!']
    """
    return _TOKEN.findall(lowered)


def has_known_word(ngram: str) -> bool:
    """Whether an n-gram holds a word a reader can check: not only rare words (masked as
    `<w>`) and punctuation.

    >>> has_known_word("a testament"), has_known_word("<w> <w>"), has_known_word("!")
    (True, False, False)
    """
    return any(token != _UNKNOWN and token[0].isalpha() for token in ngram.split())


def tokens_of(text: str) -> list[str]:
    """`wording_tokens` of a raw text."""
    from farmscore.features.extractor import normalise_typography

    return wording_tokens(normalise_typography(text).lower())


@dataclass(frozen=True, slots=True)
class NgramWeight:
    """One n-gram of a text and how far it moved the block's log-odds (positive: machine),
    with the character spans of its first occurrences."""

    ngram: str
    contribution: float
    spans: tuple[tuple[int, int], ...]
    occurrences: int


class WordingVocabulary:
    """Word -> id for the most widespread training words; other words and numbers map to
    `<w>`."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = [_UNKNOWN, *(w for w in words if w != _UNKNOWN)]
        self.ids = {word: index for index, word in enumerate(self.words)}

    @classmethod
    def build(
        cls, token_lists: Iterable[Sequence[str]], size: int = VOCABULARY_SIZE
    ) -> WordingVocabulary:
        """The `size` words found in the most documents (ties by word), numbers excluded."""
        document_frequency: Counter[str] = Counter()
        for tokens in token_lists:
            document_frequency.update({t for t in tokens if not t[0].isdigit()})
        ranked = sorted(document_frequency.items(), key=lambda item: (-item[1], item[0]))
        return cls([word for word, _ in ranked[:size]])

    def keys(self, tokens: Sequence[str]) -> NDArray[np.int64]:
        """One integer per token's 1-gram (its id), then one per 2-gram starting at each
        token but the last (both ids, offset past the 1-grams)."""
        unknown = repeat(self.ids[_UNKNOWN])
        ids = np.fromiter(map(self.ids.get, tokens, unknown), dtype=np.int64, count=len(tokens))
        n = len(self.words)
        return np.concatenate([ids, n + ids[:-1] * n + ids[1:]])

    def ngram(self, key: int) -> str:
        n = len(self.words)
        if key < n:
            return self.words[key]
        first, second = divmod(key - n, n)
        return f"{self.words[first]} {self.words[second]}"


class WordingModel:
    """Logistic regression over tf-idf weighted word 1- and 2-grams (sublinear tf, smoothed
    idf, rows scaled to unit length: scikit-learn's `TfidfTransformer(sublinear_tf=True)`).

    Fitted attributes: `vocabulary_`, the sorted n-gram keys that have a weight (`keys_`),
    their idf (`idf_`) and coefficients (`coef_`), and `intercept_`.

    >>> model = WordingModel(min_document_frequency=1).fit(
    ...     ["It is a testament to resilience."] * 5 + ["The council voted 5-2 on Tuesday."] * 5,
    ...     np.array([1] * 5 + [0] * 5))
    >>> bool(model.decision_function(["A testament to resilience."])[0] > 0)
    True
    """

    def __init__(
        self,
        vocabulary_size: int = VOCABULARY_SIZE,
        min_document_frequency: int = MIN_DOCUMENT_FREQUENCY,
        C: float = REGULARISATION_C,
    ) -> None:
        self.vocabulary_size = vocabulary_size
        self.min_document_frequency = min_document_frequency
        self.C = C

    # ---- fitting --------------------------------------------------------------------------

    def fit(
        self,
        texts: Sequence[str],
        y: NDArray[np.int_],
        sample_weight: NDArray[np.float64] | None = None,
    ) -> WordingModel:
        counts = WordingCounts.of(texts, self)
        return self._fit_counts(counts, np.arange(len(texts)), y, sample_weight)

    def _fit_counts(
        self,
        counts: WordingCounts,
        rows: NDArray[np.int_],
        y: NDArray[np.int_],
        sample_weight: NDArray[np.float64] | None,
    ) -> WordingModel:
        from sklearn.linear_model import LogisticRegression

        matrix = counts.matrix[rows]
        # Smoothed idf as scikit-learn computes it, on these rows only.
        document_frequency = np.bincount(matrix.indices, minlength=matrix.shape[1])
        idf = np.log((1 + matrix.shape[0]) / (1 + document_frequency)) + 1.0
        weights = None if sample_weight is None else sample_weight[rows]
        logistic = LogisticRegression(C=self.C, max_iter=3000)
        logistic.fit(_tf_idf(matrix, idf), y[rows], sample_weight=weights)
        self.vocabulary_ = counts.vocabulary
        self.keys_ = counts.keys
        self.idf_ = idf.astype(np.float32)
        self.coef_ = logistic.coef_[0].astype(np.float32)
        self.intercept_ = float(logistic.intercept_[0])
        return self

    # ---- scoring --------------------------------------------------------------------------

    def decision_function(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """The block's log-odds of machine wording for each raw text."""
        return np.array([self.log_odds(tokens_of(text)) for text in texts], dtype=np.float64)

    def log_odds(self, tokens: Sequence[str]) -> float:
        """The block's log-odds for a text given as its `wording_tokens`."""
        return self.read(tokens).log_odds

    def read(self, tokens: Sequence[str]) -> WordingReading:
        """A text, given as its `wording_tokens`, as the block reads it: its n-gram keys and
        how each weighted one moves the log-odds. Scoring and explaining share one reading."""
        every_key = self.vocabulary_.keys(tokens)
        keys, counts = np.unique(every_key, return_counts=True)
        positions = np.searchsorted(self.keys_, keys)
        positions[positions == len(self.keys_)] = 0
        known = self.keys_[positions] == keys
        positions = positions[known]
        values = (1.0 + np.log(counts[known])) * self.idf_[positions]
        # Rows are scaled to unit length, so each term is divided by the tf-idf norm.
        norm = float(np.sqrt(np.dot(values, values)))
        if not norm:
            return WordingReading(every_key, keys[:0], np.zeros(0), self.intercept_)
        terms = values * self.coef_[positions] / norm
        return WordingReading(every_key, keys[known], terms, float(self.intercept_ + terms.sum()))

    def explain(
        self,
        lowered_aligned: str,
        limit: int = SPANS_PER_NGRAM,
        direction: int = 1,
        reading: WordingReading | None = None,
        spans_per_ngram: int = SPANS_PER_NGRAM,
    ) -> list[NgramWeight]:
        """The n-grams that moved a text's log-odds most in `direction` (1: toward machine,
        -1: toward human), largest first, with the spans of their first `spans_per_ngram`
        occurrences. The text is given lowercased with straight quotes and its offsets kept
        (`AnalyzedText.lower_aligned`); `reading` is its `read` when the caller has it."""
        if reading is None:
            reading = self.read(wording_tokens(lowered_aligned))
        order = [
            i
            for i in np.argsort(-direction * reading.terms)[:limit]
            if direction * reading.terms[i] > 0
        ]
        every_key = reading.every_key
        n_tokens = (len(every_key) + 1) // 2  # n 1-grams, then n - 1 2-grams
        found = []
        for i in order:
            key = int(reading.keys[i])
            at = np.flatnonzero(every_key == key).tolist()
            # Each occurrence as (first token, last token).
            tokens = [(j, j) if j < n_tokens else (j - n_tokens, j - n_tokens + 1) for j in at]
            found.append((key, float(reading.terms[i]), tokens))
        # Only the tokens up to the last span shown are located in the text.
        shown = [tokens[:spans_per_ngram] for _, _, tokens in found]
        needed = max((last for tokens in shown for _, last in tokens), default=-1)
        spans = [m.span() for m in islice(_TOKEN.finditer(lowered_aligned), needed + 1)]
        return [
            NgramWeight(
                self.vocabulary_.ngram(key),
                contribution,
                tuple((spans[first][0], spans[last][1]) for first, last in tokens_shown),
                len(tokens),
            )
            for (key, contribution, tokens), tokens_shown in zip(found, shown, strict=True)
        ]


@dataclass(frozen=True, slots=True)
class WordingReading:
    """One text as the block read it: every n-gram key in text order (the 1-grams, then the
    2-grams), the distinct weighted keys, each one's term of the log-odds, and the log-odds."""

    every_key: NDArray[np.int64]
    keys: NDArray[np.int64]
    terms: NDArray[np.float64]
    log_odds: float


def fit_out_of_fold(
    counts: WordingCounts,
    rows: NDArray[np.int_],
    y: NDArray[np.int_],
    folds: Sequence[tuple[NDArray[np.int_], NDArray[np.int_]]],
    sample_weight: NDArray[np.float64] | None = None,
) -> tuple[WordingModel, NDArray[np.float64]]:
    """The block fitted on `rows` of counted texts, and each of those rows' log-odds from a
    block fitted on the other folds (`folds` index into `rows`): what the trees learn from.
    `y` and `sample_weight` are per counted text."""
    out_of_fold = np.zeros(len(rows))
    for fit_part, held_out in folds:
        fold_model = _fresh(counts.template)._fit_counts(counts, rows[fit_part], y, sample_weight)
        out_of_fold[held_out] = [fold_model.log_odds(counts.tokens[i]) for i in rows[held_out]]
    final = _fresh(counts.template)._fit_counts(counts, rows, y, sample_weight)
    return final, out_of_fold


def _fresh(template: WordingModel) -> WordingModel:
    return WordingModel(template.vocabulary_size, template.min_document_frequency, template.C)


def count_texts(texts: Sequence[str], template: WordingModel | None = None) -> WordingCounts:
    """Tokenise and count training texts once, for any number of fits on subsets of them.
    The vocabulary and the kept n-grams come from all of them, which uses no label."""
    return WordingCounts.of(texts, template or WordingModel())


@dataclass(frozen=True, slots=True)
class WordingCounts:
    """Training texts as tokens and as a sparse matrix of n-gram counts over the kept keys."""

    template: WordingModel
    vocabulary: WordingVocabulary
    tokens: list[list[str]]
    keys: NDArray[np.int64]
    matrix: Any  # scipy.sparse.csr_matrix

    @classmethod
    def of(cls, texts: Sequence[str], template: WordingModel) -> WordingCounts:
        from scipy.sparse import csr_matrix

        min_document_frequency = template.min_document_frequency
        token_lists = [tokens_of(text) for text in texts]
        vocabulary = WordingVocabulary.build(token_lists, template.vocabulary_size)
        per_text = [
            np.unique(vocabulary.keys(tokens), return_counts=True) for tokens in token_lists
        ]
        all_keys, document_frequency = np.unique(
            np.concatenate([keys for keys, _ in per_text]), return_counts=True
        )
        kept = all_keys[document_frequency >= min_document_frequency]
        indptr, indices, data = [0], [], []
        for keys, counts in per_text:
            positions = np.minimum(np.searchsorted(kept, keys), max(len(kept) - 1, 0))
            known = kept[positions] == keys if len(kept) else np.zeros(len(keys), bool)
            indices.append(positions[known])
            data.append(counts[known])
            indptr.append(indptr[-1] + int(known.sum()))
        matrix = csr_matrix(
            (np.concatenate(data).astype(np.float64), np.concatenate(indices), np.array(indptr)),
            shape=(len(texts), len(kept)),
        )
        return cls(template, vocabulary, token_lists, kept, matrix)


def _tf_idf(matrix: Any, idf: NDArray[np.float64]) -> Any:
    """Sublinear tf times idf, each row scaled to unit length."""
    features = matrix.copy()
    features.data = (1.0 + np.log(features.data)) * idf[features.indices]
    norms = np.sqrt(np.asarray(features.multiply(features).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    features.data /= np.repeat(norms, np.diff(features.indptr))
    return features
