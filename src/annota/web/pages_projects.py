"""The project list, a project's overview, and the frame of the labeling editor."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from annota.errors import InvalidInput, PermissionDenied
from annota.services import projects
from annota.services.records import ProjectInfo
from annota.services.roles import Role
from annota.web.session import DB, PageRoute, PageUser, User
from annota.web.templating import render, script_json

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _cursor(after: str | None) -> int:
    if not after:
        return 0
    if not after.isdigit():
        raise InvalidInput("'after' must be a cursor from a previous page", location="after")
    return int(after)


def can_manage(project: ProjectInfo, user: PageUser) -> bool:
    return user.is_admin or project.role == Role.MANAGER


def require_manager(project: ProjectInfo, user: PageUser) -> None:
    """Members below manager get 403 (non-members never get this far: 404)."""
    if not can_manage(project, user):
        raise PermissionDenied(
            "only the project's managers may change its settings", location="project"
        )


def can_browse(project: ProjectInfo, user: PageUser) -> bool:
    return user.is_admin or project.role in (Role.MANAGER, Role.REVIEWER)


@router.get("/")
def home(_user: User) -> Response:
    return RedirectResponse("/projects", status_code=303)


@router.get("/projects")
def project_list(request: Request, db: DB, user: User, after: str | None = None) -> Response:
    page = projects.list_projects(db, user.actor, after=_cursor(after), limit=50)
    return render(request, "projects.html", {"page": page})


@router.get("/projects/{project_id}")
def overview(request: Request, project_id: int, db: DB, user: User) -> Response:
    """Progress for reviewers and managers; annotators see the project and a start button."""
    project = projects.get_project(db, user.actor, project_id)
    stats = (
        projects.project_stats(db, user.actor, project_id) if can_browse(project, user) else None
    )
    guidelines = projects.get_guidelines(db, user.actor, project_id)
    return render(
        request,
        "overview.html",
        {
            "project": project,
            "stats": stats,
            "guidelines": guidelines,
            "can_manage": can_manage(project, user),
            "can_browse": can_browse(project, user),
        },
    )


@router.get("/projects/{project_id}/label")
def label(request: Request, project_id: int, db: DB, user: User) -> Response:
    """The editor page; the editor's script asks the API for the next item itself."""
    project = projects.get_project(db, user.actor, project_id)
    schema = projects.get_schema(db, user.actor, project_id)
    guidelines = projects.get_guidelines(db, user.actor, project_id)
    return render(
        request,
        "label.html",
        {
            "project": project,
            "schema_json": script_json(schema.document),
            "schema_version": schema.version,
            "guidelines": guidelines,
        },
    )
