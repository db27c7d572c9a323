"""Every page renders for the roles that may see it and refuses the others (plain HTTP)."""

from __future__ import annotations

import re

import pytest

PAGES = {
    # path template: roles allowed (others: 404 for non-members, 403 for members too low)
    "/projects/{pid}": {"annotator", "reviewer", "manager", "admin"},
    "/projects/{pid}/label": {"annotator", "reviewer", "manager", "admin"},
    "/projects/{pid}/guidelines": {"annotator", "reviewer", "manager", "admin"},
    "/projects/{pid}/items": {"reviewer", "manager", "admin"},
    "/projects/{pid}/settings": {"manager", "admin"},
    "/projects/{pid}/import": {"manager", "admin"},
}
ROLES = ("annotator", "reviewer", "manager", "outsider", "admin")


@pytest.mark.parametrize("role", ROLES)
def test_page_access_matrix(site, page_client, role):
    client = page_client(role)
    assert client.get("/projects").status_code == 200
    for template, allowed in PAGES.items():
        path = template.format(pid=site.project_id)
        answer = client.get(path, follow_redirects=False)
        if role in allowed:
            assert answer.status_code == 200, (role, path, answer.text[:300])
            assert answer.headers["content-type"].startswith("text/html")
        elif role == "outsider":
            assert answer.status_code == 404, (role, path)
        else:
            assert answer.status_code == 403, (role, path)
        assert "<!doctype html>" in answer.text


def test_project_list_shows_only_own_projects(site, page_client):
    text = page_client("outsider").get("/projects").text
    assert "Elsewhere" in text
    assert ">Site<" not in text
    text = page_client("annotator").get("/projects").text
    assert ">Site<" in text
    assert "Elsewhere" not in text


def test_unknown_project_and_bad_ids(site, page_client):
    client = page_client("admin")
    assert client.get("/projects/999999").status_code == 404
    assert client.get("/projects/abc").status_code == 400
    assert client.get("/projects?after=x").status_code == 400


def test_overview_shows_progress(site, page_client):
    text = page_client("manager").get(f"/projects/{site.project_id}").text
    assert re.search(r'data-stat="items">30<', text)
    assert re.search(r'data-stat="submitted">1<', text)
    assert re.search(r'data-stat="skipped">0<', text)
    assert "<td>annotator</td><td>1</td>" in text


def test_label_page_context(site, page_client):
    answer = page_client("annotator").get(f"/projects/{site.project_id}/label")
    assert answer.status_code == 200
    assert '"sentiment"' in answer.text  # the schema JSON for the editor
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', answer.text).group(1)
    assert token == page_client("annotator").csrf or token  # each client has its own session


def test_state_changing_pages_need_the_csrf_token(site, page_client):
    client = page_client("manager")
    pid = site.project_id
    posts = {
        f"/projects/{pid}/settings/guidelines": {"markdown": "# hi"},
        f"/projects/{pid}/settings/members": {"username": "outsider", "role": "annotator"},
        f"/projects/{pid}/settings/schema": {"schema": "fields: []"},
        f"/projects/{pid}/export": {"format": "jsonl"},
        "/logout": {},
    }
    for path, form in posts.items():
        for token in (None, "wrong"):
            data = dict(form) | ({"csrf_token": token} if token else {})
            answer = client.post(path, data=data, follow_redirects=False)
            assert answer.status_code == 403, (path, token)
    settings = client.get(f"/projects/{pid}/settings").text
    assert "v0" in settings  # guidelines unchanged
    assert "outsider" not in settings
    # the header works as well as the form field
    answer = client.post(
        f"/projects/{pid}/settings/guidelines",
        data={"markdown": "# Hello"},
        headers={"X-CSRF-Token": client.csrf},
        follow_redirects=False,
    )
    assert answer.status_code == 303


def test_signed_out_post_redirects_to_login(site, client):
    answer = client.post(
        f"/projects/{site.project_id}/settings/guidelines",
        data={"markdown": "x"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=")
    htmx = client.post(
        f"/projects/{site.project_id}/settings/schema/preview",
        data={"schema": "x"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/projects/1/settings"},
    )
    assert htmx.status_code == 401
    assert htmx.headers["HX-Redirect"] == "/login?next=%2Fprojects%2F1%2Fsettings"
