"""Projects, schema and guidelines versions, members and statistics on the wire."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from annota.schema.project_settings import ProjectSettings


class ProjectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=200)
    label_schema: dict[str, Any] | str = Field(
        alias="schema", description="The label schema, as a JSON object or a YAML string."
    )
    description: str = Field(default="", max_length=20_000)
    settings: ProjectSettings | None = None
    guidelines: str | None = Field(default=None, description="Markdown guidelines.")


class ProjectUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(
        default=None, description="The project version you read; a stale one gives 409."
    )
    name: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=20_000)
    settings: dict[str, Any] | None = Field(
        default=None, description="Settings to change; unnamed ones keep their value."
    )


class ProjectOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    settings: dict[str, Any]
    schema_version: int
    guidelines_version: int
    version: int
    created_at: datetime
    updated_at: datetime
    role: str | None = Field(default=None, description="Your role in the project.")


class SchemaIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label_schema: dict[str, Any] | str = Field(alias="schema")


class SchemaOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    project_id: int
    version: int
    document: dict[str, Any] = Field(description="The schema as stored (normalised JSON).")
    fingerprint: str
    created_at: datetime


class GuidelinesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    markdown: str


class GuidelinesOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    project_id: int
    version: int
    markdown: str
    created_at: datetime | None = None


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(max_length=150)
    role: str = Field(description="annotator, reviewer or manager")


class MemberOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    user_id: int
    username: str
    role: str


class StatsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    items: int
    open_items: int
    submitted: int
    drafts: int
    skipped: int
    per_annotator: dict[str, int]


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    project_id: int | None
    action: str
    object_type: str
    object_id: str
    details: dict[str, Any]
