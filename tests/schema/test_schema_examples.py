"""The examples in ``annota.schema`` docstrings run and print what they claim."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import annota.schema

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(annota.schema.__path__, "annota.schema.")
)


@pytest.mark.parametrize("name", ["annota.schema", *MODULES])
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_examples_exist_for_the_entry_points() -> None:
    attempted = sum(
        doctest.testmod(importlib.import_module(name)).attempted
        for name in ["annota.schema", *MODULES]
    )
    assert attempted >= 8
