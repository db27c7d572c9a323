"""Turning an API error response back into the AnnotaError it was raised as."""

from __future__ import annotations

import httpx

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

BY_CODE: dict[str, type[AnnotaError]] = {
    "validation_failed": ValidationFailed,
    "invalid_input": InvalidInput,
    "not_found": NotFound,
    "conflict": Conflict,
    "permission_denied": PermissionDenied,
    "authentication_required": AuthenticationRequired,
    "too_large": TooLarge,
}
BY_STATUS: dict[int, type[AnnotaError]] = {
    400: InvalidInput,
    401: AuthenticationRequired,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    413: TooLarge,
    422: ValidationFailed,
}


def raise_for(response: httpx.Response) -> None:
    """Raise the matching AnnotaError for a 4xx/5xx response; do nothing otherwise."""
    if response.status_code < 400:
        return
    try:
        body = response.json()
        message, location, code = body.get("message"), body.get("location"), body.get("code")
    except ValueError:
        message, location, code = response.text[:500], None, None
    text = str(message or f"HTTP {response.status_code}")
    if response.status_code == 429:
        raise RateLimited(
            text, retry_after=int(response.headers.get("retry-after", "1")), location=location
        )
    cls = BY_CODE.get(str(code)) or BY_STATUS.get(response.status_code, AnnotaError)
    raise cls(text, location=location)
