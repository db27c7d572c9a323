"""The editor's workspace calls on the wire: lease ahead and one's own progress."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LeaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    size: int = Field(
        default=2, ge=1, le=3, description="Your current item plus this many minus one ahead."
    )


class ProgressOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    submitted: int = Field(description="Items you submitted in this project.")
    skipped: int = Field(description="Items you skipped.")
    remaining: int = Field(description="Open items you have not been handed yet.")
