"""Finding input files: every file read, and a row for everything that cannot be."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from farmscore.reading.paths import InputFile, logical_suffix, shown, walk_inputs
from farmscore.types import InputError

SUFFIXES = frozenset({".txt", ".jsonl"})


def walk(*paths: Path, follow_links: bool = False) -> list[InputFile | InputError]:
    return list(walk_inputs([str(p) for p in paths], SUFFIXES, follow_links=follow_links))


def names(found: list[InputFile | InputError], root: Path) -> list[str]:
    return [
        str(Path(item.name).relative_to(root))
        if isinstance(item, InputFile)
        else f"error {Path(item.where).relative_to(root)}"
        for item in found
    ]


def test_folders_are_walked_depth_first_in_name_order(tmp_path: Path) -> None:
    for path in ("b.txt", "a/z.txt", "a/b/c.txt", "a.txt", "a/skip.csv", "c.jsonl.gz"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("x", encoding="utf-8")
    assert names(walk(tmp_path), tmp_path) == [
        "a/b/c.txt",
        "a/z.txt",
        "a.txt",
        "b.txt",
        "c.jsonl.gz",
    ]
    # The order the readers had before: sorted paths (compared part by part).
    in_order = sorted(p for p in tmp_path.rglob("*") if logical_suffix(p) in SUFFIXES)
    assert names(walk(tmp_path), tmp_path) == [str(p.relative_to(tmp_path)) for p in in_order]


def test_links_that_point_nowhere_or_out_of_the_tree_are_errors_not_silence(
    tmp_path: Path,
) -> None:
    root, outside = tmp_path / "in", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("not for the audit", encoding="utf-8")
    (root / "kept.txt").write_text("x", encoding="utf-8")
    (root / "dangling.txt").symlink_to(root / "missing.txt")
    (root / "out.txt").symlink_to(outside / "secret.txt")
    (root / "out-folder").symlink_to(outside)
    (root / "inside.txt").symlink_to(root / "kept.txt")
    found = walk(root)
    assert names([f for f in found if isinstance(f, InputFile)], root) == [
        "inside.txt",
        "kept.txt",
    ]
    errors = {Path(e.where).name: e.reason for e in found if isinstance(e, InputError)}
    assert set(errors) == {"dangling.txt", "out.txt", "out-folder"}
    assert "a symbolic link to nothing" in errors["dangling.txt"]
    assert "not followed unless you pass --follow-links" in errors["out.txt"]
    followed = [f for f in walk(root, follow_links=True) if isinstance(f, InputFile)]
    assert sorted(Path(f.name).name for f in followed) == [
        "inside.txt",
        "kept.txt",
        "out.txt",
        "secret.txt",
    ]


def test_a_link_loop_ends(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("x", encoding="utf-8")
    (tmp_path / "a" / "again").symlink_to(tmp_path / "a")
    found = walk(tmp_path, follow_links=True)
    assert [Path(f.name).name for f in found if isinstance(f, InputFile)] == ["x.txt"]


def test_a_folder_that_cannot_be_listed_is_an_error_and_the_walk_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.txt").write_text("x", encoding="utf-8")
    (tmp_path / "open.txt").write_text("x", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str]) -> object:
        # Tests run as root, for whom chmod 000 locks nothing: refuse the way the OS does.
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = walk(tmp_path)
    assert names(found, tmp_path) == ["error locked", "open.txt"]
    error = found[0]
    assert isinstance(error, InputError)
    assert "cannot list this folder: Permission denied" in error.reason


def test_missing_paths_and_odd_names_are_named_on_one_line(tmp_path: Path) -> None:
    odd = tmp_path / "new\nline.txt"
    odd.write_text("x", encoding="utf-8")
    (found,) = walk(tmp_path)
    assert isinstance(found, InputFile)
    assert shown(found.name).endswith("new\\nline.txt")
    (missing,) = walk(tmp_path / "nope")
    assert isinstance(missing, InputError)
    assert "no such file or folder" in missing.reason


def test_a_fifo_in_a_folder_is_an_error_not_a_read_that_never_ends(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("words")
    os.mkfifo(tmp_path / "b.txt")  # nothing ever writes to it: opening it would block for good

    found = walk(tmp_path)

    assert names(found, tmp_path) == ["a.txt", "error b.txt"]
    (error,) = [item for item in found if isinstance(item, InputError)]
    assert "not a regular file" in error.reason
