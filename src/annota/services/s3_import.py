"""Importing from S3-compatible object storage (AWS S3, MinIO, Ceph …) through fsspec/s3fs.

``s3://bucket/key`` names one file (a record or annotation file); ``s3://bucket/prefix/`` a
folder (media, a YOLO or VOC dataset, a COCO file next to its images). Objects are copied
into a temporary folder, streamed and size-capped, and the folder is then imported by the
same importers as a local path, so every format and every guarantee (located errors, all or
nothing) carries over. Credentials come from settings (``ANNOTA_S3_*``) and are never shown:
they are secret strings in the settings and appear in no message.
"""

from __future__ import annotations

import importlib
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from annota.config import Settings
from annota.errors import InvalidInput, TooLarge

Progress = Callable[[int], None]
MAX_OBJECTS = 1_000_000


def is_s3_url(source: str) -> bool:
    return source.startswith("s3://")


def _filesystem(settings: Settings) -> Any:
    s3fs = importlib.import_module("s3fs")  # optional: ``pip install 'annota[s3]'``
    key = settings.s3_access_key_id
    secret = settings.s3_secret_access_key
    client: dict[str, Any] = {}
    if settings.s3_endpoint_url:
        client["endpoint_url"] = settings.s3_endpoint_url
    if settings.s3_region:
        client["region_name"] = settings.s3_region
    return s3fs.S3FileSystem(
        key=key or None,
        secret=secret.get_secret_value() if secret else None,
        anon=not (key or secret) and settings.s3_anonymous,
        client_kwargs=client,
    )


def _safe_relative(key: str, root: str) -> PurePosixPath:
    rel = PurePosixPath(key[len(root) :].lstrip("/"))
    if not rel.parts or any(part in {"..", ""} for part in rel.parts):
        raise InvalidInput("an object key escapes its prefix", location=key)
    return rel


@contextmanager
def fetched(source: str, settings: Settings) -> Iterator[Path]:
    """The S3 file or prefix copied to a temporary local path, removed afterwards."""
    try:
        fs = _filesystem(settings)
    except ImportError:
        raise InvalidInput(
            "S3 import needs s3fs: pip install 'annota[s3]'", location="source"
        ) from None
    path = source.removeprefix("s3://").rstrip("/")
    try:
        is_file = fs.isfile(path)
        keys = [path] if is_file else list(fs.find(path))
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"cannot list it: {type(exc).__name__}", location=source) from None
    if not keys:
        raise InvalidInput("no objects there", location=source)
    if len(keys) > MAX_OBJECTS:
        raise InvalidInput(f"more than {MAX_OBJECTS} objects under it", location=source)
    with tempfile.TemporaryDirectory(prefix="annota-s3-") as tmp:
        root = Path(tmp) / "source"
        root.mkdir()
        for key in keys:
            rel = PurePosixPath(PurePosixPath(key).name) if is_file else _safe_relative(key, path)
            dest = root.joinpath(*rel.parts)
            dest.parent.mkdir(parents=True, exist_ok=True)
            _copy(fs, key, dest, settings.max_body_bytes)
        yield root / keys[0].rsplit("/", 1)[-1] if is_file else root


def _copy(fs: Any, key: str, dest: Path, max_bytes: int) -> None:
    size = 0
    with fs.open(key, "rb") as src, open(dest, "wb") as out:
        while chunk := src.read(1 << 20):
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge(f"object is larger than {max_bytes} bytes", location=f"s3://{key}")
            out.write(chunk)
