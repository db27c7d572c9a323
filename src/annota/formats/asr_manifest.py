"""ASR manifests in the NeMo style: one JSON object per line with audio path, duration, text.

NVIDIA NeMo (and the many speech toolkits that copied it) train from a JSON-lines manifest,
``{"audio_filepath": ..., "duration": seconds, "text": ...}`` per utterance; a segment of a
longer file adds ``"offset"`` (seconds from the start of the file) and its own ``duration``.
Both come from Annota's transcript regions (``{"start", "end", "text", "speaker"?}``) or a
textarea answer:

- ``segments=False`` (default): one line per item; ``duration`` is the whole audio's and
  ``text`` the transcript regions' texts in time order, joined by a space.
- ``segments=True``: one line per transcript region, with ``offset``, ``duration`` and, when
  the region names one, ``speaker``.

Items with no transcript are skipped (a training line without text is noise); the writer
returns how many lines it wrote.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, BinaryIO

import orjson

from annota.errors import InvalidInput
from annota.formats.annotated import AnnotatedItem
from annota.schema import LabelSchema

__all__ = ["write_asr_manifest"]

_TEXT_CONTROLS = ("transcript", "textarea")


def write_asr_manifest(
    items: Iterable[AnnotatedItem],
    out: BinaryIO,
    *,
    schema: LabelSchema,
    audio_field: str | None = None,
    control: str | None = None,
    segments: bool = False,
) -> int:
    """Write a NeMo ASR manifest; return the number of lines written.

    Parameters
    ----------
    items : iterable of AnnotatedItem
        Consumed once; ``media.duration`` gives the audio's length in seconds.
    out : binary file
        Written to, not closed.
    schema : LabelSchema
        Decides the audio field and the transcript control when they are not given.
    audio_field : str, optional
        The field holding the audio path or URL; defaults to the schema's only audio field.
    control : str, optional
        The ``transcript`` or ``textarea`` control giving the text; defaults to the only one.
    segments : bool
        One line per transcript region (with ``offset``) instead of one per item.

    Raises
    ------
    InvalidInput
        The field or control cannot be chosen, ``segments`` is asked of a textarea, or an item
        lacks its audio path or (for whole-item lines) its duration; ``location`` names it.
    """
    field = audio_field or _only(
        [f.name for f in schema.fields if f.type == "audio"], "audio field", "audio_field"
    )
    name = control or _only(
        [c.name for c in schema.controls if c.type in _TEXT_CONTROLS],
        "transcript or textarea control",
        "control",
    )
    kind = _control_type(schema, name)
    if segments and kind != "transcript":
        raise InvalidInput("segments need a transcript control, not a textarea", location=name)
    count = 0
    for item in items:
        for line in _lines(item, field, name, kind, segments=segments):
            out.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))
            count += 1
    return count


def _lines(
    item: AnnotatedItem, field: str, control: str, kind: str, *, segments: bool
) -> list[dict[str, Any]]:
    regions = [region["value"] for region in item.regions if region.get("control") == control]
    if not regions:
        return []
    where = f"item {item.external_id}"
    path = item.data.get(field)
    if not isinstance(path, str) or not path:
        raise InvalidInput(f"has no audio path in field {field!r}", location=where)
    if kind == "transcript":
        regions.sort(key=lambda value: (value["start"], value["end"]))
    if segments:
        lines = []
        for value in regions:
            line: dict[str, Any] = {
                "audio_filepath": path,
                "offset": value["start"],
                "duration": round(value["end"] - value["start"], 6),
                "text": value["text"],
            }
            if value.get("speaker") is not None:
                line["speaker"] = value["speaker"]
            lines.append(line)
        return lines
    duration = item.media.duration if item.media is not None else None
    if duration is None:
        raise InvalidInput("the audio duration is unknown; probe the media first", location=where)
    text = " ".join(value["text"].strip() for value in regions if value["text"].strip())
    return [{"audio_filepath": path, "duration": duration, "text": text}]


def _only(names: list[str], what: str, option: str) -> str:
    if len(names) != 1:
        found = ", ".join(names) or "none"
        raise InvalidInput(
            f"the schema has {len(names)} {what}s ({found}); name one with {option}",
            location=option,
        )
    return names[0]


def _control_type(schema: LabelSchema, name: str) -> str:
    try:
        kind = schema.control(name).type
    except KeyError:
        raise InvalidInput(f"the schema has no control {name!r}", location="control") from None
    if kind not in _TEXT_CONTROLS:
        raise InvalidInput(
            f"control {name!r} is {kind}, not a transcript or textarea", location="control"
        )
    return kind
