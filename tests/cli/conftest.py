"""The environment a CLI subprocess runs in: this test's data directory and database."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def cli_env(settings, db):
    """``db`` is asked for so its teardown empties the PostgreSQL test database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANNOTA_")}
    env["ANNOTA_DATA_DIR"] = str(settings.data_dir)
    env["ANNOTA_ARGON2_TIME_COST"] = "1"
    env["ANNOTA_ARGON2_MEMORY_KIB"] = "1024"
    if settings.database_url:
        env["ANNOTA_DATABASE_URL"] = settings.database_url
    return env
