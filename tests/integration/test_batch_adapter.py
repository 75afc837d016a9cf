"""`ScoreBatch`, the batch adapter for table engines: DataFrames and dicts of columns in and out,
rows that cannot be scored, refused settings and column clashes, pickling without the model and
one load per process; then for real under Hugging Face `datasets` (`map(batched=True,
num_proc=2)` and `filter` over about 300 texts of the shared corpora, every score checked
against `farmscore score --format jsonl` on the same texts), and the recipes of
docs/recipes.md run as printed: `datasets` and Dask always, Ray and Spark where they are
installed (no extra installs them)."""

from __future__ import annotations

import json
import math
import os
import pickle
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

datasets = pytest.importorskip(
    "datasets", reason="Hugging Face datasets is not installed: pip install -e '.[dev]'"
)

import cloudpickle  # noqa: E402  (how Spark, Ray and Dask ship functions)
import dill  # noqa: E402  (datasets pickles and hashes functions with dill)
from datasets import Dataset  # noqa: E402
from datasets.fingerprint import Hasher  # noqa: E402

from farmscore.model.card import ModelVerificationError  # noqa: E402
from farmscore.model.folder import default_model_dir  # noqa: E402
from farmscore.model.verdict import LABEL_FARM, LABEL_SUBSTANTIVE  # noqa: E402
from farmscore.pipelines.batch_adapter import OUTPUT_TYPES, ScoreBatch  # noqa: E402
from farmscore.scoring import Scorer  # noqa: E402
from farmscore.types import Document  # noqa: E402
from farmscore.words import NO_WORDS_REASON  # noqa: E402
from tests.conftest import REPO, farm_text, shared_path, substantive_text  # noqa: E402
from tests.integration.conftest import AI_DISCLAIMER, planted_tells  # noqa: E402

RECIPES = REPO / "docs" / "recipes.md"
# Rows that cannot be scored, and the start of the error each must carry.
UNSCORABLE = {"missing": None, "empty": "", "punctuation": "!!! ??? ... —"}
NO_TEXT = "no text: column 'text' holds no value"
# `farmscore score --format jsonl` rounds to 6 places, as the adapter does; a batch of other
# documents may move a score by a bit or two before rounding.
SCORE_TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped model, copied: the adapter and the command read the same one even if the
    model is rebuilt in place while the tests run."""
    return Path(shutil.copytree(default_model_dir(), tmp_path_factory.mktemp("adapter") / "m"))


def texts_and_errors() -> pd.DataFrame:
    rng = random.Random(3)
    good = [substantive_text(rng), farm_text(rng), AI_DISCLAIMER + substantive_text(rng)]
    return pd.DataFrame(
        {
            "source": ["a", "b", "c", "d", "e", "f"],
            "text": [good[0], None, good[1], "", "!!! ???", good[2]],
        },
        index=[50, 40, 30, 20, 10, 0],
    )


# ---- batches in and out -------------------------------------------------------------------


def test_a_frame_gets_the_verdict_columns_and_keeps_its_index_and_columns(
    model_folder: Path,
) -> None:
    frame = texts_and_errors()
    scored = ScoreBatch(model_folder)(frame)
    assert list(scored.index) == list(frame.index)
    assert list(scored.columns) == ["source", "text", *OUTPUT_TYPES]
    pd.testing.assert_frame_equal(scored[["source", "text"]], frame)
    assert all(scored[n].dtype == "float64" for n, t in OUTPUT_TYPES.items() if t == "double")
    assert all(pd.api.types.is_string_dtype(scored[n]) for n in ("label", "error", "top_reason"))
    expected = Scorer.load(model_folder).score_batch(
        [Document(str(i), frame.at[i, "text"]) for i in (50, 30, 0)]
    )
    for index, score in zip((50, 30, 0), expected, strict=True):
        row = scored.loc[index]
        assert row["score"] == round(score.score, 6)
        assert row["label"] == score.label
        assert row["decided_by"] == score.decided_by
        assert row["top_reason"] == score.reasons[0].feature
        assert row["machine"] == round(score.machine or 0.0, 6)
        assert row["warnings"] == "; ".join(score.warnings)
        assert pd.isna(row["error"])
    assert scored.at[0, "top_reason"] == "tell_ai_disclosure"
    assert scored.at[0, "label"] == LABEL_FARM
    for index, error in ((40, NO_TEXT), (20, NO_WORDS_REASON), (10, NO_WORDS_REASON)):
        row = scored.loc[index]
        assert row["error"].startswith(error)
        assert row[list(OUTPUT_TYPES)[:-1]].isna().all()


def test_a_dict_of_lists_gives_a_dict_of_lists_with_none_where_unscored(
    model_folder: Path,
) -> None:
    frame = texts_and_errors()
    batch = {"source": list(frame["source"]), "text": list(frame["text"])}
    scored = ScoreBatch(model_folder)(batch)
    assert isinstance(scored, dict)
    assert list(scored) == ["source", "text", *OUTPUT_TYPES]
    assert scored["text"] == batch["text"]
    assert all(isinstance(values, list) and len(values) == 6 for values in scored.values())
    assert [label is None for label in scored["label"]] == [False, True, False, True, True, False]
    assert scored["score"][1] is None
    assert scored["error"][1].startswith(NO_TEXT)
    from_frame = ScoreBatch(model_folder)(frame)
    assert scored["score"][0] == from_frame["score"].iloc[0]


def test_a_dict_of_numpy_arrays_as_ray_passes_gives_arrays(model_folder: Path) -> None:
    frame = texts_and_errors()
    batch = {"text": np.array(frame["text"].tolist(), dtype=object)}
    scored = ScoreBatch(model_folder)(batch)
    assert isinstance(scored, dict)
    assert all(isinstance(values, np.ndarray) for values in scored.values())
    assert scored["score"].dtype == np.float64
    assert math.isnan(scored["score"][1])
    assert scored["label"][1] is None
    assert scored["label"][0] in (LABEL_FARM, LABEL_SUBSTANTIVE)


def test_an_empty_batch_has_every_column_typed_and_loads_no_model(
    fresh_model: Path, counted_loads: list[str]
) -> None:
    frame = texts_and_errors()
    full = ScoreBatch(fresh_model)(frame)
    counted_loads.clear()
    empty = ScoreBatch(fresh_model, policy="machine")(frame.iloc[:0])
    assert counted_loads == []  # other settings would need a load of their own
    assert empty.empty
    pd.testing.assert_series_equal(empty.dtypes, full.dtypes)
    assert ScoreBatch(fresh_model, policy="machine")({"text": []})["score"] == []
    assert counted_loads == []


def test_rows_that_cannot_be_scored_alone_load_no_model(
    fresh_model: Path, counted_loads: list[str]
) -> None:
    scored = ScoreBatch(fresh_model)({"text": [None, "", "???"]})
    assert counted_loads == []
    assert scored["label"] == [None, None, None]
    assert all(error for error in scored["error"])


def test_an_existing_output_column_is_refused_naming_the_option(model_folder: Path) -> None:
    frame = texts_and_errors().assign(label=["x"] * 6)
    with pytest.raises(ValueError, match=r"already has a column 'label'.*output_prefix="):
        ScoreBatch(model_folder)(frame)
    scored = ScoreBatch(model_folder, output_prefix="farmscore_")(frame)
    assert list(scored["label"]) == ["x"] * 6
    assert list(scored.columns)[3:] == [f"farmscore_{name}" for name in OUTPUT_TYPES]
    assert scored["farmscore_label"].notna().sum() == 3
    again = ScoreBatch(model_folder, output_prefix="farmscore_")
    with pytest.raises(ValueError, match="'farmscore_score'"):
        again(scored)


def test_a_missing_text_column_or_an_unknown_batch_type_says_what_to_pass(
    model_folder: Path,
) -> None:
    frame = texts_and_errors().rename(columns={"text": "body"})
    with pytest.raises(KeyError, match=r"no column 'text'.*\['source', 'body'\].*text_column="):
        ScoreBatch(model_folder)(frame)
    scored = ScoreBatch(model_folder, text_column="body")(frame)
    assert scored["score"].notna().sum() == 3
    with pytest.raises(TypeError, match="DataFrame or a dict of columns, not list"):
        ScoreBatch(model_folder)(["a text"])


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"policy": "strict"}, "unknown policy 'strict'"),
        ({"threshold": 1.5}, "threshold must be between 0 and 1"),
        ({"model": "no/such/folder"}, "does not exist"),
    ],
)
def test_bad_settings_fail_when_the_adapter_is_made(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):  # ModelVerificationError is a ValueError
        ScoreBatch(**settings)


def test_keep_keeps_scored_rows_that_are_not_content_farms(model_folder: Path) -> None:
    frame = texts_and_errors()
    adapter = ScoreBatch(model_folder)
    labels = adapter(frame)["label"].tolist()
    keep = adapter.keep(frame)
    assert keep == [label == LABEL_SUBSTANTIVE for label in labels]
    assert keep[5] is False  # the AI disclaimer
    assert keep[1] is False
    assert keep[3] is False


# ---- pickling and loading -----------------------------------------------------------------

PICKLERS = {"pickle": pickle, "dill": dill, "cloudpickle": cloudpickle}


@pytest.mark.parametrize("pickler", PICKLERS)
def test_the_adapter_pickles_without_its_model_after_scoring(
    model_folder: Path, pickler: str
) -> None:
    frame = texts_and_errors()
    adapter = ScoreBatch(model_folder, threshold=0.7)
    scored = adapter(frame)
    data = PICKLERS[pickler].dumps(adapter)
    # The model file alone is 4 MB: a pickle of a few hundred bytes cannot hold it.
    assert len(data) < 1_000
    copy = PICKLERS[pickler].loads(data)
    assert vars(copy) == vars(adapter)
    pd.testing.assert_frame_equal(copy(frame), scored)


def test_the_model_loads_once_per_process_across_copies_and_batches(
    fresh_model: Path, counted_loads: list[str]
) -> None:
    adapter = ScoreBatch(fresh_model)
    assert counted_loads == []  # making the adapter reads the card only
    frame = texts_and_errors()
    adapter(frame)
    adapter.keep(frame)
    # Engines unpickle a fresh copy per task: each finds the model this process loaded.
    for pickler in PICKLERS.values():
        copy = pickler.loads(pickler.dumps(adapter))
        copy(frame)
    assert counted_loads == [str(fresh_model)]
    ScoreBatch(fresh_model, policy="machine")(frame)
    assert counted_loads == [str(fresh_model)] * 2


def test_a_model_folder_rewritten_after_the_adapter_was_made_is_refused(
    tmp_path: Path, tiny_model_dir: Path
) -> None:
    folder = Path(shutil.copytree(default_model_dir(), tmp_path / "model"))
    before = ScoreBatch(folder)
    shutil.rmtree(folder)
    shutil.copytree(tiny_model_dir, folder)
    with pytest.raises(ModelVerificationError, match="rewritten since"):
        before(texts_and_errors())
    after = ScoreBatch(folder)
    assert after(texts_and_errors())["score"].notna().sum() == 3
    # The fingerprint `datasets` caches a map under changes with the model.
    assert Hasher.hash(before) != Hasher.hash(after)


def test_the_datasets_fingerprint_is_stable_and_needs_no_model(
    fresh_model: Path, counted_loads: list[str]
) -> None:
    adapter = ScoreBatch(fresh_model)
    fingerprint = Hasher.hash(adapter)
    assert counted_loads == []
    assert Hasher.hash(ScoreBatch(fresh_model)) == fingerprint
    adapter(texts_and_errors())
    assert Hasher.hash(adapter) == fingerprint  # a loaded model changes nothing
    others = [
        ScoreBatch(fresh_model, threshold=0.5),
        ScoreBatch(fresh_model, policy="machine"),
        ScoreBatch(fresh_model, output_prefix="f_"),
        ScoreBatch(fresh_model, text_column="body"),
    ]
    assert len({fingerprint, *map(Hasher.hash, others)}) == 1 + len(others)


# ---- for real, under Hugging Face datasets -----------------------------------------------


def corpus_records() -> list[dict[str, Any]]:
    """About 300 texts: XSum human openings and their machine continuations, L2R rewrites,
    BBC, local news and opinion articles, BBC articles pasted twice and XSum openings under an
    AI disclaimer (so that some are sure to be content farms), and rows that cannot be
    scored."""
    data = shared_path("data")
    rng = random.Random(8)

    def rows(name: str) -> list[dict[str, Any]]:
        return [json.loads(line) for line in (data / name).open(encoding="utf-8")]

    xsum, bbc = rows("xsum.jsonl"), rows("bbc.jsonl")
    human = [row for row in xsum if row["label"] == LABEL_SUBSTANTIVE]
    machine = [row for row in xsum if row["label"] == LABEL_FARM]
    picked = rng.sample(human, 70) + rng.sample(machine, 70) + rng.sample(bbc, 50)
    picked += rng.sample(rows("l2r.jsonl"), 40) + rng.sample(rows("localnews.jsonl"), 30)
    picked += rng.sample(rows("opinion.jsonl"), 30)
    records = [{"id": row["id"], "text": row["text"]} for row in picked]
    records += planted_tells(rng.sample(bbc, 8), rng.sample(human, 8))
    records += [{"id": f"unscorable/{name}", "text": text} for name, text in UNSCORABLE.items()]
    rng.shuffle(records)
    return records


@pytest.fixture(scope="module")
def corpus() -> Dataset:
    records = corpus_records()
    return Dataset.from_dict(
        {"id": [r["id"] for r in records], "text": [r["text"] for r in records]}
    )


@pytest.fixture(scope="module")
def command_rows(
    corpus: Dataset, model_folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, Any]]:
    """`farmscore score FILE --format jsonl` on the texts that can be scored, by id."""
    path = tmp_path_factory.mktemp("command") / "texts.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for row in corpus:
            if not row["id"].startswith("unscorable/"):
                out.write(json.dumps(row) + "\n")
    command = [sys.executable, "-m", "farmscore", "score", str(path), "--format", "jsonl"]
    done = subprocess.run([*command, "--model", str(model_folder)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    return {row["id"]: row for row in rows}


@pytest.fixture(scope="module")
def mapped(corpus: Dataset, model_folder: Path) -> Dataset:
    scored: Dataset = corpus.map(
        ScoreBatch(model_folder), batched=True, num_proc=2, load_from_cache_file=False
    )
    return scored


@pytest.mark.shared
def test_datasets_map_with_two_processes_scores_as_the_command_line_does(
    corpus: Dataset, mapped: Dataset, command_rows: dict[str, dict[str, Any]]
) -> None:
    assert mapped["id"] == corpus["id"]
    assert mapped["text"] == corpus["text"]
    assert mapped.column_names == ["id", "text", *OUTPUT_TYPES]
    scored = [row for row in mapped if not row["id"].startswith("unscorable/")]
    assert len(scored) == len(command_rows) == len(corpus) - len(UNSCORABLE)
    for row in scored:
        expected = command_rows[row["id"]]
        assert abs(row["score"] - expected["score"]) <= SCORE_TOLERANCE, row["id"]
        assert row["label"] == expected["label"], row["id"]
        assert row["decided_by"] == expected["decided_by"]
        assert row["top_reason"] == expected["reasons"][0]["feature"]
        assert abs(row["machine"] - expected["machine"]["probability"]) <= SCORE_TOLERANCE
        assert row["substance_percentile"] == (expected["substance"] or {}).get("percentile")
        assert row["warnings"] == "; ".join(expected["warnings"])
        assert row["error"] is None
    labels = {row["label"] for row in scored}
    assert labels == {LABEL_FARM, LABEL_SUBSTANTIVE}
    planted = [row for row in scored if row["id"].endswith(("/pasted", "/ai"))]
    assert {row["top_reason"] for row in planted} == {"tell_pasted_twice", "tell_ai_disclosure"}


@pytest.mark.shared
def test_rows_that_cannot_be_scored_stay_in_place_with_their_error(mapped: Dataset) -> None:
    unscored = [row for row in mapped if row["id"].startswith("unscorable/")]
    assert [row["id"] for row in unscored] == [
        row_id for row_id in mapped["id"] if row_id.startswith("unscorable/")
    ]
    assert len(unscored) == len(UNSCORABLE)
    for row in unscored:
        assert row["score"] is None
        assert row["label"] is None
        assert row["top_reason"] is None
        expected = NO_TEXT if row["id"] == "unscorable/missing" else NO_WORDS_REASON
        assert row["error"].startswith(expected)


@pytest.mark.shared
def test_datasets_filter_keeps_what_the_command_line_judges_substantive(
    corpus: Dataset, model_folder: Path, command_rows: dict[str, dict[str, Any]]
) -> None:
    kept = corpus.filter(
        ScoreBatch(model_folder).keep, batched=True, num_proc=2, load_from_cache_file=False
    )
    expected = [
        row_id
        for row_id in corpus["id"]
        if row_id in command_rows and command_rows[row_id]["label"] == LABEL_SUBSTANTIVE
    ]
    assert kept["id"] == expected
    assert kept.column_names == ["id", "text"]
    assert 0 < len(kept) < len(corpus) - len(UNSCORABLE)


def test_a_map_of_a_dataset_read_from_files_is_cached_until_the_settings_change(
    fresh_model: Path, tmp_path: Path, counted_loads: list[str]
) -> None:
    rng = random.Random(4)
    path = tmp_path / "articles.jsonl"
    path.write_text(
        "".join(json.dumps({"text": substantive_text(rng)}) + "\n" for _ in range(6)),
        encoding="utf-8",
    )
    articles = Dataset.from_json(str(path), cache_dir=str(tmp_path / "cache"))
    first = articles.map(ScoreBatch(fresh_model), batched=True)
    assert counted_loads == [str(fresh_model)]
    again = articles.map(ScoreBatch(fresh_model), batched=True)
    assert again.cache_files == first.cache_files
    assert again["score"] == first["score"]
    other = articles.map(ScoreBatch(fresh_model, threshold=0.5), batched=True)
    assert other.cache_files != first.cache_files
    assert counted_loads == [str(fresh_model)] * 2


# ---- the recipes, run as printed ----------------------------------------------------------


def recipe(heading: str) -> str:
    """The one Python block under `## heading` of docs/recipes.md."""
    text = RECIPES.read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    return str(block)


@pytest.fixture
def recipe_folder(tmp_path: Path) -> Path:
    """A folder holding `articles.jsonl`: made-up articles, one pasted twice, one without a
    word."""
    rng = random.Random(9)
    records = [{"id": f"human-{n}", "text": substantive_text(rng)} for n in range(10)]
    records += [{"id": f"farm-{n}", "text": farm_text(rng)} for n in range(10)]
    records += [{"id": "pasted", "text": f"{records[0]['text']}\n\n{records[0]['text']}"}]
    records += [{"id": "wordless", "text": "!!! ???"}]
    with (tmp_path / "articles.jsonl").open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")
    return tmp_path


def run_recipe(heading: str, folder: Path, timeout: float = 300) -> str:
    script = folder / "recipe.py"
    script.write_text(recipe(heading), encoding="utf-8")
    # The recipe's datasets cache stays in the test's folder, and nothing is downloaded.
    env = {**os.environ, "HF_HOME": str(folder / "hf"), "HF_DATASETS_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, script.name],
        cwd=folder,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def expected_labels(folder: Path) -> dict[str, Any]:
    """Each article's label as the adapter gives it here, with the shipped model as the
    recipes use it; None for the article without a word."""
    articles = pd.read_json(folder / "articles.jsonl", lines=True)
    scored = ScoreBatch()(articles)
    return {
        row_id: None if pd.isna(label) else label
        for row_id, label in zip(scored["id"], scored["label"], strict=True)
    }


def test_the_datasets_recipe_runs_as_printed(recipe_folder: Path) -> None:
    printed = run_recipe("Hugging Face datasets", recipe_folder)
    labels = expected_labels(recipe_folder)
    assert labels["pasted"] == LABEL_FARM
    assert labels["wordless"] is None
    kept = pd.read_json(recipe_folder / "kept.jsonl", lines=True)
    assert sorted(kept["id"]) == sorted(i for i, label in labels.items() if label != LABEL_FARM)
    assert kept.loc[kept["id"] == "wordless", "error"].str.startswith(NO_WORDS_REASON).all()
    assert "pasted" in printed
    assert "tell_pasted_twice" in printed


def test_the_dask_recipe_runs_as_printed_on_a_local_cluster(recipe_folder: Path) -> None:
    pytest.importorskip("distributed", reason="install the dask extra: pip install -e '.[dask]'")
    printed = run_recipe("Dask (existing)", recipe_folder)
    scored = pd.read_parquet(recipe_folder / "scored")
    labels = expected_labels(recipe_folder)
    found = {
        row_id: None if pd.isna(label) else label
        for row_id, label in zip(scored["id"], scored["label"], strict=True)
    }
    assert found == labels
    counts = pd.Series([label for label in labels.values() if label]).value_counts()
    for label, count in counts.items():
        assert re.search(rf"{label}\s+{count}\b", printed), printed


@pytest.mark.parametrize(
    ("heading", "module"), [("Ray Data", "ray.data"), ("Spark", "pyspark.sql")]
)
def test_the_ray_and_spark_recipes_run_as_printed_where_installed(
    recipe_folder: Path, heading: str, module: str
) -> None:
    pytest.importorskip(
        module, reason=f"{module} is not installed: the {heading} recipe is documented only"
    )
    run_recipe(heading, recipe_folder, timeout=600)
    # File by file: Ray writes a column that a block holds no value of as Arrow's null type,
    # which pyarrow will not cast to the other files' string when it reads the folder whole.
    parts = sorted((recipe_folder / "scored").glob("*.parquet"))
    scored = pd.concat([pd.read_parquet(part) for part in parts])
    found = {
        row_id: None if pd.isna(label) else label
        for row_id, label in zip(scored["id"], scored["label"], strict=True)
    }
    assert found == expected_labels(recipe_folder)
