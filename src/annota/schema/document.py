"""Schema documents: reading YAML/JSON into a :class:`LabelSchema`, writing it back, hashing it.

Reading is where people's mistakes arrive, so every pydantic error is turned into a located
message such as ``controls[1] (entities).labels: control 'entities': duplicate label 'PER'``
and all of them are raised together. YAML is read with ``yaml.safe_load`` (never a loader
that builds Python objects), and anchors/aliases are refused: a few aliases can expand into
billions of nodes during validation, and a schema never needs them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from annota.errors import ValidationFailed
from annota.schema.label_schema import LabelSchema
from annota.schema.messages import Problem, describe, failure, format_path, join_path

__all__ = ["dump_schema_yaml", "load_schema", "schema_fingerprint"]

_DOCUMENT = "(document)"
_SECTIONS = {"fields": "field", "controls": "control"}


def load_schema(source: str | bytes | Mapping[str, Any]) -> LabelSchema:
    """Build a schema from YAML or JSON text, or from an already parsed mapping.

    Parameters
    ----------
    source
        YAML text (JSON is accepted too, being nearly a subset of YAML), its bytes in any
        encoding YAML detects, or a mapping such as a JSON column's value.

    Raises
    ------
    ValidationFailed
        With one entry in ``errors`` per problem, each located like
        ``controls[1] (entities).labels``.

    Examples
    --------
    >>> schema = load_schema('''
    ... fields: [{name: text, type: text}]
    ... controls: [{name: sentiment, type: choices, options: [positive, negative]}]
    ... ''')
    >>> [label.value for label in schema.control("sentiment").options]
    ['positive', 'negative']
    """
    raw = _parse_yaml(source) if isinstance(source, str | bytes) else source
    if not isinstance(raw, Mapping):
        raise ValidationFailed(
            "a schema document must be a mapping with 'fields' and 'controls', "
            f"not {type(raw).__name__}",
            location=_DOCUMENT,
        )
    try:
        return LabelSchema.model_validate(raw)
    except ValidationError as exc:
        raise failure([_locate(error, raw) for error in exc.errors()]) from None


def dump_schema_yaml(schema: LabelSchema) -> str:
    """Write ``schema`` as readable YAML that :func:`load_schema` reads back to an equal one.

    Defaults are left out and labels or taxonomy nodes that carry nothing but a value are
    written in their short form, so the output looks like what a person would have typed.
    """
    data = schema.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(_short_forms(data), sort_keys=False, allow_unicode=True)


def schema_fingerprint(schema: LabelSchema) -> str:
    """SHA-256 of the schema's canonical JSON, to tell whether anything changed.

    Canonical means every default filled in, keys sorted and no whitespace, so two documents
    that differ only in formatting, key order or short forms hash alike.
    """
    canonical = json.dumps(
        schema.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _parse_yaml(source: str | bytes) -> Any:
    """``yaml.safe_load``, after refusing aliases; syntax errors located by line and column."""
    try:
        for event in yaml.parse(source, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise ValidationFailed(
                    "YAML aliases (*name) are not allowed in a schema; write the value out",
                    location=_mark(event.start_mark),
                )
        return yaml.safe_load(source)
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or "cannot be parsed"
        raise ValidationFailed(
            f"not valid YAML or JSON: {problem}", location=_mark(exc.problem_mark)
        ) from None
    except yaml.YAMLError as exc:
        raise ValidationFailed(f"not valid YAML or JSON: {exc}", location=_DOCUMENT) from None


def _mark(mark: Any) -> str:
    """``line 3, column 5`` from a YAML mark (pure-Python or libyaml, both 0-based)."""
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else _DOCUMENT


def _locate(error: ErrorDetails, raw: Mapping[str, Any]) -> Problem:
    """Turn a pydantic error into ``controls[1] (entities).labels`` and a message naming it.

    The discriminator step pydantic inserts (``controls.1.spans.labels``) is dropped, and the
    element's ``name`` from the input is added so the author finds it without counting.
    """
    loc: list[str | int] = list(error["loc"])
    base, subject = "", "schema"
    section = loc[0] if loc else None
    if isinstance(section, str) and section in _SECTIONS and len(loc) > 1:
        index = loc[1]
        item = _element(raw.get(section), index)
        name = item.get("name") if isinstance(item, Mapping) else None
        loc = loc[2:]
        if section == "controls" and isinstance(item, Mapping) and loc[:1] == [item.get("type")]:
            loc = loc[1:]
        if error["type"].startswith("union_tag"):
            loc = ["type"]
        base = f"{section}[{index}]" + (f" ({name})" if isinstance(name, str) else "")
        kind = _SECTIONS[section]
        subject = f"{kind} {name!r}" if isinstance(name, str) else base
    location = join_path(base, format_path(loc)) or _DOCUMENT
    return Problem(location, f"{subject}: {describe(error, loc)}")


def _element(items: Any, index: str | int) -> Any:
    """The raw list element pydantic complained about, or ``None`` if it is not there."""
    if isinstance(items, list) and isinstance(index, int) and 0 <= index < len(items):
        return items[index]
    return None


def _short_forms(data: Any) -> Any:
    """Write ``{value: PER}`` as ``PER``, and ``{value: X, children: [...]}`` as ``{X: [...]}``."""
    if isinstance(data, list):
        return [_short_forms(item) for item in data]
    if not isinstance(data, dict):
        return data
    value = data.get("value")
    if isinstance(value, str) and set(data) == {"value"}:
        return value
    if isinstance(value, str) and set(data) == {"value", "children"}:
        return {value: _short_forms(data["children"])}
    return {key: _short_forms(item) for key, item in data.items()}
