"""The media files of a local folder, in a stable order, never leaving the folder.

Used to import a folder of images or recordings. The order is sorted by name at every level
so that two imports of the same folder create items in the same order. Hidden entries are
skipped (``.git``, ``.DS_Store``, editor droppings). A symlinked file is followed only if its
real path is still inside the folder (SECURITY.md F1); symlinked directories are never
descended, which rules out cycles and duplicates (a target inside the folder is walked anyway).
Files are chosen by extension here, which is only a pre-filter: the bytes are sniffed on upload.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from annota.errors import InvalidInput
from annota.formats.media.kinds import MEDIA_EXTENSIONS


def iter_media_files(folder: Path) -> Iterator[Path]:
    """Yield media files under ``folder``, recursively, depth first in name order.

    Parameters
    ----------
    folder : Path
        Yielded paths start with it (they are not resolved), so they stay meaningful to the
        caller.

    Raises
    ------
    InvalidInput
        ``folder`` is not a directory.

    Notes
    -----
    The sorted entries of each directory on the current path are held, so memory follows
    the depth and the largest directory, not the size of the tree.
    """
    if not folder.is_dir():
        raise InvalidInput("not a folder", location=str(folder))
    root = os.path.realpath(folder)
    levels = [_sorted_entries(folder)]
    while levels:
        entry = next(levels[-1], None)
        if entry is None:
            levels.pop()
        elif entry.is_dir(follow_symlinks=False):
            levels.append(_sorted_entries(Path(entry.path)))
        elif _is_media_file(entry, root):
            yield Path(entry.path)


def _sorted_entries(directory: Path) -> Iterator[os.DirEntry[str]]:
    with os.scandir(directory) as scan:
        entries = [entry for entry in scan if not entry.name.startswith(".")]
    entries.sort(key=lambda entry: entry.name)
    return iter(entries)


def _is_media_file(entry: os.DirEntry[str], root: str) -> bool:
    if os.path.splitext(entry.name)[1].lower() not in MEDIA_EXTENSIONS:
        return False
    if entry.is_symlink():
        target = os.path.realpath(entry.path)
        if os.path.commonpath([root, target]) != root:
            return False
    return entry.is_file()
