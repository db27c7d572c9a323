"""COCO import and export, checked with pycocotools and on the shared COCO files."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from annota.errors import InvalidInput
from annota.formats.annotated import AnnotatedItem
from annota.formats.coco_categories import categories_from_schema
from annota.formats.coco_export import write_coco
from annota.formats.coco_import import CocoDataset, coco_schema, read_coco
from annota.schema import MediaInfo, load_schema, validate_annotation

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
CORENET = DATA / "coco-corenet-val2017-subset" / "instances_val2017.json"
DATUMARO = DATA / "coco-datumaro-fixture"
FAKE_RESULTS = DATA / "coco-cocoapi-fake-results"

SCHEMA = load_schema(
    """
fields: [{name: image, type: image}]
controls:
  - {name: box, type: bbox, field: image, labels: [car, person], rotation: true,
     attributes: [{name: iscrowd, type: bool}]}
  - {name: outline, type: polygon, field: image, labels: [car, person]}
  - {name: paint, type: mask, field: image, labels: [road]}
  - {name: pose, type: keypoints, field: image, points: [nose, left_eye, right_eye],
     skeleton: [[nose, left_eye], [nose, right_eye]], labels: [person]}
"""
)


def export(dataset_items: list[AnnotatedItem], **options: Any) -> dict[str, Any]:
    buffer = io.BytesIO()
    write_coco(dataset_items, buffer, **options)
    result: dict[str, Any] = json.loads(buffer.getvalue())
    return result


def export_dataset(dataset: CocoDataset, path: Path) -> dict[str, Any]:
    with path.open("wb") as out:
        write_coco(
            dataset.items,
            out,
            schema=coco_schema(dataset),
            categories=dataset.categories,
            info=dataset.info,
            licenses=dataset.licenses,
        )
    result: dict[str, Any] = json.loads(path.read_bytes())
    return result


def quiet_coco(path: Path) -> COCO:
    with contextlib.redirect_stdout(io.StringIO()):
        return COCO(str(path))


def road_mask() -> np.ndarray:
    mask = np.zeros((6, 8), dtype=np.uint8)
    mask[1:4, 2:7] = 1
    mask[5, 0] = 1
    return mask


def native_items() -> list[AnnotatedItem]:
    rle = mask_utils.encode(np.asfortranarray(road_mask()))
    return [
        AnnotatedItem(
            "street-1",
            {"image": "street.jpg"},
            [
                {
                    "control": "box",
                    "value": {"x": 1, "y": 1, "width": 4, "height": 2, "label": "car"},
                },
                {
                    "control": "outline",
                    "value": {"points": [[0, 0], [4, 0], [4, 3]], "label": "car"},
                    "attributes": {"iscrowd": True},
                },
                {
                    "control": "paint",
                    "value": {
                        "rle": {"size": [6, 8], "counts": rle["counts"].decode()},
                        "label": "road",
                    },
                    "score": 0.5,
                },
                {
                    "id": "p",
                    "control": "box",
                    "value": {"x": 2, "y": 1, "width": 3, "height": 4, "label": "person"},
                },
                {
                    "id": "p#kp",
                    "control": "pose",
                    "value": {
                        "points": {"right_eye": [3, 2, 2], "nose": [4, 3, 1]},
                        "label": "person",
                    },
                },
                {"control": "note", "value": {"text": "not a COCO region"}},
            ],
            media=MediaInfo(width=8, height=6),
        ),
        AnnotatedItem(
            "7",
            {"image": "empty.jpg"},
            [
                {
                    "control": "box",
                    "value": {
                        "x": 2,
                        "y": 0,
                        "width": 2,
                        "height": 1,
                        "rotation": 90,
                        "label": "car",
                    },
                }
            ],
            media=MediaInfo(width=8, height=6),
        ),
    ]


def test_native_regions_export_as_pycocotools_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    path.write_bytes(json.dumps(export(native_items(), schema=SCHEMA)).encode())

    coco = quiet_coco(path)

    assert [c["name"] for c in coco.loadCats(coco.getCatIds())] == ["car", "person", "road"]
    person = coco.loadCats(2)[0]
    assert person["keypoints"] == ["nose", "left_eye", "right_eye"]
    assert person["skeleton"] == [[1, 2], [1, 3]]
    assert sorted(coco.getImgIds()) == [1, 7]
    anns = coco.loadAnns(coco.getAnnIds(imgIds=[1]))
    box, outline, road, pose = anns
    assert (box["bbox"], box["area"], box["segmentation"], box["iscrowd"]) == (
        [1, 1, 4, 2],
        8,
        [],
        0,
    )
    assert outline["segmentation"] == [[0, 0, 4, 0, 4, 3]]
    assert (outline["area"], outline["bbox"], outline["iscrowd"]) == (6.0, [0, 0, 4, 3], 1)
    assert np.array_equal(coco.annToMask(road), road_mask())
    assert road["area"] == int(road_mask().sum())
    assert (
        road["bbox"]
        == mask_utils.toBbox(mask_utils.encode(np.asfortranarray(road_mask()))).tolist()
    )
    assert road["score"] == 0.5
    assert pose["keypoints"] == [4, 3, 1, 0, 0, 0, 3, 2, 2]
    assert (pose["num_keypoints"], pose["bbox"], pose["category_id"]) == (2, [2, 1, 3, 4], 2)
    (turned,) = coco.loadAnns(coco.getAnnIds(imgIds=[7]))
    assert turned["bbox"] == pytest.approx([1, 0, 1, 2])
    assert np.array(turned["segmentation"][0]) == pytest.approx([2, 0, 2, 2, 1, 2, 1, 0])


def test_region_ids_become_annotation_ids_when_free() -> None:
    items = native_items()
    regions = [dict(region, id="12") for region in items[0].regions[:2]]
    regions.append(dict(items[0].regions[3], id="12x"))
    first = AnnotatedItem("a", {"image": "a.jpg"}, regions, media=MediaInfo(width=8, height=6))
    second = AnnotatedItem("b", {"image": "b.jpg"}, [dict(regions[0], id="12")], media=first.media)

    out = export([first, second], schema=SCHEMA)

    assert [image["id"] for image in out["images"]] == [1, 2]
    assert [(a["id"], a["image_id"]) for a in out["annotations"]] == [(12, 1), (1, 1), (2, 2)]
    assert out["annotations"][0]["segmentation"] == [[0, 0, 4, 0, 4, 3]]
    assert out["annotations"][0]["bbox"] == [1, 1, 4, 2]


def test_fake_results_evaluate_perfectly_against_themselves(tmp_path: Path) -> None:
    """Results -> COCO import -> ground-truth export -> COCOeval(original results) = AP 1.

    Any lost, shifted or mis-numbered mask, box or keypoint lowers the AP.
    """
    for name, iou_type in [
        ("instances_val2014_fakesegm100_results.json", "segm"),
        ("instances_val2014_fakebbox100_results.json", "bbox"),
        ("person_keypoints_val2014_fakekeypoints100_results.json", "keypoints"),
    ]:
        results = json.loads((FAKE_RESULTS / name).read_bytes())
        sizes = {r["image_id"]: r["segmentation"]["size"] for r in results if "segmentation" in r}
        points = {"keypoints": [f"p{k}" for k in range(17)], "skeleton": []}
        document = {
            "images": [
                {"id": i, "file_name": f"{i}.jpg", "height": sizes.get(i, [999])[0], "width": 999}
                for i in sorted({r["image_id"] for r in results})
            ],
            "annotations": [dict(r, id=n) for n, r in enumerate(results, 1)],
            "categories": [
                {"id": c, "name": f"c{c}", **(points if iou_type == "keypoints" else {})}
                for c in sorted({r["category_id"] for r in results})
            ],
        }
        if iou_type == "segm":
            for image in document["images"]:
                image["width"] = sizes[image["id"]][1]
        source = tmp_path / f"{iou_type}.json"
        source.write_text(json.dumps(document))
        truth = tmp_path / f"{iou_type}-gt.json"
        export_dataset(read_coco(source), truth)

        with contextlib.redirect_stdout(io.StringIO()):
            gt = COCO(str(truth))
            evaluation = COCOeval(gt, gt.loadRes(str(FAKE_RESULTS / name)), iou_type)
            evaluation.evaluate()
            evaluation.accumulate()
            evaluation.summarize()

        assert len(gt.getAnnIds()) == len(results)
        assert evaluation.stats[0] == pytest.approx(1.0), iou_type


def normalised(document: dict[str, Any]) -> dict[str, Any]:
    """Annotations by id; derived bbox/area rounded to float precision."""
    out = dict(document)
    out["annotations"] = sorted(
        (
            dict(a, bbox=[round(v, 9) for v in a["bbox"]], area=round(a["area"], 9))
            for a in document["annotations"]
        ),
        key=lambda a: a["id"],
    )
    return out


def test_corenet_subset_round_trips(tmp_path: Path) -> None:
    dataset = read_coco(CORENET)
    schema = coco_schema(dataset)
    for item in dataset.items:
        validate_annotation(item.regions, schema, data=item.data, media={"image": item.media})

    written = export_dataset(dataset, tmp_path / "out.json")

    original = json.loads(CORENET.read_bytes())
    assert normalised(written) == normalised(original)
    assert [c["id"] for c in written["categories"]][-3:] == [88, 89, 90]
    ours, theirs = quiet_coco(tmp_path / "out.json"), quiet_coco(CORENET)
    for ann_id in theirs.getAnnIds():
        mine, reference = ours.loadAnns(ann_id)[0], theirs.loadAnns(ann_id)[0]
        assert np.array_equal(ours.annToMask(mine), theirs.annToMask(reference))


@pytest.mark.parametrize(
    "name", ["instances_train.json", "instances_val.json", "person_keypoints_val.json"]
)
def test_datumaro_fixture_round_trips(tmp_path: Path, name: str) -> None:
    dataset = read_coco(DATUMARO / name)
    schema = coco_schema(dataset)
    for item in dataset.items:
        validate_annotation(item.regions, schema, data=item.data, media={"image": item.media})

    written = export_dataset(dataset, tmp_path / "out.json")

    original = json.loads((DATUMARO / name).read_bytes())
    for annotation in original["annotations"]:
        segmentation = annotation["segmentation"]
        if isinstance(segmentation, dict):  # Datumaro's inclusive box; pycocotools' is exact
            rle = mask_utils.frPyObjects(segmentation, *segmentation["size"])
            annotation["bbox"] = mask_utils.toBbox(rle).tolist()
    assert normalised(written) == normalised(original)


def test_keypoint_names_and_crowd_come_back_as_native_regions() -> None:
    dataset = read_coco(DATUMARO / "person_keypoints_val.json")

    (item,) = dataset.items
    assert (item.external_id, item.data, item.media) == ("40", {"image": "b.jpg"}, MediaInfo(5, 10))
    assert item.meta == {
        "coco": {"license": 0, "flickr_url": "", "coco_url": "", "date_captured": 0}
    }
    assert [(r["id"], r["control"]) for r in item.regions] == [
        ("1", "polygon"),
        ("1#1", "keypoints"),
        ("2", "mask"),
        ("2#1", "keypoints"),
    ]
    assert item.regions[0]["attributes"] == {"x": 1, "y": "hello"}
    assert item.regions[2]["attributes"] == {"iscrowd": True}
    assert item.regions[1]["value"] == {
        "points": {"1": [1, 2, 2], "2": [3, 4, 2], "3": [2, 3, 2]},
        "label": "a",
    }
    schema = coco_schema(dataset)
    assert schema.control("keypoints").points == ["1", "2", "3"]  # type: ignore[union-attr]


def test_categories_from_schema_number_labels_in_order() -> None:
    categories = categories_from_schema(SCHEMA)

    assert [(c.id, c.name, c.keypoints) for c in categories] == [
        (1, "car", None),
        (2, "person", ("nose", "left_eye", "right_eye")),
        (3, "road", None),
    ]


def bad_file(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "bad.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def good_document() -> dict[str, Any]:
    return {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 4, "height": 3}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1]}],
        "categories": [{"id": 1, "name": "car"}],
    }


@pytest.mark.parametrize(
    ("change", "location", "message"),
    [
        (
            lambda d: d["annotations"][0].update(category_id=9),
            "annotations[0].category_id",
            "category_id 9",
        ),
        (
            lambda d: d["annotations"][0].update(bbox="x"),
            "annotations[0].bbox",
            "expected an array, got a string",
        ),
        (
            lambda d: d["annotations"][0].update(bbox=[0, 0, 1, None]),
            "annotations[0].bbox[3]",
            "a number",
        ),
        (
            lambda d: d["annotations"][0].update(segmentation=[[0, 0, 1, 1, 2]]),
            "annotations[0].segmentation[0]",
            "even number",
        ),
        (
            lambda d: d["annotations"][0].update(segmentation={"size": [3], "counts": "0"}),
            "annotations[0].segmentation.size",
            r"\[height, width\]",
        ),
        (lambda d: d["images"][0].update(width=0), "images[0].width", "positive"),
        (lambda d: d["images"][0].pop("file_name"), "images[0].file_name", "got null"),
        (lambda d: d["categories"][0].update(id="1"), "categories[0].id", "an integer"),
        (
            lambda d: (
                d.update(categories=[{"id": 1, "name": "p", "keypoints": ["a"]}])
                or d["annotations"][0].update(keypoints=[1, 1, 3])
            ),
            "annotations[0].keypoints[2]",
            "visibility 3",
        ),
    ],
)
def test_bad_files_are_refused_where_they_break(
    tmp_path: Path, change: Any, location: str, message: str
) -> None:
    document = good_document()
    change(document)

    with pytest.raises(InvalidInput, match=message) as caught:
        read_coco(bad_file(tmp_path, document))

    assert caught.value.location == f"bad.json:{location}"


def test_unknown_image_and_broken_json_are_refused(tmp_path: Path) -> None:
    document = good_document()
    document["annotations"][0]["image_id"] = 5
    with pytest.raises(InvalidInput, match="image_id 5 is not an image") as caught:
        read_coco(bad_file(tmp_path, document))
    assert caught.value.location == "bad.json:annotations[0].image_id"

    with pytest.raises(InvalidInput, match="not valid JSON"):
        read_coco(bad_file(tmp_path, '{"images": ['))


def test_export_refuses_unknown_labels_and_unknown_sizes() -> None:
    item = native_items()[0]
    sizeless = AnnotatedItem("x", item.data, item.regions)
    with pytest.raises(InvalidInput, match="needs the image width and height") as caught:
        export([sizeless], schema=SCHEMA)
    assert caught.value.location == "item x"

    stray = AnnotatedItem(
        "y",
        item.data,
        [{"control": "box", "value": {"x": 0, "y": 0, "width": 1, "height": 1, "label": "bus"}}],
        media=item.media,
    )
    with pytest.raises(InvalidInput, match="'bus' is not a COCO category") as caught:
        export([stray], schema=SCHEMA)
    assert caught.value.location == "item y: regions[0]"

    mixed = AnnotatedItem(
        "z", item.data, [item.regions[3], dict(item.regions[0], id="p#2")], media=item.media
    )
    with pytest.raises(InvalidInput, match="differs from 'person'"):
        export([mixed], schema=SCHEMA)
