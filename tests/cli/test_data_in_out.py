"""Data in and out through the real ``annota`` command, checked with the users' own libraries."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
import spacy
from PIL import Image
from pycocotools.coco import COCO as PyCoco
from spacy.tokens import DocBin
from sqlalchemy import func, insert, select, update

from annota.services import annotating
from annota.services.actor import Actor
from annota.store import tables
from annota.store.db import Database
from clirun import annota

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
COCO = DATA / "coco-corenet-val2017-subset" / "instances_val2017.json"
COCO_KP = DATA / "coco-datumaro-fixture" / "person_keypoints_val.json"
CONLL = DATA / "conll2003-allennlp-fixture" / "conll2003.txt"
CVAT = Path(__file__).resolve().parents[1] / "formats" / "data" / "cvat_images_1_1.xml"


def ok(result: Any) -> str:
    assert result.returncode == 0, result.stderr
    return str(result.stdout)


def count(db: Database, table: Any, project_id: int) -> int:
    with db.read() as s:
        return int(
            s.execute(select(func.count()).where(table.c.project_id == project_id)).scalar_one()
        )


def boxes(document: dict[str, Any]) -> Counter[tuple[str, str, tuple[float, ...]]]:
    """(file, category, geometry) of every annotation.

    A mask's box is the mask's own bounds on export (a documented normalisation: one fixture
    file's RLE box disagrees with its mask), so masks are compared by their RLE counts.
    """
    names = {c["id"]: c["name"] for c in document["categories"]}
    files = {i["id"]: i["file_name"] for i in document["images"]}
    return Counter(
        (
            files[a["image_id"]],
            names[a["category_id"]],
            tuple(a["segmentation"]["counts"])
            if isinstance(a.get("segmentation"), dict)
            else tuple(round(v, 2) for v in a["bbox"]),
        )
        for a in document["annotations"]
    )


@pytest.mark.parametrize("source", [COCO, COCO_KP], ids=["instances", "keypoints"])
def test_coco_round_trip_loads_in_pycocotools(
    cli_env: dict[str, str], db: Database, tmp_path: Path, source: Path
) -> None:
    pid = int(ok(annota(cli_env, "import", "coco", str(source), "--create")).strip())
    out = tmp_path / "out.json"
    ok(annota(cli_env, "export", "coco", "--format", "coco", "-o", str(out)))
    original, exported = json.loads(source.read_text()), json.loads(out.read_text())
    assert boxes(exported) == boxes(original)
    loaded = PyCoco(str(out))
    assert len(loaded.getImgIds()) == len(original["images"])
    assert len(loaded.getAnnIds()) == len(original["annotations"])
    sizes = {(i["file_name"], i["width"], i["height"]) for i in exported["images"]}
    assert sizes == {(i["file_name"], i["width"], i["height"]) for i in original["images"]}
    if "keypoints" in original["annotations"][0]:
        kps = sorted(tuple(a["keypoints"]) for a in exported["annotations"] if "keypoints" in a)
        assert kps == sorted(
            tuple(a["keypoints"]) for a in original["annotations"] if "keypoints" in a
        )
    assert count(db, tables.items, pid) == len(original["images"])


def test_conll_round_trip_keeps_tokens_and_tags(cli_env: dict[str, str], tmp_path: Path) -> None:
    ok(annota(cli_env, "import", "ner", str(CONLL), "--format", "conll", "--create"))
    out = tmp_path / "out.conll"
    ok(
        annota(
            cli_env, "export", "ner", "--format", "conll", "--conll-scheme", "iob1", "-o", str(out)
        )
    )

    def tags(text: str) -> list[tuple[str, str]]:
        rows = [line.split() for line in text.splitlines() if line.strip()]
        return [(r[0], r[-1]) for r in rows if r[0] != "-DOCSTART-"]

    assert tags(out.read_text()) == tags(CONLL.read_text())


def test_spacy_and_parquet_exports_load_in_their_libraries(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    ok(annota(cli_env, "import", "ner", str(CONLL), "--format", "conll", "--create"))
    ok(annota(cli_env, "export", "ner", "--format", "spacy", "-o", str(tmp_path / "ner.spacy")))
    docs = list(DocBin().from_disk(tmp_path / "ner.spacy").get_docs(spacy.blank("en").vocab))
    ents = sorted((e.text, e.label_) for d in docs for e in d.ents)
    assert ents == sorted(
        [
            ("U.N.", "ORG"),
            ("Ekeus", "PER"),
            ("Baghdad", "LOC"),
            ("AI2", "ORG"),
            ("Joel", "PER"),
            ("Seattle", "LOC"),
        ]
    )
    ok(annota(cli_env, "export", "ner", "--format", "parquet", "-o", str(tmp_path / "ner.parquet")))
    frame = pd.read_parquet(tmp_path / "ner.parquet")
    assert len(frame) == 2
    ok(annota(cli_env, "export", "ner", "--format", "hf", "-o", str(tmp_path / "hf")))
    datasets = pytest.importorskip("datasets")
    assert datasets.load_from_disk(str(tmp_path / "hf")).num_rows == 2


def test_cvat_yolo_and_voc_round_trips(cli_env: dict[str, str], tmp_path: Path) -> None:
    ok(annota(cli_env, "import", "streets", str(CVAT), "--create"))
    ok(annota(cli_env, "export", "streets", "--format", "cvat", "-o", str(tmp_path / "out.xml")))
    ok(annota(cli_env, "import", "streets2", str(tmp_path / "out.xml"), "--create"))
    ok(annota(cli_env, "export", "streets2", "--format", "cvat", "-o", str(tmp_path / "again.xml")))
    assert (tmp_path / "again.xml").read_text() == (tmp_path / "out.xml").read_text()

    ok(annota(cli_env, "import", "coco", str(COCO), "--create"))
    original = boxes(json.loads(COCO.read_text()))
    for fmt in ("yolo", "voc"):
        folder = tmp_path / fmt
        ok(annota(cli_env, "export", "coco", "--format", fmt, "-o", str(folder)))
        assert (folder / "SHA256SUMS").exists()
        if fmt == "yolo":  # YOLO records no image sizes: give it images of the right size
            _fake_images(folder / "images", json.loads(COCO.read_text()))
        ok(annota(cli_env, "import", f"back-{fmt}", str(folder), "--create"))
        ok(
            annota(
                cli_env,
                "export",
                f"back-{fmt}",
                "--format",
                "coco",
                "-o",
                str(tmp_path / f"{fmt}.json"),
            )
        )
        back = json.loads((tmp_path / f"{fmt}.json").read_text())
        # Names: stems for YOLO; coordinates within YOLO's 6 decimals of normalised values.
        assert sum(boxes(back).values()) == sum(original.values())
        labels = Counter(name for (_, name, _), n in boxes(back).items() for _ in range(n))
        assert labels == Counter(name for (_, name, _), n in original.items() for _ in range(n))


def _fake_images(folder: Path, coco: dict[str, Any]) -> None:
    folder.mkdir()
    for image in coco["images"]:
        Image.new("RGB", (image["width"], image["height"])).save(folder / image["file_name"])


def test_splits_are_deterministic_and_stratified(
    cli_env: dict[str, str], db: Database, tmp_path: Path
) -> None:
    schema = tmp_path / "schema.yaml"
    schema.write_text(
        "fields: [{name: text, type: text}]\n"
        "controls: [{name: label, type: choices, field: text, options: [a, b]}]\n"
    )
    data = tmp_path / "data.jsonl"
    data.write_text(
        "".join(json.dumps({"id": f"i{n}", "text": f"t{n}"}) + "\n" for n in range(100))
    )
    pid = int(
        ok(annota(cli_env, "import", "sp", str(data), "--create", "--schema", str(schema))).strip()
    )
    with db.read() as s:
        ids = (
            s.execute(
                select(tables.items.c.id)
                .where(tables.items.c.project_id == pid)
                .order_by(tables.items.c.id)
            )
            .scalars()
            .all()
        )
    for n, item_id in enumerate(ids):
        annotating.add_prediction  # noqa: B018  (services used below only through the CLI)
        _label(db, pid, item_id, "a" if n < 80 else "b")
    outs = []
    for attempt in range(2):
        folder = tmp_path / f"split{attempt}"
        ok(
            annota(
                cli_env,
                "export",
                "sp",
                "--format",
                "jsonl",
                "--split",
                "train=0.8,val=0.1,test=0.1",
                "--seed",
                "7",
                "-o",
                str(folder),
            )
        )
        outs.append(
            {name: (folder / f"{name}.jsonl").read_text() for name in ("train", "val", "test")}
        )
    assert outs[0] == outs[1]
    per_split = {k: [json.loads(line) for line in v.splitlines()] for k, v in outs[0].items()}
    assert {k: len(v) for k, v in per_split.items()} == {"train": 80, "val": 10, "test": 10}
    b_counts = {
        k: sum(r["annotations"][0]["regions"][0]["value"]["choices"] == ["b"] for r in v)
        for k, v in per_split.items()
    }
    assert b_counts == {"train": 16, "val": 2, "test": 2}
    other = tmp_path / "seed8"
    ok(
        annota(
            cli_env,
            "export",
            "sp",
            "--format",
            "jsonl",
            "--split",
            "train=0.8,val=0.1,test=0.1",
            "--seed",
            "8",
            "-o",
            str(other),
        )
    )
    assert (other / "test.jsonl").read_text() != outs[0]["test"]
    bad = annota(cli_env, "export", "sp", "--split", "train=0.8,val=0.3", "-o", str(tmp_path / "x"))
    assert bad.returncode == 1
    assert "split" in bad.stderr


def _label(
    db: Database,
    project_id: int,
    item_id: int,
    choice: str,
    *,
    status: str = "submitted",
    kind: str = "import",
) -> None:
    now = datetime.now(UTC)
    with db.write() as s:
        s.execute(
            insert(tables.annotations).values(
                project_id=project_id,
                item_id=item_id,
                author_kind=kind,
                author_name=kind,
                status=status,
                regions=[{"control": "label", "value": {"choices": [choice]}}],
                schema_version=1,
                guidelines_version=0,
                version=1,
                created_at=now,
                updated_at=now,
            )
        )


def test_only_accepted_consensus_and_predictions(
    cli_env: dict[str, str], db: Database, tmp_path: Path
) -> None:
    schema = tmp_path / "schema.yaml"
    schema.write_text(
        "fields: [{name: text, type: text}]\n"
        "controls: [{name: label, type: choices, field: text, options: [a, b]}]\n"
    )
    data = tmp_path / "data.jsonl"
    data.write_text("".join(json.dumps({"id": f"i{n}", "text": f"t{n}"}) + "\n" for n in range(3)))
    pid = int(
        ok(annota(cli_env, "import", "f", str(data), "--create", "--schema", str(schema))).strip()
    )
    with db.read() as s:
        ids = (
            s.execute(
                select(tables.items.c.id)
                .where(tables.items.c.project_id == pid)
                .order_by(tables.items.c.id)
            )
            .scalars()
            .all()
        )
    _label(db, pid, ids[0], "a")
    _label(db, pid, ids[0], "b", status="accepted")
    _label(db, pid, ids[1], "a", kind="consensus")
    _label(db, pid, ids[2], "b", status="draft")
    annotating.add_prediction(
        db,
        Actor.operator(),
        ids[2],
        model_name="m",
        model_version="1",
        score=0.9,
        regions=[{"control": "label", "value": {"choices": ["a"]}}],
    )

    def labels(*extra: str) -> list[Any]:
        out = tmp_path / "o.csv"
        ok(annota(cli_env, "export", "f", "--format", "csv", "-o", str(out), *extra))
        return pd.read_csv(out, keep_default_na=False)["label"].tolist()

    assert labels() == ["b", "a", ""]  # accepted beats a plain submission; drafts never stand
    assert labels("--only", "accepted") == ["b", "", ""]
    assert labels("--only", "consensus") == ["", "a", ""]
    assert labels("--with-predictions") == ["b", "a", "a"]
    csv_text = (tmp_path / "o.csv").read_text()
    assert csv_text.startswith("id,text,annotator,status,label")


def test_a_bad_record_imports_nothing_and_says_where(
    cli_env: dict[str, str], db: Database, tmp_path: Path
) -> None:
    document = json.loads(COCO.read_text())
    document["annotations"][-1]["segmentation"][0][:2] = [5000.0, 5000.0]  # far outside its image
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    result = annota(cli_env, "import", "bad", str(bad), "--create")
    assert result.returncode == 1
    assert "bad.json" in result.stderr
    assert "regions[" in result.stderr
    with db.read() as s:
        pid = s.execute(
            select(tables.projects.c.id).where(tables.projects.c.name == "bad")
        ).scalar()
    assert pid is None or count(db, tables.items, pid) == 0


def test_versions_diff_restore_and_tamper_check(
    cli_env: dict[str, str], db: Database, tmp_path: Path, settings: Any
) -> None:
    pid = int(
        ok(annota(cli_env, "import", "v", str(CONLL), "--format", "conll", "--create")).strip()
    )
    assert ok(annota(cli_env, "version", "create", "v", "--note", "before")).strip() == "1"
    with db.write() as s:  # an annotator later deletes every entity of the first sentence
        first = s.execute(
            select(tables.annotations.c.id)
            .where(tables.annotations.c.project_id == pid)
            .order_by(tables.annotations.c.id)
            .limit(1)
        ).scalar_one()
        s.execute(
            update(tables.annotations)
            .where(tables.annotations.c.id == first)
            .values(status="rejected")
        )
    assert ok(annota(cli_env, "version", "create", "v")).strip() == "2"
    diff = json.loads(ok(annota(cli_env, "version", "diff", "v", "1", "2", "--json")))
    assert (diff["items_added"], diff["items_removed"], diff["labels_changed"]) == (0, 0, 1)
    assert diff["changes"][0]["regions_removed"] == 3
    restored = ok(annota(cli_env, "version", "restore", "v", "1"))
    assert "1 labels added" in restored
    ok(annota(cli_env, "version", "create", "v"))
    again = json.loads(ok(annota(cli_env, "version", "diff", "v", "1", "3", "--json")))
    assert again["labels_changed"] == 0
    ok(annota(cli_env, "audit", "verify"))
    with db.read() as s:
        key = s.execute(
            select(tables.dataset_versions.c.storage_key).where(
                tables.dataset_versions.c.number == 1
            )
        ).scalar_one()
    path = settings.media_dir / key
    table = pq.read_table(path)
    manifest = json.loads(table.schema.metadata[b"annota.manifest"])
    manifest["items"] += 1
    pq.write_table(
        table.replace_schema_metadata({b"annota.manifest": json.dumps(manifest).encode()}), path
    )
    tampered = annota(cli_env, "version", "diff", "v", "1", "2")
    assert tampered.returncode == 1
    assert "does not match its manifest hash" in tampered.stderr


LS_CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text"><Label value="PER"/><Label value="LOC"/></Labels>
  <Choices name="topic" toName="text"><Choice value="travel"/><Choice value="work"/></Choices>
</View>"""


def test_label_studio_project_moves_over(
    cli_env: dict[str, str], db: Database, tmp_path: Path
) -> None:
    text = "👋 Zoë flew to Paris"
    start = len("👋 ".encode("utf-16-le")) // 2  # Label Studio counts UTF-16 code units
    tasks = [
        {
            "id": 11,
            "data": {"text": text},
            "annotations": [
                {
                    "id": 1,
                    "completed_by": {"email": "ann@example.org"},
                    "lead_time": 12.5,
                    "result": [
                        {
                            "id": "a",
                            "from_name": "ner",
                            "to_name": "text",
                            "type": "labels",
                            "value": {
                                "start": start,
                                "end": start + 3,
                                "text": "Zoë",
                                "labels": ["PER"],
                            },
                        },
                        {
                            "id": "b",
                            "from_name": "topic",
                            "to_name": "text",
                            "type": "choices",
                            "value": {"choices": ["travel"]},
                        },
                    ],
                }
            ],
        },
        {
            "id": 12,
            "data": {"text": "no answer yet"},
            "annotations": [{"id": 2, "was_cancelled": True, "result": []}],
            "predictions": [
                {
                    "model_version": "ner-v3",
                    "score": 0.7,
                    "result": [
                        {
                            "from_name": "topic",
                            "to_name": "text",
                            "type": "choices",
                            "value": {"choices": ["work"]},
                        }
                    ],
                }
            ],
        },
    ]
    (tmp_path / "export.json").write_text(json.dumps(tasks, ensure_ascii=False))
    (tmp_path / "config.xml").write_text(LS_CONFIG)
    result = annota(
        cli_env,
        "import",
        "ls",
        str(tmp_path / "export.json"),
        "--format",
        "labelstudio",
        "--create",
        "--config",
        str(tmp_path / "config.xml"),
    )
    pid = int(ok(result).strip())
    assert count(db, tables.items, pid) == 2
    with db.read() as s:
        ann = s.execute(
            select(tables.annotations).where(tables.annotations.c.project_id == pid)
        ).one()
    spans = [r["value"] for r in ann.regions if r["control"] == "ner"]
    assert spans == [{"start": 2, "end": 5, "label": "PER"}]
    assert text[spans[0]["start"] : spans[0]["end"]] == "Zoë"
    assert ann.author_kind == "import"
    assert "ann@example.org" in ann.author_name
    assert ann.lead_time == 12.5
    assert ann.lineage["source"] == "labelstudio"
    assert "2 items imported, 1 annotations, 1 predictions" in result.stderr
    with db.read() as s:
        pred = s.execute(
            select(tables.predictions).where(tables.predictions.c.project_id == pid)
        ).one()
    assert (pred.model_version, pred.score) == ("ner-v3", 0.7)
    assert pred.regions == [{"control": "topic", "value": {"choices": ["work"]}}]


def test_export_makes_the_output_folder_or_says_why_not(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    ok(annota(cli_env, "import", "ner", str(CONLL), "--format", "conll", "--create"))
    nested = tmp_path / "new" / "deeper" / "out.conll"
    ok(annota(cli_env, "export", "ner", "--format", "conll", "-o", str(nested)))
    assert nested.read_text().strip()
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("keep me")
    result = annota(cli_env, "export", "ner", "--format", "conll", "-o", str(in_the_way / "x"))
    assert result.returncode == 1
    assert "cannot create the folder for the export" in result.stderr
    assert "Traceback" not in result.stderr
    assert in_the_way.read_text() == "keep me"
