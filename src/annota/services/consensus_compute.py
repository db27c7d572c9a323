"""One item's consensus from its annotators' answers, control by control.

- ``choices``: majority vote (the rule of :class:`annota.quality.MajorityVote`: ties go to
  the first label in sorted order),
  or, with Dawid-Skene, the posterior under the annotators' fitted confusion matrices;
- ``spans``: :func:`annota.quality.consensus.span_consensus` (character majority per label);
- ``bbox``: :func:`annota.quality.consensus.box_consensus` (IoU clusters drawn by a majority);
- other controls have no consensus here and are left out.

Agreement per control is how well the sources match the consensus (share of equal choices,
mean span/box F1); the item's agreement is their mean.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from annota.quality.consensus import box_consensus, span_consensus
from annota.quality.regions.spans import Span
from annota.schema import LabelSchema
from annota.services.gold_scoring import (
    boxes_of,
    by_control,
    choice_label,
    control_score,
    spans_of,
)


@dataclass(frozen=True, slots=True)
class Source:
    annotation_id: int
    author_id: int | None
    regions: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Confusion:
    """A fitted Dawid-Skene confusion matrix (rows truth, columns given) and class prior."""

    classes: list[str]
    matrix: list[list[float]]
    prior: list[float]


@dataclass(frozen=True, slots=True)
class Vote:
    annotation_id: int | None  # None: the consensus itself
    author_id: int | None
    control: str
    label: str


@dataclass(frozen=True, slots=True)
class Outcome:
    regions: list[dict[str, Any]]
    agreement: float
    labels: list[str]
    votes: list[Vote]


def _dawid_skene_label(
    votes: list[tuple[int | None, str]], confusions: Mapping[int, Confusion]
) -> str | None:
    """The most probable true class given each vote and its author's confusion matrix."""
    known = [c for c in confusions.values() if c.classes]
    if not known:
        return None
    classes = known[0].classes
    mean = np.mean([np.asarray(c.matrix) for c in known if c.classes == classes], axis=0)
    log_post = np.log(np.asarray(known[0].prior, dtype=np.float64))
    for author, label in votes:
        if label not in classes:
            return None  # a label unseen when fitting: fall back to majority vote
        fitted = confusions.get(author) if author is not None else None
        matrix = np.asarray(fitted.matrix) if fitted and fitted.classes == classes else mean
        log_post += np.log(np.maximum(matrix[:, classes.index(label)], 1e-12))
    return classes[int(np.argmax(log_post))]


def _choices(
    name: str,
    sources: Sequence[Source],
    method: str,
    confusions: Mapping[int, Confusion],
) -> tuple[list[dict[str, Any]], float | None, list[Vote]]:
    votes = []
    for src in sources:
        label = choice_label(by_control(src.regions).get(name, []))
        if label is not None:
            votes.append(Vote(src.annotation_id, src.author_id, name, label))
    if not votes:
        return [], None, []
    winner = None
    if method == "dawid_skene":
        winner = _dawid_skene_label([(v.author_id, v.label) for v in votes], confusions)
    if winner is None:
        # MajorityVote's rule (ties to the first label in sorted order), without building a
        # DataFrame on the submit path
        tally = Counter(v.label for v in votes)
        top = max(tally.values())
        winner = min(label for label, n in tally.items() if n == top)
    agreement = sum(v.label == winner for v in votes) / len(votes)
    region = {"control": name, "value": {"choices": winner.split("+")}}
    return [region], agreement, [*votes, Vote(None, None, name, winner)]


def _spans(name: str, sources: Sequence[Source]) -> list[dict[str, Any]]:
    per: dict[Hashable, Sequence[Span]] = {
        i: spans_of(by_control(s.regions).get(name, [])) for i, s in enumerate(sources)
    }
    out = []
    for start, end, label in span_consensus(per):
        value: dict[str, Any] = {"start": start, "end": end}
        if label is not None:
            value["label"] = label
        out.append({"control": name, "value": value})
    return out


def _boxes(name: str, sources: Sequence[Source], iou_threshold: float) -> list[dict[str, Any]]:
    values = [(i, v) for i, s in enumerate(sources) for v in by_control(s.regions).get(name, [])]
    if not values:
        return []
    array, labels = boxes_of([v for _, v in values])
    fused = box_consensus(
        array,
        [i for i, _ in values],
        labels,
        iou_threshold=iou_threshold,
        min_votes=len(sources) // 2 + 1,
    )
    out = []
    for box in fused:
        x0, y0, x1, y1 = box.box
        value: dict[str, Any] = {"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0}
        if box.label is not None:
            value["label"] = box.label
        out.append({"control": name, "value": value})
    return out


def compute(
    schema: LabelSchema,
    sources: Sequence[Source],
    *,
    method: str = "majority_vote",
    confusions: Mapping[str, Mapping[int, Confusion]] | None = None,
    iou_threshold: float = 0.5,
) -> Outcome:
    """The consensus answer of ``sources`` (at least one) under ``schema``."""
    regions: list[dict[str, Any]] = []
    scores: list[float] = []
    labels: list[str] = []
    votes: list[Vote] = []
    for control in schema.controls:
        name = control.name
        if control.type == "choices":
            found, agreement, more = _choices(
                name, sources, method, (confusions or {}).get(name, {})
            )
            votes.extend(more)
            if agreement is not None:
                scores.append(agreement)
            labels.extend(found[0]["value"]["choices"] if found else [])
            regions.extend(found)
            continue
        if control.type == "spans":
            found = _spans(name, sources)
        elif control.type == "bbox":
            found = _boxes(name, sources, iou_threshold)
        else:
            continue
        if not found and not any(by_control(s.regions).get(name) for s in sources):
            continue
        consensus = [r["value"] for r in found]
        scores.append(
            float(
                np.mean(
                    [
                        control_score(
                            control.type,
                            consensus,
                            by_control(s.regions).get(name, []),
                            iou_threshold=iou_threshold,
                        )
                        for s in sources
                    ]
                )
            )
        )
        labels.extend(str(r["value"]["label"]) for r in found if "label" in r["value"])
        regions.extend(found)
    agreement = float(np.mean(scores)) if scores else 1.0
    return Outcome(regions, agreement, sorted(set(labels)), votes)
