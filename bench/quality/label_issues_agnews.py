"""Confident learning on AG News test: annota vs cleanlab on the same probabilities.

Flips 10 / 20 / 40 % of the 7,600 labels uniformly to another class, computes 5-fold
out-of-fold probabilities with TF-IDF + logistic regression, and scores the flagged examples
(F1 against the flipped set) for ``annota.quality.find_label_issues`` and
``cleanlab.filter.find_label_issues`` with default settings.

Run: ``.venv/bin/python bench/quality/label_issues_agnews.py``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import cleanlab.filter
import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.model_selection import cross_val_predict
from sklearn.pipeline import make_pipeline

from annota.quality import find_label_issues

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "agnews-test" / "test.csv"


def flip(labels: np.ndarray, rate: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n_classes = labels.max() + 1
    noisy = labels.copy()
    chosen = rng.choice(len(labels), size=round(rate * len(labels)), replace=False)
    noisy[chosen] = (labels[chosen] + rng.integers(1, n_classes, size=len(chosen))) % n_classes
    return noisy


def out_of_fold(texts: pd.Series, labels: np.ndarray) -> np.ndarray:
    model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))
    return cross_val_predict(model, texts, labels, cv=5, method="predict_proba")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=2)
    args = parser.parse_args()
    frame = pd.read_csv(DATA)
    texts = frame["title"] + ". " + frame["description"]
    clean = frame["label"].to_numpy() - 1
    rows = []
    for rate in (0.1, 0.2, 0.4):
        for seed in range(args.seeds):
            noisy = flip(clean, rate, seed)
            probs = out_of_fold(texts, noisy)
            truth = noisy != clean
            for name, finder in (
                ("annota (default)", lambda y, p: find_label_issues(y, p)),
                ("annota both", lambda y, p: find_label_issues(y, p, filter_by="both")),
                (
                    "annota prune_by_noise_rate",
                    lambda y, p: find_label_issues(y, p, filter_by="prune_by_noise_rate"),
                ),
                ("cleanlab", lambda y, p: cleanlab.filter.find_label_issues(y, p, n_jobs=1)),
            ):
                start = time.perf_counter()
                mask = finder(noisy, probs)
                seconds = time.perf_counter() - start
                rows.append(
                    {
                        "noise": rate,
                        "seed": seed,
                        "method": name,
                        "f1": f1_score(truth, mask),
                        "precision": precision_score(truth, mask),
                        "recall": recall_score(truth, mask),
                        "seconds": seconds,
                    }
                )
    table = (
        pd.DataFrame(rows)
        .groupby(["noise", "method"])[["f1", "precision", "recall", "seconds"]]
        .mean()
    )
    print(table.round(4).to_string())


if __name__ == "__main__":
    main()
