"""Fixtures for the web tests (pages and editor), shared with tests/web/editor/.

- ``live_url``: base URL (``http://127.0.0.1:PORT``) of a real uvicorn server running the
  app on this test's own database (the ``app``/``db`` fixtures of tests/conftest.py).
- ``browser`` (session scope): headless Debian Chromium (``/usr/bin/chromium``) driven by
  Playwright; every test that uses it is skipped, with the reason, when it is missing.
- ``new_page()``: a fresh, signed-out page (own browser context) that fails the test on
  any JavaScript error or ``dialog`` (alert/confirm/prompt) it sees.
- ``signed_in(username, password=PASSWORD)``: a fresh page signed in as that user (the
  session cookie set by ``POST /api/v1/auth/login``); the user must exist (``people.add``).
- ``screenshots(page, name)``: saves ``tests/web/artifacts/<name>.png``; ``screenshots.dir``.
- ``password``: the password ``people.add`` gives every user.
- ``page_client(username)``: an in-process ``TestClient`` signed in as that user, with the
  session's CSRF token in ``.csrf`` (for plain-HTTP page tests; no browser).
- ``site``: a project ("Site") with users ``annotator``, ``reviewer``, ``manager`` (its
  roles), ``outsider`` (member of another project only) and ``admin``; 30 text items, the
  first annotated by ``annotator``. Fields: ``site.project_id``, ``site.other_project_id``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from annota.formats import SourceRecord
from annota.services import annotating, assignment, importing, projects
from annota.services.actor import Actor
from live import serve_in_thread

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORD = "correct horse battery"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def live_url(app: Any) -> Iterator[str]:
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip(
            "Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


class PageProblems:
    """What a page did that a test should not tolerate: dialogs and uncaught JS errors."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.csp: list[str] = []

    def watch(self, page: Any) -> None:
        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        def on_console(msg: Any) -> None:
            if msg.type == "error" and re.search("Content.Security.Policy", msg.text, re.I):
                self.csp.append(msg.text)

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("console", on_console)


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def new_page(
    browser: Any, live_url: str, page_problems: PageProblems
) -> Iterator[Callable[[], Any]]:
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(base_url=live_url, viewport={"width": 1280, "height": 860})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page_problems.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not page_problems.dialogs, f"a dialog fired: {page_problems.dialogs}"
    assert not page_problems.errors, f"JavaScript errors: {page_problems.errors}"
    assert not page_problems.csp, f"CSP violations: {page_problems.csp}"


@pytest.fixture
def signed_in(new_page: Callable[[], Any]) -> Callable[..., Any]:
    def sign_in(username: str, password: str = PASSWORD) -> Any:
        page = new_page()
        answer = page.context.request.post(
            "/api/v1/auth/login", data={"username": username, "password": password}
        )
        assert answer.ok, answer.text()
        return page

    return sign_in


class Screenshots:
    def __init__(self, folder: Path) -> None:
        self.dir = folder

    def __call__(self, page: Any, name: str) -> Path:
        path = self.dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def screenshots() -> Screenshots:
    ARTIFACTS.mkdir(exist_ok=True)
    return Screenshots(ARTIFACTS)


@pytest.fixture
def page_client(app: Any) -> Iterator[Callable[[str], TestClient]]:
    clients: list[TestClient] = []

    def make(username: str, password: str = PASSWORD) -> TestClient:
        client = TestClient(app)
        clients.append(client)
        answer = client.post(
            "/api/v1/auth/login", json={"username": username, "password": password}
        )
        assert answer.status_code == 200, answer.text
        client.csrf = answer.json()["csrf_token"]  # type: ignore[attr-defined]
        return client

    yield make
    for client in clients:
        client.close()


class Site:
    def __init__(self, project_id: int, other_project_id: int, item_ids: list[int]) -> None:
        self.project_id = project_id
        self.other_project_id = other_project_id
        self.item_ids = item_ids


SITE_SCHEMA = """
fields:
  - {name: text, type: text}
controls:
  - {name: sentiment, type: choices, field: text, options: [positive, negative, neutral]}
  - {name: entities, type: spans, field: text, labels: [PER, ORG, LOC]}
"""


@pytest.fixture
def site(db: Any, people: Any) -> Site:
    op = Actor.operator()
    for name in ("annotator", "reviewer", "manager", "outsider"):
        people.add(name)
    people.add("admin", admin=True)
    pid = projects.create_project(db, op, name="Site", schema=SITE_SCHEMA).id
    other = projects.create_project(db, op, name="Elsewhere", schema=SITE_SCHEMA).id
    for name in ("annotator", "reviewer", "manager"):
        projects.set_member(db, op, pid, username=name, role=name)
    projects.set_member(db, op, other, username="outsider", role="manager")
    records = [
        SourceRecord(
            f"r:{i}",
            f"ext-{i}",
            {"text": f"Item number {i} about {'cats' if i % 3 == 0 else 'dogs'}"},
            {"lang": "en" if i % 2 == 0 else "de"},
        )
        for i in range(30)
    ]
    report = importing.import_records(db, op, pid, records, source="site.jsonl")
    item = assignment.next_item(db, people.actors["annotator"], pid)
    assert item is not None
    annotating.create_annotation(
        db,
        people.actors["annotator"],
        item.id,
        regions=[{"control": "sentiment", "value": {"choices": ["positive"]}}],
    )
    with db.engine.connect() as conn:
        ids = conn.execute(
            text("SELECT id FROM items WHERE project_id = :p ORDER BY id"), {"p": pid}
        ).scalars()
        item_ids = list(ids)
    assert len(item_ids) == report.created == 30
    return Site(pid, other, item_ids)
