"""From import to reviewed consensus, through the API only."""

from __future__ import annotations

from tests.quality_workflow.conftest import choice, spans

# external id -> what a0, a1, a2 answer
ANSWERS = {
    "x0": ["positive", "positive", "positive"],
    "x1": ["positive", "positive", "negative"],
    "x2": ["negative", "neutral", "positive"],
    "x3": ["neutral", "neutral", "neutral"],
}


def annotate_all(lab, answers=ANSWERS):
    ids = {}
    for k, who in enumerate(("a0", "a1", "a2")):
        while (r := lab.next(who)).status_code == 200:
            item = r.json()
            ann = lab.submit(who, item["id"], choice(answers[item["external_id"]][k]))
            ids[(item["external_id"], who)] = ann["id"]
        assert r.status_code == 204
    return ids


def test_import_to_reviewed_consensus(lab):
    pid = lab.make(4, settings={"overlap": 3, "review": {"agreement_threshold": 0.7}})
    ids = annotate_all(lab)

    # every item has a consensus with lineage to its three answers
    x0 = lab.api("GET", f"/items/{lab.items['x0']}/consensus", "rev").json()
    assert x0["regions"] == choice("positive")
    assert x0["agreement"] == 1.0
    assert x0["review_status"] == "none"
    assert x0["source_ids"] == sorted(ids[("x0", w)] for w in ("a0", "a1", "a2"))
    consensus_ann = lab.api("GET", f"/annotations/{x0['annotation_id']}", "rev").json()
    assert consensus_ann["author_kind"] == "consensus"
    assert consensus_ann["author_id"] is None

    x1 = lab.api("GET", f"/items/{lab.items['x1']}/consensus", "rev").json()
    assert x1["regions"] == choice("positive")
    assert abs(x1["agreement"] - 2 / 3) < 1e-9
    assert x1["review_status"] == "pending"

    # low agreement (x1: 2/3, x2: 1/3) is in the queue, the rest is not
    queue = lab.api("GET", f"/projects/{pid}/review-queue", "rev").json()
    assert [e["external_id"] for e in queue["items"]] == ["x1", "x2"]
    # x2 is a three-way tie: majority vote takes the first label in sorted order
    by_label = lab.api("GET", f"/projects/{pid}/review-queue?label=positive", "rev").json()
    assert [e["external_id"] for e in by_label["items"]] == ["x1"]
    by_label = lab.api("GET", f"/projects/{pid}/review-queue?label=neutral", "rev").json()
    assert by_label["items"] == []
    low = lab.api("GET", f"/projects/{pid}/review-queue?max_agreement=0.5", "rev").json()
    assert [e["external_id"] for e in low["items"]] == ["x2"]

    # the reviewer fixes x1's consensus and rejects a2's answer with a comment
    r = lab.api(
        "POST",
        f"/annotations/{x1['annotation_id']}/review",
        "rev",
        json={"action": "fix", "regions": choice("negative"), "comment": "sarcasm"},
    )
    assert r.status_code == 201, r.text
    fix = r.json()
    fixed = lab.api("GET", f"/annotations/{fix['correction_id']}", "rev").json()
    assert fixed["corrects_id"] == x1["annotation_id"]
    assert fixed["regions"] == choice("negative")
    assert fixed["status"] == "accepted"
    r = lab.api(
        "POST",
        f"/annotations/{ids[('x2', 'a2')]}/review",
        "rev",
        json={"action": "reject", "comment": "read the guidelines on tone"},
    )
    assert r.status_code == 201, r.text
    r = lab.api(
        "POST", f"/annotations/{ids[('x2', 'a1')]}/review", "rev", json={"action": "accept"}
    )
    assert r.status_code == 201
    assert lab.api("GET", f"/annotations/{ids[('x2', 'a1')]}", "rev").json()["status"] == (
        "accepted"
    )

    # x1 left the queue; x2's consensus was recomputed without the rejected answer
    queue = lab.api("GET", f"/projects/{pid}/review-queue", "rev").json()
    assert [e["external_id"] for e in queue["items"]] == ["x2"]
    x2 = lab.api("GET", f"/items/{lab.items['x2']}/consensus", "rev").json()
    assert x2["n_sources"] == 2
    assert ids[("x2", "a2")] not in x2["source_ids"]

    # the annotator sees the feedback on their own answers, and only theirs
    mine = lab.api("GET", f"/projects/{pid}/feedback", "a2").json()["items"]
    assert [(f["action"], f["comment"]) for f in mine] == [
        ("reject", "read the guidelines on tone")
    ]
    assert lab.api("GET", f"/annotations/{ids[('x2', 'a2')]}", "a2").json()["status"] == (
        "rejected"
    )
    assert lab.api("GET", f"/projects/{pid}/feedback", "a0").json()["items"] == []

    # the trail records consensus and review actions
    actions = [
        e["action"]
        for e in lab.api("GET", f"/projects/{pid}/audit?limit=500", "lead").json()["items"]
    ]
    for expected in ("consensus.compute", "consensus.recompute", "review.fix", "review.reject"):
        assert expected in actions


def test_roles_guard_review_and_consensus(lab):
    pid = lab.make(1, settings={"overlap": 2})
    a = lab.submit("a0", lab.next("a0").json()["id"], choice("positive"))
    lab.submit("a1", lab.next("a1").json()["id"], choice("positive"))
    item = lab.items["x0"]
    assert lab.api("GET", f"/items/{item}/consensus", "a0").status_code == 403
    assert lab.api("GET", f"/projects/{pid}/review-queue", "a0").status_code == 403
    r = lab.api("POST", f"/annotations/{a['id']}/review", "a1", json={"action": "accept"})
    assert r.status_code in (403, 404)
    r = lab.api("POST", f"/annotations/{a['id']}/review", "rev", json={"action": "reject"})
    assert r.status_code == 400
    assert r.json()["location"] == "comment"
    # an annotator never sees the consensus among the item's annotations
    listed = lab.api("GET", f"/items/{item}/annotations", "a0").json()
    assert [x["author_kind"] for x in listed] == ["person"]
    # a reviewed answer is not silently overwritten by its author
    lab.api("POST", f"/annotations/{a['id']}/review", "rev", json={"action": "accept"})
    r = lab.api("POST", f"/items/{item}/annotations", "a0", json={"regions": choice("negative")})
    assert r.status_code == 409


def test_span_consensus_and_recompute_on_update(lab):
    lab.make(1, settings={"overlap": 3})
    item = lab.items["x0"]
    answers = {
        "a0": spans((0, 5, "PER"), (15, 19, "ORG")),
        "a1": spans((0, 5, "PER")),
        "a2": spans((0, 5, "PER"), (15, 19, "ORG")),
    }
    anns = {
        who: lab.submit(who, lab.next(who).json()["id"], regions)
        for who, regions in answers.items()
    }
    first = lab.api("GET", f"/items/{item}/consensus", "rev").json()
    got = sorted(
        (r["value"]["start"], r["value"]["end"], r["value"]["label"])
        for r in first["regions"]
        if r["control"] == "entities"
    )
    assert got == [(0, 5, "PER"), (15, 19, "ORG")]
    assert first["version"] == 1
    # a1 adds the ORG span: consensus is recomputed, agreement rises, lineage stays
    r = lab.api(
        "PUT",
        f"/annotations/{anns['a1']['id']}",
        "a1",
        json={"version": anns["a1"]["version"], "regions": answers["a0"]},
    )
    assert r.status_code == 200, r.text
    again = lab.api("GET", f"/items/{item}/consensus", "rev").json()
    assert again["version"] == 2
    assert again["agreement"] == 1.0
    assert again["agreement"] > first["agreement"]
    assert again["source_ids"] == first["source_ids"]


def test_suspected_label_errors_from_predictions(lab):
    pid = lab.make(10, annotators=2, settings={"overlap": 2})
    given = {f"x{i}": ("positive" if i % 2 else "negative") for i in range(10)}
    for who in ("a0", "a1"):
        while (r := lab.next(who)).status_code == 200:
            item = r.json()
            lab.submit(who, item["id"], choice(given[item["external_id"]]))
    contradicted = {"x3", "x4"}
    for ext, label in given.items():
        predicted = label
        if ext in contradicted:
            predicted = "negative" if label == "positive" else "positive"
        regions = [{**choice(predicted)[0], "score": 0.95 if ext in contradicted else 0.9}]
        r = lab.api(
            "POST",
            f"/items/{lab.items[ext]}/predictions",
            "lead",
            json={"model_name": "clf", "regions": regions},
        )
        assert r.status_code == 201, r.text
    assert lab.api("POST", f"/projects/{pid}/label-issues/scan", "a0").status_code == 403
    r = lab.api("POST", f"/projects/{pid}/label-issues/scan", "lead")
    assert r.json() == {"suspects": 2}
    queue = lab.api(
        "GET", f"/projects/{pid}/review-queue?suspect=true&include_reviewed=true", "rev"
    ).json()
    assert {e["external_id"] for e in queue["items"]} == contradicted
    assert all(e["suspect"] for e in queue["items"])
