"""Spans by keyboard selection, per-region attributes and notes, and the overlap rule."""

from __future__ import annotations

SCHEMA = """
fields:
  - {name: text, type: text}
controls:
  - name: entities
    type: spans
    field: text
    allow_overlap: false
    labels: [{value: PER, hotkey: p}, {value: ORG, hotkey: o}]
    attributes:
      - {name: certainty, type: enum, options: [low, high]}
      - {name: nested, type: bool}
"""
TEXT = "Ada Lovelace met Charles Babbage."


def test_keyboard_selection_attributes_note_and_no_overlap(make_project, editor, stored):
    pid = make_project(SCHEMA, [{"text": TEXT}])
    page = editor(pid)
    page.keyboard.press("Alt+0")  # focus the text
    page.keyboard.press("Shift+ArrowRight")  # a caret appears at the start, then extends
    for _ in range(11):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("p")  # "Ada Lovelace" is a PER
    details = page.locator(".region-details")
    details.locator("label.attr", has_text="certainty").locator("select").select_option("high")
    details.locator("label.attr", has_text="nested").locator("input").check()
    details.locator("textarea.region-note").fill("first programmer")
    details.locator("textarea.region-note").press("Tab")  # commit the note (change event)
    page.keyboard.press("Escape")
    page.keyboard.press("Alt+0")
    page.keyboard.press("Control+Shift+ArrowRight")  # word-wise: "Ada"
    page.keyboard.press("o")  # overlaps "Ada Lovelace": refused with a message
    page.locator(".message.warn", has_text="does not allow overlapping").wait_for()
    page.keyboard.press("Control+Enter")
    page.locator(".all-done").wait_for()
    (annotation,) = stored(pid, status="submitted")
    (span,) = annotation.regions
    assert span["value"] == {"start": 0, "end": 12, "label": "PER", "text": "Ada Lovelace"}
    assert span["attributes"] == {"certainty": "high", "nested": True}
    assert span["note"] == "first programmer"
