"""A dry run of an import file: every bad record with its row, before anything is written.

The import itself stops at the first bad record, before writing anything; people who
upload a file from the browser want the whole list at once, so they can fix the file in
one go. This reads the file once, validates each record against the current schema, and
returns up to ``max_errors`` problems, each located like ``upload.csv:17:text``.
"""

from __future__ import annotations

from pathlib import Path

from annota.errors import AnnotaError, InvalidInput
from annota.formats import iter_records
from annota.schema import load_schema, validate_item_data
from annota.services.access import project_for
from annota.services.actor import Actor
from annota.services.projects import get_schema
from annota.services.roles import Need
from annota.store.db import Database


def check_import_file(
    db: Database,
    actor: Actor,
    project_id: int,
    path: Path,
    *,
    name: str,
    format: str | None = None,
    max_errors: int = 100,
) -> tuple[int, list[AnnotaError]]:
    """``(records read, problems)``; a file that cannot be parsed past a point ends there."""
    with db.read() as s:
        project_for(s, actor, project_id, Need.MANAGE)
    schema = load_schema(get_schema(db, actor, project_id).document)
    problems: list[AnnotaError] = []
    read = 0
    try:
        for record in iter_records(path, format=format, name=name):
            read += 1
            try:
                validate_item_data(record.data, schema)
            except AnnotaError as exc:
                where = f"{record.location}:{exc.location}" if exc.location else record.location
                problems.append(InvalidInput(exc.message, location=where))
                if len(problems) >= max_errors:
                    break
    except AnnotaError as exc:  # the file itself is malformed from here on
        problems.append(exc)
    return read, problems
