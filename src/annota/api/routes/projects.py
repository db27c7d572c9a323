"""Projects, schema and guidelines versions, members, statistics and the audit trail."""

from __future__ import annotations

from fastapi import APIRouter, Header, status

from annota.api.deps import DB, CurrentActor, PageArgs, version_from_if_match
from annota.services import audit_log, projects
from annota.wire.common import Page
from annota.wire.projects import (
    AuditOut,
    GuidelinesIn,
    GuidelinesOut,
    MemberIn,
    MemberOut,
    ProjectIn,
    ProjectOut,
    ProjectUpdate,
    SchemaIn,
    SchemaOut,
    StatsOut,
)

router = APIRouter(tags=["projects"])


@router.get("/projects", response_model=Page[ProjectOut], operation_id="list_projects")
def list_projects(db: DB, actor: CurrentActor, page: PageArgs) -> Page[ProjectOut]:
    """Projects you belong to (all, for admins)."""
    return Page[ProjectOut].model_validate(
        projects.list_projects(db, actor, after=page[0], limit=page[1])
    )


@router.post("/projects", response_model=ProjectOut, status_code=201, operation_id="create_project")
def create_project(body: ProjectIn, db: DB, actor: CurrentActor) -> ProjectOut:
    """Create a project; you become its manager."""
    settings = body.settings.model_dump() if body.settings else None
    return ProjectOut.model_validate(
        projects.create_project(
            db,
            actor,
            name=body.name,
            schema=body.label_schema,
            description=body.description,
            settings=settings,
            guidelines=body.guidelines,
        )
    )


@router.get("/projects/{project_id}", response_model=ProjectOut, operation_id="get_project")
def get_project(project_id: int, db: DB, actor: CurrentActor) -> ProjectOut:
    return ProjectOut.model_validate(projects.get_project(db, actor, project_id))


@router.patch("/projects/{project_id}", response_model=ProjectOut, operation_id="update_project")
def update_project(
    project_id: int,
    body: ProjectUpdate,
    db: DB,
    actor: CurrentActor,
    if_match: str | None = Header(default=None),
) -> ProjectOut:
    version = body.version if body.version is not None else version_from_if_match(if_match)
    return ProjectOut.model_validate(
        projects.update_project(
            db,
            actor,
            project_id,
            version=version,
            name=body.name,
            description=body.description,
            settings=body.settings,
        )
    )


@router.delete(
    "/projects/{project_id}", status_code=status.HTTP_204_NO_CONTENT, operation_id="delete_project"
)
def delete_project(project_id: int, db: DB, actor: CurrentActor) -> None:
    projects.delete_project(db, actor, project_id)


@router.get("/projects/{project_id}/stats", response_model=StatsOut, operation_id="project_stats")
def project_stats(project_id: int, db: DB, actor: CurrentActor) -> StatsOut:
    return StatsOut.model_validate(projects.project_stats(db, actor, project_id))


@router.get("/projects/{project_id}/schema", response_model=SchemaOut, operation_id="get_schema")
def get_schema(
    project_id: int, db: DB, actor: CurrentActor, version: int | None = None
) -> SchemaOut:
    """The current schema, or the given version."""
    return SchemaOut.model_validate(projects.get_schema(db, actor, project_id, version))


@router.put("/projects/{project_id}/schema", response_model=SchemaOut, operation_id="set_schema")
def set_schema(project_id: int, body: SchemaIn, db: DB, actor: CurrentActor) -> SchemaOut:
    """Make a new schema version current (nothing happens if it is unchanged)."""
    return SchemaOut.model_validate(projects.set_schema(db, actor, project_id, body.label_schema))


@router.get(
    "/projects/{project_id}/schema/versions",
    response_model=list[SchemaOut],
    operation_id="list_schema_versions",
)
def list_schema_versions(project_id: int, db: DB, actor: CurrentActor) -> list[SchemaOut]:
    return [
        SchemaOut.model_validate(v) for v in projects.list_schema_versions(db, actor, project_id)
    ]


@router.get(
    "/projects/{project_id}/guidelines", response_model=GuidelinesOut, operation_id="get_guidelines"
)
def get_guidelines(
    project_id: int, db: DB, actor: CurrentActor, version: int | None = None
) -> GuidelinesOut:
    return GuidelinesOut.model_validate(projects.get_guidelines(db, actor, project_id, version))


@router.put(
    "/projects/{project_id}/guidelines", response_model=GuidelinesOut, operation_id="set_guidelines"
)
def set_guidelines(
    project_id: int, body: GuidelinesIn, db: DB, actor: CurrentActor
) -> GuidelinesOut:
    return GuidelinesOut.model_validate(
        projects.set_guidelines(db, actor, project_id, body.markdown)
    )


@router.get(
    "/projects/{project_id}/members", response_model=list[MemberOut], operation_id="list_members"
)
def list_members(project_id: int, db: DB, actor: CurrentActor) -> list[MemberOut]:
    return [MemberOut.model_validate(m) for m in projects.list_members(db, actor, project_id)]


@router.post("/projects/{project_id}/members", response_model=MemberOut, operation_id="set_member")
def set_member(project_id: int, body: MemberIn, db: DB, actor: CurrentActor) -> MemberOut:
    """Add a member or change their role."""
    return MemberOut.model_validate(
        projects.set_member(db, actor, project_id, username=body.username, role=body.role)
    )


@router.delete(
    "/projects/{project_id}/members/{user_id}", status_code=204, operation_id="remove_member"
)
def remove_member(project_id: int, user_id: int, db: DB, actor: CurrentActor) -> None:
    projects.remove_member(db, actor, project_id, user_id)


@router.get(
    "/projects/{project_id}/audit", response_model=Page[AuditOut], operation_id="list_audit_events"
)
def list_audit(project_id: int, db: DB, actor: CurrentActor, page: PageArgs) -> Page[AuditOut]:
    return Page[AuditOut].model_validate(
        audit_log.list_events(db, actor, project_id, after=page[0], limit=page[1])
    )
