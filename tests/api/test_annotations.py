"""The public annotation contract: next → submit → conflict → update → export."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest

from annota.services import projects
from annota.services.actor import Actor


@pytest.fixture
def setup(client, db, people, text_schema):
    people.add("ann")
    pid = projects.create_project(db, Actor.operator(), name="news", schema=text_schema).id
    projects.set_member(db, Actor.operator(), pid, username="ann", role="annotator")
    r = client.post(
        f"/api/v1/projects/{pid}/items",
        headers=people.headers("ann"),
        json={"items": [{"id": "r1", "data": {"text": "Alice works at Acme."}}]},
    )
    assert r.status_code == 403  # annotators may not import
    admin = people.add("boss", admin=True)
    assert admin.is_admin
    r = client.post(
        f"/api/v1/projects/{pid}/items",
        headers=people.headers("boss"),
        json={
            "items": [
                {"id": "r1", "data": {"text": "Alice works at Acme."}},
                {"id": "r2", "data": {"text": "Bob lives in Rome."}},
            ]
        },
    )
    assert r.status_code == 200
    assert r.json()["created"] == 2
    return pid, people.headers("ann")


REGIONS = [
    {"control": "sentiment", "value": {"choices": ["positive"]}},
    {"control": "entities", "value": {"start": 0, "end": 5, "label": "PER"}},
]


def test_next_submit_update_and_conflict(client, setup):
    pid, h = setup
    r = client.get(f"/api/v1/projects/{pid}/next", headers=h)
    assert r.status_code == 200
    item = r.json()
    assert item["data"] == {"text": "Alice works at Acme."}
    assert item["external_id"] == "r1"

    r = client.post(f"/api/v1/items/{item['id']}/annotations", headers=h, json={"regions": REGIONS})
    assert r.status_code == 201, r.text
    ann = r.json()
    assert ann["version"] == 1
    assert ann["status"] == "submitted"
    assert ann["regions"][1]["value"]["end"] == 5

    # a second POST for the same item is a conflict, not a duplicate
    r = client.post(f"/api/v1/items/{item['id']}/annotations", headers=h, json={"regions": REGIONS})
    assert r.status_code == 409

    new = [{"control": "sentiment", "value": {"choices": ["neutral"]}}]
    r = client.put(
        f"/api/v1/annotations/{ann['id']}", headers=h, json={"version": 1, "regions": new}
    )
    assert r.status_code == 200
    assert r.json()["version"] == 2
    r = client.put(
        f"/api/v1/annotations/{ann['id']}", headers=h, json={"version": 1, "regions": REGIONS}
    )
    assert r.status_code == 409
    assert r.json()["code"] == "conflict"
    r = client.get(f"/api/v1/annotations/{ann['id']}", headers=h)
    assert r.json()["regions"] == new  # the winner stayed

    r = client.get(f"/api/v1/projects/{pid}/next", headers=h)
    assert r.json()["external_id"] == "r2"


def test_region_breaking_the_schema_is_refused_with_its_location(client, db, setup):
    pid, h = setup
    item = client.get(f"/api/v1/projects/{pid}/next", headers=h).json()
    bad = [
        {"control": "sentiment", "value": {"choices": ["positive"]}},
        {"control": "entities", "value": {"start": 0, "end": 500, "label": "PER"}},
    ]
    r = client.post(f"/api/v1/items/{item['id']}/annotations", headers=h, json={"regions": bad})
    assert r.status_code == 422
    assert r.json()["location"].startswith("regions[1]")
    r = client.get(f"/api/v1/items/{item['id']}/annotations", headers=h)
    assert r.json() == []


def test_draft_then_submit(client, setup):
    pid, h = setup
    item = client.get(f"/api/v1/projects/{pid}/next", headers=h).json()
    r = client.post(
        f"/api/v1/items/{item['id']}/annotations",
        headers=h,
        json={"regions": REGIONS[:1], "status": "draft"},
    )
    assert r.status_code == 201
    draft = r.json()
    assert draft["status"] == "draft"
    # a draft does not complete the item: next still returns it
    assert client.get(f"/api/v1/projects/{pid}/next", headers=h).json()["id"] == item["id"]
    r = client.put(
        f"/api/v1/annotations/{draft['id']}",
        headers=h,
        json={"version": draft["version"], "status": "submitted"},
    )
    assert r.status_code == 200
    assert r.json()["status"] == "submitted"
    r = client.put(
        f"/api/v1/annotations/{draft['id']}", headers=h, json={"version": 2, "status": "draft"}
    )
    assert r.status_code == 400  # a submitted annotation never goes back to draft


def test_idempotency_key_returns_the_first_result(client, setup):
    pid, h = setup
    item = client.get(f"/api/v1/projects/{pid}/next", headers=h).json()
    url = f"/api/v1/items/{item['id']}/annotations"
    key = {**h, "Idempotency-Key": "client-uuid-1"}
    first = client.post(url, headers=key, json={"regions": REGIONS})
    again = client.post(url, headers=key, json={"regions": REGIONS})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]


def test_concurrent_retries_create_one_annotation(client, setup):
    pid, h = setup
    item = client.get(f"/api/v1/projects/{pid}/next", headers=h).json()
    url = f"/api/v1/items/{item['id']}/annotations"
    results = []

    def post() -> None:
        results.append(
            client.post(url, headers={**h, "Idempotency-Key": "k-42"}, json={"regions": REGIONS})
        )

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results) == [200] * 5 + [201], [r.text for r in results]
    assert len({r.json()["id"] for r in results}) == 1
    assert len(client.get(url, headers=h).json()) == 1


def test_if_match_header_works_like_version(client, setup):
    pid, h = setup
    item = client.get(f"/api/v1/projects/{pid}/next", headers=h).json()
    ann = client.post(
        f"/api/v1/items/{item['id']}/annotations", headers=h, json={"regions": REGIONS}
    ).json()
    url = f"/api/v1/annotations/{ann['id']}"
    r = client.put(url, headers={**h, "If-Match": '"1"'}, json={"regions": REGIONS[:1]})
    assert r.status_code == 200
    assert r.headers["etag"] == '"2"'
    r = client.put(url, headers={**h, "If-Match": '"1"'}, json={"regions": REGIONS[:1]})
    assert r.status_code == 409


def test_next_is_204_when_done_and_export_has_the_annotations(client, setup, people):
    pid, h = setup
    for _ in range(2):
        item = client.get(f"/api/v1/projects/{pid}/next", headers=h).json()
        r = client.post(
            f"/api/v1/items/{item['id']}/annotations", headers=h, json={"regions": REGIONS[:1]}
        )
        assert r.status_code == 201
    r = client.get(f"/api/v1/projects/{pid}/next", headers=h)
    assert r.status_code == 204
    r = client.get(f"/api/v1/projects/{pid}/export?format=jsonl", headers=people.headers("boss"))
    assert r.status_code == 200
    lines = [json.loads(x) for x in r.text.splitlines()]
    assert [x["id"] for x in lines] == ["r1", "r2"]
    assert lines[0]["data"] == {"text": "Alice works at Acme."}
    assert lines[0]["annotations"][0]["regions"] == REGIONS[:1]
    assert lines[0]["annotations"][0]["author"]["name"] == "ann"
    stamp = datetime.fromisoformat(lines[0]["annotations"][0]["created_at"])
    assert stamp.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=5)
