"""The item browser's queries are served by indexes (migration 0005), on both engines.

Measured with 1,000,000 items (see the report of issue 4): every sort and the full-text
search answer in milliseconds. Here the *plans* are checked on small data, since a plan
that scans or sorts the whole table is what turns a page into seconds at that size.
PostgreSQL runs with ``enable_seqscan = off``, which still falls back to a sequential scan
(at a prohibitive cost) when no index fits, so a missing index shows in the plan.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from annota.services import item_search
from annota.services.actor import Actor
from annota.services.item_search import ItemQuery
from annota.store.models import Item


def _captured_sql(db, query, pid):
    seen = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        if "FROM items" in statement and "ORDER BY" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        item_search.search_items(db, Actor.operator(), pid, query)
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)
    assert len(seen) == 1
    return seen[0]


def _plan(db, statement, parameters):
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        if db.is_sqlite:
            cur.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            return "\n".join(str(row[-1]) for row in cur.fetchall())
        cur.execute("SET enable_seqscan = off")
        cur.execute("EXPLAIN " + statement, parameters)
        plan = "\n".join(row[0] for row in cur.fetchall())
        cur.execute("RESET enable_seqscan")
        return plan
    finally:
        raw.close()


@pytest.mark.parametrize(
    ("query", "index"),
    [
        (ItemQuery(sort="id"), "ix_items_project_order"),
        (ItemQuery(sort="-id"), "ix_items_project_order"),
        (ItemQuery(sort="priority", after="5.0:3"), "ix_items_project_priority"),
        (ItemQuery(sort="done"), "ix_items_project_done"),
        (ItemQuery(state="open"), "ix_items_next_seq"),
        (ItemQuery(text="cats"), "fts"),
    ],
)
def test_browser_queries_use_an_index(db, site, query, index):
    statement, parameters = _captured_sql(db, query, site.project_id)
    plan = _plan(db, statement, parameters)
    if db.is_sqlite:
        if index == "fts":
            assert "VIRTUAL TABLE INDEX" in plan, plan
        else:
            assert f"USING INDEX {index}" in plan or "USING COVERING INDEX" in plan, plan
            assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
    else:
        assert "Seq Scan on items" not in plan, plan
        if index != "fts":
            assert index in plan or "ix_items_project_order" in plan, plan


def test_text_condition_matches_the_full_text_index(db, site):
    """The service's text condition alone is answered from the FTS table / GIN index."""
    condition = item_search._text_filter(db, "cats")
    compiled = select(Item.id).where(condition).compile(db.engine)
    statement = str(compiled)
    if db.is_sqlite:
        params = tuple(compiled.params[k] for k in compiled.positiontup)
    else:
        params = dict(compiled.params)
    plan = _plan(db, statement, params)
    assert ("VIRTUAL TABLE INDEX" if db.is_sqlite else "ix_items_fts") in plan, plan
