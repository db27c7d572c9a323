"""Documentation stays true: the CLI reference and every setting."""

from __future__ import annotations

from pathlib import Path

from annota.config import Settings
from docs_reference import DOC, render

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/cli.md is stale: run `python tests/docs_reference.py`"
    )


def test_every_setting_is_documented():
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"ANNOTA_{name.upper()}" not in text]
    assert missing == []
