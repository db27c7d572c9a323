"""Loading a project for a caller, with the membership check every use case needs.

An object the caller may not see answers NotFound (never PermissionDenied), so ids reveal
nothing; a member whose role is too low gets PermissionDenied.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from annota.errors import NotFound, PermissionDenied
from annota.services.actor import Actor
from annota.services.roles import Need, Role, allows
from annota.store.models import Item, Membership, Project


def role_in(session: Session, actor: Actor, project_id: int) -> Role | None:
    if actor.user_id is None:
        return None
    role = session.execute(
        select(Membership.role).where(
            Membership.project_id == project_id, Membership.user_id == actor.user_id
        )
    ).scalar_one_or_none()
    return Role(role) if role else None


def project_for(session: Session, actor: Actor, project_id: int, need: Need) -> Project:
    """The project, if ``actor`` may ``need`` it; NotFound for outsiders."""
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(f"project {project_id} not found", location="project")
    if actor.is_admin:
        return project
    role = role_in(session, actor, project_id)
    if role is None:
        raise NotFound(f"project {project_id} not found", location="project")
    if not allows(role, need):
        raise PermissionDenied(
            f"your role '{role}' in this project may not do this (needs {need})",
            location="project",
        )
    return project


def item_for(session: Session, actor: Actor, item_id: int, need: Need) -> tuple[Item, Project]:
    """The item and its project, checked like :func:`project_for` (outsiders get NotFound)."""
    item = session.get(Item, item_id)
    if item is None:
        raise NotFound(f"item {item_id} not found", location="item")
    try:
        project = project_for(session, actor, item.project_id, need)
    except NotFound:
        raise NotFound(f"item {item_id} not found", location="item") from None
    return item, project
