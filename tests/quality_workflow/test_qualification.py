"""Qualification: gold test first, real work only after passing; the lead sees attempts."""

from __future__ import annotations

from tests.quality_workflow.conftest import choice

SETTINGS = {"qualification": {"size": 3, "pass_score": 0.7}}


def take_test(lab, who, label, n=3):
    seen = []
    for _ in range(n):
        item = lab.next(who).json()
        seen.append(item["external_id"])
        lab.submit(who, item["id"], choice(label))
    return seen


def test_pass_opens_real_work_and_fail_closes_it(lab):
    pid = lab.make(12, annotators=2, settings=SETTINGS)
    gold = {"x0", "x1", "x2", "x3"}
    for ext in sorted(gold):
        lab.set_gold(ext, choice("positive"))

    assert lab.api("GET", f"/projects/{pid}/qualification/me", "a0").json()["status"] == "none"
    assert set(take_test(lab, "a0", "positive")) <= gold
    me = lab.api("GET", f"/projects/{pid}/qualification/me", "a0").json()
    assert (me["status"], me["answered"], me["score"]) == ("passed", 3, 1.0)
    assert me["answers"] == []  # an annotator never sees per-item gold scores
    assert lab.next("a0").json()["external_id"] not in gold

    failed_on = set(take_test(lab, "a1", "negative"))
    assert failed_on <= gold
    r = lab.next("a1")
    assert r.status_code == 403
    assert "qualification" in r.json()["message"]
    assert r.json()["location"] == "qualification"

    # reviewers are not tested
    assert lab.next("rev").json()["external_id"] not in gold

    attempts = {
        a["username"]: a for a in lab.api("GET", f"/projects/{pid}/qualification", "lead").json()
    }
    assert attempts["a0"]["status"] == "passed"
    assert [x["score"] for x in attempts["a0"]["answers"]] == [1.0, 1.0, 1.0]
    assert attempts["a1"]["status"] == "failed"
    assert [x["score"] for x in attempts["a1"]["answers"]] == [0.0, 0.0, 0.0]
    assert lab.api("GET", f"/projects/{pid}/qualification", "a0").status_code == 403

    # a fresh attempt: only one unseen gold item is left; it is decided on that one answer
    assert (
        lab.api(
            "POST", f"/projects/{pid}/qualification/{attempts['a1']['user_id']}/reset", "rev"
        ).status_code
        == 403
    )
    r = lab.api("POST", f"/projects/{pid}/qualification/{attempts['a1']['user_id']}/reset", "lead")
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["attempt"]) == ("pending", 2)
    assert take_test(lab, "a1", "positive", n=1) == sorted(gold - failed_on)
    r = lab.next("a1")
    assert r.status_code == 200
    assert r.json()["external_id"] not in gold
    me = lab.api("GET", f"/projects/{pid}/qualification/me", "a1").json()
    assert (me["status"], me["attempt"], me["answered"]) == ("passed", 2, 1)

    actions = [
        e["action"]
        for e in lab.api("GET", f"/projects/{pid}/audit?limit=200", "lead").json()["items"]
    ]
    for expected in ("qualification.passed", "qualification.failed", "qualification.reset"):
        assert expected in actions


def test_no_gold_means_a_clear_refusal(lab):
    pid = lab.make(3, annotators=1, settings=SETTINGS)
    r = lab.next("a0")
    assert r.status_code == 403
    assert "no gold items" in r.json()["message"]
    # the refusal changed nothing; once there is gold, the test starts
    assert lab.api("GET", f"/projects/{pid}/qualification/me", "a0").json()["status"] == "none"
    lab.set_gold("x2", choice("neutral"))
    assert lab.next("a0").json()["external_id"] == "x2"
    assert lab.api("GET", f"/projects/{pid}/qualification/me", "a0").json()["status"] == "pending"
