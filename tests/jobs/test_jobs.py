"""Background jobs on real queues: threads in-process and a real Redis, a real database."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import update

from annota.errors import InvalidInput, NotFound
from annota.jobs import InProcessQueue, RedisQueue
from annota.services import jobs, projects
from annota.services.actor import Actor
from annota.services.job_context import JobContext
from annota.services.job_kinds import HANDLERS
from annota.store import tables
from annota.store.db import Database

REDIS_URL = "redis://127.0.0.1:6379/15"


def count_to(db: Database, job: JobContext) -> dict[str, Any]:
    """A test handler: reports progress step by step and returns what it was asked."""
    n = int(job.params["n"])
    for i in range(n):
        time.sleep(float(job.params.get("sleep", 0)))
        job.progress(i + 1, n, f"step {i + 1}")
    return {"counted": n, "by": job.actor.username}


def boom(db: Database, job: JobContext) -> dict[str, Any]:
    raise InvalidInput("the file is not there", location="params.path")


def crash(db: Database, job: JobContext) -> dict[str, Any]:
    raise RuntimeError("secret internal detail")


@pytest.fixture(autouse=True)
def handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, fn in {"test_count": count_to, "test_boom": boom, "test_crash": crash}.items():
        monkeypatch.setitem(HANDLERS, name, fn)


@pytest.fixture
def project(db: Database, text_schema: str) -> int:
    return projects.create_project(db, Actor.operator(), name="jobs", schema=text_schema).id


def test_in_process_job_runs_with_progress_and_result(db: Database, project: int) -> None:
    queue = InProcessQueue(lambda jid: jobs.run_job(db, jid))
    try:
        job = jobs.start_job(
            db, queue, Actor.operator(), kind="test_count", project_id=project, params={"n": 5}
        )
        assert job.status in {"queued", "running", "done"}
        final = jobs.wait_for_job(db, job.id, timeout=30)
    finally:
        queue.close()
    assert final.status == "done"
    assert final.result == {"counted": 5, "by": "operator (cli)"}
    assert (final.done, final.total, final.percent) == (5, 5, 100.0)
    assert final.attempts == 1
    assert "_operator" not in final.result


def test_failures_are_recorded_with_the_message_or_a_safe_summary(
    db: Database, project: int
) -> None:
    queue = InProcessQueue(lambda jid: jobs.run_job(db, jid))
    try:
        bad = jobs.start_job(
            db, queue, Actor.operator(), kind="test_boom", project_id=project, params={}
        )
        crashed = jobs.start_job(
            db, queue, Actor.operator(), kind="test_crash", project_id=project, params={}
        )
        bad_final = jobs.wait_for_job(db, bad.id, timeout=30)
        crashed_final = jobs.wait_for_job(db, crashed.id, timeout=30)
    finally:
        queue.close()
    assert bad_final.status == "failed"
    assert bad_final.error == "params.path: the file is not there"
    assert crashed_final.status == "failed"
    assert crashed_final.error == "internal error (RuntimeError)"  # no internals leak


def test_unknown_kind_is_refused(db: Database, project: int) -> None:
    queue = InProcessQueue(lambda jid: jobs.run_job(db, jid))
    with pytest.raises(InvalidInput, match="unknown job kind"):
        jobs.start_job(db, queue, Actor.operator(), kind="nope", project_id=project, params={})
    queue.close()


def test_a_running_job_stops_when_cancelled(db: Database, project: int) -> None:
    queue = InProcessQueue(lambda jid: jobs.run_job(db, jid))
    try:
        job = jobs.start_job(
            db,
            queue,
            Actor.operator(),
            kind="test_count",
            project_id=project,
            params={"n": 400, "sleep": 0.01},
        )
        deadline = time.monotonic() + 20
        while jobs.get_job(db, Actor.operator(), job.id).status != "running":
            assert time.monotonic() < deadline
            time.sleep(0.02)
        jobs.cancel_job(db, Actor.operator(), job.id)
        final = jobs.wait_for_job(db, job.id, timeout=30)
    finally:
        queue.close()
    assert final.status == "cancelled"
    assert final.done < 400


class Recording:
    """A queue that only remembers what it was given (for the recovery sweep)."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def submit(self, job_id: int) -> None:
        self.ids.append(job_id)

    def close(self) -> None:
        pass


def test_duplicate_messages_run_a_job_once(db: Database, project: int) -> None:
    queue = Recording()
    job = jobs.start_job(
        db, queue, Actor.operator(), kind="test_count", project_id=project, params={"n": 1}
    )
    jobs.run_job(db, job.id)
    jobs.run_job(db, job.id)  # the same id delivered twice
    assert jobs.get_job(db, Actor.operator(), job.id).attempts == 1


def test_recovery_requeues_a_dead_workers_job_then_gives_up(db: Database, project: int) -> None:
    queue = Recording()
    job = jobs.start_job(
        db, queue, Actor.operator(), kind="test_count", project_id=project, params={"n": 1}
    )
    old = datetime.now(UTC) - timedelta(hours=1)
    for attempt in (1, 2, 3):
        with db.write() as s:  # a worker claimed it, then died
            s.execute(
                update(tables.jobs)
                .where(tables.jobs.c.id == job.id)
                .values(status="running", heartbeat_at=old, attempts=attempt, created_at=old)
            )
        again = jobs.recover(db, queue, stale_seconds=60)
        if attempt < 3:
            assert again == [job.id]
            assert jobs.get_job(db, Actor.operator(), job.id).status == "queued"
    final = jobs.get_job(db, Actor.operator(), job.id)
    assert final.status == "failed"
    assert "stopped responding 3 times" in (final.error or "")


def test_jobs_of_a_deleted_user_do_not_run_as_anyone_else(
    db: Database, people: Any, project: int
) -> None:
    alice = people.add("alice")
    projects.set_member(db, Actor.operator(), project, username="alice", role="manager")
    queue = Recording()
    job = jobs.start_job(db, queue, alice, kind="test_count", project_id=project, params={"n": 1})
    with db.write() as s:
        s.execute(
            update(tables.users).where(tables.users.c.id == alice.user_id).values(is_active=False)
        )
    jobs.run_job(db, job.id)
    final = jobs.get_job(db, Actor.operator(), job.id)
    assert final.status == "failed"
    assert "no longer exists" in (final.error or "")


def test_redis_queue_runs_jobs_in_a_worker_thread(db: Database, project: int) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    key = f"annota:test:{uuid.uuid4().hex}"
    queue = RedisQueue(REDIS_URL, key=key)
    stop = threading.Event()
    worker = threading.Thread(
        target=queue.work,
        args=(lambda jid: jobs.run_job(db, jid), stop),
        kwargs={"poll_seconds": 0.2},
    )
    worker.start()
    try:
        ids = [
            jobs.start_job(
                db, queue, Actor.operator(), kind="test_count", project_id=project, params={"n": k}
            ).id
            for k in (1, 2, 3)
        ]
        results = [jobs.wait_for_job(db, i, timeout=30).result for i in ids]
    finally:
        stop.set()
        worker.join(timeout=10)
        client.delete(key)
        client.close()
        queue.close()
    assert [r["counted"] for r in results if r] == [1, 2, 3]


def test_api_shows_jobs_to_their_creator_and_managers_only(
    client: TestClient, db: Database, people: Any, project: int
) -> None:
    manager = people.add("boss")
    people.add("stranger")
    projects.set_member(db, Actor.operator(), project, username="boss", role="manager")
    job = jobs.start_job(
        db, client.app.state.queue, manager, kind="test_count", project_id=project, params={"n": 3}
    )
    jobs.wait_for_job(db, job.id, timeout=30)
    got = client.get(f"/api/v1/jobs/{job.id}", headers=people.headers("boss"))
    assert got.status_code == 200
    assert got.json()["status"] == "done"
    assert got.json()["percent"] == 100.0
    assert (
        client.get(f"/api/v1/jobs/{job.id}", headers=people.headers("stranger")).status_code == 404
    )
    listed = client.get(f"/api/v1/projects/{project}/jobs", headers=people.headers("boss"))
    assert [j["id"] for j in listed.json()] == [job.id]
    with pytest.raises(NotFound):
        jobs.get_job(db, people.actors["stranger"], job.id)
