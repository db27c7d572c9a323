"""Static files: an allow-list of types with explicit charsets, and cache headers.

Files under ``vendor/`` carry their pinned version in the path, so they are cached for a
year; our own files are revalidated on every use (ETag / Last-Modified, answered 304).
"""

from __future__ import annotations

import os
from typing import Any

from starlette.responses import PlainTextResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from annota.web.templating import STATIC

TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
    ".wasm": "application/wasm",
}
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


class WebStatic(StaticFiles):
    """Starlette's StaticFiles (no listing, no symlinks out) with our types and caching."""

    def file_response(
        self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope,
        status_code: int = 200,
    ) -> Response:  # fmt: skip
        ext = os.path.splitext(str(full_path))[1].lower()
        if ext not in TYPES:
            return PlainTextResponse("not found", status_code=404)
        response = super().file_response(full_path, stat_result, scope, status_code)
        if response.status_code != 304:
            response.headers["content-type"] = TYPES[ext]
        vendored = os.path.relpath(str(full_path), str(STATIC)).startswith("vendor" + os.sep)
        response.headers["cache-control"] = IMMUTABLE if vendored else REVALIDATE
        return response


def static_files(**kwargs: Any) -> WebStatic:
    return WebStatic(directory=STATIC, **kwargs)
