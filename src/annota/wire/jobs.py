"""Background jobs as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class JobOut(BaseModel):
    """A background job: poll it until ``status`` is done, failed or cancelled."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int | None
    kind: str = Field(description="What runs: `export`, `prelabel`, `al_retrain`, …")
    status: str = Field(description="queued, running, cancelling, done, failed or cancelled.")
    done: int = Field(description="Units of work done so far (items, annotations …).")
    total: int | None = Field(description="Units in all, when known.")
    percent: float | None = Field(description="done / total as a percentage, when known.")
    message: str
    result: dict[str, Any] | None = Field(description="What the job produced, once done.")
    error: str | None
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
