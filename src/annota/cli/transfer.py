"""``annota import`` and ``annota export``, with progress bars."""

from __future__ import annotations

from pathlib import Path

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from annota.cli.context import data_dir_option, err_console, open_db, reports_errors, settings_from
from annota.services import exporting, importing, projects
from annota.services.actor import Actor


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} records"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


@click.command("import")
@click.argument("project")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json", "csv", "tsv", "parquet"]),
    default=None,
    help="File format (default: from the file's suffix).",
)
@data_dir_option
@click.pass_context
@reports_errors
def import_cmd(
    ctx: click.Context, project: str, path: Path, fmt: str | None, data_dir: Path | None
) -> None:
    """Import PATH into PROJECT (id or name): a record file, or a folder of media files."""
    db = open_db(settings_from(ctx, data_dir))
    actor = Actor.operator()
    info = projects.resolve_project(db, actor, project)
    with _progress() as bar:
        task = bar.add_task(f"importing {path.name}", total=None)

        def advance(done: int) -> None:
            bar.update(task, completed=done)

        if path.is_dir():
            report = importing.import_folder(db, actor, info.id, path, progress=advance)
        else:
            report = importing.import_file(db, actor, info.id, path, format=fmt, progress=advance)
    dup = (
        f", {report.duplicates_in_source} repeated in the file"
        if report.duplicates_in_source
        else ""
    )
    click.echo(
        f"imported {report.created} new items into '{info.name}' "
        f"({report.existing} already there{dup})",
        err=True,
    )


@click.command("export")
@click.argument("project")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(exporting.FORMATS)),
    default="jsonl",
    show_default=True,
)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--include-drafts", is_flag=True, help="Export drafts as well as submissions.")
@data_dir_option
@click.pass_context
@reports_errors
def export_cmd(
    ctx: click.Context,
    project: str,
    fmt: str,
    output: Path,
    include_drafts: bool,
    data_dir: Path | None,
) -> None:
    """Export PROJECT (id or name) to a file, written atomically."""
    db = open_db(settings_from(ctx, data_dir))
    actor = Actor.operator()
    info = projects.resolve_project(db, actor, project)
    with _progress() as bar:
        task = bar.add_task(f"exporting '{info.name}'", total=None)
        count = exporting.export_to_file(
            db,
            actor,
            info.id,
            output,
            fmt=fmt,
            include_drafts=include_drafts,
            progress=lambda n: bar.update(task, completed=n),
        )
    click.echo(f"exported {count} items to {output}", err=True)


def register(cli: click.Group) -> None:
    cli.add_command(import_cmd)
    cli.add_command(export_cmd)
