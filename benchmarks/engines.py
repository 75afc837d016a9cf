# distributed leaves LocalCluster, Client and dask.dataframe's functions unannotated; every
# function of this module is annotated, so this only admits those calls.
# mypy: disallow-untyped-calls=False
"""`ScoreBatch` under each table engine installed here, on the same real texts: documents/s and
words/s, and whether every engine's scores are the adapter's own in this process.

    python -m benchmarks.engines                      # 2,000 texts, 2 workers
    python -m benchmarks.engines --documents 500 --engines datasets,dask

Engines: Hugging Face `datasets` (`map(batched=True, num_proc=N)`) and Dask (`map_partitions`
on a local cluster of N processes), both in the dev extra; Ray Data (`map_batches` with an actor
pool of N) and Spark (`mapInPandas` on `local[N]`) when installed, which no extra does (see
docs/recipes.md). An engine that is not installed is skipped with a message. Each engine is
started before the clock starts; the time is that of the whole map, the model's load in each
worker included, as a job's first map pays it. Figures are printed and written as JSON; nothing
is asserted. On a shared machine the figures move with its load: compare engines of one run.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.limits import real_texts
from benchmarks.real_texts import DEFAULT_REAL_DATA_DIR
from benchmarks.timing import rate_per_second, timed
from farmscore.pipelines.batch_adapter import ScoreBatch
from farmscore.words import count_words

DEFAULT_OUT = Path("reports/bench/engines.json")
DEFAULT_DOCUMENTS = 2_000
DEFAULT_WORKERS = 2
# Partitions (Dask, Ray, Spark) per worker: enough that a slow one does not leave a worker idle.
PARTITIONS_PER_WORKER = 4
# Which module tells that an engine is installed.
ENGINE_MODULES = {
    "datasets": "datasets",
    "dask": "distributed",
    "ray": "ray.data",
    "spark": "pyspark",
}
# The row's position, so that engines that do not keep the order can be compared row by row.
ROW = "row"


@dataclass(frozen=True)
class EngineRun:
    """One engine's map over the texts: how long it took, and how its scores compare."""

    engine: str
    version: str
    workers: int
    documents: int
    seconds: float
    documents_per_s: float
    words_per_s: float
    # The largest difference from the in-process adapter's score, over rows scored by both.
    largest_score_difference: float
    same_labels: bool


def run_in_process(adapter: ScoreBatch, frame: pd.DataFrame, workers: int) -> pd.DataFrame:
    """The adapter called once in this process: the scores every engine is compared with."""
    scored: pd.DataFrame = adapter(frame)
    return scored


def run_datasets(adapter: ScoreBatch, frame: pd.DataFrame, workers: int) -> pd.DataFrame:
    from datasets import Dataset

    articles = Dataset.from_pandas(frame, preserve_index=False)
    scored = articles.map(adapter, batched=True, num_proc=workers, load_from_cache_file=False)
    result: pd.DataFrame = scored.to_pandas()
    return result


def run_dask(adapter: ScoreBatch, frame: pd.DataFrame, workers: int) -> pd.DataFrame:
    import dask.dataframe as dd
    from dask.dataframe.utils import make_meta  # type: ignore[attr-defined]
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, dashboard_address=None, host="127.0.0.1"
        ) as cluster,
        Client(cluster),
    ):
        articles = dd.from_pandas(frame, npartitions=workers * PARTITIONS_PER_WORKER)
        articles = articles.persist()
        meta = adapter(make_meta(articles))
        seconds, result = timed(lambda: articles.map_partitions(adapter, meta=meta).compute())
        return _timed_result(result, seconds)


def run_ray(adapter: ScoreBatch, frame: pd.DataFrame, workers: int) -> pd.DataFrame:
    # Neither Ray nor Spark is in an extra, so mypy usually finds neither.
    import ray  # type: ignore[import-not-found,unused-ignore]
    import ray.data  # type: ignore[import-not-found,unused-ignore]

    ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    try:
        # Materialised first: a read task would wait for a CPU that the actors hold.
        articles = (
            ray.data.from_pandas(frame).repartition(workers * PARTITIONS_PER_WORKER).materialize()
        )
        seconds, result = timed(
            lambda: articles.map_batches(
                ScoreBatch,
                fn_constructor_args=(adapter.model,),
                fn_constructor_kwargs={"threshold": adapter.threshold, "policy": adapter.policy},
                batch_format="pandas",
                compute=ray.data.ActorPoolStrategy(size=workers),
            ).to_pandas()
        )
        return _timed_result(result, seconds)
    finally:
        ray.shutdown()


def run_spark(adapter: ScoreBatch, frame: pd.DataFrame, workers: int) -> pd.DataFrame:
    from pyspark.sql import SparkSession  # type: ignore[import-not-found,unused-ignore]

    # Spark starts its Python workers with `python3` from PATH unless told otherwise.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (
        SparkSession.builder.master(f"local[{workers}]")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    try:
        articles = spark.createDataFrame(frame).repartition(workers * PARTITIONS_PER_WORKER)
        articles = articles.cache()
        articles.count()
        schema = ", ".join(f"{f.name} {f.dataType.simpleString()}" for f in articles.schema)
        schema += ", " + ", ".join(f"{n} {t}" for n, t in adapter.output_types().items())

        def score_partition(frames: Any) -> Any:
            return map(adapter, frames)

        seconds, result = timed(
            lambda: articles.mapInPandas(score_partition, schema=schema).toPandas()
        )
        return _timed_result(result, seconds)
    finally:
        spark.stop()


ENGINES: dict[str, Callable[[ScoreBatch, pd.DataFrame, int], pd.DataFrame]] = {
    "datasets": run_datasets,
    "dask": run_dask,
    "ray": run_ray,
    "spark": run_spark,
}


def _timed_result(result: pd.DataFrame, seconds: float) -> pd.DataFrame:
    """`result` carrying the seconds its engine spent on the map alone, without the engine's
    own start-up (a cluster, a Java process), which a long-lived job pays once."""
    result.attrs["seconds"] = seconds
    return result


def measure(
    name: str,
    run: Callable[[ScoreBatch, pd.DataFrame, int], pd.DataFrame],
    adapter: ScoreBatch,
    frame: pd.DataFrame,
    workers: int,
) -> tuple[float, pd.DataFrame]:
    """Seconds the engine's map took, and its rows in input order."""
    seconds, result = timed(lambda: run(adapter, frame, workers))
    seconds = result.attrs.get("seconds", seconds)
    return seconds, result.sort_values(ROW).reset_index(drop=True)


def summary(
    name: str, workers: int, seconds: float, scored: pd.DataFrame, baseline: pd.DataFrame
) -> EngineRun:
    """An engine's rates, and how its scores compare with the in-process adapter's."""
    words = sum(count_words(text) for text in scored["text"])
    differences = (pd.to_numeric(scored["score"]) - baseline["score"]).abs()
    return EngineRun(
        engine=name,
        version=_version(name),
        workers=workers,
        documents=len(scored),
        seconds=round(seconds, 2),
        documents_per_s=round(rate_per_second(len(scored), seconds), 1),
        words_per_s=round(rate_per_second(words, seconds)),
        largest_score_difference=float(differences.max()) if differences.notna().any() else 0.0,
        same_labels=list(scored["label"]) == list(baseline["label"]),
    )


def _version(engine: str) -> str:
    from importlib.metadata import version

    package = {"in_process": "farmscore", "dask": "distributed", "spark": "pyspark"}.get(
        engine, engine
    )
    return version(package)


def installed(engine: str) -> bool:
    module = ENGINE_MODULES[engine]
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # the parent package of a dotted name is absent
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.engines", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--documents", type=int, default=DEFAULT_DOCUMENTS)
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated")
    parser.add_argument("--model", type=Path, default=None, help="default: the shipped model")
    parser.add_argument("--data", type=Path, default=DEFAULT_REAL_DATA_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    unknown = set(args.engines.split(",")) - set(ENGINES)
    if unknown:
        parser.error(f"unknown engines {sorted(unknown)}; choose from {', '.join(ENGINES)}")
    texts = real_texts(args.data)[: args.documents]
    frame = pd.DataFrame({ROW: range(len(texts)), "text": texts})
    adapter = ScoreBatch(args.model)
    print(f"{len(texts):,} texts, {sum(map(count_words, texts)):,} words, {adapter!r}")
    timings: dict[str, tuple[int, float, pd.DataFrame]] = {}
    for name in args.engines.split(","):
        if not installed(name):
            print(f"{name}: not installed ({ENGINE_MODULES[name]} cannot be imported); skipped")
            continue
        print(f"{name}: running", flush=True)
        timings[name] = (args.workers, *measure(name, ENGINES[name], adapter, frame, args.workers))
    # The baseline runs last: loading the model here first would hand it to the workers that
    # `datasets` forks from this process, which a real job's first map does not get.
    timings["in_process"] = (1, *measure("in_process", run_in_process, adapter, frame, 1))
    baseline = timings["in_process"][2]
    runs = [
        summary(name, workers, seconds, scored, baseline)
        for name, (workers, seconds, scored) in timings.items()
    ]
    for run in runs:
        _print(run)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps([asdict(run) for run in runs], indent=2) + "\n")
    print(f"written to {args.out}")
    return 0


def _print(run: EngineRun) -> None:
    agreement = (
        ""
        if run.engine == "in_process"
        else f"; scores within {run.largest_score_difference:.1e} of in-process, labels "
        + ("the same" if run.same_labels else "DIFFERENT")
    )
    print(
        f"{run.engine} {run.version} ({run.workers} workers): {run.documents:,} documents in "
        f"{run.seconds} s, {run.documents_per_s:,} documents/s, {run.words_per_s:,} words/s"
        f"{agreement}",
        flush=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())
