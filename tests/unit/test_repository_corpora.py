"""The corpora stored in the repository: where they came from, that they are what the manifest
says, and how they are read and made."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest

from farmscore.training.corpora import REPOSITORY_CORPORA_DIR, CorpusError, load_repository_corpora
from farmscore.training.corpus_files import (
    MANIFEST_NAME,
    CorpusFileError,
    read_corpus_file,
    read_manifest,
    write_corpus_file,
    write_manifest,
)
from farmscore.training.corpus_sources import (
    ABP_PER_OUTLET,
    LLMFAKE_GENERATORS,
    MIN_STRUCTURED_WORDS,
    PAN24_GENERATORS,
    ROLE_EVALUATION,
    ROLE_TRAIN,
    ROLE_TRIAL,
    SOURCES,
    abp_rows,
    abp_sample,
    argugpt_rows,
    generator_family,
    llmfake_rows,
    llmfake_sample,
    pan24_rows,
    structured_rows,
)


@pytest.fixture(scope="module")
def manifest() -> list[dict[str, object]]:
    return read_manifest(REPOSITORY_CORPORA_DIR)


def test_every_source_is_in_the_manifest_with_its_provenance(
    manifest: list[dict[str, object]],
) -> None:
    by_file = {entry["file"]: entry for entry in manifest}
    assert set(by_file) == {f"{source.name}.jsonl.gz" for source in SOURCES}
    for source in SOURCES:
        entry = by_file[f"{source.name}.jsonl.gz"]
        assert entry["repository"] == source.repository
        assert entry["commit"] == source.commit
        assert len(source.commit) == 40
        assert entry["licence"] == source.licence
        assert entry["role"] == source.role in (ROLE_TRAIN, ROLE_EVALUATION, ROLE_TRIAL)
        hashes = entry["source_files_sha256"]
        assert isinstance(hashes, dict)
        assert hashes
        assert all(source.wants(path) and len(digest) == 64 for path, digest in hashes.items())


def test_stored_files_match_the_manifest_and_stay_small(
    manifest: list[dict[str, object]],
) -> None:
    for entry in manifest:
        path = REPOSITORY_CORPORA_DIR / str(entry["file"])
        assert path.stat().st_size < 20_000_000
        rows = read_corpus_file(path, str(entry["sha256"]))
        assert len(rows) == entry["rows"]
        by_label: dict[str, int] = {}
        for row in rows:
            by_label[row["label"]] = by_label.get(row["label"], 0) + 1
        assert by_label == entry["rows_by_label"]


def test_the_corpora_hold_what_the_detection_work_needs() -> None:
    rows = load_repository_corpora()
    trained = rows[rows["role"] == ROLE_TRAIN]
    machine = trained[(trained["label"] == 1) & (trained["text"].str.split().str.len() >= 300)]
    assert len(machine) >= 3000
    assert machine["family"].nunique() >= 4
    held_out = rows[rows["role"] == ROLE_EVALUATION]
    assert len(held_out) >= 300
    assert (held_out["label"] == 0).all()
    # Human structured writing for training comes from other corpora than the held-out ones.
    structured = rows[(rows["role"] == ROLE_TRAIN) & (rows["genre"] != "news")]
    assert len(structured) >= 1000
    assert not set(structured["corpus"]) & set(held_out["corpus"])
    assert (structured["text"].str.split().str.len() >= MIN_STRUCTURED_WORDS).all()


def test_the_trial_corpora_are_read_with_their_role() -> None:
    rows = load_repository_corpora()
    trial = rows[rows["role"] == ROLE_TRIAL]
    assert set(trial["corpus"]) == {s.name for s in SOURCES if s.role == ROLE_TRIAL}
    assert set(trial["label"]) == {0, 1}
    assert not set(trial["corpus"]) & set(rows.loc[rows["role"] != ROLE_TRIAL, "corpus"])
    news = trial[trial["corpus"] == "abp_news"]
    assert news["source"].value_counts().max() <= ABP_PER_OUTLET
    assert (news["group"] == news["id"]).all()


def test_a_changed_file_is_refused(tmp_path: Path, manifest: list[dict[str, object]]) -> None:
    entry = dict(manifest[0])
    write_manifest(tmp_path, [entry])
    write_corpus_file(tmp_path / str(entry["file"]), [{"id": "x"}])
    with pytest.raises(CorpusError, match="SHA-256 differs"):
        load_repository_corpora(tmp_path)


def test_corpus_files_are_byte_for_byte_reproducible(tmp_path: Path) -> None:
    rows = [{"id": "a", "text": "Hé", "label": "substantive"}]
    first = write_corpus_file(tmp_path / "a.jsonl.gz", rows)
    second = write_corpus_file(tmp_path / "b.jsonl.gz", rows)
    assert first == second
    assert read_corpus_file(tmp_path / "a.jsonl.gz", first) == rows
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(b'{"id": 1}\nnot json\n'))
    with pytest.raises(CorpusFileError, match="line 2: not valid JSON"):
        read_corpus_file(tmp_path / "c.jsonl.gz")
    (tmp_path / MANIFEST_NAME).write_text('{"format_version": 99, "corpora": []}')
    with pytest.raises(CorpusFileError, match="format_version 99"):
        read_manifest(tmp_path)


def test_pan24_rows_pair_each_machine_article_with_its_human_story() -> None:
    human = json.dumps({"id": "articles/news-2021-x/art-001", "text": "Word " * 60}) + "\n"
    machine = json.dumps({"id": "gpt-4-turbo-preview/news-2021-x/art-001", "text": "Txt " * 60})
    (h,) = pan24_rows("pan24-generative-authorship-news/human.jsonl", human.encode())
    (m,) = pan24_rows(
        "pan24-generative-authorship-news/machines/gpt-4-turbo-preview.jsonl", machine.encode()
    )
    assert (h["label"], h["generator"], h["family"]) == ("substantive", "human", "human")
    assert (m["label"], m["generator"], m["family"]) == ("content_farm", "gpt-4-turbo", "openai")
    assert h["group"] == m["group"] == "pan24/news-2021-x/art-001"
    old_model = "pan24-generative-authorship-news/machines/alpaca-7b.jsonl"
    assert list(pan24_rows(old_model, machine.encode())) == []
    short = json.dumps({"id": "a/t/art-2", "text": "Too short."}).encode()
    assert list(pan24_rows("pan24-generative-authorship-news/human.jsonl", short)) == []
    assert {family for _, family in PAN24_GENERATORS.values()} == {
        "openai",
        "google",
        "meta",
        "mistral",
        "qwen",
    }


def test_structured_rows_read_markdown_and_drop_stubs() -> None:
    make = structured_rows("docs", "howto")
    article = "---\ntitle: Set up\n---\n## Steps\n\n" + "- Do the thing carefully.\n" * 40
    (row,) = make("docs/setup.md", article.encode())
    assert row["text"].startswith("Set up\n\nSteps\n- Do the thing carefully.")
    assert (row["label"], row["group"], row["genre"]) == (
        "substantive",
        "docs/docs/setup.md",
        "howto",
    )
    assert list(make("docs/stub.md", b"# Stub\n\nToo short.")) == []


def _abp_article(**changes: object) -> bytes:
    article: dict[str, object] = {
        "ID": "abc123",
        "source": "Reuters",
        "date": "2018-07-17",
        "title": "  Court rules   on families ",
        "content_original": "NEW YORK (Reuters) - " + "Word " * 120 + "\n\n \nSecond paragraph.",
        "content": "tokenized text",
    }
    article.update(changes)
    return json.dumps(article).encode()


def test_abp_rows_keep_dated_news_of_the_chosen_outlets() -> None:
    (row,) = abp_rows("data/jsons/abc123.json", _abp_article())
    assert row["text"].startswith("Court rules on families\n\nNEW YORK (Reuters) - Word")
    assert row["text"].endswith("Word\n\nSecond paragraph.")
    assert (row["id"], row["source"], row["group"]) == (
        "abp_news/reuters/abc123",
        "abp_news/reuters",
        "abp_news/reuters/abc123",
    )
    assert (row["label"], row["generator"], row["family"], row["genre"]) == (
        "substantive",
        "human",
        "human",
        "news",
    )
    (fox,) = abp_rows("x.json", _abp_article(source="Fox Online News"))
    assert fox["source"] == "abp_news/foxnews"
    for changes in (
        {"source": "Fox News Opinion"},
        {"date": "2021-01-06"},
        {"date": "2011-12-31"},
        {"date": ""},
        {"content_original": "Too short to be an article."},
        {"content_original": "word " * 3001},
    ):
        assert list(abp_rows("x.json", _abp_article(**changes))) == [], changes


def test_abp_sample_is_even_across_outlets_and_stable() -> None:
    rows = [
        {"id": f"abp_news/{outlet}/{n}", "source": f"abp_news/{outlet}"}
        for outlet, count in (("ap", 1000), ("npr", 1000), ("bloomberg", 50))
        for n in range(count)
    ]
    sample = abp_sample(rows)
    counts = {s: sum(r["source"] == s for r in sample) for s in {r["source"] for r in rows}}
    assert counts == {"abp_news/ap": 200, "abp_news/npr": 200, "abp_news/bloomberg": 50}
    assert abp_sample(list(reversed(rows))) == list(reversed(sample))


def _csv(header: list[str], *records: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(records)
    return buffer.getvalue().encode()


def test_llmfake_rows_take_generations_never_the_human_article() -> None:
    human = "The mayor opened the new bridge on Tuesday after years of delays. " * 6
    machine = "Residents gathered as officials unveiled a plan nobody had heard of before. " * 4
    data = _csv(
        ["news_id", "news_text", "label", "synthetic_misinformation"],
        ["politifact1", human, "1", machine],
        ["politifact2", human, "1", human],  # the human article kept as the "generation"
        ["politifact3", human, "1", "Too short."],
    )
    path = (
        "experiment/data/llama2_13b_generation/politifact/"
        "synthetic-gpt-3.5-turbo_politifact_open_ended_generation_processed.csv"
    )
    (row,) = llmfake_rows(path, data)
    assert row["text"] == machine.strip()
    assert (row["id"], row["group"], row["source"], row["domain"]) == (
        "llmfake/llama-2-13b-chat/open_ended/politifact/1",
        "llmfake/politifact/politifact1",
        "llmfake/llama-2-13b-chat/open_ended",
        "llmfake/open_ended",
    )
    assert (row["label"], row["generator"], row["family"]) == (
        "content_farm",
        "llama-2-13b-chat",
        "meta",
    )
    direct = _csv(["label", "prompt", "synthetic misinformation"], ["1", "Write news.", machine])
    partial = (
        "experiment/data/chatgpt_3.5_generation/politifact/synthetic-gpt-3.5-turbo_politifact_"
        "partially_arbitrary_generation_politics_rumors_processed.csv"
    )
    (row,) = llmfake_rows(partial, direct)
    assert (
        row["id"]
        == row["group"]
        == ("llmfake/chatgpt/partially_arbitrary_politics_rumors/politifact/1")
    )
    assert (row["domain"], row["family"]) == ("llmfake/partially_arbitrary", "openai")
    assert list(llmfake_rows(path.replace("open_ended", "paraphrase"), data)) == []
    assert list(llmfake_rows(path.replace("llama2_13b", "gpt2"), data)) == []
    assert {family for _, family in LLMFAKE_GENERATORS.values()} == {"openai", "meta", "lmsys"}


def test_llmfake_sample_caps_each_generator_and_prompt_kind() -> None:
    rows = [
        {"id": str(n), "text": f"text {n}", "source": f"llmfake/{g}/open_ended"}
        for g, count in (("chatgpt", 500), ("vicuna-7b", 30))
        for n in range(count)
    ]
    sample = llmfake_sample(rows)
    assert sum(r["source"] == "llmfake/chatgpt/open_ended" for r in sample) == 400
    assert sum(r["source"] == "llmfake/vicuna-7b/open_ended" for r in sample) == 30


def test_argugpt_rows_name_each_essays_model_and_maker() -> None:
    data = _csv(
        ["id", "prompt_id", "prompt", "text", "model"],
        ["ood_1", "ood-01", "Agree or disagree?", " An essay. ", "bloomz-7b"],
        ["ood_2", "ood-01", "Agree or disagree?", "Another essay.", "claude-instant"],
        ["ood_3", "ood-02", "Agree or disagree?", "", "gpt4"],
    )
    first, second = argugpt_rows("data/argugpt/machine-ood.csv", data)
    assert (first["id"], first["group"], first["text"]) == (
        "argugpt/bloomz-7b/ood_1",
        "argugpt/ood-01/ood_1",
        "An essay.",
    )
    assert (first["family"], second["family"]) == ("bigscience", "anthropic")
    assert (second["label"], second["domain"], second["genre"]) == (
        "content_farm",
        "argugpt",
        "essay",
    )


@pytest.mark.parametrize(
    ("generator", "family"),
    [
        ("GPT-4o", "openai"),
        ("davinci", "openai"),
        ("claude-3-sonnet-20240229", "anthropic"),
        ("Gemini-1.5-Pro", "google"),
        ("text-bison-002", "google"),
        ("Llama-3-70B", "meta"),
        ("mixtral-8x7b-instruct", "mistral"),
        ("qwen1.5-72b-chat", "qwen"),
        ("vicuna-13b", "lmsys"),
        ("bloomz-7b", "bigscience"),
        ("flan-t5-11b", "google"),
        ("gpt4", "openai"),
        ("chatgpt", "openai"),
        ("human", "human"),
        ("some-new-model", "some-new-model"),
    ],
)
def test_generator_families(generator: str, family: str) -> None:
    assert generator_family(generator) == family
