"""Gold items: answers validated, mixed in at the configured rate, invisible, scored."""

from __future__ import annotations

import json

import pytest
from tests.quality_workflow.conftest import choice, spans

GOLD = choice("positive")


def test_gold_is_mixed_in_at_its_rate_and_looks_like_any_item(lab):
    pid = lab.make(260, annotators=2, settings={"gold_ratio": 0.25, "overlap": 1})
    gold_ids = {lab.items[f"x{i}"] for i in range(0, 260, 3)}  # 87 gold items
    for ext, item_id in lab.items.items():
        if item_id in gold_ids:
            lab.set_gold(ext, GOLD)
    handed = {"a0": [], "a1": []}
    for who in ("a0", "a1"):
        for k in range(80):
            r = lab.next(who)
            assert r.status_code == 200, r.text
            item = r.json()
            handed[who].append(item)
            correct = item["id"] not in gold_ids or k % 2 == 0
            lab.submit(who, item["id"], GOLD if correct else choice("negative"))
    # the rate: 160 seeded draws at 0.25 (sd ~0.034)
    served = [i for seq in handed.values() for i in seq]
    share = sum(i["id"] in gold_ids for i in served) / len(served)
    assert share == pytest.approx(0.25, abs=0.1)
    # regular items are never handed twice with overlap 1; gold ones are, to both annotators
    regular = [i["id"] for i in served if i["id"] not in gold_ids]
    assert len(regular) == len(set(regular))
    # indistinguishable: same keys, no gold answer, and `done` within what overlap allows
    shapes = {tuple(sorted(i)) for i in served}
    assert len(shapes) == 1
    for item in served:
        assert item["done"] == 0
        assert "positive" not in json.dumps(item)
    seen_by_a1 = next(i["id"] for i in handed["a1"] if i["id"] in gold_ids)
    again = lab.api("GET", f"/items/{seen_by_a1}", "a1").json()
    assert tuple(sorted(again)) in shapes or set(again) <= set(next(iter(shapes)))
    assert again["done"] <= 1
    # live accuracy: a0 and a1 answered every other gold item right
    table = {
        r["username"]: r
        for r in lab.api("GET", f"/projects/{pid}/dashboard/annotators", "lead").json()
    }
    for who in ("a0", "a1"):
        golds = [k for k, i in enumerate(handed[who]) if i["id"] in gold_ids]
        right = sum(1 for k in golds if k % 2 == 0)
        assert table[who]["gold_answered"] == len(golds)
        assert table[who]["gold_accuracy"] == pytest.approx(right / len(golds))
        assert table[who]["submitted"] == 80
        uid = lab.people.actors[who].user_id
        scores = lab.api("GET", f"/projects/{pid}/gold/scores?user_id={uid}&limit=500", "rev")
        listed = scores.json()["items"]
        assert [x["item_id"] for x in listed] == [handed[who][k]["id"] for k in golds]
        assert [x["score"] for x in listed] == [1.0 if k % 2 == 0 else 0.0 for k in golds]
        assert {x["phase"] for x in listed} == {"honeypot"}
    assert lab.api("GET", f"/projects/{pid}/gold/scores", "a0").status_code == 403


def test_gold_answers_are_validated_and_private(lab):
    pid = lab.make(2, annotators=1)
    item = lab.items["x0"]
    bad = [{"control": "entities", "value": {"start": 0, "end": 999, "label": "PER"}}]
    r = lab.api("PUT", f"/items/{item}/gold", "lead", json={"regions": bad})
    assert r.status_code == 422
    assert r.json()["location"].startswith("regions[0]")
    # An annotator cannot open an arbitrary item: for them it does not exist.
    assert lab.api("PUT", f"/items/{item}/gold", "a0", json={"regions": GOLD}).status_code == 404
    assert lab.api("PUT", f"/items/{item}/gold", "rev", json={"regions": GOLD}).status_code == 403
    lab.set_gold("x0", GOLD)
    assert lab.api("GET", f"/projects/{pid}/gold", "a0").status_code == 403
    listed = lab.api("GET", f"/projects/{pid}/gold", "rev").json()["items"]
    assert [(g["external_id"], g["regions"]) for g in listed] == [("x0", GOLD)]
    # with no gold ratio and no test, gold items are still kept out of regular work
    assert lab.next("a0").json()["external_id"] == "x1"
    assert lab.api("DELETE", f"/items/{item}/gold", "lead").status_code == 204
    assert lab.api("DELETE", f"/items/{item}/gold", "lead").status_code == 404
    actions = [
        e["action"]
        for e in lab.api("GET", f"/projects/{pid}/audit?limit=100", "lead").json()["items"]
    ]
    assert "gold.set" in actions
    assert "gold.remove" in actions


def test_span_answers_are_scored_by_f1(lab):
    pid = lab.make(3, annotators=1, settings={"qualification": {"size": 1, "pass_score": 0.5}})
    lab.set_gold("x0", spans((0, 5, "PER"), (15, 19, "ORG"), label="positive"))
    item = lab.next("a0").json()
    assert item["external_id"] == "x0"
    lab.submit("a0", item["id"], spans((0, 5, "PER"), label="positive"))
    (attempt,) = lab.api("GET", f"/projects/{pid}/qualification", "lead").json()
    # choices right (1.0), spans: one of two matched, F1 = 2/3
    assert attempt["answers"][0]["score"] == pytest.approx((1.0 + 2 / 3) / 2)
    assert attempt["status"] == "passed"
