"""`FarmscoreFilter` in real datatrove pipelines: a `LocalPipelineExecutor` of two tasks reads
about 300 texts of the shared corpora (human and machine news, pages with a tell planted, pages
without a word) from JSONL, filters them with an exclusion writer and writes the rest. Nothing
is lost, every dropped page says why, datatrove's stats count each reason, and the verdicts are
the scorer's own. Also: annotate-only runs, pickling without the model, one model load per
process, and the recipe in docs/recipes.md run as printed."""

from __future__ import annotations

import copy
import gzip
import json
import pickle
import random
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "datatrove",
    reason="datatrove is in the farmscore[datatrove] extra: pip install -e '.[datatrove]'",
)

import dill
from datatrove.data import Document as DatatroveDocument
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from farmscore.model.verdict import LABEL_FARM, LABEL_SUBSTANTIVE
from farmscore.pipelines.datatrove_filter import UNSCORABLE, FarmscoreFilter
from farmscore.pipelines.verdict_fields import verdict_fields
from farmscore.scoring import Scorer
from farmscore.types import Document
from farmscore.words import NO_WORDS_REASON
from tests.conftest import REPO, farm_text, shared_path, substantive_text
from tests.integration.conftest import planted_tells

RECIPES = REPO / "docs" / "recipes.md"
# Where datatrove's BaseFilter records why a page went to the exclusion writer.
FILTER_REASON = "filter_reason"
WORDLESS = {"wordless/blank": "   \n\n  ", "wordless/punctuation": "!!! ??? ... —"}
# Pages planted with a tell, and the reason each must be dropped for.
PLANTED = {"pasted": "tell_pasted_twice", "ai": "tell_ai_disclosure"}


def corpus_records() -> list[dict[str, str]]:
    """About 300 pages: XSum human openings and their machine continuations, BBC articles,
    BBC articles pasted twice, XSum openings under an AI disclaimer, and two pages without a
    word. (A page whose text is "" never reaches a filter: datatrove's reader skips it.)"""
    data = shared_path("data")
    rng = random.Random(5)
    xsum = [json.loads(line) for line in (data / "xsum.jsonl").open(encoding="utf-8")]
    bbc = [json.loads(line) for line in (data / "bbc.jsonl").open(encoding="utf-8")]
    human = [row for row in xsum if row["label"] == LABEL_SUBSTANTIVE]
    machine = [row for row in xsum if row["label"] == LABEL_FARM]
    rows = rng.sample(human, 100) + rng.sample(machine, 110) + rng.sample(bbc, 60)
    records = [{"id": row["id"], "text": row["text"]} for row in rows]
    records += planted_tells(rng.sample(bbc, 12), rng.sample(human, 12))
    records += [{"id": id_, "text": text} for id_, text in WORDLESS.items()]
    rng.shuffle(records)
    return records


def write_inputs(records: list[dict[str, str]], folder: Path, n_files: int = 3) -> Path:
    folder.mkdir(parents=True)
    for number in range(n_files):
        with (folder / f"part-{number}.jsonl").open("w", encoding="utf-8") as out:
            for record in records[number::n_files]:
                out.write(json.dumps(record) + "\n")
    return folder


def read_outputs(folder: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for path in sorted(folder.glob("*.jsonl.gz"))
        for line in gzip.open(path, "rt", encoding="utf-8")
    ]


def filter_stats(step_stats: list[dict[str, Any]]) -> dict[str, int]:
    """The farmscore step's counters from a datatrove stats file, each as its total."""
    [step] = [step for step in step_stats if step["name"].endswith(FarmscoreFilter.name)]
    return {
        name: value["total"] if isinstance(value, dict) else value
        for name, value in step["stats"].items()
    }


@dataclass(frozen=True)
class PipelineRun:
    inputs: dict[str, str]
    kept: list[dict[str, Any]]
    excluded: list[dict[str, Any]]
    task_stats: list[dict[str, int]]
    merged_stats: dict[str, int]


def run_pipeline(
    records: list[dict[str, str]], folder: Path, *, workers: int, **options: Any
) -> PipelineRun:
    """Read `records` from JSONL, filter them, write what is kept and (unless annotating
    only) what is dropped, with two tasks run by `workers` processes."""
    inputs = write_inputs(records, folder / "input")
    exclusion = None if options.get("annotate_only") else JsonlWriter(str(folder / "excluded"))
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(inputs)),
            FarmscoreFilter(exclusion_writer=exclusion, **options),
            JsonlWriter(str(folder / "kept")),
        ],
        tasks=2,
        workers=workers,
        logging_dir=str(folder / "logs"),
    ).run()
    logs = folder / "logs"
    return PipelineRun(
        inputs={record["id"]: record["text"] for record in records},
        kept=read_outputs(folder / "kept"),
        excluded=read_outputs(folder / "excluded"),
        task_stats=[
            filter_stats(json.loads(path.read_text()))
            for path in sorted((logs / "stats").glob("*.json"))
        ],
        merged_stats=filter_stats(json.loads((logs / "stats.json").read_text())),
    )


@pytest.fixture(scope="module")
def records() -> list[dict[str, str]]:
    return corpus_records()


@pytest.fixture(scope="module")
def filtered(
    records: list[dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> PipelineRun:
    """The shared pages through reader, filter (with an exclusion writer) and writer, in two
    tasks on two worker processes."""
    return run_pipeline(records, tmp_path_factory.mktemp("filtered"), workers=2)


def planted_kind(page_id: str) -> str:
    return page_id.rsplit("/", 1)[-1]


# ---- a real pipeline --------------------------------------------------------------------


def test_every_page_comes_out_once_kept_or_excluded(filtered: PipelineRun) -> None:
    out = [page["id"] for page in filtered.kept + filtered.excluded]
    assert sorted(out) == sorted(filtered.inputs)
    assert len(set(out)) == len(out)
    assert len(filtered.inputs) >= 290
    # Both tasks had work: the two processes really filtered in parallel.
    assert len(filtered.task_stats) == 2
    assert all(stats["total"] > 0 for stats in filtered.task_stats)


def test_every_excluded_page_says_why(filtered: PipelineRun) -> None:
    for page in filtered.excluded:
        reason = page["metadata"][FILTER_REASON]
        verdict = page["metadata"]["farmscore"]
        if page["id"] in WORDLESS:
            assert reason == UNSCORABLE
            assert verdict == {"error": NO_WORDS_REASON}
            continue
        assert verdict["label"] == LABEL_FARM
        tells = verdict["tells"]
        assert reason == (f"tell_{tells[0]}" if verdict["decided_by"] == "tell" else "machine")
        if planted_kind(page["id"]) in PLANTED:
            assert reason == PLANTED[planted_kind(page["id"])], page["id"]
    reasons = Counter(page["metadata"][FILTER_REASON] for page in filtered.excluded)
    assert reasons[UNSCORABLE] == len(WORDLESS)
    assert reasons["tell_pasted_twice"] >= 12
    assert reasons["tell_ai_disclosure"] >= 12
    assert reasons["machine"] > 0


def test_planted_and_wordless_pages_are_all_excluded(filtered: PipelineRun) -> None:
    excluded = {page["id"] for page in filtered.excluded}
    planted = {id_ for id_ in filtered.inputs if planted_kind(id_) in PLANTED}
    assert len(planted) == 24
    assert planted | set(WORDLESS) <= excluded


def test_datatrove_stats_count_each_reason_as_the_excluded_files_do(
    filtered: PipelineRun,
) -> None:
    reasons = Counter(page["metadata"][FILTER_REASON] for page in filtered.excluded)
    merged = filtered.merged_stats
    assert {
        name.removeprefix("dropped_"): count
        for name, count in merged.items()
        if name.startswith("dropped_")
    } == reasons
    assert merged["total"] == len(filtered.inputs)
    assert merged["forwarded"] == len(filtered.kept)
    assert merged["dropped"] == len(filtered.excluded)
    # stats.json is the sum of the tasks' own files.
    summed = sum((Counter(stats) for stats in filtered.task_stats), Counter())
    assert {name: summed[name] for name in merged} == merged


def test_each_worker_process_loads_the_model_once(filtered: PipelineRun) -> None:
    # A task's copy of the filter loads the model unless its process already has it.
    assert all(stats.get("model_loads", 0) <= 1 for stats in filtered.task_stats)
    assert 1 <= filtered.merged_stats["model_loads"] <= 2
    assert filtered.merged_stats["batches"] >= 4


def test_every_kept_page_carries_its_verdict(filtered: PipelineRun) -> None:
    fields = set(verdict_fields(Scorer.load().score(text="It rained in Leeds on Monday.")))
    for page in filtered.kept:
        verdict = page["metadata"]["farmscore"]
        assert set(verdict) == fields
        assert verdict["label"] == LABEL_SUBSTANTIVE
        assert 0.0 <= verdict["score"] <= 1.0
        assert FILTER_REASON not in page["metadata"]
        assert page["text"] == filtered.inputs[page["id"]]


def test_verdicts_are_the_scorers_own(filtered: PipelineRun) -> None:
    pages = [page for page in filtered.kept + filtered.excluded if page["id"] not in WORDLESS]
    chosen = random.Random(11).sample(pages, 24)
    scores = Scorer.load().score_batch(
        [Document(id=page["id"], text=filtered.inputs[page["id"]]) for page in chosen]
    )
    for page, score in zip(chosen, scores, strict=True):
        assert page["metadata"]["farmscore"] == verdict_fields(score), page["id"]


def test_annotate_only_keeps_and_annotates_every_page(
    records: list[dict[str, str]], filtered: PipelineRun, fresh_model: Path, tmp_path: Path
) -> None:
    # One process (this one) runs both tasks, each on its own deep copy of the pipeline, and
    # loads the model for the first only.
    run = run_pipeline(
        records,
        tmp_path,
        workers=1,
        model_dir=fresh_model,
        annotate_only=True,
        metadata_key="quality",
    )
    assert sorted(page["id"] for page in run.kept) == sorted(run.inputs)
    assert run.excluded == []
    verdicts = {page["id"]: page["metadata"]["quality"] for page in run.kept}
    dropped = {page["id"]: page["metadata"]["farmscore"] for page in filtered.excluded}
    for page in filtered.kept:
        assert verdicts[page["id"]] == page["metadata"]["farmscore"]
    for id_, verdict in dropped.items():
        assert verdicts[id_] == verdict
    # What the filtering run dropped, the annotating run flags under the same reasons.
    flagged = {
        name.removeprefix("flagged_"): count
        for name, count in run.merged_stats.items()
        if name.startswith("flagged_")
    }
    assert flagged == Counter(page["metadata"][FILTER_REASON] for page in filtered.excluded)
    assert run.merged_stats["forwarded"] == len(run.inputs)
    assert "dropped" not in run.merged_stats
    assert run.merged_stats["model_loads"] == 1


# ---- one batch at a time ----------------------------------------------------------------


def test_wordless_pages_are_dropped_without_stopping_their_batch() -> None:
    rng = random.Random(3)
    texts = [substantive_text(rng), "", farm_text(rng), "  \n ", "—!!!—", substantive_text(rng)]
    batch = [DatatroveDocument(text=text, id=str(n)) for n, text in enumerate(texts)]
    results = FarmscoreFilter().filter_batch(batch)
    assert len(results) == len(batch)
    alone = Scorer.load().score_batch([Document(id=str(n), text=texts[n]) for n in (0, 2, 5)])
    for n, score in zip((0, 2, 5), alone, strict=True):
        assert batch[n].metadata["farmscore"] == verdict_fields(score)
    for n in (1, 3, 4):
        assert results[n] == (False, UNSCORABLE)
        assert batch[n].metadata["farmscore"] == {"error": NO_WORDS_REASON}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"policy": "spam"}, "unknown policy 'spam'"),
        ({"threshold": 1.5}, "threshold must be between 0 and 1"),
        ({"batch_size": 0}, "batch_size must be at least 1"),
    ],
)
def test_bad_settings_fail_when_the_pipeline_is_built(
    options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        FarmscoreFilter(**options)


def pages(n: int, seed: int = 1) -> list[DatatroveDocument]:
    rng = random.Random(seed)
    make = (substantive_text, farm_text)
    return [DatatroveDocument(text=make[i % 2](rng), id=f"p{i}") for i in range(n)]


def test_the_filter_pickles_without_its_model(fresh_model: Path, counted_loads: list[str]) -> None:
    step = FarmscoreFilter(fresh_model, batch_size=8)
    before = pickle.dumps(step)
    step.filter_batch(pages(8))
    assert counted_loads == [str(fresh_model)]
    model_bytes = (fresh_model / "model.npz").stat().st_size
    # After scoring, pickle, dill (datatrove's executor pickles tasks with it, through
    # multiprocess) and deepcopy (its one-worker path) carry the settings and stats, never
    # the loaded model.
    for dumped in (pickle.dumps(step), dill.dumps(step)):
        assert len(dumped) < model_bytes / 100
        assert len(dumped) < len(before) + 1_000
    for clone in (pickle.loads(pickle.dumps(step)), dill.loads(dill.dumps(step))):
        assert clone.model_dir == str(fresh_model)
        assert vars(clone)["_scorer"] is None
    assert vars(copy.deepcopy(step))["_scorer"] is None


def test_the_model_loads_once_per_process_across_batches_and_copies(
    fresh_model: Path, counted_loads: list[str]
) -> None:
    step = FarmscoreFilter(fresh_model, batch_size=8, exclusion_writer=None)
    assert counted_loads == []  # building the pipeline loads nothing
    out = list(step.run(iter(pages(80))))
    # A second task in the same process: a fresh unpickled copy, as datatrove makes one.
    again = pickle.loads(pickle.dumps(FarmscoreFilter(fresh_model, batch_size=8)))
    out += list(again.run(iter(pages(40, seed=2))))
    assert counted_loads == [str(fresh_model)]
    assert step.stats["batches"].total == 10
    assert step.stats["model_loads"].total == 1
    assert "model_loads" not in again.stats.stats
    assert step.scorer() is again.scorer()
    assert len(out) > 0
    # Other settings need a scorer of their own, from the same folder.
    FarmscoreFilter(fresh_model, policy="machine").filter_batch(pages(2))
    assert counted_loads == [str(fresh_model)] * 2


# ---- the recipe -------------------------------------------------------------------------


def recipe_blocks() -> list[str]:
    text = RECIPES.read_text(encoding="utf-8")
    section = text.split("\n## datatrove\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_the_recipe_runs_as_printed(tmp_path: Path) -> None:
    rng = random.Random(9)
    records = [{"id": f"human-{n}", "text": substantive_text(rng)} for n in range(12)]
    records += [{"id": f"farm-{n}", "text": farm_text(rng)} for n in range(12)]
    records += [{"id": "pasted", "text": f"{records[0]['text']}\n\n{records[0]['text']}"}]
    write_inputs(records, tmp_path / "crawl", n_files=2)
    pipeline, inspect = recipe_blocks()
    for number, block in enumerate((pipeline, inspect)):
        script = tmp_path / f"block_{number}.py"
        script.write_text(block, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, script.name], cwd=tmp_path, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-3000:]
    kept = read_outputs(tmp_path / "kept")
    dropped = read_outputs(tmp_path / "dropped")
    assert sorted(page["id"] for page in kept + dropped) == sorted(r["id"] for r in records)
    printed = done.stdout.splitlines()
    assert len(printed) == len(dropped)
    assert "pasted tell_pasted_twice 0.999" in printed
    stats = filter_stats(json.loads((tmp_path / "logs" / "stats.json").read_text()))
    assert stats["dropped"] == len(dropped)
