"""Every route x every kind of caller: the right refusal, and nothing changed when refused.

Objects a caller may not see answer 404 (never 403, which would confirm they exist); a member
whose role is too low gets 403; no credentials get 401.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import text

from annota.store.models import Base

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


def _snapshot(db) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(text(f'SELECT * FROM "{table.name}" ORDER BY 1')).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


def _call(client, method: str, path: str, body: Any, headers: dict[str, str]):
    return client.request(method, path, json=body, headers=headers)


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


def test_every_api_route_is_in_the_matrix(app):
    covered = {(m, p.replace("{writer}", "{user_id}")) for m, p, *_ in CASES}
    normalise = {
        "{project}": "{project_id}",
        "{item}": "{item_id}",
        "{annotation}": "{annotation_id}",
        "{media}": "{media_id}",
    }
    covered_paths = set()
    for m, p in covered:
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
    missing = []
    for route in app.routes:
        if not isinstance(route, APIRoute) or not route.path.startswith("/api/v1"):
            continue
        for method in route.methods:
            if route.path not in exempt and (method, route.path) not in covered_paths:
                missing.append((method, route.path))
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
