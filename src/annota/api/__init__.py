"""The REST API under /api/v1: thin routers that parse, call one service and render."""

from fastapi import APIRouter

from annota.api.routes import (
    annotations,
    audit,
    auth,
    automation,
    data,
    editor,
    exports,
    items,
    jobs,
    media,
    projects,
    quality,
    quality_dashboards,
)


def api_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    for module in (
        auth,
        projects,
        items,
        annotations,
        media,
        exports,
        data,
        editor,
        jobs,
        audit,
        automation,
        quality,
        quality_dashboards,
    ):
        router.include_router(module.router)
    return router
