"""Machines that label alongside people: label models, labeling functions, active learning.

Pure library code (arrays and dataclasses in and out, no database, no HTTP). The public
entry points other layers call are :class:`LabelModel` and :func:`query`.
"""

from annota.automation.label_model import DawidSkeneFit, LabelModel, fit_dawid_skene, posterior
from annota.automation.labeling_functions import (
    KeywordLF,
    LabelingFunction,
    ModelOutputLF,
    RegexLF,
    ThresholdLF,
    apply_lfs,
)
from annota.automation.lf_analysis import lf_summary
from annota.automation.query import STRATEGIES, query, uncertainty_scores
from annota.automation.votes import ABSTAIN, check_label_matrix, majority_vote

__all__ = [
    "ABSTAIN",
    "STRATEGIES",
    "DawidSkeneFit",
    "KeywordLF",
    "LabelModel",
    "LabelingFunction",
    "ModelOutputLF",
    "RegexLF",
    "ThresholdLF",
    "apply_lfs",
    "check_label_matrix",
    "fit_dawid_skene",
    "lf_summary",
    "majority_vote",
    "posterior",
    "query",
    "uncertainty_scores",
]
