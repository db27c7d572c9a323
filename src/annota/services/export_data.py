"""What an export reads: each item with the one answer that stands for it, in one snapshot.

Annotation formats (COCO, YOLO, VOC, CVAT, CoNLL, spaCy, Parquet …) hold one set of regions
per item, so one annotation has to speak for the item. The choice, most authoritative first:
a consensus annotation, an accepted one, a reviewer's correction, then the newest submitted
answer (a person's, an import's or a rule's). ``only="consensus"`` / ``only="accepted"``
keep just those kinds and leave items without one unlabelled. Drafts and rejected answers
never stand for an item. Items without any answer are still exported (COCO users complain
about exports that drop unlabelled images).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, select

from annota.formats import AnnotatedItem
from annota.schema import MediaInfo
from annota.store import tables

CHUNK = 2000
Only = Literal["accepted", "consensus"] | None
MEDIA_PREFIX = "/api/v1/media/"


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One item as an export sees it."""

    item: AnnotatedItem
    annotation: dict[str, Any] | None  # the answer chosen for it (native shape), if any
    annotations: list[dict[str, Any]]  # every submitted answer (native JSONL keeps them all)
    predictions: list[dict[str, Any]]


def _rank(row: Any) -> tuple[int, int]:
    """Sort key of an annotation's authority (higher wins), ties to the newest."""
    if row.author_kind == "consensus":
        kind = 4
    elif row.status == "accepted":
        kind = 3
    elif row.corrects_id is not None:
        kind = 2
    else:
        kind = 1
    return kind, row.id


def _eligible(row: Any, only: Only) -> bool:
    if row.status in {"draft", "rejected"}:
        return False
    if only == "consensus":
        return bool(row.author_kind == "consensus")
    if only == "accepted":
        return bool(row.status == "accepted")
    return True


def _native(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "author": {"kind": row.author_kind, "id": row.author_id, "name": row.author_name},
        "status": row.status,
        "schema_version": row.schema_version,
        "guidelines_version": row.guidelines_version,
        "corrects": row.corrects_id,
        "lineage": row.lineage or {},
        "created_at": row.created_at.isoformat(),
        "regions": row.regions,
    }


def _media(media: dict[str, Any]) -> MediaInfo | None:
    for info in media.values():
        if isinstance(info, dict) and (info.get("width") or info.get("duration")):
            return MediaInfo(
                width=info.get("width"),
                height=info.get("height"),
                duration=info.get("duration"),
                frames=info.get("frames"),
            )
    return None


def _data(data: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    """Media URLs become the file's name (what COCO, YOLO and VOC call an image)."""
    filename = meta.get("filename")
    if not isinstance(filename, str):
        return data
    return {
        k: filename if isinstance(v, str) and v.startswith(MEDIA_PREFIX) else v
        for k, v in data.items()
    }


def iter_export_rows(
    conn: Connection,
    project_id: int,
    *,
    only: Only = None,
    with_predictions: bool = False,
) -> Iterator[ExportRow]:
    """Every item of the project in id order, chunk by chunk (memory stays flat)."""
    item, ann, pred = tables.items.c, tables.annotations.c, tables.predictions.c
    after = 0
    while True:
        items = conn.execute(
            select(item.id, item.external_id, item.data, item.meta, item.media)
            .where(item.project_id == project_id, item.id > after)
            .order_by(item.id)
            .limit(CHUNK)
        ).all()
        if not items:
            return
        first, last = items[0].id, items[-1].id
        by_item: dict[int, list[Any]] = defaultdict(list)
        for row in conn.execute(
            select(tables.annotations)
            .where(ann.project_id + 0 == project_id, ann.item_id >= first, ann.item_id <= last)
            .order_by(ann.item_id, ann.id)
        ):
            by_item[row.item_id].append(row)
        preds: dict[int, list[dict[str, Any]]] = defaultdict(list)
        if with_predictions:
            for p in conn.execute(
                select(tables.predictions)
                .where(pred.project_id == project_id, pred.item_id >= first, pred.item_id <= last)
                .order_by(pred.item_id, pred.id)
            ):
                preds[p.item_id].append(
                    {
                        "model": p.model_name,
                        "model_version": p.model_version,
                        "score": p.score,
                        "regions": p.regions,
                    }
                )
        for row in items:
            answers = [a for a in by_item.get(row.id, ()) if a.status not in {"draft"}]
            chosen = max((a for a in answers if _eligible(a, only)), key=_rank, default=None)
            regions = list(chosen.regions) if chosen is not None else []
            for suggestion in preds.get(row.id, ()):
                score = suggestion["score"]
                regions += [{**r, "score": r.get("score", score)} for r in suggestion["regions"]]
            yield ExportRow(
                item=AnnotatedItem(
                    external_id=row.external_id,
                    data=_data(row.data, row.meta),
                    regions=regions,
                    meta=row.meta,
                    media=_media(row.media),
                ),
                annotation=_native(chosen) if chosen is not None else None,
                annotations=[_native(a) for a in answers],
                predictions=preds.get(row.id, []),
            )
        after = last
