"""Problems as people read them: short messages and JSON-path locations.

pydantic reports ``('controls', 1, 'spans', 'labels')`` and "Input should be a valid
integer"; a person fixing a YAML file or an annotation wants ``controls[1] (entities).labels``
and "start must be an integer". This module is the one place that translates, so the schema
loader and the annotation validator speak alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic_core import ErrorDetails, PydanticCustomError

from annota.errors import AnnotaError, ValidationFailed

__all__ = ["Problem", "describe", "failure", "format_path", "join_path", "rule_error"]

_RULE = "schema_rule"
#: pydantic starts messages with a subject ("Input should ...") that our path replaces.
_PYDANTIC_SUBJECT = re.compile(r"^(Input|Value|List|String) (?=should)")

_SHAPES = {
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong, already located and worded; many are collected before raising."""

    location: str
    message: str


def rule_error(message: str) -> PydanticCustomError:
    """Build the error a validator raises for a broken schema rule, worded as given.

    The message is passed without a context so braces in user text are never treated as
    placeholders.
    """
    return PydanticCustomError(_RULE, message)


def format_path(loc: Sequence[str | int]) -> str:
    """Join a pydantic ``loc`` as a JSON path: ``('points', 2, 0)`` -> ``points[2][0]``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def join_path(base: str, path: str) -> str:
    """Append a relative path to a location: ``value`` + ``end`` -> ``value.end``."""
    if not path or not base or path.startswith("["):
        return base + path
    return f"{base}.{path}"


def describe(error: ErrorDetails, loc: Sequence[str | int]) -> str:
    """Word one pydantic error about the value at ``loc`` (relative to its subject).

    Missing and unknown keys name the key; type errors read ``start must be an integer``;
    other pydantic messages are kept, minus their generic subject ("Input should" becomes
    "should").
    """
    kind = error["type"]
    ctx = error.get("ctx", {})
    path = format_path(loc)
    if kind in ("missing", "extra_forbidden"):
        parent = format_path(loc[:-1])
        what = "missing required key" if kind == "missing" else "unknown key"
        return f"{what} '{loc[-1]}'" + (f" in {parent}" if parent else "")
    if kind == "union_tag_invalid":
        return f"unknown type {ctx['tag']!r}; expected one of {ctx['expected_tags']}"
    if kind == "union_tag_not_found":
        return f"missing key {ctx['discriminator']}"
    if kind == _RULE:
        text = error["msg"]
    elif kind in _SHAPES:
        text = _SHAPES[kind]
    else:
        text = _PYDANTIC_SUBJECT.sub("", error["msg"].removeprefix("Value error, "))
    return f"{path} {text}" if path and kind != _RULE else text


def failure(problems: Sequence[Problem]) -> ValidationFailed:
    """One :class:`ValidationFailed` holding every problem (``problems`` must not be empty).

    The exception carries the first problem's location and message (plus a count) so a
    single-line report is still useful; ``errors`` keeps all of them for an editor that
    highlights each one.
    """
    first = problems[0]
    message = first.message
    if len(problems) > 1:
        others = len(problems) - 1
        message += f" (and {others} more problem{'s' if others > 1 else ''})"
    errors: list[AnnotaError] = [
        ValidationFailed(problem.message, location=problem.location) for problem in problems
    ]
    return ValidationFailed(message, location=first.location, errors=errors)
