"""Projects over HTTP: schema and guidelines versions, settings, optimistic updates."""

from __future__ import annotations

import pytest


@pytest.fixture
def h(people):
    people.add("mgr")
    return people.headers("mgr")


def test_invalid_schema_is_refused_naming_the_control(client, h):
    bad = {
        "fields": [{"name": "text", "type": "text"}],
        "controls": [{"name": "ner", "type": "spans", "field": "body", "labels": ["A"]}],
    }
    r = client.post("/api/v1/projects", headers=h, json={"name": "x", "schema": bad})
    assert r.status_code == 422
    assert "ner" in r.json()["location"] or "ner" in r.json()["message"]
    assert client.get("/api/v1/projects", headers=h).json()["items"] == []


def test_schema_versions_and_annotations_record_theirs(client, h, text_schema):
    project = client.post(
        "/api/v1/projects", headers=h, json={"name": "v", "schema": text_schema}
    ).json()
    pid = project["id"]
    assert project["schema_version"] == 1
    same = client.put(f"/api/v1/projects/{pid}/schema", headers=h, json={"schema": text_schema})
    assert same.json()["version"] == 1  # unchanged schema adds no version
    wider = text_schema.replace("[PER, ORG, LOC]", "[PER, ORG, LOC, DATE]")
    r = client.put(f"/api/v1/projects/{pid}/schema", headers=h, json={"schema": wider})
    assert r.json()["version"] == 2
    versions = client.get(f"/api/v1/projects/{pid}/schema/versions", headers=h).json()
    assert [v["version"] for v in versions] == [1, 2]
    old = client.get(f"/api/v1/projects/{pid}/schema?version=1", headers=h).json()
    assert "DATE" not in str(old["document"])

    client.put(f"/api/v1/projects/{pid}/guidelines", headers=h, json={"markdown": "# v1"})
    g = client.put(f"/api/v1/projects/{pid}/guidelines", headers=h, json={"markdown": "# v2"})
    assert g.json()["version"] == 2
    first = client.get(f"/api/v1/projects/{pid}/guidelines?version=1", headers=h).json()
    assert first["markdown"] == "# v1"

    client.post(
        f"/api/v1/projects/{pid}/items",
        headers=h,
        json={"items": [{"id": "a", "data": {"text": "On 3 May Ann left."}}]},
    )
    item = client.get(f"/api/v1/projects/{pid}/next", headers=h).json()
    ann = client.post(
        f"/api/v1/items/{item['id']}/annotations",
        headers=h,
        json={
            "regions": [{"control": "entities", "value": {"start": 3, "end": 8, "label": "DATE"}}]
        },
    )
    assert ann.status_code == 201, ann.text
    assert (ann.json()["schema_version"], ann.json()["guidelines_version"]) == (2, 2)


def test_settings_are_validated_and_updates_are_optimistic(client, h, text_schema):
    pid = client.post(
        "/api/v1/projects", headers=h, json={"name": "s", "schema": text_schema}
    ).json()["id"]
    r = client.patch(f"/api/v1/projects/{pid}", headers=h, json={"settings": {"overlap": 0}})
    assert r.status_code == 400
    assert r.json()["location"] == "settings.overlap"
    r = client.patch(
        f"/api/v1/projects/{pid}", headers=h, json={"version": 1, "settings": {"overlap": 3}}
    )
    assert r.status_code == 200
    assert (r.json()["settings"]["overlap"], r.json()["version"]) == (3, 2)
    r = client.patch(
        f"/api/v1/projects/{pid}", headers=h, json={"version": 1, "description": "late"}
    )
    assert r.status_code == 409
    audit = client.get(f"/api/v1/projects/{pid}/audit", headers=h).json()["items"]
    assert [e["action"] for e in audit] == ["project.create", "project.update"]


def test_duplicate_project_name_is_a_conflict(client, h, text_schema):
    assert (
        client.post(
            "/api/v1/projects", headers=h, json={"name": "dup", "schema": text_schema}
        ).status_code
        == 201
    )
    r = client.post("/api/v1/projects", headers=h, json={"name": "dup", "schema": text_schema})
    assert r.status_code == 409
    assert r.json()["location"] == "name"


def test_file_upload_import_reports_located_errors(client, h, text_schema):
    pid = client.post(
        "/api/v1/projects", headers=h, json={"name": "u", "schema": text_schema}
    ).json()["id"]
    good = b'{"id": "1", "text": "a"}\n{"id": "2", "text": "b"}\n'
    r = client.post(
        f"/api/v1/projects/{pid}/import",
        headers=h,
        files={"file": ("batch.jsonl", good, "application/octet-stream")},
    )
    assert r.status_code == 200
    assert r.json()["created"] == 2
    bad = b'{"id": "3", "text": "c"}\n{"id": "4"}\n'
    r = client.post(
        f"/api/v1/projects/{pid}/import",
        headers=h,
        files={"file": ("batch.jsonl", bad, "application/octet-stream")},
    )
    assert r.status_code == 400
    assert r.json()["location"] == "batch.jsonl:2:text"
    items = client.get(f"/api/v1/projects/{pid}/items", headers=h).json()["items"]
    assert [i["external_id"] for i in items] == ["1", "2"]
