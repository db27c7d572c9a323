"""The estimator contract every label aggregator follows.

An aggregator reads a long answer table (columns ``item``, ``annotator``, ``label``) and infers
one label per item. ``fit`` learns what the method learns (annotator skills, confusion matrices,
class priors) and returns ``self``; ``predict_proba`` gives the posterior over classes for the
items of any table (unseen annotators get a pooled model), ``predict`` its arg-max. As in
scikit-learn, ``__init__`` only stores hyperparameters, validation happens in ``fit`` and learned
state ends in ``_``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Self

import numpy as np
import numpy.typing as npt
import pandas as pd

from annota.errors import InvalidInput
from annota.quality.answers import AnswerTable, encode_answers
from annota.quality.params import Params

__all__ = ["CrowdClassifier", "FloatArray"]

FloatArray = npt.NDArray[np.float64]


class CrowdClassifier(Params, ABC):
    """Base class: the ``fit`` / ``predict`` / ``predict_proba`` contract on answer tables.

    Subclasses implement ``_fit(answers)`` and ``_posterior(answers)``; the latter returns an
    ``(n_items, n_classes)`` array whose rows sum to one, or are ``NaN`` for items that received
    no vote (every answer abstained).
    """

    classes_: npt.NDArray[np.object_]

    # -- the contract --------------------------------------------------------------------------
    def fit(self, df: pd.DataFrame) -> Self:
        """Learn the model from an answer table; returns ``self``."""
        answers = encode_answers(df)
        self.classes_ = answers.classes
        self._fit(answers)
        return self

    def predict_proba(self, df: pd.DataFrame) -> pd.DataFrame:
        """Posterior over classes, shape (n_items, n_classes); index ``item``, columns labels."""
        answers = self._encode_fitted(df)
        return self._proba_frame(answers, self._posterior(answers))

    def predict(self, df: pd.DataFrame) -> pd.Series:
        """Most probable label per item (index ``item``); ``NaN`` where every answer abstained."""
        answers = self._encode_fitted(df)
        return self._label_series(answers, self._posterior(answers))

    def fit_predict(self, df: pd.DataFrame) -> pd.Series:
        """``fit(df)`` then ``predict(df)``, encoding the table once."""
        answers = encode_answers(df)
        self.classes_ = answers.classes
        self._fit(answers)
        return self._label_series(answers, self._posterior(answers))

    def fit_predict_proba(self, df: pd.DataFrame) -> pd.DataFrame:
        """``fit(df)`` then ``predict_proba(df)``, encoding the table once."""
        answers = encode_answers(df)
        self.classes_ = answers.classes
        self._fit(answers)
        return self._proba_frame(answers, self._posterior(answers))

    # -- hooks ----------------------------------------------------------------------------------
    @abstractmethod
    def _fit(self, answers: AnswerTable) -> None: ...

    @abstractmethod
    def _posterior(self, answers: AnswerTable) -> FloatArray: ...

    def _choose(self, posterior: FloatArray) -> npt.NDArray[np.intp]:
        """Class index per item from its posterior (first maximum; subclasses add tie rules)."""
        return np.asarray(np.argmax(np.nan_to_num(posterior, nan=-1.0), axis=1), dtype=np.intp)

    # -- helpers --------------------------------------------------------------------------------
    def _encode_fitted(self, df: pd.DataFrame) -> AnswerTable:
        if not hasattr(self, "classes_"):
            raise InvalidInput(f"{type(self).__name__} is not fitted; call fit first")
        return encode_answers(df, classes=self.classes_)

    def _proba_frame(self, answers: AnswerTable, posterior: FloatArray) -> pd.DataFrame:
        frame = pd.DataFrame(posterior, index=answers.items.copy(), columns=list(answers.classes))
        frame.index.name = "item"
        frame.columns.name = "label"
        return frame

    def _label_series(self, answers: AnswerTable, posterior: FloatArray) -> pd.Series:
        chosen = self._choose(posterior)
        no_vote = np.isnan(posterior).any(axis=1) | (chosen < 0)
        values = answers.classes[np.where(no_vote, 0, chosen)]
        series = pd.Series(list(values), index=answers.items.copy(), name="label")
        if no_vote.any():
            series = series.where(~no_vote)
        series.index.name = "item"
        return series.infer_objects()
