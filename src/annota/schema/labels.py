"""The vocabulary of a schema: names and labels.

Names and label values end up in error locations, export columns and keyboard shortcuts, so
they are checked once here and every other module can rely on them. Labels may be written
as plain strings in YAML (``labels: [PER, ORG]``) and are normalised to :class:`Label`
objects, so code downstream never has to ask which of the two forms it holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from annota.schema.messages import rule_error

__all__ = ["Label", "LabelList", "Name"]

_MAX_NAME = 100


def _check_name(value: str) -> str:
    """Refuse names that would read ambiguously in a location such as ``controls[1] (x)``."""
    if not value or len(value) > _MAX_NAME or value != value.strip() or "\n" in value:
        raise rule_error(
            f"a name must be 1-{_MAX_NAME} characters on one line, without leading or "
            f"trailing spaces, not {value!r}"
        )
    return value


#: A field, control, attribute or keypoint name.
Name = Annotated[str, AfterValidator(_check_name)]


class Label(BaseModel):
    """One value a control can assign, with how it is shown and typed in the editor.

    Attributes
    ----------
    value
        What is stored in annotations and exported; unique within its control.
    hotkey
        Keyboard shortcut in the editor; unique within its control so one key never means two
        labels at once.
    color
        Any CSS colour; the editor picks one when absent.
    description
        A hint shown next to the label, e.g. a one-line guideline.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: Annotated[str, Field(min_length=1)]
    hotkey: Annotated[str, Field(min_length=1)] | None = None
    color: str | None = None
    description: str | None = None


def _labels_from_strings(raw: Any) -> Any:
    """Turn the short YAML form (a string) into the object form, before field validation.

    Booleans and numbers are refused rather than converted: YAML reads ``yes`` as ``True``,
    and a silent ``"True"`` label would be a surprise found only in an export.
    """
    if not isinstance(raw, list):
        return raw
    normalised: list[Any] = []
    for index, item in enumerate(raw):
        if isinstance(item, bool | int | float):
            raise rule_error(
                f"label {index} is {item!r}, not a string; quote it in YAML (e.g. 'yes', '1')"
            )
        normalised.append({"value": item} if isinstance(item, str) else item)
    return normalised


def _unique_labels(labels: list[Label]) -> list[Label]:
    """Refuse a repeated value or hotkey: either would make an annotation ambiguous."""
    _refuse_duplicates([label.value for label in labels], "label")
    _refuse_duplicates([label.hotkey for label in labels if label.hotkey is not None], "hotkey")
    return labels


def _refuse_duplicates(values: Sequence[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise rule_error(f"duplicate {what} {value!r}")
        seen.add(value)


#: The labels of a control: strings or :class:`Label` objects in, ``list[Label]`` out.
LabelList = Annotated[
    list[Label], BeforeValidator(_labels_from_strings), AfterValidator(_unique_labels)
]


def unique_names(names: list[str], what: str) -> list[str]:
    """Refuse a repeated name in a plain list of names (keypoints, speakers, options)."""
    _refuse_duplicates(names, what)
    return names
