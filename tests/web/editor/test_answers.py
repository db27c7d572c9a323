"""Taxonomy, rating and number answers, driven by the keyboard."""

from __future__ import annotations

SCHEMA = """
fields:
  - {name: text, type: text}
controls:
  - name: kind
    type: taxonomy
    leaf_only: true
    tree:
      - Animal:
          - Mammal: [Dog, Cat]
          - Bird
      - Plant
  - {name: quality, type: rating, max: 5}
  - {name: count, type: number, integer: true, min: 0}
"""


def test_taxonomy_rating_and_number_by_keyboard(make_project, editor, stored, screenshots):
    pid = make_project(SCHEMA, [{"text": "A dog in a garden"}])
    page = editor(pid)
    page.keyboard.press("Alt+1")  # focus the taxonomy search
    page.keyboard.type("a")  # paths with an "a": Dog, Cat, Bird (all under Animal), Plant
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # the fourth: Plant
    page.keyboard.press("Escape")
    page.keyboard.press("Alt+2")  # rating
    page.keyboard.press("4")
    page.keyboard.press("Alt+3")  # number
    page.keyboard.type("42")
    page.keyboard.press("Escape")
    screenshots(page, "editor-answers")
    page.keyboard.press("Control+Enter")
    page.locator(".all-done").wait_for()
    (annotation,) = stored(pid, status="submitted")
    assert annotation.regions == [
        {"control": "kind", "value": {"paths": [["Plant"]]}},
        {"control": "quality", "value": {"rating": 4}},
        {"control": "count", "value": {"number": 42}},
    ]
