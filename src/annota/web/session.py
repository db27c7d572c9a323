"""Who is looking at a page: the session cookie, the CSRF check, and the page route class.

A page that needs a signed-in user and finds none redirects to ``/login?next=<this page>``
(htmx requests get ``HX-Redirect`` instead, so the whole page moves). Service errors become
HTML error pages with the status the API would give (404 for what the caller may not see,
403 for a role too low).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from starlette.datastructures import URL

from annota.errors import (
    AnnotaError,
    AuthenticationRequired,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
    TooLarge,
)
from annota.services import users
from annota.services.actor import Actor
from annota.services.runtime import Database
from annota.web.security import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, local_path, same_token
from annota.web.templating import render

STATUS: list[tuple[type[AnnotaError], int]] = [
    (InvalidInput, 400),
    (NotFound, 404),
    (Conflict, 409),
    (PermissionDenied, 403),
    (AuthenticationRequired, 401),
    (TooLarge, 413),
    (RateLimited, 429),
]


class LoginRedirect(Exception):
    """Raised by :func:`page_user` when nobody (or an expired session) is signed in."""


@dataclass(frozen=True, slots=True)
class PageUser:
    """The signed-in person as templates see them."""

    actor: Actor
    csrf_token: str

    @property
    def username(self) -> str:
        return self.actor.username

    @property
    def user_id(self) -> int | None:
        return self.actor.user_id

    @property
    def is_admin(self) -> bool:
        return self.actor.is_admin


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


DB = Annotated[Database, Depends(get_db)]


def page_user(request: Request, db: DB) -> PageUser:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise LoginRedirect
    try:
        actor, csrf = users.actor_for_session(db, cookie)
    except AuthenticationRequired:
        raise LoginRedirect from None
    user = PageUser(actor, csrf)
    request.state.page_user = user
    return user


async def checked_user(request: Request, user: Annotated[PageUser, Depends(page_user)]) -> PageUser:
    """:func:`page_user`, plus the CSRF token of a state-changing request (header or form)."""
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        form = await request.form()
        field = form.get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    if not same_token(user.csrf_token, sent):
        raise PermissionDenied("missing or wrong CSRF token; reload the page", location="csrf")
    return user


User = Annotated[PageUser, Depends(page_user)]
CheckedUser = Annotated[PageUser, Depends(checked_user)]


def status_of(exc: AnnotaError) -> int:
    return next((code for cls, code in STATUS if isinstance(exc, cls)), 400)


def login_redirect(request: Request) -> Response:
    url = request.url
    if request.headers.get("hx-request"):
        url = URL(request.headers.get("hx-current-url") or "/projects")
    target = local_path(url.path + (f"?{url.query}" if url.query else ""))
    location = f"/login?next={quote(target, safe='')}"
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


def error_page(request: Request, status: int, message: str, location: str | None) -> Response:
    return render(
        request, "error.html", {"status": status, "message": message, "location": location}, status
    )


class PageRoute(APIRoute):
    """An APIRoute whose failures render as pages (or a login redirect), not JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        inner = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await inner(request)
            except LoginRedirect:
                return login_redirect(request)
            except AnnotaError as exc:
                return error_page(request, status_of(exc), exc.message, exc.location)
            except RequestValidationError as exc:
                first = exc.errors()[0] if exc.errors() else {}
                where = ".".join(str(p) for p in first.get("loc", ())) or None
                return error_page(request, 400, str(first.get("msg", "bad request")), where)

        return handler
