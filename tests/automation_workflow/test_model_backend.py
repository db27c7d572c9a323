"""The HTTP model-backend protocol against real servers on loopback, and the SSRF rules."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient

from annota.app import create_app
from annota.errors import InvalidInput
from annota.schema import load_schema
from annota.services import projects
from annota.services.actor import Actor
from annota.services.backend_http import BackendClient, BackendUnavailable, check_url
from annota.services.model_backends import RemoteModel
from annota.store.db import Database

from .conftest import TOKEN, TOPIC_SCHEMA


@contextmanager
def odd_server(behaviour: str) -> Iterator[str]:
    """A loopback server that misbehaves: slow, huge, or redirecting."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if behaviour == "slow":
                time.sleep(3)
                self._reply(b'{"status": "ok"}')
            elif behaviour == "huge":  # no Content-Length: the client must count bytes itself
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(b'{"pad": "' + b"x" * 200_000 + b'"}')
            elif behaviour == "redirect":
                self.send_response(302)
                self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.send_header("Content-Length", "0")
                self.end_headers()

        def _reply(self, raw: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError):  # the client gave up, as intended
                self.wfile.write(raw)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def client_for(
    url: str, *, token: str | None = None, timeout: float = 5.0, max_bytes: int = 1 << 20
):
    return BackendClient(check_url(url, allow_private=True), token, timeout, max_bytes)


@pytest.fixture
def project(db, people) -> int:
    people.add("boss")
    people.add("worker")
    pid = projects.create_project(db, Actor.operator(), name="auto", schema=TOPIC_SCHEMA).id
    projects.set_member(db, Actor.operator(), pid, username="boss", role="manager")
    projects.set_member(db, Actor.operator(), pid, username="worker", role="annotator")
    return pid


def test_register_check_and_never_show_the_token(client, people, project, example_backend):
    boss, worker = people.headers("boss"), people.headers("worker")
    url = f"/api/v1/projects/{project}/backends"
    body = {"name": "example", "url": example_backend, "token": TOKEN}
    assert client.post(url, json=body, headers=worker).status_code == 403
    created = client.post(url, json=body, headers=boss)
    assert created.status_code == 201, created.text
    assert created.json()["has_token"] is True
    assert TOKEN not in created.text
    listed = client.get(url, headers=boss)
    assert [b["name"] for b in listed.json()] == ["example"]
    assert TOKEN not in listed.text
    assert client.post(url, json=body, headers=boss).status_code == 409

    health = client.post(f"{url}/{created.json()['id']}/health", headers=boss).json()
    assert health == {"ok": True, "message": "ok", "model_version": "keywords-1"}

    wrong = client.post(url, json={**body, "name": "wrong", "token": "nope"}, headers=boss).json()
    bad = client.post(f"{url}/{wrong['id']}/health", headers=boss).json()
    assert bad == {"ok": False, "message": BackendUnavailable.MESSAGE, "model_version": None}
    with pytest.raises(BackendUnavailable) as refused:
        client_for(example_backend, token="nope").get("/health")
    assert refused.value.reason == "token_refused"
    assert client_for(example_backend, token=TOKEN).get("/health")["status"] == "ok"


def test_predict_and_fit_follow_the_protocol(example_backend):
    schema = load_schema(TOPIC_SCHEMA).model_dump(mode="json")
    model = RemoteModel(client_for(example_backend, token=TOKEN), name="ex", schema=schema)
    items = [
        {"id": 1, "data": {"text": "big sports news today"}},
        {"id": 2, "data": {"text": "nothing to see"}},
    ]
    first = model.predict(items)
    assert [p.item_id for p in first] == [1, 2]
    assert first[0].regions == (
        {"control": "topic", "value": {"choices": ["sports"]}, "score": 0.6},
    )
    assert first[1].regions == ()
    assert first[0].model_version == "keywords-1"

    train = [
        {"id": 3, "data": {"text": "the team won the match"}},
        {"id": 4, "data": {"text": "shares fell on the market"}},
    ]
    answers = [
        [{"control": "topic", "value": {"choices": ["sports"]}}],
        [{"control": "topic", "value": {"choices": ["business"]}}],
    ]
    version = model.fit(train, answers)
    assert version.startswith("tfidf-")
    after = model.predict([{"id": 5, "data": {"text": "shares and market"}}])
    assert after[0].model_version == version
    assert after[0].regions[0]["value"] == {"choices": ["business"]}


def failure(url: str, **kwargs: object) -> BackendUnavailable:
    with pytest.raises(BackendUnavailable) as caught:
        client_for(url, **kwargs).get("/health")
    assert str(caught.value.message) == BackendUnavailable.MESSAGE  # G6: one message for all
    return caught.value


def test_timeouts_caps_and_redirects_fail_cleanly():
    with odd_server("slow") as url:
        assert failure(url, timeout=0.3).reason == "timeout"
    with odd_server("huge") as url:
        assert failure(url, max_bytes=10_000).reason == "too_large"
        assert len(client_for(url, max_bytes=1 << 20).get("/health")["pad"]) == 200_000
    with odd_server("redirect") as url:
        assert failure(url).reason == "redirect"
    assert failure("http://127.0.0.1:9").reason == "unreachable"  # discard port: closed


def test_the_checked_address_is_the_one_connected_to(example_backend):
    port = int(example_backend.rsplit(":", 1)[1])
    # ".invalid" never resolves in real DNS: success proves no second lookup happens
    target = check_url(
        f"http://model.invalid:{port}", allow_private=True, resolve=lambda host, p: ["127.0.0.1"]
    )
    assert (target.ip, target.host_header) == ("127.0.0.1", f"model.invalid:{port}")
    client = BackendClient(target, TOKEN, 5.0, 1 << 20)
    assert client.get("/health")["status"] == "ok"


PRIVATE = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.9",
    "192.168.1.1",
    "100.64.0.1",
    "::1",
    "fd00::1",
    "::ffff:127.0.0.1",
    "64:ff9b::7f00:1",
]
ALWAYS_REFUSED = ["169.254.169.254", "fe80::1", "0.0.0.0", "224.0.0.1", "::", "255.255.255.255"]


@pytest.mark.parametrize("address", PRIVATE + ALWAYS_REFUSED)
def test_private_addresses_are_refused_after_resolution(address):
    with pytest.raises(InvalidInput, match="private, loopback or reserved"):
        check_url("http://model.example.com", allow_private=False, resolve=lambda h, p: [address])


@pytest.mark.parametrize("address", ALWAYS_REFUSED)
def test_metadata_and_link_local_stay_refused_when_private_is_allowed(address):
    with pytest.raises(InvalidInput, match="private, loopback or reserved"):
        check_url("http://model.example.com", allow_private=True, resolve=lambda h, p: [address])


@pytest.mark.parametrize("address", PRIVATE)
def test_the_setting_admits_loopback_and_private(address):
    target = check_url(
        "http://model.example.com", allow_private=True, resolve=lambda h, p: [address]
    )
    assert target.ip == address


def test_a_public_name_with_one_private_address_is_refused():
    resolve = lambda h, p: ["93.184.216.34", "10.0.0.7"]  # noqa: E731
    with pytest.raises(InvalidInput, match="private"):
        check_url("https://model.example.com/v1", allow_private=False, resolve=resolve)
    only_public = check_url(
        "https://model.example.com/v1", allow_private=False, resolve=lambda h, p: ["93.184.216.34"]
    )
    assert only_public.pinned_url("/predict") == "https://93.184.216.34:443/v1/predict"
    assert only_public.host_header == "model.example.com"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "only http and https"),
        ("gopher://model.example.com/", "only http and https"),
        ("http://user:pw@model.example.com/", "token field"),
        ("http://localhost:9000", "private or loopback"),
        ("http://api.localhost./", "private or loopback"),
        ("http://2130706433/", "private, loopback"),
        ("http://0x7f.1/", "private, loopback"),
        ("http://127.1/", "private, loopback"),
        ("http://[::ffff:7f00:1]/", "private, loopback"),
    ],
)
def test_schemes_credentials_and_alternate_encodings_are_refused(url, message):
    with pytest.raises(InvalidInput, match=message):
        check_url(url, allow_private=False)


def test_the_api_refuses_loopback_unless_the_server_allows_it(settings, people, project):
    strict_settings = settings.model_copy(update={"allow_private_model_urls": False})
    strict_db = Database(strict_settings)
    body = {"name": "local", "url": "http://127.0.0.1:9/"}
    try:
        with TestClient(create_app(strict_settings, db=strict_db, migrate=False)) as c:
            refused = c.post(
                f"/api/v1/projects/{project}/backends", json=body, headers=people.headers("boss")
            )
    finally:
        strict_db.dispose()
    assert refused.status_code == 400
    assert refused.json()["location"] == "url"
    assert "ANNOTA_ALLOW_PRIVATE_MODEL_URLS" in refused.json()["message"]
