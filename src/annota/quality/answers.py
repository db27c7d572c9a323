"""Encode a long ``(item, annotator, label)`` answer table into integer codes.

Every aggregator and agreement helper works on the same encoded form, so a table is validated
and factorised once: items and annotators become dense integer codes and labels become indices
into a sorted ``classes`` array. Missing labels (``NaN``/``None``) are kept as *abstentions*:
the item stays in the output, but the row casts no vote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from annota.errors import InvalidInput

__all__ = ["ANSWER_COLUMNS", "AnswerTable", "encode_answers", "sorted_classes"]

#: the columns every answer table must have
ANSWER_COLUMNS = ("item", "annotator", "label")

IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class AnswerTable:
    """An answer table as integer codes (only rows with a label).

    Attributes
    ----------
    items : pandas.Index, shape (n_items,)
        Item ids in order of first appearance (items whose answers all abstain included).
    annotators : pandas.Index, shape (n_annotators,)
        Annotator ids in order of first appearance.
    classes : numpy.ndarray, shape (n_classes,)
        Sorted label values (order of first appearance when labels are not mutually orderable).
    item_codes, annotator_codes, label_codes : numpy.ndarray of int, shape (n_votes,)
        One entry per non-abstaining answer.
    """

    items: pd.Index
    annotators: pd.Index
    classes: npt.NDArray[np.object_]
    item_codes: IntArray
    annotator_codes: IntArray
    label_codes: IntArray

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def n_annotators(self) -> int:
        return len(self.annotators)

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    def vote_counts(
        self, weights: npt.NDArray[np.float64] | None = None
    ) -> npt.NDArray[np.float64]:
        """Votes per item and class, shape (n_items, n_classes); ``weights`` per vote."""
        n_classes = self.n_classes
        flat = np.bincount(
            self.item_codes * n_classes + self.label_codes,
            weights=weights,
            minlength=self.n_items * n_classes,
        )
        return flat.reshape(self.n_items, n_classes).astype(np.float64)


def sorted_classes(values: Sequence[object] | npt.ArrayLike) -> npt.NDArray[np.object_]:
    """Unique non-missing values, sorted when they are mutually orderable."""
    series = pd.Series(np.asarray(values, dtype=object)).dropna()
    unique = pd.unique(series)
    try:
        ordered = sorted(unique)
    except TypeError:
        ordered = list(unique)
    out = np.empty(len(ordered), dtype=object)
    out[:] = ordered
    return out


def _check_frame(df: pd.DataFrame) -> None:
    if not isinstance(df, pd.DataFrame):
        raise InvalidInput(f"expected a pandas DataFrame, got {type(df).__name__}", location="df")
    missing = [c for c in ANSWER_COLUMNS if c not in df.columns]
    if missing:
        raise InvalidInput(
            f"missing column(s) {missing}; need {list(ANSWER_COLUMNS)}", location="df"
        )
    if len(df) == 0:
        raise InvalidInput("the answer table is empty", location="df")
    for column in ("item", "annotator"):
        null = df[column].isna().to_numpy()
        if null.any():
            row = int(np.flatnonzero(null)[0])
            raise InvalidInput(f"{column} is missing", location=f"df.{column}[{row}]")


def encode_answers(df: pd.DataFrame, *, classes: npt.ArrayLike | None = None) -> AnswerTable:
    """Validate and encode an answer table.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``item``, ``annotator``, ``label``; ``label`` may be missing (an abstention).
    classes : array-like, optional
        Known label values (from a fitted model); a label outside them is an error.

    Raises
    ------
    InvalidInput
        If the table is empty, lacks a column, has a missing item or annotator, has no label at
        all (every answer abstains), or has a label outside ``classes``.
    """
    _check_frame(df)
    item_codes, items = pd.factorize(df["item"], sort=False)
    annotator_codes, annotators = pd.factorize(df["annotator"], sort=False)
    labels = df["label"]
    voted = labels.notna().to_numpy()
    if not voted.any():
        raise InvalidInput("every answer abstains: no label to aggregate", location="df.label")
    known = sorted_classes(labels[voted]) if classes is None else np.asarray(classes, dtype=object)
    lookup = pd.Index(known)
    label_codes = np.asarray(lookup.get_indexer(labels[voted]), dtype=np.intp)
    if (label_codes < 0).any():
        row = int(np.flatnonzero(voted)[np.flatnonzero(label_codes < 0)[0]])
        raise InvalidInput(
            f"label {labels.iloc[row]!r} was not seen when fitting", location=f"df.label[{row}]"
        )
    return AnswerTable(
        items=pd.Index(items),
        annotators=pd.Index(annotators),
        classes=known,
        item_codes=np.asarray(item_codes[voted], dtype=np.intp),
        annotator_codes=np.asarray(annotator_codes[voted], dtype=np.intp),
        label_codes=label_codes,
    )
