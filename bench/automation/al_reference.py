"""Reference active-learning curves with small-text, on the very split active_learning.py uses.

Runs inside small-text's own venv (bench/.venvs/smalltext: small-text + scikit-learn, no
torch), so Annota is not importable here. The pool/eval rows and the 10 start labels per
seed come from ``split.json``, written by the Annota script
(``active_learning.py --dump-split``); if the file is missing this driver runs that command
with Annota's interpreter first, so both tools always see the same indices. The text hash
in the file is checked against this script's own CSV parsing.

Everything else mirrors active_learning.py: TF-IDF (unigrams, sublinear tf, min_df=2, fitted
on the pool text), ``LogisticRegression(C=10, solver="saga", max_iter=1000)`` retrained
after every batch of 10, up to 500 labels, eval accuracy after each batch, AUC = trapezoid
over 10..500 labels divided by the label range. ``kcenter`` is small-text's
``GreedyCoreset`` on the same embeddings as Annota's kcenter (100-d TruncatedSVD of the
TF-IDF, random_state=0, L2-normalised), passed in as fixed embeddings. ``--model svc``
swaps in small-text's own ``ConfidenceEnhancedLinearSVC`` (its documented sklearn default)
for a second reference.

Usage: bench/.venvs/smalltext/bin/python bench/automation/al_reference.py
       [--split bench/automation/split.json] [--seeds 3] [--budget 500] [--model lr|svc]
       [--strategies random,least_confidence,margin,entropy,kcenter]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import subprocess
import time
from pathlib import Path

import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from small_text import (
    BreakingTies,
    ConfidenceEnhancedLinearSVC,
    GreedyCoreset,
    LeastConfidence,
    PoolBasedActiveLearner,
    PredictionEntropy,
    RandomSampling,
    SklearnClassifierFactory,
    SklearnDataset,
)

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
# Annota's strategy names (as in active_learning.py's table) -> small-text query strategies.
STRATEGIES = {
    "random": RandomSampling,
    "least_confidence": LeastConfidence,
    "margin": BreakingTies,
    "entropy": PredictionEntropy,
    "kcenter": GreedyCoreset,
}
NUM_CLASSES = 4


def load_split(path: Path, annota_python: Path, seeds: int) -> dict:
    """Read split.json, generating it with the Annota script when absent so there is one
    source of truth for the indices."""
    if not path.exists():
        script = HERE / "active_learning.py"
        cmd = [str(annota_python), str(script), "--dump-split", str(path), "--seeds", str(seeds)]
        subprocess.run(cmd, check=True)
    return json.loads(path.read_text())


def load_texts(split: dict) -> tuple[np.ndarray, np.ndarray]:
    with open(split["data"], newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    text = np.array([row["title"] + ". " + row["description"] for row in rows], dtype=object)
    digest = hashlib.sha256("\n".join(text).encode()).hexdigest()
    if digest != split["text_sha256"]:
        raise SystemExit("texts differ from the Annota side's parsing; regenerate split.json")
    return text, np.array([int(row["label"]) - 1 for row in rows])


def curve(
    strategy: str,
    factory: SklearnClassifierFactory,
    X_pool: object,
    y_pool: np.ndarray,
    X_eval: object,
    y_eval: np.ndarray,
    emb: np.ndarray,
    *,
    start: list[int],
    seed: int,
    batch: int,
    budget: int,
) -> tuple[list[int], list[float]]:
    """One learning curve through small-text's own loop (initialize_data, query, update), so
    the reference measures the library as its users run it, retraining included."""
    np.random.seed(seed)  # small-text's RandomSampling draws from the global generator
    learner = PoolBasedActiveLearner(
        factory,
        STRATEGIES[strategy](),
        SklearnDataset(X_pool, y_pool, target_labels=np.arange(NUM_CLASSES)),
    )
    indices = np.asarray(start)
    learner.initialize_data(indices, y_pool[indices])
    sizes, accs = [], []
    while True:
        # The wrapped estimator's own predict maps columns to class labels even if a class is
        # missing from the labelled set (small-text's predict takes the column argmax).
        predicted = learner.classifier.model.predict(X_eval)
        sizes.append(len(learner.indices_labeled))
        accs.append(float(np.mean(predicted == y_eval)))
        if sizes[-1] >= budget:
            return sizes, accs
        kwargs = {}
        if strategy == "kcenter":
            # Embedding strategies take rows ordered as (unlabelled ascending, then labelled),
            # the order small-text builds internally; sklearn models have no embed() of their own.
            unlabeled = np.setdiff1d(np.arange(len(y_pool)), learner.indices_labeled)
            kwargs = {"embeddings": emb[np.concatenate([unlabeled, learner.indices_labeled])]}
        picked = learner.query(num_samples=batch, query_strategy_kwargs=kwargs)
        learner.update(y_pool[picked])


def make_factory(model: str) -> SklearnClassifierFactory:
    if model == "svc":
        return SklearnClassifierFactory(ConfidenceEnhancedLinearSVC(), NUM_CLASSES)
    estimator = LogisticRegression(C=10.0, solver="saga", max_iter=1000)
    return SklearnClassifierFactory(estimator, NUM_CLASSES)


def summarise(rows: list[dict], strategies: list[str]) -> None:
    print(f"{'strategy':<18}{'auc':>9}{'acc@100':>9}{'acc@500':>9}{'seconds':>9}  auc per seed")
    for strategy in strategies:
        mine = [row for row in rows if row["strategy"] == strategy]
        means = [np.mean([row[key] for row in mine]) for key in ("auc", "acc@100", "acc@500")]
        seconds = np.mean([row["seconds"] for row in mine])
        per_seed = " ".join(f"{row['auc']:.3f}" for row in mine)
        print(
            f"{strategy:<18}"
            + "".join(f"{m:>9.3f}" for m in means)
            + f"{seconds:>9.1f}  {per_seed}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", type=Path, default=HERE / "split.json")
    parser.add_argument("--annota-python", type=Path, default=REPO / ".venv" / "bin" / "python")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--budget", type=int, default=500)
    parser.add_argument("--model", choices=("lr", "svc"), default="lr")
    parser.add_argument("--strategies", default=",".join(STRATEGIES))
    args = parser.parse_args()
    strategies = args.strategies.split(",")
    if unknown := set(strategies) - set(STRATEGIES):
        parser.error(f"unknown strategies: {sorted(unknown)}")
    split = load_split(args.split, args.annota_python, args.seeds)
    if missing := [seed for seed in range(args.seeds) if str(seed) not in split["start"]]:
        parser.error(f"{args.split} has no start labels for seeds {missing}; regenerate it")
    text, y = load_texts(split)
    rows_pool, rows_eval = np.asarray(split["rows_pool"]), np.asarray(split["rows_eval"])
    vec = TfidfVectorizer(sublinear_tf=True, min_df=2)
    X_pool = vec.fit_transform(text[rows_pool])
    X_eval = vec.transform(text[rows_eval])
    y_pool, y_eval = y[rows_pool], y[rows_eval]
    emb = TruncatedSVD(100, random_state=0).fit_transform(X_pool)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True) + 1e-12
    factory = make_factory(args.model)
    rows = []
    for strategy in strategies:
        for seed in range(args.seeds):
            began = time.perf_counter()
            sizes, accs = curve(
                strategy,
                factory,
                X_pool,
                y_pool,
                X_eval,
                y_eval,
                emb,
                start=split["start"][str(seed)],
                seed=seed,
                batch=10,
                budget=args.budget,
            )
            auc = float(np.trapezoid(accs, sizes) / (sizes[-1] - sizes[0]))
            rows.append(
                {
                    "tool": f"small-text/{args.model}",
                    "strategy": strategy,
                    "seed": seed,
                    "auc": auc,
                    "acc@100": accs[sizes.index(100)] if 100 in sizes else float("nan"),
                    "acc@500": accs[-1],
                    "seconds": time.perf_counter() - began,
                }
            )
            print(rows[-1], flush=True)
    summarise(rows, strategies)


if __name__ == "__main__":
    main()
