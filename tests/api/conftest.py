"""A small world for API tests: users of every role around one project with data."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from PIL import Image

from annota.formats import SourceRecord
from annota.services import annotating, assignment, importing, projects
from annota.services.actor import Actor
from annota.store.db import Database


@dataclass
class World:
    project_id: int
    other_project_id: int
    item_id: int
    annotation_id: int
    media_id: int
    headers: dict[str, dict[str, str]]


def png_bytes(width: int = 8, height: int = 6) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 10, 10)).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def world(db: Database, people, text_schema: str, tmp_path) -> World:
    op = Actor.operator()
    roles = {"annotator": "annotator", "reviewer": "reviewer", "manager": "manager"}
    actors = {name: people.add(name) for name in (*roles, "writer", "nonmember")}
    people.add("admin", admin=True)
    pid = projects.create_project(db, op, name="world", schema=text_schema).id
    other = projects.create_project(db, op, name="elsewhere", schema=text_schema).id
    for name, role in roles.items():
        projects.set_member(db, op, pid, username=name, role=role)
    projects.set_member(db, op, pid, username="writer", role="annotator")
    projects.set_member(db, op, other, username="nonmember", role="manager")
    importing.import_records(
        db,
        op,
        pid,
        [SourceRecord(f"r:{i}", f"x{i}", {"text": "Alice visits Paris"}, {}) for i in range(3)],
        source="t",
    )
    item = assignment.next_item(db, actors["writer"], pid)
    assert item is not None
    ann, _ = annotating.create_annotation(
        db,
        actors["writer"],
        item.id,
        regions=[{"control": "sentiment", "value": {"choices": ["positive"]}}],
    )
    png = tmp_path / "pic.png"
    png.write_bytes(png_bytes())
    media = importing.store_media_file(db, op, pid, png, original_name="pic.png")
    headers = {name: people.headers(name) for name in (*actors, "admin")}
    headers["anonymous"] = {}
    return World(pid, other, item.id, ann.id, media.id, headers)
