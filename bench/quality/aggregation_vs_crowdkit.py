"""Truth inference side by side: annota vs crowd-kit 1.4.2 on the Zheng et al. data sets.

crowd-kit needs scikit-learn < 1.6, so it runs in its own venv::

    python -m venv bench/.venvs/crowdkit
    bench/.venvs/crowdkit/bin/pip install 'crowd-kit==1.4.2' 'scikit-learn<1.6'
    .venv/bin/python bench/quality/aggregation_vs_crowdkit.py --repeats 5

Both sides time ``fit_predict`` on an already loaded table (median of ``--repeats`` runs) and
score accuracy on the items with a known truth.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import time
from pathlib import Path

import pandas as pd

from annota.quality import METHODS

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
CROWDKIT_PYTHON = ROOT / "bench" / ".venvs" / "crowdkit" / "bin" / "python"
DATASETS = ("product", "sentiment", "dog", "duck")


def load(name: str) -> tuple[pd.DataFrame, pd.Series]:
    folder = DATA / f"zheng-{name}"
    answers = pd.read_csv(folder / "answer.csv")
    answers.columns = ["item", "annotator", "label"]
    truth = pd.read_csv(folder / "truth.csv")
    truth.columns = ["item", "truth"]
    return answers, truth.set_index("item")["truth"]


def run_annota(repeats: int) -> dict[tuple[str, str], tuple[float, float]]:
    results = {}
    for name in DATASETS:
        answers, truth = load(name)
        for method, model_class in METHODS.items():
            seconds = []
            for _ in range(repeats):
                start = time.perf_counter()
                predicted = model_class().fit_predict(answers)
                seconds.append(time.perf_counter() - start)
            accuracy = float((predicted.reindex(truth.index) == truth).mean())
            results[(name, method)] = (accuracy, statistics.median(seconds))
    return results


def run_crowdkit(repeats: int) -> dict[str, tuple[float, float]]:
    worker = Path(__file__).with_name("crowdkit_worker.py")
    output = subprocess.run(
        [str(CROWDKIT_PYTHON), str(worker), str(DATA), str(repeats)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    parsed = json.loads(output.strip().splitlines()[-1])
    return {k: (v["accuracy"], statistics.median(v["seconds"])) for k, v in parsed.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    theirs = run_crowdkit(args.repeats)
    ours = run_annota(args.repeats)
    rows = []
    for name in DATASETS:
        ck_accuracy, ck_seconds = theirs[name]
        ds_accuracy, ds_seconds = ours[(name, "dawid_skene")]
        rows.append(
            {
                "dataset": name,
                "crowd-kit DS acc": ck_accuracy,
                "annota DS acc": ds_accuracy,
                "crowd-kit DS s": ck_seconds,
                "annota DS s": ds_seconds,
                "speed-up": ck_seconds / ds_seconds,
                **{f"{m} acc": ours[(name, m)][0] for m in METHODS if m != "dawid_skene"},
                **{f"{m} s": ours[(name, m)][1] for m in METHODS if m != "dawid_skene"},
            }
        )
    print(pd.DataFrame(rows).set_index("dataset").T.round(4).to_string())


if __name__ == "__main__":
    main()
