"""SQLAlchemy models, one module per group of tables; importing this registers them all."""

from annota.store.models.annotations import Annotation, Prediction
from annota.store.models.assignments import Assignment
from annota.store.models.audit import AuditEvent
from annota.store.models.automation import (
    AutomationSettings,
    LabelingFunction,
    LabelModelRun,
    LFVote,
    ModelBackend,
)
from annota.store.models.base import Base
from annota.store.models.items import Item, Media
from annota.store.models.jobs import Job
from annota.store.models.projects import GuidelinesVersion, Membership, Project, SchemaVersion
from annota.store.models.quality import (
    AnnotatorConfusion,
    AnnotatorQuality,
    ChoiceVote,
    ConsensusRecord,
    ConsensusSource,
    GoldItem,
    GoldScore,
    Review,
)
from annota.store.models.users import ApiToken, BrowserSession, User
from annota.store.models.versions import DatasetVersion

__all__ = [
    "Annotation",
    "AnnotatorConfusion",
    "AnnotatorQuality",
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "AutomationSettings",
    "Base",
    "BrowserSession",
    "ChoiceVote",
    "ConsensusRecord",
    "ConsensusSource",
    "DatasetVersion",
    "GoldItem",
    "GoldScore",
    "GuidelinesVersion",
    "Item",
    "Job",
    "LFVote",
    "LabelModelRun",
    "LabelingFunction",
    "Media",
    "Membership",
    "ModelBackend",
    "Prediction",
    "Project",
    "Review",
    "SchemaVersion",
    "User",
]
