"""Exports in any format as background jobs from the browser: start, live progress, download."""

from __future__ import annotations

import io
import json
import time
import zipfile

from playwright.sync_api import expect


def _post(client, path, **form):
    return client.post(path, data={"csrf_token": client.csrf, **form}, follow_redirects=False)


def test_export_job_panel_polls_until_the_download_is_ready(site, page_client):
    client = page_client("manager")
    pid = site.project_id
    started = _post(client, f"/projects/{pid}/exports", format="csv", split="a=0.5,b=0.5", seed="1")
    assert started.status_code == 202
    job_id = int(started.text.split('id="export-job-')[1].split('"')[0])
    deadline = time.monotonic() + 60
    while 'class="job-status">done<' not in (
        panel := client.get(f"/projects/{pid}/exports/{job_id}").text
    ):
        assert "failed" not in panel
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert "hx-trigger" not in panel  # a finished job stops polling
    zipped = client.get(f"/api/v1/jobs/{job_id}/download")
    names = zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()
    assert sorted(n.rsplit("/", 1)[-1] for n in names) == ["SHA256SUMS", "a.csv", "b.csv"]
    bad = _post(client, f"/projects/{pid}/exports", format="evil")
    assert bad.status_code == 400
    assert _post(page_client("annotator"), f"/projects/{pid}/exports").status_code == 403


def test_export_job_in_the_browser(site, signed_in, screenshots):
    page = signed_in("manager")
    page.goto(f"/projects/{site.project_id}/import")
    page.select_option("#export-job-form select[name=format]", "jsonl")
    page.click("#export-job-button")
    link = page.locator("#export-download")
    expect(link).to_be_visible(timeout=30_000)
    screenshots(page, "export-job")
    with page.expect_download() as info:
        link.click()
    with open(info.value.path(), encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    assert len(rows) == 30
