"""COCO categories: how a schema's labels become category ids, keypoint names and skeletons.

COCO numbers its categories (the 80 of COCO 2017 have gaps up to 90) and the numbers are what
models and evaluation code see, so an import keeps them exactly and an export of an imported
dataset writes them back unchanged. A project born in Annota numbers its labels ``1..N`` in
schema order, the way COCO tools expect ids (0 is often read as background).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from annota.schema import (
    BboxControl,
    KeypointsControl,
    LabelSchema,
    MaskControl,
    PolygonControl,
)

__all__ = ["COCO_CONTROL_TYPES", "CocoCategory", "categories_from_schema", "category_by_name"]

#: Control types whose regions a COCO file can hold.
COCO_CONTROL_TYPES = frozenset({"bbox", "polygon", "mask", "keypoints"})


@dataclass(frozen=True, slots=True)
class CocoCategory:
    """One entry of a COCO file's ``categories``.

    Attributes
    ----------
    id : int
        The number annotations refer to.
    name : str
        The label value in Annota.
    supercategory : str
        COCO's grouping; kept so an imported file exports unchanged.
    keypoints : tuple of str or None
        Point names in the order of the ``keypoints`` arrays; ``None`` when the category has
        no ``keypoints`` key at all (detection files).
    skeleton : tuple of (int, int) or None
        Bones as 1-based indices into ``keypoints``, kept verbatim.
    """

    id: int
    name: str
    supercategory: str = ""
    keypoints: tuple[str, ...] | None = None
    skeleton: tuple[tuple[int, int], ...] | None = None

    def point_names(self, count: int) -> list[str]:
        """Names of the first ``count`` points; numbers ``"1"..`` where the file gives none.

        Some tools write keypoint categories with an empty name list; numbering the points
        keeps their annotations importable and exports them back to the same positions.
        """
        names = list(self.keypoints or ())
        return names + [str(index) for index in range(len(names) + 1, count + 1)]

    def to_json(self) -> dict[str, Any]:
        """The category as COCO writes it."""
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "supercategory": self.supercategory,
        }
        if self.keypoints is not None:
            out["keypoints"] = list(self.keypoints)
            out["skeleton"] = [list(bone) for bone in self.skeleton or ()]
        return out


def categories_from_schema(schema: LabelSchema) -> list[CocoCategory]:
    """Number the labels of the schema's image controls ``1..N`` in order of appearance.

    A keypoints control gives each of its labels (or, when it has none, its own name) its
    point names and its skeleton turned into 1-based index pairs, as COCO expects.

    Examples
    --------
    >>> from annota.schema import load_schema
    >>> schema = load_schema('''
    ... fields: [{name: image, type: image}]
    ... controls:
    ...   - {name: box, type: bbox, field: image, labels: [cat, dog]}
    ... ''')
    >>> [(c.id, c.name) for c in categories_from_schema(schema)]
    [(1, 'cat'), (2, 'dog')]
    """
    keypoints: dict[str, KeypointsControl] = {}
    names: list[str] = []
    for name, control in _labels(schema):
        if name not in names:
            names.append(name)
        if isinstance(control, KeypointsControl):
            keypoints.setdefault(name, control)
    categories = []
    for number, name in enumerate(names, 1):
        control = keypoints.get(name)
        if control is None:
            categories.append(CocoCategory(number, name))
            continue
        index = {point: position for position, point in enumerate(control.points, 1)}
        bones = tuple((index[first], index[second]) for first, second in control.skeleton)
        categories.append(CocoCategory(number, name, "", tuple(control.points), bones))
    return categories


def _labels(schema: LabelSchema) -> Iterator[tuple[str, Any]]:
    for control in schema.controls:
        if isinstance(control, BboxControl | PolygonControl | MaskControl):
            for label in control.label_values:
                yield label, control
        elif isinstance(control, KeypointsControl):
            for label in control.label_values or [control.name]:
                yield label, control


def category_by_name(categories: Sequence[CocoCategory]) -> dict[str, CocoCategory]:
    """Categories keyed by name; a repeated name keeps its first id, as lookups need one."""
    by_name: dict[str, CocoCategory] = {}
    for category in categories:
        by_name.setdefault(category.name, category)
    return by_name
