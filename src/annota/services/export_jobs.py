"""The ``export`` background job (started and fetched through :mod:`export_requests`).

The file is written under the data directory (``exports/<project>/<job>/``) by
:func:`annota.services.export_formats.export_project`, so it appears only once complete;
folder formats (YOLO, VOC, HF, splits) are zipped for download.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

from annota.errors import InvalidInput
from annota.formats import parse_split_fractions
from annota.services import retention
from annota.services.export_formats import (
    FOLDER_FORMATS,
    FORMATS,
    SUFFIX,
    ExportOptions,
    export_project,
)
from annota.services.job_context import JobContext
from annota.store.db import Database


def export_options(params: dict[str, Any]) -> ExportOptions:
    fmt = str(params.get("format", "jsonl"))
    if fmt not in FORMATS:
        raise InvalidInput(
            f"unknown format '{fmt}' (one of {', '.join(FORMATS)})", location="format"
        )
    only = params.get("only")
    if only not in (None, "accepted", "consensus"):
        raise InvalidInput("only must be 'accepted' or 'consensus'", location="only")
    split = params.get("split")
    return ExportOptions(
        fmt=fmt,
        only=only,
        with_predictions=bool(params.get("with_predictions", False)),
        split=parse_split_fractions(split) if split else None,
        seed=int(params.get("seed", 0)),
        yolo_task=params.get("yolo_task"),
        conll_scheme=str(params.get("conll_scheme", "bio")),
    )


def export_folder(db: Database, project_id: int, job_id: int) -> Path:
    return db.settings.data_dir / "exports" / str(project_id) / str(job_id)


def run_export(db: Database, job: JobContext) -> dict[str, Any]:
    """The ``export`` job: write, zip a folder result, checksum; purge data if the project asks."""
    assert job.project_id is not None
    opts = export_options(job.params)
    folder = export_folder(db, job.project_id, job.job_id)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    is_folder = opts.fmt in FOLDER_FORMATS or opts.split is not None
    name = f"project-{job.project_id}-{opts.fmt}" + ("" if is_folder else SUFFIX[opts.fmt])
    result = export_project(
        db, job.actor, job.project_id, folder / name, opts, progress=lambda n: job.progress(n)
    )
    download = folder / name
    if is_folder:
        download = _zip(folder / name)
    purged = retention.after_export(db, job.actor, job.project_id)
    return {
        "format": opts.fmt,
        "filename": download.name,
        "items": result.items,
        "labelled": result.labelled,
        "sha256": result.sha256,
        "splits": result.splits,
        "purged_items": purged,
    }


def _zip(folder: Path) -> Path:
    target = folder.with_suffix(".zip")
    tmp = target.with_name(f".{target.name}.partial")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    shutil.rmtree(folder)
    return target
