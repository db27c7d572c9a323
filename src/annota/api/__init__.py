"""The REST API under /api/v1: thin routers that parse, call one service and render."""

from fastapi import APIRouter

from annota.api.routes import annotations, auth, exports, items, media, projects


def api_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    for module in (auth, projects, items, annotations, media, exports):
        router.include_router(module.router)
    return router
