"""The scale-out set-up: the API queues on Redis, a separate ``annota worker`` process runs it."""

from __future__ import annotations

import subprocess
import sys
import uuid
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from annota.app import create_app
from annota.config import Settings
from annota.formats import SourceRecord
from annota.services import importing, jobs, projects
from annota.services.actor import Actor
from annota.store.db import Database

REDIS_URL = "redis://127.0.0.1:6379/15"


def test_api_queues_on_redis_and_an_annota_worker_runs_the_export(
    cli_env: dict[str, str], db: Database, settings: Settings, people: Any, text_schema: str
) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    name = f"annota:test:{uuid.uuid4().hex}"
    env = cli_env | {"ANNOTA_JOB_QUEUE": REDIS_URL, "ANNOTA_JOB_QUEUE_NAME": name}
    pid = projects.create_project(db, Actor.operator(), name="w", schema=text_schema).id
    records = [SourceRecord(f"r{i}", f"r{i}", {"text": f"t{i}"}, {}) for i in range(40)]
    importing.import_records(db, Actor.operator(), pid, records, source="s")
    queued_settings = settings.model_copy(update={"job_queue": REDIS_URL, "job_queue_name": name})
    app = create_app(queued_settings, db=db, migrate=False)
    people.add("root", admin=True)
    worker = subprocess.Popen(
        [sys.executable, "-m", "annota", "worker", "--threads", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with TestClient(app) as api:
            started = api.post(
                f"/api/v1/projects/{pid}/exports",
                json={"format": "csv"},
                headers=people.headers("root"),
            )
            assert started.status_code == 202
            job = jobs.wait_for_job(db, started.json()["id"], timeout=120)
            assert job.status == "done", job
            assert job.result is not None
            assert job.result["items"] == 40
            body = api.get(f"/api/v1/jobs/{job.id}/download", headers=people.headers("root")).text
            assert body.count("\n") == 41
    finally:
        worker.terminate()
        _out, err = worker.communicate(timeout=60)
        client.delete(name)
        client.close()
    assert worker.returncode == 0, err  # SIGTERM stops it cleanly
    assert "annota worker: jobs from" in err
