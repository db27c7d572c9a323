"""A session that ends mid-edit loses nothing: the save waits, then goes after signing in."""

from __future__ import annotations

SCHEMA = """
fields:
  - {name: text, type: text}
  - {name: row, type: table}
  - {name: picture, type: image, required: false}
controls:
  - {name: verdict, type: choices, field: row, options: [ok, broken]}
  - {name: bad_cells, type: choices, field: row, multiple: true, options: [price, city]}
"""
ROW = {"price": "12.50", "city": "<img src=x onerror=alert(1)>", "sku": "A-1"}


def test_expired_session_keeps_the_submit_and_sends_it_after_login(
    make_project, editor, stored, password, screenshots
):
    pid = make_project(SCHEMA, [{"text": "Two fields", "row": ROW}, {"text": "next", "row": ROW}])
    page = editor(pid)
    page.keyboard.press("2")  # verdict: broken
    page.locator('td[data-key="city"]').click()  # flag a cell with the mouse
    screenshots(page, "editor-table")
    csrf = page.locator('meta[name="csrf-token"]').get_attribute("content")
    ended = page.context.request.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert ended.status == 204
    page.keyboard.press("Control+Enter")
    dialog = page.get_by_role("dialog", name="Sign in again")
    dialog.wait_for()
    assert stored(pid) == []
    dialog.locator('input[name="username"]').fill("ann")
    dialog.locator('input[name="password"]').fill(password)
    dialog.locator('button[type="submit"]').click()
    page.locator('.done-count:text("1")').wait_for()
    (annotation,) = stored(pid, status="submitted")
    assert annotation.regions == [
        {"control": "verdict", "value": {"choices": ["broken"]}},
        {"control": "bad_cells", "value": {"choices": ["city"]}},
    ]
    # the hostile cell was shown as text, not markup
    assert page.locator('td[data-key="city"]').inner_text() == ROW["city"]
    assert page.locator(".item-view img").count() == 0
