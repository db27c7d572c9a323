"""What a control needs to judge one region, and where it writes what it finds.

Controls check their own values (polymorphism instead of one long ``if type ==`` chain), but
they must all word and locate problems the same way: ``regions[3].value.end`` and
``region 3 (entities): ...``. :class:`RegionContext` does that wording once, and collects
instead of raising so one pass reports every problem of an annotation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from annota.schema.fields import FieldType
from annota.schema.media import MediaInfo
from annota.schema.messages import Problem, describe, format_path, join_path

__all__ = ["ParsedRegion", "RegionContext"]

M = TypeVar("M", bound=BaseModel)


class RegionContext:
    """One region under check: its position, its field's content and the problem list.

    Parameters
    ----------
    index
        Position of the region in the annotation's ``regions`` list.
    control
        Name of the control the region claims, ``None`` when it names none.
    problems
        Shared list every region of the annotation appends to.
    text
        The item's text for the control's field, when the data was given and is text.
    media
        Sizes of the control's field media, when known.
    field_type
        The type of the control's field (``None`` for a control on no field), so a control
        that may sit on more than one kind of field (a polygon on an image or on a video)
        can hold each to its own rules.
    complete
        ``True`` for a submitted annotation, ``False`` for a draft: a draft may leave
        answers empty but may not break structure.
    """

    def __init__(
        self,
        index: int,
        control: str | None,
        problems: list[Problem],
        *,
        text: str | None = None,
        media: MediaInfo | None = None,
        field_type: FieldType | None = None,
        complete: bool = True,
    ) -> None:
        self.index = index
        self.control = control
        self.problems = problems
        self.text = text
        self.media = media
        self.field_type = field_type
        self.complete = complete

    def fail_at(self, path: str, message: str) -> None:
        """Record a problem at ``path`` relative to the region (``control``, ``attributes.x``)."""
        location = join_path(f"regions[{self.index}]", path)
        subject = f"region {self.index}" + (f" ({self.control})" if self.control else "")
        self.problems.append(Problem(location, f"{subject}: {message}"))

    def fail(self, path: str, message: str) -> None:
        """Record a problem at ``path`` inside the region's ``value`` (``end``, ``points[2]``)."""
        self.fail_at(join_path("value", path), message)

    def parse(self, model: type[M], raw: Mapping[str, Any], *, at: str = "value") -> M | None:
        """Validate ``raw`` against ``model``; record each shape error and return ``None``."""
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors():
                loc = error["loc"]
                self.fail_at(join_path(at, format_path(loc)), describe(error, loc))
            return None


@dataclass(frozen=True)
class ParsedRegion:
    """A region whose value passed its own checks, kept for checks across regions."""

    index: int
    id: str | None
    value: BaseModel
