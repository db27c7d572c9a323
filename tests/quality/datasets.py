"""The shared data sets of ../shared/data and a simulator of annotators with known confusion."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"

#: crowd-kit 1.4.2 DawidSkene accuracy on each dataset (the bar the default method must reach)
CROWDKIT_DS_ACCURACY = {"product": 0.9397, "sentiment": 0.9600, "dog": 0.8426, "duck": 0.8889}


def load_zheng(name: str) -> tuple[pd.DataFrame, pd.Series]:
    """Answers as (item, annotator, label) and the truth as a Series indexed by item."""
    folder = DATA / f"zheng-{name}"
    answers = pd.read_csv(folder / "answer.csv")
    answers.columns = ["item", "annotator", "label"]
    truth = pd.read_csv(folder / "truth.csv")
    truth.columns = ["item", "truth"]
    return answers, truth.set_index("item")["truth"]


def accuracy(predicted: pd.Series, truth: pd.Series) -> float:
    return float((predicted.reindex(truth.index) == truth).mean())


def simulate(
    confusions: np.ndarray, n_items: int, prior: np.ndarray, seed: int = 0
) -> tuple[pd.DataFrame, np.ndarray]:
    """Every annotator labels every item; ``confusions[j, k, l]`` = p(answer l | truth k)."""
    rng = np.random.default_rng(seed)
    n_annotators, n_classes, _ = confusions.shape
    truth = rng.choice(n_classes, size=n_items, p=prior)
    rows = []
    for j in range(n_annotators):
        cumulative = confusions[j, truth].cumsum(axis=1)
        given = (rng.random(n_items)[:, None] > cumulative).sum(axis=1)
        rows.append(pd.DataFrame({"item": np.arange(n_items), "annotator": j, "label": given}))
    return pd.concat(rows, ignore_index=True), truth
