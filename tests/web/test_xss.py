"""The XSS corpus stays inert on every page: item data, labels, project names, guidelines,
member names, file names and reflected parameters, checked in a real browser.

Two independent defences are checked at once: escaping (no injected element or event
handler in the DOM) and the CSP (no violation reported, so nothing even tried to run);
the ``new_page`` fixture also fails the test on any dialog or JavaScript error.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from annota.formats import SourceRecord
from annota.services import annotating, assignment, importing, projects, users
from annota.services.actor import Actor

CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">click</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<body onload=alert(1)>",
    "{{7*7}}",
    "${alert(1)}",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<input autofocus onfocus=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<div hx-get="/logout" hx-trigger="load">htmx</div>',
    "[x](javascript:alert(1))",
    '<base href="https://evil.example/">',
    "\u202e<b>rtl</b>",
]
#: usernames may not hold spaces or invisible characters
NAME_CORPUS = [
    "<svg/onload=alert(1)>",
    '"><img/src/onerror=alert(1)>',
    "{{7*7}}",
    "</textarea><script>alert(1)</script>",
]
LABELS = ["<img src=x onerror=alert(1)>", "{{7*7}}", '"><script>alert(1)</script>']

FIND_INJECTED = """() => {
  const bad = [];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      if (a.name.startsWith("on")) bad.push(`${el.tagName}@${a.name}`);
      if (a.name.startsWith("hx-") && !el.closest("form, textarea, [data-hx-ok]")
          && !["hx-get", "hx-post", "hx-target", "hx-trigger", "hx-push-url"].includes(a.name))
        bad.push(`${el.tagName}@${a.name}`);
      if (["href", "src", "action", "formaction", "data", "xlink:href"].includes(a.name)
          && /^\\s*(javascript|data|vbscript):/i.test(a.value)) bad.push(`${el.tagName}@${a.name}`);
    }
    if (el.tagName === "SCRIPT" && !el.src && el.type !== "application/json")
      bad.push("inline script");
    if (["IFRAME", "OBJECT", "EMBED", "BASE", "MGLYPH"].includes(el.tagName)) bad.push(el.tagName);
  }
  for (const el of document.querySelectorAll("div")) {
    if (el.textContent === "htmx" && el.hasAttribute("hx-get")) bad.push("htmx div");
  }
  return bad;
}"""


def _hostile_site(db, people):
    op = Actor.operator()
    people.add("boss")
    schema = {
        "fields": [{"name": "text", "type": "text"}],
        "controls": [
            {"name": "verdict", "type": "choices", "field": "text", "options": LABELS},
            {"name": "entities", "type": "spans", "field": "text", "labels": LABELS},
        ],
    }
    name = "<img src=x onerror=alert(1)>{{7*7}}"
    pid = projects.create_project(
        db, op, name=name, schema=json.dumps(schema), description="\n".join(CORPUS)
    ).id
    projects.set_member(db, op, pid, username="boss", role="manager")
    projects.set_guidelines(db, op, pid, "\n\n".join(CORPUS))
    for i, username in enumerate(NAME_CORPUS):
        info = users.create_user(db, op, username=username, password="correct horse battery")
        projects.set_member(db, op, pid, username=info.username, role="annotator")
        NAME_CORPUS[i] = info.username
    records = [
        SourceRecord(f"x:{i}", payload[:200], {"text": payload}, {"note": payload})
        for i, payload in enumerate(CORPUS)
    ]
    importing.import_records(db, op, pid, records, source="<svg onload=alert(1)>.jsonl")
    author = Actor(users.get_user(db, NAME_CORPUS[0]).id, NAME_CORPUS[0])
    item = assignment.next_item(db, author, pid)
    annotating.create_annotation(
        db, author, item.id, regions=[{"control": "verdict", "value": {"choices": [LABELS[0]]}}]
    )
    return pid


def _assert_inert(page, where):
    page.wait_for_load_state("networkidle")
    injected = page.evaluate(FIND_INJECTED)
    assert injected == [], (where, injected)
    assert "49" not in page.locator("main").inner_text().replace("1,049", ""), where


def test_corpus_is_inert_on_every_page(db, people, signed_in, screenshots):
    pid = _hostile_site(db, people)
    page = signed_in("boss")
    paths = [
        "/projects",
        f"/projects/{pid}",
        f"/projects/{pid}/items",
        f"/projects/{pid}/items?q={quote(CORPUS[0])}&annotator={quote(NAME_CORPUS[1])}",
        f"/projects/{pid}/items?label={quote(LABELS[0])}&meta_key=note",
        f"/projects/{pid}/items?sort={quote(CORPUS[4])}",  # reflected in the error message
        f"/projects/{pid}/settings",
        f"/projects/{pid}/guidelines",
        f"/projects/{pid}/import",
        f"/projects/{pid}/label",
    ]
    for path in paths:
        answer = page.goto(path)
        assert answer.status < 500, path
        _assert_inert(page, path)
    page.goto(f"/projects/{pid}/items")
    text = page.locator("#items").inner_text()
    assert "{{7*7}}" in text  # shown, as text
    assert "<script>alert(1)</script>" in text
    screenshots(page, "xss-items")
    # the live previews of the settings page render the corpus too
    page.goto(f"/projects/{pid}/settings")
    page.fill("#guidelines-text", "\n\n".join(CORPUS))
    page.locator("#guidelines-text").dispatch_event("input")
    page.wait_for_function(
        "document.querySelector('#guidelines-preview').textContent.includes('htmx')"
    )
    bad_schema = json.dumps({"fields": [{"name": CORPUS[1], "type": CORPUS[2]}], "controls": []})
    page.fill("#schema-text", bad_schema)
    page.locator("#schema-text").dispatch_event("input")
    page.wait_for_selector("#schema-errors")
    _assert_inert(page, "settings previews")
    # an uploaded file's name and its bad rows are listed inertly
    page.goto(f"/projects/{pid}/import")
    page.set_input_files(
        "#upload-file",
        files=[{
            "name": "<img src=x onerror=alert(1)>.jsonl",
            "mimeType": "application/json",
            "buffer": b'{"data": {"text": 1}, "id": "<svg onload=alert(1)>"}\\n',
        }],
    )  # fmt: skip
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#import-problems")
    _assert_inert(page, "upload result")
    assert "onerror" in page.locator("#import-problems").inner_text()


def test_reflected_login_next_and_error_pages(new_page, live_url):
    page = new_page()
    for payload in ('"><script>alert(1)</script>', "javascript:alert(1)", "//evil.example"):
        page.goto(f"/login?next={quote(payload)}")
        _assert_inert(page, payload)
        assert page.locator("input[name=next]").get_attribute("value") == "/projects"
