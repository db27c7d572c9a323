"""Exports as background jobs, versions, privacy masking and retention, through the API."""

from __future__ import annotations

import io
import json
import time
import wave
import zipfile
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from annota.formats import AnnotatedItem, SourceRecord
from annota.services import annotating, assignment, audio_peaks, importing, projects
from annota.services.actor import Actor
from annota.services.import_annotated import Answer, ImportedItem, import_annotated
from annota.store.db import Database

OP = Actor.operator()
SCHEMA = {
    "fields": [
        {"name": "text", "type": "text", "privacy": "masked", "mask_names": ["Zoë Lind"]},
        {"name": "ssn", "type": "text", "required": False, "sensitive": True},
    ],
    "controls": [
        {"name": "topic", "type": "choices", "field": "text", "options": ["billing", "other"]},
        {"name": "who", "type": "spans", "field": "text", "labels": ["PER"]},
    ],
}
TEXT = "Zoë Lind (zoe@example.org, +1 415 555 0134) asks about invoice 7."


def _project(db: Database, people: Any, settings: dict[str, Any] | None = None) -> int:
    people.add("lead")
    people.add("ann")
    pid = projects.create_project(db, OP, name="private", schema=SCHEMA, settings=settings).id
    projects.set_member(db, OP, pid, username="lead", role="manager")
    projects.set_member(db, OP, pid, username="ann", role="annotator")
    records = [
        SourceRecord(f"r{i}", f"r{i}", {"text": TEXT, "ssn": "078-05-1120"}, {}) for i in range(6)
    ]
    importing.import_records(db, OP, pid, records, source="t")
    return pid


def _wait(client: TestClient, job_id: int, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        job = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        if job["status"] in {"done", "failed", "cancelled"}:
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.05)


def test_annotators_see_masked_text_managers_and_exports_the_original(
    client: TestClient, db: Database, people: Any
) -> None:
    pid = _project(db, people)
    got = client.get(f"/api/v1/projects/{pid}/next", headers=people.headers("ann")).json()
    shown = got["data"]["text"]
    assert "ssn" not in got["data"]
    assert "zoe@example.org" not in shown
    assert "Zoë Lind" not in shown
    assert "555" not in shown
    assert len(shown) == len(TEXT)
    assert shown.endswith("asks about invoice 7.")
    # A span drawn on the masked text is right on the original.
    start, end = 0, len("Zoë Lind")
    annotating.create_annotation(
        db,
        people.actors["ann"],
        got["id"],
        regions=[
            {"control": "topic", "value": {"choices": ["billing"]}},
            {"control": "who", "value": {"start": start, "end": end, "label": "PER"}},
        ],
    )
    as_lead = client.get(f"/api/v1/items/{got['id']}", headers=people.headers("lead")).json()
    assert as_lead["data"] == {"text": TEXT, "ssn": "078-05-1120"}
    job = client.post(
        f"/api/v1/projects/{pid}/exports", json={"format": "jsonl"}, headers=people.headers("lead")
    )
    assert job.status_code == 202
    done = _wait(client, job.json()["id"], people.headers("lead"))
    assert done["status"] == "done", done
    body = client.get(f"/api/v1/jobs/{done['id']}/download", headers=people.headers("lead"))
    lines = [json.loads(line) for line in body.text.splitlines()]
    labelled = next(r for r in lines if r["annotations"])
    assert labelled["data"]["text"] == TEXT
    span = labelled["annotations"][0]["regions"][1]["value"]
    assert TEXT[span["start"] : span["end"]] == "Zoë Lind"
    assert labelled["annotations"][0]["author"]["name"] == "ann"


def test_export_job_with_splits_is_a_zip_and_outsiders_cannot_start_or_fetch(
    client: TestClient, db: Database, people: Any
) -> None:
    pid = _project(db, people)
    people.add("stranger")
    refused = client.post(
        f"/api/v1/projects/{pid}/exports", json={"format": "csv"}, headers=people.headers("ann")
    )
    assert refused.status_code == 403
    bad = client.post(
        f"/api/v1/projects/{pid}/exports",
        json={"format": "csv", "split": "train=2"},
        headers=people.headers("lead"),
    )
    assert bad.status_code == 400
    assert bad.json()["location"].startswith("split")
    job = client.post(
        f"/api/v1/projects/{pid}/exports",
        json={"format": "csv", "split": "train=0.5,test=0.5", "seed": 3},
        headers=people.headers("lead"),
    ).json()
    done = _wait(client, job["id"], people.headers("lead"))
    assert done["result"]["splits"] == {"train": 3, "test": 3}
    assert done["percent"] == 100.0
    url = f"/api/v1/jobs/{done['id']}/download"
    assert client.get(url, headers=people.headers("stranger")).status_code == 404
    archive = zipfile.ZipFile(io.BytesIO(client.get(url, headers=people.headers("lead")).content))
    names = sorted(archive.namelist())
    assert [n.rsplit("/", 1)[-1] for n in names] == ["SHA256SUMS", "test.csv", "train.csv"]


def test_retention_purges_raw_data_after_export_and_keeps_labels(
    client: TestClient, db: Database, people: Any
) -> None:
    pid = _project(db, people, settings={"purge_after_export": True})
    item = assignment.next_item(db, people.actors["ann"], pid)
    assert item is not None
    annotating.create_annotation(
        db,
        people.actors["ann"],
        item.id,
        regions=[{"control": "topic", "value": {"choices": ["other"]}}],
    )
    job = client.post(
        f"/api/v1/projects/{pid}/exports", json={"format": "jsonl"}, headers=people.headers("lead")
    ).json()
    done = _wait(client, job["id"], people.headers("lead"))
    assert done["result"]["purged_items"] == 6
    # The export itself has the data; afterwards the project keeps ids and labels only.
    first = client.get(f"/api/v1/jobs/{done['id']}/download", headers=people.headers("lead"))
    assert TEXT in first.text
    again = client.get(
        f"/api/v1/projects/{pid}/items", headers=people.headers("lead"), params={"limit": 10}
    ).json()
    assert {tuple(i["data"]) for i in again["items"]} == {()}
    anns = client.get(f"/api/v1/items/{item.id}/annotations", headers=people.headers("lead")).json()
    assert anns[0]["regions"] == [{"control": "topic", "value": {"choices": ["other"]}}]
    nothing = client.get(f"/api/v1/projects/{pid}/next", headers=people.headers("ann"))
    assert nothing.status_code == 204  # purged items are closed to annotators


def _wav(path: Path) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes(2 * 4000))
    return path


def test_retention_drops_the_cached_audio_peaks_of_purged_media(
    client: TestClient, db: Database, people: Any, tmp_path: Path
) -> None:
    pid = _project(db, people, settings={"purge_after_export": True})
    other = projects.create_project(db, OP, name="kept", schema=SCHEMA).id
    projects.set_member(db, OP, other, username="lead", role="manager")
    h = people.headers("lead")
    stored = {
        project: importing.store_media_file(
            db, OP, project, _wav(tmp_path / f"{project}.wav"), original_name="talk.wav"
        )
        for project in (pid, other)
    }
    caches = {}
    for project, media in stored.items():
        assert client.get(f"/api/v1/media/{media.id}/peaks", headers=h).status_code == 200
        caches[project] = audio_peaks.cache_path(db.settings, media.storage_key)
        assert caches[project].is_file()
    job = client.post(f"/api/v1/projects/{pid}/exports", json={"format": "jsonl"}, headers=h)
    done = _wait(client, job.json()["id"], h)
    assert done["result"]["purged_items"] == 6
    assert not caches[pid].exists()  # derived from the purged audio: gone with it
    assert client.get(f"/api/v1/media/{stored[pid].id}/peaks", headers=h).status_code == 404
    assert caches[other].is_file()  # another project's cache is left alone


def test_versions_through_the_api(client: TestClient, db: Database, people: Any) -> None:
    pid = _project(db, people)
    h = people.headers("lead")
    first = client.post(f"/api/v1/projects/{pid}/versions", json={"note": "v1"}, headers=h)
    assert first.status_code == 201
    assert first.json()["item_count"] == 6
    importing.import_records(
        db, OP, pid, [SourceRecord("new", "new", {"text": "another"}, {})], source="t2"
    )
    client.post(f"/api/v1/projects/{pid}/versions", json={}, headers=h)
    diff = client.get(f"/api/v1/projects/{pid}/versions/diff", params={"a": 1, "b": 2}, headers=h)
    assert diff.json()["items_added"] == 1
    assert diff.json()["changes"][0]["external_id"] == "new"
    listed = client.get(f"/api/v1/projects/{pid}/versions", headers=h).json()
    assert [v["number"] for v in listed] == [1, 2]
    parquet = client.get(f"/api/v1/projects/{pid}/versions/1/download", headers=h)
    assert parquet.status_code == 200
    assert parquet.content[:4] == b"PAR1"
    assert (
        client.get(f"/api/v1/projects/{pid}/versions", headers=people.headers("ann")).status_code
        == 403
    )


def test_lineage_of_an_imported_answer_is_in_the_api(
    client: TestClient, db: Database, people: Any
) -> None:
    pid = _project(db, people)
    entry = ImportedItem(
        AnnotatedItem("lin", {"text": "plain words"}, location="gold.json:items[0]"),
        [Answer([{"control": "topic", "value": {"choices": ["other"]}}], author="ann@x")],
    )
    report = import_annotated(db, OP, pid, lambda: [entry], source="gold.json", fmt="coco")
    got = client.get(
        f"/api/v1/items/{report.item_ids[0]}/annotations", headers=people.headers("lead")
    ).json()
    assert got[0]["author_kind"] == "import"
    assert got[0]["author_name"] == "ann@x"
    assert got[0]["lineage"] == {
        "source": "coco",
        "file": "gold.json",
        "location": "gold.json:items[0]",
        "imported_by": "operator (cli)",
    }
