"""Text controls: labelled spans, and relations between any two regions.

Span offsets are Python ``str`` indices, i.e. Unicode code points, the unit every Python
NLP tool (spaCy, Hugging Face tokenizers' ``offset_mapping`` on ``str``) uses. Browsers
count UTF-16 code units instead, so an editor must convert; a client that forgets is caught
here because its offsets drift past emoji, and a boundary that splits a character sequence
(a base letter from its combining accent, ``\\r`` from ``\\n``) is refused.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from annota.schema.context import ParsedRegion, RegionContext
from annota.schema.controls.base import AnnotationContext, ControlBase, RequiredLabels, Value
from annota.schema.fields import FieldType
from annota.schema.labels import LabelList, Name

__all__ = ["RelationValue", "RelationsControl", "SpanValue", "SpansControl"]

_JOINERS = {"\u200d"}  # ZERO WIDTH JOINER glues emoji sequences together


def _continues_previous(char: str) -> bool:
    """Whether ``char`` belongs to the character before it, so no boundary may fall between."""
    code = ord(char)
    return (
        unicodedata.combining(char) != 0
        or char in _JOINERS
        or 0xFE00 <= code <= 0xFE0F  # variation selectors (text vs emoji presentation)
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin-tone modifiers
    )


def _splits_sequence(text: str, offset: int) -> str | None:
    """Name what a boundary at ``offset`` would split, or ``None`` when it is clean."""
    if not 0 < offset < len(text):
        return None
    if text[offset - 1] == "\r" and text[offset] == "\n":
        return "a CRLF line break"
    if _continues_previous(text[offset]) or text[offset - 1] in _JOINERS:
        name = unicodedata.name(text[offset], f"U+{ord(text[offset]):04X}")
        return f"a character sequence ({name} continues the previous character)"
    return None


class SpanValue(Value):
    """``{"start": 0, "end": 5, "label": "PER", "text": "Alice"}``; ``text`` is optional."""

    start: Annotated[int, Field(ge=0)]
    end: int
    label: str | None = None
    text: str | None = None


class SpansControl(ControlBase):
    """Labelled character ranges ``[start, end)`` of a text field."""

    type: Literal["spans"]
    field: Name
    labels: RequiredLabels
    allow_overlap: bool = True

    field_types = frozenset({FieldType.TEXT})
    reads_text = True

    def check_value(self, raw: Mapping[str, Any], ctx: RegionContext) -> BaseModel | None:
        """Offsets are ordered, inside the text, on character boundaries; ``text`` matches."""
        value = ctx.parse(SpanValue, raw)
        if value is None:
            return None
        self.check_label(value.label, ctx)
        if value.start >= value.end:
            ctx.fail("end", f"span end {value.end} is not after start {value.start}")
            return value
        text = ctx.text
        if text is None:
            return value
        if value.end > len(text):
            ctx.fail(
                "end",
                f"span end {value.end} is past the end of field {self.field!r} "
                f"(length {len(text)})",
            )
            return value
        for key, offset in (("start", value.start), ("end", value.end)):
            split = _splits_sequence(text, offset)
            if split:
                ctx.fail(key, f"span {key} {offset} splits {split}")
        actual = text[value.start : value.end]
        if value.text is not None and value.text != actual:
            ctx.fail(
                "text",
                f"span text {value.text!r} does not match field {self.field!r} "
                f"[{value.start}:{value.end}] = {actual!r}",
            )
        return value

    def check_regions(self, regions: Sequence[ParsedRegion], annotation: AnnotationContext) -> None:
        """Without ``allow_overlap``, refuse any span that intersects an earlier one."""
        if self.allow_overlap:
            return
        spans = sorted(
            (
                (region.value.start, region.value.end, region.index)
                for region in regions
                if isinstance(region.value, SpanValue)
            ),
        )
        reach: tuple[int, int, int] | None = None  # the span reaching furthest right so far
        for start, end, index in spans:
            if reach is not None and start < reach[1]:
                annotation.region(index, self.name).fail(
                    "start",
                    f"span [{start}, {end}) overlaps region {reach[2]} "
                    f"[{reach[0]}, {reach[1]}); control {self.name!r} does not allow overlap",
                )
            if reach is None or end > reach[1]:
                reach = (start, end, index)


class RelationValue(Value):
    """``{"from": "r1", "to": "r2", "label": "works_for"}``; ids of other regions."""

    from_: str = Field(alias="from")
    to: str
    label: str | None = None


class RelationsControl(ControlBase):
    """Links between two regions of one annotation, e.g. a person and their employer.

    ``labels`` may be empty for unlabeled links. ``directed: false`` means ``from`` and
    ``to`` may be read either way; the stored order is kept as given.
    """

    type: Literal["relations"]
    labels: LabelList = Field(default_factory=list)
    directed: bool = True

    def check_value(self, raw: Mapping[str, Any], ctx: RegionContext) -> BaseModel | None:
        """Check the label and refuse a self-loop; endpoints are checked across regions."""
        value = ctx.parse(RelationValue, raw)
        if value is None:
            return None
        self.check_label(value.label, ctx)
        if value.from_ == value.to:
            ctx.fail("to", f"relation from {value.from_!r} to itself")
        return value

    def check_regions(self, regions: Sequence[ParsedRegion], annotation: AnnotationContext) -> None:
        """Each endpoint is the ``id`` of another region of the same annotation."""
        for region in regions:
            if not isinstance(region.value, RelationValue):
                continue
            ctx = annotation.region(region.index, self.name)
            for key, target in (("from", region.value.from_), ("to", region.value.to)):
                found = annotation.ids.get(target)
                if found is None:
                    ctx.fail(key, f"relation {key} {target!r}: no region has this id")
                elif found == region.index:
                    ctx.fail(key, f"relation {key} {target!r} points at the relation itself")
