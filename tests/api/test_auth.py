"""Sessions, CSRF, tokens, throttling and passwords."""

from __future__ import annotations

import pytest

from annota.errors import InvalidInput
from annota.services import users
from annota.services.actor import Actor

PASSWORD = "correct horse battery"


def _login(client, username="ann", password=PASSWORD):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_login_sets_an_httponly_samesite_cookie_and_csrf_guards_writes(client, people):
    people.add("ann")
    r = _login(client)
    assert r.status_code == 200
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    csrf = r.json()["csrf_token"]
    assert client.get("/api/v1/auth/me").json()["user"]["username"] == "ann"
    r = client.post("/api/v1/tokens", json={"name": "x"})
    assert r.status_code == 403
    assert r.json()["location"] == "x-csrf-token"
    r = client.post("/api/v1/tokens", json={"name": "x"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201
    assert r.json()["token"].startswith("ann_")


def test_logout_ends_the_session(client, people):
    people.add("ann")
    csrf = _login(client).json()["csrf_token"]
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401


def test_unknown_user_and_wrong_password_look_the_same(client, people):
    people.add("ann")
    a = _login(client, "ann", "wrong password!")
    b = _login(client, "nobody", "wrong password!")
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json()


def test_brute_force_is_throttled(client, people):
    people.add("ann")
    for _ in range(10):
        assert _login(client, "ann", "nope nope nope").status_code == 401
    r = _login(client, "ann", PASSWORD)
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) >= 1


def test_revoked_token_and_tampered_cookie_are_refused(client, db, people):
    ann = people.add("ann")
    h = people.headers("ann")
    assert client.get("/api/v1/projects", headers=h).status_code == 200
    token_id = users.list_tokens(db, ann)[0].id
    users.revoke_token(db, ann, token_id)
    assert client.get("/api/v1/projects", headers=h).status_code == 401
    client.cookies.set("annota_session", "forged-value")
    assert client.get("/api/v1/projects").status_code == 401
    assert client.get("/api/v1/projects", headers={"Authorization": "Basic abc"}).status_code == 401


def test_password_change_ends_other_sessions(client, db, people):
    ann = people.add("ann")
    _login(client)
    assert client.get("/api/v1/auth/me").status_code == 200
    users.change_password(db, Actor.operator(), user_id=ann.user_id, password="a new password")
    assert client.get("/api/v1/auth/me").status_code == 401
    assert _login(client, password="a new password").status_code == 200


def test_only_admins_create_users_and_there_is_no_default_user(client, db, people):
    assert users.list_users(db, Actor.operator()) == []
    people.add("ann")
    people.add("root", admin=True)
    body = {"username": "new", "password": "long enough pw"}
    assert client.post("/api/v1/users", json=body, headers=people.headers("ann")).status_code == 404
    r = client.post("/api/v1/users", json=body, headers=people.headers("root"))
    assert r.status_code == 201
    assert "password" not in r.text
    r = client.post(
        "/api/v1/users", json={**body, "is_superuser": True}, headers=people.headers("root")
    )
    assert r.status_code == 422  # unknown fields are refused, not ignored


def test_lookalike_usernames_are_normalised_or_refused(db, people):
    people.add("\uff41\uff4c\uff49\uff43\uff45")  # fullwidth "alice" normalises to ASCII
    assert users.get_user(db, "alice").username == "alice"
    with pytest.raises(InvalidInput, match="invisible"):
        users.normalize_username("ali\u202ece")
