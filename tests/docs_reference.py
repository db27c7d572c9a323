"""Builds docs/cli.md from the CLI's own ``--help`` (run this file to regenerate it)."""

from __future__ import annotations

from pathlib import Path

import click
from click.testing import CliRunner

from annota.cli.main import cli

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
HEADER = (
    "# CLI reference\n\nGenerated from `annota ... --help` by `python tests/docs_reference.py`;"
    " a test fails when it is out of date.\n"
)


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for name in sorted(group.commands):
        sub = group.commands[name]
        if isinstance(sub, click.Group):
            paths += command_paths(sub, (*prefix, name))
        else:
            paths.append((*prefix, name))
    return paths


def render() -> str:
    runner = CliRunner()
    parts = [HEADER]
    for path in command_paths(cli):
        result = runner.invoke(cli, [*path, "--help"], prog_name="annota", terminal_width=100)
        title = " ".join(("annota", *path))
        parts.append(f"\n## `{title}`\n\n```text\n{result.output.rstrip()}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    DOC.write_text(render(), encoding="utf-8")
