"""Sign-in, sign-out, who am I, users and API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from annota.api.deps import DB, SESSION_COOKIE, CurrentActor
from annota.errors import AuthenticationRequired
from annota.services import users
from annota.services.throttle import LoginThrottle
from annota.wire.auth import LoginIn, MeOut, PasswordIn, TokenIn, TokenOut, UserIn, UserOut

router = APIRouter(tags=["auth"])


@router.post("/auth/login", response_model=MeOut, operation_id="login")
def login(body: LoginIn, request: Request, response: Response, db: DB) -> MeOut:
    """Start a browser session: sets an HttpOnly cookie and returns the CSRF token."""
    throttle: LoginThrottle = request.app.state.throttle
    client = request.client.host if request.client else "unknown"
    keys = (f"ip:{client}", f"user:{body.username.lower()}")
    throttle.check(*keys)
    try:
        user = users.authenticate(db, body.username, body.password)
    except AuthenticationRequired:
        throttle.failed(*keys)
        raise
    throttle.succeeded(keys[1])
    grant = users.start_session(db, user)
    response.set_cookie(
        SESSION_COOKIE,
        grant.cookie,
        httponly=True,
        samesite="lax",
        path="/",
        secure=db.settings.secure_cookies,
        max_age=db.settings.session_hours * 3600,
    )
    return MeOut(user=UserOut.model_validate(user), csrf_token=grant.csrf_token)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, operation_id="logout")
def logout(request: Request, response: Response, db: DB, _actor: CurrentActor) -> None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        users.end_session(db, cookie)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/auth/me", response_model=MeOut, operation_id="me")
def me(request: Request, db: DB, actor: CurrentActor) -> MeOut:
    cookie = request.cookies.get(SESSION_COOKIE)
    csrf = users.actor_for_session(db, cookie)[1] if cookie else None
    return MeOut(user=UserOut.model_validate(users.get_user(db, actor.username)), csrf_token=csrf)


@router.post(
    "/auth/password", status_code=status.HTTP_204_NO_CONTENT, operation_id="change_password"
)
def change_password(body: PasswordIn, db: DB, actor: CurrentActor) -> None:
    """Change your password; every other session of yours ends."""
    assert actor.user_id is not None
    users.change_password(db, actor, user_id=actor.user_id, password=body.password)


@router.get("/users", response_model=list[UserOut], operation_id="list_users")
def list_users(db: DB, actor: CurrentActor) -> list[UserOut]:
    return [UserOut.model_validate(u) for u in users.list_users(db, actor)]


@router.post("/users", response_model=UserOut, status_code=201, operation_id="create_user")
def create_user(body: UserIn, db: DB, actor: CurrentActor) -> UserOut:
    """Create a user (admins only; there is no self sign-up)."""
    return UserOut.model_validate(
        users.create_user(
            db,
            actor,
            username=body.username,
            password=body.password,
            email=body.email,
            is_admin=body.is_admin,
        )
    )


@router.get("/tokens", response_model=list[TokenOut], operation_id="list_tokens")
def list_tokens(db: DB, actor: CurrentActor) -> list[TokenOut]:
    return [TokenOut.model_validate(t) for t in users.list_tokens(db, actor)]


@router.post("/tokens", response_model=TokenOut, status_code=201, operation_id="create_token")
def create_token(body: TokenIn, db: DB, actor: CurrentActor) -> TokenOut:
    """A new API token for yourself; the secret is in the response and nowhere else."""
    assert actor.user_id is not None
    return TokenOut.model_validate(
        users.create_token(db, actor, user_id=actor.user_id, name=body.name)
    )


@router.delete("/tokens/{token_id}", status_code=204, operation_id="revoke_token")
def revoke_token(token_id: int, db: DB, actor: CurrentActor) -> None:
    users.revoke_token(db, actor, token_id)
