"""The pages in a real browser: the schema editor, the item browser, uploads, and the
security headers; screenshots of each main screen go to tests/web/artifacts/."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect
from sqlalchemy import text

from annota.formats import SourceRecord
from annota.services import importing
from annota.services.actor import Actor

BAD = """fields:
  - {name: text, type: text}
controls:
  - {name: sentiment, type: choices, field: text, options: []}
"""


def test_security_headers_on_pages_and_static(site, live_url, page_client):
    for path in ("/login", "/static/web/app.js", "/projects"):
        answer = httpx.get(live_url + path, follow_redirects=False)
        csp = answer.headers["content-security-policy"]
        assert "unsafe-inline" not in csp
        assert "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
    api = httpx.get(live_url + "/api/v1/auth/me")
    assert api.headers["content-security-policy"].startswith("default-src 'none'")
    css = httpx.get(live_url + "/static/web/app.css")
    assert css.headers["content-type"] == "text/css; charset=utf-8"
    assert css.headers["cache-control"] == "no-cache"
    again = httpx.get(
        live_url + "/static/web/app.css", headers={"If-None-Match": css.headers["etag"]}
    )
    assert again.status_code == 304
    vendor = httpx.get(live_url + "/static/vendor/htmx-2.0.11/htmx.min.js")
    assert "immutable" in vendor.headers["cache-control"]
    assert httpx.get(live_url + "/static/web/").status_code == 404
    assert httpx.get(live_url + "/static/../../app.py").status_code == 404


def test_main_screens(site, signed_in, screenshots, db):
    pid = site.project_id
    page = signed_in("manager")
    page.goto("/projects")
    screenshots(page, "projects")
    page.click(f"a[href='/projects/{pid}']")
    assert page.locator("[data-stat=items]").inner_text() == "30"
    screenshots(page, "overview")
    page.goto(f"/projects/{pid}/label")
    page.wait_for_load_state("networkidle")
    screenshots(page, "label")
    page.goto(f"/projects/{pid}/settings")
    page.fill("#guidelines-text", "# Guidelines\n\nMark **people** as `PER`.\n\n- one\n- two")
    page.locator("#guidelines-text").dispatch_event("input")
    expect(page.locator("#guidelines-preview strong")).to_have_text("people")
    screenshots(page, "settings")


def test_schema_editor_refuses_a_bad_schema_in_place(site, signed_in, screenshots):
    page = signed_in("manager")
    page.goto(f"/projects/{site.project_id}/settings")
    assert page.locator("#schema-preview [data-control=sentiment]").count() == 1
    page.fill("#schema-text", BAD)
    page.locator("#schema-text").dispatch_event("input")
    errors = page.locator("#schema-preview #schema-errors")
    errors.wait_for()
    assert "controls[0]" in errors.inner_text()
    page.click("#schema-editor button[type=submit]")
    page.wait_for_load_state()
    assert "controls[0]" in page.locator("#schema-editor #schema-errors").inner_text()
    assert "options: []" in page.input_value("#schema-text")
    screenshots(page, "settings-schema-error")
    page.fill("#schema-text", BAD.replace("options: []", "options: [good, bad, ugly]"))
    page.locator("#schema-text").dispatch_event("input")
    page.locator("#schema-preview .kbd").nth(2).wait_for()
    chips = page.locator("#schema-preview [data-control=sentiment] .chip")
    assert chips.all_inner_texts() == ["1 good", "2 bad", "3 ugly"]
    page.click("#schema-editor button[type=submit]")
    page.wait_for_url("**saved=schema")
    assert "v2" in page.locator("#schema-editor h2").inner_text()


def test_item_browser_filters_and_pages(site, signed_in, screenshots, db):
    op = Actor.operator()
    records = [
        SourceRecord(f"m:{i}", f"more-{i}", {"text": f"extra cats {i}"}, {}) for i in range(60)
    ]
    importing.import_records(db, op, site.project_id, records, source="more")
    page = signed_in("reviewer")
    page.goto(f"/projects/{site.project_id}/items")
    rows = page.locator("#items tbody tr")
    assert rows.count() == 50
    first = rows.first.get_attribute("data-item-id")
    page.click("#next-page")
    expect(rows.first).not_to_have_attribute("data-item-id", first)
    expect(rows).to_have_count(40)
    assert "after=" in page.url  # the page is linkable
    page.fill("input[name=q]", "cats")
    expect(rows).to_have_count(50)
    page.select_option("select[name=sort]", "-id")
    expect(rows.first).to_have_attribute("data-item-id", str(site.item_ids[-1] + 60))
    screenshots(page, "items")
    page.fill("input[name=annotator]", "annotator")
    page.fill("input[name=q]", "")
    page.click(".filters button[type=submit]")
    expect(rows).to_have_count(1)
    assert page.locator("#items tbody tr").get_attribute("data-item-id") == str(site.item_ids[0])


def test_upload_with_progress_then_export(site, signed_in, screenshots, db):
    page = signed_in("manager")
    page.goto(f"/projects/{site.project_id}/import")
    body = "\n".join(f'{{"id": "u{i}", "data": {{"text": "uploaded {i}"}}}}' for i in range(2000))
    page.set_input_files(
        "#upload-file",
        files=[{"name": "batch.jsonl", "mimeType": "application/json", "buffer": body.encode()}],
    )
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#import-report")
    assert "2000 items added" in page.locator("#import-report").inner_text()
    assert page.locator("#upload-progress").get_attribute("value") == "100"
    screenshots(page, "import")
    with db.engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM items WHERE project_id = :p"), {"p": site.project_id}
        ).scalar_one()
    assert count == 2030
    with page.expect_download() as info:
        page.click("#export-button")
    path = info.value.path()
    with open(path, encoding="utf-8") as fh:
        assert sum(1 for _ in fh) == 2030
    assert info.value.suggested_filename == f"project-{site.project_id}.jsonl"
