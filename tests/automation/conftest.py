"""Shared fixtures: a synthetic vote set with known truth and the WRENCH folders."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"

Split = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]


def _load_wrench(name: str, split: str) -> Split:
    path = DATA / name / f"{split}.json"
    if not path.exists():
        pytest.skip(f"{path} not present")
    rows = json.loads(path.read_text()).values()
    L = np.array([row["weak_labels"] for row in rows], dtype=np.int64)
    y = np.array([row["label"] for row in rows], dtype=np.int64)
    return L, y


@pytest.fixture(scope="session")
def wrench() -> Callable[[str, str], Split]:
    """``wrench(name, split) -> (L, y)``; skips when ``../shared/data`` lacks the folder."""
    return _load_wrench


@pytest.fixture(scope="session")
def wrench_texts() -> Callable[[str, str], list[str]]:
    """``wrench_texts(name, split)``: the item texts, in the order of ``wrench``'s rows."""

    def texts(name: str, split: str) -> list[str]:
        path = DATA / name / f"{split}.json"
        if not path.exists():
            pytest.skip(f"{path} not present")
        return [row["data"]["text"] for row in json.loads(path.read_text()).values()]

    return texts


@pytest.fixture(scope="session")
def synthetic() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """3,000 items, 2 classes (prior 0.7 / 0.3), 9 LFs with known accuracies.

    Three accurate LFs (0.9) and six weak ones (0.6) that each vote on half the items: the
    weak majority often outvotes the accurate few, which a label model should learn.
    """
    rng = np.random.default_rng(7)
    n = 3000
    y = (rng.random(n) < 0.3).astype(np.int64)
    accuracies = np.array([0.9, 0.9, 0.9, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6])
    correct = rng.random((n, accuracies.size)) < accuracies
    votes = np.where(correct, y[:, None], 1 - y[:, None])
    fires = rng.random(votes.shape) < 0.5
    return np.where(fires, votes, -1).astype(np.int64), y, accuracies
