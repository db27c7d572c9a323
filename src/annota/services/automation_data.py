"""What the automation jobs read: the current schema, labelled examples, item pages.

Jobs run without a request, so these take a project id that the starting service already
authorized. Reads page by item id so no query holds a whole project; what a model needs in
memory at once (the texts it fits on) is the caller's choice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from annota.schema import LabelSchema
from annota.services.projects import schema_of
from annota.store.db import Database
from annota.store.models import Annotation, Item, Project

PAGE = 1000


@dataclass(frozen=True)
class ProjectSchema:
    version: int
    schema: LabelSchema
    document: dict[str, Any]


def current_schema(db: Database, project_id: int) -> ProjectSchema:
    with db.read() as s:
        version = s.get_one(Project, project_id).schema_version
        schema = schema_of(db, s.connection(), project_id, version)
    return ProjectSchema(version, schema, schema.model_dump(mode="json"))


def submitted_count(db: Database, project_id: int) -> int:
    """People's submitted annotations in the project (what the AL loop counts)."""
    with db.read() as s:
        return int(
            s.execute(
                select(func.count()).where(
                    Annotation.project_id == project_id,
                    Annotation.author_kind == "person",
                    Annotation.status == "submitted",
                )
            ).scalar_one()
        )


def labelled_examples(db: Database, project_id: int) -> dict[int, list[dict[str, Any]]]:
    """Item id -> regions of its first submitted person annotation (by annotation id).

    With overlap above one, later answers for the same item are ignored: the loop needs
    one label per item, and the first is the one no model could have influenced.
    """
    out: dict[int, list[dict[str, Any]]] = {}
    after = 0
    while True:
        with db.read() as s:
            rows = s.execute(
                select(Annotation.id, Annotation.item_id, Annotation.regions)
                .where(
                    Annotation.project_id == project_id,
                    Annotation.author_kind == "person",
                    Annotation.status == "submitted",
                    Annotation.id > after,
                )
                .order_by(Annotation.id)
                .limit(PAGE)
            ).all()
        for row in rows:
            out.setdefault(row.item_id, row.regions)
        if len(rows) < PAGE:
            return out
        after = rows[-1].id


def item_pages(
    db: Database, project_id: int, *, batch: int = PAGE, unlabelled_only: bool = False
) -> Iterator[list[dict[str, Any]]]:
    """The project's items as ``{"id", "data", "meta"}`` dicts, ``batch`` at a time by id."""
    after = 0
    while True:
        query = select(Item.id, Item.data, Item.meta).where(
            Item.project_id == project_id, Item.id > after
        )
        if unlabelled_only:
            query = query.where(Item.done == 0)
        with db.read() as s:
            rows = s.execute(query.order_by(Item.id).limit(batch)).all()
        if not rows:
            return
        yield [{"id": r.id, "data": r.data, "meta": r.meta} for r in rows]
        after = rows[-1].id


def count_items(db: Database, project_id: int, *, unlabelled_only: bool = False) -> int:
    query = select(func.count()).where(Item.project_id == project_id)
    if unlabelled_only:
        query = query.where(Item.done == 0)
    with db.read() as s:
        return int(s.execute(query).scalar_one())


def items_by_id(db: Database, item_ids: list[int]) -> dict[int, dict[str, Any]]:
    """``{"id", "data", "meta"}`` for the given ids, fetched in chunks."""
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(item_ids), PAGE):
        chunk = item_ids[start : start + PAGE]
        with db.read() as s:
            rows = s.execute(select(Item.id, Item.data, Item.meta).where(Item.id.in_(chunk))).all()
        out.update({r.id: {"id": r.id, "data": r.data, "meta": r.meta} for r in rows})
    return out
