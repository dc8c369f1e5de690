"""Lazy file discovery: the first file is handed out before the walk of a big tree has gone further.

Directories are walked depth first, each directory's entries in name order, without following
directory symlinks (no loops). What is yielded is every entry a person would call a file: regular files,
symlinks to regular files, and broken symlinks (so that a dangling link is reported as unreadable rather than
silently dropped). FIFOs, sockets and devices are skipped: reading a FIFO would block the audit forever.
A directory that cannot be listed is yielded itself, so its report says why (verify cannot read it)
instead of the files under it vanishing from the audit.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator


def missing(names: Iterable[str]) -> list[str]:
    """The names that are neither a file, a directory nor a (possibly broken) symlink."""
    return [name for name in names if not os.path.lexists(name)]


def discover(names: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """Every file under `names`, lazily, in a stable order (a name given twice is walked twice)."""
    for raw in names:
        name = os.fspath(raw)
        if os.path.isdir(name):
            yield from _walk(name)
        else:
            yield name


def _walk(directory: str) -> Iterator[str]:
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        yield directory
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(entry.path)
            elif _is_file_like(entry):
                yield entry.path
        except OSError:
            yield entry.path


def _is_file_like(entry: os.DirEntry[str]) -> bool:
    if entry.is_file():
        return True
    if not entry.is_symlink():
        return False
    try:
        mode = os.stat(entry.path).st_mode
    except OSError:
        return True  # a broken (or looping) link: reported as unreadable
    return stat.S_ISREG(mode)  # a link to a directory is not followed, one to a FIFO or device not read


def count(names: Iterable[str | os.PathLike[str]]) -> int:
    """How many files `discover` will yield (the progress bar's total, counted on a side thread)."""
    return sum(1 for _ in discover(names))
