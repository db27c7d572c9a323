"""Leasing as a state machine: random interleavings of next / submit / skip / time passing.

After every step: no item is held by more than ``overlap`` annotators, the stored counters
equal a recomputation from the assignment rows, a reload returns the same item, and nobody
is handed an item they already submitted or skipped. At the end, when every lease has run
out, the remaining work can always be finished: no starvation.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import func, select

from annota.formats import SourceRecord
from annota.services import annotating, assignment, importing, projects
from annota.services.actor import Actor
from annota.services.users import create_user
from annota.store.db import Database
from annota.store.models import Assignment, Item

REGIONS = [{"control": "sentiment", "value": {"choices": ["positive"]}}]
LEASE = 60
_counter = itertools.count()


def machine_for(db: Database, text_schema: str) -> type[RuleBasedStateMachine]:
    class Leasing(RuleBasedStateMachine):
        @initialize(n_items=st.integers(1, 5), overlap=st.integers(1, 3))
        def setup(self, n_items: int, overlap: int) -> None:
            run = next(_counter)
            op = Actor.operator()
            self.overlap = overlap
            self.pid = projects.create_project(
                db,
                op,
                name=f"sm{run}",
                schema=text_schema,
                settings={"overlap": overlap, "lease_seconds": LEASE},
            ).id
            importing.import_records(
                db,
                op,
                self.pid,
                [SourceRecord("x", f"i{i}", {"text": "t"}, {}) for i in range(n_items)],
                source="sm",
            )
            self.users = []
            for u in range(3):
                info = create_user(db, op, username=f"sm{run}u{u}", password="password!")
                projects.set_member(db, op, self.pid, username=info.username, role="annotator")
                self.users.append(Actor(info.id, info.username))
            self.now = datetime.now(UTC)
            self.holding: dict[int, tuple[int, datetime]] = {}  # user -> (item, lease end)
            self.finished: dict[int, set[int]] = {u: set() for u in range(3)}
            self.submitted: set[tuple[int, int]] = set()

        @rule(u=st.integers(0, 2))
        def next(self, u: int) -> None:
            self._expire()
            item = assignment.next_item(db, self.users[u], self.pid, now=self.now)
            if u in self.holding:
                assert item is not None
                assert item.id == self.holding[u][0]  # reload returns the same item
            elif item is not None:
                assert item.id not in self.finished[u]  # never a finished item again
            if item is not None:
                self.holding[u] = (item.id, self.now + timedelta(seconds=LEASE))

        def _expire(self) -> None:
            for u, (_item, until) in list(self.holding.items()):
                if until <= self.now:
                    del self.holding[u]

        @precondition(lambda self: bool(self.holding))
        @rule(data=st.data())
        def submit(self, data: st.DataObject) -> None:
            u = data.draw(st.sampled_from(sorted(self.holding)))
            item_id, _until = self.holding.pop(u)
            annotating.create_annotation(db, self.users[u], item_id, regions=REGIONS)
            self.submitted.add((u, item_id))
            self.finished[u].add(item_id)

        @precondition(lambda self: bool(self.holding))
        @rule(data=st.data())
        def skip(self, data: st.DataObject) -> None:
            u = data.draw(st.sampled_from(sorted(self.holding)))
            item_id, _until = self.holding.pop(u)
            assignment.skip_item(db, self.users[u], item_id, reason="sm")
            self.finished[u].add(item_id)

        @rule(seconds=st.sampled_from([10, LEASE + 1]))
        def advance(self, seconds: int) -> None:
            self.now += timedelta(seconds=seconds)
            self._expire()

        @invariant()
        def counters_match_rows(self) -> None:
            if hasattr(self, "pid"):
                assert assignment.recount(db, self.pid) == []

        @invariant()
        def overlap_never_exceeded(self) -> None:
            if hasattr(self, "pid"):
                per_item: dict[int, int] = {}
                for _u, item in self.submitted:
                    per_item[item] = per_item.get(item, 0) + 1
                assert all(n <= self.overlap for n in per_item.values())

        def teardown(self) -> None:
            if not hasattr(self, "pid"):
                return
            # No starvation: once every lease has expired, everyone can finish.
            self.now += timedelta(seconds=LEASE + 1)
            for actor in self.users:
                while item := assignment.next_item(db, actor, self.pid, now=self.now):
                    annotating.create_annotation(db, actor, item.id, regions=REGIONS)
            # Every item still open was offered to everybody (each submitted or skipped it).
            with db.read() as s:
                rows = s.execute(
                    select(Item.id, func.count(Assignment.id))
                    .outerjoin(Assignment, Assignment.item_id == Item.id)
                    .where(Item.project_id == self.pid, Item.open.is_(True))
                    .group_by(Item.id)
                ).all()
            assert all(n == len(self.users) for _, n in rows), rows

    return Leasing


@pytest.mark.slow
def test_leasing_state_machine(db, text_schema):
    machine = machine_for(db, text_schema)
    machine.TestCase.settings = settings(
        max_examples=25,
        stateful_step_count=20,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    machine.TestCase().runTest()
