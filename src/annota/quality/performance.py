"""Annotator performance: accuracy on gold, agreement with consensus, confusion, outlier flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
from scipy import stats

from annota.errors import InvalidInput
from annota.quality.aggregation.dawid_skene import DawidSkene
from annota.quality.answers import encode_answers

__all__ = [
    "AnnotatorFlag",
    "FlagKind",
    "PerformanceReport",
    "PerformanceRules",
    "annotator_performance",
]

FlagKind = Literal["too_fast", "one_class", "sudden_drop", "low_agreement"]


@dataclass(frozen=True)
class PerformanceRules:
    """When to flag an annotator.

    too_fast_ratio : median time per answer below this share of the pool's median.
    one_class_share : one label in at least this share of the answers, while the pool gives
        it at most ``one_class_share - 0.3``.
    drop : agreement with consensus over the last answers at least this much lower than before
        (and a one-sided Fisher exact test below ``drop_p_value``).
    drop_window, min_window : the last ``max(min_window, drop_window * n)`` answers.
    low_agreement_mads : agreement with consensus this many median absolute deviations below
        the pool's median.
    min_answers : annotators with fewer answers are reported but never flagged.
    """

    too_fast_ratio: float = 0.25
    one_class_share: float = 0.9
    drop: float = 0.2
    drop_p_value: float = 0.01
    drop_window: float = 0.2
    min_window: int = 20
    low_agreement_mads: float = 3.0
    min_answers: int = 10


@dataclass(frozen=True)
class AnnotatorFlag:
    """Why an annotator was flagged: the measured ``value`` against the ``reference``."""

    annotator: object
    kind: FlagKind
    value: float
    reference: float
    evidence: str


@dataclass(frozen=True)
class PerformanceReport:
    """Per-annotator table, flags with evidence and Dawid-Skene confusion matrices.

    ``table`` columns: ``n_answers``, ``n_gold``, ``gold_accuracy``, ``consensus_agreement``,
    ``median_seconds`` (when durations are given), ``top_label``, ``top_label_share``.
    """

    table: pd.DataFrame
    flags: list[AnnotatorFlag]
    confusion: dict[object, pd.DataFrame] = field(default_factory=dict)


def annotator_performance(
    df: pd.DataFrame,
    *,
    gold: pd.Series | None = None,
    duration: str | None = None,
    order: str | None = None,
    rules: PerformanceRules | None = None,
) -> PerformanceReport:
    """Measure every annotator and flag the outliers.

    Consensus is Dawid-Skene's (fitted on ``df``), which also gives each annotator's confusion
    matrix. The annotator's own answer is part of the consensus it is compared with; with
    three or more answers per item that inflates agreement only slightly and equally.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``item``, ``annotator``, ``label``, plus ``duration``/``order`` if named.
    gold : pandas.Series, optional
        Known answers indexed by item.
    duration : str, optional
        Column of seconds spent per answer (for the ``too_fast`` flag).
    order : str, optional
        Column giving the time order of answers (for ``sudden_drop``); row order otherwise.
    """
    rules = rules or PerformanceRules()
    for column in (duration, order):
        if column is not None and column not in df.columns:
            raise InvalidInput(f"column {column!r} is missing", location=f"df.{column}")
    answers = encode_answers(df)
    model = DawidSkene()
    consensus = model.fit_predict(df)
    labelled = df[df["label"].notna()].copy()
    labelled["_agree"] = (labelled["label"].to_numpy() == labelled["item"].map(consensus)).astype(
        float
    )
    grouped = labelled.groupby("annotator", sort=False)
    table = pd.DataFrame(
        {"n_answers": grouped.size(), "consensus_agreement": grouped["_agree"].mean()}
    )
    if gold is not None:
        known = labelled["item"].map(gold)
        has_gold = known.notna()
        correct = (labelled["label"] == known) & has_gold
        table["n_gold"] = has_gold.groupby(labelled["annotator"]).sum()
        table["gold_accuracy"] = correct.groupby(labelled["annotator"]).sum() / table[
            "n_gold"
        ].where(table["n_gold"] > 0)
    if duration is not None:
        table["median_seconds"] = grouped[duration].median()
    top = labelled.groupby(["annotator", "label"], sort=False).size()
    share = top / top.groupby(level=0).transform("sum")
    best = share.groupby(level=0).idxmax()
    table["top_label"] = best.map(lambda key: key[1])
    table["top_label_share"] = share.groupby(level=0).max()
    table = table.reindex(answers.annotators)
    table.index.name = "annotator"
    flags = _flags(table, labelled, order, rules, duration)
    confusion = {a: model.confusion_frame(a) for a in answers.annotators}
    return PerformanceReport(table=table, flags=flags, confusion=confusion)


def _flags(
    table: pd.DataFrame,
    labelled: pd.DataFrame,
    order: str | None,
    rules: PerformanceRules,
    duration: str | None,
) -> list[AnnotatorFlag]:
    flags: list[AnnotatorFlag] = []
    eligible = table["n_answers"] >= rules.min_answers
    if duration is not None:
        pool = float(labelled[duration].median())
        for annotator, value in table.loc[eligible, "median_seconds"].items():
            if value < rules.too_fast_ratio * pool:
                flags.append(
                    AnnotatorFlag(
                        annotator,
                        "too_fast",
                        float(value),
                        pool,
                        f"median {value:.1f}s per answer vs pool {pool:.1f}s",
                    )
                )
    pool_share = labelled["label"].value_counts(normalize=True)
    for annotator, row in table[eligible].iterrows():
        usual = float(pool_share.get(row["top_label"], 0.0))
        if row["top_label_share"] >= rules.one_class_share and usual <= rules.one_class_share - 0.3:
            flags.append(
                AnnotatorFlag(
                    annotator,
                    "one_class",
                    float(row["top_label_share"]),
                    usual,
                    f"{row['top_label']!r} in {row['top_label_share']:.0%} of "
                    f"answers vs {usual:.0%} in the pool",
                )
            )
    agreement = table.loc[eligible, "consensus_agreement"]
    median = float(agreement.median()) if len(agreement) else float("nan")
    spread = float((agreement - median).abs().median()) if len(agreement) else float("nan")
    cutoff = median - rules.low_agreement_mads * max(spread, 0.01)
    for annotator, value in agreement.items():
        if value < cutoff:
            flags.append(
                AnnotatorFlag(
                    annotator,
                    "low_agreement",
                    float(value),
                    median,
                    f"agrees with consensus on {value:.0%} vs pool median "
                    f"{median:.0%} (cut-off {cutoff:.0%})",
                )
            )
    flags.extend(_drops(labelled, order, rules, table.index[eligible]))
    return flags


def _drops(
    labelled: pd.DataFrame, order: str | None, rules: PerformanceRules, annotators: pd.Index
) -> list[AnnotatorFlag]:
    ordered = labelled.sort_values(order, kind="stable") if order else labelled
    flags = []
    for annotator, group in ordered.groupby("annotator", sort=False):
        if annotator not in annotators:
            continue
        agree = group["_agree"].to_numpy()
        window = max(rules.min_window, int(rules.drop_window * len(agree)))
        if len(agree) < 2 * window:
            continue
        before, after = agree[:-window], agree[-window:]
        gap = float(before.mean() - after.mean())
        table = [
            [before.sum(), len(before) - before.sum()],
            [after.sum(), len(after) - after.sum()],
        ]
        p_value = float(stats.fisher_exact(table, alternative="greater")[1])
        if gap >= rules.drop and p_value < rules.drop_p_value:
            flags.append(
                AnnotatorFlag(
                    annotator,
                    "sudden_drop",
                    float(after.mean()),
                    float(before.mean()),
                    f"last {window} answers agree {after.mean():.0%} vs "
                    f"{before.mean():.0%} before (Fisher p={p_value:.2g})",
                )
            )
    return flags
