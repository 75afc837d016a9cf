"""The corpora stored in the repository: where they came from, that they are what the manifest
says, and how they are read and made."""

from __future__ import annotations

import gzip
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
    MIN_STRUCTURED_WORDS,
    PAN24_GENERATORS,
    ROLE_EVALUATION,
    ROLE_TRAIN,
    SOURCES,
    generator_family,
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
        assert entry["role"] == source.role in (ROLE_TRAIN, ROLE_EVALUATION)
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
    machine = rows[(rows["label"] == 1) & (rows["text"].str.split().str.len() >= 300)]
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
        ("human", "human"),
        ("some-new-model", "some-new-model"),
    ],
)
def test_generator_families(generator: str, family: str) -> None:
    assert generator_family(generator) == family
