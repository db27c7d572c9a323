"""``annota serve``: the API (and, later, the web workspace) on one port."""

from __future__ import annotations

import os
from pathlib import Path

import click

from annota.cli.context import data_dir_option, err_console, reports_errors, settings_from
from annota.config import Settings
from annota.services.runtime import open_database

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def run_server(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    """Serve in this process, or in ``workers`` processes sharing the port."""
    # Imported here, not at the top: the web app (FastAPI, every route and page) and uvicorn
    # are most of the CLI's start-up, and only ``serve`` and ``demo`` need them.
    import uvicorn  # noqa: PLC0415

    from annota.app import create_app  # noqa: PLC0415

    if host not in LOOPBACK:
        err_console.print(
            f"[yellow]warning:[/] serving on {host}: anyone who can reach this "
            "address can try to sign in; put TLS in front of it."
        )
    if workers <= 1:
        app = create_app(settings)
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
        return
    open_database(settings).dispose()  # migrate once, before the workers start
    # The worker processes read their settings from the environment (see app.py).
    os.environ["ANNOTA_DATA_DIR"] = str(settings.data_dir)
    if settings.database_url:
        os.environ["ANNOTA_DATABASE_URL"] = settings.database_url
    uvicorn.run(
        "annota.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes; more use more CPU cores.",
)
@data_dir_option
@click.pass_context
@reports_errors
def serve_cmd(
    ctx: click.Context, host: str, port: int, workers: int, data_dir: Path | None
) -> None:
    """Serve Annota (binds to loopback unless told otherwise)."""
    settings = settings_from(ctx, data_dir)
    err_console.print(f"Annota on http://{host}:{port}  (data: {settings.data_dir})", markup=False)
    run_server(settings, host, port, workers)


def register(cli: click.Group) -> None:
    cli.add_command(serve_cmd)
