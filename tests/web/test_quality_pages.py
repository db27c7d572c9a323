"""Quality pages: dashboard charts drawn from the data, the review queue's accept / reject /
fix flow and the feedback annotators then see, gold and qualification, and who may see what."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from annota.services import annotating, assignment, dashboards, projects
from annota.services.actor import Actor
from annota.web.charts import PLOT_WIDTH, SERIES_H, bar_chart, heatmap, series_chart

#: answers in queue order; the site's first item already has annotator's "positive"
PLAN = {
    "annotator": ["negative", "positive", "neutral", "positive", "negative"],
    "annotator2": ["positive", "negative", "negative", "neutral", "positive", "positive"],
}
DISAGREE = {3, 6}  # queue positions (1-based) where the two answers differ


@pytest.fixture
def doubled(site: Any, db: Any, people: Any) -> dict[int, int]:
    """Overlap 2; two annotators answer items 1-6 and disagree on two. Returns position -> id."""
    op = Actor.operator()
    pid = site.project_id
    people.add("annotator2")
    projects.set_member(db, op, pid, username="annotator2", role="annotator")
    projects.update_project(db, op, pid, settings={"overlap": 2})
    ids: dict[int, int] = {}
    for name, plan in PLAN.items():
        actor = people.actors[name]
        for answer in plan:
            item = assignment.next_item(db, actor, pid)
            assert item is not None
            annotating.create_annotation(
                db,
                actor,
                item.id,
                regions=[{"control": "sentiment", "value": {"choices": [answer]}}],
            )
            ids[site.item_ids.index(item.id) + 1] = item.id
    return ids


def test_dashboard_draws_charts_from_the_data(site, db, people, doubled, signed_in, screenshots):
    pid = site.project_id
    report = dashboards.agreement(db, people.actors["manager"], pid)
    page = signed_in("manager")
    page.goto(f"/projects/{pid}/quality")
    # every answer was submitted today: one day column, running total 12
    expect(page.locator("svg[data-chart=progress] rect.bar")).to_have_count(1)
    assert page.locator("svg[data-chart=progress] rect.bar").get_attribute("data-value") == "12"
    # one bar per label of the sentiment control, as the agreement service counts them
    labels = [lab.label for lab in report.controls[0].labels]
    assert labels == ["negative", "neutral", "positive"]
    expect(page.locator("svg[data-chart=agreement-sentiment] rect.bar")).to_have_count(3)
    expect(page.locator("[data-stat=in-review]")).to_have_text("2")
    # throughput: two annotators with six answers each
    bars = page.locator("svg[data-chart=throughput] rect.bar")
    expect(bars).to_have_count(2)
    assert [bars.nth(i).get_attribute("data-value") for i in range(2)] == ["6", "6"]
    expect(page.locator("#annotator-table tbody tr")).to_have_count(2)
    # a confusion heatmap per annotator, 3 x 3 cells each
    maps = page.locator("svg.heatmap")
    expect(maps).to_have_count(2)
    expect(maps.nth(0).locator("rect.cell")).to_have_count(9)
    screenshots(page, "quality-dashboard")


def test_review_accept_and_reject_then_feedback(site, doubled, signed_in, screenshots):
    pid = site.project_id
    page = signed_in("reviewer")
    page.goto(f"/projects/{pid}/review")
    entries = page.locator("article.review-entry")
    expect(entries).to_have_count(2)
    shown = sorted(int(entries.nth(i).get_attribute("data-item")) for i in range(2))
    assert shown == sorted(doubled[p] for p in DISAGREE)
    screenshots(page, "review-queue")
    entry = page.locator(f"#review-item-{doubled[3]}")
    mine = entry.locator(".answer", has_text="annotator2")
    # reject with no comment: refused in place, nothing recorded
    mine.locator("form:has(button.reject) button").click()
    expect(entry.locator("[role=alert]")).to_contain_text("comment")
    mine = entry.locator(".answer", has_text="annotator2")
    mine.locator("input[name=comment]").first.fill("It says dogs: that is positive")
    mine.locator("form:has(button.reject) button").click()
    expect(entry.locator("li[data-review=reject]")).to_have_count(1)
    expect(entry.locator(".answer", has_text="annotator2").first).to_have_attribute(
        "data-status", "rejected"
    )
    other = entry.locator(".answer:not(:has-text('annotator2'))", has_text="annotator").first
    other.locator("button.accept").click()
    expect(entry.locator("li[data-review=accept]")).to_have_count(1)
    # the swapped entry still heads with the (recomputed) consensus: only the kept answer
    expect(entry.locator("[data-agreement]")).to_have_text("100 %")
    screenshots(page, "review-after-actions")

    annotator = signed_in("annotator2")
    annotator.goto(f"/projects/{pid}/feedback")
    row = annotator.locator("#feedback-table tr[data-feedback=reject]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("It says dogs: that is positive")
    expect(row).to_contain_text("reviewer")
    screenshots(annotator, "my-feedback")


def test_fix_creates_a_correction_the_annotator_sees(site, db, people, doubled, page_client):
    pid = site.project_id
    item_id = doubled[6]
    wrong = next(
        a
        for a in annotating.list_item_annotations(db, people.actors["manager"], item_id)
        if a.author_name == "annotator2"
    )
    client = page_client("reviewer")
    answer = client.post(
        f"/projects/{pid}/review/{item_id}/{wrong.id}",
        data={
            "csrf_token": client.csrf,
            "action": "fix",
            "fix_control": "sentiment",
            "fix_choice": "negative",
        },
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200, answer.text
    assert 'data-review="fix"' in answer.text
    assert f"corrects #{wrong.id}" in answer.text
    feedback = page_client("annotator2").get(f"/projects/{pid}/feedback")
    assert 'data-feedback="fix"' in feedback.text
    assert "corrected" in feedback.text
    no_token = client.post(
        f"/projects/{pid}/review/{item_id}/{wrong.id}", data={"action": "accept"}
    )
    assert no_token.status_code == 403


def test_gold_page_marks_and_lists_gold_and_attempts(site, db, people, page_client):
    pid = site.project_id
    op = Actor.operator()
    client = page_client("manager")
    gold_id = site.item_ids[10]
    added = client.post(
        f"/projects/{pid}/gold",
        data={
            "csrf_token": client.csrf,
            "item_id": str(gold_id),
            "control": "sentiment",
            "choice": "negative",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    page = client.get(f"/projects/{pid}/gold")
    assert f'data-gold="{gold_id}"' in page.text
    assert "sentiment: negative" in page.text
    foreign = client.post(
        f"/projects/{pid}/gold",
        data={"csrf_token": client.csrf, "item_id": "999999", "control": "sentiment",
              "choice": "negative"},
    )  # fmt: skip
    assert foreign.status_code == 404
    # a qualification test of one gold item, set on the page: a new annotator's attempt shows up
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    form = {
        "csrf_token": client.csrf,
        "version": version,
        "gold_ratio": "0",
        "qualification_size": "1",
        "pass_score": "0.5",
        "consensus_method": "dawid_skene",
        "agreement_threshold": "0.7",
    }
    refused = client.post(f"/projects/{pid}/gold/settings", data=form | {"pass_score": "2"})
    assert refused.status_code == 400
    assert 'role="alert"' in refused.text
    stale = client.post(f"/projects/{pid}/gold/settings", data=form | {"version": "0"})
    assert stale.status_code == 409
    saved = client.post(f"/projects/{pid}/gold/settings", data=form, follow_redirects=True)
    assert saved.status_code == 200
    assert 'role="status"' in saved.text
    assert '<option value="dawid_skene" selected>' in saved.text
    options = projects.get_project(db, op, pid).settings
    assert options["qualification"] == {"size": 1, "pass_score": 0.5}
    assert options["review"] == {"agreement_threshold": 0.7}
    people.add("newcomer")
    projects.set_member(db, op, pid, username="newcomer", role="annotator")
    item = assignment.next_item(db, people.actors["newcomer"], pid)
    assert item is not None
    assert item.id == gold_id
    annotating.create_annotation(
        db,
        people.actors["newcomer"],
        item.id,
        regions=[{"control": "sentiment", "value": {"choices": ["negative"]}}],
    )
    page = client.get(f"/projects/{pid}/gold")
    row = re.search(r'<tr data-attempt="newcomer">.*?</tr>', page.text, re.S)
    assert row, page.text
    assert "100 %" in row.group(0)
    mine = page_client("newcomer").get(f"/projects/{pid}/feedback")
    assert 'id="my-qualification"' in mine.text
    newcomer = people.actors["newcomer"].user_id
    reset = client.post(
        f"/projects/{pid}/qualification/{newcomer}/reset",
        data={"csrf_token": client.csrf},
        follow_redirects=True,
    )
    assert reset.status_code == 200
    row = re.search(r'<tr data-attempt="newcomer">.*?</tr>', reset.text, re.S)
    assert row
    assert "<td>2</td>" in row.group(0)  # a second attempt
    removed = client.post(
        f"/projects/{pid}/gold/{gold_id}/remove", data={"csrf_token": client.csrf},
        follow_redirects=False,
    )  # fmt: skip
    assert removed.status_code == 303
    assert f'data-gold="{gold_id}"' not in client.get(f"/projects/{pid}/gold").text


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("annotator", {"quality": 403, "review": 403, "gold": 403, "feedback": 200}),
        ("reviewer", {"quality": 200, "review": 200, "gold": 403, "feedback": 200}),
        ("manager", {"quality": 200, "review": 200, "gold": 200, "feedback": 200}),
        ("outsider", {"quality": 404, "review": 404, "gold": 404, "feedback": 404}),
    ],
)
def test_who_may_see_the_quality_pages(site, page_client, username, expected):
    client = page_client(username)
    got = {name: client.get(f"/projects/{site.project_id}/{name}").status_code for name in expected}
    assert got == expected


def test_review_filters_and_manager_tools(site, people, doubled, page_client):
    pid = site.project_id
    reviewer = page_client("reviewer")
    everything = reviewer.get(f"/projects/{pid}/review?max_agreement=1")
    assert everything.text.count('class="review-entry"') == 6
    negative = reviewer.get(f"/projects/{pid}/review?max_agreement=1&label=negative")
    shown = set(map(int, re.findall(r'data-item="(\d+)"', negative.text)))
    assert shown  # items whose consensus says "negative"
    assert shown < {doubled[p] for p in doubled}
    assert len(shown) < 6
    mine = people.actors["annotator2"].user_id
    by_annotator = reviewer.get(f"/projects/{pid}/review?max_agreement=1&annotator={mine}")
    assert by_annotator.text.count('class="review-entry"') == 6
    nobody = people.actors["manager"].user_id  # answered nothing
    none = reviewer.get(f"/projects/{pid}/review?max_agreement=1&annotator={nobody}")
    assert 'id="queue-empty"' in none.text
    bad = reviewer.get(f"/projects/{pid}/review?max_agreement=lots")
    assert bad.status_code == 400
    assert "scan-button" not in reviewer.get(f"/projects/{pid}/review").text
    assert "make-gold" not in everything.text  # gold is for managers
    refused = reviewer.post(f"/projects/{pid}/review/refit", data={"csrf_token": reviewer.csrf})
    assert refused.status_code == 403
    manager = page_client("manager")
    refit = manager.post(
        f"/projects/{pid}/review/refit", data={"csrf_token": manager.csrf}, follow_redirects=True
    )
    assert refit.status_code == 200
    assert "Consensus recomputed on 6 items." in refit.text
    scan = manager.post(
        f"/projects/{pid}/review/scan", data={"csrf_token": manager.csrf}, follow_redirects=True
    )
    assert scan.status_code == 200
    assert "0 suspected label errors flagged." in scan.text  # no model predictions stored
    queue = manager.get(f"/projects/{pid}/review?max_agreement=1")
    assert queue.text.count("make-gold") == 6  # one per consensus answer
    made = manager.post(
        f"/projects/{pid}/gold",
        data={"csrf_token": manager.csrf, "item_id": str(doubled[2]), "control": "sentiment",
              "choice": "negative"},
        follow_redirects=False,
    )  # fmt: skip
    assert made.status_code == 303
    assert f'data-gold="{doubled[2]}"' in manager.get(f"/projects/{pid}/gold").text


def test_lead_marks_gold_in_the_browser(site, signed_in, screenshots):
    pid = site.project_id
    page = signed_in("manager")
    page.goto(f"/projects/{pid}/gold")
    expect(page.locator("#gold-table")).to_have_count(0)
    form = page.locator("#gold-form")
    form.locator("input[name=item_id]").fill(str(site.item_ids[4]))
    form.locator("select[name=choice]").select_option("neutral")
    form.locator("button").click()
    row = page.locator(f"#gold-table tr[data-gold='{site.item_ids[4]}']")
    expect(row).to_contain_text("sentiment: neutral")
    expect(row).to_contain_text("ext-4")
    screenshots(page, "quality-gold")
    row.locator("button", has_text="Remove").click()
    expect(page.locator("#gold-table")).to_have_count(0)


@pytest.mark.parametrize(
    ("username", "links"),
    [
        ("annotator", ["feedback"]),
        ("reviewer", ["quality", "review", "feedback"]),
        ("manager", ["automation", "quality", "review", "gold", "feedback"]),
    ],
)
def test_overview_links_to_the_pages_each_role_may_see(site, page_client, username, links):
    pid = site.project_id
    page = page_client(username).get(f"/projects/{pid}")
    assert page.status_code == 200
    nav = page.text.split('aria-label="Quality"')[1].split("</nav>")[0]
    assert re.findall(rf'href="/projects/{pid}/(\w+)"', nav) == links


def test_dashboard_without_consensus_still_renders(site, page_client):
    page = page_client("reviewer").get(f"/projects/{site.project_id}/quality")
    assert page.status_code == 200
    progress = page.text.split('data-chart="progress"')[1].split("</svg>")[0]
    assert re.findall(r'<rect class="bar" data-value="(\d+)"', progress) == ["1"]
    assert "No items with several answers yet" in page.text
    assert "No confusion matrices yet" in page.text
    assert 'class="chart-svg heatmap"' not in page.text


def test_chart_geometry():
    bars = bar_chart([("a", 2), ("b", 4), ("c", None)])
    assert [b.width for b in bars.bars] == [PLOT_WIDTH / 2, PLOT_WIDTH, 0]
    assert [b.text for b in bars.bars] == ["2", "4", "n/a"]
    assert len({b.y for b in bars.bars}) == 3  # one row each
    shares = bar_chart([("x", 0.25)], scale_max=1, percent=True).bars[0]
    assert (shares.width, shares.text) == (PLOT_WIDTH / 4, "25 %")
    days = series_chart([("2026-01-01", 2, 2), ("2026-01-02", 4, 6)])
    assert [c.height for c in days.columns] == [SERIES_H / 2, SERIES_H]
    assert [y for _, y in days.dots] == [round(SERIES_H - SERIES_H * 2 / 6, 1), 0]
    assert (days.first, days.last) == ("2026-01-01", "2026-01-02")
    grid = heatmap(["p", "n"], [[3, 1], [0, 2]])
    assert [c.opacity for c in grid.cells] == [0.75, 0.25, 0.0, 1.0]
    assert grid.size == grid.margin + 2 * grid.cell
