"""The Core ``Table`` of every model, typed, for the hot paths that skip the ORM."""

from typing import cast

from sqlalchemy import Table

from annota.store.models import (
    Annotation,
    ApiToken,
    Assignment,
    AuditEvent,
    DatasetVersion,
    Item,
    Job,
    Media,
    Membership,
    Prediction,
    Project,
    SchemaVersion,
    User,
)

annotations = cast(Table, Annotation.__table__)
api_tokens = cast(Table, ApiToken.__table__)
assignments = cast(Table, Assignment.__table__)
audit_events = cast(Table, AuditEvent.__table__)
dataset_versions = cast(Table, DatasetVersion.__table__)
items = cast(Table, Item.__table__)
jobs = cast(Table, Job.__table__)
media = cast(Table, Media.__table__)
memberships = cast(Table, Membership.__table__)
predictions = cast(Table, Prediction.__table__)
projects = cast(Table, Project.__table__)
schema_versions = cast(Table, SchemaVersion.__table__)
users = cast(Table, User.__table__)
