"""Users, passwords, API tokens and browser sessions.

Passwords are hashed with Argon2id. Tokens and session ids are random secrets given to the
client once; the database keeps only an HMAC of them under the per-install signing secret,
so neither a copied database nor a secret from another install can forge one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from annota.errors import AuthenticationRequired, Conflict, InvalidInput, NotFound
from annota.services import audit
from annota.services.actor import Actor
from annota.services.records import TokenInfo, UserInfo
from annota.store import tables
from annota.store.db import Database
from annota.store.models import ApiToken, BrowserSession, User

TOKEN_PREFIX = "ann_"
MIN_PASSWORD = 8


def _user_info(user: User) -> UserInfo:
    return UserInfo(
        id=user.id,
        username=user.username,
        email=user.email,
        is_admin=user.is_admin,
        is_active=user.is_active,
        created_at=user.created_at,
    )


def normalize_username(username: str) -> str:
    """NFKC-normalised, stripped; rejects control, format (e.g. RTL override) and space chars."""
    name = unicodedata.normalize("NFKC", username).strip()
    if not 1 <= len(name) <= 150:
        raise InvalidInput("username must be 1 to 150 characters", location="username")
    for ch in name:
        if unicodedata.category(ch)[0] in ("C", "Z"):
            raise InvalidInput(
                "username may not contain spaces or invisible characters", location="username"
            )
    return name


def _hasher(db: Database) -> PasswordHasher:
    key = ("argon2", db.settings.argon2_time_cost, db.settings.argon2_memory_kib)
    hasher = db.cache.get(key)
    if hasher is None:
        hasher = PasswordHasher(time_cost=key[1], memory_cost=key[2])
        #: verified against when the user does not exist, so both failures take as long
        db.cache[("argon2-dummy", *key[1:])] = hasher.hash("not-a-real-password")
        db.cache[key] = hasher
    assert isinstance(hasher, PasswordHasher)
    return hasher


def _keyed_hash(db: Database, secret: str) -> str:
    return hmac.new(db.settings.signing_secret(), secret.encode(), hashlib.sha256).hexdigest()


def create_user(
    db: Database,
    actor: Actor,
    *,
    username: str,
    password: str,
    email: str | None = None,
    is_admin: bool = False,
) -> UserInfo:
    """Create a user; only admins (or the local operator) may. Audited."""
    if not actor.is_admin:
        raise NotFound("not found", location="users")
    name = normalize_username(username)
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"password must be at least {MIN_PASSWORD} characters", location="password"
        )
    try:
        with db.write() as s:
            user = User(
                username=name,
                email=email,
                password_hash=_hasher(db).hash(password),
                is_admin=is_admin,
            )
            s.add(user)
            s.flush()
            audit.record(
                s,
                actor,
                "user.create",
                object_type="user",
                object_id=user.id,
                details={"is_admin": is_admin},
            )
            return _user_info(user)
    except IntegrityError:
        raise Conflict(f"user '{name}' already exists", location="username") from None


def get_user(db: Database, username: str) -> UserInfo:
    with db.read() as s:
        user = s.execute(
            select(User).where(User.username == normalize_username(username))
        ).scalar_one_or_none()
        if user is None:
            raise NotFound(f"no user named '{username}'", location="username")
        return _user_info(user)


def list_users(db: Database, actor: Actor) -> list[UserInfo]:
    if not actor.is_admin:
        raise NotFound("not found", location="users")
    with db.read() as s:
        return [_user_info(u) for u in s.execute(select(User).order_by(User.id)).scalars()]


def authenticate(db: Database, username: str, password: str) -> UserInfo:
    """Check a password; the same error and similar time for unknown user and bad password."""
    try:
        name = normalize_username(username)
    except InvalidInput:
        name = ""
    with db.read() as s:
        user = s.execute(select(User).where(User.username == name)).scalar_one_or_none()
    hasher = _hasher(db)
    dummy = db.cache[("argon2-dummy", db.settings.argon2_time_cost, db.settings.argon2_memory_kib)]
    stored = user.password_hash if user and user.password_hash else dummy
    ok: bool
    try:
        ok = hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or not user.is_active:
        raise AuthenticationRequired("wrong username or password", location="credentials")
    return _user_info(user)


def change_password(db: Database, actor: Actor, *, user_id: int, password: str) -> None:
    """Set a new password and end every session and login made with the old one."""
    if actor.user_id != user_id and not actor.is_admin:
        raise NotFound("user not found", location="user")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"password must be at least {MIN_PASSWORD} characters", location="password"
        )
    with db.write() as s:
        user = s.get(User, user_id)
        if user is None:
            raise NotFound("user not found", location="user")
        user.password_hash = _hasher(db).hash(password)
        user.credentials_version += 1
        s.execute(delete(BrowserSession).where(BrowserSession.user_id == user_id))
        audit.record(s, actor, "user.password_change", object_type="user", object_id=user_id)


def create_token(db: Database, actor: Actor, *, user_id: int, name: str = "") -> TokenInfo:
    """A new API token for ``user_id``; the secret is returned once and never stored."""
    if actor.user_id != user_id and not actor.is_admin:
        raise NotFound("user not found", location="user")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.write() as s:
        if s.get(User, user_id) is None:
            raise NotFound("user not found", location="user")
        token = ApiToken(user_id=user_id, token_hash=_keyed_hash(db, secret), name=name[:200])
        s.add(token)
        s.flush()
        audit.record(
            s,
            actor,
            "token.create",
            object_type="token",
            object_id=token.id,
            details={"user_id": user_id, "name": name[:200]},
        )
        return TokenInfo(
            id=token.id,
            name=token.name,
            created_at=token.created_at,
            last_used_at=None,
            token=secret,
        )


def list_tokens(db: Database, actor: Actor) -> list[TokenInfo]:
    with db.read() as s:
        rows = s.execute(
            select(ApiToken)
            .where(ApiToken.user_id == actor.user_id, ApiToken.revoked.is_(False))
            .order_by(ApiToken.id)
        ).scalars()
        return [
            TokenInfo(id=t.id, name=t.name, created_at=t.created_at, last_used_at=t.last_used_at)
            for t in rows
        ]


def revoke_token(db: Database, actor: Actor, token_id: int) -> None:
    with db.write() as s:
        token = s.get(ApiToken, token_id)
        if token is None or (token.user_id != actor.user_id and not actor.is_admin):
            raise NotFound("token not found", location="token")
        token.revoked = True
        audit.record(s, actor, "token.revoke", object_type="token", object_id=token_id)


def actor_for_token(db: Database, secret: str) -> Actor:
    """The user behind a bearer token, or AuthenticationRequired (one Core query)."""
    users, tokens = tables.users.c, tables.api_tokens.c
    with db.engine.connect() as conn:
        row = conn.execute(
            select(users.id, users.username, users.is_admin)
            .join_from(tables.users, tables.api_tokens, tokens.user_id == users.id)
            .where(
                tokens.token_hash == _keyed_hash(db, secret),
                tokens.revoked.is_(False),
                users.is_active.is_(True),
            )
        ).first()
    if row is None:
        raise AuthenticationRequired("invalid or revoked API token", location="authorization")
    return Actor(user_id=row.id, username=row.username, is_admin=row.is_admin)


@dataclass(frozen=True, slots=True)
class SessionGrant:
    """What the browser receives at login: the cookie secret and the CSRF token."""

    cookie: str
    csrf_token: str
    expires_at: datetime
    user: UserInfo


def start_session(db: Database, user: UserInfo) -> SessionGrant:
    """A fresh session id at every login (no fixation); expired rows are swept here too."""
    cookie = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    expires = now + timedelta(hours=db.settings.session_hours)
    with db.write() as s:
        version = s.execute(select(User.credentials_version).where(User.id == user.id)).scalar_one()
        s.execute(delete(BrowserSession).where(BrowserSession.expires_at < now))
        s.add(
            BrowserSession(
                user_id=user.id,
                token_hash=_keyed_hash(db, cookie),
                csrf_token=csrf,
                credentials_version=version,
                expires_at=expires,
            )
        )
        audit.record(
            s,
            Actor(user.id, user.username, user.is_admin),
            "session.login",
            object_type="user",
            object_id=user.id,
        )
    return SessionGrant(cookie=cookie, csrf_token=csrf, expires_at=expires, user=user)


def actor_for_session(db: Database, cookie: str) -> tuple[Actor, str]:
    """The user and CSRF token of a live session, or AuthenticationRequired."""
    with db.read() as s:
        row = s.execute(
            select(User, BrowserSession)
            .join(BrowserSession, BrowserSession.user_id == User.id)
            .where(BrowserSession.token_hash == _keyed_hash(db, cookie))
        ).one_or_none()
    if row is None:
        raise AuthenticationRequired("session expired; sign in again", location="session")
    user, sess = row
    if (
        sess.expires_at <= datetime.now(UTC)
        or sess.credentials_version != user.credentials_version
        or not user.is_active
    ):
        raise AuthenticationRequired("session expired; sign in again", location="session")
    return Actor(user_id=user.id, username=user.username, is_admin=user.is_admin), sess.csrf_token


def end_session(db: Database, cookie: str) -> None:
    with db.write() as s:
        s.execute(
            delete(BrowserSession).where(BrowserSession.token_hash == _keyed_hash(db, cookie))
        )
