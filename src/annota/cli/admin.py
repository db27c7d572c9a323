"""``annota admin``, ``annota user`` and ``annota token``: people and credentials."""

from __future__ import annotations

import os
from pathlib import Path

import click

from annota.cli.context import data_dir_option, open_db, reports_errors, settings_from
from annota.services import users
from annota.services.actor import Actor


def _password() -> str:
    from_env = os.environ.get("ANNOTA_PASSWORD")
    if from_env:
        return from_env
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _create(
    ctx: click.Context, data_dir: Path | None, username: str, email: str | None, is_admin: bool
) -> None:
    db = open_db(settings_from(ctx, data_dir))
    user = users.create_user(
        db,
        Actor.operator(),
        username=username,
        password=_password(),
        email=email,
        is_admin=is_admin,
    )
    kind = "admin" if is_admin else "user"
    click.echo(f"created {kind} '{user.username}' (id {user.id})", err=True)


@click.group("admin")
def admin_group() -> None:
    """Global administrators."""


@admin_group.command("create")
@click.argument("username")
@click.option("--email", default=None)
@data_dir_option
@click.pass_context
@reports_errors
def admin_create(
    ctx: click.Context, username: str, email: str | None, data_dir: Path | None
) -> None:
    """Create a global admin; the password comes from $ANNOTA_PASSWORD or a prompt."""
    _create(ctx, data_dir, username, email, True)


@click.group("user")
def user_group() -> None:
    """Users (annotators, reviewers, managers)."""


@user_group.command("create")
@click.argument("username")
@click.option("--email", default=None)
@data_dir_option
@click.pass_context
@reports_errors
def user_create(
    ctx: click.Context, username: str, email: str | None, data_dir: Path | None
) -> None:
    """Create a user; the password comes from $ANNOTA_PASSWORD or a prompt."""
    _create(ctx, data_dir, username, email, False)


@user_group.command("list")
@data_dir_option
@click.pass_context
@reports_errors
def user_list(ctx: click.Context, data_dir: Path | None) -> None:
    """List users."""
    db = open_db(settings_from(ctx, data_dir))
    for u in users.list_users(db, Actor.operator()):
        flags = " admin" if u.is_admin else ""
        click.echo(f"{u.id}\t{u.username}{flags}")


@click.group("token")
def token_group() -> None:
    """API tokens for programs."""


@token_group.command("create")
@click.argument("username")
@click.option("--name", default="cli", help="A label to recognise the token by.")
@data_dir_option
@click.pass_context
@reports_errors
def token_create(ctx: click.Context, username: str, name: str, data_dir: Path | None) -> None:
    """Print a new API token for USERNAME (and nothing else) on stdout."""
    db = open_db(settings_from(ctx, data_dir))
    user = users.get_user(db, username)
    token = users.create_token(db, Actor.operator(), user_id=user.id, name=name)
    click.echo(token.token)


def register(cli: click.Group) -> None:
    cli.add_command(admin_group)
    cli.add_command(user_group)
    cli.add_command(token_group)
