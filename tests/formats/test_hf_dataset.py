"""Parquet and Hugging Face datasets export, read by pandas, pyarrow and datasets; and import."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pandas as pd
import pyarrow.parquet as pq
import pytest

from annota.errors import InvalidInput
from annota.formats import AnnotatedItem, iter_hf_dataset, write_hf_dataset, write_parquet
from annota.schema import load_schema

SCHEMA = load_schema(
    """
fields: [{name: text, type: text}, {name: image, type: image, required: false}]
controls:
  - {name: sentiment, type: choices, field: text, options: [pos, neg, neutral]}
  - {name: topics, type: choices, field: text, options: [sport, tech], multiple: true}
  - {name: ner, type: spans, field: text, labels: [PER, ORG]}
  - {name: stars, type: rating, max: 5}
  - {name: score, type: number}
  - {name: comment, type: textarea}
  - {name: box, type: bbox, field: image, labels: [face]}
"""
)

TEXT = "Ada 🎉 joined Acme"


def _items() -> list[AnnotatedItem]:
    return [
        AnnotatedItem(
            "t1",
            {"text": TEXT, "image": "img/1.png"},
            [
                {"control": "sentiment", "value": {"choices": ["neg"]}},
                {"control": "topics", "value": {"choices": ["tech", "sport"]}},
                {"control": "ner", "value": {"start": 13, "end": 17, "label": "ORG"}},
                {"control": "ner", "value": {"start": 0, "end": 3, "label": "PER"}},
                {"control": "stars", "value": {"rating": 4}},
                {"control": "score", "value": {"number": 0.25}},
                {"control": "comment", "value": {"text": "ok"}},
                {
                    "control": "box",
                    "value": {"x": 1.0, "y": 2.0, "width": 3.0, "height": 4.0, "label": "face"},
                    "score": 0.5,
                },
            ],
        ),
        AnnotatedItem("t2", {"text": "nothing"}, []),
    ]


EXPECTED_FIRST = {
    "id": "t1",
    "text": TEXT,
    "image": "img/1.png",
    "sentiment": "neg",
    "sentiment_index": 1,
    "topics": ["tech", "sport"],
    "topics_index": [1, 0],
    "ner": [
        {"start": 0, "end": 3, "label": "PER"},
        {"start": 13, "end": 17, "label": "ORG"},
    ],
    "stars": 4,
    "score": 0.25,
    "comment": "ok",
    "box": '[{"value":{"x":1.0,"y":2.0,"width":3.0,"height":4.0,"label":"face"},"score":0.5}]',
}


def test_parquet_reads_back_in_pandas_and_pyarrow(tmp_path: Path) -> None:
    path = tmp_path / "out.parquet"
    splits = {"t1": "train", "t2": "test"}
    assert write_parquet(_items(), path, schema=SCHEMA, splits=splits) == 2
    table = pq.read_table(path)
    first, second = table.to_pylist()
    assert first == {**EXPECTED_FIRST, "split": "train"}
    assert second["sentiment"] is None
    assert second["sentiment_index"] == -1
    assert (second["ner"], second["box"], second["split"]) == ([], "[]", "test")
    frame = pd.read_parquet(path)
    assert list(frame["id"]) == ["t1", "t2"]
    assert TEXT[frame["ner"][0][1]["start"] : frame["ner"][0][1]["end"]] == "Acme"
    stored = json.loads(table.schema.metadata[b"annota.schema"])
    assert load_schema(stored) == SCHEMA


def test_hf_folder_loads_with_class_labels(tmp_path: Path) -> None:
    assert write_hf_dataset(_items(), tmp_path / "ds", schema=SCHEMA) == 2
    loaded = datasets.load_from_disk(str(tmp_path / "ds"))
    assert isinstance(loaded, datasets.Dataset)
    assert loaded.features["sentiment_index"].names == ["pos", "neg", "neutral"]
    assert loaded.features["sentiment_index"].int2str(loaded[0]["sentiment_index"]) == "neg"
    assert loaded.features["topics_index"].feature.names == ["sport", "tech"]
    assert loaded[0] == EXPECTED_FIRST
    assert loaded[1]["stars"] is None


def test_hf_dataset_dict_has_one_dataset_per_split(tmp_path: Path) -> None:
    items = [AnnotatedItem(f"i{n}", {"text": str(n)}) for n in range(5)]
    splits = {"i0": "train", "i1": "test", "i2": "train", "i3": "val", "i4": "train"}
    assert write_hf_dataset(items, tmp_path / "dd", schema=SCHEMA, splits=splits) == 5
    loaded = datasets.load_from_disk(str(tmp_path / "dd"))
    assert isinstance(loaded, datasets.DatasetDict)
    assert {name: part["id"] for name, part in loaded.items()} == {
        "train": ["i0", "i2", "i4"],
        "test": ["i1"],
        "val": ["i3"],
    }
    with pytest.raises(InvalidInput, match="has no split") as caught:
        write_hf_dataset(items, tmp_path / "bad", schema=SCHEMA, splits={"i0": "train"})
    assert caught.value.location == "item i1"


def test_import_reads_what_datasets_saved(tmp_path: Path) -> None:
    features = datasets.Features(
        {
            "id": datasets.Value("int64"),
            "text": datasets.Value("string"),
            "label": datasets.ClassLabel(names=["neg", "pos"]),
            "tokens": datasets.List(datasets.Value("string")),
        }
    )
    saved = datasets.Dataset.from_dict(
        {"id": [7, 8], "text": ["bad", "good"], "label": [0, 1], "tokens": [["bad"], ["good"]]},
        features=features,
    )
    saved.save_to_disk(str(tmp_path / "flat"))
    records = list(iter_hf_dataset(tmp_path / "flat"))
    assert [(r.external_id, r.data, r.location) for r in records] == [
        (
            "7",
            {"text": "bad", "label": "neg", "tokens": ["bad"]},
            "flat/data-00000-of-00001.arrow:row 1",
        ),
        (
            "8",
            {"text": "good", "label": "pos", "tokens": ["good"]},
            "flat/data-00000-of-00001.arrow:row 2",
        ),
    ]
    datasets.DatasetDict({"train": saved, "test": saved.select([1])}).save_to_disk(
        str(tmp_path / "dict")
    )
    records = list(iter_hf_dataset(tmp_path / "dict"))
    assert [(r.external_id, r.meta) for r in records] == [
        ("7", {"split": "train"}),
        ("8", {"split": "train"}),
        ("8", {"split": "test"}),
    ]


def test_export_then_import_keeps_ids_and_data(tmp_path: Path) -> None:
    write_hf_dataset(_items(), tmp_path / "ds", schema=SCHEMA)
    first, _ = iter_hf_dataset(tmp_path / "ds")
    assert first.external_id == "t1"
    assert first.data["text"] == TEXT
    assert first.data["sentiment_index"] == "neg"


def test_import_refuses_files_outside_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "evil"
    folder.mkdir()
    (folder / "state.json").write_text(json.dumps({"_data_files": [{"filename": "../x.arrow"}]}))
    (folder / "dataset_info.json").write_text("{}")
    with pytest.raises(InvalidInput, match="not a plain name") as caught:
        list(iter_hf_dataset(folder))
    assert caught.value.location == "evil/state.json"
    with pytest.raises(InvalidInput, match=r"state\.json is missing"):
        list(iter_hf_dataset(tmp_path))
