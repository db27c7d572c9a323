"""``annota import`` and ``annota export``, with progress bars."""

from __future__ import annotations

from pathlib import Path

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from annota.cli.context import data_dir_option, err_console, open_db, reports_errors, settings_from
from annota.formats import parse_split_fractions
from annota.services import export_formats, exporting, import_formats, projects
from annota.services.actor import Actor


def _progress(unit: str = "records") -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} " + unit),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


@click.command("import")
@click.argument("project")
@click.argument("path")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(import_formats.FORMATS)),
    default=None,
    help="Source format (default: detected from the file or folder where unambiguous).",
)
@click.option(
    "--create",
    is_flag=True,
    help="PROJECT names a new project; its schema is inferred from the file "
    "(COCO/YOLO/VOC/CVAT categories, CoNLL tags, a Label Studio --config) or read from --schema.",
)
@click.option(
    "--schema",
    "schema_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="With --create: the new project's label schema (YAML or JSON).",
)
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The Label Studio XML labeling config (for --format labelstudio).",
)
@click.option(
    "--media",
    "media_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder holding the images an annotation file names (default: next to it).",
)
@data_dir_option
@click.pass_context
@reports_errors
def import_cmd(
    ctx: click.Context,
    project: str,
    path: str,
    fmt: str | None,
    create: bool,
    schema_file: Path | None,
    config: Path | None,
    media_dir: Path | None,
    data_dir: Path | None,
) -> None:
    """Import PATH into PROJECT (id or name): records, media, or annotated data.

    PATH is a file, a folder, or s3://bucket/key-or-prefix (see ANNOTA_S3_*).

    Nothing is half-imported: annotation files are checked in full before anything is
    stored, and a re-run adds only what is new.
    """
    db = open_db(settings_from(ctx, data_dir))
    with _progress() as bar:
        task = bar.add_task(f"importing {path.rstrip('/').rsplit('/', 1)[-1]}", total=None)
        info, report = import_formats.import_path(
            db,
            Actor.operator(),
            project,
            path,
            fmt=fmt,
            create=create,
            schema_file=schema_file,
            config=config,
            media_dir=media_dir,
            progress=lambda done: bar.update(task, completed=done),
        )
    click.echo(info.id)
    skipped = []
    if report.existing:
        skipped.append(f"{report.existing} already in the project")
    if report.duplicates_in_source:
        skipped.append(f"{report.duplicates_in_source} repeated in the source")
    click.echo(
        f"project '{info.name}' (id {info.id}): {report.created} items imported, "
        f"{report.annotations} annotations, "
        + (f"{report.predictions} predictions, " if report.predictions else "")
        + f"{report.existing + report.duplicates_in_source} skipped"
        + (f" ({'; '.join(skipped)})" if skipped else ""),
        err=True,
    )


@click.command("export")
@click.argument("project")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(export_formats.FORMATS)),
    default="jsonl",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="A file, or a folder for yolo, voc, hf and for any --split.",
)
@click.option(
    "--split",
    default=None,
    help="Deterministic stratified splits, e.g. train=0.8,val=0.1,test=0.1 (one output each).",
)
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the split.")
@click.option(
    "--only",
    type=click.Choice(["accepted", "consensus"]),
    default=None,
    help="Only accepted (reviewed) or only consensus answers.",
)
@click.option("--with-predictions", is_flag=True, help="Add model predictions (with scores).")
@click.option("--include-drafts", is_flag=True, help="jsonl only: export drafts as well.")
@click.option(
    "--yolo-task",
    type=click.Choice(["detect", "obb", "segment", "pose"]),
    default=None,
    help="YOLO label kind (default: from the schema).",
)
@click.option(
    "--conll-scheme",
    type=click.Choice(["bio", "iob1"]),
    default="bio",
    show_default=True,
)
@data_dir_option
@click.pass_context
@reports_errors
def export_cmd(
    ctx: click.Context,
    project: str,
    fmt: str,
    output: Path,
    split: str | None,
    seed: int,
    only: str | None,
    with_predictions: bool,
    include_drafts: bool,
    yolo_task: str | None,
    conll_scheme: str,
    data_dir: Path | None,
) -> None:
    """Export PROJECT (id or name), written atomically, with a sha-256 checksum."""
    db = open_db(settings_from(ctx, data_dir))
    actor = Actor.operator()
    info = projects.resolve_project(db, actor, project)
    fractions = parse_split_fractions(split) if split else None
    with _progress("items") as bar:
        task = bar.add_task(f"exporting '{info.name}'", total=None)

        def advance(done: int) -> None:
            bar.update(task, completed=done)

        if fmt == "jsonl" and not (fractions or only or with_predictions):
            # The native export's fast path: JSON columns are copied, never re-parsed.
            count = exporting.export_to_file(
                db, actor, info.id, output, include_drafts=include_drafts, progress=advance
            )
            click.echo(f"exported {count} items to {output}", err=True)
            return
        result = export_formats.export_project(
            db,
            actor,
            info.id,
            output,
            export_formats.ExportOptions(
                fmt=fmt,
                only=only,  # type: ignore[arg-type]
                with_predictions=with_predictions,
                split=fractions,
                seed=seed,
                yolo_task=yolo_task,
                conll_scheme=conll_scheme,
            ),
            progress=advance,
        )
    per_split = ", ".join(f"{k} {v}" for k, v in result.splits.items())
    click.echo(
        f"exported {result.items} items ({result.labelled} labelled) to {result.path}"
        + (f" [{per_split}]" if per_split else "")
        + f"\nsha256 {result.sha256}",
        err=True,
    )


def register(cli: click.Group) -> None:
    cli.add_command(import_cmd)
    cli.add_command(export_cmd)
