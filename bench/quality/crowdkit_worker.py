"""Runs inside bench/.venvs/crowdkit: crowd-kit 1.4.2 Dawid-Skene on the Zheng data sets.

``crowdkit_worker.py DATA_DIR REPEATS`` prints one JSON object:
dataset -> {"accuracy": float, "seconds": [float, ...]}.
``crowdkit_worker.py --scale TABLE.csv`` fits the simulated million-answer table once and
prints {"seconds": float, "peak_mib": float} (``tracemalloc`` peak, as on the annota side).
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from pathlib import Path

import pandas as pd
from crowdkit.aggregation import DawidSkene


def main(data: Path, repeats: int) -> None:
    results = {}
    for name in ("product", "sentiment", "dog", "duck"):
        folder = data / f"zheng-{name}"
        answers = pd.read_csv(folder / "answer.csv")
        answers.columns = ["task", "worker", "label"]
        truth = pd.read_csv(folder / "truth.csv")
        truth.columns = ["task", "truth"]
        expected = truth.set_index("task")["truth"]
        seconds = []
        for _ in range(repeats):
            start = time.perf_counter()
            predicted = DawidSkene(n_iter=100).fit_predict(answers)
            seconds.append(time.perf_counter() - start)
        accuracy = float((predicted.reindex(expected.index) == expected).mean())
        results[name] = {"accuracy": accuracy, "seconds": seconds}
    print(json.dumps(results))


def scale(table: Path) -> None:
    answers = pd.read_csv(table)
    answers.columns = ["task", "worker", "label"]
    tracemalloc.start()
    start = time.perf_counter()
    DawidSkene(n_iter=100).fit_predict(answers)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    print(json.dumps({"seconds": seconds, "peak_mib": peak}))


if __name__ == "__main__":
    if sys.argv[1] == "--scale":
        scale(Path(sys.argv[2]))
    else:
        main(Path(sys.argv[1]), int(sys.argv[2]))
