"""Agreement broken down: per annotator pair and per label."""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse

from annota.errors import InvalidInput
from annota.quality.agreement.kappa import KappaWeights, fleiss_kappa
from annota.quality.agreement.reliability import code_ratings

__all__ = ["PairMetric", "pairwise_agreement", "per_label_agreement"]

PairMetric = Literal["cohen_kappa", "percent"]


def _pair_confusions(codes: npt.NDArray[np.intp], n_values: int) -> npt.NDArray[np.float64]:
    """Contingency table of every annotator pair, shape (J, J, K, K), from one sparse product."""
    n_annotators, n_items = codes.shape
    annotator, item = np.nonzero(codes >= 0)
    columns = annotator * n_values + codes[annotator, item]
    onehot = sparse.csr_array(
        (np.ones(len(item)), (item, columns)), shape=(n_items, n_annotators * n_values)
    )
    product = np.asarray((onehot.T @ onehot).toarray(), dtype=np.float64)
    return product.reshape(n_annotators, n_values, n_annotators, n_values).transpose(0, 2, 1, 3)


def pairwise_agreement(
    reliability_data: npt.ArrayLike | pd.DataFrame,
    *,
    metric: PairMetric = "cohen_kappa",
    weights: KappaWeights = None,
    min_overlap: int = 1,
) -> pd.DataFrame:
    """Agreement of every pair of annotators on the items both rated.

    Parameters
    ----------
    reliability_data : array-like or DataFrame, shape (n_annotators, n_items)
        Rows annotators (a DataFrame's index names them), columns items, ``NaN`` missing; build
        it from a long table with ``reliability_matrix(df)``.
    metric : {"cohen_kappa", "percent"}, default "cohen_kappa"
    weights : {None, "linear", "quadratic"}, default None
        Kappa weights for ordered categories.
    min_overlap : int, default 1
        Pairs sharing fewer items get ``NaN``.

    Returns
    -------
    pandas.DataFrame, shape (n_annotators, n_annotators)
        Symmetric; the diagonal is each annotator against itself (1 where defined).

    Examples
    --------
    >>> pairwise_agreement([[1, 1, 0], [1, 0, 0], [1, 1, 0]], metric="percent").to_numpy()[0]
    array([1.        , 0.66666667, 1.        ])
    """
    if metric not in ("cohen_kappa", "percent"):
        raise InvalidInput(f"unknown metric {metric!r}", location="metric")
    frame = pd.DataFrame(reliability_data)
    coded = code_ratings(frame)
    n_values = len(coded.values)
    tables = _pair_confusions(coded.codes, n_values)
    total = tables.sum(axis=(2, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        if metric == "percent":
            score = np.trace(tables, axis1=2, axis2=3) / total
        else:
            distance = np.abs(np.subtract.outer(np.arange(n_values), np.arange(n_values)))
            weight = {None: (distance > 0) * 1.0, "linear": distance * 1.0}.get(
                weights, distance**2.0
            )
            expected = np.einsum("abk,abl->abkl", tables.sum(axis=3), tables.sum(axis=2))
            expected /= total[:, :, None, None]
            chance = (weight * expected).sum(axis=(2, 3))
            score = 1.0 - (weight * tables).sum(axis=(2, 3)) / chance
    score = np.where(total >= max(min_overlap, 1), score, np.nan)
    return pd.DataFrame(score, index=frame.index.copy(), columns=frame.index.copy())


def per_label_agreement(reliability_data: npt.ArrayLike | pd.DataFrame) -> pd.DataFrame:
    """How reliably each label is used: specific agreement and category kappa.

    For label ``k``, *specific agreement* is the probability that, given one rating of an item
    is ``k``, another rating of that item is ``k`` too: ``sum n_ik (n_ik - 1) / sum n_ik
    (m_i - 1)``. The *kappa* is Fleiss' kappa of the table collapsed to ``k`` versus the rest
    (Fleiss 1971, eq. 15).

    Returns
    -------
    pandas.DataFrame
        Index: labels; columns ``ratings`` (how often used), ``specific_agreement``, ``kappa``.

    Examples
    --------
    >>> per_label_agreement([["a", "a", "b"], ["a", "a", "a"]])["ratings"].tolist()
    [5, 1]
    """
    coded = code_ratings(reliability_data)
    counts = coded.counts()
    raters = counts.sum(axis=1)
    pairable = raters >= 2
    if not pairable.any():
        raise InvalidInput("no item has two or more ratings", location="reliability_data")
    counts, raters = counts[pairable], raters[pairable]
    rows = []
    for k in range(len(coded.values)):
        column = counts[:, k]
        mass = float((column * (raters - 1)).sum())
        specific = float((column * (column - 1)).sum()) / mass if mass > 0 else float("nan")
        collapsed = np.stack([column, raters - column], axis=1)
        rows.append((int(column.sum()), specific, fleiss_kappa(collapsed)))
    frame = pd.DataFrame(
        rows, index=list(coded.values), columns=["ratings", "specific_agreement", "kappa"]
    )
    frame.index.name = "label"
    return frame
