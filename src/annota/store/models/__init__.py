"""SQLAlchemy models, one module per group of tables; importing this registers them all."""

from annota.store.models.annotations import Annotation, Prediction
from annota.store.models.assignments import Assignment
from annota.store.models.audit import AuditEvent
from annota.store.models.base import Base
from annota.store.models.items import Item, Media
from annota.store.models.projects import GuidelinesVersion, Membership, Project, SchemaVersion
from annota.store.models.users import ApiToken, BrowserSession, User

__all__ = [
    "Annotation",
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "Base",
    "BrowserSession",
    "GuidelinesVersion",
    "Item",
    "Media",
    "Membership",
    "Prediction",
    "Project",
    "SchemaVersion",
    "User",
]
