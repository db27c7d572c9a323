"""Drafts, double submit, undo/redo, help, skip and pre-labels in a real browser."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import text

from annota.services import annotating
from annota.services.actor import Actor

SCHEMA = """
fields:
  - {name: text, type: text}
controls:
  - {name: sentiment, type: choices, options: [positive, negative, neutral]}
  - {name: entities, type: spans, field: text, labels: [PER, ORG]}
"""
ITEMS = [{"text": f"Alice met Bob in Paris, take {i}."} for i in range(4)]


def pressed(page, value: str) -> bool:
    return page.locator(f'.choice[data-value="{value}"]').get_attribute("aria-pressed") == "true"


def test_draft_survives_a_reload(make_project, editor, stored):
    pid = make_project(SCHEMA, ITEMS)
    page = editor(pid)
    page.keyboard.press("2")
    page.locator('.save-state[data-state="All changes saved"]').wait_for(timeout=15_000)
    (draft,) = stored(pid, status="draft")
    assert draft.regions == [{"control": "sentiment", "value": {"choices": ["negative"]}}]
    page.reload()
    page.locator('.choice[data-value="negative"][aria-pressed="true"]').wait_for()
    page.keyboard.press("3")  # changed, then reloaded before any autosave: kept locally
    page.reload()
    page.locator('.choice[data-value="neutral"][aria-pressed="true"]').wait_for()


def test_double_control_enter_stores_one_annotation(make_project, editor, stored):
    pid = make_project(SCHEMA, ITEMS)
    page = editor(pid)
    first = page.locator(".item-id").get_attribute("data-item-id")
    page.keyboard.press("1")
    page.keyboard.press("Control+Enter")
    page.keyboard.press("Control+Enter")
    page.locator(f'.item-id:not([data-item-id="{first}"])').wait_for()
    page.locator('.done-count:text("1")').wait_for()
    assert [a.item_id for a in stored(pid)] == [int(first)]


def test_undo_redo_and_help_overlay(make_project, editor, screenshots):
    pid = make_project(SCHEMA, ITEMS)
    page = editor(pid)
    page.keyboard.press("1")
    page.keyboard.press("2")
    assert pressed(page, "negative")
    page.keyboard.press("Control+z")
    assert pressed(page, "positive")
    assert not pressed(page, "negative")
    page.keyboard.press("Control+z")
    assert not pressed(page, "positive")
    page.keyboard.press("Control+Shift+z")
    page.keyboard.press("Control+y")
    assert pressed(page, "negative")
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    dialog.wait_for()
    assert "Submit and go to the next item" in dialog.inner_text()
    assert "“positive”" in dialog.inner_text()
    screenshots(page, "editor-help")
    page.keyboard.press("?")
    dialog.wait_for(state="detached")


def test_skip_with_reason(make_project, editor, db):
    pid = make_project(SCHEMA, ITEMS)
    page = editor(pid)
    first = page.locator(".item-id").get_attribute("data-item-id")
    page.keyboard.press("Alt+s")
    # The dialog mounts on the next render; a person sees it before typing, so does the test.
    reason = page.get_by_role("dialog", name="Skip this item").locator("input[name=reason]")
    expect(reason).to_be_focused()
    page.keyboard.type("unreadable")
    page.keyboard.press("Enter")
    page.locator(f'.item-id:not([data-item-id="{first}"])').wait_for()
    with db.engine.connect() as conn:
        reason = conn.execute(
            text("SELECT skip_reason FROM assignments WHERE item_id = :i"), {"i": int(first)}
        ).scalar()
    assert reason == "unreadable"


def test_prelabels_are_accepted_or_rejected(make_project, editor, stored, db, screenshots):
    pid = make_project(SCHEMA, ITEMS[:1])
    (item_id,) = [i["id"] for i in _items(db, pid)]
    annotating.add_prediction(
        db,
        Actor.operator(),
        item_id,
        model_name="ner-model",
        score=0.9,
        regions=[
            {"control": "sentiment", "value": {"choices": ["neutral"]}},
            {"control": "entities", "id": "p1", "value": {"start": 0, "end": 5, "label": "PER"}},
            {"control": "entities", "id": "p2", "value": {"start": 10, "end": 13, "label": "PER"}},
        ],
    )
    page = editor(pid)
    page.locator(".suggestions").wait_for()
    assert page.locator(".annota-text .seg.sugg").count() == 2
    screenshots(page, "editor-prelabels")
    page.locator(".suggestion li", has_text="Bob").locator("button.reject").click()
    page.keyboard.press("Alt+a")  # accept the rest
    page.locator(".suggestions").wait_for(state="detached")
    page.keyboard.press("1")  # edit the accepted answer: positive instead of neutral
    page.keyboard.press("Control+Enter")
    page.locator(".all-done").wait_for()
    (annotation,) = stored(pid, status="submitted")
    assert sorted(annotation.regions, key=lambda r: r["control"]) == [
        {
            "control": "entities",
            "id": annotation.regions[1]["id"],
            "value": {"start": 0, "end": 5, "label": "PER"},
        },
        {"control": "sentiment", "value": {"choices": ["positive"]}},
    ]


def _items(db, pid):
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id FROM items WHERE project_id = :p"), {"p": pid})
        return [{"id": r.id} for r in rows]
