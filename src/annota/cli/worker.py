"""``annota worker``: run background jobs from the Redis queue (the scale-out set-up)."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import click

from annota.cli.context import data_dir_option, err_console, open_db, reports_errors, settings_from
from annota.errors import InvalidInput
from annota.services import job_worker


@click.command("worker")
@click.option(
    "--threads",
    default=None,
    type=click.IntRange(1, 64),
    help="Jobs run at once by this process (default: $ANNOTA_JOB_WORKERS).",
)
@data_dir_option
@click.pass_context
@reports_errors
def worker_cmd(ctx: click.Context, threads: int | None, data_dir: Path | None) -> None:
    """Run background jobs (exports, pre-labeling, retraining) from ANNOTA_JOB_QUEUE.

    Needs ANNOTA_JOB_QUEUE=redis://…; with the default 'inprocess' queue, 'annota serve'
    runs jobs itself and no worker is needed. Stops cleanly on SIGINT/SIGTERM after the
    jobs in hand finish.
    """
    settings = settings_from(ctx, data_dir)
    if not settings.job_queue.startswith(("redis://", "rediss://", "unix://")):
        raise InvalidInput(
            "set ANNOTA_JOB_QUEUE=redis://host:6379/0; the in-process queue needs no worker",
            location="ANNOTA_JOB_QUEUE",
        )
    db = open_db(settings)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    err_console.print(f"annota worker: jobs from {settings.job_queue}", markup=False)
    job_worker.work(
        db,
        settings.job_queue,
        stop,
        stale_seconds=settings.job_stale_seconds,
        threads=threads or settings.job_workers,
        name=settings.job_queue_name,
    )


def register(cli: click.Group) -> None:
    cli.add_command(worker_cmd)
