"""Every docstring example in annota.formats runs and prints what it says."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import annota.formats

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(annota.formats.__path__, prefix="annota.formats.")
)


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
