"""Machines that label alongside people: label models, labeling functions, active learning.

Pure library code (arrays and dataclasses in and out, no database, no HTTP). The public
entry points other layers call are :class:`LabelModel` and :func:`query`. Pre-labeling
models follow the :class:`Model` protocol (``predict(items) -> list[Prediction]``).
"""

from annota.automation.embedder import EMBEDDING_DIM, Embedder, SentenceEmbedder
from annota.automation.embedding_labels import (
    NearestNeighbourClassifier,
    ZeroShotClassifier,
    knn_proba,
    similar,
    zero_shot_proba,
)
from annota.automation.gazetteer import GazetteerTagger
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
from annota.automation.prediction import (
    ChoicesModel,
    Model,
    Prediction,
    TrainableModel,
    choices_region,
    item_texts,
    span_region,
)
from annota.automation.query import STRATEGIES, query, uncertainty_scores
from annota.automation.regex_tagger import RegexSpanTagger
from annota.automation.spans import Span, select_longest
from annota.automation.text_classifier import TextClassifier
from annota.automation.votes import ABSTAIN, check_label_matrix, majority_vote

__all__ = [
    "ABSTAIN",
    "EMBEDDING_DIM",
    "STRATEGIES",
    "ChoicesModel",
    "DawidSkeneFit",
    "Embedder",
    "GazetteerTagger",
    "KeywordLF",
    "LabelModel",
    "LabelingFunction",
    "Model",
    "ModelOutputLF",
    "NearestNeighbourClassifier",
    "Prediction",
    "RegexLF",
    "RegexSpanTagger",
    "SentenceEmbedder",
    "Span",
    "TextClassifier",
    "ThresholdLF",
    "TrainableModel",
    "ZeroShotClassifier",
    "apply_lfs",
    "check_label_matrix",
    "choices_region",
    "fit_dawid_skene",
    "item_texts",
    "knn_proba",
    "lf_summary",
    "majority_vote",
    "posterior",
    "query",
    "select_longest",
    "similar",
    "span_region",
    "uncertainty_scores",
    "zero_shot_proba",
]
