"""A 200 kB document with 2,000 spans, and hostile strings everywhere, in a real browser."""

from __future__ import annotations

import json
import random

from sqlalchemy import text as sql

from annota.services import annotating, assignment
from annota.services.actor import Actor

NER = """
fields: [{name: text, type: text}]
controls:
  - {name: entities, type: spans, field: text, labels: [PER, ORG, LOC, MISC]}
"""
XSS = [
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=window.__pwned=1>",
    '"><svg onload=window.__pwned=1>',
    "javascript:window.__pwned=1",
    "{{7*7}}${7*7}",
]


def test_a_200_kb_document_with_2000_spans_renders(make_project, editor, db, people):
    rng = random.Random(7)
    words = [rng.choice(["alpha", "beta", "gamma", "delta", "epsilon"]) for _ in range(36_000)]
    text = " ".join(words)
    assert len(text.encode()) > 200_000
    starts, pos = [], 0
    for w in words:
        starts.append((pos, pos + len(w)))
        pos += len(w) + 1
    chosen = sorted(rng.sample(range(len(words)), 2000))
    regions = [
        {
            "control": "entities",
            "id": f"s{i}",
            "value": {"start": starts[w][0], "end": starts[w][1], "label": "PER"},
        }
        for i, w in enumerate(chosen)
    ]
    pid = make_project(NER, [{"text": text}])
    item = assignment.next_item(db, people.actors["ann"], pid)
    annotating.create_annotation(db, people.actors["ann"], item.id, regions=regions, status="draft")
    page = editor(pid)
    page.locator(".annota-text .seg").first.wait_for()
    assert page.locator(".annota-text .seg").count() == 2000
    assert page.locator(".annota-text").inner_text() == text
    page.keyboard.press("Alt+ArrowUp")  # select the last span: scrolled into view
    assert page.locator(".annota-text .seg.sel").count() == 1
    assert page.locator(".annota-text .seg.sel").inner_text() == text[slice(*starts[chosen[-1]])]


def test_hostile_strings_stay_inert(make_project, editor, db, stored, screenshots):
    payload = " ".join(XSS)
    schema = {
        "title": XSS[0],
        "fields": [
            {"name": "text", "type": "text", "description": XSS[1]},
            {"name": "row", "type": "table"},
        ],
        "controls": [
            {"name": "verdict", "type": "choices", "description": XSS[2], "options": XSS[:3]},
            {
                "name": "entities",
                "type": "spans",
                "field": "text",
                "labels": [{"value": XSS[1], "color": "red; background: url(https://x.invalid)"}],
            },
            {"name": "kind", "type": "taxonomy", "tree": [{"value": XSS[0], "children": [XSS[1]]}]},
        ],
    }
    pid = make_project(
        json.dumps(schema),
        [{"text": payload, "row": {XSS[0]: XSS[1]}, XSS[2]: XSS[3]}],
        guidelines=f"# Rules\n\n{payload}\n\n[click](javascript:window.__pwned=1)",
    )
    annotating.add_prediction(
        db,
        Actor.operator(),
        _item_id(db, pid),
        model_name=XSS[1],
        regions=[{"control": "verdict", "value": {"choices": [XSS[0]]}}],
    )
    page = editor(pid)
    page.keyboard.press("Alt+g")
    page.locator(".guidelines h3, .guidelines h1, .guidelines h2").first.wait_for()
    page.locator(".meta summary").click()
    screenshots(page, "editor-hostile")
    assert page.evaluate("() => window.__pwned") is None
    assert (
        page.locator(
            ".annota-editor script, .annota-editor svg[onload], .annota-editor img[onerror]"
        ).count()
        == 0
    )
    assert page.locator(".guidelines a[href^='javascript']").count() == 0
    assert payload in page.locator(".annota-text, .plain-text").first.inner_text()
    page.keyboard.press("1")  # the first option, a <script> string, chosen as plain text
    page.keyboard.press("Control+Enter")
    page.locator(".all-done").wait_for()
    (annotation,) = stored(pid, status="submitted")
    assert annotation.regions == [{"control": "verdict", "value": {"choices": [XSS[0]]}}]


def _item_id(db, pid):
    with db.engine.connect() as conn:
        return conn.execute(sql("SELECT id FROM items WHERE project_id = :p"), {"p": pid}).scalar()
