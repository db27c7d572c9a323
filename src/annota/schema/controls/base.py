"""What every control shares: the common keys, the label rule and the checking protocol.

Each control type is a pydantic model that also knows how to check a region's value
(:meth:`ControlBase.check_value`) and how regions of the same control relate
(:meth:`ControlBase.check_regions`). Keeping the rule next to the declaration means adding a
control type is one class in one module, with no dispatch table to update elsewhere.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from annota.schema.attributes import AttributeList
from annota.schema.context import ParsedRegion, RegionContext
from annota.schema.fields import FieldType
from annota.schema.labels import Label, LabelList, Name
from annota.schema.media import outside_points
from annota.schema.messages import Problem

__all__ = ["AnnotationContext", "ControlBase", "RequiredLabels", "Value", "fail_outside"]

#: Labels a control cannot work without (a box must say what it boxes).
RequiredLabels = Annotated[LabelList, Field(min_length=1)]


class Value(BaseModel):
    """Base of region value shapes: strict types, no unknown keys, no NaN or infinity.

    Strict because annotations come from programs as often as from the editor, and ``"12"``
    silently becoming ``12`` would hide a client bug until export.
    """

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


class AnnotationContext:
    """The whole annotation as seen by checks that span regions (overlap, relations).

    Parameters
    ----------
    problems
        The list every check appends to.
    ids
        Region ``id`` to its index, for every region that has one.
    complete
        Whether the annotation is being submitted rather than saved as a draft.
    """

    def __init__(self, problems: list[Problem], ids: Mapping[str, int], *, complete: bool) -> None:
        self.problems = problems
        self.ids = ids
        self.complete = complete

    def region(self, index: int, control: str) -> RegionContext:
        """A context that words problems as coming from region ``index``."""
        return RegionContext(index, control, self.problems, complete=self.complete)


class ControlBase(BaseModel):
    """Keys every control has; subclasses add their own keys and value rules.

    Attributes
    ----------
    name
        Unique in the schema; regions refer to their control by it.
    type
        The discriminator choosing the subclass.
    field
        The data field the control marks up. Item-level controls (an answer about the whole
        item) may leave it out.
    required
        A submitted annotation must contain at least one region of this control.
    attributes
        Per-region attributes every region of this control may carry.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name
    type: str
    field: Name | None = None
    required: bool = False
    description: str | None = None
    attributes: AttributeList = Field(default_factory=list)

    #: Field types this control can mark up; ``None`` means any field, or none at all.
    field_types: ClassVar[frozenset[FieldType] | None] = None
    #: Whether checking a value needs the field's text (offsets into it).
    reads_text: ClassVar[bool] = False

    @cached_property
    def label_set(self) -> frozenset[str]:
        """:attr:`label_values` as a set, built once per control.

        An import checks a label per region, a million regions at a time, and a control is
        immutable (a pydantic private attribute would cost a ``__getattr__`` per read).
        """
        return frozenset(self.label_values)

    @cached_property
    def has_required_attributes(self) -> bool:
        """Whether a region must carry some attribute (a submission without it is refused)."""
        return any(spec.required for spec in self.attributes)

    @property
    def label_values(self) -> list[str]:
        """The values a region's ``label`` may take; empty when the control has no labels."""
        labels: list[Label] = getattr(self, "labels", [])
        return [label.value for label in labels]

    @abstractmethod
    def check_value(self, raw: Mapping[str, Any], ctx: RegionContext) -> BaseModel | None:
        """Check one region's ``value``; return it normalised, or ``None`` if its shape is wrong.

        Problems are recorded on ``ctx`` rather than raised, so one pass finds them all.
        """

    def check_regions(self, regions: Sequence[ParsedRegion], annotation: AnnotationContext) -> None:
        """Check rules between this control's regions; by default there are none."""

    def check_label(self, label: str | None, ctx: RegionContext, path: str = "label") -> None:
        """Apply the one label rule: a label is present exactly when the control has labels."""
        if label is not None and label in self.label_set:
            return
        values = self.label_values
        if not values:
            if label is not None:
                ctx.fail(path, f"label {label!r} given, but control {self.name!r} has no labels")
        elif label is None:
            ctx.fail(path, f"missing label; expected one of {', '.join(values)}")
        else:
            ctx.fail(path, f"label {label!r} is not one of {', '.join(values)}")


def fail_outside(
    ctx: RegionContext, points: Iterable[tuple[float, float]], path: str, what: str
) -> None:
    """Record each point that lies outside the field's media; ``path`` takes ``{index}``."""
    media = ctx.media
    if media is None:
        return
    for index, (x, y) in outside_points(points, media):
        ctx.fail(
            path.format(index=index),
            f"{what} ({x:g}, {y:g}) is outside the {media.width}x{media.height} media",
        )
