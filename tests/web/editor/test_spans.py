"""Spans and relations made with the mouse are stored at Python code-point offsets."""

from __future__ import annotations

SCHEMA = """
fields:
  - {name: text, type: text}
controls:
  - {name: entities, type: spans, field: text, labels: [PER, ORG]}
  - {name: links, type: relations, labels: [works_for]}
"""
# an emoji (2 UTF-16 units), a CRLF, a combining accent and a ZWJ sequence before the names
TEXT = "Hi 😀 there!\r\nMe\u0301lanie 👩\u200d💻 works at ACME 🚀 Corp."

RECT_OF = """([needle, which]) => {
  const box = document.querySelector('.annota-text');
  const full = box.textContent;
  const at = full.indexOf(needle);
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  let seen = 0, node, range = document.createRange();
  const want = which === 'start' ? at : at + needle.length - 1;
  while ((node = walker.nextNode())) {
    if (seen + node.length > want) {
      range.setStart(node, want - seen);
      range.setEnd(node, want - seen + 1);
      const r = range.getBoundingClientRect();
      return [r.left, r.top, r.width, r.height];
    }
    seen += node.length;
  }
  return null;
}"""


def drag_select(page, needle: str) -> None:
    """Select ``needle`` in the text by dragging the real mouse across it."""
    x1, y1, _w1, h1 = page.evaluate(RECT_OF, [needle, "start"])
    x2, y2, w2, h2 = page.evaluate(RECT_OF, [needle, "end"])
    page.mouse.move(x1 + 1, y1 + h1 / 2)
    page.mouse.down()
    page.mouse.move(x2 + w2 - 1, y2 + h2 / 2, steps=4)
    page.mouse.up()


def click_text(page, needle: str) -> None:
    x, y, w, h = page.evaluate(RECT_OF, [needle, "start"])
    page.mouse.click(x + w / 2, y + h / 2)


def test_mouse_spans_and_relation_have_code_point_offsets(
    make_project, editor, stored, screenshots
):
    pid = make_project(SCHEMA, [{"text": TEXT}])
    page = editor(pid)
    person = "Me\u0301lanie"
    company = "ACME 🚀 Corp"
    drag_select(page, person)
    page.keyboard.press("1")  # first span label over a selection: PER
    drag_select(page, company)
    page.keyboard.press("2")  # ORG
    assert page.locator(".annota-text .seg").count() >= 2
    click_text(page, person)
    page.keyboard.press("Alt+r")
    click_text(page, "ACME")
    page.locator(".annota-arrows path.rel").wait_for()
    screenshots(page, "editor-spans-relations")
    page.keyboard.press("Control+Enter")
    page.locator(".all-done").wait_for()
    (annotation,) = stored(pid, status="submitted")
    spans = {r["value"]["label"]: r for r in annotation.regions if r["control"] == "entities"}
    for label, needle in (("PER", person), ("ORG", company)):
        start = TEXT.index(needle)
        value = spans[label]["value"]
        assert (value["start"], value["end"]) == (start, start + len(needle)), label
        assert value["text"] == needle
    (relation,) = [r for r in annotation.regions if r["control"] == "links"]
    assert relation["value"] == {
        "from": spans["PER"]["id"],
        "to": spans["ORG"]["id"],
        "label": "works_for",
    }


def test_snap_widens_a_partial_selection_to_whole_words(make_project, editor, stored):
    pid = make_project(SCHEMA, [{"text": TEXT}])
    page = editor(pid)
    page.keyboard.press("Alt+t")  # snap to tokens
    drag_select(page, "lani")  # inside "Mélanie"
    page.keyboard.press("1")
    page.keyboard.press("Control+Enter")
    page.locator(".all-done").wait_for()
    (annotation,) = stored(pid, status="submitted")
    (span,) = annotation.regions
    start = TEXT.index("Me\u0301lanie")
    assert (span["value"]["start"], span["value"]["end"]) == (start, start + 8)
