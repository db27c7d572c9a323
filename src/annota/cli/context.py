"""What every command shares: ``--data-dir``, settings, the database and error reporting."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from annota.config import Settings
from annota.errors import AnnotaError
from annota.services.runtime import Database, open_database

F = TypeVar("F", bound=Callable[..., Any])
err_console = Console(stderr=True, highlight=False)


def data_dir_option(func: F) -> F:
    """Add ``--data-dir`` to a command (the group takes it too; the command's wins)."""
    return click.option(  # type: ignore[no-any-return]  # click's decorator is untyped
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Data directory (default: $ANNOTA_DATA_DIR, else a per-user folder).",
    )(func)


def settings_from(ctx: click.Context, data_dir: Path | None) -> Settings:
    chosen = data_dir or (ctx.obj or {}).get("data_dir")
    return Settings(data_dir=chosen) if chosen else Settings()


def open_db(settings: Settings) -> Database:
    """Open the database and bring its schema up to date."""
    return open_database(settings)


def reports_errors(func: F) -> F:
    """Turn an AnnotaError into a one-line message on stderr and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AnnotaError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", markup=True, soft_wrap=True)
            for extra in getattr(exc, "errors", [])[1:20]:
                err_console.print(f"  also: {extra}", markup=False, soft_wrap=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]  # same signature as func
