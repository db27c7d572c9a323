"""Fit Snorkel 0.10's LabelModel on saved label matrices; run with the Snorkel venv's python.

Prints one JSON object: predictions per split and fit time. ``weak_supervision.py`` calls it
so that Snorkel and Annota run on the same matrices in one benchmark run, each in its venv.

Usage: bench/.venvs/snorkel/bin/python bench/automation/snorkel_label_model.py MATRICES.npz SEED
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
from snorkel.labeling.model import LabelModel


def main() -> None:
    matrices, seed = np.load(Path(sys.argv[1])), int(sys.argv[2])
    L_train = matrices["train"]
    start = time.perf_counter()
    model = LabelModel(cardinality=2, verbose=False)
    model.fit(L_train, seed=seed, progress_bar=False)
    fit_seconds = time.perf_counter() - start
    out: dict[str, object] = {"fit_seconds": fit_seconds}
    for split in ("train", "valid", "test"):
        out[split] = model.predict(matrices[split], tie_break_policy="random").tolist()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
