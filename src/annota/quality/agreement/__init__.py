"""Agreement between annotators: percent agreement, kappas, alpha and their matrices."""

from annota.quality.agreement.kappa import cohen_kappa, fleiss_kappa, kappa_from_confusion
from annota.quality.agreement.krippendorff import krippendorff_alpha
from annota.quality.agreement.matrices import pairwise_agreement, per_label_agreement
from annota.quality.agreement.percent import percent_agreement
from annota.quality.agreement.reliability import category_counts, reliability_matrix

__all__ = [
    "category_counts",
    "cohen_kappa",
    "fleiss_kappa",
    "kappa_from_confusion",
    "krippendorff_alpha",
    "pairwise_agreement",
    "per_label_agreement",
    "percent_agreement",
    "reliability_matrix",
]
