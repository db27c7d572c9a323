"""An annotator labels items by keyboard only; what is stored is exactly what was typed."""

from __future__ import annotations

SCHEMA = """
fields:
  - {name: text, type: text}
controls:
  - {name: sentiment, type: choices, options: [positive, negative, neutral], required: true}
  - {name: topics, type: choices, multiple: true, options: [sport, politics]}
  - {name: comment, type: textarea}
"""
OPTIONS = ["positive", "negative", "neutral"]


def current_item(page) -> int:
    return int(page.locator(".item-id").get_attribute("data-item-id"))


def test_twenty_items_by_keyboard_only(make_project, editor, stored, screenshots):
    pid = make_project(SCHEMA, [{"text": f"Text number {i}"} for i in range(25)])
    page = editor(pid)
    expected = {}
    for i in range(20):
        item = current_item(page)
        page.keyboard.press(str(1 + i % 3))
        if i % 4 == 0:
            page.keyboard.press("4")
        if i % 5 == 0:
            page.keyboard.press("5")
        regions = [{"control": "sentiment", "value": {"choices": [OPTIONS[i % 3]]}}]
        topics = [t for t, on in (("sport", i % 4 == 0), ("politics", i % 5 == 0)) if on]
        if topics:
            regions.append({"control": "topics", "value": {"choices": topics}})
        if i % 2 == 0:
            page.keyboard.press("Alt+1")
            page.keyboard.type(f"note {i} ünïcödé 😀")
            page.keyboard.press("Escape")
            regions.append({"control": "comment", "value": {"text": f"note {i} ünïcödé 😀"}})
        if i == 0:
            screenshots(page, "editor-classification")
        expected[item] = regions
        page.keyboard.press("Control+Enter")
        page.locator(f'.item-id:not([data-item-id="{item}"])').wait_for()
    got = {a.item_id: a.regions for a in stored(pid, status="submitted")}
    assert got == expected
    assert len(stored(pid)) == 20
