"""Exporting a project in any supported format, with filters, predictions and splits.

Every export is written under a temporary name next to its destination and renamed into place
when complete, so a crash or an error never leaves a half-written file that looks finished;
the result carries a sha-256 checksum (of the file, or of the ``SHA256SUMS`` list written into
a folder export). Rows are streamed from one read snapshot; with ``split`` the snapshot is read
once to assign splits (keys and labels only) and once per split to write it.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from annota import formats as formats_lib
from annota.errors import InvalidInput
from annota.formats import (
    AnnotatedItem,
    assign_splits,
    write_asr_manifest,
    write_coco,
    write_conll,
    write_csv,
    write_cvat,
    write_jsonl,
    write_spacy,
    write_voc,
    write_yolo,
)
from annota.formats.coco_geometry import points_box, rle_box_and_area
from annota.schema import LabelSchema
from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.export_data import ExportRow, Only, iter_export_rows
from annota.services.projects import schema_of
from annota.services.roles import Need
from annota.store.db import Database

Progress = Callable[[int], None]
FORMATS = ("jsonl", "csv", "coco", "yolo", "voc", "cvat", "conll", "spacy", "hf", "parquet", "asr")
#: formats whose output is a folder; the others write one file
FOLDER_FORMATS = frozenset({"yolo", "voc", "hf"})
SUFFIX = {
    "jsonl": ".jsonl",
    "csv": ".csv",
    "coco": ".json",
    "cvat": ".xml",
    "conll": ".conll",
    "spacy": ".spacy",
    "parquet": ".parquet",
    "asr": ".jsonl",
}


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What to export and how (see ``annota export --help``)."""

    fmt: str = "jsonl"
    only: Only = None
    with_predictions: bool = False
    split: dict[str, float] | None = None
    seed: int = 0
    yolo_task: str | None = None
    conll_scheme: str = "bio"


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: str
    items: int
    labelled: int
    sha256: str
    splits: dict[str, int] = field(default_factory=dict)


def _first(schema: LabelSchema, types: tuple[str, ...], what: str, fmt: str) -> str:
    for control in schema.controls:
        if control.type in types:
            return control.name
    raise InvalidInput(
        f"{fmt} needs a {what} control ({' or '.join(types)}) and the schema has none",
        location="format",
    )


def _field(schema: LabelSchema, kind: str) -> str:
    for f in schema.fields:
        if f.type.value == kind:
            return f.name
    return schema.fields[0].name


def _label_of(regions: list[dict[str, Any]]) -> str | None:
    """The stratum of an item: its first label or choice."""
    for region in regions:
        value = region.get("value") or {}
        if isinstance(value.get("label"), str):
            return str(value["label"])
        choices = value.get("choices")
        if isinstance(choices, list) and choices:
            return str(choices[0])
    return None


def _native_line(row: ExportRow, with_predictions: bool) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": row.item.external_id,
        "data": row.item.data,
        "meta": row.item.meta,
        "annotations": row.annotations,
    }
    if with_predictions:
        record["predictions"] = row.predictions
    return record


def _csv_rows(rows: Iterable[ExportRow], schema: LabelSchema) -> Iterator[dict[str, Any]]:
    for row in rows:
        out: dict[str, Any] = {"id": row.item.external_id}
        for f in schema.fields:
            out[f.name] = row.item.data.get(f.name)
        ann = row.annotation
        out["annotator"] = ann["author"]["name"] if ann else None
        out["status"] = ann["status"] if ann else None
        for control in schema.controls:
            values = [r["value"] for r in row.item.regions if r.get("control") == control.name]
            out[control.name] = _csv_value(values)
        yield out


def _csv_value(values: list[dict[str, Any]]) -> Any:
    if not values:
        return None
    if len(values) == 1 and "choices" in values[0]:
        return "|".join(str(c) for c in values[0]["choices"])
    if len(values) == 1 and len(values[0]) == 1:
        (only,) = values[0].values()
        return only if isinstance(only, str | int | float) else orjson.dumps(only).decode()
    return orjson.dumps(values).decode()


def _write_file(
    fmt: str, items: Iterator[ExportRow], out: BinaryIO, schema: LabelSchema, opts: ExportOptions
) -> None:
    annotated = (r.item for r in items)
    if fmt == "jsonl":
        write_jsonl((_native_line(r, opts.with_predictions) for r in items), out)
    elif fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        columns = ["id", *(f.name for f in schema.fields), "annotator", "status"]
        columns += [c.name for c in schema.controls]
        write_csv(_csv_rows(items, schema), text, columns=columns)
        text.flush()
        text.detach()
    elif fmt == "coco":
        write_coco(annotated, out, schema=schema)
    elif fmt == "cvat":
        write_cvat(annotated, out, schema=schema)
    elif fmt == "conll":
        control = _first(schema, ("spans",), "span", "CoNLL")
        text_field = _field(schema, "text")
        if opts.conll_scheme == "iob1":
            write_conll(annotated, out, field=text_field, control=control, scheme="iob1")
        else:
            write_conll(annotated, out, field=text_field, control=control, scheme="bio")
    elif fmt == "asr":
        write_asr_manifest(annotated, out, schema=schema)
    else:  # pragma: no cover - FORMATS and this table are kept together
        raise InvalidInput(f"unknown format '{fmt}'", location="format")


def _write_path(
    fmt: str, items: Iterator[ExportRow], dest: Path, schema: LabelSchema, opts: ExportOptions
) -> None:
    """Write one export to ``dest`` (a file or a folder, not yet existing)."""
    annotated: Iterator[AnnotatedItem] = (r.item for r in items)
    if fmt == "spacy":
        write_spacy(annotated, dest, schema=schema)
    elif fmt == "yolo":
        task = opts.yolo_task or _yolo_task(schema)
        write_yolo(annotated, dest, schema=schema, task=task)  # type: ignore[arg-type]
    elif fmt == "voc":
        control = _first(schema, ("bbox", "polygon", "mask"), "box", "Pascal VOC")
        image = _field(schema, "image")
        (dest / "Annotations").mkdir(parents=True)
        for item in map(_with_boxes, annotated):
            stem = Path(str(item.data.get(image, item.external_id))).stem or item.external_id
            with open(dest / "Annotations" / f"{stem}.xml", "wb") as fh:
                write_voc(item, fh, control=control, field=image)
    elif fmt in {"hf", "parquet"}:
        _write_arrow(fmt, annotated, dest, schema)
    else:
        with open(dest, "wb") as out:
            _write_file(fmt, items, out, schema, opts)
            out.flush()
            os.fsync(out.fileno())


def _with_boxes(item: AnnotatedItem) -> AnnotatedItem:
    """VOC holds boxes only: polygons and masks are written as their upright bounds."""
    extra: list[dict[str, Any]] = []
    for region in item.regions:
        value = region.get("value") or {}
        if "points" in value and isinstance(value["points"], list):
            box = points_box(value["points"])
        elif "rle" in value:
            box, _ = rle_box_and_area(value["rle"]["size"][0], value["rle"]["counts"])
        else:
            continue
        x, y, width, height = box
        extra.append(
            {
                "control": region["control"],
                "value": {
                    "x": x,
                    "y": y,
                    "width": width,
                    "height": height,
                    "label": value.get("label"),
                },
            }
        )
    if not extra:
        return item
    kept = [r for r in item.regions if "x" in (r.get("value") or {})]
    return replace(item, regions=kept + extra)


def _write_arrow(fmt: str, items: Iterator[AnnotatedItem], dest: Path, schema: LabelSchema) -> None:
    writer = getattr(formats_lib, "write_hf_dataset" if fmt == "hf" else "write_parquet", None)
    if writer is None:
        raise InvalidInput(f"the {fmt} exporter is not available in this build", location="format")
    writer(items, dest, schema=schema)


def _yolo_task(schema: LabelSchema) -> str:
    types = {c.type for c in schema.controls}
    if "keypoints" in types:
        return "pose"
    if "polygon" in types or "mask" in types:
        return "segment"
    if any(getattr(c, "rotation", False) for c in schema.controls if c.type == "bbox"):
        return "obb"
    return "detect"


def _checksum(path: Path) -> str:
    """sha-256 of a file; of a folder, write SHA256SUMS (sorted, sha256sum format) and hash it."""
    if path.is_file():
        return _file_sha(path)
    lines = [
        f"{_file_sha(p)}  {p.relative_to(path).as_posix()}\n"
        for p in sorted(path.rglob("*"))
        if p.is_file() and p.name != "SHA256SUMS"
    ]
    (path / "SHA256SUMS").write_text("".join(lines))
    return _file_sha(path / "SHA256SUMS")


def _file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _replace(tmp: Path, dest: Path) -> None:
    if dest.is_dir():
        if any(dest.iterdir()):
            raise InvalidInput("the output folder exists and is not empty", location=str(dest))
        dest.rmdir()
    os.replace(tmp, dest)


def export_project(
    db: Database,
    actor: Actor,
    project_id: int,
    dest: Path,
    opts: ExportOptions,
    *,
    progress: Progress | None = None,
) -> ExportResult:
    """Export the project to ``dest`` (see the module docstring); managers only."""
    if opts.fmt not in FORMATS:
        raise InvalidInput(
            f"unknown format '{opts.fmt}' (one of {', '.join(FORMATS)})", location="format"
        )
    if dest.is_file() and (opts.fmt in FOLDER_FORMATS or opts.split):
        raise InvalidInput(
            "this export writes a folder, and a file is in the way", location=str(dest)
        )
    counted = [0, 0]

    def rows(keep: Callable[[ExportRow], bool] | None = None) -> Iterator[ExportRow]:
        for row in iter_export_rows(
            conn, project_id, only=opts.only, with_predictions=opts.with_predictions
        ):
            if keep is not None and not keep(row):
                continue
            counted[0] += 1
            counted[1] += row.annotation is not None
            if progress and counted[0] % 500 == 0:
                progress(counted[0])
            yield row

    tmp = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    splits: dict[str, int] = {}
    with db.read() as s:
        project = project_for(s, actor, project_id, Need.MANAGE)
        conn = s.connection()
        schema = schema_of(db, conn, project_id, project.schema_version)
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)  # `-o out/coco.json` makes out/
        except OSError as exc:
            raise InvalidInput(
                f"cannot create the folder for the export: {exc.strerror}",
                location=str(dest.parent),
            ) from None
        shutil.rmtree(tmp, ignore_errors=True) if tmp.is_dir() else tmp.unlink(missing_ok=True)
        try:
            if opts.split:
                assigned = _assign(rows(), opts)
                counted[:] = [0, 0]
                tmp.mkdir()
                for name in opts.split:
                    before = counted[0]
                    target = tmp / (name if opts.fmt in FOLDER_FORMATS else name + SUFFIX[opts.fmt])
                    if opts.fmt in FOLDER_FORMATS:
                        target.mkdir()
                    _write_path(
                        opts.fmt,
                        rows(lambda r, n=name: assigned[r.item.external_id] == n),  # type: ignore[misc]
                        target,
                        schema,
                        opts,
                    )
                    splits[name] = counted[0] - before
            else:
                if opts.fmt in FOLDER_FORMATS:
                    tmp.mkdir()
                _write_path(opts.fmt, rows(), tmp, schema, opts)
            sha = _checksum(tmp)
            _replace(tmp, dest)
        finally:
            if tmp.is_dir():
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                tmp.unlink(missing_ok=True)
    if progress:
        progress(counted[0])
    return ExportResult(str(dest), counted[0], counted[1], sha, splits)


def _assign(rows: Iterator[ExportRow], opts: ExportOptions) -> dict[str, str]:
    keys: list[str] = []
    strata: list[str | None] = []
    for row in rows:
        keys.append(row.item.external_id)
        strata.append(_label_of(row.item.regions))
    assert opts.split is not None
    return dict(zip(keys, assign_splits(keys, strata, opts.split, seed=opts.seed), strict=True))
