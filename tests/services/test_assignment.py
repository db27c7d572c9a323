"""Next-item: leases, overlap, ordering, skip, expiry — and real concurrency."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from annota.errors import NotFound, PermissionDenied
from annota.services import annotating, assignment, projects
from annota.services.actor import Actor
from annota.store.db import Database
from annota.store.models import Assignment, Item

SUBMIT = [{"control": "sentiment", "value": {"choices": ["positive"]}}]


def test_reload_returns_the_same_leased_item(db, people, make_project):
    ann = people.add("ann")
    pid = make_project(5, members={ann: "annotator"})
    first = assignment.next_item(db, ann, pid)
    again = assignment.next_item(db, ann, pid)
    assert first is not None
    assert again is not None
    assert first.id == again.id
    assert first.external_id == "e0"


def test_sequential_order_and_submit_moves_on(db, people, make_project):
    ann = people.add("ann")
    pid = make_project(3, members={ann: "annotator"})
    seen = []
    while (item := assignment.next_item(db, ann, pid)) is not None:
        seen.append(item.external_id)
        annotating.create_annotation(db, ann, item.id, regions=SUBMIT)
    assert seen == ["e0", "e1", "e2"]
    assert assignment.recount(db, pid) == []


def test_overlap_gives_each_item_to_n_distinct_annotators(db, people, make_project):
    team = [people.add(f"a{i}") for i in range(3)]
    pid = make_project(4, members=dict.fromkeys(team, "annotator"), overlap=2)
    got: Counter[int] = Counter()
    for _round in range(5):
        for a in team:
            item = assignment.next_item(db, a, pid)
            if item is not None:
                got[item.id] += 1
                annotating.create_annotation(db, a, item.id, regions=SUBMIT)
    assert sorted(got.values()) == [2, 2, 2, 2]
    assert all(assignment.next_item(db, a, pid) is None for a in team)
    assert assignment.recount(db, pid) == []


def test_expired_lease_frees_the_slot(db, people, make_project):
    a, b = people.add("a"), people.add("b")
    pid = make_project(1, members={a: "annotator", b: "annotator"}, lease_seconds=60)
    t0 = datetime.now(UTC)
    held = assignment.next_item(db, a, pid, now=t0)
    assert held is not None
    assert assignment.next_item(db, b, pid, now=t0 + timedelta(seconds=30)) is None
    later = assignment.next_item(db, b, pid, now=t0 + timedelta(seconds=61))
    assert later is not None
    assert later.id == held.id
    assert assignment.recount(db, pid) == []


def test_skip_is_never_offered_again_and_frees_the_slot(db, people, make_project):
    a, b = people.add("a"), people.add("b")
    pid = make_project(2, members={a: "annotator", b: "annotator"})
    first = assignment.next_item(db, a, pid)
    assert first is not None
    assignment.skip_item(db, a, first.id, reason="unreadable")
    nxt = assignment.next_item(db, a, pid)
    assert nxt is not None
    assert nxt.id != first.id
    other = assignment.next_item(db, b, pid)
    assert other is not None
    assert other.id == first.id
    with db.read() as s:
        row = s.execute(
            select(Assignment).where(
                Assignment.item_id == first.id, Assignment.user_id == a.user_id
            )
        ).scalar_one()
        assert (row.status, row.skip_reason) == ("skipped", "unreadable")


def test_priority_and_random_orderings(db, people, make_project):
    ann = people.add("ann")
    pid = make_project(20, members={ann: "annotator"}, ordering="priority")
    with db.write() as s:
        item = s.execute(select(Item).where(Item.external_id == "e13")).scalar_one()
        item.priority = 5.0
    got = assignment.next_item(db, ann, pid)
    assert got is not None
    assert got.external_id == "e13"
    rid = make_project(20, members={ann: "annotator"}, ordering="random", name="r")
    order = []
    while (item2 := assignment.next_item(db, ann, rid)) is not None:
        order.append(int(item2.external_id[1:]))
        assignment.skip_item(db, ann, item2.id)
    assert sorted(order) == list(range(20))
    assert order != list(range(20))  # 1 in 20! chance of a false failure


def test_outsiders_and_the_operator_cannot_take_items(db, people, make_project):
    stranger = people.add("stranger")
    pid = make_project(1)
    with pytest.raises(NotFound, match="project"):
        assignment.next_item(db, stranger, pid)
    with pytest.raises(PermissionDenied, match="operator"):
        assignment.next_item(db, Actor.operator(), pid)


def _grab_all(db: Database, actor: Actor, pid: int, out: list[tuple[str, int]]) -> None:
    while (item := assignment.next_item(db, actor, pid)) is not None:
        out.append((actor.username, item.id))
        annotating.create_annotation(db, actor, item.id, regions=SUBMIT)


@pytest.mark.parametrize("overlap", [1, 2])
def test_threads_never_exceed_overlap_or_repeat(db, people, make_project, overlap):
    team = [people.add(f"t{i}") for i in range(8)]
    pid = make_project(30, members=dict.fromkeys(team, "annotator"), overlap=overlap)
    results: list[tuple[str, int]] = []
    threads = [threading.Thread(target=_grab_all, args=(db, a, pid, results)) for a in team]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    per_item = Counter(item for _, item in results)
    assert len(per_item) == 30
    assert set(per_item.values()) == {overlap}
    assert len(set(results)) == len(results)  # nobody got an item twice
    assert assignment.recount(db, pid) == []


WORKER = f"""
import json, sys
from annota.config import Settings
from annota.services import annotating, assignment
from annota.services.actor import Actor
from annota.store.db import Database
url, data_dir, uid, name, pid = sys.argv[1:]
db = Database(Settings(data_dir=data_dir, database_url=url or None))
actor = Actor(user_id=int(uid), username=name)
got = []
while (item := assignment.next_item(db, actor, int(pid))) is not None:
    got.append(item.id)
    annotating.create_annotation(db, actor, item.id, regions={SUBMIT!r})
print(json.dumps(got))
"""


def test_processes_share_items_correctly(db, settings, people, make_project):
    team = [people.add(f"p{i}") for i in range(4)]
    pid = make_project(40, members=dict.fromkeys(team, "annotator"))
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                settings.database_url or "",
                str(settings.data_dir),
                str(a.user_id),
                a.username,
                str(pid),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for a in team
    ]
    results = []
    for p in procs:
        out, _ = p.communicate(timeout=120)
        assert p.returncode == 0
        results += json.loads(out)
    assert len(results) == 40
    assert sorted(results) == sorted(set(results))
    assert assignment.recount(db, pid) == []
    stats = projects.project_stats(db, Actor.operator(), pid)
    assert (stats.submitted, stats.open_items) == (40, 0)
