"""Find the input files under the paths a user gives: every file a command reads, and a row
for every one it cannot, so that nothing under a given folder is dropped without a word.

A folder is searched recursively, in sorted order. A subfolder that cannot be listed, a link
that points nowhere, and a link that leads out of the folders given become errors naming
them; links out are followed only when asked (`follow_links`), and a folder is never entered
twice, so a link loop ends. A file ending in `.gz` is read as the file without that ending,
decompressed (`logical_suffix`).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from farmscore.types import InputError

COMPRESSED_SUFFIX = ".gz"


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file to read: its path, and the name that identifies its documents (the path as
    the user wrote it, or found under a folder)."""

    path: Path
    name: str

    @property
    def suffix(self) -> str:
        return logical_suffix(self.path)


def logical_suffix(path: Path) -> str:
    """The suffix that says how to read `path`: `.jsonl` for `feed.jsonl.gz`.

    >>> logical_suffix(Path("a/Feed.JSONL.gz")), logical_suffix(Path("page.html"))
    ('.jsonl', '.html')
    """
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes[-1:] == [COMPRESSED_SUFFIX] and len(suffixes) > 1:
        return suffixes[-2]
    return suffixes[-1] if suffixes else ""


def name_of(path: Path | str) -> str:
    """A path as text that can be written as UTF-8: a byte of the file name that is not UTF-8
    (Python keeps it as a lone surrogate) is written as `\\xff`. Every report, table and
    JSON line can then carry it; other names are unchanged.

    >>> name_of(os.fsdecode(b"caf\\xe9.txt")), name_of("café.txt")
    ('caf\\\\xe9.txt', 'café.txt')
    """
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    return text


def shown(path: Path | str) -> str:
    """A path as it can be printed on one line: control characters (a newline in a file name)
    escaped, bytes that are not UTF-8 written as `\\xff`."""
    text = name_of(path)
    if text.isprintable():
        return text
    return text.encode("unicode_escape").decode("ascii")


def walk_inputs(
    paths: Iterable[str],
    suffixes: frozenset[str],
    *,
    exclude: Path | None = None,
    follow_links: bool = False,
) -> Iterator[InputFile | InputError]:
    """Every file to read under `paths` whose logical suffix is in `suffixes`, or an
    `InputError` for what cannot be read. A file named directly is always given back, so
    that its reader can say why it cannot read it; files under `exclude` (an audit's own
    output folder) are skipped."""
    for path in paths:
        target = Path(path)
        if target.is_symlink() and not target.exists():
            yield InputError(shown(path), "a symbolic link to nothing; fix or remove the link")
        elif target.is_dir():
            yield from _walk_folder(target, suffixes, exclude, follow_links)
        elif target.exists():
            yield InputFile(target, name_of(path))
        else:
            yield InputError(shown(path), "no such file or folder; check the path")


def _walk_folder(
    root: Path, suffixes: frozenset[str], exclude: Path | None, follow_links: bool
) -> Iterator[InputFile | InputError]:
    """Depth first, each folder's entries in name order: the order of `sorted(rglob("*"))`,
    with a stack of folders in place of recursion, so a deep tree cannot overflow it."""
    boundary = root.resolve()
    excluded = exclude.resolve() if exclude is not None else None
    seen: set[tuple[int, int]] = set()
    stack: list[Iterator[os.DirEntry[str]]] = []

    def enter(folder: Path) -> InputError | None:
        try:
            identity = folder.stat()
            if (identity.st_dev, identity.st_ino) in seen:
                return None  # reached again through a link: a loop, or two links to one folder
            seen.add((identity.st_dev, identity.st_ino))
            stack.append(iter(sorted(os.scandir(folder), key=lambda entry: entry.name)))
        except OSError as error:
            return InputError(shown(folder), _cannot(error, "list this folder"))
        return None

    problem = enter(root)
    if problem:
        yield problem
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        path = Path(entry.path)
        link_problem = _link_problem(path, boundary, follow_links)
        if link_problem:
            yield InputError(shown(path), link_problem)
            continue
        if excluded is not None and path.resolve().is_relative_to(excluded):
            continue
        try:
            is_folder = entry.is_dir()
        except OSError as error:
            yield InputError(shown(path), _cannot(error, "read this entry"))
            continue
        if is_folder:
            problem = enter(path)
            if problem:
                yield problem
        elif logical_suffix(path) in suffixes:
            special = _special_file_problem(entry)
            yield InputError(shown(path), special) if special else InputFile(path, name_of(path))


def _special_file_problem(entry: os.DirEntry[str]) -> str | None:
    """Why a file found in a folder is not read: a FIFO, socket or device would block or
    never end. One the user names directly (`<(zcat a.jsonl.gz)`) is still read."""
    try:
        mode = entry.stat().st_mode
    except OSError as error:
        return _cannot(error, "read this entry")
    if stat.S_ISREG(mode):
        return None
    return "not a regular file (a FIFO, socket or device); name it directly to read it"


def _link_problem(path: Path, boundary: Path, follow_links: bool) -> str | None:
    """Why a symbolic link is not followed, or None for a path that is no link or may be."""
    if not path.is_symlink():
        return None
    if not path.exists():
        return "a symbolic link to nothing; fix or remove the link"
    if follow_links or path.resolve().is_relative_to(boundary):
        return None
    return (
        f"a symbolic link out of {shown(boundary)} (to {shown(path.resolve())}); not followed "
        f"unless you pass --follow-links"
    )


def _cannot(error: OSError, what: str) -> str:
    return f"cannot {what}: {error.strerror or error}; check its permissions"
