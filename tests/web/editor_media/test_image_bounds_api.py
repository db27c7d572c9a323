"""A region outside its image is refused with 422 naming the region, for every image tool.

The item comes from a folder import, so the server knows the image's probed size.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

SCHEMA = """
fields:
  - {name: image, type: image}
controls:
  - {name: objects, type: bbox, field: image, labels: [car, person], rotation: true}
  - {name: outline, type: polygon, field: image, labels: [car, person]}
  - {name: pose, type: keypoints, field: image, points: [nose, left_eye, right_eye],
     skeleton: [[nose, left_eye], [nose, right_eye]]}
  - {name: paint, type: mask, field: image, labels: [road]}
"""
W, H = 100, 80

INSIDE = {
    "objects": {"x": 10, "y": 10, "width": 50, "height": 20, "rotation": 30, "label": "car"},
    "outline": {"points": [[0, 0], [100, 0], [50, 80]], "label": "car"},
    "pose": {"points": {"nose": [50, 40, 2], "left_eye": [0, 0, 0]}},
    "paint": {"rle": {"size": [H, W], "counts": [10, 5, H * W - 15]}, "label": "road"},
}
OUTSIDE = [
    # rotated 90 degrees about (10, 10): the box swings to negative x
    ("objects", {"x": 10, "y": 10, "width": 50, "height": 20, "rotation": 90, "label": "car"}),
    ("objects", {"x": 60, "y": 10, "width": 50, "height": 20, "rotation": 0, "label": "car"}),
    ("outline", {"points": [[0, 0], [100.5, 0], [50, 80]], "label": "car"}),
    ("pose", {"points": {"nose": [50, 81, 1]}}),
    ("paint", {"rle": {"size": [H, W + 1], "counts": [10, 5, H * (W + 1) - 15]}, "label": "road"}),
]


@pytest.fixture
def image_item(media_project, png, db):
    pid = media_project(SCHEMA, {"a.png": png(W, H)})
    with db.engine.connect() as conn:
        (item_id,) = conn.execute(
            text("SELECT id FROM items WHERE project_id = :p"), {"p": pid}
        ).scalars()
    return item_id


def post(client, item_id, regions):
    return client.post(
        f"/api/v1/items/{item_id}/annotations",
        json={"regions": regions, "status": "draft"},
        headers={"X-CSRF-Token": client.csrf},
    )


def test_regions_inside_the_image_are_accepted(page_client, image_item):
    client = page_client("ann")
    regions = [{"control": c, "id": f"r{i}", "value": v} for i, (c, v) in enumerate(INSIDE.items())]
    answer = post(client, image_item, regions)
    assert answer.status_code == 201, answer.text


@pytest.mark.parametrize(("control", "value"), OUTSIDE)
def test_a_region_outside_the_image_is_refused_naming_it(page_client, image_item, control, value):
    client = page_client("ann")
    regions = [{"control": c, "id": f"r{i}", "value": v} for i, (c, v) in enumerate(INSIDE.items())]
    regions.append({"control": control, "id": "bad", "value": value})
    answer = post(client, image_item, regions)
    assert answer.status_code == 422, answer.text
    body = answer.json()
    located = [body.get("location") or ""] + [
        e.get("location") or "" for e in body.get("errors", [])
    ]
    assert any(loc.startswith("regions[4]") for loc in located), body
    assert not any(loc.startswith(f"regions[{i}]") for i in range(4) for loc in located), body
