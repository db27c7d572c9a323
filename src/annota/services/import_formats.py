"""``annota import PATH --format F``: read any supported source, create the project if asked.

Record formats (JSONL, JSON, CSV/TSV, Parquet, Hugging Face ``save_to_disk`` folders, folders
of media) bring items; annotation formats (COCO, YOLO, Pascal VOC, CVAT, CoNLL, Label Studio)
bring items with their answers, and can create a project whose schema is inferred from the
file (categories, tags) or, for Label Studio, translated from its XML labeling config.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from annota import formats
from annota.errors import InvalidInput
from annota.formats import AnnotatedItem, probe_image
from annota.schema import LabelSchema, dump_schema_yaml, load_schema
from annota.schema.label_studio import from_label_studio_xml
from annota.services import importing, projects, s3_import, url_import
from annota.services.actor import Actor
from annota.services.import_annotated import Answer, ImportedItem, Suggestion, import_annotated
from annota.services.records import ImportReport, ProjectInfo
from annota.store.db import Database

Progress = Callable[[int], None]
RECORD_FORMATS = ("jsonl", "json", "csv", "tsv", "parquet", "hf", "urls")
ANNOTATION_FORMATS = ("coco", "yolo", "voc", "cvat", "conll", "labelstudio")
FORMATS = RECORD_FORMATS + ANNOTATION_FORMATS
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"}


@dataclass
class Source:
    """A read source: its entries, readable again (and the schema it implies, for ``--create``)."""

    entries: Callable[[], Iterable[ImportedItem]]
    schema: LabelSchema | None
    media_dir: Path | None = None


def detect_format(path: Path) -> str:
    """The format of ``path`` where it is unambiguous; a located error where it is not."""
    if path.is_dir():
        if (path / "dataset_info.json").exists() or (path / "dataset_dict.json").exists():
            return "hf"
        if (path / "labels").is_dir() and (
            (path / "data.yaml").exists() or (path / "classes.txt").exists()
        ):
            return "yolo"
        if (path / "Annotations").is_dir() or any(path.glob("*.xml")):
            return "voc"
        return "media"
    suffix = path.suffix.lower()
    if suffix == ".urls":
        return "urls"
    if suffix in {".jsonl", ".ndjson", ".csv", ".tsv", ".parquet"}:
        return suffix.lstrip(".").replace("ndjson", "jsonl")
    if suffix in {".conll", ".conll03", ".iob", ".bio"}:
        return "conll"
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if suffix == ".xml":
        if b"<annotations" in head:
            return "cvat"
        if b"<annotation" in head:
            raise InvalidInput("a single VOC file: import its folder", location=path.name)
    if suffix == ".json":
        text = head.lstrip()
        if text.startswith(b"{") and b'"images"' in head:
            return "coco"
        if text.startswith(b"[") and (b'"annotations"' in head or b'"predictions"' in head):
            return "labelstudio"
        return "json"
    raise InvalidInput(
        f"cannot tell the format of '{path.name}'; give --format ({', '.join(FORMATS)})",
        location=path.name,
    )


def _plain(items: Iterable[AnnotatedItem]) -> Iterator[ImportedItem]:
    for item in items:
        answers = [Answer(item.regions)] if item.regions else []
        yield ImportedItem(item, answers)


def _labels(items: list[AnnotatedItem], control: str) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        for region in item.regions:
            label = (region.get("value") or {}).get("label")
            if region.get("control") == control and isinstance(label, str):
                seen.setdefault(label, None)
    return list(seen)


def _image_sizes(folder: Path) -> tuple[dict[str, tuple[int, int]], Path | None]:
    """Sizes of the images next to a YOLO/VOC dataset, by file stem (and where they are)."""
    for candidate in (folder / "images", folder / "JPEGImages", folder):
        if candidate.is_dir():
            sizes: dict[str, tuple[int, int]] = {}
            for p in sorted(candidate.rglob("*")):
                if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file():
                    with open(p, "rb") as fh:
                        probe = probe_image(fh)
                    if probe is not None:
                        sizes[p.stem] = (probe[0], probe[1])
            if sizes:
                return sizes, candidate
    return {}, None


def _yolo_task(folder: Path) -> str:
    data = folder / "data.yaml"
    if data.exists() and "kpt_shape" in (yaml.safe_load(data.read_text()) or {}):
        return "pose"
    for label in sorted((folder / "labels").glob("*.txt")):
        for line in label.read_text().splitlines():
            n = len(line.split())
            if n:
                return "detect" if n == 5 else "obb" if n == 9 else "segment"
    return "detect"


def read_source(path: Path, fmt: str, *, config: Path | None = None) -> Source:
    """Open ``path`` as ``fmt`` (annotation formats only; record formats stream elsewhere)."""
    name = path.name
    if fmt == "coco":
        # Streamed: the temporary files it keeps go with it when the source is dropped.
        coco = formats.CocoFile(path, name=name)
        media_dir = path.parent / "images" if (path.parent / "images").is_dir() else path.parent
        return Source(lambda: _plain(coco.items()), coco.schema(), media_dir)
    if fmt == "cvat":
        cvat = formats.read_cvat(path, name=name)  # streamed again on every pass
        return Source(lambda: _plain(cvat.items()), formats.cvat_schema(cvat), path.parent)
    if fmt == "conll":
        with open(path, "rb") as fh:
            items = list(formats.read_conll(fh, name=name, field="text", control="ner"))
        schema = load_schema(
            {
                "fields": [{"name": "text", "type": "text"}],
                "controls": [
                    {
                        "name": "ner",
                        "type": "spans",
                        "field": "text",
                        "labels": _labels(items, "ner"),
                    }
                ],
            }
        )
        return Source(lambda: _plain(items), schema)
    if fmt == "voc":
        folder = path / "Annotations" if (path / "Annotations").is_dir() else path
        items = [
            formats.read_voc(p.read_bytes(), name=p.name, control="objects")
            for p in sorted(folder.glob("*.xml"))
        ]
        return Source(lambda: _plain(items), _box_schema(items), _image_sizes(path)[1])
    if fmt == "yolo":
        sizes, images = _image_sizes(path)
        task = _yolo_task(path)
        found = formats.read_yolo(path, task=task, sizes=sizes)  # type: ignore[arg-type]
        items = [_with_file_name(item, images) for item in found]
        return Source(lambda: _plain(items), _yolo_schema(path, task), images)
    if fmt == "labelstudio":
        if config is None:
            raise InvalidInput("a Label Studio import needs --config (its XML)", location="config")
        schema = from_label_studio_xml(config.read_text(encoding="utf-8"))
        return Source(lambda: _label_studio(path, schema), schema)
    raise InvalidInput(f"'{fmt}' is not an annotation format", location="format")


def _with_file_name(item: AnnotatedItem, media_dir: Path | None) -> AnnotatedItem:
    if media_dir is None:
        return item
    match = next((p for p in media_dir.glob(item.external_id + ".*")), None)
    if match is None:
        return item
    name = match.relative_to(media_dir).as_posix()
    return AnnotatedItem(
        item.external_id, {"image": name}, item.regions, item.meta, item.media, item.location
    )


def _box_schema(items: list[AnnotatedItem]) -> LabelSchema:
    labels = _labels(items, "objects") or ["object"]
    return load_schema(
        {
            "fields": [{"name": "image", "type": "image"}],
            "controls": [{"name": "objects", "type": "bbox", "field": "image", "labels": labels}],
        }
    )


def _yolo_schema(folder: Path, task: str) -> LabelSchema:
    names, points = formats.yolo_names(folder)
    controls: list[dict[str, Any]] = []
    if task in {"detect", "obb", "pose"}:
        box: dict[str, Any] = {"name": "bbox", "type": "bbox", "field": "image", "labels": names}
        if task == "obb":
            box["rotation"] = True
        controls.append(box)
    if task == "segment":
        controls.append({"name": "polygon", "type": "polygon", "field": "image", "labels": names})
    if task == "pose":
        controls.append(
            {"name": "keypoints", "type": "keypoints", "field": "image", "points": points}
        )
    return load_schema({"fields": [{"name": "image", "type": "image"}], "controls": controls})


def _label_studio(path: Path, schema: LabelSchema) -> Iterator[ImportedItem]:
    reader = getattr(formats, "read_label_studio", None)
    if reader is None:
        raise InvalidInput(
            "the Label Studio importer is not available in this build", location="format"
        )
    for task in reader(path, schema=schema):
        yield ImportedItem(
            task.item,
            [
                Answer(a.regions, a.author, a.lead_time)
                for a in task.annotations
                if not a.was_cancelled  # a skipped task is not an answer
            ],
            [
                Suggestion(p.regions, "label-studio", p.model_version or "", p.score)
                for p in task.predictions
            ],
        )


def import_path(
    db: Database,
    actor: Actor,
    project: str,
    path: Path | str,
    *,
    fmt: str | None = None,
    create: bool = False,
    schema_file: Path | None = None,
    config: Path | None = None,
    media_dir: Path | None = None,
    progress: Progress | None = None,
) -> tuple[ProjectInfo, ImportReport]:
    """Import ``path`` into ``project`` (id or name), or into a new project named so."""
    if isinstance(path, str):
        if not s3_import.is_s3_url(path):
            path = Path(path)
            if not path.exists():
                raise InvalidInput("no such file or folder", location=str(path))
        else:
            with s3_import.fetched(path, db.settings) as local:
                return import_path(
                    db,
                    actor,
                    project,
                    local,
                    fmt=fmt,
                    create=create,
                    schema_file=schema_file,
                    config=config,
                    media_dir=media_dir,
                    progress=progress,
                )
    fmt = fmt or detect_format(path)
    if fmt not in (*FORMATS, "media"):
        raise InvalidInput(
            f"unknown format '{fmt}' (one of {', '.join(FORMATS)})", location="format"
        )
    source = read_source(path, fmt, config=config) if fmt in ANNOTATION_FORMATS else None
    if create:
        schema = _schema_for_create(source, schema_file, fmt)
        info = projects.create_project(db, actor, name=project, schema=schema)
    else:
        info = projects.resolve_project(db, actor, project)
    if source is not None:
        report = import_annotated(
            db,
            actor,
            info.id,
            source.entries,
            source=path.name,
            fmt=fmt,
            media_dir=media_dir or source.media_dir,
            progress=progress,
        )
    elif path.is_dir() and fmt == "media":
        report = importing.import_folder(db, actor, info.id, path, progress=progress)
    elif fmt == "urls":
        report = url_import.import_urls(db, actor, info.id, path, progress=progress)
    elif fmt == "hf":
        records = formats.iter_hf_dataset(path, name=path.name)
        report = importing.import_records(
            db, actor, info.id, records, source=path.name, progress=progress
        )
    else:
        report = importing.import_file(db, actor, info.id, path, format=fmt, progress=progress)
    return info, report


def _schema_for_create(source: Source | None, schema_file: Path | None, fmt: str) -> str:
    if schema_file is not None:
        return schema_file.read_text(encoding="utf-8")
    if source is None or source.schema is None:
        raise InvalidInput(
            f"a {fmt} file carries no label schema: give --schema FILE with --create",
            location="schema",
        )
    return dump_schema_yaml(source.schema)
