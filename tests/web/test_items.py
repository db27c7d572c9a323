"""The item browser: keyset paging under every sort, each filter, and the htmx partial."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from annota.errors import InvalidInput, NotFound, PermissionDenied
from annota.formats import SourceRecord
from annota.services import importing, item_search
from annota.services.actor import Actor
from annota.services.item_search import ItemQuery


def _all_pages(db, actor, pid, **kw):
    seen, after, pages = [], None, 0
    while True:
        page = item_search.search_items(db, actor, pid, ItemQuery(after=after, limit=7, **kw))
        seen += page.items
        pages += 1
        if page.next_cursor is None:
            return seen, pages
        after = page.next_cursor


def test_every_sort_pages_through_each_item_once(db, site):
    op = Actor.operator()
    with db.engine.begin() as conn:  # distinct and tied priorities
        conn.execute(
            text("UPDATE items SET priority = id % 4 WHERE project_id = :p"),
            {"p": site.project_id},
        )
    ids = sorted(site.item_ids)
    for sort in ("id", "-id", "priority", "done"):
        items, pages = _all_pages(db, op, site.project_id, sort=sort)
        got = [i.id for i in items]
        assert sorted(got) == ids, sort
        assert pages == 5
        if sort == "id":
            assert got == ids
        elif sort == "-id":
            assert got == ids[::-1]
        elif sort == "priority":
            assert got == sorted(
                ids, key=lambda i: (-next(x.priority for x in items if x.id == i), i)
            )
        else:
            assert got == sorted(ids, key=lambda i: (next(x.done for x in items if x.id == i), i))


def test_filters(db, site):
    op = Actor.operator()
    pid = site.project_id
    annotated = site.item_ids[0]

    def ids(**kw):
        return [i.id for i in _all_pages(db, op, pid, **kw)[0]]

    assert ids(state="annotated") == [annotated]
    assert len(ids(state="unannotated")) == 29
    assert len(ids(state="open")) == 29  # overlap 1: the annotated item is complete
    assert ids(state="complete") == [annotated]
    assert ids(annotator="annotator") == [annotated]
    assert ids(annotator="reviewer") == []
    assert ids(label="positive") == [annotated]
    assert ids(label="negative") == []
    assert ids(label="posi%") == []
    assert len(ids(meta_key="lang", meta_value="en")) == 15
    assert len(ids(meta_key="lang")) == 30
    assert ids(meta_key="nope", meta_value="x") == []
    cats = ids(text="cats")
    assert len(cats) == 10
    assert ids(text="about cats") == cats
    assert ids(text="CATS") == cats
    assert len(ids(text="number 7")) == 1
    assert ids(text='cats" OR "dogs') == []  # quotes are data, not FTS syntax
    assert ids(text="cats", state="annotated") == [annotated]


@pytest.mark.parametrize(
    ("query", "where"),
    [
        (ItemQuery(state="weird"), "state"),
        (ItemQuery(sort="name; DROP TABLE items"), "sort"),
        (ItemQuery(meta_key="a'b"), "meta_key"),
        (ItemQuery(after="1:x"), "after"),
        (ItemQuery(sort="priority", after="nan-ish:1"), "after"),
        (ItemQuery(text="x" * 201), "text"),
    ],
)
def test_bad_queries_are_refused_with_location(db, site, query, where):
    with pytest.raises(InvalidInput) as err:
        item_search.search_items(db, Actor.operator(), site.project_id, query)
    assert err.value.location == where


def test_unknown_annotator_and_roles(db, site, people):
    with pytest.raises(NotFound):
        item_search.search_items(db, Actor.operator(), site.project_id, ItemQuery(annotator="x"))
    with pytest.raises(PermissionDenied):
        item_search.search_items(db, people.actors["annotator"], site.project_id, ItemQuery())
    with pytest.raises(NotFound):
        item_search.search_items(db, people.actors["outsider"], site.project_id, ItemQuery())


def test_new_items_are_searchable(db, site):
    op = Actor.operator()
    importing.import_records(
        db,
        op,
        site.project_id,
        [SourceRecord("n", "new-1", {"text": "zebra crossing"}, {})],
        source="n",
    )
    assert len(_all_pages(db, op, site.project_id, text="zebra")[0]) == 1


def test_item_page_and_htmx_partial(site, page_client):
    client = page_client("reviewer")
    url = f"/projects/{site.project_id}/items"
    full = client.get(url, params={"q": "cats", "meta_key": "lang", "meta_value": "en"})
    assert full.status_code == 200
    assert '<form class="filters"' in full.text
    assert len(re.findall(r"<tr data-item-id=", full.text)) == 5
    part = client.get(
        url, params={"q": "cats"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert "<form" not in part.text
    assert len(re.findall(r"<tr data-item-id=", part.text)) == 10
    bad = client.get(url, params={"sort": "evil"})
    assert bad.status_code == 400
    assert "sort" in bad.text
