"""The active-learning loop through the API on AG News: K labels -> retrain -> reordered queue."""

from __future__ import annotations

import csv
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from annota.automation import TextClassifier, query
from annota.services import projects
from annota.services.actor import Actor

from .conftest import DATA, wait_job

CLASSES = ["World", "Sports", "Business", "SciTech"]
SCHEMA = f"""
fields:
  - {{name: text, type: text}}
controls:
  - {{name: topic, type: choices, field: text, options: [{", ".join(CLASSES)}]}}
"""
K = 8


@pytest.fixture
def news(client, db, people) -> tuple[int, dict[str, str]]:
    path = DATA / "agnews-test" / "test.csv"
    if not path.exists():
        pytest.skip(f"{path} not present")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:80]
    for name in ("boss", "ann1", "ann2"):
        people.add(name)
    op = Actor.operator()
    pid = projects.create_project(
        db, op, name="al", schema=SCHEMA, settings={"ordering": "priority"}
    ).id
    projects.set_member(db, op, pid, username="boss", role="manager")
    for name in ("ann1", "ann2"):
        projects.set_member(db, op, pid, username=name, role="annotator")
    items = [
        {"id": f"n{i}", "data": {"text": f"{r['title']}. {r['description']}"}}
        for i, r in enumerate(rows)
    ]
    truth = {f"n{i}": CLASSES[int(r["label"]) - 1] for i, r in enumerate(rows)}
    boss = people.headers("boss")
    r = client.post(f"/api/v1/projects/{pid}/items", json={"items": items}, headers=boss)
    assert r.json()["created"] == 80
    return pid, truth


def label_next(client, headers, pid, truth) -> dict:
    item = client.get(f"/api/v1/projects/{pid}/next", headers=headers).json()
    r = client.post(
        f"/api/v1/items/{item['id']}/annotations",
        json={
            "regions": [{"control": "topic", "value": {"choices": [truth[item["external_id"]]]}}]
        },
        headers=headers,
    )
    assert r.status_code == 201, r.text
    return item


def expected_ranking(client, boss, pid, truth, strategy: str) -> list[int]:
    """The oracle: the library's classifier and query on the same labelled set and pool."""
    items = client.get(f"/api/v1/projects/{pid}/items?limit=500", headers=boss).json()["items"]
    pool = [i for i in items if i["done"] == 0]
    labelled = [i for i in items if i["done"] > 0]
    texts = [i["data"]["text"] for i in pool + labelled]
    labels = [truth[i["external_id"]] for i in labelled]
    clf = TextClassifier(min_df=1).fit([i["data"]["text"] for i in labelled], labels)
    rows = np.arange(len(pool), len(texts))
    order = query(strategy, clf.predict_proba(texts), len(pool), labeled=rows)
    return [pool[int(r)]["id"] for r in order]


def test_after_k_labels_the_retrain_serves_the_most_informative_item(client, people, news):
    pid, truth = news
    boss, ann1, ann2 = (people.headers(n) for n in ("boss", "ann1", "ann2"))
    r = client.patch(
        f"/api/v1/projects/{pid}/automation",
        json={"al_enabled": True, "al_batch": K, "al_strategy": "margin"},
        headers=boss,
    )
    assert r.status_code == 200, r.text

    for n in range(K):
        label_next(client, ann1 if n % 2 else ann2, pid, truth)
        # The K-th submission queues the retrain by itself (after its response is sent).
        retrains = [
            j
            for j in client.get(f"/api/v1/projects/{pid}/jobs", headers=boss).json()
            if j["kind"] == "al_retrain"
        ]
        assert len(retrains) == (1 if n == K - 1 else 0)
        if n < K - 1:
            tick = client.post(f"/api/v1/projects/{pid}/al/tick", headers=ann1).json()
            assert tick == {
                "queued": False,
                "reason": f"{n + 1} new labels of {K} needed",
                "job": None,
            }
    job = wait_job(client, boss, retrains[0]["id"])
    assert job["status"] == "done", job
    assert job["result"]["cold_start"] is False
    assert job["result"]["labelled"] == K

    expected = expected_ranking(client, boss, pid, truth, "margin")
    assert job["result"]["top"] == expected[:10]
    served = client.get(f"/api/v1/projects/{pid}/next", headers=ann1).json()
    assert served["id"] == expected[0]
    other = client.get(f"/api/v1/projects/{pid}/next", headers=ann2).json()
    assert other["id"] == expected[1]  # the first is leased to ann1
    priorities = {
        i["id"]: i["priority"]
        for i in client.get(f"/api/v1/projects/{pid}/items?limit=500", headers=boss).json()["items"]
    }
    assert [priorities[i] for i in expected] == sorted(priorities[i] for i in expected)[::-1]

    state = client.get(f"/api/v1/projects/{pid}/automation", headers=boss).json()
    assert (state["labels_at_retrain"], state["retrain_pending"]) == (K, False)


def test_many_annotators_crossing_k_at_once_queue_one_retrain(client, people, news):
    pid, truth = news
    boss, ann1 = people.headers("boss"), people.headers("ann1")
    for _ in range(2):  # labelled while active learning is off: no retrain yet
        label_next(client, ann1, pid, truth)
    client.patch(
        f"/api/v1/projects/{pid}/automation",
        json={"al_enabled": True, "al_batch": 2, "al_strategy": "entropy"},
        headers=boss,
    )
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(
                lambda _: client.post(f"/api/v1/projects/{pid}/al/tick", headers=ann1), range(8)
            )
        )
    assert all(a.status_code == 200 for a in answers)
    queued = [a.json()["job"]["id"] for a in answers if a.json()["queued"]]
    assert len(queued) == 1
    assert wait_job(client, boss, queued[0])["status"] == "done"
    jobs = client.get(f"/api/v1/projects/{pid}/jobs", headers=boss).json()
    assert [j["kind"] for j in jobs] == ["al_retrain"]


def test_cold_start_spreads_picks_and_manual_retrain_needs_a_manager(client, people, news):
    pid, _ = news
    boss, ann1 = people.headers("boss"), people.headers("ann1")
    assert client.post(f"/api/v1/projects/{pid}/al/retrain", headers=ann1).status_code == 403
    r = client.post(f"/api/v1/projects/{pid}/al/retrain", headers=boss).json()
    assert r["queued"] is True
    job = wait_job(client, boss, r["job"]["id"])
    assert job["status"] == "done", job
    assert job["result"]["cold_start"] is True
    top = job["result"]["top"]
    assert len(set(top)) == 10
    assert client.get(f"/api/v1/projects/{pid}/next", headers=ann1).json()["id"] == top[0]
    client.patch(f"/api/v1/projects/{pid}/automation", json={"al_strategy": "random"}, headers=boss)
    again = client.post(f"/api/v1/projects/{pid}/al/retrain", headers=boss).json()
    shuffled = wait_job(client, boss, again["job"]["id"])
    assert shuffled["status"] == "done", shuffled
    assert shuffled["result"]["strategy"] == "random"
    bad = client.patch(
        f"/api/v1/projects/{pid}/automation", json={"al_strategy": "vibes"}, headers=boss
    )
    assert bad.status_code == 422
