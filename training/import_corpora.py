"""Bring the public corpora of `farmscore.training.corpus_sources` into training/corpora/.

    .venv/bin/python training/import_corpora.py --mirrors /work/.mirror
    .venv/bin/python training/import_corpora.py --mirrors /work/.mirror --only abp_news

Reads each source's files at its pinned commit from a mirrored git snapshot (the workplace's
`fetch` puts one at <mirrors>/<owner>+<name>/repo), turns them into rows with the package's
row makers, drops a document already taken from an earlier source, keeps the rows the
source's selection chooses, and writes `<name>.jsonl.gz` beside `MANIFEST.json`: for every
corpus its repository, commit, licence, role, the SHA-256 of every file the stored rows were
made from and of the file written, and its rows per label, generator and family. With
`--only`, just the named corpora are rebuilt and every other manifest entry is kept as it is.
Only needed to change the corpora: `make model` reads the stored files.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from farmscore.training.corpus_files import (
    CORPUS_SUFFIX,
    read_manifest,
    write_corpus_file,
    write_manifest,
)
from farmscore.training.corpus_sources import SOURCES, CorpusSource

_SPACES = re.compile(r"\W+")


def git_files(
    git_dir: Path, commit: str, source: CorpusSource
) -> tuple[list[tuple[str, bytes]], list[str]]:
    """(path, bytes) of every file of `commit` that `source` wants, in path order, and the
    paths of the wanted files the snapshot lacks (an error unless the source skips them)."""
    listing = subprocess.run(
        ["git", "--git-dir", str(git_dir), "ls-tree", "-r", "-z", commit],
        check=True,
        capture_output=True,
    ).stdout
    wanted: list[tuple[str, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, raw_path = entry.split(b"\t", 1)
        _, kind, blob = meta.split()
        path = raw_path.decode("utf-8")
        if kind == b"blob" and source.wants(path):
            wanted.append((path, blob.decode()))
    wanted.sort()
    batch = subprocess.run(
        ["git", "--git-dir", str(git_dir), "cat-file", "--batch"],
        input="".join(f"{blob}\n" for _, blob in wanted).encode(),
        check=True,
        capture_output=True,
    ).stdout
    files, missing, offset = [], [], 0
    for path, _ in wanted:
        header_end = batch.index(b"\n", offset)
        header = batch[offset:header_end].split()
        if header[-1] == b"missing":
            if not source.skip_missing_files:
                raise SystemExit(f"{source.repository}: {path} is missing from the snapshot")
            missing.append(path)
            offset = header_end + 1
            continue
        size = int(header[2])
        files.append((path, batch[header_end + 1 : header_end + 1 + size]))
        offset = header_end + 1 + size + 1
    return files, missing


def document_key(text: str) -> str:
    """Two documents with the same first line and opening words are one document posted twice."""
    lines = text.strip().splitlines()
    opening = " ".join(" ".join(lines[1:]).split()[:40]) if len(lines) > 1 else ""
    return _SPACES.sub(" ", f"{lines[0]} | {opening}".lower()).strip()


def import_source(
    source: CorpusSource, mirrors: Path, out: Path, seen: dict[str, str]
) -> dict[str, Any]:
    """Write `source`'s corpus file and return its manifest entry. A document whose key is in
    `seen` (an earlier source's) or repeats one of this source is dropped; the stored rows'
    keys are then added to `seen`."""
    git_dir = mirrors / source.repository.replace("/", "+") / "repo"
    files, missing = git_files(git_dir, source.commit, source)
    made: list[tuple[str, dict[str, str]]] = []
    file_hashes: dict[str, str] = {}
    for path, data in files:
        rows_of_file = list(source.make_rows(path, data))
        if rows_of_file:
            file_hashes[path] = hashlib.sha256(data).hexdigest()
        made.extend((path, row) for row in rows_of_file)
    own: dict[str, str] = {}
    candidates: list[dict[str, str]] = []
    row_paths: dict[str, str] = {}
    repeat_paths: set[str] = set()
    repeats = 0
    for path, row in made:
        key = document_key(row["text"])
        if seen.get(key, own.setdefault(key, row["id"])) != row["id"]:
            repeats += 1
            repeat_paths.add(path)
            continue
        candidates.append(row)
        row_paths[row["id"]] = path
    rows = source.select(candidates)
    for row in rows:
        seen[document_key(row["text"])] = row["id"]
    # Hashes of the files the stored rows (or the repeats dropped) came from, not of the
    # files whose rows the selection left out.
    used = {row_paths[row["id"]] for row in rows} | repeat_paths
    file_hashes = {path: digest for path, digest in file_hashes.items() if path in used}
    name = source.name + CORPUS_SUFFIX
    digest = write_corpus_file(out / name, rows)
    notes = list(source.notes)
    if missing:
        notes.append(
            f"Missing from the mirrored snapshot and skipped ({len(missing)}): "
            + ", ".join(missing)
        )
    size = (out / name).stat().st_size
    print(
        f"{name}: {len(rows):,} rows of {len(candidates):,} from {len(file_hashes):,} files, "
        f"{size:,} bytes, {repeats} repeats dropped, {len(missing)} files missing",
        file=sys.stderr,
    )
    return {
        "file": name,
        "sha256": digest,
        "role": source.role,
        "description": source.description,
        "repository": source.repository,
        "commit": source.commit,
        "licence": source.licence,
        "paths": source.paths,
        "notes": notes,
        "rows": len(rows),
        "rows_by_label": dict(sorted(Counter(r["label"] for r in rows).items())),
        "rows_by_family": dict(sorted(Counter(r["family"] for r in rows).items())),
        "rows_by_generator": dict(sorted(Counter(r["generator"] for r in rows).items())),
        "repeated_documents_dropped": repeats,
        "source_files_sha256": file_hashes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--out", type=Path, default=Path("training/corpora"))
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        choices=[source.name for source in SOURCES],
        help=(
            "rebuild only these corpora and keep every other entry of the existing manifest "
            "(and its file) as it is; repeated documents are then dropped within the named "
            "sources only, not against the corpora kept"
        ),
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    only = set(args.only or (source.name for source in SOURCES))
    kept: dict[str, dict[str, Any]] = {}
    if args.only:
        kept = {str(entry["file"]): entry for entry in read_manifest(args.out)}
    seen: dict[str, str] = {}
    entries: list[dict[str, Any]] = []
    for source in SOURCES:
        name = source.name + CORPUS_SUFFIX
        if source.name in only:
            entries.append(import_source(source, args.mirrors, args.out, seen))
        elif name in kept:
            entries.append(kept[name])
        kept.pop(name, None)
    # Entries of corpora no source names any more stay, after the others, as they were.
    entries.extend(kept.values())
    write_manifest(args.out, entries)


if __name__ == "__main__":
    main()
