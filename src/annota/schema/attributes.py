"""Per-region attributes: extra facts an annotator records about one region.

A radiologist outlines a lung lesion with a polygon and then says how severe it is; the
severity belongs to that region, not to the whole item. A control declares its attributes
(``attributes: [{name: severity, type: enum, options: [mild, severe]}]``) and each region may
carry ``"attributes": {"severity": "mild"}``. Only these four plain types exist, so every
value exports to one CSV cell.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from annota.schema.context import RegionContext
from annota.schema.labels import Name, unique_names
from annota.schema.messages import rule_error

__all__ = ["AttributeList", "AttributeSpec", "AttributeType", "check_attributes"]


class AttributeType(StrEnum):
    """The value an attribute takes: one of ``options``, free text, a number or a yes/no."""

    ENUM = "enum"
    TEXT = "text"
    NUMBER = "number"
    BOOL = "bool"


class AttributeSpec(BaseModel):
    """One attribute a control's regions may carry.

    Attributes
    ----------
    name
        Key in the region's ``attributes``; unique within the control.
    type
        ``enum`` (needs ``options``), ``text``, ``number`` (may set ``min``/``max``) or ``bool``.
    required
        A submitted region must carry it; a draft need not.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name
    type: AttributeType
    options: Annotated[list[str], Field(min_length=1)] | None = None
    required: bool = False
    min: float | None = None
    max: float | None = None
    description: str | None = None

    @model_validator(mode="after")
    def _keys_fit_type(self) -> Self:
        """Refuse keys that the type would silently ignore, so a typo is never a no-op."""
        if (self.type is AttributeType.ENUM) != (self.options is not None):
            raise rule_error(
                f"attribute {self.name!r}: 'options' is required for enum and only for enum"
            )
        if self.options is not None:
            unique_names(self.options, "option")
        if self.type is not AttributeType.NUMBER and (self.min is not None or self.max is not None):
            raise rule_error(f"attribute {self.name!r}: 'min' and 'max' apply only to number")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise rule_error(f"attribute {self.name!r}: min {self.min} is above max {self.max}")
        return self


def _unique_attribute_names(specs: list[AttributeSpec]) -> list[AttributeSpec]:
    unique_names([spec.name for spec in specs], "attribute")
    return specs


#: A control's ``attributes`` list, with names unique.
AttributeList = Annotated[list[AttributeSpec], AfterValidator(_unique_attribute_names)]


def check_attributes(
    specs: list[AttributeSpec], given: Mapping[str, Any] | None, ctx: RegionContext
) -> dict[str, Any]:
    """Check a region's attributes against its control; return them in declaration order.

    Unknown names and wrong types are always problems; a missing required attribute is one
    only when the annotation is complete, so a draft can be saved half-filled.
    """
    given = given or {}
    by_name = {spec.name: spec for spec in specs}
    for name in given:
        if name not in by_name:
            known = ", ".join(by_name) or "none"
            ctx.fail_at(f"attributes.{name}", f"unknown attribute {name!r} (declared: {known})")
    normalised: dict[str, Any] = {}
    for spec in specs:
        if spec.name not in given:
            if spec.required and ctx.complete:
                ctx.fail_at(
                    f"attributes.{spec.name}", f"required attribute {spec.name!r} is missing"
                )
            continue
        problem = _value_problem(spec, given[spec.name])
        if problem:
            ctx.fail_at(f"attributes.{spec.name}", f"attribute {spec.name!r} {problem}")
        else:
            normalised[spec.name] = given[spec.name]
    return normalised


def _value_problem(spec: AttributeSpec, value: Any) -> str | None:
    """Say what is wrong with one attribute value, or ``None`` when it fits."""
    if spec.type is AttributeType.BOOL:
        return None if isinstance(value, bool) else "must be true or false"
    if spec.type is AttributeType.TEXT:
        return None if isinstance(value, str) else "must be a string"
    if spec.type is AttributeType.ENUM:
        options = spec.options or []
        if isinstance(value, str) and value in options:
            return None
        return f"is {value!r}, not one of {', '.join(options)}"
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return "must be a finite number"
    if spec.min is not None and value < spec.min:
        return f"is {value}, below the minimum {spec.min}"
    if spec.max is not None and value > spec.max:
        return f"is {value}, above the maximum {spec.max}"
    return None
