"""Item-level answers: choices, taxonomy, rating, number and free text.

These controls say something about the whole item (or one field of it) rather than a place
inside it, so an annotation holds at most one region per control: two answers to "what is
the sentiment?" would contradict each other. A draft may hold an empty answer; a submitted
annotation may not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, Self

from pydantic import AliasChoices, BaseModel, Field, model_validator

from annota.schema.context import ParsedRegion, RegionContext
from annota.schema.controls.base import AnnotationContext, ControlBase, RequiredLabels, Value
from annota.schema.messages import rule_error
from annota.schema.taxonomy import TaxonomyTree, find_node

__all__ = [
    "ChoicesControl",
    "ChoicesValue",
    "NumberControl",
    "NumberValue",
    "RatingControl",
    "RatingValue",
    "TaxonomyControl",
    "TaxonomyValue",
    "TextareaControl",
    "TextareaValue",
]


class _AnswerControl(ControlBase):
    """An item-level control: any field or none, one region per annotation."""

    def check_regions(self, regions: Sequence[ParsedRegion], annotation: AnnotationContext) -> None:
        """Refuse a second answer to the same question."""
        for region in regions[1:]:
            annotation.region(region.index, self.name).fail_at(
                "control",
                f"control {self.name!r} takes one region per annotation; "
                f"region {regions[0].index} already answers it",
            )


def _check_count(
    ctx: RegionContext, count: int, path: str, *, multiple: bool, low: int | None, high: int | None
) -> None:
    """Apply how-many rules: single means one (none in a draft), multiple within bounds."""
    if not multiple:
        if count > 1 or (ctx.complete and count == 0):
            ctx.fail(path, f"exactly one selection is needed, got {count}")
        return
    minimum = 1 if low is None else low
    if ctx.complete and count < minimum:
        ctx.fail(path, f"at least {minimum} selection(s) needed, got {count}")
    if high is not None and count > high:
        ctx.fail(path, f"at most {high} selection(s) allowed, got {count}")


class ChoicesValue(Value):
    """``{"choices": ["positive"]}``: the selected option values."""

    choices: list[str]


class ChoicesControl(_AnswerControl):
    """Pick one option (``multiple: false``) or several within ``min``/``max``.

    ``options`` may also be written ``labels``, the word other controls use.
    """

    type: Literal["choices"]
    options: RequiredLabels = Field(validation_alias=AliasChoices("options", "labels"))
    multiple: bool = False
    min: Annotated[int, Field(ge=0)] | None = None
    max: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _bounds_fit(self) -> Self:
        """Refuse bounds that no selection could meet, or that a single choice would ignore."""
        if not self.multiple and (self.min is not None or self.max is not None):
            raise rule_error("'min' and 'max' need 'multiple: true'")
        count = len(self.options)
        if self.min is not None and self.min > count:
            raise rule_error(f"min {self.min} is more than the {count} options")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise rule_error(f"min {self.min} is above max {self.max}")
        return self

    def check_value(self, raw: Mapping[str, Any], ctx: RegionContext) -> BaseModel | None:
        """Each choice is a known option, none twice, and the count fits."""
        value = ctx.parse(ChoicesValue, raw)
        if value is None:
            return None
        options = [option.value for option in self.options]
        seen: set[str] = set()
        for index, choice in enumerate(value.choices):
            if choice not in options:
                ctx.fail(
                    f"choices[{index}]", f"choice {choice!r} is not one of {', '.join(options)}"
                )
            elif choice in seen:
                ctx.fail(f"choices[{index}]", f"choice {choice!r} is selected twice")
            seen.add(choice)
        _check_count(
            ctx, len(value.choices), "choices", multiple=self.multiple, low=self.min, high=self.max
        )
        return value


class TaxonomyValue(Value):
    """``{"paths": [["Animal", "Mammal", "Dog"]]}``: selected nodes, each by its root path."""

    paths: list[Annotated[list[str], Field(min_length=1)]]


class TaxonomyControl(_AnswerControl):
    """Pick nodes of a tree; ``leaf_only`` refuses inner nodes such as "Animal"."""

    type: Literal["taxonomy"]
    tree: TaxonomyTree
    multiple: bool = False
    leaf_only: bool = False

    def check_value(self, raw: Mapping[str, Any], ctx: RegionContext) -> BaseModel | None:
        """Every path exists in the tree, ends on a leaf when required, and none repeats."""
        value = ctx.parse(TaxonomyValue, raw)
        if value is None:
            return None
        seen: set[tuple[str, ...]] = set()
        for index, path in enumerate(value.paths):
            node, matched = find_node(self.tree, path)
            shown = " / ".join(path)
            if node is None:
                parent = " / ".join(path[:matched]) or "the root"
                ctx.fail(
                    f"paths[{index}][{matched}]",
                    f"taxonomy path {shown!r}: {path[matched]!r} is not a child of {parent}",
                )
            elif self.leaf_only and node.children:
                ctx.fail(f"paths[{index}]", f"taxonomy path {shown!r} is not a leaf")
            elif tuple(path) in seen:
                ctx.fail(f"paths[{index}]", f"taxonomy path {shown!r} is selected twice")
            seen.add(tuple(path))
        _check_count(ctx, len(value.paths), "paths", multiple=self.multiple, low=None, high=None)
        return value


class RatingValue(Value):
    """``{"rating": 4}``: whole stars from 1."""

    rating: int


class RatingControl(_AnswerControl):
    """A star rating from 1 to ``max``."""

    type: Literal["rating"]
    max: Annotated[int, Field(ge=1)] = 5

    def check_value(self, raw: Mapping[str, Any], ctx: RegionContext) -> BaseModel | None:
        """The rating lies in ``1 .. max``."""
        value = ctx.parse(RatingValue, raw)
        if value is not None and not 1 <= value.rating <= self.max:
            ctx.fail("rating", f"rating {value.rating} is outside 1..{self.max}")
        return value


class NumberValue(Value):
    """``{"number": 3.5}``."""

    number: float


class NumberControl(_AnswerControl):
    """A number, optionally bounded and optionally whole."""

    type: Literal["number"]
    min: float | None = None
    max: float | None = None
    integer: bool = False

    @model_validator(mode="after")
    def _bounds_ordered(self) -> Self:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise rule_error(f"min {self.min:g} is above max {self.max:g}")
        return self

    def check_value(self, raw: Mapping[str, Any], ctx: RegionContext) -> BaseModel | None:
        """The number lies within the bounds; whole numbers come back as ``int``."""
        value = ctx.parse(NumberValue, raw)
        if value is None:
            return None
        number = value.number
        if self.min is not None and number < self.min:
            ctx.fail("number", f"number {number:g} is below the minimum {self.min:g}")
        if self.max is not None and number > self.max:
            ctx.fail("number", f"number {number:g} is above the maximum {self.max:g}")
        if not self.integer:
            return value
        if not number.is_integer():
            ctx.fail("number", f"number {number:g} must be a whole number")
            return value
        return value.model_copy(update={"number": int(number)})


class TextareaValue(Value):
    """``{"text": "free answer"}``."""

    text: str


class TextareaControl(_AnswerControl):
    """A free-text answer (the one name for it; Label Studio's ``TextArea`` maps here)."""

    type: Literal["textarea"]
    max_length: Annotated[int, Field(ge=1)] | None = None

    def check_value(self, raw: Mapping[str, Any], ctx: RegionContext) -> BaseModel | None:
        """The text fits ``max_length``; a required answer is not blank once submitted."""
        value = ctx.parse(TextareaValue, raw)
        if value is None:
            return None
        if self.max_length is not None and len(value.text) > self.max_length:
            ctx.fail(
                "text", f"text is {len(value.text)} characters, over the limit {self.max_length}"
            )
        if self.required and ctx.complete and not value.text.strip():
            ctx.fail("text", "required answer is blank")
        return value
