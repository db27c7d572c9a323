"""The model interface: what any pre-labeling model takes and gives back.

A model reads items (plain dicts ``{"id": ..., "data": {field: value, ...}}``, the shape an
item has everywhere in Annota) and returns one :class:`Prediction` per item: a list of
regions in the same shapes a person's annotation uses, each with a ``score``, stamped with
the model's ``name`` and ``version`` so acceptance can be tracked per model version. A model
that can learn also has ``fit(items, annotations)``; ``annotations[i]`` is the list of
regions people gave ``items[i]`` (the service layer picks which annotation counts).

The interface is a :class:`typing.Protocol`, so a model is anything with the right methods:
the built-in text classifier, the span taggers, or an adapter for a remote model backend.
:class:`ChoicesModel` turns any text classifier with ``fit(texts, labels)``,
``predict_proba(texts)`` and ``classes_`` into such a model.

Region shapes (offsets are Python code points, ``end`` exclusive)::

    {"control": "label", "value": {"start": 0, "end": 4, "label": "ORG"}, "score": 0.9}
    {"control": "topic", "value": {"choices": ["Sports"]}, "score": 0.83}
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, Self, runtime_checkable

import numpy as np
import numpy.typing as npt

from annota.errors import InvalidInput

Item = Mapping[str, Any]
Region = dict[str, Any]


@dataclass(frozen=True)
class Prediction:
    """One model's answer for one item.

    Attributes
    ----------
    item_id : object
        The ``id`` of the item it answers.
    regions : tuple of dict
        Regions in annotation shape, each with a ``score`` in ``[0, 1]``.
    model : str
        Model name, e.g. ``"tfidf-logreg"``.
    model_version : str
        Changes whenever what the model would predict changes (a retrain, an edited rule
        list), so acceptance rates are kept per version.
    score : float or None
        One confidence for the whole prediction (for sorting suggestions); ``None`` when
        the model has no regions to offer.
    """

    item_id: Any
    regions: tuple[Region, ...]
    model: str
    model_version: str
    score: float | None = None


@runtime_checkable
class Model(Protocol):
    """Anything that pre-labels items: ``name``, ``version`` and ``predict(items)``."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    def predict(self, items: Sequence[Item]) -> list[Prediction]: ...


@runtime_checkable
class TrainableModel(Model, Protocol):
    """A model that also learns from people's annotations."""

    def fit(self, items: Sequence[Item], annotations: Sequence[Sequence[Region]]) -> Self: ...


class TextClassifierLike(Protocol):
    """What :class:`ChoicesModel` needs from a classifier over texts."""

    classes_: npt.NDArray[Any]
    version_: str

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> Any: ...

    def predict_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float64]: ...


def choices_region(control: str, label: str, score: float | None = None) -> Region:
    """A single-choice region; ``score`` is omitted when ``None``.

    Examples
    --------
    >>> choices_region("topic", "Sports", 0.9)
    {'control': 'topic', 'value': {'choices': ['Sports']}, 'score': 0.9}
    """
    region: Region = {"control": control, "value": {"choices": [label]}}
    if score is not None:
        region["score"] = score
    return region


def span_region(
    control: str, start: int, end: int, label: str, score: float | None = None
) -> Region:
    """A text-span region over code points ``[start, end)``.

    Examples
    --------
    >>> span_region("ner", 0, 4, "ORG", 1.0)
    {'control': 'ner', 'value': {'start': 0, 'end': 4, 'label': 'ORG'}, 'score': 1.0}
    """
    region: Region = {"control": control, "value": {"start": start, "end": end, "label": label}}
    if score is not None:
        region["score"] = score
    return region


def item_texts(items: Sequence[Item], field: str) -> list[str]:
    """The text field of every item; a missing or non-text field raises ``InvalidInput``.

    Examples
    --------
    >>> item_texts([{"id": 1, "data": {"text": "hi"}}], "text")
    ['hi']
    """
    texts = []
    for i, item in enumerate(items):
        data = item.get("data") if isinstance(item, Mapping) else None
        text = data.get(field) if isinstance(data, Mapping) else None
        if not isinstance(text, str):
            raise InvalidInput(
                f"item has no text field {field!r}", location=f"items[{i}].data.{field}"
            )
        texts.append(text)
    return texts


def version_of(*parts: object) -> str:
    """A short stable digest of a model's settings and training data (12 hex digits).

    Parts are serialised as JSON (with ``repr`` for anything JSON cannot hold), so equal
    settings and data give equal versions across processes.

    Examples
    --------
    >>> version_of({"C": 10.0}, ["a", "b"]) == version_of({"C": 10.0}, ["a", "b"])
    True
    """
    blob = json.dumps(parts, sort_keys=True, default=repr, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]


class ChoicesModel:
    """Adapt a text classifier to the model interface, predicting one choice per item.

    Parameters
    ----------
    classifier : TextClassifierLike
        E.g. :class:`~annota.automation.TextClassifier`; fitted by :meth:`fit`, or already
        fitted before it is wrapped.
    control : str
        Name of the choices control the regions belong to.
    field : str
        Item data field holding the text.
    name : str
        Model name stamped on predictions.

    Examples
    --------
    >>> from annota.automation import TextClassifier
    >>> texts = ["goal scored", "stocks fell"]
    >>> items = [{"id": i, "data": {"text": t}} for i, t in enumerate(texts)]
    >>> answers = [[choices_region("topic", "Sports")], [choices_region("topic", "Business")]]
    >>> model = ChoicesModel(TextClassifier(min_df=1), control="topic").fit(items, answers)
    >>> model.predict(items[:1])[0].regions[0]["value"]
    {'choices': ['Sports']}
    """

    def __init__(
        self,
        classifier: TextClassifierLike,
        *,
        control: str,
        field: str = "text",
        name: str = "text-classifier",
    ) -> None:
        self.classifier = classifier
        self.control = control
        self.field = field
        self.model_name = name

    @property
    def name(self) -> str:
        """The model name stamped on predictions."""
        return self.model_name

    @property
    def version(self) -> str:
        """The classifier's ``version_`` (a digest of its settings and training data)."""
        return str(getattr(self.classifier, "version_", "unfitted"))

    def fit(self, items: Sequence[Item], annotations: Sequence[Sequence[Region]]) -> Self:
        """Train on the items whose annotation has a choice for ``control``; others are skipped.

        Raises
        ------
        InvalidInput
            When ``items`` and ``annotations`` differ in length, a region picks several
            choices (this is a single-label classifier), or no item has a choice.
        """
        if len(items) != len(annotations):
            raise InvalidInput(
                f"{len(items)} items but {len(annotations)} annotations", location="annotations"
            )
        texts, labels = [], []
        all_texts = item_texts(items, self.field)
        for i, regions in enumerate(annotations):
            label = self._choice(regions, i)
            if label is not None:
                texts.append(all_texts[i])
                labels.append(label)
        if not labels:
            raise InvalidInput(
                f"no annotation has a choice for control {self.control!r}", location="annotations"
            )
        self.classifier.fit(texts, labels)
        return self

    def predict(self, items: Sequence[Item]) -> list[Prediction]:
        """One choices region per item: the most probable class, scored by its probability."""
        if not items:
            return []
        proba = self.classifier.predict_proba(item_texts(items, self.field))
        best = proba.argmax(axis=1)
        out = []
        for item, row, k in zip(items, proba, best, strict=True):
            score = float(row[k])
            region = choices_region(self.control, str(self.classifier.classes_[k]), score)
            out.append(Prediction(item.get("id"), (region,), self.name, self.version, score))
        return out

    def _choice(self, regions: Sequence[Region], index: int) -> str | None:
        for j, region in enumerate(regions):
            if region.get("control") != self.control:
                continue
            choices = region.get("value", {}).get("choices")
            if not isinstance(choices, list) or len(choices) != 1:
                raise InvalidInput(
                    "a single-label classifier needs exactly one choice",
                    location=f"annotations[{index}][{j}].value.choices",
                )
            return str(choices[0])
        return None
