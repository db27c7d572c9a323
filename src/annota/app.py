"""The composition root: ``create_app(settings)`` builds the whole ASGI application."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from annota import __version__
from annota.api import api_router
from annota.api import errors as api_errors
from annota.api.limits import BodyLimit, SecurityHeaders
from annota.config import Settings
from annota.services import housekeeping, jobs
from annota.services.runtime import Database, make_queue, open_database
from annota.services.throttle import LoginThrottle
from annota.web import PAGE_CSP, static_files, web_router

log = logging.getLogger(__name__)


def create_app(settings: Settings, *, db: Database | None = None, migrate: bool = True) -> FastAPI:
    """Build the app on ``settings``; migrates the database to the newest schema first."""
    database = db or open_database(settings, migrate=migrate)
    database.warn_if_not_durable()
    settings.signing_secret()  # created now, not racing on the first request
    queue = make_queue(
        settings.job_queue,
        lambda job_id: jobs.run_job(database, job_id),
        workers=settings.job_workers,
        name=settings.job_queue_name,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Jobs a previous server left queued or running (it crashed) are picked up again,
        # and scheduled dataset versions are made, now and once a minute.
        stop = housekeeping.start(database, queue, stale_seconds=settings.job_stale_seconds)
        yield
        stop.set()
        queue.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Annota",
        version=__version__,
        description="Data labeling and annotation platform: REST API.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.db = database
    app.state.settings = settings
    app.state.queue = queue
    app.state.throttle = LoginThrottle(
        max_failures=settings.login_max_failures, window_seconds=settings.login_window_seconds
    )
    api_errors.install(app)
    app.include_router(api_router())
    app.include_router(web_router())
    app.mount("/static", static_files(), name="static")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.add_middleware(
        BodyLimit, limit=settings.max_json_body_bytes, upload_limit=settings.max_body_bytes
    )
    app.add_middleware(SecurityHeaders, page_csp=PAGE_CSP)
    return app


def app_from_environment() -> FastAPI:
    """Factory for ``annota serve --workers N``: each worker process builds its own app.

    Settings come from the ``ANNOTA_*`` environment the CLI prepared; the CLI has already
    migrated the database, so workers never race to migrate it.
    """
    return create_app(Settings(), migrate=False)
