"""The ``annota`` command: a group of subcommands, one module per noun."""

from __future__ import annotations

from pathlib import Path

import click

from annota import __version__
from annota.cli import admin, audit, demo, projects, serve, transfer, versions, worker


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="annota")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="ANNOTA_DATA_DIR",
    help="Data directory (default: $ANNOTA_DATA_DIR, else a per-user folder).",
)
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None) -> None:
    """Annota: data labeling and annotation, from a laptop to a team."""
    ctx.obj = {"data_dir": data_dir}


for module in (admin, projects, transfer, versions, serve, demo, worker, audit):
    module.register(cli)


def main() -> None:
    cli(prog_name="annota")
