"""The label schema: a project's fields and controls, checked as a whole.

Each field and control checks itself; this module adds the rules that need the whole
document: names are unique, and every control points at a declared field of a type it can
mark up. Those problems are raised as one :class:`~annota.errors.ValidationFailed` with a
location per problem, because a pydantic validator can only report a single error and a
schema author fixing a file wants all of them at once. (pydantic lets any exception that is
not a ``ValueError`` pass through unchanged.)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from annota.schema.controls import Control
from annota.schema.fields import DataField, FieldType
from annota.schema.messages import Problem, failure

__all__ = ["LabelSchema"]


class LabelSchema(BaseModel):
    """What can be said about an item: its data fields and the controls that label them.

    Build one with :func:`annota.schema.load_schema` from YAML, JSON or a mapping;
    ``model_dump(mode="json")`` gives a mapping that loads back to an equal schema.

    Attributes
    ----------
    fields
        The item's data keys, in display order.
    controls
        The questions and tools, in display order; each names its field.
    title, description
        Shown at the top of the editor.

    Examples
    --------
    >>> schema = LabelSchema.model_validate({
    ...     "fields": [{"name": "text", "type": "text"}],
    ...     "controls": [{"name": "sentiment", "type": "choices", "options": ["pos", "neg"]}],
    ... })
    >>> schema.control("sentiment").type
    'choices'
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str | None = None
    description: str | None = None
    fields: Annotated[list[DataField], Field(min_length=1)]
    controls: Annotated[list[Control], Field(min_length=1)]

    @model_validator(mode="after")
    def _references_resolve(self) -> Self:
        """Raise every naming and reference problem at once (see the module docstring)."""
        problems = [*_duplicate_names(self), *_reference_problems(self)]
        if problems:
            raise failure(problems)
        return self

    @cached_property
    def controls_by_name(self) -> Mapping[str, Control]:
        """Controls by name, built once: every annotation checked looks its regions up here."""
        return {control.name: control for control in self.controls}

    @cached_property
    def field_types(self) -> Mapping[str, FieldType]:
        """Each field's type by name, built once (see :attr:`controls_by_name`)."""
        return {field.name: field.type for field in self.fields}

    def field(self, name: str) -> DataField:
        """The field called ``name``.

        Raises
        ------
        KeyError
            If no field has that name.
        """
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(f"no field named {name!r}")

    def control(self, name: str) -> Control:
        """The control called ``name``.

        Raises
        ------
        KeyError
            If no control has that name.
        """
        for control in self.controls:
            if control.name == name:
                return control
        raise KeyError(f"no control named {name!r}")


def _duplicate_names(schema: LabelSchema) -> Iterator[Problem]:
    for kind, items in (("field", schema.fields), ("control", schema.controls)):
        first: dict[str, int] = {}
        for index, item in enumerate(items):
            if item.name in first:
                yield Problem(
                    f"{kind}s[{index}] ({item.name}).name",
                    f"{kind} {item.name!r}: name already used by {kind}s[{first[item.name]}]",
                )
            else:
                first[item.name] = index


def _reference_problems(schema: LabelSchema) -> Iterator[Problem]:
    fields: dict[str, DataField] = {}
    for declared in schema.fields:
        fields.setdefault(declared.name, declared)  # a duplicate is reported once, above
    for index, control in enumerate(schema.controls):
        location = f"controls[{index}] ({control.name}).field"
        if control.field is None:
            continue
        field = fields.get(control.field)
        if field is None:
            yield Problem(
                location,
                f"control {control.name!r}: field {control.field!r} is not declared "
                f"(fields: {', '.join(fields)})",
            )
        elif control.field_types is not None and field.type not in control.field_types:
            wanted = " or ".join(sorted(control.field_types))
            yield Problem(
                location,
                f"control {control.name!r} ({control.type}) needs a field of type {wanted}, but "
                f"field {field.name!r} is {field.type}",
            )
