"""The README's path for a new user: CLI set-up, a real server on loopback, REST, export."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

from clirun import annota
from live import free_port, wait_until_up

SCHEMA = """fields:
  - {name: text, type: text}
controls:
  - {name: sentiment, type: choices, field: text, options: [positive, negative, neutral]}
  - {name: entities, type: spans, field: text, labels: [PER, ORG, LOC]}
"""


def test_new_user_walkthrough(cli_env, db, tmp_path: Path):
    (tmp_path / "schema.yaml").write_text(SCHEMA)
    data = tmp_path / "data.jsonl"
    data.write_text(
        '{"id": "r1", "text": "Alice went to Paris."}\n{"id": "r2", "text": "Bob joined Acme."}\n'
    )

    r = annota({**cli_env, "ANNOTA_PASSWORD": "s3cret-pass"}, "admin", "create", "alice")
    assert r.returncode == 0, r.stderr
    r = annota(cli_env, "token", "create", "alice")
    assert r.returncode == 0, r.stderr
    token = r.stdout.strip()
    assert r.stdout == token + "\n"
    assert token.startswith("ann_")
    r = annota(cli_env, "project", "create", "news", "--schema", str(tmp_path / "schema.yaml"))
    assert r.returncode == 0, r.stderr
    project_id = int(r.stdout.strip())
    r = annota(cli_env, "import", "news", str(data))
    assert r.returncode == 0, r.stderr
    assert "2 items imported" in r.stderr
    assert r.stdout.strip() == str(project_id)
    r = annota(cli_env, "import", str(project_id), str(data))
    assert "0 items imported" in r.stderr  # idempotent
    assert "2 skipped (2 already in the project)" in r.stderr

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "annota", "serve", "--port", str(port)],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url)
        h = {"Authorization": f"Bearer {token}"}
        projects = httpx.get(f"{url}/api/v1/projects", headers=h).json()["items"]
        assert [p["id"] for p in projects] == [project_id]
        item = httpx.get(f"{url}/api/v1/projects/{project_id}/next", headers=h).json()
        assert item["data"] == {"text": "Alice went to Paris."}
        body = {
            "regions": [
                {"control": "sentiment", "value": {"choices": ["positive"]}},
                {"control": "entities", "value": {"start": 0, "end": 5, "label": "PER"}},
            ]
        }
        r2 = httpx.post(f"{url}/api/v1/items/{item['id']}/annotations", headers=h, json=body)
        assert r2.status_code == 201
        ann = r2.json()
        bad = {
            "regions": [{"control": "entities", "value": {"start": 0, "end": 5, "label": "CAT"}}]
        }
        r3 = httpx.post(f"{url}/api/v1/items/{item['id']}/annotations", headers=h, json=bad)
        assert r3.status_code == 422
        assert "regions[0]" in r3.json()["location"]
        r4 = httpx.put(
            f"{url}/api/v1/annotations/{ann['id']}",
            headers=h,
            json={"version": 0, "regions": body["regions"]},
        )
        assert r4.status_code == 409
    finally:
        server.terminate()
        server.wait(timeout=20)

    out = tmp_path / "out.jsonl"
    r = annota(cli_env, "export", "news", "--format", "jsonl", "-o", str(out))
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["id"] for x in lines] == ["r1", "r2"]
    assert lines[0]["annotations"][0]["regions"] == body["regions"]
    assert lines[1]["annotations"] == []


def test_errors_exit_non_zero_with_a_located_message(cli_env, db, tmp_path: Path):
    bad_schema = tmp_path / "bad.yaml"
    bad_schema.write_text(
        "fields: [{name: text, type: text}]\n"
        "controls: [{name: tags, type: spans, field: body, labels: [A]}]\n"
    )
    r = annota(cli_env, "project", "create", "x", "--schema", str(bad_schema))
    assert r.returncode == 1
    assert "tags" in r.stderr
    assert r.stdout == ""

    (tmp_path / "ok.yaml").write_text(SCHEMA)
    assert (
        annota(cli_env, "project", "create", "p", "--schema", str(tmp_path / "ok.yaml")).returncode
        == 0
    )
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "1", "text": "fine"}\n{"id": "2", "text": \n')
    r = annota(cli_env, "import", "p", str(broken))
    assert r.returncode == 1
    assert "broken.jsonl:2" in r.stderr
    r = annota(cli_env, "import", "nope", str(broken))
    assert r.returncode == 1
    assert "no project named 'nope'" in r.stderr
    r = annota(cli_env, "token", "create", "ghost")
    assert r.returncode == 1
    assert r.stdout == ""


def test_admin_password_prompt(cli_env, db):
    r = annota(cli_env, "admin", "create", "bob", input="pw-long-enough\npw-long-enough\n")
    assert r.returncode == 0, r.stderr
    r = annota(cli_env, "admin", "create", "bob", input="pw-long-enough\npw-long-enough\n")
    assert r.returncode == 1
    assert "already exists" in r.stderr


def test_demo_sets_up_projects_without_serving(cli_env, db):
    r = annota(cli_env, "demo", "--no-serve")
    assert r.returncode == 0, r.stderr
    assert "username: demo" in r.stdout
    r = annota(cli_env, "project", "list")
    names = [line.split("\t")[1] for line in r.stdout.splitlines()]
    assert names == ["Demo: review sentiment", "Demo: named entities", "Demo: objects in photos"]
    r = annota(cli_env, "project", "show", "Demo: objects in photos")
    assert "items: 2" in r.stdout
