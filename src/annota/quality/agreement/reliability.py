"""Reliability data: the (annotator x item) matrix every agreement coefficient starts from.

Converts a long ``(item, annotator, label)`` table into the wide forms of the literature:
a reliability matrix (rows annotators, columns items, ``NaN`` missing) and a category-count
table (rows items, columns categories). Also turns either into integer codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from annota.errors import InvalidInput
from annota.quality.answers import encode_answers, sorted_classes

__all__ = ["CodedRatings", "category_counts", "code_ratings", "reliability_matrix"]

IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class CodedRatings:
    """Reliability data as codes: ``codes[annotator, item]`` indexes ``values``; -1 = missing."""

    codes: IntArray
    values: npt.NDArray[np.object_]

    def counts(self) -> npt.NDArray[np.float64]:
        """Ratings per item and value, shape (n_items, n_values)."""
        n_values = len(self.values)
        annotator, item = np.nonzero(self.codes >= 0)
        flat = item * n_values + self.codes[annotator, item]
        n_items = self.codes.shape[1]
        return (
            np.bincount(flat, minlength=n_items * n_values)
            .reshape(n_items, n_values)
            .astype(np.float64)
        )


def _code_numeric(matrix: npt.NDArray[np.number[Any]]) -> CodedRatings:
    """Fast path for numeric ratings: ``np.unique`` instead of hashing Python objects."""
    rated = ~np.isnan(matrix.astype(np.float64))
    if not rated.any():
        raise InvalidInput("reliability data has no rating", location="reliability_data")
    unique, inverse = np.unique(matrix[rated], return_inverse=True)
    codes = np.full(matrix.shape, -1, dtype=np.intp)
    codes[rated] = inverse
    known = np.empty(len(unique), dtype=object)
    known[:] = unique.tolist()
    return CodedRatings(codes=codes, values=known)


def code_ratings(
    reliability_data: npt.ArrayLike | pd.DataFrame, *, values: npt.ArrayLike | None = None
) -> CodedRatings:
    """Encode a reliability matrix (rows annotators, columns items; ``NaN``/``None`` missing).

    ``values`` fixes the set and order of categories (needed for an ordinal scale of strings);
    by default the sorted distinct values are used.
    """
    frame = pd.DataFrame(reliability_data)
    if frame.size == 0:
        raise InvalidInput("reliability data is empty", location="reliability_data")
    numeric = frame.to_numpy()
    if values is None and np.issubdtype(numeric.dtype, np.number):
        return _code_numeric(numeric)
    stacked = frame.to_numpy(dtype=object)
    missing = pd.isna(stacked)
    if missing.all():
        raise InvalidInput("reliability data has no rating", location="reliability_data")
    known = (
        sorted_classes(stacked[~missing]) if values is None else np.asarray(values, dtype=object)
    )
    codes = np.full(stacked.shape, -1, dtype=np.intp)
    found = pd.Index(known).get_indexer(stacked[~missing])
    if (found < 0).any():
        bad = stacked[~missing][np.flatnonzero(found < 0)[0]]
        raise InvalidInput(f"rating {bad!r} is not among the values", location="reliability_data")
    codes[~missing] = found
    return CodedRatings(codes=codes, values=known)


def reliability_matrix(df: pd.DataFrame) -> pd.DataFrame:
    """Long answers to a reliability matrix: rows annotators, columns items, ``NaN`` missing.

    An annotator who answered an item twice keeps the last answer.
    """
    answers = encode_answers(df)
    numeric = all(isinstance(v, int | float | np.number) for v in answers.classes)
    matrix = np.full(
        (answers.n_annotators, answers.n_items), np.nan, dtype=np.float64 if numeric else object
    )
    classes = answers.classes.astype(np.float64) if numeric else answers.classes
    matrix[answers.annotator_codes, answers.item_codes] = classes[answers.label_codes]
    frame = pd.DataFrame(matrix, index=answers.annotators.copy(), columns=answers.items.copy())
    frame.index.name, frame.columns.name = "annotator", "item"
    return frame.infer_objects()


def category_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Long answers to a count table: rows items, columns labels, cells numbers of answers."""
    answers = encode_answers(df)
    frame = pd.DataFrame(
        answers.vote_counts().astype(np.int64),
        index=answers.items.copy(),
        columns=list(answers.classes),
    )
    frame.index.name, frame.columns.name = "item", "label"
    return frame
