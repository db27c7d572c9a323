"""The quality workflow over 1,000,000 stored answers: Dawid-Skene refit, dashboards, consensus.

100,000 items x 10 annotators with known confusion matrices (accuracy 0.55 .. 0.95, errors
uniform over the other classes) are written straight into a real database (SQLite by
default, PostgreSQL with ``--database-url``), as submitted annotations plus their flattened
choice votes. Then, through the services:

- the project-wide Dawid-Skene fit on the stored votes (``consensus._fit``), its accuracy
  against the simulated truth and its largest error on the known confusion matrices;
- the agreement, annotator and confusion dashboards;
- per-item consensus as it runs on each completing submit, on ``--consensus-items`` items.

Seconds are wall time; memory is the tracemalloc peak of each phase (Python and NumPy)::

    .venv/bin/python bench/quality/workflow_1m.py --items 100000
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from annota.config import Settings
from annota.formats import SourceRecord
from annota.quality import DawidSkene
from annota.services import consensus, dashboards, importing, projects, users
from annota.services.access import project_for, project_row
from annota.services.actor import Actor
from annota.services.roles import Need
from annota.store.db import Database
from annota.store.migrate import upgrade

CLASSES = ["a", "b", "c", "d", "e"]
SCHEMA = {
    "fields": [{"name": "text", "type": "text"}],
    "controls": [{"name": "label", "type": "choices", "field": "text", "options": CLASSES}],
}


def measure(name: str, run: Callable[[], Any]) -> Any:
    tracemalloc.start()
    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{name:<44} {seconds:8.2f} s   peak {peak / 2**20:8.1f} MiB")
    return result


def simulate(n_items: int, n_annotators: int, seed: int) -> tuple[np.ndarray, np.ndarray, Any]:
    rng = np.random.default_rng(seed)
    k = len(CLASSES)
    truth = rng.integers(0, k, n_items)
    accuracy = np.linspace(0.55, 0.95, n_annotators)
    confusion = np.array(
        [np.full((k, k), (1 - a) / (k - 1)) + np.eye(k) * (a - (1 - a) / (k - 1)) for a in accuracy]
    )
    labels = np.empty((n_items, n_annotators), dtype=np.int64)
    for j in range(n_annotators):
        cumulative = confusion[j][truth].cumsum(axis=1)
        labels[:, j] = (rng.random(n_items)[:, None] > cumulative).sum(axis=1)
    return truth, labels, confusion


def populate(db: Database, pid: int, user_ids: list[int], labels: np.ndarray) -> None:
    """Answers and votes as the submit path would leave them (bulk, one transaction)."""
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    with db.engine.begin() as conn:
        item_ids = [
            r[0]
            for r in conn.exec_driver_sql(
                f"SELECT id FROM items WHERE project_id = {pid} ORDER BY id"
            )
        ]
        first = (
            conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM annotations").scalar() or 0
        ) + 1
        mark = "?" if db.is_sqlite else "%s"
        ann_sql = (
            "INSERT INTO annotations (id, project_id, item_id, author_kind, author_id, "
            "author_name, status, regions, schema_version, guidelines_version, lead_time, "
            "version, created_at, updated_at) "
            f"VALUES ({', '.join([mark] * 14)})"
        )
        vote_sql = (
            "INSERT INTO choice_votes (project_id, item_id, annotation_id, author_id, "
            "is_consensus, control, label) "
            f"VALUES ({', '.join([mark] * 7)})"
        )
        regions = [
            orjson.dumps([{"control": "label", "value": {"choices": [c]}}]).decode()
            for c in CLASSES
        ]
        batch = 50_000
        ann_rows, vote_rows, next_id = [], [], first
        for i, item_id in enumerate(item_ids):
            for j, uid in enumerate(user_ids):
                label = int(labels[i, j])
                ann_rows.append(
                    (
                        next_id,
                        pid,
                        item_id,
                        "person",
                        uid,
                        f"u{j}",
                        "submitted",
                        regions[label],
                        1,
                        0,
                        5.0,
                        1,
                        now,
                        now,
                    )
                )
                vote_rows.append((pid, item_id, next_id, uid, False, "label", CLASSES[label]))
                next_id += 1
            if len(ann_rows) >= batch:
                conn.exec_driver_sql(ann_sql, ann_rows)
                conn.exec_driver_sql(vote_sql, vote_rows)
                ann_rows, vote_rows = [], []
        if ann_rows:
            conn.exec_driver_sql(ann_sql, ann_rows)
            conn.exec_driver_sql(vote_sql, vote_rows)
        conn.exec_driver_sql(
            f"UPDATE items SET done = {len(user_ids)}, taken = {len(user_ids)}, open = false "
            f"WHERE project_id = {pid}"
        )
        if not db.is_sqlite:
            conn.exec_driver_sql(
                "SELECT setval('annotations_id_seq', (SELECT max(id) FROM annotations))"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--annotators", type=int, default=10)
    parser.add_argument("--consensus-items", type=int, default=2_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="annota-bench-"))
    settings = Settings(
        data_dir=folder, database_url=args.database_url, argon2_time_cost=1, argon2_memory_kib=1024
    )
    db = Database(settings)
    upgrade(db)
    op = Actor.operator()
    stamp = int(time.time())
    pid = projects.create_project(
        db,
        op,
        name=f"bench-{stamp}",
        schema=SCHEMA,
        settings={"overlap": args.annotators, "consensus": {"method": "dawid_skene"}},
    ).id
    user_ids = []
    for j in range(args.annotators):
        info = users.create_user(db, op, username=f"b{stamp}u{j}", password="correct horse battery")
        projects.set_member(db, op, pid, username=info.username, role="annotator")
        user_ids.append(info.id)
    manager = users.create_user(db, op, username=f"b{stamp}lead", password="correct horse battery")
    projects.set_member(db, op, pid, username=manager.username, role="manager")
    lead = Actor(user_id=manager.id, username=manager.username)
    truth, labels, confusion = simulate(args.items, args.annotators, args.seed)
    n = args.items * args.annotators
    print(
        f"{args.items:,} items x {args.annotators} annotators = {n:,} answers "
        f"on {db.engine.dialect.name}"
    )
    records = (SourceRecord(f"r{i}", f"e{i}", {"text": f"item {i}"}, {}) for i in range(args.items))
    measure("import items", lambda: importing.import_records(db, op, pid, records, source="bench"))
    measure("store answers + votes (bulk)", lambda: populate(db, pid, user_ids, labels))

    def fit() -> list[str]:
        with db.write() as s:
            project = project_for(s, lead, pid, Need.MANAGE)
            return consensus.fit_confusions(s.connection(), project)

    measure("Dawid-Skene refit on stored votes", fit)

    def read() -> Any:
        with db.read() as s:
            return consensus.vote_frame(s.connection(), pid, "label")

    frame = measure("  of which: read the votes (vote_frame)", read)
    model = measure("  of which: DawidSkene().fit on them", lambda: DawidSkene().fit(frame))
    predicted = model.predict(frame)
    item_index = {item_id: i for i, item_id in enumerate(sorted(frame["item"].unique()))}
    truth_of = np.array([truth[item_index[i]] for i in predicted.index])
    accuracy = float(np.mean(np.array([CLASSES.index(x) for x in predicted]) == truth_of))
    estimated = np.array([model.confusion_frame(uid).to_numpy() for uid in user_ids])
    print(
        f"  DS accuracy vs simulated truth: {accuracy:.4f}; "
        f"max |confusion error| {np.abs(estimated - confusion).max():.4f}"
    )
    majority = frame.groupby("item")["label"].agg(lambda s: s.value_counts().index[0])
    mv = float(np.mean(np.array([CLASSES.index(majority[i]) for i in predicted.index]) == truth_of))
    print(f"  majority vote accuracy vs truth:  {mv:.4f}")
    report = measure(
        "dashboard: agreement (alpha, kappa, per label)",
        lambda: dashboards.agreement(db, lead, pid),
    )
    control = report.controls[0]
    print(
        f"  alpha {control.krippendorff_alpha:.4f}  fleiss {control.fleiss_kappa:.4f}  "
        f"ratings {control.ratings:,}"
    )
    measure("dashboard: progress", lambda: dashboards.progress(db, lead, pid))
    measure("dashboard: annotators", lambda: dashboards.annotators(db, lead, pid))

    def per_item() -> None:
        with db.write() as s:
            project = project_row(s.connection(), lead, pid, Need.MANAGE)
            conn = s.connection()
            ids = [
                r[0]
                for r in conn.exec_driver_sql(
                    f"SELECT id FROM items WHERE project_id = {pid} "
                    f"ORDER BY id LIMIT {args.consensus_items}"
                )
            ]
            for item_id in ids:
                consensus.refresh_item(db, conn, lead, project, item_id)

    start = time.perf_counter()
    measure(f"consensus on submit, {args.consensus_items:,} items", per_item)
    rate = args.consensus_items / (time.perf_counter() - start)
    print(f"  {rate:,.0f} items/s with Dawid-Skene matrices")
    measure("dashboard: confusion", lambda: dashboards.confusion(db, lead, pid))
    db.dispose()


if __name__ == "__main__":
    main()
