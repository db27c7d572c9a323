"""Media: typed by their bytes, served only to members, with ranges and safe headers."""

from __future__ import annotations

import hashlib

import pytest

from api.conftest import png_bytes


@pytest.fixture
def manager(people, db, client, text_schema):
    people.add("mgr")
    h = people.headers("mgr")
    pid = client.post(
        "/api/v1/projects", headers=h, json={"name": "m", "schema": text_schema}
    ).json()["id"]
    return pid, h


def test_upload_then_serve_with_range_requests(client, manager):
    pid, h = manager
    data = png_bytes(64, 48)
    r = client.post(
        f"/api/v1/projects/{pid}/media",
        headers=h,
        files={"file": ("holiday photo.PNG", data, "text/html")},
    )
    assert r.status_code == 201, r.text
    media = r.json()
    assert (media["content_type"], media["width"], media["height"]) == ("image/png", 64, 48)
    r = client.get(media["url"], headers=h)
    assert r.status_code == 200
    assert hashlib.sha256(r.content).digest() == hashlib.sha256(data).digest()
    assert r.headers["content-type"] == "image/png"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in r.headers["content-security-policy"]
    r = client.get(media["url"], headers={**h, "Range": "bytes=10-19"})
    assert r.status_code == 206
    assert r.content == data[10:20]
    assert r.headers["content-range"] == f"bytes 10-19/{len(data)}"
    r = client.get(media["url"], headers={**h, "Range": "bytes=-5"})
    assert r.content == data[-5:]
    r = client.get(media["url"], headers={**h, "Range": f"bytes={len(data) + 5}-"})
    assert r.status_code == 416


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("x.png", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("../../etc/passwd", b"root:x:0:0"),
    ],
)
def test_non_media_is_refused_whatever_its_name(client, manager, name, content):
    pid, h = manager
    r = client.post(
        f"/api/v1/projects/{pid}/media", headers=h, files={"file": (name, content, "image/png")}
    )
    assert r.status_code == 400
    assert "not a supported" in r.json()["message"]


def test_polyglot_is_stored_as_the_image_it_starts_with(client, manager):
    pid, h = manager
    polyglot = png_bytes() + b"<html><script>alert(1)</script></html>"
    r = client.post(
        f"/api/v1/projects/{pid}/media",
        headers=h,
        files={"file": ("a.png.html", polyglot, "text/html")},
    )
    assert r.status_code == 201
    served = client.get(r.json()["url"], headers=h)
    assert served.headers["content-type"] == "image/png"


def test_decompression_bomb_is_refused(client, manager, settings):
    pid, h = manager
    settings.max_image_pixels = 1000  # a 64x48 image is over this cap
    r = client.post(
        f"/api/v1/projects/{pid}/media",
        headers=h,
        files={"file": ("big.png", png_bytes(64, 48), "image/png")},
    )
    assert r.status_code == 413
