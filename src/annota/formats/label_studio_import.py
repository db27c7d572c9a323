"""Label Studio JSON export import: tasks, their annotations and predictions, streamed.

A Label Studio project moves over as its labeling config (XML, turned into a schema by
:func:`annota.schema.from_label_studio_xml`) and its "JSON" export: an array of tasks
``{"id", "data", "meta"?, "annotations": [...], "predictions": [...]}`` where each annotation
carries ``result`` (the regions), ``completed_by`` (the annotator), ``lead_time`` (seconds
spent), timestamps and ``was_cancelled``, and each prediction ``model_version`` and
``score`` (format: https://labelstud.io/guide/task_format). Tasks are read one at a time
(:func:`annota.formats.json_array.iter_json_values`), so the export's size does not matter.

Each task gives a :class:`SourceRecord` (external id = the task id; ``data``; ``meta`` with the
task's own ``meta`` plus ``label_studio: {id, created_at, updated_at}``) and the converted
annotations (:mod:`annota.formats.ls_results` says how each result becomes a region).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from annota.errors import InvalidInput
from annota.formats.annotated import AnnotatedItem
from annota.formats.json_array import iter_json_values
from annota.formats.ls_results import convert_results
from annota.formats.record import DEFAULT_MAX_RECORD_BYTES, SourceRecord, describe_json_type
from annota.schema import LabelSchema, from_label_studio_xml

__all__ = ["LabelStudioAnnotation", "LabelStudioTask", "read_label_studio"]


@dataclass(frozen=True, slots=True)
class LabelStudioAnnotation:
    """One annotation (or prediction) of a task, converted to Annota regions.

    Attributes
    ----------
    kind : {"annotation", "prediction"}
    regions : list of dict
        Native regions for the schema of the config.
    completed_by : str or None
        The annotator: the e-mail when the export embeds the user, else the user id as text.
    lead_time : float or None
        Seconds the annotator spent.
    id : str or None
        Label Studio's annotation id.
    created_at, updated_at : str or None
        ISO timestamps as exported.
    was_cancelled, ground_truth : bool
        Skipped tasks are exported as cancelled annotations; the caller decides.
    model_version : str or None
        For predictions.
    score : float or None
        For predictions.
    location : str
        ``export.json:[3].annotations[0]``.
    """

    kind: Literal["annotation", "prediction"]
    regions: list[dict[str, Any]]
    location: str
    completed_by: str | None = None
    lead_time: float | None = None
    id: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    was_cancelled: bool = False
    ground_truth: bool = False
    model_version: str | None = None
    score: float | None = None

    @property
    def author(self) -> str:
        """Who made it: the annotator, else ``model:<version>`` for a prediction, else ``""``."""
        if self.completed_by:
            return self.completed_by
        if self.kind == "prediction" and self.model_version:
            return f"model:{self.model_version}"
        return ""


@dataclass(frozen=True, slots=True)
class LabelStudioTask:
    """One task: the item to import and what was said about it."""

    record: SourceRecord
    annotations: list[LabelStudioAnnotation] = field(default_factory=list)
    predictions: list[LabelStudioAnnotation] = field(default_factory=list)

    @property
    def item(self) -> AnnotatedItem:
        """The task as an item without regions (its answers are :attr:`annotations`)."""
        record = self.record
        return AnnotatedItem(
            record.external_id or "", record.data, meta=record.meta, location=record.location
        )


def read_label_studio(
    path: Path,
    config_xml: str | LabelSchema | None = None,
    *,
    schema: LabelSchema | None = None,
    name: str | None = None,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> Iterator[LabelStudioTask]:
    """Yield the tasks of a Label Studio JSON export, converted for the config's schema.

    Parameters
    ----------
    path : Path
        The export (a JSON array of tasks; JSON lines of tasks work too).
    config_xml : str or LabelSchema, optional
        The project's labeling config, or the schema already built from it.
    schema : LabelSchema, optional
        The schema built from the config, instead of ``config_xml``.
    name : str, optional
        File name shown in locations.
    max_record_bytes : int
        Largest single task accepted.

    Raises
    ------
    ValidationFailed
        The config cannot be translated (raised before anything is read).
    InvalidInput
        A task or result is malformed; ``location`` is like
        ``export.json:[3].annotations[0].result[2].value.start``.
    """
    if isinstance(config_xml, LabelSchema):
        schema = config_xml
    elif config_xml is not None:
        schema = from_label_studio_xml(config_xml)
    if schema is None:
        raise InvalidInput("give the Label Studio labeling config", location="config")
    chosen = schema
    display = name if name is not None else path.name

    def build(obj: Any, location: str) -> LabelStudioTask:
        return _task(obj, location, chosen)

    def tasks() -> Iterator[LabelStudioTask]:
        with path.open("rb") as stream:
            yield from iter_json_values(
                stream, build, name=display, max_record_bytes=max_record_bytes
            )

    return tasks()


def _task(obj: Any, location: str, schema: LabelSchema) -> LabelStudioTask:
    if not isinstance(obj, dict):
        raise InvalidInput(
            f"a task must be an object, not {describe_json_type(obj)}", location=location
        )
    data = obj.get("data")
    if not isinstance(data, dict):
        raise InvalidInput("a task needs a data object", location=f"{location}.data")
    task_id = obj.get("id")
    if task_id is not None and (isinstance(task_id, bool) or not isinstance(task_id, int | str)):
        raise InvalidInput("id must be an integer or a string", location=f"{location}.id")
    raw_meta = obj.get("meta")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    own = {key: obj[key] for key in ("id", "created_at", "updated_at") if obj.get(key) is not None}
    record = SourceRecord(
        location,
        str(task_id) if task_id is not None else None,
        data,
        {**meta, "label_studio": own} if own else dict(meta),
    )
    return LabelStudioTask(
        record,
        _annotations(obj, "annotations", location, schema, data),
        _annotations(obj, "predictions", location, schema, data),
    )


def _annotations(
    task: dict[str, Any], key: str, location: str, schema: LabelSchema, data: dict[str, Any]
) -> list[LabelStudioAnnotation]:
    entries = task.get(key) or []
    if not isinstance(entries, list):
        raise InvalidInput(f"{key} must be a list", location=f"{location}.{key}")
    converted = []
    for index, entry in enumerate(entries):
        where = f"{location}.{key}[{index}]"
        if not isinstance(entry, dict):
            raise InvalidInput("must be an object", location=where)
        regions = convert_results(entry.get("result", []), schema, data, where)
        lead_time, score = entry.get("lead_time"), entry.get("score")
        converted.append(
            LabelStudioAnnotation(
                kind="annotation" if key == "annotations" else "prediction",
                regions=regions,
                location=where,
                completed_by=_annotator(entry.get("completed_by")),
                lead_time=_number(lead_time),
                id=str(entry["id"]) if entry.get("id") is not None else None,
                created_at=_text(entry.get("created_at")),
                updated_at=_text(entry.get("updated_at")),
                was_cancelled=entry.get("was_cancelled") is True,
                ground_truth=entry.get("ground_truth") is True,
                model_version=_text(entry.get("model_version")),
                score=_number(score),
            )
        )
    return converted


def _annotator(raw: Any) -> str | None:
    """``completed_by`` is a user id, or (with user details) an object with ``email``."""
    if isinstance(raw, dict):
        email = raw.get("email")
        return str(email) if email else _annotator(raw.get("id"))
    if raw is None or isinstance(raw, bool):
        return None
    return str(raw)


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _text(value: Any) -> str | None:
    return str(value) if value is not None else None
