"""What services hand back: plain frozen dataclasses, detached from any session.

The API turns these into wire models (``from_attributes``); the CLI prints them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a keyset-paged list; ``next_cursor`` is None on the last page."""

    items: list[T]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: int
    username: str
    email: str | None
    is_admin: bool
    is_active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    token: str | None = None  # the secret itself, only when just created


@dataclass(frozen=True, slots=True)
class ProjectInfo:
    id: int
    name: str
    description: str
    settings: dict[str, Any]
    schema_version: int
    guidelines_version: int
    version: int
    created_at: datetime
    updated_at: datetime
    role: str | None = None  # the caller's role, None for admins without membership


@dataclass(frozen=True, slots=True)
class ProjectStats:
    items: int
    open_items: int
    submitted: int
    drafts: int
    skipped: int
    per_annotator: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SchemaInfo:
    project_id: int
    version: int
    document: dict[str, Any]
    fingerprint: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class GuidelinesInfo:
    project_id: int
    version: int
    markdown: str
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class MemberInfo:
    user_id: int
    username: str
    role: str


@dataclass(frozen=True, slots=True)
class ItemInfo:
    id: int
    project_id: int
    external_id: str
    data: dict[str, Any]
    meta: dict[str, Any]
    priority: float
    done: int
    created_at: datetime
    predictions: list[PredictionInfo] | None = None
    lease_expires_at: datetime | None = None
    #: per data field, what is known of its media (width, height, duration, frames …)
    media: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AnnotationInfo:
    id: int
    item_id: int
    project_id: int
    author_kind: str
    author_id: int | None
    author_name: str
    status: str
    regions: list[dict[str, Any]]
    schema_version: int
    guidelines_version: int
    lead_time: float | None
    version: int
    corrects_id: int | None
    created_at: datetime
    updated_at: datetime
    #: where a derived answer came from (model, rules, source annotations, import, version)
    lineage: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PredictionInfo:
    id: int
    item_id: int
    model_name: str
    model_version: str
    score: float | None
    regions: list[dict[str, Any]]
    schema_version: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MediaInfoRecord:
    id: int
    project_id: int
    content_type: str
    kind: str
    size: int
    sha256: str
    width: int | None
    height: int | None
    storage_key: str


@dataclass(slots=True)
class ImportReport:
    """What an import did; mutable while the import runs, final when returned."""

    source: str
    created: int = 0
    existing: int = 0
    duplicates_in_source: int = 0
    read: int = 0
    annotations: int = 0
    predictions: int = 0
    item_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AuditInfo:
    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    project_id: int | None
    action: str
    object_type: str
    object_id: str
    details: dict[str, Any]
