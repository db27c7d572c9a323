"""Declarative labeling functions: rules the server may run because they are data, not code.

Nothing a user writes is executed. A rule is a frozen dataclass (keywords, a regular
expression, a numeric threshold on a metadata field, a confidence bar on a stored model
output) that reads a record (a mapping of field name to value) and votes one class or
abstains (``-1``). :func:`apply_lfs` turns rules and records into the label matrix the
label model takes. Python labeling functions live in the SDK, next to the user's data, and
upload their votes instead.

Regular expressions run on RE2 (the ``google-re2`` package), whose matching time is linear
in the input: a pattern such as ``(a+)+$`` cannot stall a worker, so no time limit or
sandbox is needed. RE2 has no backreferences or lookaround; patterns that use them are
rejected when the rule is created. Inputs are also cut at ``max_chars`` so one huge field
cannot dominate a batch.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from annota.automation.votes import ABSTAIN
from annota.errors import InvalidInput

try:  # RE2 is what makes user-supplied patterns safe to run; see the module notes.
    import re2
except ImportError:  # pragma: no cover - exercised only where google-re2 is missing
    re2 = None

Record = Mapping[str, Any]


@runtime_checkable
class LabelingFunction(Protocol):
    """Anything with a ``name`` and a ``vote(record) -> int`` (class id or ``-1``)."""

    name: str

    def vote(self, record: Record) -> int: ...


@dataclass(frozen=True)
class KeywordLF:
    """Vote ``label`` when the text field contains any of ``keywords`` (as whole words).

    Examples
    --------
    >>> lf = KeywordLF("subscribe", ("subscribe", "my channel"), label=1)
    >>> lf.vote({"text": "Please SUBSCRIBE to my channel"}), lf.vote({"text": "nice song"})
    (1, -1)
    """

    name: str
    keywords: tuple[str, ...]
    label: int
    field: str = "text"
    case_sensitive: bool = False

    def __post_init__(self) -> None:
        _check_label(self.label, self.name)
        if not self.keywords or not all(isinstance(k, str) and k for k in self.keywords):
            raise InvalidInput("keywords must be non-empty strings", location=self.name)

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        # Escaped literals joined by "|" cannot backtrack catastrophically.
        words = "|".join(re.escape(k) for k in sorted(self.keywords, key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{words})(?!\w)", 0 if self.case_sensitive else re.I)

    def vote(self, record: Record) -> int:
        text = record.get(self.field)
        if isinstance(text, str) and self._pattern.search(text):
            return self.label
        return ABSTAIN


@dataclass(frozen=True)
class RegexLF:
    """Vote ``label`` when the RE2 ``pattern`` matches somewhere in the text field.

    Raises ``InvalidInput`` at creation for a pattern RE2 rejects (syntax errors,
    backreferences, lookaround) or when ``google-re2`` is not installed.

    Examples
    --------
    >>> RegexLF("check_out", r"check\\s+(it\\s+)?out", label=1).vote({"text": "Check it out!"})
    1
    """

    name: str
    pattern: str
    label: int
    field: str = "text"
    case_sensitive: bool = False
    max_chars: int = 100_000

    def __post_init__(self) -> None:
        _check_label(self.label, self.name)
        _ = self._compiled  # compile now, so a bad pattern fails when the rule is made

    @cached_property
    def _compiled(self) -> Any:
        if re2 is None:
            raise InvalidInput(
                "regular-expression rules need the google-re2 package", location=self.name
            )
        options = re2.Options()
        options.case_sensitive = self.case_sensitive
        try:
            return re2.compile(self.pattern, options)
        except re2.error as exc:
            raise InvalidInput(
                f"pattern is not valid RE2 syntax: {exc}", location=self.name
            ) from exc

    def vote(self, record: Record) -> int:
        text = record.get(self.field)
        if isinstance(text, str) and self._compiled.search(text[: self.max_chars]):
            return self.label
        return ABSTAIN


@dataclass(frozen=True)
class ThresholdLF:
    """Vote ``label`` when a numeric metadata field lies in ``[low, high]``.

    Either bound may be ``None`` (open). Missing, non-numeric or NaN values abstain.

    Examples
    --------
    >>> ThresholdLF("short", "n_words", label=0, high=3).vote({"n_words": 2})
    0
    """

    name: str
    field: str
    label: int
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        _check_label(self.label, self.name)
        if self.low is None and self.high is None:
            raise InvalidInput("give low, high or both", location=self.name)

    def vote(self, record: Record) -> int:
        value = record.get(self.field)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return ABSTAIN
        if math.isnan(value):
            return ABSTAIN
        if self.low is not None and value < self.low:
            return ABSTAIN
        if self.high is not None and value > self.high:
            return ABSTAIN
        return self.label


@dataclass(frozen=True)
class ModelOutputLF:
    """Vote the class a model predicted, when its score reaches ``min_score``.

    The record holds the prediction (``label_field``, a class id) and its confidence
    (``score_field``), as stored by a pre-labeling job; ``classes`` optionally limits which
    predicted classes this rule passes on.

    Examples
    --------
    >>> lf = ModelOutputLF("clf", min_score=0.8)
    >>> lf.vote({"model_label": 2, "model_score": 0.93}), lf.vote({"model_label": 2})
    (2, -1)
    """

    name: str
    min_score: float = 0.5
    label_field: str = "model_label"
    score_field: str = "model_score"
    classes: tuple[int, ...] | None = None

    def vote(self, record: Record) -> int:
        label, score = record.get(self.label_field), record.get(self.score_field)
        if isinstance(label, bool) or not isinstance(label, int | np.integer) or label < 0:
            return ABSTAIN
        if not isinstance(score, int | float) or not score >= self.min_score:
            return ABSTAIN
        if self.classes is not None and label not in self.classes:
            return ABSTAIN
        return int(label)


def apply_lfs(lfs: Sequence[LabelingFunction], records: Iterable[Record]) -> npt.NDArray[np.int64]:
    """Run every labeling function on every record.

    Parameters
    ----------
    lfs : sequence of LabelingFunction
        Column order of the result; names must be unique.
    records : iterable of mapping
        One item each; read once, so a generator over a large table works.

    Returns
    -------
    ndarray of shape (n_records, n_lfs), dtype int64
        ``-1`` where a function abstained.

    Examples
    --------
    >>> lfs = [KeywordLF("kw", ("free",), label=1), ThresholdLF("long", "n", 0, low=10)]
    >>> apply_lfs(lfs, [{"text": "free prize", "n": 2}, {"text": "hi", "n": 12}])
    array([[ 1, -1],
           [-1,  0]])
    """
    names = [lf.name for lf in lfs]
    if len(set(names)) != len(names):
        raise InvalidInput("labeling function names must be unique", location="lfs")
    rows = [[lf.vote(record) for lf in lfs] for record in records]
    return np.asarray(rows, dtype=np.int64).reshape(len(rows), len(lfs))


def _check_label(label: int, name: str) -> None:
    if isinstance(label, bool) or not isinstance(label, int) or label < 0:
        raise InvalidInput(f"label must be a class id >= 0, got {label!r}", location=name)
