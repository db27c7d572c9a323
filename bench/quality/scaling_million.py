"""Agreement and consensus over 1,000,000 answers (100,000 items x 10 annotators).

Annotators are simulated with known confusion matrices (accuracy 0.55-0.95, errors spread
unevenly over 4 classes). Each step is timed once on the same table; peak memory is the
``tracemalloc`` peak of the step alone (NumPy reports its buffers to ``tracemalloc``), the
input table not included.

Run: ``.venv/bin/python bench/quality/scaling_million.py``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from annota.quality import (
    DawidSkene,
    MajorityVote,
    fleiss_kappa,
    krippendorff_alpha,
    pairwise_agreement,
    percent_agreement,
)
from annota.quality.agreement import category_counts, reliability_matrix


def simulate(
    n_items: int, n_annotators: int, n_classes: int, seed: int
) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = rng.choice(n_classes, size=n_items, p=rng.dirichlet(np.full(n_classes, 5.0)))
    accuracy = rng.uniform(0.55, 0.95, size=n_annotators)
    frames = []
    for j in range(n_annotators):
        errors = rng.dirichlet(np.ones(n_classes - 1), size=n_classes)
        confusion = np.zeros((n_classes, n_classes))
        for k in range(n_classes):
            confusion[k, k] = accuracy[j]
            confusion[k, np.arange(n_classes) != k] = (1 - accuracy[j]) * errors[k]
        cumulative = confusion[truth].cumsum(axis=1)
        given = (rng.random(n_items)[:, None] > cumulative).sum(axis=1)
        frames.append(
            pd.DataFrame({"item": np.arange(n_items), "annotator": f"w{j}", "label": given})
        )
    return pd.concat(frames, ignore_index=True), truth


ROOT = Path(__file__).resolve().parents[2]
CROWDKIT_PYTHON = ROOT / "bench" / ".venvs" / "crowdkit" / "bin" / "python"


def crowdkit_scale(answers: pd.DataFrame) -> dict[str, float]:
    """crowd-kit's Dawid-Skene on the same table, in its own venv (see crowdkit_worker.py)."""
    table = ROOT / "bench" / "results" / "million.csv"
    table.parent.mkdir(parents=True, exist_ok=True)
    answers.to_csv(table, index=False)
    worker = Path(__file__).with_name("crowdkit_worker.py")
    output = subprocess.run(
        [str(CROWDKIT_PYTHON), str(worker), "--scale", str(table)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def measure(step: Callable[[], object]) -> tuple[float, float, object]:
    tracemalloc.start()
    tracemalloc.reset_peak()
    start = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--annotators", type=int, default=10)
    parser.add_argument("--crowdkit", action="store_true", help="also time crowd-kit's DS")
    args = parser.parse_args()
    answers, truth = simulate(args.items, args.annotators, n_classes=4, seed=0)
    print(f"{len(answers):,} answers, {args.items:,} items x {args.annotators} annotators")
    ordered = pd.Series(truth, index=np.arange(args.items))
    steps: dict[str, Callable[[], object]] = {
        "MajorityVote.fit_predict": lambda: MajorityVote().fit_predict(answers),
        "DawidSkene.fit_predict": lambda: DawidSkene().fit_predict(answers),
        "reliability_matrix": lambda: reliability_matrix(answers),
        "category_counts": lambda: category_counts(answers),
    }
    rows = []
    results: dict[str, object] = {}
    for name, step in steps.items():
        seconds, peak, results[name] = measure(step)
        rows.append((name, seconds, peak))
    matrix = results["reliability_matrix"]
    counts = results["category_counts"]
    more: dict[str, Callable[[], object]] = {
        "krippendorff_alpha (nominal)": lambda: krippendorff_alpha(matrix),
        "krippendorff_alpha (interval)": lambda: krippendorff_alpha(matrix, "interval"),
        "fleiss_kappa": lambda: fleiss_kappa(counts),
        "percent_agreement": lambda: percent_agreement(matrix),
        "pairwise_agreement (kappa)": lambda: pairwise_agreement(matrix),
    }
    for name, step in more.items():
        seconds, peak, results[name] = measure(step)
        rows.append((name, seconds, peak))
    if args.crowdkit:
        theirs = crowdkit_scale(answers)
        rows.append(("crowd-kit 1.4.2 DawidSkene", theirs["seconds"], theirs["peak_mib"]))
    table = pd.DataFrame(rows, columns=["step", "seconds", "peak MiB"]).set_index("step")
    print(table.round(3).to_string())
    for name in ("MajorityVote.fit_predict", "DawidSkene.fit_predict"):
        predicted = results[name]
        assert isinstance(predicted, pd.Series)
        print(f"{name} accuracy: {(predicted.reindex(ordered.index) == ordered).mean():.4f}")
    print(
        f"alpha nominal = {results['krippendorff_alpha (nominal)']:.4f}, "
        f"fleiss = {results['fleiss_kappa']:.4f}"
    )


if __name__ == "__main__":
    main()
