"""Active-learning curves on AG News (test split, 7,600 items): Annota's query strategies.

Fixed split: 6,000-item pool / 1,600-item evaluation set (seed 0, stratified). Per seed:
10 random start labels, then batches of 10 chosen by the strategy, up to 500 labels; the
model is TF-IDF (fitted once on the pool text, no labels used) + logistic regression (saga),
retrained after every batch. Embeddings for the diversity-aware strategies: 100-d
TruncatedSVD of the TF-IDF. Curve AUC = trapezoidal area under accuracy vs. labels,
divided by the label range (so it reads as mean accuracy from 10 to 500 labels).

Usage: .venv/bin/python bench/automation/active_learning.py [--seeds 3] [--budget 500]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from annota.automation import query

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "agnews-test" / "test.csv"
STRATEGIES = ("random", "least_confidence", "margin", "entropy", "kcenter", "cluster_margin")


def curve(
    strategy: str,
    X_pool: npt.NDArray[np.float64] | object,
    y_pool: npt.NDArray[np.int64],
    X_eval: object,
    y_eval: npt.NDArray[np.int64],
    emb: npt.NDArray[np.float64],
    *,
    seed: int,
    start: int,
    batch: int,
    budget: int,
) -> tuple[list[int], list[float]]:
    labeled = np.random.default_rng(seed).choice(len(y_pool), start, replace=False)
    sizes, accs = [], []
    while True:
        model = LogisticRegression(C=10.0, solver="saga", max_iter=1000)
        model.fit(X_pool[labeled], y_pool[labeled])  # type: ignore[index]
        sizes.append(len(labeled))
        accs.append(float(np.mean(model.predict(X_eval) == y_eval)))
        if len(labeled) >= budget:
            return sizes, accs
        probs = model.predict_proba(X_pool)
        picked = query(strategy, probs, batch, embeddings=emb, labeled=labeled, seed=seed)
        labeled = np.concatenate([labeled, picked])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--budget", type=int, default=500)
    args = parser.parse_args()
    frame = pd.read_csv(DATA)
    text = (frame["title"] + ". " + frame["description"]).to_numpy()
    y = frame["label"].to_numpy() - 1
    t_pool, t_eval, y_pool, y_eval = train_test_split(
        text, y, test_size=1600, stratify=y, random_state=0
    )
    vec = TfidfVectorizer(sublinear_tf=True, min_df=2)
    X_pool = vec.fit_transform(t_pool)
    X_eval = vec.transform(t_eval)
    emb = TruncatedSVD(100, random_state=0).fit_transform(X_pool)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True) + 1e-12
    rows = []
    for strategy in STRATEGIES:
        for seed in range(args.seeds):
            start = time.perf_counter()
            sizes, accs = curve(
                strategy,
                X_pool,
                y_pool,
                X_eval,
                y_eval,
                emb,
                seed=seed,
                start=10,
                batch=10,
                budget=args.budget,
            )
            auc = float(np.trapezoid(accs, sizes) / (sizes[-1] - sizes[0]))
            rows.append(
                {
                    "strategy": strategy,
                    "seed": seed,
                    "auc": auc,
                    "acc@100": accs[sizes.index(100)],
                    "acc@500": accs[-1],
                    "seconds": time.perf_counter() - start,
                }
            )
            print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    print(table.groupby("strategy")[["auc", "acc@100", "acc@500", "seconds"]].mean().round(3))
    wide = table.pivot(index="seed", columns="strategy", values="auc").round(3)
    print(wide)
    print(
        "beats random on every seed:",
        {s: bool((wide[s] > wide["random"]).all()) for s in STRATEGIES if s != "random"},
    )


if __name__ == "__main__":
    main()
