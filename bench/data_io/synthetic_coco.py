"""A synthetic COCO detection file of any size, written as a stream, and the same data as
Label Studio tasks.

Both tools are fed from one generator with one seed, so an export by Annota and one by Label
Studio describe exactly the same boxes. Images carry ``width`` and ``height``, so neither
tool needs media files. The file is written image by image (orjson per record): generating
1,000,000 boxes never holds them in memory.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

CATEGORIES = 80


def category_names() -> list[str]:
    """The category names, ``class_01`` .. ``class_80`` (ids 1..80)."""
    return [f"class_{i:02d}" for i in range(1, CATEGORIES + 1)]


def _images(n_images: int, boxes_per_image: int, seed: int) -> Iterator[tuple[dict, list]]:
    """Yield ``(image, annotations)`` per image; annotation ids run 1..n_images*boxes."""
    rng = random.Random(seed)
    ann_id = 0
    for image_id in range(1, n_images + 1):
        width, height = rng.randint(320, 1280), rng.randint(240, 960)
        image = {
            "id": image_id,
            "file_name": f"images/{image_id:09d}.jpg",
            "width": width,
            "height": height,
        }
        annotations = []
        for _ in range(boxes_per_image):
            w = round(rng.uniform(8, width / 2), 2)
            h = round(rng.uniform(8, height / 2), 2)
            x = round(rng.uniform(0, width - w), 2)
            y = round(rng.uniform(0, height - h), 2)
            ann_id += 1
            annotations.append(
                {
                    "id": ann_id,
                    "image_id": image_id,
                    "category_id": rng.randint(1, CATEGORIES),
                    "bbox": [x, y, w, h],
                    "area": round(w * h, 2),
                    "iscrowd": 0,
                }
            )
        yield image, annotations


def write_coco(path: Path, n_images: int, boxes_per_image: int, seed: int) -> int:
    """Write the COCO file; return the number of annotations (boxes) written.

    Two passes over the generator (images, then annotations) keep memory flat and the
    layout standard (``images`` before ``annotations``).
    """
    categories = [
        {"id": i, "name": name, "supercategory": "thing"}
        for i, name in enumerate(category_names(), start=1)
    ]
    count = 0
    with path.open("wb") as out:
        out.write(b'{"info":{"description":"annota bench/data_io synthetic"},"licenses":[],')
        out.write(b'"categories":' + orjson.dumps(categories) + b',"images":[')
        for index, (image, _) in enumerate(_images(n_images, boxes_per_image, seed)):
            out.write((b"," if index else b"") + orjson.dumps(image))
        out.write(b'],"annotations":[')
        for _image, boxes in _images(n_images, boxes_per_image, seed):
            for annotation in boxes:
                out.write((b"," if count else b"") + orjson.dumps(annotation))
                count += 1
        out.write(b"]}")
    return count


def label_studio_tasks(n_images: int, boxes_per_image: int, seed: int) -> Iterator[dict]:
    """The same images and boxes as Label Studio tasks with one annotation each.

    Label Studio stores rectangles in percent of the image with ``original_width`` /
    ``original_height`` beside them, which is what its own editor writes.
    """
    names = category_names()
    for image, boxes in _images(n_images, boxes_per_image, seed):
        width, height = image["width"], image["height"]
        result: list[dict[str, Any]] = []
        for annotation in boxes:
            x, y, w, h = annotation["bbox"]
            result.append(
                {
                    "id": f"b{annotation['id']}",
                    "from_name": "label",
                    "to_name": "image",
                    "type": "rectanglelabels",
                    "original_width": width,
                    "original_height": height,
                    "image_rotation": 0,
                    "value": {
                        "x": x * 100 / width,
                        "y": y * 100 / height,
                        "width": w * 100 / width,
                        "height": h * 100 / height,
                        "rotation": 0,
                        "rectanglelabels": [names[annotation["category_id"] - 1]],
                    },
                }
            )
        yield {
            "data": {"image": f"/data/upload/{image['file_name']}", "coco_id": image["id"]},
            "annotations": [{"result": result}],
        }


def label_studio_config() -> str:
    """An ``<Image>`` + ``<RectangleLabels>`` labeling config with the 80 categories."""
    labels = "".join(f'<Label value="{name}"/>' for name in category_names())
    return (
        '<View><Image name="image" value="$image"/>'
        f'<RectangleLabels name="label" toName="image">{labels}</RectangleLabels></View>'
    )
