"""Every route x every kind of caller: the right refusal, and nothing changed when refused.

Objects a caller may not see answer 404 (never 403, which would confirm they exist); a member
whose role is too low gets 403; no credentials get 401.
"""

from __future__ import annotations

import io
import json
import wave
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select, text

from annota.formats import SourceRecord
from annota.services import (
    access,
    consensus,
    export_requests,
    gold,
    importing,
    jobs,
    labeling_functions,
    projects,
    qualification,
    versions,
)
from annota.services.actor import Actor
from annota.services.roles import Need
from annota.store import tables
from annota.store.models import Base, LabelModelRun, ModelBackend

ACTORS = ["anonymous", "nonmember", "annotator", "reviewer", "manager"]
ANN = [{"control": "sentiment", "value": {"choices": ["negative"]}}]

# (method, path, json body, least role allowed, status on success, refusals for roles below)
# Refusals: nonmember → 404 on everything project-scoped, annotator/reviewer as listed.
P, IT, A, M = "{project}", "{item}", "{annotation}", "{media}"
CASES: list[tuple[str, str, Any, str, int, dict[str, int]]] = [
    ("GET", f"/api/v1/projects/{P}", None, "annotator", 200, {}),
    (
        "PATCH",
        f"/api/v1/projects/{P}",
        {"description": "x"},
        "manager",
        200,
        {"annotator": 403, "reviewer": 403},
    ),
    ("DELETE", f"/api/v1/projects/{P}", None, "manager", 204, {"annotator": 403, "reviewer": 403}),
    ("GET", f"/api/v1/projects/{P}/stats", None, "reviewer", 200, {"annotator": 403}),
    ("GET", f"/api/v1/projects/{P}/schema", None, "annotator", 200, {}),
    ("POST", f"/api/v1/projects/{P}/lease", {"size": 2}, "annotator", 200, {}),
    ("GET", f"/api/v1/projects/{P}/progress", None, "annotator", 200, {}),
    ("GET", f"/api/v1/projects/{P}/schema/versions", None, "annotator", 200, {}),
    (
        "PUT",
        f"/api/v1/projects/{P}/schema",
        {
            "schema": {
                "fields": [{"name": "text", "type": "text"}],
                "controls": [
                    {"name": "c", "type": "choices", "field": "text", "options": ["a", "b"]}
                ],
            }
        },
        "manager",
        200,
        {"annotator": 403, "reviewer": 403},
    ),
    ("GET", f"/api/v1/projects/{P}/guidelines", None, "annotator", 200, {}),
    (
        "PUT",
        f"/api/v1/projects/{P}/guidelines",
        {"markdown": "# hi"},
        "manager",
        200,
        {"annotator": 403, "reviewer": 403},
    ),
    ("GET", f"/api/v1/projects/{P}/members", None, "annotator", 200, {}),
    (
        "POST",
        f"/api/v1/projects/{P}/members",
        {"username": "nonmember", "role": "reviewer"},
        "manager",
        200,
        {"annotator": 403, "reviewer": 403},
    ),
    (
        "DELETE",
        f"/api/v1/projects/{P}/members/{{writer}}",
        None,
        "manager",
        204,
        {"annotator": 403, "reviewer": 403},
    ),
    (
        "GET",
        f"/api/v1/projects/{P}/audit",
        None,
        "manager",
        200,
        {"annotator": 403, "reviewer": 403},
    ),
    ("GET", f"/api/v1/projects/{P}/items", None, "reviewer", 200, {"annotator": 403}),
    (
        "POST",
        f"/api/v1/projects/{P}/items",
        {"items": [{"data": {"text": "new"}}]},
        "manager",
        200,
        {"annotator": 403, "reviewer": 403},
    ),
    ("GET", f"/api/v1/projects/{P}/next", None, "annotator", 200, {}),
    ("GET", f"/api/v1/projects/{P}/annotations", None, "annotator", 200, {}),
    (
        "GET",
        f"/api/v1/projects/{P}/export",
        None,
        "manager",
        200,
        {"annotator": 403, "reviewer": 403},
    ),
    ("GET", f"/api/v1/items/{IT}", None, "reviewer", 200, {"annotator": 404}),
    ("POST", f"/api/v1/items/{IT}/skip", {"reason": "x"}, "annotator", 204, {}),
    (
        "POST",
        f"/api/v1/items/{IT}/predictions",
        {"model_name": "m", "regions": ANN},
        "manager",
        201,
        {"annotator": 403, "reviewer": 403},
    ),
    ("GET", f"/api/v1/items/{IT}/annotations", None, "annotator", 200, {}),
    ("POST", f"/api/v1/items/{IT}/annotations", {"regions": ANN}, "annotator", 201, {}),
    ("GET", f"/api/v1/annotations/{A}", None, "reviewer", 200, {"annotator": 404}),
    (
        "PUT",
        f"/api/v1/annotations/{A}",
        {"version": 1, "regions": ANN},
        None,
        0,
        {"annotator": 404, "reviewer": 403, "manager": 403},
    ),
    (
        "DELETE",
        f"/api/v1/annotations/{A}",
        None,
        "manager",
        204,
        {"annotator": 404, "reviewer": 403},
    ),
    ("GET", f"/api/v1/media/{M}", None, "annotator", 200, {}),
]


# Routes of the data, automation and quality workflows. Their objects (a finished export job,
# a version, a model backend, a labeling function, a label-model run, a gold item, an audio
# file, a consensus, a qualification attempt) come from the ``flow`` fixture below.
J, V, B, L, R, G, AU, W = (
    "{job}",
    "{version}",
    "{backend}",
    "{lf}",
    "{run}",
    "{gold}",
    "{audio}",
    "{writer}",
)
LOW = {"annotator": 403, "reviewer": 403}  # members below manager
HIDDEN = {"annotator": 404, "reviewer": 404}  # members who may not see the object at all
UNSEEN = {"annotator": 404, "reviewer": 403}  # items annotators cannot open; reviewers can
NOT_ADMIN = {"nonmember": 403, "annotator": 403, "reviewer": 403, "manager": 403}
CASES_WORKFLOW: list[tuple[str, str, Any, str, int, dict[str, int]]] = [
    ("GET", f"/api/v1/media/{AU}/peaks?points=64", None, "annotator", 200, {}),
    # exports and jobs (routes/data.py, routes/jobs.py)
    ("POST", f"/api/v1/projects/{P}/exports", {"format": "jsonl"}, "manager", 202, LOW),
    ("GET", f"/api/v1/jobs/{J}/download", None, "manager", 200, HIDDEN),
    ("GET", f"/api/v1/jobs/{J}", None, "manager", 200, HIDDEN),
    ("POST", f"/api/v1/jobs/{J}/cancel", None, "manager", 200, HIDDEN),
    ("GET", f"/api/v1/projects/{P}/jobs", None, "manager", 200, LOW),
    # dataset versions
    ("POST", f"/api/v1/projects/{P}/versions", {"note": "x"}, "manager", 201, LOW),
    ("GET", f"/api/v1/projects/{P}/versions", None, "reviewer", 200, {"annotator": 403}),
    (
        "GET",
        f"/api/v1/projects/{P}/versions/diff?a={V}&b={V}",
        None,
        "reviewer",
        200,
        {"annotator": 403},
    ),
    ("GET", f"/api/v1/projects/{P}/versions/{V}", None, "reviewer", 200, {"annotator": 403}),
    (
        "GET",
        f"/api/v1/projects/{P}/versions/{V}/download",
        None,
        "reviewer",
        200,
        {"annotator": 403},
    ),
    ("POST", f"/api/v1/projects/{P}/versions/{V}/restore", None, "manager", 200, LOW),
    # the audit trail: across projects for admins only (no project to hide, so 403);
    # one project's trail for its managers
    ("GET", "/api/v1/audit", None, "admin", 200, NOT_ADMIN),
    ("GET", f"/api/v1/audit?project_id={P}", None, "manager", 200, LOW),
    ("GET", "/api/v1/audit/export", None, "admin", 200, NOT_ADMIN),
    ("GET", f"/api/v1/audit/export?project_id={P}", None, "manager", 200, LOW),
    ("GET", "/api/v1/audit/verify", None, "admin", 200, NOT_ADMIN),
    # automation (routes/automation.py)
    (
        "POST",
        f"/api/v1/projects/{P}/backends",
        {"name": "public", "url": "http://93.184.216.34/"},
        "manager",
        201,
        LOW,
    ),
    ("GET", f"/api/v1/projects/{P}/backends", None, "manager", 200, LOW),
    ("DELETE", f"/api/v1/projects/{P}/backends/{B}", None, "manager", 204, LOW),
    ("POST", f"/api/v1/projects/{P}/backends/{B}/health", None, "manager", 200, LOW),
    ("GET", "/api/v1/automation/models", None, "nonmember", 200, {}),  # any signed-in user
    ("GET", f"/api/v1/projects/{P}/automation", None, "reviewer", 200, {"annotator": 403}),
    ("PATCH", f"/api/v1/projects/{P}/automation", {"al_batch": 5}, "manager", 200, LOW),
    ("POST", f"/api/v1/projects/{P}/prelabel", {"batch_size": 10}, "manager", 202, LOW),
    (
        "GET",
        f"/api/v1/projects/{P}/predictions/acceptance",
        None,
        "reviewer",
        200,
        {"annotator": 403},
    ),
    ("POST", f"/api/v1/projects/{P}/al/retrain", None, "manager", 200, LOW),
    ("POST", f"/api/v1/projects/{P}/al/tick", None, "annotator", 200, {}),
    (
        "POST",
        f"/api/v1/projects/{P}/lfs",
        {"name": "rule", "kind": "keyword", "spec": {"keywords": ["x"]}, "label": "negative"},
        "manager",
        201,
        LOW,
    ),
    ("GET", f"/api/v1/projects/{P}/lfs", None, "reviewer", 200, {"annotator": 403}),
    ("DELETE", f"/api/v1/projects/{P}/lfs/{L}", None, "manager", 204, LOW),
    (
        "POST",
        f"/api/v1/projects/{P}/lf-votes",
        {"lf": "sdk", "votes": []},
        "manager",
        200,
        LOW,
    ),
    (
        "GET",
        f"/api/v1/projects/{P}/lfs/analysis?control=sentiment",
        None,
        "reviewer",
        200,
        {"annotator": 403},
    ),
    ("POST", f"/api/v1/projects/{P}/lfs/run", {"control": "sentiment"}, "manager", 202, LOW),
    (
        "GET",
        f"/api/v1/projects/{P}/label-model-runs/{R}",
        None,
        "reviewer",
        200,
        {"annotator": 403},
    ),
    # quality (routes/quality.py, routes/quality_dashboards.py)
    # item-level routes for reviewers and managers: an annotator cannot open an arbitrary
    # item or annotation, so for them it does not exist (404); a reviewer sees it (403)
    ("PUT", f"/api/v1/items/{IT}/gold", {"regions": ANN}, "manager", 200, UNSEEN),
    ("DELETE", f"/api/v1/items/{G}/gold", None, "manager", 204, UNSEEN),
    ("GET", f"/api/v1/projects/{P}/gold", None, "reviewer", 200, {"annotator": 403}),
    ("GET", f"/api/v1/projects/{P}/gold/scores", None, "reviewer", 200, {"annotator": 403}),
    ("GET", f"/api/v1/projects/{P}/qualification", None, "reviewer", 200, {"annotator": 403}),
    ("GET", f"/api/v1/projects/{P}/qualification/me", None, "annotator", 200, {}),
    ("POST", f"/api/v1/projects/{P}/qualification/{W}/reset", None, "manager", 200, LOW),
    ("GET", f"/api/v1/items/{IT}/consensus", None, "reviewer", 200, {"annotator": 404}),
    ("POST", f"/api/v1/projects/{P}/consensus/refit", None, "manager", 200, LOW),
    ("POST", f"/api/v1/projects/{P}/label-issues/scan", None, "manager", 200, LOW),
    ("GET", f"/api/v1/projects/{P}/review-queue", None, "reviewer", 200, {"annotator": 403}),
    (
        "POST",
        f"/api/v1/annotations/{A}/review",
        {"action": "accept"},
        "reviewer",
        201,
        {"annotator": 404},
    ),
    ("GET", f"/api/v1/items/{IT}/reviews", None, "reviewer", 200, {"annotator": 404}),
    ("GET", f"/api/v1/projects/{P}/feedback", None, "annotator", 200, {}),
    *[
        (
            "GET",
            f"/api/v1/projects/{P}/dashboard/{board}",
            None,
            "reviewer",
            200,
            {"annotator": 403},
        )
        for board in ("progress", "agreement", "annotators", "confusion")
    ],
]


@dataclass
class Flow:
    """Ids of the workflow objects in ``world``'s project."""

    job: int
    version: int
    backend: int
    lf: int
    run: int
    gold: int
    audio: int


class _HeldQueue:
    """Takes job ids without running them: the fixture runs its job itself, to the end."""

    def submit(self, job_id: int) -> None:
        pass

    def close(self) -> None:
        pass


def wav_bytes(frames: int = 800, rate: int = 8000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(2 * frames))
    return buf.getvalue()


@pytest.fixture
def flow(db, world, people, tmp_path) -> Flow:
    op = Actor.operator()
    pid = world.project_id
    # a finished export, started by the operator: the manager sees it by role, not as its creator
    job = export_requests.start_export(db, _HeldQueue(), op, pid, {"format": "jsonl"})
    jobs.run_job(db, job.id)
    assert jobs.wait_for_job(db, job.id).status == "done"
    version = versions.create_version(db, op, pid, note="v1").number
    lf = labeling_functions.create_lf(
        db, op, pid, name="paris", kind="keyword", spec={"keywords": ["Paris"]}, label="positive"
    ).id
    importing.import_records(
        db, op, pid, [SourceRecord("r:g", "gold", {"text": "Bob visits Rome"}, {})], source="t"
    )
    writer = people.actors["writer"].user_id
    assert writer is not None
    with db.write() as s:
        # loopback: the health check is refused by the SSRF rules without any network
        backend = ModelBackend(
            project_id=pid, name="local", url="http://127.0.0.1:9", token=None, timeout_seconds=1.0
        )
        run = LabelModelRun(project_id=pid, control="sentiment", lfs=[], result={})
        s.add_all([backend, run])
        s.flush()
        backend_id, run_id = backend.id, run.id
        gold_id = s.execute(
            select(tables.items.c.id).where(
                tables.items.c.project_id == pid, tables.items.c.external_id == "gold"
            )
        ).scalar_one()
        conn = s.connection()
        qualification.counted(db, conn, pid, writer, 0)
        project = access.project_row(conn, op, pid, Need.MANAGE)
        consensus.refresh_item(db, conn, op, project, world.item_id)
    gold.set_gold(db, op, gold_id, regions=ANN)
    wav = tmp_path / "talk.wav"
    wav.write_bytes(wav_bytes())
    audio = importing.store_media_file(db, op, pid, wav, original_name="talk.wav").id
    return Flow(job.id, version, backend_id, lf, run_id, gold_id, audio)


def _snapshot(db) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(text(f'SELECT * FROM "{table.name}" ORDER BY 1')).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


def _call(client, method: str, path: str, body: Any, headers: dict[str, str]):
    return client.request(method, path, json=body, headers=headers)


def _check(client, db, world, url, method, body, least, ok, refusals) -> None:
    """Callers below ``least`` get their refusal and change nothing; ``least`` succeeds."""
    expected = {"anonymous": 401, "nonmember": 404, **refusals}
    for actor in ACTORS:
        if actor == least:
            break
        before = _snapshot(db)
        response = _call(client, method, url, body, world.headers[actor])
        assert response.status_code == expected[actor], (actor, response.text)
        assert set(response.json()) >= {"code", "message", "location"}
        assert _snapshot(db) == before, f"{actor} changed the database"
    if least is not None:
        response = _call(client, method, url, body, world.headers[least])
        assert response.status_code == ok, response.text


@pytest.mark.parametrize(
    ("method", "path", "body", "least", "ok", "refusals"),
    CASES,
    ids=[f"{c[0]} {c[1]}" for c in CASES],
)
def test_route_access(client, db, world, people, method, path, body, least, ok, refusals):
    url = path.format(
        project=world.project_id,
        item=world.item_id,
        annotation=world.annotation_id,
        media=world.media_id,
        writer=people.actors["writer"].user_id,
    )
    _check(client, db, world, url, method, body, least, ok, refusals)


@pytest.mark.parametrize(
    ("method", "path", "body", "least", "ok", "refusals"),
    [pytest.param(*c, id=f"{c[0]} {c[1]}") for c in CASES_WORKFLOW],
)
def test_workflow_route_access(
    client, db, world, flow, people, method, path, body, least, ok, refusals
):
    url = path.format(
        project=world.project_id,
        item=world.item_id,
        annotation=world.annotation_id,
        writer=people.actors["writer"].user_id,
        job=flow.job,
        version=flow.version,
        backend=flow.backend,
        lf=flow.lf,
        run=flow.run,
        gold=flow.gold,
        audio=flow.audio,
    )
    _check(client, db, world, url, method, body, least, ok, refusals)


def test_audit_export_streams_to_admins_and_project_managers(client, world):
    """The audit export streams what it should to those allowed (their refusals are above)."""
    for who, query in (("admin", ""), ("manager", f"?project_id={world.project_id}")):
        r = client.get(f"/api/v1/audit/export{query}", headers=world.headers[who])
        assert r.status_code == 200, (who, r.text)
        assert r.headers["content-type"].startswith("application/x-ndjson")
        events = [json.loads(line) for line in r.text.splitlines()]
        assert events
        if query:
            assert {e["project_id"] for e in events} == {world.project_id}


def test_every_api_route_is_in_the_matrix(app):
    normalise = {
        "{project}": "{project_id}",
        "{item}": "{item_id}",
        "{gold}": "{item_id}",
        "{annotation}": "{annotation_id}",
        "{media}": "{media_id}",
        "{audio}": "{media_id}",
        "{writer}": "{user_id}",
        "{job}": "{job_id}",
        "{version}": "{number}",
        "{backend}": "{backend_id}",
        "{lf}": "{lf_id}",
        "{run}": "{run_id}",
    }
    covered_paths = set()
    for m, p, *_ in [*CASES, *CASES_WORKFLOW]:
        p = p.split("?", 1)[0]
        for k, v in normalise.items():
            p = p.replace(k, v)
        covered_paths.add((m, p))
    exempt = {
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/auth/me",
        "/api/v1/auth/password",
        "/api/v1/users",
        "/api/v1/tokens",
        "/api/v1/tokens/{token_id}",
        "/api/v1/projects",
        "/api/v1/projects/{project_id}/import",
        "/api/v1/projects/{project_id}/media",
    }
    # The OpenAPI document lists every API operation whatever way FastAPI keeps included
    # routers internally (recent versions no longer flatten them into ``app.routes``).
    operations = [
        (method.upper(), path)
        for path, methods in app.openapi()["paths"].items()
        if path.startswith("/api/v1")
        for method in methods
    ]
    assert len(operations) > 50  # the walk sees the API, so an empty "missing" means something
    missing = [
        (method, path)
        for method, path in operations
        if path not in exempt and (method, path) not in covered_paths
    ]
    assert missing == []


@pytest.mark.parametrize("actor", ["anonymous", "annotator", "reviewer"])
def test_uploads_are_refused_below_manager(client, db, world, actor):
    before = _snapshot(db)
    files = {"file": ("x.jsonl", b'{"text": "hello"}\n', "application/json")}
    r = client.post(
        f"/api/v1/projects/{world.project_id}/import", files=files, headers=world.headers[actor]
    )
    assert r.status_code == (401 if actor == "anonymous" else 403)
    r = client.post(
        f"/api/v1/projects/{world.project_id}/media",
        files={"file": ("a.png", b"\x89PNG....", "image/png")},
        headers=world.headers[actor],
    )
    assert r.status_code == (401 if actor == "anonymous" else 403)
    assert _snapshot(db) == before


def test_nonmember_sees_only_their_projects(client, world):
    r = client.get("/api/v1/projects", headers=world.headers["nonmember"])
    assert r.status_code == 200
    assert [p["name"] for p in r.json()["items"]] == ["elsewhere"]
    r = client.get("/api/v1/projects", headers=world.headers["admin"])
    assert [p["name"] for p in r.json()["items"]] == ["world", "elsewhere"]


def test_a_job_creator_removed_from_the_project_loses_the_job(client, db, world, people):
    """SECURITY B6: leaving a project takes its jobs (and their export files) with it."""
    manager = world.headers["manager"]
    r = client.post(
        f"/api/v1/projects/{world.project_id}/exports", json={"format": "jsonl"}, headers=manager
    )
    assert r.status_code == 202, r.text
    job = r.json()["id"]
    assert client.get(f"/api/v1/jobs/{job}", headers=manager).status_code == 200
    projects.remove_member(db, Actor.operator(), world.project_id, people.actors["manager"].user_id)
    for path in (f"/api/v1/jobs/{job}", f"/api/v1/jobs/{job}/download"):
        assert client.get(path, headers=manager).status_code == 404
    assert client.get(f"/api/v1/jobs/{job}", headers=world.headers["admin"]).status_code == 200


@pytest.mark.parametrize(("actor", "status"), [("nonmember", 404), ("annotator", 403)])
def test_backend_urls_are_not_looked_at_for_callers_who_may_not_add_one(
    client, db, world, actor, status
):
    """The role is checked before the URL: no DNS lookups or 400s for outsiders."""
    before = _snapshot(db)
    r = client.post(
        f"/api/v1/projects/{world.project_id}/backends",
        json={"name": "x", "url": "http://does-not-resolve.invalid/"},
        headers=world.headers[actor],
    )
    assert r.status_code == status, r.text
    assert _snapshot(db) == before
