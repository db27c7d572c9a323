"""Scoring an answer against a reference answer, region by region, with annota.quality.

Used for gold items (answer vs gold) and for agreement with consensus (source vs consensus).
Each control of the schema that either side used scores in [0, 1]:

- ``choices``: 1 when the selected options are the same set, else 0;
- ``spans``: F1 of a one-to-one matching at character IoU >= 0.5 (same label only);
- ``bbox``: F1 of a one-to-one (Hungarian) matching at box IoU >= ``iou_threshold``;
- anything else: F1 of exactly equal values.

The answer's score is the mean over those controls (1.0 when neither side said anything).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from annota.quality.regions import box_iou, match_by_iou, span_iou
from annota.schema import LabelSchema

Regions = Sequence[Mapping[str, Any]]


def by_control(regions: Regions) -> dict[str, list[Mapping[str, Any]]]:
    """The region values of an answer, grouped by control name."""
    out: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for region in regions:
        out[str(region.get("control"))].append(region.get("value") or {})
    return out


def choice_label(values: Sequence[Mapping[str, Any]]) -> str | None:
    """One string per choices answer: the selected options, sorted and joined by ``+``."""
    chosen = sorted({str(c) for value in values for c in value.get("choices", [])})
    return "+".join(chosen) if chosen else None


def spans_of(values: Sequence[Mapping[str, Any]]) -> list[tuple[int, int, Any]]:
    return [(int(v["start"]), int(v["end"]), v.get("label")) for v in values]


def boxes_of(values: Sequence[Mapping[str, Any]]) -> tuple[np.ndarray[Any, Any], list[Any]]:
    """``(x_min, y_min, x_max, y_max)`` per box (rotation ignored) and their labels."""
    array = np.array(
        [[v["x"], v["y"], v["x"] + v["width"], v["y"] + v["height"]] for v in values],
        dtype=np.float64,
    ).reshape(-1, 4)
    return array, [v.get("label") for v in values]


def _f1_spans(reference: Sequence[Mapping[str, Any]], given: Sequence[Mapping[str, Any]]) -> float:
    return match_by_iou(span_iou(spans_of(reference), spans_of(given)), threshold=0.5).f1


def _f1_boxes(
    reference: Sequence[Mapping[str, Any]], given: Sequence[Mapping[str, Any]], threshold: float
) -> float:
    ref, ref_labels = boxes_of(reference)
    got, got_labels = boxes_of(given)
    iou = box_iou(ref, got) if len(ref) and len(got) else np.zeros((len(ref), len(got)))
    same = np.array([[a == b for b in got_labels] for a in ref_labels], dtype=bool).reshape(
        iou.shape
    )
    return match_by_iou(np.where(same, iou, 0.0), threshold=threshold).f1


def _f1_exact(reference: Sequence[Mapping[str, Any]], given: Sequence[Mapping[str, Any]]) -> float:
    ref = [json.dumps(v, sort_keys=True) for v in reference]
    got = [json.dumps(v, sort_keys=True) for v in given]
    hits = sum(min(ref.count(v), got.count(v)) for v in set(ref))
    total = len(ref) + len(got)
    return 2 * hits / total if total else 1.0


def control_score(
    kind: str,
    reference: Sequence[Mapping[str, Any]],
    given: Sequence[Mapping[str, Any]],
    *,
    iou_threshold: float = 0.5,
) -> float:
    """Score of one control's values against the reference's (see the module docstring)."""
    if kind == "choices":
        return 1.0 if choice_label(reference) == choice_label(given) else 0.0
    if kind == "spans":
        return _f1_spans(reference, given)
    if kind == "bbox":
        return _f1_boxes(reference, given, iou_threshold)
    return _f1_exact(reference, given)


def answer_score(
    schema: LabelSchema, reference: Regions, given: Regions, *, iou_threshold: float = 0.5
) -> float:
    """Mean control score of ``given`` against ``reference`` (1.0 when both are empty)."""
    ref, got = by_control(reference), by_control(given)
    kinds = {control.name: control.type for control in schema.controls}
    names = [name for name in kinds if name in ref or name in got]
    if not names:
        return 1.0
    scores = [
        control_score(kinds[n], ref.get(n, []), got.get(n, []), iou_threshold=iou_threshold)
        for n in names
    ]
    return float(np.mean(scores))
