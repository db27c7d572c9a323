"""Schemas and item data shared by the schema tests: small, hand-written, exact.

``EVERYTHING`` declares one control of every type so each value rule can be tested against
one schema; ``MEDIA`` gives sizes chosen so that in/out-of-bounds cases are easy to compute
by hand (an image 100 wide and 80 high, 10 s of audio, a 640x480 video of 100 frames).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from annota.errors import ValidationFailed
from annota.schema import LabelSchema, MediaInfo, load_schema, validate_annotation

TEXT_SCHEMA = """\
fields:
  - {name: text, type: text}
controls:
  - {name: sentiment, type: choices, field: text, options: [positive, negative, neutral]}
  - {name: entities, type: spans, field: text, labels: [PER, ORG, LOC]}
"""

IMAGE_SCHEMA = """\
fields:
  - {name: image, type: image}
controls:
  - {name: objects, type: bbox, field: image, labels: [car, person], rotation: true}
  - {name: outline, type: polygon, field: image, labels: [car, person]}
  - {name: pose, type: keypoints, field: image, points: [nose, left_eye, right_eye],
     skeleton: [[nose, left_eye], [nose, right_eye]]}
  - {name: paint, type: mask, field: image, labels: [road]}
"""

EVERYTHING = """\
title: Every control
fields:
  - {name: text, type: text}
  - {name: image, type: image}
  - {name: audio, type: audio}
  - {name: video, type: video}
controls:
  - {name: sentiment, type: choices, field: text, options: [positive, negative, neutral]}
  - {name: topics, type: choices, options: [sports, politics, tech], multiple: true, max: 2}
  - name: species
    type: taxonomy
    leaf_only: true
    tree:
      - Animal:
          - Mammal: [Dog, Cat]
          - Bird
      - Plant
  - {name: quality, type: rating, max: 5}
  - {name: count, type: number, min: 0, max: 10, integer: true}
  - {name: summary, type: textarea, max_length: 20}
  - {name: entities, type: spans, field: text, labels: [PER, ORG, LOC], allow_overlap: false}
  - {name: links, type: relations, labels: [works_for]}
  - name: objects
    type: bbox
    field: image
    labels: [car, person]
    rotation: true
    attributes:
      - {name: occluded, type: bool}
      - {name: severity, type: enum, options: [mild, severe], required: true}
      - {name: confidence, type: number, min: 0, max: 1}
      - {name: comment, type: text}
  - {name: outline, type: polygon, field: image, labels: [car]}
  - {name: lanes, type: polyline, field: image, labels: [lane]}
  - {name: pose, type: keypoints, field: image, points: [nose, left_eye, right_eye],
     skeleton: [[nose, left_eye]], labels: [person]}
  - {name: paint, type: mask, field: image, labels: [road]}
  - {name: sounds, type: segments, field: audio, labels: [speech, music]}
  - {name: words, type: transcript, field: audio, speakers: [A, B]}
  - {name: tracks, type: video_track, field: video, labels: [car]}
"""

DATA = {"text": "Alice works at Acme", "image": "a.png", "audio": "a.wav", "video": "a.mp4"}

MEDIA = {
    "image": MediaInfo(width=100, height=80),
    "audio": MediaInfo(duration=10.0),
    "video": MediaInfo(width=640, height=480, frames=100, duration=4.0),
}


def problems(exc: ValidationFailed) -> list[tuple[str | None, str]]:
    """Every collected problem as ``(location, message)``, for exact comparison."""
    return [(error.location, error.message) for error in exc.errors]


@pytest.fixture(scope="session")
def everything() -> LabelSchema:
    return load_schema(EVERYTHING)


@pytest.fixture(scope="session")
def text_schema() -> LabelSchema:
    return load_schema(TEXT_SCHEMA)


@pytest.fixture
def check(everything: LabelSchema) -> Any:
    """Validate regions against ``EVERYTHING`` as a draft, with ``DATA`` and ``MEDIA``."""

    def run(
        regions: Sequence[Mapping[str, Any]], *, complete: bool = False
    ) -> list[dict[str, Any]]:
        return validate_annotation(regions, everything, data=DATA, media=MEDIA, complete=complete)

    return run


@pytest.fixture
def fails(check: Any) -> Any:
    """Validate one region expected to fail; return its ``(location, message)`` problems."""

    def run(
        control: str, value: Mapping[str, Any], **envelope: Any
    ) -> list[tuple[str | None, str]]:
        with pytest.raises(ValidationFailed) as info:
            check([{"control": control, "value": value, **envelope}])
        return problems(info.value)

    return run
