"""Labels from embeddings: similar items, nearest-neighbour votes and zero-shot descriptions.

Two tiers, as elsewhere in the package: functions on arrays (:func:`similar`,
:func:`knn_proba`, :func:`zero_shot_proba`) that work with any unit-length embeddings, and
two thin classifiers over an :class:`~annota.automation.embedder.Embedder` with the
``fit`` / ``predict_proba`` / ``classes_`` shape :class:`~annota.automation.ChoicesModel`
wraps for pre-labeling.

Rows are assumed L2-normalised (as :class:`~annota.automation.SentenceEmbedder` returns
them), so a dot product is a cosine similarity; the functions normalise defensively anyway.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Self

import numpy as np
import numpy.typing as npt

from annota.automation.embedder import Embedder
from annota.automation.prediction import version_of
from annota.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def similar(query_vec: npt.ArrayLike, matrix: npt.ArrayLike, k: int) -> tuple[IntArray, FloatArray]:
    """The ``k`` rows of ``matrix`` most cosine-similar to ``query_vec``.

    Parameters
    ----------
    query_vec : array-like of shape (d,)
    matrix : array-like of shape (n, d)
    k : int
        At most ``n`` rows are returned.

    Returns
    -------
    indices : ndarray of shape (min(k, n),)
        Most similar first; equal similarities in row order.
    similarities : ndarray of shape (min(k, n),)
        Cosine similarities in ``[-1, 1]``.

    Examples
    --------
    >>> similar([1.0, 0.0], [[0.0, 1.0], [1.0, 0.1], [-1.0, 0.0]], 2)[0]
    array([1, 0])
    """
    query = _unit_rows(np.atleast_2d(np.asarray(query_vec, dtype=np.float64)), "query_vec")
    rows = _unit_rows(np.asarray(matrix, dtype=np.float64), "matrix")
    if query.shape != (1, rows.shape[1]):
        raise InvalidInput(
            f"query_vec has shape {np.shape(query_vec)}, matrix rows have {rows.shape[1]} dims",
            location="query_vec",
        )
    _check_k(k)
    scores = rows @ query[0]
    order = np.lexsort((np.arange(scores.size), -scores))[:k]
    return order.astype(np.int64), scores[order]


def knn_proba(
    embeddings: npt.ArrayLike,
    reference: npt.ArrayLike,
    labels: npt.ArrayLike,
    *,
    n_classes: int,
    k: int = 10,
) -> FloatArray:
    """Class probabilities from the ``k`` most similar labelled items, similarity-weighted.

    Each neighbour votes its class with weight ``max(cos, 0)``; rows are normalised to sum
    to 1 (uniform when every neighbour is dissimilar).

    Parameters
    ----------
    embeddings : array-like of shape (n, d)
        Items to label.
    reference : array-like of shape (m, d)
        Labelled items.
    labels : array-like of int, shape (m,)
        Class ids ``0 .. n_classes - 1`` of ``reference``.
    n_classes : int
    k : int
        Neighbours per item (at most ``m``).

    Returns
    -------
    ndarray of shape (n, n_classes)

    Examples
    --------
    >>> ref = [[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]]
    >>> knn_proba([[1.0, 0.05]], ref, [0, 0, 1], n_classes=2, k=2).round(2)
    array([[1., 0.]])
    """
    items = _unit_rows(np.asarray(embeddings, dtype=np.float64), "embeddings")
    ref = _unit_rows(np.asarray(reference, dtype=np.float64), "reference")
    y = np.asarray(labels)
    if items.shape[1] != ref.shape[1]:
        raise InvalidInput("embeddings and reference differ in width", location="reference")
    if y.shape != (ref.shape[0],) or not np.issubdtype(y.dtype, np.integer):
        raise InvalidInput("labels must be one class id per reference row", location="labels")
    if ref.shape[0] == 0 or y.min() < 0 or y.max() >= n_classes:
        raise InvalidInput(f"labels must lie in 0..{n_classes - 1}", location="labels")
    _check_k(k)
    k = min(k, ref.shape[0])
    sims = items @ ref.T
    if k < ref.shape[0]:
        nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    else:
        nearest = np.broadcast_to(np.arange(ref.shape[0]), sims.shape)
    weights = np.clip(np.take_along_axis(sims, nearest, axis=1), 0.0, None)
    votes = np.zeros((items.shape[0], n_classes), dtype=np.float64)
    np.add.at(votes, (np.arange(items.shape[0])[:, None], y[nearest]), weights)
    totals = votes.sum(axis=1, keepdims=True)
    uniform = np.full_like(votes, 1.0 / n_classes)
    return np.where(totals > 0, votes / np.where(totals > 0, totals, 1.0), uniform)


def zero_shot_proba(
    embeddings: npt.ArrayLike, label_embeddings: npt.ArrayLike, *, temperature: float = 0.05
) -> FloatArray:
    """Softmax over the cosine similarity of each item to each label description.

    Parameters
    ----------
    embeddings : array-like of shape (n, d)
    label_embeddings : array-like of shape (n_classes, d)
        One embedded description per class.
    temperature : float
        Softmax temperature on cosine similarities; 0.05 turns a 0.1 cosine gap into
        odds of about e^2. The ranking (and so :meth:`predict`) does not depend on it.

    Returns
    -------
    ndarray of shape (n, n_classes)

    Examples
    --------
    >>> zero_shot_proba([[1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]], temperature=1.0).round(3)
    array([[0.731, 0.269]])
    """
    if not temperature > 0:
        raise InvalidInput("temperature must be positive", location="temperature")
    items = _unit_rows(np.asarray(embeddings, dtype=np.float64), "embeddings")
    labels = _unit_rows(np.asarray(label_embeddings, dtype=np.float64), "label_embeddings")
    if items.shape[1] != labels.shape[1] or labels.shape[0] == 0:
        raise InvalidInput(
            "need one description row per class, as wide as embeddings", location="label_embeddings"
        )
    logits = items @ labels.T / temperature
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float64)


class NearestNeighbourClassifier:
    """Label texts by a similarity-weighted vote of their nearest labelled texts.

    Parameters
    ----------
    embedder : Embedder
        E.g. :class:`~annota.automation.SentenceEmbedder`.
    k : int
        Neighbours per prediction.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    embeddings_ : ndarray of shape (n_train, d)
    codes_ : ndarray of shape (n_train,)
        Class index of each training row in ``classes_``.
    version_ : str
    """

    def __init__(self, embedder: Embedder, *, k: int = 10) -> None:
        self.embedder = embedder
        self.k = k

    def fit(self, texts: Sequence[str], labels: Sequence[Any]) -> Self:
        """Embed and keep the labelled texts."""
        y = np.asarray(labels)
        if y.ndim != 1 or y.shape[0] != len(texts) or y.size == 0:
            raise InvalidInput(f"{len(texts)} texts but {y.size} labels", location="labels")
        self.classes_, codes = np.unique(y, return_inverse=True)
        self.codes_ = codes.astype(np.int64)
        self.embeddings_ = self.embedder.embed(texts)
        self.version_ = version_of("knn", self.k, list(texts), [str(v) for v in y])
        return self

    def predict_proba(self, texts: Sequence[str]) -> FloatArray:
        """Neighbour-vote probabilities, shape ``(n_texts, n_classes)``."""
        if not hasattr(self, "embeddings_"):
            raise InvalidInput("call fit before predicting", location="NearestNeighbourClassifier")
        return knn_proba(
            self.embedder.embed(texts),
            self.embeddings_,
            self.codes_,
            n_classes=self.classes_.size,
            k=self.k,
        )

    def predict(self, texts: Sequence[str]) -> npt.NDArray[Any]:
        """The most probable label per text."""
        best = self.predict_proba(texts).argmax(axis=1)
        return np.asarray(self.classes_[best])


class ZeroShotClassifier:
    """Label texts by the label description they are most similar to; no training data.

    Parameters
    ----------
    embedder : Embedder
    descriptions : mapping of str to str
        Label to a short description, e.g. ``{"Sports": "sports news: games, teams,
        players"}``. Descriptions phrased like the texts work best.
    temperature : float
        See :func:`zero_shot_proba`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels, in the order of ``descriptions``.
    label_embeddings_ : ndarray of shape (n_classes, d)
    version_ : str
    """

    def __init__(
        self, embedder: Embedder, descriptions: Mapping[str, str], *, temperature: float = 0.05
    ) -> None:
        self.embedder = embedder
        self.descriptions = descriptions
        self.temperature = temperature

    def fit(self, texts: Sequence[str] = (), labels: Sequence[Any] = ()) -> Self:  # noqa: ARG002 - zero-shot learns nothing from them
        """Embed the label descriptions; ``texts`` and ``labels`` are accepted and unused."""
        if len(self.descriptions) < 2:
            raise InvalidInput("give descriptions for at least two labels", location="descriptions")
        self.classes_ = np.asarray(list(self.descriptions))
        self.label_embeddings_ = self.embedder.embed(list(self.descriptions.values()))
        self.version_ = version_of("zero-shot", dict(self.descriptions), self.temperature)
        return self

    def predict_proba(self, texts: Sequence[str]) -> FloatArray:
        """Softmax of description similarities, shape ``(n_texts, n_classes)``."""
        if not hasattr(self, "label_embeddings_"):
            raise InvalidInput("call fit before predicting", location="ZeroShotClassifier")
        return zero_shot_proba(
            self.embedder.embed(texts), self.label_embeddings_, temperature=self.temperature
        )

    def predict(self, texts: Sequence[str]) -> npt.NDArray[Any]:
        """The label whose description is most similar, per text."""
        best = self.predict_proba(texts).argmax(axis=1)
        return np.asarray(self.classes_[best])


def _unit_rows(array: FloatArray, location: str) -> FloatArray:
    if array.ndim != 2 or not np.isfinite(array).all():
        raise InvalidInput(
            f"expected a finite 2-D array, got shape {array.shape}", location=location
        )
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return np.asarray(array / np.where(norms > 0, norms, 1.0), dtype=np.float64)


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise InvalidInput(f"k must be a positive integer, got {k!r}", location="k")
