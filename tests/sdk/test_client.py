"""The SDK against a real server on loopback."""

from __future__ import annotations

import pytest

from annota.errors import Conflict, NotFound, ValidationFailed
from annota.sdk import Client
from live import serve_in_thread


@pytest.fixture
def live(app, people):
    people.add("root", admin=True)
    people.add("ann")
    with serve_in_thread(app) as url:
        root = Client(url, token=people.headers("root")["Authorization"][7:])
        ann = Client(url, token=people.headers("ann")["Authorization"][7:])
        yield root, ann
        root.close()
        ann.close()


def test_full_round_trip_with_paging_and_streaming(live, text_schema, tmp_path):
    root, ann = live
    project = root.create_project("sdk", text_schema, settings={"overlap": 1})
    report = root.import_items(
        project.id, ({"id": f"r{i}", "data": {"text": f"text {i}"}} for i in range(450))
    )
    assert (report.created, report.existing) == (450, 0)
    again = root.import_items(project.id, [{"id": "r0", "data": {"text": "text 0"}}])
    assert (again.created, again.existing) == (0, 1)
    assert [i.external_id for i in root.items(project.id)][:3] == ["r0", "r1", "r2"]
    assert sum(1 for _ in root.items(project.id)) == 450  # three pages of 200
    root.add_member(project.id, "ann")

    item = ann.next_item(project.id)
    assert item is not None
    regions = [{"control": "sentiment", "value": {"choices": ["neutral"]}}]
    first = ann.submit(item.id, regions, idempotency_key="k1")
    retry = ann.submit(item.id, regions, idempotency_key="k1")
    assert first.id == retry.id
    updated = ann.update_annotation(
        first.id,
        version=first.version,
        regions=[{"control": "sentiment", "value": {"choices": ["positive"]}}],
    )
    assert updated.version == 2
    with pytest.raises(Conflict, match="changed since version 1"):
        ann.update_annotation(first.id, version=1, regions=regions)

    lines = list(root.export(project.id))
    assert len(lines) == 450
    assert lines[0]["annotations"][0]["regions"][0]["value"] == {"choices": ["positive"]}
    assert root.export_to(project.id, tmp_path / "out.jsonl") == 450
    assert root.stats(project.id).submitted == 1


def test_errors_come_back_typed(live, text_schema):
    root, ann = live
    project = root.create_project("typed", text_schema)
    with pytest.raises(NotFound):
        ann.project(project.id)
    root.add_member(project.id, "ann")
    root.import_items(project.id, [{"id": "a", "data": {"text": "short"}}])
    item = ann.next_item(project.id)
    assert item is not None
    with pytest.raises(ValidationFailed, match="region"):
        ann.submit(
            item.id, [{"control": "entities", "value": {"start": 0, "end": 99, "label": "PER"}}]
        )
    with pytest.raises(NotFound):
        root.project(10_000)
