"""Importing lists of media URLs from a real HTTP server on loopback, under the SSRF rules."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from PIL import Image
from sqlalchemy import func, select

from annota.errors import InvalidInput, TooLarge
from annota.services import projects, url_import
from annota.services.actor import Actor
from annota.store import tables
from annota.store.db import Database

OP = Actor.operator()
SCHEMA = (
    "fields: [{name: image, type: image}]\n"
    "controls: [{name: box, type: bbox, field: image, labels: [car]}]\n"
)


def _png(w: int, h: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (10, 200, 10)).save(buf, format="PNG")
    return buf.getvalue()


class Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {}

    def do_GET(self) -> None:
        status, headers, body = self.routes.get(self.path, (404, {}, b"no"))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{httpd.server_port}"
    Handler.routes = {
        "/a.png": (200, {}, _png(12, 7)),
        "/b.png?sig=1": (200, {}, _png(3, 4)),
        "/go": (302, {"Location": "/b.png?sig=1"}, b""),
        "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
        "/text": (200, {}, b"just text, not an image"),
        "/big.png": (200, {}, _png(400, 400) + b"\0" * 300_000),
    }
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base
    httpd.shutdown()


def _items(db: Database, pid: int) -> int:
    with db.read() as s:
        return int(
            s.execute(select(func.count()).where(tables.items.c.project_id == pid)).scalar_one()
        )


def _list(tmp_path: Path, *urls: str) -> Path:
    path = tmp_path / "list.urls"
    path.write_text("# media\n\n" + "\n".join(urls) + "\n")
    return path


def test_urls_become_items_with_probed_sizes(db: Database, server: str, tmp_path: Path) -> None:
    db.settings.allow_private_import_urls = True
    pid = projects.create_project(db, OP, name="u", schema=SCHEMA).id
    report = url_import.import_urls(db, OP, pid, _list(tmp_path, f"{server}/a.png", f"{server}/go"))
    assert (report.created, report.existing) == (2, 0)
    with db.read() as s:
        rows = s.execute(
            select(tables.items.c.external_id, tables.items.c.media).order_by(tables.items.c.id)
        ).all()
    assert [r.external_id for r in rows] == [f"{server}/a.png", f"{server}/go"]
    assert [(r.media["image"]["width"], r.media["image"]["height"]) for r in rows] == [
        (12, 7),
        (3, 4),
    ]
    again = url_import.import_urls(db, OP, pid, _list(tmp_path, f"{server}/a.png"))
    assert (again.created, again.existing) == (0, 1)


def test_loopback_is_refused_unless_allowed_and_metadata_never(
    db: Database, server: str, tmp_path: Path
) -> None:
    pid = projects.create_project(db, OP, name="u", schema=SCHEMA).id
    with pytest.raises(InvalidInput, match="private, loopback") as info:
        url_import.import_urls(db, OP, pid, _list(tmp_path, f"{server}/a.png"))
    assert info.value.location == "list.urls:3"
    db.settings.allow_private_import_urls = True
    with pytest.raises(InvalidInput, match="private, loopback") as redirected:
        url_import.import_urls(
            db, OP, pid, _list(tmp_path, f"{server}/a.png", f"{server}/to-metadata")
        )
    assert redirected.value.location == "list.urls:4"
    assert _items(db, pid) == 0  # the good first line was not stored either


@pytest.mark.parametrize(
    ("path", "error", "message"),
    [
        ("/text", InvalidInput, "not media"),
        ("/missing.png", InvalidInput, "HTTP 404"),
        ("/big.png", TooLarge, "larger than"),
    ],
)
def test_bad_urls_are_located_and_nothing_is_stored(
    db: Database, server: str, tmp_path: Path, path: str, error: type[Exception], message: str
) -> None:
    db.settings.allow_private_import_urls = True
    db.settings.max_body_bytes = 200_000
    pid = projects.create_project(db, OP, name="u", schema=SCHEMA).id
    with pytest.raises(error, match=message):
        url_import.import_urls(db, OP, pid, _list(tmp_path, f"{server}/a.png", server + path))
    assert _items(db, pid) == 0
    for bad in ("file:///etc/passwd", "http://user:pw@example.org/x.png", "ftp://example.org/a"):
        with pytest.raises(InvalidInput):
            url_import.import_urls(db, OP, pid, _list(tmp_path, bad))
