"""Every docstring example in annota.quality runs and prints what it says."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import annota.quality

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(annota.quality.__path__, prefix="annota.quality.")
)


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_every_module_is_under_500_lines() -> None:
    for name in MODULES:
        module = importlib.import_module(name)
        assert module.__file__ is not None
        with open(module.__file__, encoding="utf-8") as handle:
            assert sum(1 for _ in handle) < 500, name
