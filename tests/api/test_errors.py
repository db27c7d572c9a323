"""One error shape everywhere; size limits before parsing; security headers."""

from __future__ import annotations


def test_unknown_route_and_bad_json_share_the_error_shape(client, people):
    people.add("ann")
    h = people.headers("ann")
    r = client.get("/api/v1/nope", headers=h)
    assert r.status_code == 404
    assert set(r.json()) == {"code", "message", "location"}
    r = client.post(
        "/api/v1/projects", headers={**h, "Content-Type": "application/json"}, content=b"{not json"
    )
    assert r.status_code == 422
    assert r.json()["code"] == "invalid_input"


def test_body_over_the_limit_is_413_before_parsing(client, people, settings):
    people.add("ann")
    big = b"[" + b"1," * (settings.max_json_body_bytes // 2) + b"1]"
    r = client.post(
        "/api/v1/projects",
        content=big,
        headers={**people.headers("ann"), "Content-Type": "application/json"},
    )
    assert r.status_code == 413
    assert r.json()["code"] == "too_large"


def test_security_headers_on_api_responses(client):
    r = client.get("/api/v1/projects")
    assert r.status_code == 401
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_paging_arguments_are_validated_and_clamped(client, people):
    people.add("root", admin=True)
    h = people.headers("root")
    assert client.get("/api/v1/projects?after=-3", headers=h).status_code == 400
    assert client.get("/api/v1/projects?after=abc", headers=h).status_code == 400
    assert client.get("/api/v1/projects?limit=1000000000", headers=h).status_code == 200


def test_openapi_spec_is_served(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/projects/{project_id}/next" in spec["paths"]
    assert (
        spec["paths"]["/api/v1/items/{item_id}/annotations"]["post"]["operationId"]
        == "create_annotation"
    )
