"""Quality: agreement, truth inference, region matching and label-error detection.

A pure library: plain NumPy arrays and pandas tables in, arrays, tables and dataclasses out;
no database, no HTTP, no global state.
"""

from annota.quality.aggregation import (
    MACE,
    METHODS,
    CrowdClassifier,
    DawidSkene,
    MajorityVote,
    WeightedVote,
    aggregate,
    aggregate_numeric,
)
from annota.quality.agreement import (
    category_counts,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    pairwise_agreement,
    per_label_agreement,
    percent_agreement,
    reliability_matrix,
)
from annota.quality.bias import AnnotatorBias, SliceReport, annotator_bias, slice_label_distribution
from annota.quality.label_issues import confident_joint, find_label_issues, label_quality_scores
from annota.quality.performance import (
    AnnotatorFlag,
    PerformanceReport,
    PerformanceRules,
    annotator_performance,
)

__all__ = [
    "MACE",
    "METHODS",
    "AnnotatorBias",
    "AnnotatorFlag",
    "CrowdClassifier",
    "DawidSkene",
    "MajorityVote",
    "PerformanceReport",
    "PerformanceRules",
    "SliceReport",
    "WeightedVote",
    "aggregate",
    "aggregate_numeric",
    "annotator_bias",
    "annotator_performance",
    "category_counts",
    "cohen_kappa",
    "confident_joint",
    "find_label_issues",
    "fleiss_kappa",
    "krippendorff_alpha",
    "label_quality_scores",
    "pairwise_agreement",
    "per_label_agreement",
    "percent_agreement",
    "reliability_matrix",
    "slice_label_distribution",
]
