"""The streaming COCO reader: any key order, annotations in any order, located errors."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annota.errors import InvalidInput
from annota.formats import coco_regions
from annota.formats.coco_categories import CocoCategory
from annota.formats.coco_import import CocoFile, read_coco

CORENET = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "coco-corenet-val2017-subset"
    / "instances_val2017.json"
)


def write(tmp_path: Path, document: Any, name: str = "c.json") -> Path:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def document(n_images: int = 30, per_image: int = 4, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    images = [
        {"id": 100 + i, "file_name": f"{i}.jpg", "width": 640, "height": 480}
        for i in range(n_images)
    ]
    annotations = []
    for image in images:
        for _ in range(rng.randint(0, per_image)):
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "image_id": image["id"],
                    "category_id": rng.choice([1, 2]),
                    "bbox": [rng.randint(0, 300), rng.randint(0, 200), 20, 10],
                    "attributes": {"occluded": rng.random() < 0.5},
                }
            )
    return {
        "info": {"description": "t"},
        "images": images,
        "annotations": annotations,
        "categories": [{"id": 1, "name": "car"}, {"id": 2, "name": "person"}],
    }


def as_tuples(path: Path) -> list[tuple[str, list[dict[str, Any]]]]:
    with CocoFile(path) as coco:
        return [(item.external_id, item.regions) for item in coco.items()]


def test_annotations_in_any_order_give_the_same_items(tmp_path: Path) -> None:
    ordered = document()
    shuffled = json.loads(json.dumps(ordered))
    random.Random(7).shuffle(shuffled["annotations"])

    in_order = as_tuples(write(tmp_path, ordered, "a.json"))
    out_of_order = as_tuples(write(tmp_path, shuffled, "b.json"))

    # Regions of one image follow their annotations' order in the file, so compare by id.
    def by_id(items: list[tuple[str, list[dict[str, Any]]]]) -> list[Any]:
        return [(i, sorted(r, key=lambda x: int(x["id"]))) for i, r in items]

    assert by_id(out_of_order) == by_id(in_order)
    assert sum(len(r) for _, r in in_order) == len(ordered["annotations"])
    assert [i for i, _ in in_order] == [str(im["id"]) for im in ordered["images"]]


def test_out_of_order_annotations_are_sorted_on_disk_keeping_file_order(tmp_path: Path) -> None:
    doc = document(n_images=3, per_image=0)
    doc["annotations"] = [
        {"id": 1, "image_id": 102, "category_id": 1, "bbox": [0, 0, 1, 1]},
        {"id": 2, "image_id": 100, "category_id": 1, "bbox": [0, 0, 1, 1]},
        {"id": 3, "image_id": 102, "category_id": 2, "bbox": [0, 0, 1, 1]},
        {"id": 4, "image_id": 100, "category_id": 2, "bbox": [0, 0, 1, 1]},
    ]
    with CocoFile(write(tmp_path, doc)) as coco:
        items = list(coco.items())
        assert coco._regions.sorted_on_disk
        again = list(coco.items())  # an import reads the items twice at most; both agree
    assert [[r["id"] for r in item.regions] for item in items] == [["2", "4"], [], ["1", "3"]]
    assert again == items


def test_key_order_does_not_matter(tmp_path: Path) -> None:
    doc = document()
    reordered = {key: doc[key] for key in ("annotations", "categories", "images", "info")}
    assert as_tuples(write(tmp_path, reordered, "r.json")) == as_tuples(
        write(tmp_path, doc, "d.json")
    )


def test_schema_is_inferred_while_streaming(tmp_path: Path) -> None:
    with CocoFile(write(tmp_path, document())) as coco:
        schema = coco.schema()
    (control,) = schema.controls
    assert control.type == "bbox"
    assert control.label_values == ["car", "person"]
    assert [(a.name, a.type.value) for a in control.attributes] == [("occluded", "bool")]


def test_the_shared_corenet_subset_reads_as_before(tmp_path: Path) -> None:
    raw = json.loads(CORENET.read_bytes())
    dataset = read_coco(CORENET)
    assert len(dataset.items) == len(raw["images"])
    regions = sum(len(item.regions) for item in dataset.items)
    assert regions >= len(raw["annotations"])  # polygons with several rings make several
    assert [c.id for c in dataset.categories] == [c["id"] for c in raw["categories"]]


@pytest.mark.parametrize(
    ("text", "location", "message"),
    [
        ("[1, 2]", "c.json", "expected an object, got an array"),
        ('{"images": {}, "categories": []}', "c.json:images", "expected an array, got an object"),
        (
            '{"categories": [], "images": [], "annotations": {"a": 1}}',
            "c.json:annotations",
            "expected an array, got an object",
        ),
        ('{"categories": 3, "images": []}', "c.json:categories", "expected an array, got a number"),
        ('{"images": []}', "c.json:categories", "expected an array, got null"),
        ('{"categories": []}', "c.json:images", "no 'images' array"),
        ('{"categories": [], "images": [3]}', "c.json:images[0]", "expected an object, got a"),
        (
            '{"annotations": [], "categories": [], "images": [{}, [1]]}',
            "c.json:images[0].id",
            "expected an integer, got null",
        ),
        (
            '{"categories": [], "images": [{"id": 1, "file_name": "a", "width": 1, "height": 1},'
            " [1]]}",
            "c.json:images[1]",
            "expected an object, got an array",
        ),
        ('{"categories": [], "images": [{"id": 1, "file_name": "a", ', "c.json", "not valid JSON"),
        (
            '{"categories": [], "images": [{"id": 1, "file_name": "a", "width": 0, "height": 2}]}',
            "c.json:images[0].width",
            "must be positive",
        ),
    ],
)
def test_broken_structure_is_refused_with_its_place(
    tmp_path: Path, text: str, location: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        CocoFile(write(tmp_path, text))
    assert caught.value.location == location


annotation_values = st.fixed_dictionaries(
    {
        "image_id": st.sampled_from([1, 2, 1.0, "1", None]),
        "category_id": st.sampled_from([1, 2, 9, 1.0]),
    },
    optional={
        "id": st.sampled_from([5, 6, 5.0, "5", True]),
        "bbox": st.one_of(
            st.lists(st.sampled_from([0, 1.5, 10, -1, True, "3", None]), min_size=3, max_size=5),
            st.just("x"),
        ),
        "segmentation": st.sampled_from([[], [[0, 0, 1, 0, 1, 1]], {}, None]),
        "keypoints": st.sampled_from([[], [1, 1, 2], None]),
        "score": st.sampled_from([0.5, "x"]),
        "iscrowd": st.sampled_from([0, 1, 1.0, True]),
        "attributes": st.sampled_from([{}, {"occluded": True}, None, 3]),
        "area": st.just(12.0),
    },
)


@settings(max_examples=400, deadline=None)
@given(raw=st.one_of(annotation_values, st.just("not an annotation")), index=st.integers(0, 3))
def test_plain_box_shortcut_agrees_with_the_checked_path(raw: Any, index: int) -> None:
    categories = {
        1: CocoCategory(id=1, name="car", supercategory="", keypoints=("nose",), skeleton=None),
        2: CocoCategory(id=2, name="person", supercategory="", keypoints=None, skeleton=None),
    }

    def run() -> Any:
        try:
            return coco_regions.regions_of(coco_regions.Reader("f.json"), raw, categories, index)
        except InvalidInput as exc:
            return ("error", exc.message, exc.location)

    fast = run()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(coco_regions, "_plain_annotation", lambda *args: None)
        checked = run()
    assert fast == checked
