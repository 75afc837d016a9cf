"""Bring the public corpora of `farmscore.training.corpus_sources` into training/corpora/.

    .venv/bin/python training/import_corpora.py --mirrors /work/.mirror

Reads each source's files at its pinned commit from a mirrored git snapshot (the workplace's
`fetch` puts one at <mirrors>/<owner>+<name>/repo), turns them into rows with the package's
row makers, drops a document already taken from an earlier source, and writes
`<name>.jsonl.gz` beside `MANIFEST.json`: for every corpus its repository, commit, licence,
role, the SHA-256 of every file read and of the file written, and its rows per label,
generator and family. Only needed to change the corpora: `make model` reads the stored files.
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

from farmscore.training.corpus_files import CORPUS_SUFFIX, write_corpus_file, write_manifest
from farmscore.training.corpus_sources import SOURCES, CorpusSource

_SPACES = re.compile(r"\W+")


def git_files(git_dir: Path, commit: str, source: CorpusSource) -> list[tuple[str, bytes]]:
    """(path, bytes) of every file of `commit` that `source` wants, in path order."""
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
    files, offset = [], 0
    for path, _ in wanted:
        header_end = batch.index(b"\n", offset)
        header = batch[offset:header_end].split()
        if header[-1] == b"missing":
            raise SystemExit(f"{source.repository}: {path} is missing from the snapshot")
        size = int(header[2])
        files.append((path, batch[header_end + 1 : header_end + 1 + size]))
        offset = header_end + 1 + size + 1
    return files


def document_key(text: str) -> str:
    """Two documents with the same first line and opening words are one document posted twice."""
    lines = text.strip().splitlines()
    opening = " ".join(" ".join(lines[1:]).split()[:40]) if len(lines) > 1 else ""
    return _SPACES.sub(" ", f"{lines[0]} | {opening}".lower()).strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--out", type=Path, default=Path("training/corpora"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    seen: dict[str, str] = {}
    entries: list[dict[str, Any]] = []
    for source in SOURCES:
        git_dir = args.mirrors / source.repository.replace("/", "+") / "repo"
        files = git_files(git_dir, source.commit, source)
        rows, file_hashes, repeats = [], {}, 0
        for path, data in files:
            made = list(source.make_rows(path, data))
            for row in made:
                key = document_key(row["text"])
                if seen.setdefault(key, row["id"]) != row["id"]:
                    repeats += 1
                    continue
                rows.append(row)
            if made:
                file_hashes[path] = hashlib.sha256(data).hexdigest()
        name = source.name + CORPUS_SUFFIX
        digest = write_corpus_file(args.out / name, rows)
        entries.append(
            {
                "file": name,
                "sha256": digest,
                "role": source.role,
                "description": source.description,
                "repository": source.repository,
                "commit": source.commit,
                "licence": source.licence,
                "paths": source.paths,
                "notes": list(source.notes),
                "rows": len(rows),
                "rows_by_label": dict(sorted(Counter(r["label"] for r in rows).items())),
                "rows_by_family": dict(sorted(Counter(r["family"] for r in rows).items())),
                "rows_by_generator": dict(sorted(Counter(r["generator"] for r in rows).items())),
                "repeated_documents_dropped": repeats,
                "source_files_sha256": file_hashes,
            }
        )
        size = (args.out / name).stat().st_size
        print(
            f"{name}: {len(rows):,} rows from {len(file_hashes):,} files, {size:,} bytes, "
            f"{repeats} repeats dropped",
            file=sys.stderr,
        )
    write_manifest(args.out, entries)


if __name__ == "__main__":
    main()
