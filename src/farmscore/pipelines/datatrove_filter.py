"""farmscore as a datatrove filter: drop content-farm pages from a datatrove pipeline, or keep
every page and write its verdict beside it (`annotate_only=True`: score once, filter later).

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from farmscore.pipelines.datatrove_filter import FarmscoreFilter

    LocalPipelineExecutor(
        [
            JsonlReader("crawl/"),
            FarmscoreFilter(exclusion_writer=JsonlWriter("dropped/")),
            JsonlWriter("kept/"),
        ],
        tasks=2,
        logging_dir="logs/",
    ).run()

Every page scored gets its verdict under `doc.metadata["farmscore"]` (`verdict_fields`: score,
label, threshold, band, the machine probability and substance percentile, tells, the top
reasons). A dropped page carries datatrove's `filter_reason` (`tell_pasted_twice`, `machine`,
`unscorable`, ...), which is also counted as `dropped_<reason>` in the run's stats. A page
without a single word is not scored: it is dropped as `unscorable`, with `{"error": ...}` under
the key, and never stops the batch it came in.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from farmscore.model.verdict import DEFAULT_POLICY, LABEL_FARM, POLICIES, Policy
from farmscore.pipelines.verdict_fields import (
    TOP_REASONS,
    drop_reason,
    verdict_fields,
    why_unscorable,
)
from farmscore.scoring import BATCH_SIZE, Scorer
from farmscore.types import Document

try:
    from datatrove.data import Document as DatatroveDocument
    from datatrove.pipeline.filters.base_filter import BaseFilter
    from datatrove.pipeline.writers.disk_base import DiskWriter
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "farmscore.pipelines.datatrove_filter needs datatrove: pip install 'farmscore[datatrove]'"
    ) from error

# The reason a page that cannot be scored is dropped under.
UNSCORABLE = "unscorable"

FilterResult = bool | tuple[bool, str]


class FarmscoreFilter(BaseFilter):  # type: ignore[misc]
    """A datatrove filter that keeps substantive pages and drops content farms, scoring each
    batch of `batch_size` pages in one call.

    `model_dir`: a model folder (default: the model shipped with farmscore). `threshold`: label
    content_farm at or above this score in every length band (default: each band's own).
    `policy`: "farm" or "machine" (`farmscore.model.verdict`). `annotate_only`: keep every page
    and only write the verdicts; datatrove's stats then count `flagged_<reason>` for the pages
    that would have been dropped. `metadata_key`: where in `doc.metadata` the verdict goes.

    The filter holds only these settings: datatrove pickles it to each task, and each worker
    process loads the model on its first batch, once, however many tasks it runs. Each load is
    counted in the task's stats as `model_loads`.
    """

    name = "🌾 farmscore"

    def __init__(
        self,
        model_dir: str | Path | None = None,
        *,
        threshold: float | None = None,
        policy: Policy = DEFAULT_POLICY,
        annotate_only: bool = False,
        metadata_key: str = "farmscore",
        batch_size: int = BATCH_SIZE,
        exclusion_writer: DiskWriter | None = None,
    ) -> None:
        # Checked here, where the pipeline is built, not in a worker an hour into the run.
        if policy not in POLICIES:
            raise ValueError(f"unknown policy {policy!r}; choose one of {', '.join(POLICIES)}")
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        super().__init__(exclusion_writer=exclusion_writer, batch_size=batch_size)
        # A string, so that datatrove's executor.json shows it as written.
        self.model_dir = None if model_dir is None else str(model_dir)
        self.threshold = threshold
        self.policy: Policy = policy
        self.annotate_only = annotate_only
        self.metadata_key = metadata_key
        self._scorer: Scorer | None = None

    def __getstate__(self) -> dict[str, Any]:
        # The loaded model never travels with the pipeline: each process loads its own.
        state = dict(self.__dict__)
        state["_scorer"] = None
        return state

    def filter(self, doc: DatatroveDocument) -> FilterResult:
        """Keep (True) or drop (False, reason) one page; `filter_batch` is the fast path."""
        return self.filter_batch([doc])[0]

    def filter_batch(self, batch: list[DatatroveDocument]) -> list[FilterResult]:
        """Score the batch's pages that hold a word in one call, write each verdict into the
        page's metadata, and keep or drop each page."""
        errors = [why_unscorable(doc.text) for doc in batch]
        scores = iter(
            self.scorer().score_batch(
                [
                    Document(id=str(doc.id), text=doc.text)
                    for doc, error in zip(batch, errors, strict=True)
                    if error is None
                ]
            )
        )
        results: list[FilterResult] = []
        for doc, error in zip(batch, errors, strict=True):
            if error is None:
                score = next(scores)
                doc.metadata[self.metadata_key] = verdict_fields(score)
                dropped = score.label == LABEL_FARM
                reason = drop_reason(score) if dropped else ""
            else:
                doc.metadata[self.metadata_key] = {"error": error}
                dropped, reason = True, UNSCORABLE
            results.append(self._decision(dropped, reason))
        return results

    def _decision(self, dropped: bool, reason: str) -> FilterResult:
        if not dropped:
            return True
        if self.annotate_only:
            self.stat_update(f"flagged_{reason}")
            return True
        return False, reason

    def scorer(self) -> Scorer:
        """The scorer of this process, loaded on first use."""
        if self._scorer is None:
            loads_before = _scorer_of_this_process.cache_info().misses
            self._scorer = _scorer_of_this_process(self.model_dir, self.threshold, self.policy)
            if _scorer_of_this_process.cache_info().misses > loads_before:
                self.stat_update("model_loads", unit="task")
        return self._scorer


@lru_cache(maxsize=4)
def _scorer_of_this_process(
    model_dir: str | None, threshold: float | None, policy: Policy
) -> Scorer:
    """One loaded model per process and settings: datatrove unpickles a fresh copy of the
    filter for every task, and a worker process may run many tasks."""
    scorer = Scorer.load(model_dir, threshold=threshold, policy=policy)
    # Only the reasons `verdict_fields` keeps are built; the first ones are the same either way.
    scorer.n_reasons = TOP_REASONS
    return scorer
