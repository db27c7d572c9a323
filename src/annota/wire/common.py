"""Shapes every endpoint shares: the error body and the page envelope."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class ErrorOut(BaseModel):
    """The one body of every error response."""

    code: str = Field(description="Stable machine-readable error code, e.g. `not_found`.")
    message: str = Field(description="What went wrong, for a person.")
    location: str | None = Field(
        default=None, description="Where: a JSON path such as `regions[1].value.end`."
    )


class Page(BaseModel, Generic[T]):
    """One page of a list; pass `next_cursor` back as `after` to get the next page."""

    model_config = ConfigDict(from_attributes=True)

    items: list[T]
    next_cursor: str | None = Field(description="Cursor of the next page; null on the last.")
