"""The item browser's query: filters, full-text search and sorts, keyset-paged at any size.

Every sort is a keyset on ``(sort key, id)`` served by an index of migration 0005, so the
next page costs the same at item 10 and at item 1,000,000. Full-text search uses SQLite's
FTS5 table ``items_fts`` (kept in step by triggers) or PostgreSQL's GIN index on
``to_tsvector('simple', data::text)``; both index the item's data, every text field.
Filters that no index serves (metadata, label) stop as soon as a page is full.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Text, and_, cast, exists, func, literal_column, or_, select, text
from sqlalchemy.sql.elements import ColumnElement

from annota.errors import InvalidInput, NotFound
from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.assignment import item_info
from annota.services.records import ItemInfo, Page
from annota.services.roles import Need
from annota.store.db import Database
from annota.store.models import Annotation, Item, User

ItemState = Literal["open", "complete", "annotated", "unannotated"]
ItemSort = Literal["id", "-id", "priority", "done"]
STATES: tuple[str, ...] = ("open", "complete", "annotated", "unannotated")
SORTS: tuple[str, ...] = ("id", "-id", "priority", "done")
MAX_TERM = 200
_META_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")


@dataclass(frozen=True, slots=True)
class ItemQuery:
    """What the browser asks for; every field optional. ``after`` is an opaque cursor."""

    state: str | None = None
    annotator: str | None = None
    label: str | None = None
    meta_key: str | None = None
    meta_value: str | None = None
    text: str | None = None
    sort: str = "id"
    after: str | None = None
    limit: int = 50


def _check(query: ItemQuery) -> None:
    if query.state is not None and query.state not in STATES:
        raise InvalidInput(f"unknown status '{query.state}'", location="state")
    if query.sort not in SORTS:
        raise InvalidInput(
            f"unknown sort '{query.sort}' (one of {', '.join(SORTS)})", location="sort"
        )
    for name in ("annotator", "label", "meta_value", "text"):
        value = getattr(query, name)
        if value is not None and len(value) > MAX_TERM:
            raise InvalidInput(f"{name} over {MAX_TERM} characters", location=name)
    if query.meta_key is not None and not _META_KEY.match(query.meta_key):
        raise InvalidInput("metadata key: letters, digits, '_', '.', '-' only", location="meta_key")


def _fts_match(words: str) -> str:
    """An FTS5 query: every word, quoted so no FTS operator comes from the user (AND)."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in words.split())


def _text_filter(db: Database, words: str) -> ColumnElement[bool]:
    if db.is_sqlite:
        hits = text("SELECT rowid FROM items_fts WHERE items_fts MATCH :match").bindparams(
            match=_fts_match(words)
        )
        return Item.id.in_(hits.columns(rowid=Item.id.type))
    vector = func.to_tsvector(literal_column("'simple'::regconfig"), cast(Item.data, Text))
    query = func.plainto_tsquery(literal_column("'simple'::regconfig"), words)
    return vector.op("@@")(query)


def _label_filter(label: str) -> ColumnElement[bool]:
    """Items with a submitted annotation whose regions hold ``label`` as a JSON string."""
    token = '"' + label.replace("\\", "\\\\").replace('"', '\\"') + '"'
    pattern = "%" + token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    regions = cast(Annotation.regions, Text)  # jsonb::text spaces out ':' and ',', not tokens
    return exists().where(
        Annotation.item_id == Item.id,
        Annotation.status == "submitted",
        regions.like(pattern, escape="\\"),
    )


def _cursor(sort: str, after: str | None) -> tuple[Any, int] | None:
    if not after:
        return None
    key, _, ident = after.rpartition(":")
    try:
        item_id = int(ident)
        if sort == "priority":
            return float(key), item_id
        if sort == "done":
            return int(key), item_id
        return None if key else (None, item_id)
    except ValueError:
        pass
    raise InvalidInput("'after' must be a cursor from a previous page", location="after")


def search_items(db: Database, actor: Actor, project_id: int, query: ItemQuery) -> Page[ItemInfo]:
    """One page of the project's items matching ``query``; reviewers and managers only."""
    _check(query)
    limit = max(1, min(query.limit, 200))
    cursor = _cursor(query.sort, query.after)
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ_ALL)
        where: list[ColumnElement[bool]] = [Item.project_id == project_id]
        if query.state == "open":
            where.append(Item.open.is_(True))
        elif query.state == "complete":
            where.append(Item.open.is_(False))
        elif query.state == "annotated":
            where.append(Item.done > 0)
        elif query.state == "unannotated":
            where.append(Item.done == 0)
        if query.annotator:
            author = s.execute(
                select(User.id).where(User.username == query.annotator)
            ).scalar_one_or_none()
            if author is None:
                raise NotFound(f"no user named '{query.annotator}'", location="annotator")
            where.append(
                Item.id.in_(
                    select(Annotation.item_id).where(
                        Annotation.project_id == project_id,
                        Annotation.author_id == author,
                        Annotation.status == "submitted",
                    )
                )
            )
        if query.label:
            where.append(_label_filter(query.label))
        if query.meta_key:
            value = Item.meta[query.meta_key].as_string()
            where.append(value == query.meta_value if query.meta_value else value.is_not(None))
        if query.text and query.text.strip():
            where.append(_text_filter(db, query.text.strip()))
        order: list[Any]
        if query.sort == "id":
            order = [Item.id]
            if cursor:
                where.append(Item.id > cursor[1])
        elif query.sort == "-id":
            order = [Item.id.desc()]
            if cursor:
                where.append(Item.id < cursor[1])
        else:
            column = Item.priority if query.sort == "priority" else Item.done
            if query.sort == "priority":  # highest first
                order = [column.desc(), Item.id]
                if cursor:
                    key, last = cursor
                    where.append(or_(column < key, and_(column == key, Item.id > last)))
            else:  # fewest annotations first
                order = [column, Item.id]
                if cursor:
                    key, last = cursor
                    where.append(or_(column > key, and_(column == key, Item.id > last)))
        rows = s.execute(select(Item).where(*where).order_by(*order).limit(limit + 1)).scalars()
        found = list(rows)
        out = [item_info(i) for i in found[:limit]]
        if len(found) <= limit:
            return Page(out, None)
        last_item = out[-1]
        key = {"priority": repr(last_item.priority), "done": str(last_item.done)}.get(
            query.sort, ""
        )
        return Page(out, f"{key}:{last_item.id}")


def annotation_counts(db: Database, actor: Actor, project_id: int, item_ids: list[int]) -> dict[
    int, dict[str, int]
]:  # fmt: skip
    """Per item of a page, the number of annotations by status (for the browser's columns)."""
    if not item_ids:
        return {}
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ_ALL)
        rows = s.execute(
            select(Annotation.item_id, Annotation.status, func.count())
            .where(Annotation.project_id == project_id, Annotation.item_id.in_(item_ids))
            .group_by(Annotation.item_id, Annotation.status)
        ).all()
    out: dict[int, dict[str, int]] = {}
    for item_id, status, n in rows:
        out.setdefault(item_id, {})[status] = n
    return out
