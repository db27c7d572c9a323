"""Geometric consensus: fuse many annotators' regions into one answer."""

from annota.quality.consensus.boxes import ConsensusBox, box_consensus
from annota.quality.consensus.spans import span_consensus

__all__ = ["ConsensusBox", "box_consensus", "span_consensus"]
