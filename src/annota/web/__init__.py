"""The server-rendered pages and the labeling editor's frame.

``web_router()`` holds every page; ``static_files()`` serves ``/static/``. Pages call
services only; templates are autoescaped; the page CSP is set by the SecurityHeaders
middleware (``annota.api.limits``) from :data:`annota.web.security.PAGE_CSP`.
"""

from __future__ import annotations

from fastapi import APIRouter

from annota.web import (
    pages_auth,
    pages_automation,
    pages_items,
    pages_projects,
    pages_quality,
    pages_settings,
    pages_transfer,
)
from annota.web.security import PAGE_CSP
from annota.web.static import static_files

__all__ = ["PAGE_CSP", "static_files", "web_router"]


def web_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    for module in (pages_auth, pages_projects, pages_items, pages_settings, pages_transfer):
        router.include_router(module.router)
    for module in (pages_automation, pages_quality):
        router.include_router(module.router)
    return router
