"""The one mapping from error classes to HTTP statuses, and the one error body."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from annota.errors import (
    AnnotaError,
    AuthenticationRequired,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
    TooLarge,
    ValidationFailed,
)

log = logging.getLogger(__name__)

STATUS: list[tuple[type[AnnotaError], int]] = [
    (ValidationFailed, 422),
    (InvalidInput, 400),
    (NotFound, 404),
    (Conflict, 409),
    (PermissionDenied, 403),
    (AuthenticationRequired, 401),
    (TooLarge, 413),
    (RateLimited, 429),
]


def status_of(exc: AnnotaError) -> int:
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 400


def error_response(status: int, code: str, message: str, location: str | None) -> JSONResponse:
    body: dict[str, object] = {"code": code, "message": message, "location": location}
    return JSONResponse(body, status_code=status)


def install(app: FastAPI) -> None:
    @app.exception_handler(AnnotaError)
    async def _annota(_: Request, exc: AnnotaError) -> JSONResponse:
        response = error_response(status_of(exc), exc.code, exc.message, exc.location)
        if isinstance(exc, ValidationFailed | InvalidInput) and exc.errors:
            response = JSONResponse(
                {**exc.to_dict(), "errors": [e.to_dict() for e in exc.errors]},
                status_code=status_of(exc),
            )
        if isinstance(exc, RateLimited):
            response.headers["Retry-After"] = str(exc.retry_after)
        if isinstance(exc, AuthenticationRequired):
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(RequestValidationError)
    async def _request(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        location = ".".join(str(p) for p in first.get("loc", ()))
        return error_response(422, "invalid_input", str(first.get("msg")), location or None)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {400: "invalid_input", 404: "not_found", 405: "method_not_allowed"}.get(
            exc.status_code, "http_error"
        )
        location = "body" if exc.status_code == 400 else None
        return error_response(exc.status_code, code, str(exc.detail), location)

    @app.exception_handler(Exception)
    async def _crash(request: Request, _exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "internal error", None)
