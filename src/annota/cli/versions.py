"""``annota version``: immutable dataset versions — create, list, diff, restore, download."""

from __future__ import annotations

import shutil
from dataclasses import asdict
from pathlib import Path

import click
import orjson

from annota.cli.context import data_dir_option, open_db, reports_errors, settings_from
from annota.services import projects, version_restore, versions
from annota.services.actor import Actor


@click.group("version")
def version_group() -> None:
    """Immutable, content-hashed snapshots of a project's items and labels."""


@version_group.command("create")
@click.argument("project")
@click.option("--note", default="", help="What this version is for.")
@data_dir_option
@click.pass_context
@reports_errors
def create_cmd(ctx: click.Context, project: str, note: str, data_dir: Path | None) -> None:
    """Snapshot PROJECT now; prints the version number and its manifest hash."""
    db = open_db(settings_from(ctx, data_dir))
    actor = Actor.operator()
    info = projects.resolve_project(db, actor, project)
    version = versions.create_version(db, actor, info.id, note=note)
    click.echo(version.number)
    click.echo(
        f"version {version.number} of '{info.name}': {version.item_count} items, "
        f"{version.annotation_count} annotations, sha256 {version.manifest_sha256}",
        err=True,
    )


@version_group.command("list")
@click.argument("project")
@data_dir_option
@click.pass_context
@reports_errors
def list_cmd(ctx: click.Context, project: str, data_dir: Path | None) -> None:
    """List PROJECT's versions, oldest first."""
    db = open_db(settings_from(ctx, data_dir))
    actor = Actor.operator()
    info = projects.resolve_project(db, actor, project)
    for v in versions.list_versions(db, actor, info.id):
        click.echo(
            f"{v.number}\t{v.created_at:%Y-%m-%d %H:%M}\t{v.item_count} items\t"
            f"{v.annotation_count} annotations\t{v.manifest_sha256[:16]}\t{v.note}"
        )


@version_group.command("diff")
@click.argument("project")
@click.argument("a", type=int)
@click.argument("b", type=int)
@click.option("--json", "as_json", is_flag=True, help="The full diff as JSON.")
@click.option("--limit", default=50, show_default=True, help="Changed items listed.")
@data_dir_option
@click.pass_context
@reports_errors
def diff_cmd(
    ctx: click.Context,
    project: str,
    a: int,
    b: int,
    as_json: bool,
    limit: int,
    data_dir: Path | None,
) -> None:
    """What changed from version A to version B of PROJECT."""
    db = open_db(settings_from(ctx, data_dir))
    actor = Actor.operator()
    info = projects.resolve_project(db, actor, project)
    diff = versions.diff_versions(db, actor, info.id, a, b, limit=limit)
    if as_json:
        click.echo(orjson.dumps(asdict(diff), option=orjson.OPT_INDENT_2).decode())
        return
    click.echo(
        f"{a} -> {b}: {diff.items_added} items added, {diff.items_removed} removed, "
        f"{diff.labels_changed} with changed labels, {diff.data_changed} with changed data"
    )
    for c in diff.changes:
        regions = (
            f" (+{c.regions_added} -{c.regions_removed} ~{c.regions_changed} regions)"
            if c.change == "label_changed"
            else ""
        )
        click.echo(f"  {c.change:<14} {c.external_id}{regions}")


@version_group.command("restore")
@click.argument("project")
@click.argument("number", type=int)
@data_dir_option
@click.pass_context
@reports_errors
def restore_cmd(ctx: click.Context, project: str, number: int, data_dir: Path | None) -> None:
    """Bring version NUMBER back as a new state of PROJECT (nothing is overwritten)."""
    db = open_db(settings_from(ctx, data_dir))
    actor = Actor.operator()
    info = projects.resolve_project(db, actor, project)
    report = version_restore.restore_version(db, actor, info.id, number)
    click.echo(
        f"restored version {number}: {report.items_restored} items back, "
        f"{report.labels_restored} labels added, {report.unchanged} unchanged"
    )


@version_group.command("download")
@click.argument("project")
@click.argument("number", type=int)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@data_dir_option
@click.pass_context
@reports_errors
def download_cmd(
    ctx: click.Context, project: str, number: int, output: Path, data_dir: Path | None
) -> None:
    """Copy version NUMBER's Parquet file (manifest in its metadata) to OUTPUT."""
    db = open_db(settings_from(ctx, data_dir))
    actor = Actor.operator()
    info = projects.resolve_project(db, actor, project)
    shutil.copyfile(versions.version_file(db, actor, info.id, number), output)
    click.echo(f"wrote {output}", err=True)


def register(cli: click.Group) -> None:
    cli.add_command(version_group)
