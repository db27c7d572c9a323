"""Leasing ahead for the editor, and an annotator's own progress."""

from __future__ import annotations

import pytest

from annota.errors import InvalidInput, NotFound
from annota.services import annotating, assignment, workspace


def test_lease_ahead_gives_current_then_next_and_next_item_agrees(db, people, make_project):
    ann = people.add("ann")
    pid = make_project(5, members={ann: "annotator"})
    current, ahead = workspace.lease_ahead(db, ann, pid, size=2)
    assert current.id != ahead.id
    assert assignment.next_item(db, ann, pid).id == current.id  # the current one stays first
    again = workspace.lease_ahead(db, ann, pid, size=2)
    assert [i.id for i in again] == [current.id, ahead.id]  # asking again leases nothing new
    annotating.create_annotation(
        db, ann, current.id, regions=[{"control": "sentiment", "value": {"choices": ["neutral"]}}]
    )
    assert assignment.next_item(db, ann, pid).id == ahead.id  # the prefetched item is next
    after = workspace.lease_ahead(db, ann, pid, size=2)
    assert after[0].id == ahead.id
    assert len(after) == 2
    assert after[1].id not in {current.id, ahead.id}


def test_lease_ahead_respects_overlap_and_runs_dry(db, people, make_project):
    ann, bob = people.add("ann"), people.add("bob")
    pid = make_project(3, members={ann: "annotator", bob: "annotator"}, overlap=1)
    mine = [i.id for i in workspace.lease_ahead(db, ann, pid, size=3)]
    assert len(mine) == 3
    assert workspace.lease_ahead(db, bob, pid, size=2) == []  # every slot is held by ann


def test_lease_ahead_checks_size_and_membership(db, people, make_project):
    ann, out = people.add("ann"), people.add("out")
    pid = make_project(3, members={ann: "annotator"})
    with pytest.raises(InvalidInput, match="size must be 1 to 3"):
        workspace.lease_ahead(db, ann, pid, size=4)
    with pytest.raises(NotFound):
        workspace.lease_ahead(db, out, pid, size=2)


def test_progress_counts_own_submitted_skipped_and_remaining(db, people, make_project):
    ann = people.add("ann")
    pid = make_project(6, members={ann: "annotator"})
    first, second = workspace.lease_ahead(db, ann, pid, size=2)
    annotating.create_annotation(
        db, ann, first.id, regions=[{"control": "sentiment", "value": {"choices": ["neutral"]}}]
    )
    assignment.skip_item(db, ann, second.id, reason="blurry")
    got = workspace.progress(db, ann, pid)
    assert (got.submitted, got.skipped, got.remaining) == (1, 1, 4)
