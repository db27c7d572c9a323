"""Projects, their versioned schema and guidelines, settings and members.

Every write here is one transaction that also appends its audit event. Schema and guidelines
are immutable versions: a change adds version N+1 and moves the project's pointer, so each
annotation keeps naming the exact version it was made under.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from annota.errors import Conflict, InvalidInput, NotFound
from annota.schema import LabelSchema, load_schema, schema_fingerprint
from annota.schema.project_settings import ProjectSettings
from annota.services import audit
from annota.services.access import project_for, role_in
from annota.services.actor import Actor
from annota.services.records import (
    GuidelinesInfo,
    MemberInfo,
    Page,
    ProjectInfo,
    ProjectStats,
    SchemaInfo,
)
from annota.services.roles import Need, Role
from annota.store import tables
from annota.store.db import Database
from annota.store.models import (
    Annotation,
    Assignment,
    GuidelinesVersion,
    Item,
    Membership,
    Project,
    SchemaVersion,
    User,
)

MAX_GUIDELINES = 1_000_000


def project_info(project: Project, role: Role | None = None) -> ProjectInfo:
    return ProjectInfo(
        id=project.id,
        name=project.name,
        description=project.description,
        settings=dict(project.settings),
        schema_version=project.schema_version,
        guidelines_version=project.guidelines_version,
        version=project.version,
        created_at=project.created_at,
        updated_at=project.updated_at,
        role=role.value if role else None,
    )


def parse_settings(raw: Mapping[str, Any] | None) -> ProjectSettings:
    try:
        return ProjectSettings.model_validate(raw or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in ("settings", *err["loc"]))
        raise InvalidInput(err["msg"], location=loc) from None


def _clean_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise InvalidInput("project name must be 1 to 200 characters", location="name")
    if name.isdigit():
        raise InvalidInput("project name may not be only digits (ids are)", location="name")
    return name


def create_project(
    db: Database,
    actor: Actor,
    *,
    name: str,
    schema: str | bytes | Mapping[str, Any],
    description: str = "",
    settings: Mapping[str, Any] | None = None,
    guidelines: str | None = None,
) -> ProjectInfo:
    """Create a project with schema version 1; a signed-in creator becomes its manager."""
    parsed = load_schema(schema)
    opts = parse_settings({"lease_seconds": db.settings.default_lease_seconds, **(settings or {})})
    name = _clean_name(name)
    try:
        with db.write() as s:
            project = Project(
                name=name,
                description=description,
                settings=opts.model_dump(),
                schema_version=1,
                guidelines_version=1 if guidelines else 0,
                created_by=actor.user_id,
            )
            s.add(project)
            s.flush()
            s.add(
                SchemaVersion(
                    project_id=project.id,
                    version=1,
                    document=parsed.model_dump(mode="json"),
                    fingerprint=schema_fingerprint(parsed),
                    created_by=actor.user_id,
                )
            )
            if guidelines:
                s.add(
                    GuidelinesVersion(
                        project_id=project.id,
                        version=1,
                        markdown=guidelines,
                        created_by=actor.user_id,
                    )
                )
            role = None
            if actor.user_id is not None:
                role = Role.MANAGER
                s.add(Membership(project_id=project.id, user_id=actor.user_id, role=role))
            audit.record(
                s,
                actor,
                "project.create",
                object_type="project",
                object_id=project.id,
                project_id=project.id,
                details={"name": name},
            )
            s.flush()
            return project_info(project, role)
    except IntegrityError:
        raise Conflict(f"a project named '{name}' already exists", location="name") from None


def resolve_project(db: Database, actor: Actor, ref: str | int) -> ProjectInfo:
    """A project by id or by name (the CLI accepts both)."""
    with db.read() as s:
        if isinstance(ref, int) or str(ref).isdigit():
            pid = int(ref)
        else:
            found = s.execute(select(Project.id).where(Project.name == ref)).scalar_one_or_none()
            if found is None:
                raise NotFound(f"no project named '{ref}'", location="project")
            pid = found
        project = project_for(s, actor, pid, Need.READ)
        return project_info(project, role_in(s, actor, pid))


def get_project(db: Database, actor: Actor, project_id: int) -> ProjectInfo:
    with db.read() as s:
        project = project_for(s, actor, project_id, Need.READ)
        return project_info(project, role_in(s, actor, project_id))


def list_projects(
    db: Database, actor: Actor, *, after: int = 0, limit: int = 50
) -> Page[ProjectInfo]:
    """Projects the caller belongs to (all of them for admins), keyset-paged by id."""
    with db.read() as s:
        query = select(Project, Membership.role).outerjoin(
            Membership,
            (Membership.project_id == Project.id) & (Membership.user_id == actor.user_id),
        )
        if not actor.is_admin:
            query = query.where(Membership.id.is_not(None))
        rows = s.execute(
            query.where(Project.id > after).order_by(Project.id).limit(limit + 1)
        ).all()
        out = [project_info(p, Role(r) if r else None) for p, r in rows[:limit]]
        return Page(out, str(out[-1].id) if len(rows) > limit else None)


def update_project(
    db: Database,
    actor: Actor,
    project_id: int,
    *,
    version: int | None = None,
    name: str | None = None,
    description: str | None = None,
    settings: Mapping[str, Any] | None = None,
) -> ProjectInfo:
    """Change name, description or settings; a stale ``version`` is a Conflict."""
    with db.write() as s:
        project = project_for(s, actor, project_id, Need.MANAGE)
        if version is not None and version != project.version:
            raise Conflict(
                f"project changed since version {version} (now {project.version})",
                location="version",
            )
        changes: dict[str, Any] = {}
        if name is not None and name != project.name:
            project.name = changes["name"] = _clean_name(name)
        if description is not None and description != project.description:
            project.description = changes["description"] = description
        if settings is not None:
            merged = {**project.settings, **settings}
            opts = parse_settings(merged).model_dump()
            if opts != project.settings:
                old_overlap = project.settings.get("overlap", 1)
                project.settings = changes["settings"] = opts
                if opts["overlap"] != old_overlap:
                    s.execute(
                        update(Item)
                        .where(Item.project_id == project_id)
                        .values(open=Item.taken < opts["overlap"])
                    )
        if changes:
            project.version += 1
            audit.record(
                s,
                actor,
                "project.update",
                object_type="project",
                object_id=project_id,
                project_id=project_id,
                details=changes,
            )
        try:
            s.flush()
        except IntegrityError:
            raise Conflict(f"a project named '{name}' already exists", location="name") from None
        return project_info(project, role_in(s, actor, project_id))


def delete_project(db: Database, actor: Actor, project_id: int) -> None:
    with db.write() as s:
        project = project_for(s, actor, project_id, Need.MANAGE)
        audit.record(
            s,
            actor,
            "project.delete",
            object_type="project",
            object_id=project_id,
            details={"name": project.name},
        )
        s.delete(project)


def _schema_info(row: SchemaVersion) -> SchemaInfo:
    return SchemaInfo(
        project_id=row.project_id,
        version=row.version,
        document=row.document,
        fingerprint=row.fingerprint,
        created_at=row.created_at,
    )


def set_schema(
    db: Database, actor: Actor, project_id: int, schema: str | bytes | Mapping[str, Any]
) -> SchemaInfo:
    """Add a schema version (unless identical to the current one) and make it current."""
    parsed = load_schema(schema)
    fingerprint = schema_fingerprint(parsed)
    with db.write() as s:
        project = project_for(s, actor, project_id, Need.MANAGE)
        current = _schema_row(s, project_id, project.schema_version)
        if current.fingerprint == fingerprint:
            return _schema_info(current)
        row = SchemaVersion(
            project_id=project_id,
            version=project.schema_version + 1,
            document=parsed.model_dump(mode="json"),
            fingerprint=fingerprint,
            created_by=actor.user_id,
        )
        s.add(row)
        project.schema_version = row.version
        audit.record(
            s,
            actor,
            "schema.version",
            object_type="project",
            object_id=project_id,
            project_id=project_id,
            details={"version": row.version},
        )
        s.flush()
        return _schema_info(row)


def _schema_row(s: Session, project_id: int, version: int) -> SchemaVersion:
    row = s.execute(
        select(SchemaVersion).where(
            SchemaVersion.project_id == project_id, SchemaVersion.version == version
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"schema version {version} not found", location="schema_version")
    return row


def get_schema(
    db: Database, actor: Actor, project_id: int, version: int | None = None
) -> SchemaInfo:
    with db.read() as s:
        project = project_for(s, actor, project_id, Need.READ)
        return _schema_info(_schema_row(s, project_id, version or project.schema_version))


def list_schema_versions(db: Database, actor: Actor, project_id: int) -> list[SchemaInfo]:
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ)
        rows = s.execute(
            select(SchemaVersion)
            .where(SchemaVersion.project_id == project_id)
            .order_by(SchemaVersion.version)
        ).scalars()
        return [_schema_info(r) for r in rows]


def schema_of(db: Database, conn: Connection, project_id: int, version: int) -> LabelSchema:
    """The parsed schema version, memoised: versions never change once written.

    Ids are never reused (AUTOINCREMENT on SQLite, sequences on PostgreSQL), so the key
    cannot meet a different project's schema after a deletion.
    """
    key = ("schema", project_id, version)
    cached = db.cache.get(key)
    if cached is None:
        table = tables.schema_versions.c
        document = conn.execute(
            select(table.document).where(table.project_id == project_id, table.version == version)
        ).scalar_one_or_none()
        if document is None:
            raise NotFound(f"schema version {version} not found", location="schema_version")
        cached = load_schema(document)
        db.cache[key] = cached
    assert isinstance(cached, LabelSchema)
    return cached


def set_guidelines(db: Database, actor: Actor, project_id: int, markdown: str) -> GuidelinesInfo:
    """Add a guidelines version (markdown; rendered sanitised by the web layer)."""
    if len(markdown) > MAX_GUIDELINES:
        raise InvalidInput(f"guidelines over {MAX_GUIDELINES} characters", location="markdown")
    with db.write() as s:
        project = project_for(s, actor, project_id, Need.MANAGE)
        row = GuidelinesVersion(
            project_id=project_id,
            version=project.guidelines_version + 1,
            markdown=markdown,
            created_by=actor.user_id,
        )
        s.add(row)
        project.guidelines_version = row.version
        audit.record(
            s,
            actor,
            "guidelines.version",
            object_type="project",
            object_id=project_id,
            project_id=project_id,
            details={"version": row.version},
        )
        s.flush()
        return GuidelinesInfo(project_id, row.version, row.markdown, row.created_at)


def get_guidelines(
    db: Database, actor: Actor, project_id: int, version: int | None = None
) -> GuidelinesInfo:
    with db.read() as s:
        project = project_for(s, actor, project_id, Need.READ)
        wanted = version or project.guidelines_version
        if wanted == 0:
            return GuidelinesInfo(project_id, 0, "", None)
        row = s.execute(
            select(GuidelinesVersion).where(
                GuidelinesVersion.project_id == project_id, GuidelinesVersion.version == wanted
            )
        ).scalar_one_or_none()
        if row is None:
            raise NotFound(f"guidelines version {wanted} not found", location="version")
        return GuidelinesInfo(project_id, row.version, row.markdown, row.created_at)


def list_members(db: Database, actor: Actor, project_id: int) -> list[MemberInfo]:
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ)
        rows = s.execute(
            select(Membership.user_id, User.username, Membership.role)
            .join(User, User.id == Membership.user_id)
            .where(Membership.project_id == project_id)
            .order_by(User.username)
        ).all()
        return [MemberInfo(uid, name, role) for uid, name, role in rows]


def set_member(
    db: Database, actor: Actor, project_id: int, *, username: str, role: str
) -> MemberInfo:
    """Add a member or change their role (takes effect on their next request)."""
    try:
        new_role = Role(role)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise InvalidInput(f"unknown role '{role}' (one of {allowed})", location="role") from None
    with db.write() as s:
        project_for(s, actor, project_id, Need.MANAGE)
        user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            raise NotFound(f"no user named '{username}'", location="username")
        member = s.execute(
            select(Membership).where(
                Membership.project_id == project_id, Membership.user_id == user.id
            )
        ).scalar_one_or_none()
        if member is None:
            s.add(Membership(project_id=project_id, user_id=user.id, role=new_role))
        else:
            member.role = new_role
        audit.record(
            s,
            actor,
            "member.set",
            object_type="user",
            object_id=user.id,
            project_id=project_id,
            details={"role": new_role.value},
        )
        return MemberInfo(user.id, user.username, new_role.value)


def remove_member(db: Database, actor: Actor, project_id: int, user_id: int) -> None:
    with db.write() as s:
        project_for(s, actor, project_id, Need.MANAGE)
        member = s.execute(
            select(Membership).where(
                Membership.project_id == project_id, Membership.user_id == user_id
            )
        ).scalar_one_or_none()
        if member is None:
            raise NotFound("member not found", location="user")
        s.delete(member)
        audit.record(
            s, actor, "member.remove", object_type="user", object_id=user_id, project_id=project_id
        )


REVIEWABLE = ("submitted", "accepted", "rejected")  # submitted, maybe reviewed since


def project_stats(db: Database, actor: Actor, project_id: int) -> ProjectStats:
    """Counts for the overview page and the CLI; one read snapshot."""
    with db.read() as s:
        project_for(s, actor, project_id, Need.READ_ALL)
        items, open_items = s.execute(
            select(func.count(), func.count().filter(Item.open.is_(True))).where(
                Item.project_id == project_id
            )
        ).one()
        # People's answers only (not consensus, rule, model, import or restore answers).
        by_status = dict(
            s.execute(
                select(Annotation.status, func.count())
                .where(Annotation.project_id == project_id, Annotation.author_kind == "person")
                .group_by(Annotation.status)
            ).all()
        )
        skipped = s.execute(
            select(func.count()).where(
                Assignment.project_id == project_id, Assignment.status == "skipped"
            )
        ).scalar_one()
        per = dict(
            s.execute(
                select(User.username, func.count())
                .join(Annotation, Annotation.author_id == User.id)
                .where(
                    Annotation.project_id == project_id,
                    Annotation.author_kind == "person",
                    Annotation.status.in_(REVIEWABLE),
                )
                .group_by(User.username)
            ).all()
        )
        return ProjectStats(
            items=items,
            open_items=open_items,
            submitted=sum(by_status.get(k, 0) for k in REVIEWABLE),
            drafts=by_status.get("draft", 0),
            skipped=skipped,
            per_annotator=per,
        )
