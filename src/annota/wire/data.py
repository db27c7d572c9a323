"""Exports as jobs and dataset versions, as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ExportIn(BaseModel):
    """Start an export job; fetch the file from `/jobs/{id}/download` when it is done."""

    model_config = ConfigDict(extra="forbid")

    format: Literal[
        "jsonl", "csv", "coco", "yolo", "voc", "cvat", "conll", "spacy", "hf", "parquet", "asr"
    ] = "jsonl"
    only: Literal["accepted", "consensus"] | None = None
    with_predictions: bool = False
    split: str | None = Field(
        default=None, description="e.g. `train=0.8,val=0.1,test=0.1`; output is a zip of splits."
    )
    seed: int = 0
    yolo_task: Literal["detect", "obb", "segment", "pose"] | None = None
    conll_scheme: Literal["bio", "iob1"] = "bio"


class VersionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", max_length=1000)


class VersionOut(BaseModel):
    """An immutable dataset version; `manifest_sha256` names its content."""

    model_config = ConfigDict(from_attributes=True)

    project_id: int
    number: int
    note: str
    manifest_sha256: str
    item_count: int
    annotation_count: int
    schema_version: int
    created_at: datetime
    created_by: int | None


class ItemChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    external_id: str
    change: str = Field(description="added, removed, label_changed or data_changed.")
    regions_added: int
    regions_removed: int
    regions_changed: int


class VersionDiffOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    a: int
    b: int
    items_added: int
    items_removed: int
    labels_changed: int
    data_changed: int
    changes: list[ItemChangeOut]


class RestoreOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    items_restored: int
    labels_restored: int
    unchanged: int
