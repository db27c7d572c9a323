"""Nothing acknowledged is lost when the server process is killed (SIGKILL) mid-write.

Clients submit annotations, each with a client-made idempotency key, and log every 2xx; a
chaos loop kills the server at random moments and restarts it. Afterwards every
acknowledged annotation exists with the content that was sent, retries created no
duplicates, the item counters equal a recomputation, and SQLite's integrity checks pass.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest
from sqlalchemy import text

from annota.formats import SourceRecord
from annota.services import assignment, importing, projects, users
from annota.services.actor import Actor
from live import free_port, wait_until_up

CHOICES = ["positive", "negative", "neutral"]


def _start(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "annota", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_acknowledged_annotations_survive_sigkill(db, settings, text_schema):
    op = Actor.operator()
    pid = projects.create_project(
        db, op, name="chaos", schema=text_schema, settings={"overlap": 4}
    ).id
    importing.import_records(
        db,
        op,
        pid,
        [SourceRecord("c", f"i{i}", {"text": f"t{i}"}, {}) for i in range(400)],
        source="chaos",
    )
    tokens = []
    for n in range(4):
        info = users.create_user(db, op, username=f"w{n}", password="password!")
        projects.set_member(db, op, pid, username=info.username, role="annotator")
        token = users.create_token(db, op, user_id=info.id).token
        assert token is not None
        tokens.append(token)

    env = {k: v for k, v in os.environ.items() if not k.startswith("ANNOTA_")}
    env["ANNOTA_DATA_DIR"] = str(settings.data_dir)
    if settings.database_url:
        env["ANNOTA_DATABASE_URL"] = settings.database_url
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    acked: dict[str, tuple[int, str]] = {}  # idempotency key -> (annotation id, choice)
    lock = threading.Lock()
    stop = threading.Event()

    def client(n: int, token: str) -> None:
        rng = random.Random(n)
        h = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=url, headers=h, timeout=5) as http:
            seq = 0
            while not stop.is_set():
                try:
                    r = http.get(f"/api/v1/projects/{pid}/next")
                    if r.status_code == 204:
                        return
                    item = r.json()["id"]
                    choice = rng.choice(CHOICES)
                    key = f"w{n}-{seq}"
                    body = {
                        "regions": [{"control": "sentiment", "value": {"choices": [choice]}}],
                        "idempotency_key": key,
                    }
                    while not stop.is_set():  # retry the same key until acknowledged
                        try:
                            resp = http.post(f"/api/v1/items/{item}/annotations", json=body)
                        except httpx.HTTPError:
                            time.sleep(0.05)
                            continue
                        if resp.status_code in (200, 201):
                            with lock:
                                acked[key] = (resp.json()["id"], choice)
                            seq += 1
                            break
                        time.sleep(0.05)
                except (httpx.HTTPError, ValueError, KeyError):
                    time.sleep(0.05)

    server = _start(env, port)
    wait_until_up(url)
    workers = [threading.Thread(target=client, args=(n, t)) for n, t in enumerate(tokens)]
    for w in workers:
        w.start()
    rng = random.Random(7)
    for _ in range(6):
        time.sleep(rng.uniform(0.5, 1.5))
        server.send_signal(signal.SIGKILL)
        server.wait()
        server = _start(env, port)
        wait_until_up(url)
    time.sleep(1.0)
    stop.set()
    for w in workers:
        w.join(timeout=30)
    server.send_signal(signal.SIGKILL)
    server.wait()

    assert len(acked) > 50, "too few acknowledged writes to mean anything"
    with db.read() as s:
        rows = {
            row.idempotency_key: (row.id, row.regions)
            for row in s.execute(
                text("SELECT id, idempotency_key, regions FROM annotations WHERE project_id = :p"),
                {"p": pid},
            )
        }
    for key, (ann_id, choice) in acked.items():
        assert key in rows, f"acknowledged {key} was lost"
        stored_id, regions = rows[key]
        regions = json.loads(regions) if isinstance(regions, str) else regions
        assert stored_id == ann_id
        assert regions[0]["value"]["choices"] == [choice]
    assert assignment.recount(db, pid) == []
    if db.is_sqlite:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
