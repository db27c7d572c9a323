"""Project settings: the schema editor with live preview, guidelines, members and options.

Every form posts back here with the session's CSRF token and, on success, redirects (so a
reload never posts twice); a refused change re-renders the page with the error next to
the field it concerns, the user's text kept.
"""

from __future__ import annotations

from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from annota.errors import AnnotaError, Conflict, InvalidInput, NotFound
from annota.schema import LabelSchema, load_schema
from annota.services import projects
from annota.services.roles import Role
from annota.web.pages_projects import can_browse, can_manage, require_manager
from annota.web.session import DB, CheckedUser, PageRoute, PageUser, User, status_of
from annota.web.templating import render, render_markdown

router = APIRouter(route_class=PageRoute, include_in_schema=False)
MAX_SCHEMA_TEXT = 1_000_000
ROLES = [r.value for r in Role]


def _problems(exc: AnnotaError) -> list[dict[str, str | None]]:
    """Each problem of a refusal with its location (a schema error may hold many)."""
    inner = getattr(exc, "errors", None) or [exc]
    return [{"location": e.location, "message": e.message} for e in inner]


def _context(db: DB, user: PageUser, project_id: int, **extra: Any) -> dict[str, Any]:
    project = projects.get_project(db, user.actor, project_id)
    require_manager(project, user)
    schema = projects.get_schema(db, user.actor, project_id)
    guidelines = projects.get_guidelines(db, user.actor, project_id)
    context: dict[str, Any] = {
        "project": project,
        "options": projects.parse_settings(project.settings),
        "schema_text": yaml.safe_dump(schema.document, sort_keys=False, allow_unicode=True),
        "schema_version": schema.version,
        "schema_errors": [],
        "preview": _summary(load_schema(schema.document)),
        "guidelines": guidelines,
        "guidelines_text": guidelines.markdown,
        "members": projects.list_members(db, user.actor, project_id),
        "roles": ROLES,
        "errors": {},
        "saved": None,
        "can_browse": can_browse(project, user),
        "can_manage": True,
        "tab": "settings",
    }
    context.update(extra)
    return context


def _numbered(control_type: str, index: int) -> str | None:
    """Choice options without their own hotkey get 1..9 in schema order in the editor."""
    return str(index + 1) if control_type == "choices" and index < 9 else None


def _summary(schema: LabelSchema) -> dict[str, Any]:
    """What the editor will show for ``schema``: fields, then controls with their keys."""
    controls = []
    for control in schema.controls:
        labels = getattr(control, "options", None) or getattr(control, "labels", None) or []
        controls.append(
            {
                "name": control.name,
                "type": control.type,
                "field": getattr(control, "field", None),
                "labels": [
                    {"value": label.value, "hotkey": label.hotkey or _numbered(control.type, i)}
                    for i, label in enumerate(labels)
                ],
            }
        )
    return {
        "title": schema.title,
        "fields": [{"name": f.name, "type": f.type} for f in schema.fields],
        "controls": controls,
    }


@router.get("/projects/{project_id}/settings")
def settings_page(
    request: Request, project_id: int, db: DB, user: User, saved: str = ""
) -> Response:
    return render(request, "settings.html", _context(db, user, project_id, saved=saved or None))


@router.post("/projects/{project_id}/settings/schema")
def save_schema(
    request: Request,
    project_id: int,
    db: DB,
    user: CheckedUser,
    schema_text: Annotated[str, Form(alias="schema", max_length=MAX_SCHEMA_TEXT)] = "",
) -> Response:
    try:
        projects.set_schema(db, user.actor, project_id, schema_text)
    except InvalidInput as exc:
        context = _context(
            db,
            user,
            project_id,
            schema_text=schema_text,
            schema_errors=_problems(exc),
            preview=None,
        )
        return render(request, "settings.html", context, status_of(exc))
    return RedirectResponse(f"/projects/{project_id}/settings?saved=schema", status_code=303)


@router.post("/projects/{project_id}/settings/schema/preview")
def preview_schema(
    request: Request,
    project_id: int,
    db: DB,
    user: CheckedUser,
    schema_text: Annotated[str, Form(alias="schema", max_length=MAX_SCHEMA_TEXT)] = "",
) -> Response:
    """The live preview (htmx): the controls the editor would show, or the located errors."""
    require_manager(projects.get_project(db, user.actor, project_id), user)
    try:
        preview, problems = _summary(load_schema(schema_text)), []
    except InvalidInput as exc:
        preview, problems = None, _problems(exc)
    return render(
        request, "partials/schema_preview.html", {"preview": preview, "schema_errors": problems}
    )


@router.post("/projects/{project_id}/settings/guidelines")
def save_guidelines(
    project_id: int,
    db: DB,
    user: CheckedUser,
    markdown: Annotated[str, Form(max_length=projects.MAX_GUIDELINES)] = "",
) -> Response:
    projects.set_guidelines(db, user.actor, project_id, markdown)
    return RedirectResponse(f"/projects/{project_id}/settings?saved=guidelines", status_code=303)


@router.post("/projects/{project_id}/settings/guidelines/preview")
def preview_guidelines(
    request: Request,
    project_id: int,
    db: DB,
    user: CheckedUser,
    markdown: Annotated[str, Form(max_length=projects.MAX_GUIDELINES)] = "",
) -> Response:
    require_manager(projects.get_project(db, user.actor, project_id), user)
    return render(request, "partials/markdown.html", {"html": render_markdown(markdown)})


@router.get("/projects/{project_id}/guidelines")
def guidelines_page(
    request: Request, project_id: int, db: DB, user: User, version: int | None = None
) -> Response:
    """Any version of the guidelines, rendered sanitised, for every member."""
    project = projects.get_project(db, user.actor, project_id)
    guidelines = projects.get_guidelines(db, user.actor, project_id, version)
    return render(
        request,
        "guidelines.html",
        {
            "project": project,
            "guidelines": guidelines,
            "latest": project.guidelines_version,
            "can_browse": can_browse(project, user),
            "can_manage": can_manage(project, user),
            "tab": "overview",
        },
    )


@router.post("/projects/{project_id}/settings/members")
def save_member(
    request: Request,
    project_id: int,
    db: DB,
    user: CheckedUser,
    username: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=50)] = "",
) -> Response:
    try:
        projects.set_member(db, user.actor, project_id, username=username.strip(), role=role)
    except (InvalidInput, NotFound) as exc:
        context = _context(db, user, project_id, errors={"member": str(exc)})
        return render(request, "settings.html", context, status_of(exc))
    return RedirectResponse(f"/projects/{project_id}/settings?saved=members", status_code=303)


@router.post("/projects/{project_id}/settings/members/{user_id}/remove")
def remove_member(project_id: int, user_id: int, db: DB, user: CheckedUser) -> Response:
    projects.remove_member(db, user.actor, project_id, user_id)
    return RedirectResponse(f"/projects/{project_id}/settings?saved=members", status_code=303)


@router.post("/projects/{project_id}/settings/options")
def save_options(
    request: Request,
    project_id: int,
    db: DB,
    user: CheckedUser,
    version: Annotated[int, Form()],
    name: Annotated[str, Form(max_length=200)] = "",
    description: Annotated[str, Form(max_length=10_000)] = "",
    overlap: Annotated[str, Form(max_length=20)] = "1",
    ordering: Annotated[str, Form(max_length=20)] = "sequential",
    lease_seconds: Annotated[str, Form(max_length=20)] = "3600",
    allow_skip: Annotated[str | None, Form(max_length=5)] = None,
) -> Response:
    changes = {
        "overlap": overlap,
        "ordering": ordering,
        "lease_seconds": lease_seconds,
        "allow_skip": allow_skip is not None,
    }
    try:
        projects.update_project(
            db,
            user.actor,
            project_id,
            version=version,
            name=name,
            description=description,
            settings=changes,
        )
    except (InvalidInput, Conflict) as exc:
        context = _context(db, user, project_id, errors={"options": str(exc)})
        return render(request, "settings.html", context, status_of(exc))
    return RedirectResponse(f"/projects/{project_id}/settings?saved=options", status_code=303)
