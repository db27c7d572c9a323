"""Loading a project for a caller, with the membership check every use case needs.

An object the caller may not see answers NotFound (never PermissionDenied), so ids reveal
nothing; a member whose role is too low gets PermissionDenied. The check is one Core query
(project joined with the caller's membership), shared by the ORM use cases and the hot
paths (next-item, submit) that work on a plain connection.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, select
from sqlalchemy.orm import Session

from annota.errors import NotFound, PermissionDenied
from annota.services.actor import Actor
from annota.services.roles import Need, Role, allows
from annota.store import tables
from annota.store.models import Item, Membership, Project

PROJECTS = tables.projects.c
MEMBERS = tables.memberships.c
ITEMS = tables.items.c


def role_in(session: Session, actor: Actor, project_id: int) -> Role | None:
    if actor.user_id is None:
        return None
    role = session.execute(
        select(Membership.role).where(
            Membership.project_id == project_id, Membership.user_id == actor.user_id
        )
    ).scalar_one_or_none()
    return Role(role) if role else None


def project_row(conn: Connection, actor: Actor, project_id: int, need: Need) -> Any:
    """The project's Row (with ``role``), if ``actor`` may ``need`` it; NotFound otherwise."""
    query = (
        select(
            PROJECTS.id,
            PROJECTS.settings,
            PROJECTS.schema_version,
            PROJECTS.guidelines_version,
            MEMBERS.role,
        )
        .outerjoin(
            tables.memberships,
            and_(MEMBERS.project_id == PROJECTS.id, MEMBERS.user_id == actor.user_id),
        )
        .where(PROJECTS.id == project_id)
    )
    row = conn.execute(query).first()
    if row is None or (row.role is None and not actor.is_admin):
        raise NotFound(f"project {project_id} not found", location="project")
    if not actor.is_admin and not allows(Role(row.role), need):
        raise PermissionDenied(
            f"your role '{row.role}' in this project may not do this (needs {need})",
            location="project",
        )
    return row


def project_for(session: Session, actor: Actor, project_id: int, need: Need) -> Project:
    """The project as an ORM object, checked like :func:`project_row`."""
    project_row(session.connection(), actor, project_id, need)
    return session.get_one(Project, project_id)


def item_row(conn: Connection, actor: Actor, item_id: int, need: Need) -> tuple[Any, Any]:
    """The item's row and its project's row, checked; outsiders get NotFound for the item."""
    item = conn.execute(
        select(
            ITEMS.id,
            ITEMS.project_id,
            ITEMS.external_id,
            ITEMS.data,
            ITEMS.meta,
            ITEMS.media,
            ITEMS.priority,
            ITEMS.done,
            ITEMS.created_at,
        ).where(ITEMS.id == item_id)
    ).first()
    if item is None:
        raise NotFound(f"item {item_id} not found", location="item")
    try:
        project = project_row(conn, actor, item.project_id, need)
    except NotFound:
        raise NotFound(f"item {item_id} not found", location="item") from None
    return item, project


def item_for(session: Session, actor: Actor, item_id: int, need: Need) -> tuple[Item, Project]:
    """The item and its project as ORM objects, checked like :func:`item_row`."""
    item, _ = item_row(session.connection(), actor, item_id, need)
    return session.get_one(Item, item.id), session.get_one(Project, item.project_id)


def staff_item_for(
    session: Session, actor: Actor, item_id: int, need: Need
) -> tuple[Item, Project]:
    """:func:`item_for` for the routes of reviewers and managers (gold, consensus...).

    An annotator opens only the items handed to them; any other item does not exist for
    them here either: NotFound, not PermissionDenied, which would confirm the id. For an
    item they were handed, and for a reviewer below ``need``, PermissionDenied.
    """
    try:
        return item_for(session, actor, item_id, need)
    except PermissionDenied:
        conn = session.connection()
        try:
            item_row(conn, actor, item_id, Need.READ_ALL)
        except PermissionDenied:
            handed = conn.execute(
                select(tables.assignments.c.id).where(
                    tables.assignments.c.item_id == item_id,
                    tables.assignments.c.user_id == actor.user_id,
                )
            ).first()
            if handed is None:
                raise NotFound(f"item {item_id} not found", location="item") from None
        raise
