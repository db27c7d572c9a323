"""Media kept in a local folder under generated names.

A file is written to a temporary name, fsynced and renamed before its database row is
committed, so every row points at a complete file (SECURITY.md P9). Keys are generated here,
never taken from a user, and every path is checked to stay inside the root after resolving
symlinks.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from annota.errors import NotFound, TooLarge

CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class StoredFile:
    key: str
    size: int
    sha256: str
    path: Path


class LocalMediaStore:
    """A folder of media files addressed by opaque keys such as ``ab/3f9c....png``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        root = self.root.resolve()
        if root not in path.parents:
            raise NotFound("no such media file", location="media")
        return path

    def put(self, source: BinaryIO, *, extension: str, max_bytes: int | None = None) -> StoredFile:
        """Copy ``source`` in durably and return its generated key, size and hash."""
        token = secrets.token_hex(16)
        key = f"{token[:2]}/{token}{extension}"
        path = self.root / key
        path.parent.mkdir(exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{token}.tmp")
        digest = hashlib.sha256()
        size = 0
        try:
            with open(tmp, "wb") as out:
                while chunk := source.read(CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise TooLarge(f"file is larger than {max_bytes} bytes", location="file")
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
            _fsync_dir(path.parent)
        finally:
            tmp.unlink(missing_ok=True)
        return StoredFile(key=key, size=size, sha256=digest.hexdigest(), path=path)

    def path(self, key: str) -> Path:
        path = self._path(key)
        if not path.is_file():
            raise NotFound("no such media file", location="media")
        return path

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        for path in self.root.rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                yield path.relative_to(self.root).as_posix()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
