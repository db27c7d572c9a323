"""Importing: formats, idempotency, located errors, atomic batches, flat memory."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from PIL import Image

from annota.errors import InvalidInput
from annota.services import browsing, importing, projects
from annota.services.actor import Actor

OP = Actor.operator()


@pytest.fixture
def pid(db, text_schema):
    return projects.create_project(db, OP, name="imp", schema=text_schema).id


def _external_ids(db, pid):
    return [i.external_id for i in browsing.list_items(db, OP, pid, limit=500).items]


def test_jsonl_flat_and_nested_lines_and_reimport_adds_nothing(db, pid, tmp_path):
    f = tmp_path / "items.jsonl"
    f.write_text(
        '{"id": "a", "text": "flat"}\n'
        '{"id": 7, "data": {"text": "nested"}, "meta": {"src": "web"}}\n'
        '{"text": "no id"}\n'
    )
    report = importing.import_file(db, OP, pid, f)
    assert (report.created, report.existing) == (3, 0)
    again = importing.import_file(db, OP, pid, f)
    assert (again.created, again.existing) == (0, 3)
    items = browsing.list_items(db, OP, pid).items
    assert [i.external_id for i in items][:2] == ["a", "7"]
    assert items[1].meta == {"src": "web"}
    assert items[2].external_id.startswith("h:")  # content hash stands in for a missing id


def test_csv_and_parquet(db, pid, tmp_path):
    csv = tmp_path / "rows.csv"
    csv.write_text('id,text,meta.lang\nc1,"hello, world",en\nc2,"line\nbreak",fr\n')
    assert importing.import_file(db, OP, pid, csv).created == 2
    pq = tmp_path / "rows.parquet"
    pd.DataFrame({"id": ["p1", "p2"], "text": ["one", "two"]}).to_parquet(pq)
    assert importing.import_file(db, OP, pid, pq).created == 2
    assert _external_ids(db, pid) == ["c1", "c2", "p1", "p2"]
    assert browsing.list_items(db, OP, pid).items[1].data == {"text": "line\nbreak"}


def test_duplicate_ids_in_one_file_are_counted_once(db, pid, tmp_path):
    f = tmp_path / "dup.jsonl"
    f.write_text('{"id": "x", "text": "first"}\n{"id": "x", "text": "second"}\n')
    report = importing.import_file(db, OP, pid, f)
    assert (report.created, report.duplicates_in_source) == (1, 1)
    assert browsing.list_items(db, OP, pid).items[0].data == {"text": "first"}


@pytest.mark.parametrize(
    ("content", "location", "message"),
    [
        (b'{"id": "1", "text": "ok"}\n{"id": "2", "text": \n', "bad.jsonl:2", "JSON"),
        (b'{"id": "1", "text": "ok"}\n{"id": "2", "txt": "typo"}\n', "bad.jsonl:2:text", "text"),
        (b'{"id": "1", "text": "ok"}\n{"id": "2", "text": 5}\n', "bad.jsonl:2:text", "text"),
        (b'{"id": "1", "text": "ok"}\n{"id": "2", "text": "caf\xe9"}\n', "bad.jsonl:2", "UTF-8"),
        (b'{"id": "1", "text": "ok"}\n[1, 2]\n', "bad.jsonl:2", "object"),
        (b"", "bad.jsonl", "no records"),
    ],
    ids=[
        "malformed-json",
        "missing-field",
        "wrong-type",
        "bad-encoding",
        "not-object",
        "empty-file",
    ],
)
def test_bad_records_are_located_and_nothing_of_the_batch_is_written(
    db, pid, tmp_path, content, location, message
):
    f = tmp_path / "bad.jsonl"
    f.write_bytes(content)
    with pytest.raises(InvalidInput, match=message) as info:
        importing.import_file(db, OP, pid, f)
    assert info.value.location is not None
    assert info.value.location.startswith(location)
    assert _external_ids(db, pid) == []  # line 1 was in the same batch: not written


def test_a_bad_record_anywhere_imports_nothing_and_a_fixed_rerun_completes(
    db, settings, pid, tmp_path
):
    settings.import_batch_size = 10
    f = tmp_path / "big.jsonl"
    lines = [json.dumps({"id": f"r{i}", "text": f"t{i}"}) for i in range(25)]
    lines[23] = '{"id": "r23", "text": '
    f.write_text("\n".join(lines) + "\n")
    with pytest.raises(InvalidInput, match=r"big\.jsonl:24"):
        importing.import_file(db, OP, pid, f)
    assert _external_ids(db, pid) == []  # checked in full before the first batch
    lines[23] = json.dumps({"id": "r23", "text": "t23"})
    f.write_text("\n".join(lines) + "\n")
    report = importing.import_file(db, OP, pid, f)
    assert (report.created, report.existing) == (25, 0)


def test_progress_is_reported_per_batch(db, settings, pid, tmp_path):
    settings.import_batch_size = 100
    f = tmp_path / "p.jsonl"
    f.write_text("".join(json.dumps({"text": f"t{i}"}) + "\n" for i in range(250)))
    seen: list[int] = []
    importing.import_file(db, OP, pid, f, progress=seen.append)
    assert seen == [100, 200, 250]


def test_media_folder_import_probes_sizes_and_is_idempotent(db, tmp_path):
    schema = (
        "fields: [{name: image, type: image}]\n"
        "controls: [{name: box, type: bbox, field: image, labels: [car]}]\n"
    )
    pid = projects.create_project(db, OP, name="pics", schema=schema).id
    folder = tmp_path / "pics"
    (folder / "sub").mkdir(parents=True)
    Image.new("RGB", (40, 30)).save(folder / "a.png")
    Image.new("RGB", (20, 10)).save(folder / "sub" / "b.jpg")
    (folder / "notes.txt").write_text("not media")
    report = importing.import_folder(db, OP, pid, folder)
    assert (report.created, report.existing) == (2, 0)
    assert importing.import_folder(db, OP, pid, folder).existing == 2
    items = browsing.list_items(db, OP, pid).items
    assert [i.external_id for i in items] == ["a.png", "sub/b.jpg"]
    assert items[0].data["image"].startswith("/api/v1/media/")


MEMORY_SCRIPT = """
import sys
from annota.config import Settings
from annota.formats import SourceRecord
from annota.services import importing, projects
from annota.services.actor import Actor
from annota.services.runtime import open_database
data_dir, url, n = sys.argv[1], sys.argv[2] or None, int(sys.argv[3])
db = open_database(Settings(data_dir=data_dir, database_url=url), migrate=False)
op = Actor.operator()
schema = ("fields: [{name: text, type: text}]\\n"
          "controls: [{name: c, type: choices, field: text, options: [a]}]")
pid = projects.create_project(db, op, name=f"mem{n}", schema=schema).id
def hwm():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
importing.import_records(db, op, pid, (SourceRecord("g", "warm", {"text": "x"}, {}),), source="w")
before = hwm()
rows = (SourceRecord(f"g:{i}", f"id{i}", {"text": "a product review of some length %d" % i}, {})
        for i in range(n))
report = importing.import_records(db, op, pid, rows, source="gen")
assert report.created == n, report
print(hwm() - before)
"""


@pytest.mark.slow
def test_millions_of_rows_import_in_flat_memory(db, settings):
    """Peak memory growth for 2,000,000 rows is no larger than for 100,000 (plus slack)."""

    def growth_kib(n: int) -> int:
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                MEMORY_SCRIPT,
                str(settings.data_dir),
                settings.database_url or "",
                str(n),
            ],
            capture_output=True,
            text=True,
            timeout=900,
            check=True,
        )
        return int(out.stdout.strip())

    small = growth_kib(100_000)
    large = growth_kib(2_000_000)
    assert large < small + 16 * 1024, (small, large)
