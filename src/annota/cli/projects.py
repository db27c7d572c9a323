"""``annota project`` and ``annota member``."""

from __future__ import annotations

from pathlib import Path

import click

from annota.cli.context import data_dir_option, open_db, reports_errors, settings_from
from annota.errors import InvalidInput
from annota.services import projects
from annota.services.actor import Actor


@click.group("project")
def project_group() -> None:
    """Projects."""


@project_group.command("create")
@click.argument("name")
@click.option(
    "--schema",
    "schema_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Label schema, YAML or JSON.",
)
@click.option("--description", default="")
@click.option(
    "--guidelines",
    "guidelines_file",
    default=None,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Guidelines, a markdown file.",
)
@click.option("--overlap", type=int, default=None, help="Annotators wanted per item.")
@click.option("--ordering", type=click.Choice(["sequential", "random", "priority"]), default=None)
@data_dir_option
@click.pass_context
@reports_errors
def project_create(
    ctx: click.Context,
    name: str,
    schema_file: Path,
    description: str,
    guidelines_file: Path | None,
    overlap: int | None,
    ordering: str | None,
    data_dir: Path | None,
) -> None:
    """Create a project; prints its id on stdout."""
    db = open_db(settings_from(ctx, data_dir))
    try:
        text = schema_file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("schema file is not UTF-8 text", location=str(schema_file)) from None
    settings = {
        k: v for k, v in {"overlap": overlap, "ordering": ordering}.items() if v is not None
    }
    guidelines = guidelines_file.read_text(encoding="utf-8") if guidelines_file else None
    info = projects.create_project(
        db,
        Actor.operator(),
        name=name,
        schema=text,
        description=description,
        settings=settings,
        guidelines=guidelines,
    )
    click.echo(info.id)


@project_group.command("list")
@data_dir_option
@click.pass_context
@reports_errors
def project_list(ctx: click.Context, data_dir: Path | None) -> None:
    """List projects: id, name, items."""
    db = open_db(settings_from(ctx, data_dir))
    actor = Actor.operator()
    after = 0
    while True:
        page = projects.list_projects(db, actor, after=after, limit=200)
        for p in page.items:
            click.echo(f"{p.id}\t{p.name}")
        if page.next_cursor is None:
            break
        after = int(page.next_cursor)


@project_group.command("show")
@click.argument("project")
@data_dir_option
@click.pass_context
@reports_errors
def project_show(ctx: click.Context, project: str, data_dir: Path | None) -> None:
    """Show a project's settings and progress."""
    db = open_db(settings_from(ctx, data_dir))
    actor = Actor.operator()
    info = projects.resolve_project(db, actor, project)
    stats = projects.project_stats(db, actor, info.id)
    click.echo(f"id: {info.id}\nname: {info.name}\nschema version: {info.schema_version}")
    click.echo(f"settings: {info.settings}")
    click.echo(
        f"items: {stats.items} (open {stats.open_items})\n"
        f"annotations: {stats.submitted} submitted, {stats.drafts} drafts, "
        f"{stats.skipped} skipped"
    )


@click.group("member")
def member_group() -> None:
    """Project membership."""


@member_group.command("add")
@click.argument("project")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(["annotator", "reviewer", "manager"]),
    default="annotator",
    show_default=True,
)
@data_dir_option
@click.pass_context
@reports_errors
def member_add(
    ctx: click.Context, project: str, username: str, role: str, data_dir: Path | None
) -> None:
    """Add USERNAME to PROJECT (id or name) with a role, or change their role."""
    db = open_db(settings_from(ctx, data_dir))
    actor = Actor.operator()
    info = projects.resolve_project(db, actor, project)
    member = projects.set_member(db, actor, info.id, username=username, role=role)
    click.echo(f"{member.username} is {member.role} of '{info.name}'", err=True)


def register(cli: click.Group) -> None:
    cli.add_command(project_group)
    cli.add_command(member_group)
