"""Fit Snorkel 0.10's LabelModel on saved label matrices; run with the Snorkel venv's python.

Prints one JSON object: per split the predicted class probabilities and the fit time(s).
``weak_supervision.py`` calls it so that Snorkel and Annota run on the same matrices in one
benchmark run, each in its venv; the caller turns probabilities into predictions, so both
tools go through the very same tie-breaking.

Two modes:

* ``default SEEDS``: ``LabelModel(cardinality=2).fit(L_train, seed=SEED)`` per seed,
  Snorkel's own defaults (100 epochs, lr 0.01, uniform class prior).
* ``wrench METRIC SEEDS [uniform]``: WRENCH's protocol for its ``Snorkel`` label model (MeTaL):
  class balance ``(valid count + 1) / n_valid`` per class, then a grid search over WRENCH's
  ``SEARCH_SPACE['Snorkel']`` (lr, l2 in 1e-5..1e-1, n_epochs in 5..200: 125 settings)
  scored on the valid split with ``METRIC`` (``acc`` or ``f1``, after WRENCH's hash tie
  break), fitted with the first seed; the best setting is then refitted once per seed.
  ``uniform`` keeps the same search but Snorkel's default uniform class prior.

Usage: bench/.venvs/snorkel/bin/python bench/automation/snorkel_label_model.py MATRICES.npz \
    default SEED[,SEED...] | wrench METRIC SEED[,SEED...] [uniform]
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from snorkel.labeling.model import LabelModel
from wrench_protocol import wrench_score

SPLITS = ("train", "valid", "test")
GRID = {
    "lr": np.logspace(-5, -1, num=5).tolist(),
    "l2": np.logspace(-5, -1, num=5).tolist(),
    "n_epochs": [5, 10, 50, 100, 200],
}


def fit(L: np.ndarray, seed: int, **kwargs: Any) -> tuple[LabelModel, float]:
    start = time.perf_counter()
    model = LabelModel(cardinality=2, verbose=False)
    model.fit(L, seed=seed, progress_bar=False, **kwargs)
    return model, time.perf_counter() - start


def main() -> None:
    data = np.load(Path(sys.argv[1]))
    mode = sys.argv[2]
    L = {s: data[s] for s in SPLITS}
    out: dict[str, Any] = {}
    if mode == "default":
        out["fit_seconds"], out["runs"] = [], []
        for seed in (int(s) for s in sys.argv[3].split(",")):
            model, seconds = fit(L["train"], seed)
            out["fit_seconds"].append(seconds)
            out["runs"].append({s: model.predict_proba(L[s]).tolist() for s in SPLITS})
    else:
        metric, seeds = sys.argv[3], [int(s) for s in sys.argv[4].split(",")]
        y_valid = data["y_valid"]
        counts = Counter(y_valid.tolist())
        balance = (np.array([counts[c] for c in range(2)]) + 1) / len(y_valid)
        if len(sys.argv) > 5 and sys.argv[5] == "uniform":
            balance = np.full(2, 0.5)
        start = time.perf_counter()
        best: tuple[float, dict[str, Any]] = (-1.0, {})
        for lr, l2, n_epochs in itertools.product(*GRID.values()):
            params = {"lr": lr, "l2": l2, "n_epochs": n_epochs, "class_balance": balance}
            model, _ = fit(L["train"], seeds[0], **params)
            value = wrench_score(metric, y_valid, model.predict_proba(L["valid"]))
            if value > best[0]:
                best = (value, params)
        out["search_seconds"] = time.perf_counter() - start
        out["best_valid"] = best[0]
        out["best_params"] = {k: v for k, v in best[1].items() if k != "class_balance"}
        out["fit_seconds"], out["runs"] = [], []
        for seed in seeds:
            model, seconds = fit(L["train"], seed, **best[1])
            out["fit_seconds"].append(seconds)
            out["runs"].append({s: model.predict_proba(L[s]).tolist() for s in SPLITS})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
