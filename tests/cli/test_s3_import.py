"""Imports from S3-compatible storage: a real S3 API server (moto) on loopback, real s3fs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from annota.store import tables
from annota.store.db import Database
from clirun import annota
from live import free_port

moto_server = pytest.importorskip("moto.server")
s3fs = pytest.importorskip("s3fs")

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
KEY, SECRET = "test-key", "test-secret-never-printed"


@pytest.fixture
def s3(cli_env: dict[str, str]) -> Iterator[s3fs.S3FileSystem]:
    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    cli_env |= {
        "ANNOTA_S3_ENDPOINT_URL": endpoint,
        "ANNOTA_S3_ACCESS_KEY_ID": KEY,
        "ANNOTA_S3_SECRET_ACCESS_KEY": SECRET,
        "ANNOTA_S3_REGION": "us-east-1",
    }
    fs = s3fs.S3FileSystem(
        key=KEY, secret=SECRET, client_kwargs={"endpoint_url": endpoint, "region_name": "us-east-1"}
    )
    boto3 = pytest.importorskip("boto3")
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        region_name="us-east-1",
    ).create_bucket(Bucket="data")
    yield fs
    server.stop()


def _count(db: Database, table: str) -> int:
    with db.read() as s:
        return int(s.execute(select(func.count()).select_from(getattr(tables, table))).scalar_one())


def test_records_file_and_coco_prefix_from_s3(
    s3: s3fs.S3FileSystem, cli_env: dict[str, str], db: Database, tmp_path: Path
) -> None:
    s3.pipe(
        "data/coco/instances.json",
        (DATA / "coco-corenet-val2017-subset" / "instances_val2017.json").read_bytes(),
    )
    out = annota(cli_env, "import", "coco", "s3://data/coco/instances.json", "--create")
    assert out.returncode == 0, out.stderr
    assert _count(db, "items") == 2
    assert _count(db, "annotations") == 2
    schema = tmp_path / "s.yaml"
    schema.write_text(
        "fields: [{name: text, type: text}]\n"
        "controls: [{name: c, type: choices, field: text, options: [a, b]}]\n"
    )
    rows = "".join(json.dumps({"id": f"r{i}", "text": f"t{i}"}) + "\n" for i in range(5))
    s3.pipe("data/texts/part-1.jsonl", rows.encode())
    out = annota(
        cli_env,
        "import",
        "texts",
        "s3://data/texts/part-1.jsonl",
        "--create",
        "--schema",
        str(schema),
    )
    assert out.returncode == 0, out.stderr
    assert _count(db, "items") == 7
    assert SECRET not in out.stdout + out.stderr


def test_missing_objects_and_bad_credentials_fail_cleanly(
    s3: s3fs.S3FileSystem, cli_env: dict[str, str], db: Database
) -> None:
    out = annota(cli_env, "import", "x", "s3://data/nothing-here/", "--format", "jsonl")
    assert out.returncode == 1
    assert "s3://data/nothing-here/" in out.stderr
    assert SECRET not in out.stderr
    assert _count(db, "items") == 0
