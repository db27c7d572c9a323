"""Automation pages: LF analysis with charts, the label-model job with live progress,
pre-labeling and acceptance per model version, and who may see them."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from annota.config import Settings
from annota.services import annotating, assignment, labeling_functions
from annota.services.actor import Actor
from example_backend import running_example_backend

TOKEN = "page-backend-token"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The example backend listens on loopback, which only this setting admits."""
    return settings.model_copy(update={"allow_private_model_urls": True})


@pytest.fixture
def example_backend() -> Iterator[str]:
    """examples/model_backend/server.py as a real process on a free loopback port."""
    with running_example_backend(TOKEN) as url:
        yield url


def label_items(db: Any, actor: Actor, project_id: int, answers: list[str]) -> list[int]:
    """The annotator answers the next items of their queue with ``answers`` in turn."""
    done = []
    for answer in answers:
        item = assignment.next_item(db, actor, project_id)
        assert item is not None
        annotating.create_annotation(
            db,
            actor,
            item.id,
            regions=[{"control": "sentiment", "value": {"choices": [answer]}}],
        )
        done.append(item.id)
    return done


def add_rules(db: Any, manager: Actor, project_id: int) -> None:
    for name, word, label in (("cats", "cats", "negative"), ("dogs", "dogs", "positive")):
        labeling_functions.create_lf(
            db,
            manager,
            project_id,
            name=name,
            kind="keyword",
            spec={"keywords": [word]},
            label=label,
        )


def wait_for_job(client: Any, project_id: int, fragment: str) -> str:
    """Poll the job fragment as htmx would until it says the job finished."""
    job_id = re.search(r'data-job-id="(\d+)"', fragment)
    assert job_id, fragment
    for _ in range(120):
        if re.search(r'data-job-status="(done|failed|cancelled)"', fragment):
            return fragment
        time.sleep(0.5)
        answer = client.get(f"/projects/{project_id}/automation/jobs/{job_id.group(1)}")
        assert answer.status_code == 200, answer.text
        fragment = answer.text
    raise AssertionError(f"the job never finished: {fragment}")


def test_lf_page_runs_label_model_with_live_progress(site, db, people, signed_in, screenshots):
    pid = site.project_id
    add_rules(db, people.actors["manager"], pid)
    page = signed_in("manager")
    page.goto(f"/projects/{pid}/automation")
    expect(page.locator("#lf-table tbody tr")).to_have_count(2)
    bars = page.locator("svg[data-chart=lf-coverage] rect.bar")
    expect(bars).to_have_count(2)  # no votes stored yet: the rules run in the job
    page.click("#run-label-model")
    job = page.locator("#label-model-job .job")
    expect(job).to_have_attribute("data-job-status", "done", timeout=60_000)
    expect(job.locator(".job-percent")).to_have_text("100 %")
    assert job.locator("progress").get_attribute("value") == "100.0"
    # the one person-labelled item is not relabelled: 29 rule-authored annotations
    expect(job.locator("[data-result=annotations]")).to_have_text("29")
    expect(job.locator("[data-result=items]")).to_have_count(0)  # a prelabel-only key
    screenshots(page, "automation-label-model-done")
    run_href = job.locator("a.run-link").get_attribute("href")
    page.click("#job-refresh")
    # 10 of the 30 items mention cats, 20 dogs: the coverage bars say so
    expect(bars).to_have_count(2)
    values = sorted(float(bars.nth(i).get_attribute("data-value")) for i in range(2))
    assert values == [10 / 30, 20 / 30]
    widths = sorted(float(bars.nth(i).get_attribute("width")) for i in range(2))
    assert widths[1] == 2 * widths[0] > 0
    expect(page.locator("svg[data-chart=lf-conflicts] rect.bar")).to_have_count(2)
    expect(page.locator("#recent-jobs .job[data-job-status=done]")).to_have_count(1)
    page.goto(run_href)
    expect(page.locator("#run-lfs tbody tr")).to_have_count(2)
    expect(page.locator("#run-lfs tr[data-lf=cats]")).to_contain_text("negative")
    expect(page.locator("[data-result=annotations]")).to_have_text("29")
    method = page.locator("[data-result=method]").inner_text()
    # the setting chosen on the labelled item is named, unless it fell back to majority vote
    expect(page.locator("[data-result=settings]")).to_have_count(int(method == "label_model"))
    screenshots(page, "automation-lf-analysis")


def test_rule_form_adds_and_refuses(site, page_client):
    pid = site.project_id
    client = page_client("manager")
    form = {"csrf_token": client.csrf, "control": "sentiment", "kind": "regex", "label": "neutral"}
    ok = client.post(
        f"/projects/{pid}/automation/lfs",
        data=form | {"name": "numbers", "terms": r"number \d+"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    page = client.get(f"/projects/{pid}/automation?control=sentiment")
    assert 'data-lf="numbers"' in page.text
    assert r"<code>number \d+</code>" in page.text
    bad = client.post(
        f"/projects/{pid}/automation/lfs", data=form | {"name": "broken", "terms": "(unclosed"}
    )
    assert bad.status_code == 400
    assert 'role="alert"' in bad.text
    assert 'data-lf="broken"' not in bad.text
    no_csrf = client.post(
        f"/projects/{pid}/automation/lfs",
        data=form | {"csrf_token": "x", "name": "n", "terms": "a"},
    )
    assert no_csrf.status_code == 403


def test_prelabel_job_and_acceptance_per_model_version(site, db, people, page_client):
    pid = site.project_id
    annotator = people.actors["annotator"]
    label_items(db, annotator, pid, ["negative", "positive", "positive", "negative"])
    client = page_client("manager")
    chosen = client.post(
        f"/projects/{pid}/automation/settings",
        data={
            "csrf_token": client.csrf,
            "model": "text_classifier:sentiment",
            "al_strategy": "entropy",
            "al_batch": "5",
        },
        follow_redirects=False,
    )
    assert chosen.status_code == 303, chosen.text
    page = client.get(chosen.headers["location"])
    assert 'role="status"' in page.text
    assert '<option value="entropy" selected>' in page.text
    assert "keep text_classifier on “sentiment”" in page.text
    started = client.post(
        f"/projects/{pid}/automation/prelabel",
        data={"csrf_token": client.csrf, "model": "project", "unlabelled_only": "1"},
    )
    assert started.status_code == 200, started.text
    finished = wait_for_job(client, pid, started.text)
    assert 'data-job-status="done"' in finished, finished
    assert "hx-trigger" not in finished  # polling stops once the job is done
    assert '<dd data-result="predictions">25</dd>' in finished  # 30 items, 5 labelled
    # the annotator keeps the suggestion on the next item: 1 of 1 region accepted
    item = assignment.next_item(db, annotator, pid)
    assert item is not None
    assert item.predictions
    suggestion = item.predictions[0]
    annotating.create_annotation(db, annotator, item.id, regions=suggestion.regions)
    page = client.get(f"/projects/{pid}/automation")
    table = re.search(r'<table class="list" id="acceptance-table">.*?</table>', page.text, re.S)
    assert table, page.text
    rows = re.findall(r"<tr><td>([^<]+)</td><td><code>([^<]+)</code>", table.group(0))
    assert rows == [(suggestion.model_name, suggestion.model_version)]
    assert "1 / 1" in table.group(0)
    assert "100.0 %" in table.group(0)
    chart = page.text.split('data-chart="acceptance"')[1].split("</svg>")[0]
    assert re.findall(r'<rect class="bar" data-value="([^"]*)"', chart) == ["1.0"]


def test_settings_and_backend_refusals_are_shown(site, page_client):
    pid = site.project_id
    client = page_client("manager")
    bad = client.post(
        f"/projects/{pid}/automation/settings",
        data={"csrf_token": client.csrf, "model": "text_classifier:entities"},
    )
    assert bad.status_code == 400
    assert "spans" in bad.text
    assert 'role="alert"' in bad.text
    # the cloud metadata address stays refused by the SSRF rules even with private URLs on
    loopback = client.post(
        f"/projects/{pid}/automation/backends",
        data={"csrf_token": client.csrf, "name": "gpu", "url": "http://169.254.169.254/"},
    )
    assert loopback.status_code in (400, 403)
    assert 'role="alert"' in loopback.text
    assert 'data-backend="gpu"' not in loopback.text


def test_prelabel_refusal_is_shown(site, page_client):
    client = page_client("manager")
    answer = client.post(
        f"/projects/{site.project_id}/automation/prelabel",
        data={"csrf_token": client.csrf, "model": "project"},
    )
    # no project model is configured: the job starts and fails, or is refused, visibly
    assert answer.status_code in (200, 400)
    if answer.status_code == 200:
        final = wait_for_job(client, site.project_id, answer.text)
        assert 'data-job-status="failed"' in final
        assert 'role="alert"' in final


def test_automation_pages_are_for_managers(site, page_client):
    pid = site.project_id
    for name, status in (("annotator", 403), ("reviewer", 403), ("outsider", 404)):
        client = page_client(name)
        assert client.get(f"/projects/{pid}/automation").status_code == status, name
        run = client.post(
            f"/projects/{pid}/automation/label-model",
            data={"csrf_token": client.csrf, "control": "sentiment"},
        )
        assert "data-job-id" not in run.text
        assert run.status_code == status, name
    assert page_client("manager").get(f"/projects/{pid}/automation").status_code == 200


def test_backend_registered_checked_and_prelabels_with_progress(
    site, signed_in, screenshots, example_backend
):
    pid = site.project_id
    page = signed_in("manager")
    page.goto(f"/projects/{pid}/automation")
    form = page.locator("#backend-form")
    form.locator("input[name=name]").fill("example")
    form.locator("input[name=url]").fill(example_backend)
    form.locator("input[name=token]").fill(TOKEN)
    form.locator("button").click()
    row = page.locator("#backend-table tr[data-backend=example]")
    expect(row).to_contain_text("set")
    assert TOKEN not in page.content()
    row.locator("button", has_text="Check health").click()
    expect(page.locator("[data-health=ok]")).to_contain_text("keywords-1")
    page.select_option("#prelabel-form select[name=model]", label="backend “example”")
    page.click("#start-prelabel")
    job = page.locator("#prelabel-job .job")
    expect(job).to_have_attribute("data-job-status", "done", timeout=60_000)
    expect(job.locator(".job-percent")).to_have_text("100 %")
    expect(job.locator("[data-result=items]")).to_have_text("29")  # all but the labelled one
    assert job.get_attribute("hx-trigger") is None  # polling stopped
    screenshots(page, "automation-prelabel-done")


def test_names_are_escaped_in_tables_and_charts(site, db, people, page_client):
    evil = '<img src=x onerror="alert(1)">'
    labeling_functions.create_lf(
        db,
        people.actors["manager"],
        site.project_id,
        name=evil,
        kind="keyword",
        spec={"keywords": ["dogs"]},
        label="positive",
    )
    page = page_client("manager").get(f"/projects/{site.project_id}/automation")
    assert page.status_code == 200
    assert evil not in page.text
    assert "&lt;img src=x onerror=" in page.text
    chart = page.text.split('data-chart="lf-coverage"')[1].split("</svg>")[0]
    assert "<img" not in chart
    assert chart.count('<rect class="bar"') == 1
