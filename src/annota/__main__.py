"""``python -m annota``: the same as the ``annota`` command."""

from annota.cli.main import main

main()
