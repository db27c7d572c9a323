"""Settings pages over plain HTTP: schema errors located in place, guidelines sanitised,
members, options, and import/export from the browser's forms."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser

from annota.services import projects
from annota.services.actor import Actor
from annota.web.templating import render_markdown

BAD_SCHEMA = """
fields:
  - {name: text, type: text}
controls:
  - {name: sentiment, type: choices, field: text, options: []}
"""


def _post(client, path, **form):
    return client.post(path, data={"csrf_token": client.csrf, **form}, follow_redirects=False)


def test_bad_schema_is_refused_with_a_located_message(db, site, page_client):
    client = page_client("manager")
    pid = site.project_id
    answer = _post(client, f"/projects/{pid}/settings/schema", schema=BAD_SCHEMA)
    assert answer.status_code in (400, 422)
    errors = re.search(r'<ul class="errors" id="schema-errors">(.*?)</ul>', answer.text, re.S)
    assert errors, answer.text[:2000]
    assert "controls[0]" in errors.group(1)
    assert "options: []" in answer.text  # the user's text is kept in the textarea
    assert projects.get_project(db, Actor.operator(), pid).schema_version == 1
    # not YAML at all: still located
    answer = _post(client, f"/projects/{pid}/settings/schema", schema="fields: [unclosed")
    assert answer.status_code in (400, 422)
    assert 'id="schema-errors"' in answer.text


def test_good_schema_saves_a_new_version(db, site, page_client):
    client = page_client("manager")
    pid = site.project_id
    new = BAD_SCHEMA.replace("options: []", "options: [good, bad]")
    answer = _post(client, f"/projects/{pid}/settings/schema", schema=new)
    assert answer.status_code == 303
    assert answer.headers["location"].endswith("saved=schema")
    assert projects.get_project(db, Actor.operator(), pid).schema_version == 2


def test_schema_preview_partial(site, page_client):
    client = page_client("manager")
    url = f"/projects/{site.project_id}/settings/schema/preview"
    good = _post(client, url, schema=BAD_SCHEMA.replace("options: []", "options: [good, bad]"))
    assert good.status_code == 200
    assert '<span class="kbd">1</span> good' in good.text
    assert "<html" not in good.text
    bad = _post(client, url, schema=BAD_SCHEMA)
    assert 'id="schema-errors"' in bad.text
    assert _post(page_client("annotator"), url, schema=BAD_SCHEMA).status_code == 403


DANGEROUS_MARKDOWN = """# Rules
<script>alert(1)</script>
<img src=x onerror=alert(2)>
[click](javascript:alert(3))
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg==)
<iframe src="https://evil.example"></iframe>
![pic](javascript:alert(5))
**bold** and [ok](https://example.org)
"""


class _Elements(HTMLParser):
    """Every element and attribute of an HTML fragment, as a browser would parse it."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def dangerous(html: str) -> list[str]:
    """Script-capable elements, event handlers and script/data URLs in ``html``."""
    bad = []
    for tag, attrs in _Elements(html).found:
        if tag in ("script", "iframe", "object", "embed", "svg", "math", "style", "base", "form"):
            bad.append(tag)
        for name, value in attrs.items():
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                bad.append(f"{tag}@{name}")
            if name in ("href", "src") and not (value or "").startswith(("http://", "https://")):
                bad.append(f"{tag}@{name}={value}")
    return bad


def test_markdown_is_sanitised():
    html = str(render_markdown(DANGEROUS_MARKDOWN))
    assert dangerous(html) == []
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert "&lt;script&gt;" in html  # shown as text, inert


def test_guidelines_are_versioned_and_rendered_sanitised(db, site, page_client):
    client = page_client("manager")
    pid = site.project_id
    assert (
        _post(client, f"/projects/{pid}/settings/guidelines", markdown="v1 text").status_code == 303
    )
    answer = _post(client, f"/projects/{pid}/settings/guidelines", markdown=DANGEROUS_MARKDOWN)
    assert answer.status_code == 303
    page = page_client("annotator").get(f"/projects/{pid}/guidelines").text
    article = re.search(r'<article class="guidelines">(.*?)</article>', page, re.S).group(1)
    assert dangerous(article) == []
    assert "<strong>bold</strong>" in article
    old = page_client("annotator").get(f"/projects/{pid}/guidelines?version=1").text
    assert "v1 text" in old


def test_members_and_options(db, site, page_client, people):
    client = page_client("manager")
    pid = site.project_id
    assert (
        _post(
            client, f"/projects/{pid}/settings/members", username="outsider", role="reviewer"
        ).status_code
        == 303
    )
    assert {m.username: m.role for m in projects.list_members(db, Actor.operator(), pid)}[
        "outsider"
    ] == "reviewer"
    missing = _post(client, f"/projects/{pid}/settings/members", username="ghost", role="reviewer")
    assert missing.status_code == 404
    assert "no user named" in missing.text
    badrole = _post(client, f"/projects/{pid}/settings/members", username="outsider", role="king")
    assert badrole.status_code == 400
    uid = people.actors["outsider"].user_id
    assert _post(client, f"/projects/{pid}/settings/members/{uid}/remove").status_code == 303
    assert "outsider" not in {m.username for m in projects.list_members(db, Actor.operator(), pid)}
    version = projects.get_project(db, Actor.operator(), pid).version
    ok = _post(
        client, f"/projects/{pid}/settings/options", version=str(version), name="Site 2",
        description="d", overlap="2", ordering="random", lease_seconds="600",
    )  # fmt: skip
    assert ok.status_code == 303
    info = projects.get_project(db, Actor.operator(), pid)
    assert (info.name, info.settings["overlap"], info.settings["ordering"]) == (
        "Site 2",
        2,
        "random",
    )
    assert info.settings["allow_skip"] is False
    stale = _post(
        client, f"/projects/{pid}/settings/options", version=str(version), name="Site 3",
        overlap="1", ordering="random", lease_seconds="600",
    )  # fmt: skip
    assert stale.status_code == 409
    bad = _post(
        client, f"/projects/{pid}/settings/options", version=str(info.version), name="Site 2",
        overlap="0", ordering="random", lease_seconds="600",
    )  # fmt: skip
    assert bad.status_code == 400
    assert "overlap" in bad.text


def test_upload_lists_every_bad_row_and_imports_nothing(db, site, page_client):
    client = page_client("manager")
    pid = site.project_id
    lines = [json.dumps({"data": {"text": f"fine {i}"}}) for i in range(5)]
    lines[1] = json.dumps({"data": {"text": 5}})
    lines[3] = json.dumps({"data": {"nottext": "x"}})
    body = ("\n".join(lines) + "\n").encode()
    answer = client.post(
        f"/projects/{pid}/import",
        files={"file": ("../../etc/bad.jsonl", io.BytesIO(body), "application/octet-stream")},
        headers={"X-CSRF-Token": client.csrf, "X-Upload": "xhr"},
    )
    assert answer.status_code == 400
    assert "bad.jsonl:2" in answer.text
    assert "bad.jsonl:4" in answer.text
    assert "../" not in answer.text
    assert "<html" not in answer.text
    assert projects.project_stats(db, Actor.operator(), pid).items == 30
    good = "\n".join(json.dumps({"id": f"g{i}", "data": {"text": f"fine {i}"}}) for i in range(5))
    answer = client.post(
        f"/projects/{pid}/import",
        files={"file": ("good.jsonl", io.BytesIO(good.encode()), "application/x-ndjson")},
        headers={"X-CSRF-Token": client.csrf, "X-Upload": "xhr"},
    )
    assert answer.status_code == 200, answer.text
    assert "5 items added" in answer.text
    assert projects.project_stats(db, Actor.operator(), pid).items == 35
    csv = "text\nhello\nworld\n"
    answer = client.post(
        f"/projects/{pid}/import",
        data={"csrf_token": client.csrf},
        files={"file": ("rows.csv", io.BytesIO(csv.encode()), "text/csv")},
    )
    assert answer.status_code == 200
    assert "<html" in answer.text
    assert "2 items added" in answer.text


def test_export_download(site, page_client):
    client = page_client("manager")
    answer = _post(client, f"/projects/{site.project_id}/export", format="jsonl")
    assert answer.status_code == 200
    assert answer.headers["content-disposition"].startswith("attachment;")
    rows = [json.loads(line) for line in answer.text.splitlines()]
    assert len(rows) == 30
    assert sum(len(r["annotations"]) for r in rows) == 1
    assert _post(client, f"/projects/{site.project_id}/export", format="evil").status_code == 400
    assert _post(page_client("reviewer"), f"/projects/{site.project_id}/export").status_code == 403
