"""Truth inference: one label per item from many annotators' answers."""

from annota.quality.aggregation.base import CrowdClassifier
from annota.quality.aggregation.dawid_skene import DawidSkene
from annota.quality.aggregation.mace import MACE
from annota.quality.aggregation.majority_vote import MajorityVote
from annota.quality.aggregation.methods import METHODS, aggregate
from annota.quality.aggregation.numeric import aggregate_numeric
from annota.quality.aggregation.weighted_vote import WeightedVote

__all__ = [
    "MACE",
    "METHODS",
    "CrowdClassifier",
    "DawidSkene",
    "MajorityVote",
    "WeightedVote",
    "aggregate",
    "aggregate_numeric",
]
