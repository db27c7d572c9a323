"""The short path for plain boxes agrees with the general path on every input."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annota.errors import AnnotaError
from annota.schema import MediaInfo, load_schema, validate_annotation
from annota.schema import regions as regions_module

SCHEMA = load_schema(
    """
fields: [{name: image, type: image}, {name: clip, type: video}]
controls:
  - {name: box, type: bbox, field: image, labels: [car, person]}
  - {name: turned, type: bbox, field: image, labels: [car], rotation: true}
  - {name: tagged, type: bbox, field: image, labels: [car],
     attributes: [{name: occluded, type: bool, required: true}]}
  - {name: framebox, type: bbox, field: clip, labels: [car]}
  - {name: outline, type: polygon, field: image, labels: [car]}
"""
)
MEDIA = {"image": MediaInfo(width=100, height=50), "clip": MediaInfo(width=100, height=50)}

numbers = st.one_of(
    st.floats(min_value=-20, max_value=130, allow_nan=False),
    st.integers(min_value=-20, max_value=130),
    st.sampled_from([0, 0.0, -0.0, 100, 50, 100.00001, 99.99999, math.inf, math.nan, True]),
    st.just("3"),
)
values = st.fixed_dictionaries(
    {"x": numbers, "y": numbers, "width": numbers, "height": numbers},
    optional={
        "label": st.sampled_from(["car", "person", "bus", "", None, 3]),
        "rotation": st.sampled_from([0, 10.0, None]),
        "frame": st.sampled_from([0, 5]),
        "extra": st.just(1),
    },
)
region_dicts = st.fixed_dictionaries(
    {
        "control": st.sampled_from(["box", "turned", "tagged", "framebox", "outline", "nope"]),
        "value": st.one_of(values, st.just([1, 2]), st.none()),
    },
    optional={
        "id": st.sampled_from(["a", "b", "", 7, None]),
        "score": st.sampled_from([0.5, 2.0]),
        "attributes": st.sampled_from([{}, {"occluded": True}]),
        "note": st.just("n"),
    },
)
# Mostly plain boxes, so the short path is taken (and refused at its edges) often.
plain_boxes = st.fixed_dictionaries(
    {
        "control": st.just("box"),
        "value": st.fixed_dictionaries(
            {
                "x": numbers,
                "y": numbers,
                "width": numbers,
                "height": numbers,
                "label": st.sampled_from(["car", "person", "bus"]),
            }
        ),
    },
    optional={"id": st.sampled_from(["a", "b", "c"])},
)
annotations = st.lists(
    st.one_of(plain_boxes, plain_boxes, region_dicts, st.just("not a region")), max_size=6
)


def outcome(regions: list[Any], media: Any, complete: bool) -> Any:
    try:
        return ("ok", validate_annotation(regions, SCHEMA, media=media, complete=complete))
    except AnnotaError as exc:
        return ("error", [(e.location, e.message) for e in [exc, *exc.errors]])


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(regions=annotations, with_media=st.booleans(), complete=st.booleans())
def test_both_paths_agree(regions: list[Any], with_media: bool, complete: bool) -> None:
    media = MEDIA if with_media else None
    fast = outcome(regions, media, complete)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(regions_module, "fast_region", lambda *args: None)
        general = outcome(regions, media, complete)
    assert fast == general
    # Same values, same types: an int coordinate is a float in both, never the other way.
    if fast[0] == "ok":
        assert [[type(v) for v in region["value"].values()] for region in fast[1]] == [
            [type(v) for v in region["value"].values()] for region in general[1]
        ]


def test_the_short_path_is_taken_for_plain_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = regions_module.fast_region

    def counting(*args: Any) -> Any:
        result = real(*args)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(regions_module, "fast_region", counting)
    box = {"x": 1, "y": 2.5, "width": 3, "height": 4, "label": "car"}
    with pytest.raises(AnnotaError, match="outside the 100x50 media") as caught:
        validate_annotation(
            [
                {"control": "box", "value": box, "id": "a"},
                {"control": "box", "value": {**box, "x": 99}, "id": "b"},  # outside
            ],
            SCHEMA,
            media=MEDIA,
        )
    assert caught.value.location == "regions[1].value"
    assert calls == [True, False]
    checked = validate_annotation(
        [{"control": "box", "value": box, "id": "a"}], SCHEMA, media=MEDIA
    )
    assert checked == [
        {
            "control": "box",
            "value": {"x": 1.0, "y": 2.5, "width": 3.0, "height": 4.0, "label": "car"},
            "id": "a",
        }
    ]
    assert type(checked[0]["value"]["x"]) is float
