"""Weak supervision through the API and the SDK on WRENCH YouTube (a sample of it)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sqlalchemy import select

from annota.app import create_app
from annota.automation import KeywordLF, LabelModel, RegexLF, ThresholdLF, apply_lfs, lf_summary
from annota.automation.votes import expected_majority_accuracy
from annota.sdk import Client
from annota.services import projects
from annota.services.actor import Actor
from annota.store.models import Annotation
from live import serve_in_thread

from .conftest import DATA, wait_job

CLASSES = ["HAM", "SPAM"]
SCHEMA = """
fields:
  - {name: text, type: text}
controls:
  - {name: label, type: choices, field: text, options: [HAM, SPAM]}
"""
#: (name, kind, spec, label): the server runs these
RULES = [
    ("keyword_my", "keyword", {"keywords": ["my"]}, "SPAM"),
    ("keyword_subscribe", "keyword", {"keywords": ["subscribe"]}, "SPAM"),
    ("keyword_please", "keyword", {"keywords": ["please", "plz"]}, "SPAM"),
    ("keyword_song", "keyword", {"keywords": ["song"]}, "HAM"),
    ("regex_check_out", "regex", {"pattern": "check.*out"}, "SPAM"),
    ("short_comment", "threshold", {"field": "meta.n_words", "high": 4}, "HAM"),
]
#: WRENCH columns of LFs that need spaCy/TextBlob: they run "in the SDK" and upload votes
UPLOADED = {"keyword_link": 2, "has_person_nlp": 7, "textblob_polarity": 8, "textblob_subj": 9}


def load(split: str, n: int | None = None) -> list[dict]:
    path = DATA / "wrench-youtube" / f"{split}.json"
    if not path.exists():
        pytest.skip(f"{path} not present")
    rows = list(json.loads(path.read_text()).values())
    return rows[:n] if n else rows


def oracle_matrix(rows: list[dict]) -> np.ndarray:
    """The label matrix built here, without the server: rules via apply_lfs + WRENCH columns."""
    lfs = [
        KeywordLF("keyword_my", ("my",), 1),
        KeywordLF("keyword_subscribe", ("subscribe",), 1),
        KeywordLF("keyword_please", ("please", "plz"), 1),
        KeywordLF("keyword_song", ("song",), 0),
        RegexLF("regex_check_out", "check.*out", 1),
        ThresholdLF("short_comment", "meta.n_words", 0, high=4),
    ]
    records = [
        {"text": r["data"]["text"], "meta.n_words": len(r["data"]["text"].split())} for r in rows
    ]
    declared = apply_lfs(lfs, records)
    uploaded = np.array([[r["weak_labels"][c] for c in UPLOADED.values()] for r in rows])
    return np.hstack([declared, uploaded]).astype(np.int64)


@pytest.fixture
def youtube(client, db, people):
    valid, train, test = load("valid"), load("train", 300), load("test")
    rows = valid + train + test
    people.add("boss")
    op = Actor.operator()
    pid = projects.create_project(db, op, name="yt", schema=SCHEMA).id
    projects.set_member(db, op, pid, username="boss", role="manager")
    boss = people.headers("boss")
    items = [
        {
            "id": f"y{i}",
            "data": {"text": r["data"]["text"]},
            "meta": {"n_words": len(r["data"]["text"].split())},
        }
        for i, r in enumerate(rows)
    ]
    assert client.post(f"/api/v1/projects/{pid}/items", json={"items": items}, headers=boss).json()[
        "created"
    ] == len(rows)
    listed = client.get(f"/api/v1/projects/{pid}/items?limit=500", headers=boss).json()
    ids = [i["id"] for i in listed["items"]]
    while listed["next_cursor"]:
        listed = client.get(
            f"/api/v1/projects/{pid}/items?limit=500&after={listed['next_cursor']}", headers=boss
        ).json()
        ids += [i["id"] for i in listed["items"]]
    for item_id, r in zip(ids[: len(valid)], valid, strict=True):  # people label the valid split
        answer = {"regions": [{"control": "label", "value": {"choices": [CLASSES[r["label"]]]}}]}
        r = client.post(f"/api/v1/items/{item_id}/annotations", json=answer, headers=boss)
        assert r.status_code == 201, r.text
    return pid, ids, rows, len(valid), len(train)


def test_rules_sdk_votes_and_label_model_end_to_end(client, db, settings, people, youtube):
    pid, ids, rows, n_valid, n_train = youtube
    boss = people.headers("boss")
    for name, kind, spec, label in RULES:
        r = client.post(
            f"/api/v1/projects/{pid}/lfs",
            json={"name": name, "kind": kind, "spec": spec, "label": label},
            headers=boss,
        )
        assert r.status_code == 201, r.text
    # its own app: stopping a live server closes that app's job queue
    live = create_app(settings, db=db, migrate=False)
    with serve_in_thread(live) as url, Client(url, token=boss["Authorization"][7:]) as sdk:
        for name, column in UPLOADED.items():
            votes = [
                (
                    item_id,
                    None if r["weak_labels"][column] < 0 else CLASSES[r["weak_labels"][column]],
                )
                for item_id, r in zip(ids, rows, strict=True)
            ]
            expected = sum(v is not None for _, v in votes)
            assert sdk.upload_lf_votes(pid, name, votes) == expected

    run = client.post(f"/api/v1/projects/{pid}/lfs/run", json={"control": "label"}, headers=boss)
    assert run.status_code == 202, run.text
    job = wait_job(client, boss, run.json()["id"])
    assert job["status"] == "done", job
    result = job["result"]

    L = oracle_matrix(rows)
    gold = np.array([r["label"] for r in rows])
    assert result["rule_votes"] == int((L[:, : len(RULES)] >= 0).sum())

    # analysis equals Snorkel-style lf_summary on the same matrix, gold = the labelled split
    y = np.where(np.arange(len(rows)) < n_valid, gold, -1)
    table = lf_summary(L, y, names=[r[0] for r in RULES] + list(UPLOADED))
    analysis = client.get(f"/api/v1/projects/{pid}/lfs/analysis?control=label", headers=boss)
    body = analysis.json()
    assert (body["items"], body["labelled_items"]) == (len(rows), n_valid)
    for stats in body["lfs"]:
        row = table.loc[stats["name"]]
        assert stats["coverage"] == pytest.approx(row["coverage"])
        assert stats["conflicts"] == pytest.approx(row["conflicts"])
        assert stats["correct"] == row["correct"]
        if stats["emp_acc"] is not None:
            assert stats["emp_acc"] == pytest.approx(row["emp_acc"])

    # the stored labels are the label model's, fitted and validated like the library does
    unl = np.arange(n_valid, len(rows))
    model = LabelModel(cardinality=2).fit(L[unl], L[:n_valid], gold[:n_valid])
    assert result["fallback"] == model.fallback_
    assert result["validation"] == pytest.approx(model.validation_scores_)
    assert result["method"] == ("majority_vote" if model.fallback_ else "label_model")
    predicted = model.predict(L[unl])
    with db.read() as s:
        stored = {
            a.item_id: a
            for a in s.execute(select(Annotation).where(Annotation.author_kind == "rule")).scalars()
        }
    voted = (L[unl] >= 0).any(axis=1)
    assert len(stored) == result["annotations"] == int(voted.sum())
    names = [r[0] for r in RULES] + list(UPLOADED)
    for pos, row in enumerate(unl):
        ann = stored.get(ids[row])
        if not voted[pos]:
            assert ann is None
            continue
        assert ann.regions[0]["value"]["choices"] == [CLASSES[predicted[pos]]]
        assert ann.author_name == f"label-model:run-{result['run_id']}"
        assert ann.lineage["rules"] == [names[j] for j in np.flatnonzero(L[row] >= 0)]

    lineage = client.get(
        f"/api/v1/projects/{pid}/label-model-runs/{result['run_id']}", headers=boss
    ).json()
    assert [lf["name"] for lf in lineage["lfs"]] == names
    assert lineage["lfs"][4]["spec"] == {"pattern": "check.*out"}
    assert lineage["result"]["annotations"] == result["annotations"]

    # never worse than majority vote on validation; on the held-out test split too here
    scores = result["validation"]
    assert result["fallback"] or scores["label_model"] >= scores["majority_vote"]
    test_rows = np.arange(n_valid + n_train, len(rows))
    lm_acc = float(np.mean(model.predict(L[test_rows]) == gold[test_rows]))
    mv_acc = expected_majority_accuracy(L[test_rows], gold[test_rows], 2)
    assert lm_acc >= mv_acc  # 0.836 vs 0.820 on this sample and LF set
    assert result["note"].startswith("label model")
    assert result["selected"] == model.selected_
    assert result["fallback"] or "class prior" in result["settings"]


def test_lf_rules_are_checked_and_uploads_stay_in_their_lane(client, people, youtube):
    pid, ids, *_ = youtube
    boss = people.headers("boss")
    bad = client.post(
        f"/api/v1/projects/{pid}/lfs",
        json={"name": "backref", "kind": "regex", "spec": {"pattern": r"(a)\1"}, "label": "SPAM"},
        headers=boss,
    )
    assert bad.status_code == 400
    assert "RE2" in bad.json()["message"]
    client.post(
        f"/api/v1/projects/{pid}/lfs",
        json={"name": "kw", "kind": "keyword", "spec": {"keywords": ["x"]}, "label": "HAM"},
        headers=boss,
    )
    declared = client.post(
        f"/api/v1/projects/{pid}/lf-votes",
        json={"lf": "kw", "votes": [{"item_id": ids[0], "label": "HAM"}]},
        headers=boss,
    )
    assert declared.status_code == 409
    foreign = client.post(
        f"/api/v1/projects/{pid}/lf-votes",
        json={"lf": "py", "votes": [{"item_id": 10**9, "label": "HAM"}]},
        headers=boss,
    )
    assert foreign.status_code == 404
    assert foreign.json()["location"] == "votes[0].item_id"
    ok = client.post(
        f"/api/v1/projects/{pid}/lf-votes",
        json={"lf": "py", "votes": [{"item_id": ids[0], "label": "HAM"}, {"item_id": ids[1]}]},
        headers=boss,
    )
    assert ok.json() == {"stored": 1}
    listed = {
        lf["name"]: lf for lf in client.get(f"/api/v1/projects/{pid}/lfs", headers=boss).json()
    }
    assert (listed["py"]["kind"], listed["py"]["votes"], listed["kw"]["votes"]) == ("python", 1, 0)
