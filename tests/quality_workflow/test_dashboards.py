"""Dashboard numbers against annota.quality computed directly on the same answers."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from tests.quality_workflow.conftest import choice

from annota.quality import (
    DawidSkene,
    MajorityVote,
    category_counts,
    fleiss_kappa,
    krippendorff_alpha,
    per_label_agreement,
    reliability_matrix,
)

LABELS = ["negative", "neutral", "positive"]
SKILL = {"a0": 0.9, "a1": 0.75, "a2": 0.6, "a3": 0.4}


@pytest.fixture
def answered(lab):
    """30 items, 4 annotators of known skill, every item answered by all four."""
    pid = lab.make(30, annotators=4, settings={"overlap": 4})
    rng = random.Random(7)
    truth = {ext: rng.choice(LABELS) for ext in lab.items}
    for who, skill in SKILL.items():
        while (r := lab.next(who)).status_code == 200:
            item = r.json()
            right = truth[item["external_id"]]
            label = right if rng.random() < skill else rng.choice([x for x in LABELS if x != right])
            lab.submit(who, item["id"], choice(label), lead_time=1.0 + len(who))
    return pid


def answers_frame(lab, pid):
    rows, after = [], ""
    while True:
        page = lab.api("GET", f"/projects/{pid}/annotations?limit=500{after}", "lead").json()
        rows += page["items"]
        if not page["next_cursor"]:
            break
        after = f"&after={page['next_cursor']}"
    people = [a for a in rows if a["author_kind"] == "person"]
    return pd.DataFrame(
        {
            "item": [a["item_id"] for a in people],
            "annotator": [a["author_id"] for a in people],
            "label": [a["regions"][0]["value"]["choices"][0] for a in people],
        }
    )


def test_agreement_progress_and_annotators_match_the_library(lab, answered):
    pid = answered
    df = answers_frame(lab, pid)
    assert len(df) == 120

    report = lab.api("GET", f"/projects/{pid}/dashboard/agreement", "rev").json()
    assert report["items_with_consensus"] == 30
    (control,) = report["controls"]
    assert control["control"] == "sentiment"
    assert (control["items"], control["ratings"]) == (30, 120)
    assert control["krippendorff_alpha"] == pytest.approx(
        krippendorff_alpha(reliability_matrix(df), level="nominal")
    )
    assert control["fleiss_kappa"] == pytest.approx(fleiss_kappa(category_counts(df)))
    expected = per_label_agreement(reliability_matrix(df))
    for row in control["labels"]:
        assert row["ratings"] == expected.loc[row["label"], "ratings"]
        assert row["kappa"] == pytest.approx(expected.loc[row["label"], "kappa"])
        assert row["specific_agreement"] == pytest.approx(
            expected.loc[row["label"], "specific_agreement"]
        )

    (today,) = lab.api("GET", f"/projects/{pid}/dashboard/progress", "rev").json()
    assert today == {
        "day": datetime.now(UTC).strftime("%Y-%m-%d"),
        "submitted": 120,
        "annotators": 4,
        "cumulative": 120,
    }

    majority = MajorityVote().fit_predict(df)
    table = {
        r["username"]: r
        for r in lab.api("GET", f"/projects/{pid}/dashboard/annotators", "rev").json()
    }
    ids = {name: lab.people.actors[name].user_id for name in SKILL}
    for who in SKILL:
        mine = df[df.annotator == ids[who]]
        agree = float(np.mean(mine.label.to_numpy() == majority.loc[mine.item].to_numpy()))
        assert table[who]["submitted"] == 30
        assert table[who]["mean_lead_time"] == pytest.approx(1.0 + len(who))
        assert table[who]["consensus_votes"] == 30
        assert table[who]["consensus_agreement"] == pytest.approx(agree)
        assert table[who]["gold_accuracy"] is None

    confusion = lab.api("GET", f"/projects/{pid}/dashboard/confusion", "rev").json()
    assert {m["source"] for m in confusion} == {"consensus"}
    for matrix in confusion:
        mine = df[df.annotator == matrix["user_id"]]
        crossed = pd.crosstab(majority.loc[mine.item].to_numpy(), mine.label.to_numpy())
        crossed = crossed.reindex(index=matrix["classes"], columns=matrix["classes"], fill_value=0)
        assert matrix["matrix"] == crossed.to_numpy().tolist()


def test_dawid_skene_refit_matches_the_library(lab, answered):
    pid = answered
    df = answers_frame(lab, pid)
    project = lab.api("GET", f"/projects/{pid}", "lead").json()
    r = lab.api(
        "PATCH",
        f"/projects/{pid}",
        "lead",
        json={"version": project["version"], "settings": {"consensus": {"method": "dawid_skene"}}},
    )
    assert r.status_code == 200, r.text
    assert lab.api("POST", f"/projects/{pid}/consensus/refit", "rev").status_code == 403
    r = lab.api("POST", f"/projects/{pid}/consensus/refit", "lead")
    assert r.json() == {"items": 30}

    model = DawidSkene().fit(df)
    confusion = lab.api("GET", f"/projects/{pid}/dashboard/confusion", "rev").json()
    assert {m["source"] for m in confusion} == {"dawid_skene"}
    for matrix in confusion:
        expected = model.confusion_frame(matrix["user_id"])
        assert matrix["classes"] == list(expected.columns)
        np.testing.assert_allclose(matrix["matrix"], expected.to_numpy(), rtol=1e-9)
    predicted = model.predict(df)
    for item_id, label in predicted.items():
        got = lab.api("GET", f"/items/{item_id}/consensus", "rev").json()
        assert got["method"] == "dawid_skene"
        assert got["regions"] == choice(label)
    # the best annotator's fitted accuracy beats the worst one's
    diag = {m["username"]: np.mean(np.diag(m["matrix"])) for m in confusion}
    assert diag["a0"] > diag["a3"]
