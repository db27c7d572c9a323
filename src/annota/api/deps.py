"""Request dependencies: the database handle and the authenticated caller.

Two ways in: ``Authorization: Bearer <token>`` for programs (CSRF-exempt, since a browser
never sends it on its own) and the session cookie for browsers, which must echo the
session's CSRF token in ``X-CSRF-Token`` on every state-changing request.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from annota.errors import AuthenticationRequired, InvalidInput, PermissionDenied
from annota.services.actor import Actor
from annota.services.runtime import Database, JobQueue
from annota.services.users import actor_for_session, actor_for_token

SESSION_COOKIE = "annota_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


DB = Annotated[Database, Depends(get_db)]


def get_queue(request: Request) -> JobQueue:
    queue: JobQueue = request.app.state.queue
    return queue


Queue = Annotated[JobQueue, Depends(get_queue)]


def current_actor(request: Request, db: DB) -> Actor:
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationRequired(
                "use 'Authorization: Bearer <token>'", location="authorization"
            )
        return actor_for_token(db, token.strip())
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise AuthenticationRequired("sign in or send an API token", location="authorization")
    actor, csrf = actor_for_session(db, cookie)
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), csrf.encode()):
            raise PermissionDenied("missing or wrong CSRF token", location=CSRF_HEADER)
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def page_args(after: str | None = None, limit: int = 50) -> tuple[int, int]:
    """Parse the keyset cursor and clamp the page size to 1..500."""
    try:
        cursor = int(after) if after else 0
    except ValueError:
        raise InvalidInput(
            "'after' must be a cursor from a previous page", location="after"
        ) from None
    if cursor < 0:
        raise InvalidInput("'after' must be a cursor from a previous page", location="after")
    return cursor, max(1, min(limit, 500))


PageArgs = Annotated[tuple[int, int], Depends(page_args)]


def version_from_if_match(if_match: str | None) -> int | None:
    """The version number inside an ``If-Match`` ETag (``"3"`` or ``W/"3"``), if any."""
    if not if_match:
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    return int(value) if value.isdigit() else None
