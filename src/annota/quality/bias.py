"""Bias analysis: does an annotator, an annotator group or a data slice skew the labels?

Findings carry their evidence (observed and expected counts, the test statistic, the raw and
corrected p-values, a divergence score), so a reviewer sees *why* something was flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

from annota.errors import InvalidInput
from annota.quality.answers import encode_answers

__all__ = [
    "AnnotatorBias",
    "Correction",
    "SliceReport",
    "adjust_p_values",
    "annotator_bias",
    "slice_label_distribution",
]

Correction = Literal["holm", "bh"]
FloatArray = npt.NDArray[np.float64]


def adjust_p_values(p_values: npt.ArrayLike, method: Correction = "holm") -> FloatArray:
    """Multiple-testing correction: Holm (family-wise error) or Benjamini-Hochberg (FDR)."""
    p = np.asarray(p_values, dtype=np.float64)
    n = len(p)
    if n == 0:
        return p
    order = np.argsort(p)
    ranked = p[order]
    if method == "holm":
        adjusted = np.maximum.accumulate(ranked * (n - np.arange(n)))
    elif method == "bh":
        adjusted = np.minimum.accumulate((ranked * n / np.arange(1, n + 1))[::-1])[::-1]
    else:
        raise InvalidInput(f"correction must be 'holm' or 'bh', got {method!r}", location="method")
    out = np.empty(n)
    out[order] = np.minimum(adjusted, 1.0)
    return out


@dataclass(frozen=True)
class AnnotatorBias:
    """One annotator's label distribution against the pool's on the same items.

    ``observed`` and ``expected`` are label counts (expected: the other annotators' majority
    label on each item this annotator labelled, ties split); ``g_statistic`` and ``p_value`` are
    the G-test's, ``p_adjusted`` after correction; ``divergence`` the Jensen-Shannon distance
    (base 2, in [0, 1]) between the two distributions; ``most_over_used`` the label with the
    largest excess.
    """

    annotator: object
    n_answers: int
    observed: pd.Series
    expected: pd.Series
    g_statistic: float
    p_value: float
    p_adjusted: float
    divergence: float
    most_over_used: object
    flagged: bool


def annotator_bias(
    df: pd.DataFrame,
    *,
    correction: Correction = "holm",
    alpha: float = 0.05,
    min_answers: int = 10,
) -> list[AnnotatorBias]:
    """G-test of each annotator's labels against the pool's majority on the same items.

    Comparing on the same items matters: an annotator who happened to get more items of one
    class is not biased. Annotators with fewer than ``min_answers`` answers on shared items
    are left out. Flagged: corrected p-value below ``alpha``.

    Returns
    -------
    list of AnnotatorBias
        Most divergent first.
    """
    answers = encode_answers(df)
    counts = answers.vote_counts()
    n_classes = answers.n_classes
    others = counts[answers.item_codes]
    others[np.arange(len(answers.label_codes)), answers.label_codes] -= 1
    totals = others.sum(axis=1)
    shared = totals > 0
    # the others' majority label (ties split): a spammer in the pool shifts it far less than
    # it shifts the pooled shares, so good annotators are not flagged for disagreeing with it
    top = others[shared] == others[shared].max(axis=1, keepdims=True)
    shares = top / top.sum(axis=1, keepdims=True)
    who = answers.annotator_codes[shared]
    expected = np.zeros((answers.n_annotators, n_classes))
    np.add.at(expected, who, shares)
    observed = np.zeros((answers.n_annotators, n_classes))
    np.add.at(observed, (who, answers.label_codes[shared]), 1.0)
    keep = np.flatnonzero(observed.sum(axis=1) >= min_answers)
    results = []
    for j in keep:
        obs, exp = observed[j], np.maximum(expected[j], 1e-9)
        exp = exp * obs.sum() / exp.sum()
        used = obs > 0
        g = float(2.0 * (obs[used] * np.log(obs[used] / exp[used])).sum())
        p = float(stats.chi2.sf(g, df=max(n_classes - 1, 1)))
        results.append((j, obs, exp, g, p))
    adjusted = adjust_p_values([r[4] for r in results], correction)
    labels = list(answers.classes)
    findings = [
        AnnotatorBias(
            annotator=answers.annotators[j],
            n_answers=int(obs.sum()),
            observed=pd.Series(obs, index=labels, name="observed"),
            expected=pd.Series(exp, index=labels, name="expected"),
            g_statistic=g,
            p_value=p,
            p_adjusted=float(q),
            divergence=float(jensenshannon(obs / obs.sum(), exp / exp.sum(), base=2)),
            most_over_used=labels[int(np.argmax(obs - exp))],
            flagged=bool(q < alpha),
        )
        for (j, obs, exp, g, p), q in zip(results, adjusted, strict=True)
    ]
    return sorted(findings, key=lambda f: -f.divergence)


@dataclass(frozen=True)
class SliceReport:
    """Label distribution per slice (of items or annotators) with a test of independence.

    ``counts``: slices x labels; ``shares``: row-normalised; ``residuals``: adjusted
    standardised residuals (beyond +-3 means the cell is far from independence);
    ``chi2``, ``p_value`` the chi-square test of independence; ``slice_share``: each slice's
    share of the answers; ``under_represented``: slices below ``min_share``; ``skewed``:
    ``(slice, label, residual)`` for cells beyond the residual cut-off.
    """

    counts: pd.DataFrame
    shares: pd.DataFrame
    residuals: pd.DataFrame
    chi2: float
    p_value: float
    slice_share: pd.Series
    under_represented: list[object]
    skewed: list[tuple[object, object, float]]


def slice_label_distribution(
    df: pd.DataFrame,
    slices: pd.Series,
    *,
    on: Literal["item", "annotator"] = "item",
    min_share: float = 0.05,
    residual_cutoff: float = 3.0,
) -> SliceReport:
    """Label distribution by a metadata field of items (source, locale...) or of annotators.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``item``, ``annotator``, ``label``.
    slices : pandas.Series
        Slice value per item (or per annotator with ``on="annotator"``), indexed by its id;
        unmapped rows fall in slice ``"(missing)"``.
    """
    if on not in ("item", "annotator"):
        raise InvalidInput("on must be 'item' or 'annotator'", location="on")
    labelled = df[df["label"].notna()] if "label" in df.columns else df
    encode_answers(df)  # validates the table
    keys = labelled[on].map(slices).fillna("(missing)")
    counts = pd.crosstab(keys.to_numpy(), labelled["label"].to_numpy())
    counts.index.name, counts.columns.name = "slice", "label"
    table = counts.to_numpy(dtype=np.float64)
    total = table.sum()
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / total
    chi2, p_value = 0.0, 1.0
    if min(table.shape) > 1:
        chi2, p_value = (float(v) for v in stats.chi2_contingency(table, correction=False)[:2])
    row_share = table.sum(axis=1, keepdims=True) / total
    column_share = table.sum(axis=0, keepdims=True) / total
    with np.errstate(invalid="ignore", divide="ignore"):
        residual = (table - expected) / np.sqrt(expected * (1 - row_share) * (1 - column_share))
    residuals = pd.DataFrame(np.nan_to_num(residual), index=counts.index, columns=counts.columns)
    slice_share = counts.sum(axis=1) / total
    skewed = [
        (s, label, float(residuals.loc[s, label]))
        for s in residuals.index
        for label in residuals.columns
        if abs(residuals.loc[s, label]) > residual_cutoff
    ]
    return SliceReport(
        counts=counts,
        shares=counts.div(counts.sum(axis=1), axis=0),
        residuals=residuals,
        chi2=chi2,
        p_value=p_value,
        slice_share=slice_share.rename("share"),
        under_represented=[s for s, share in slice_share.items() if share < min_share],
        skewed=sorted(skewed, key=lambda cell: -abs(cell[2])),
    )
