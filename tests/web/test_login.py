"""Signing in and out through the pages, the login CSRF pair, and safe ``next`` redirects."""

from __future__ import annotations

import re

import pytest

from annota.api.deps import SESSION_COOKIE as API_COOKIE
from annota.services import projects
from annota.web.security import SESSION_COOKIE, local_path

PASSWORD = "correct horse battery"


def _login_token(client, next_path: str = "/projects") -> str:
    page = client.get(f"/login?next={next_path}")
    assert page.status_code == 200
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def test_web_and_api_share_the_session_cookie():
    assert SESSION_COOKIE == API_COOKIE


def test_login_form_signs_in_and_redirects_to_next(client, people, text_schema):
    people.add("ann")
    pid = projects.create_project(
        client.app.state.db, people.actors["ann"], name="p", schema=text_schema
    )
    token = _login_token(client)
    answer = client.post(
        "/login",
        data={
            "username": "ann",
            "password": PASSWORD,
            "csrf_token": token,
            "next": f"/projects/{pid.id}/label",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/projects/{pid.id}/label"
    assert client.cookies.get(SESSION_COOKIE)
    # the cookie works for the API too
    assert client.get("/api/v1/auth/me").json()["user"]["username"] == "ann"


def test_login_without_the_pre_session_token_is_refused(client, people):
    people.add("ann")
    answer = client.post(
        "/login", data={"username": "ann", "password": PASSWORD}, follow_redirects=False
    )
    assert answer.status_code == 403
    assert SESSION_COOKIE not in client.cookies
    _login_token(client)
    answer = client.post(
        "/login",
        data={"username": "ann", "password": PASSWORD, "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert SESSION_COOKIE not in client.cookies


def test_wrong_password_shows_the_form_again(client, people):
    people.add("ann")
    token = _login_token(client)
    answer = client.post(
        "/login", data={"username": "ann", "password": "nope nope nope", "csrf_token": token}
    )
    assert answer.status_code == 401
    assert "Wrong username or password." in answer.text
    assert SESSION_COOKIE not in client.cookies


@pytest.mark.parametrize(
    "target",
    ["//evil.example/x", "https://evil.example/", "https:evil.example", "/\\evil.example",
     "javascript:alert(1)", "/\t/evil.example", "", "projects"],
)  # fmt: skip
def test_next_only_follows_local_paths(client, people, target):
    people.add("ann")
    token = _login_token(client)
    answer = client.post(
        "/login",
        data={"username": "ann", "password": PASSWORD, "csrf_token": token, "next": target},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/projects"
    assert local_path(target) == "/projects"


def test_pages_redirect_to_login_when_signed_out(client):
    for path in ("/projects", "/projects/1", "/projects/1/label", "/"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login?next=")


def test_logout_needs_the_csrf_token_and_ends_the_session(client, people):
    people.add("ann")
    token = _login_token(client)
    client.post("/login", data={"username": "ann", "password": PASSWORD, "csrf_token": token})
    page = client.get("/projects")
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)
    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403
    assert client.get("/api/v1/auth/me").status_code == 200
    answer = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert answer.status_code == 303
    assert client.get("/api/v1/auth/me").status_code == 401


def test_login_and_logout_in_the_browser(new_page, people, db, text_schema, screenshots):
    ann = people.add("ann")
    pid = projects.create_project(db, ann, name="Reviews", schema=text_schema).id
    page = new_page()
    page.goto(f"/projects/{pid}/label")
    assert "/login?next=" in page.url
    screenshots(page, "login")
    page.fill("input[name=username]", "ann")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/projects/{pid}/label")
    page.goto("/projects")
    assert page.locator("table.list").inner_text().count("Reviews") == 1
    page.click(".signout button")
    page.wait_for_url("**/login")
    page.goto("/projects")
    assert "/login" in page.url
