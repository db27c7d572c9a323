"""The layers keep pointing down, modules stay small, and nothing evaluates user input."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "annota"
MAX_LINES = 500


def test_import_contracts_hold():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run([lint], capture_output=True, text=True, cwd=SRC.parents[1], timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_no_module_is_over_500_lines():
    too_long = {
        str(p.relative_to(SRC)): n
        for p in SRC.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}


DANGEROUS = re.compile(
    r"\b(pickle\.loads?|marshal\.loads?|yaml\.load\(|yaml\.unsafe_load|eval\(|exec\(|"
    r"torch\.load\(|subprocess\.|os\.system\(|shell=True)"
)


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: p.name)
def test_nothing_user_supplied_is_executed(path: Path):
    hits = [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if DANGEROUS.search(line) and not line.lstrip().startswith("#")
    ]
    assert hits == []
