"""Fixtures for the automation workflow: loopback backends, a project, job polling."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annota.config import Settings
from example_backend import running_example_backend

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
TOKEN = "s3cret-backend-token"

TOPIC_SCHEMA = """
fields:
  - {name: text, type: text}
controls:
  - {name: topic, type: choices, field: text, options: [sports, business]}
  - {name: ner, type: spans, field: text, labels: [ORG, LOC]}
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The tests' backends listen on loopback, which only this setting admits."""
    return settings.model_copy(update={"allow_private_model_urls": True})


@pytest.fixture
def example_backend() -> Iterator[str]:
    """examples/model_backend/server.py as a real process on a free loopback port (fresh per
    test: it learns from /fit)."""
    with running_example_backend(TOKEN) as url:
        yield url


def wait_job(client: Any, headers: dict[str, str], job_id: int, timeout: float = 120) -> dict:
    """Poll GET /jobs/{id} until it finishes; returns the last body (progress seen too)."""
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        if body["status"] in ("done", "failed", "cancelled"):
            return body
        if time.monotonic() > deadline:
            raise TimeoutError(json.dumps(body))
        time.sleep(0.05)
