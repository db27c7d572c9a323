"""``/login`` and ``/logout``: the same session cookie and login throttle as the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from annota.errors import AuthenticationRequired, RateLimited
from annota.services import users
from annota.services.throttle import LoginThrottle
from annota.web.security import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    local_path,
    login_token,
    login_token_ok,
    new_login_nonce,
)
from annota.web.session import DB, CheckedUser, PageRoute, User
from annota.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _login_form(
    request: Request, next_path: str, *, error: str | None = None, status: int = 200
) -> Response:
    secret = request.app.state.settings.signing_secret()
    nonce = request.cookies.get(LOGIN_COOKIE) or new_login_nonce()
    response = render(
        request,
        "login.html",
        {"next": next_path, "error": error, "login_token": login_token(secret, nonce)},
        status,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        httponly=True,
        samesite="strict",
        path="/login",
        secure=request.app.state.settings.secure_cookies,
        max_age=3600,
    )
    return response


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return _login_form(request, local_path(next))


@router.post("/login")
def login(
    request: Request,
    db: DB,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Check the pre-session token, then sign in exactly as ``POST /api/v1/auth/login``."""
    target = local_path(next)
    secret = request.app.state.settings.signing_secret()
    if not login_token_ok(secret, request.cookies.get(LOGIN_COOKIE), csrf_token):
        return _login_form(
            request, target, error="The form expired; please sign in again.", status=403
        )
    throttle: LoginThrottle = request.app.state.throttle
    client = request.client.host if request.client else "unknown"
    keys = (f"ip:{client}", f"user:{username.lower()}")
    try:
        throttle.check(*keys)
        user = users.authenticate(db, username, password)
    except RateLimited as exc:
        response = _login_form(request, target, error=exc.message, status=429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except AuthenticationRequired:
        throttle.failed(*keys)
        return _login_form(request, target, error="Wrong username or password.", status=401)
    throttle.succeeded(keys[1])
    grant = users.start_session(db, user)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        grant.cookie,
        httponly=True,
        samesite="lax",
        path="/",
        secure=db.settings.secure_cookies,
        max_age=db.settings.session_hours * 3600,
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.get("/logout")
def logout_page(request: Request, _user: User) -> Response:
    """A GET never signs out (it could be forged by an image); it offers the button."""
    return render(request, "logout.html")


@router.post("/logout")
def logout(request: Request, db: DB, _user: CheckedUser) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        users.end_session(db, cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
