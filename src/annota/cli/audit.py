"""``annota audit``: verify the audit trail's hash chain, export it."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from annota.cli.context import data_dir_option, err_console, open_db, reports_errors, settings_from
from annota.services import audit_log, projects
from annota.services.actor import Actor


@click.group("audit")
def audit_group() -> None:
    """The append-only, hash-chained audit trail."""


@audit_group.command("verify")
@data_dir_option
@click.pass_context
@reports_errors
def verify_cmd(ctx: click.Context, data_dir: Path | None) -> None:
    """Recompute every event's hash; exit 1 and name the first bad event if tampered."""
    db = open_db(settings_from(ctx, data_dir))
    report = audit_log.verify_chain(db, Actor.operator())
    if report.ok:
        click.echo(f"ok: {report.events} events, chain head {report.head or '(empty)'}")
        return
    err_console.print(
        f"[bold red]TAMPERED:[/] event {report.first_bad_id}: {report.problem} "
        f"({report.events} events checked)",
        soft_wrap=True,
    )
    sys.exit(1)


@audit_group.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--project", default=None, help="Only this project (id or name).")
@click.option("--user-id", type=int, default=None, help="Only events by this user id.")
@click.option("--object-type", default=None)
@click.option("--object-id", default=None)
@click.option("--since", type=click.DateTime(), default=None, help="From this UTC time on.")
@click.option("--until", type=click.DateTime(), default=None, help="Before this UTC time.")
@data_dir_option
@click.pass_context
@reports_errors
def export_cmd(
    ctx: click.Context,
    output: Path | None,
    project: str | None,
    user_id: int | None,
    object_type: str | None,
    object_id: str | None,
    since: datetime | None,
    until: datetime | None,
    data_dir: Path | None,
) -> None:
    """Write matching events as JSON lines (to OUTPUT, or stdout)."""
    db = open_db(settings_from(ctx, data_dir))
    actor = Actor.operator()
    project_id = projects.resolve_project(db, actor, project).id if project else None
    where = audit_log.AuditFilter(
        project_id=project_id,
        actor_id=user_id,
        object_type=object_type,
        object_id=object_id,
        since=since.replace(tzinfo=UTC) if since else None,
        until=until.replace(tzinfo=UTC) if until else None,
    )
    lines = audit_log.export_events(db, actor, where)
    if output is None:
        for line in lines:
            sys.stdout.buffer.write(line)
        return
    count = 0
    with output.open("wb") as fh:
        for line in lines:
            fh.write(line)
            count += 1
    click.echo(f"exported {count} events to {output}", err=True)


def register(cli: click.Group) -> None:
    cli.add_command(audit_group)
