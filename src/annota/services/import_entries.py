"""What an annotated import reads from a format: items with their answers and suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annota.formats import AnnotatedItem

__all__ = ["Answer", "ImportedItem", "Suggestion"]


@dataclass(frozen=True, slots=True)
class Answer:
    """One existing annotation of an item, as a format holds it."""

    regions: list[dict[str, Any]]
    author: str = ""
    lead_time: float | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A model's prediction a format carries (Label Studio's ``predictions``)."""

    regions: list[dict[str, Any]]
    model: str
    version: str = ""
    score: float | None = None


@dataclass(frozen=True, slots=True)
class ImportedItem:
    """An item with zero or more answers (COCO & co. have one; Label Studio any number)."""

    item: AnnotatedItem
    answers: list[Answer]
    suggestions: list[Suggestion] = field(default_factory=list)
