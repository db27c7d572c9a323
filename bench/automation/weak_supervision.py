"""Weak supervision on WRENCH YouTube and SMS: majority vote, Annota's LabelModel, Snorkel 0.10.

Same label matrices, one run, one evaluation protocol: WRENCH's (``wrench_protocol.py``:
every method's ``predict_proba`` -> Snorkel's hash tie break -> accuracy for YouTube, F1 of
the spam class for SMS; the other figure is printed too). Snorkel runs in its own venv
(``bench/.venvs/snorkel``; see README.md) through ``snorkel_label_model.py``, both with its
defaults and with WRENCH's hyper-parameter search on the valid split. Annota's "+ valid"
run chooses its settings on the valid split by the dataset's metric (``selection_metric``).
Nothing is chosen on test.

``sms-recomputed`` re-derives SMS valid/test votes from the 73 regular expressions in the
dataset's readme with Annota's ``RegexLF`` (the stored valid/test votes do not match their
texts; see README.md).

Usage: .venv/bin/python bench/automation/weak_supervision.py [--seeds 5] [--no-search]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from wrench_protocol import wrench_score

from annota.automation import LabelModel, RegexLF, apply_lfs
from annota.automation.dawid_skene import majority_shares

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
SNORKEL = ROOT / "bench" / ".venvs" / "snorkel" / "bin" / "python"
SPLITS = ("train", "valid", "test")
METRIC = {"wrench-youtube": "acc", "wrench-sms": "f1", "wrench-sms-recomputed": "f1"}
IntArray = npt.NDArray[np.int64]
Probs = dict[str, npt.NDArray[np.float64]]


def load(name: str) -> tuple[dict[str, IntArray], dict[str, IntArray], dict[str, list[str]]]:
    L, y, texts = {}, {}, {}
    for split in SPLITS:
        rows = json.loads((DATA / name / f"{split}.json").read_text()).values()
        L[split] = np.array([r["weak_labels"] for r in rows], dtype=np.int64)
        y[split] = np.array([r["label"] for r in rows], dtype=np.int64)
        texts[split] = [r["data"]["text"] for r in rows]
    return L, y, texts


def sms_rules() -> list[RegexLF]:
    rules = []
    for line in (DATA / "wrench-sms" / "readme.txt").read_text().splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0] in ("ham", "spam"):
            label = 1 if parts[0] == "spam" else 0
            rules.append(RegexLF(f"r{len(rules)}", parts[1], label=label, case_sensitive=True))
    return rules


def snorkel(L: dict[str, IntArray], y_valid: IntArray, *args: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "L.npz"
        np.savez(path, y_valid=y_valid, **L)
        script = Path(__file__).with_name("snorkel_label_model.py")
        proc = subprocess.run(
            [str(SNORKEL), str(script), str(path), *args],
            capture_output=True,
            text=True,
            check=True,
        )
    out: dict[str, Any] = json.loads(proc.stdout)
    return out


def row(label: str, runs: list[Probs], y: dict[str, IntArray], metric: str) -> str:
    """Mean over runs of valid/test metric (and the other figure), WRENCH protocol."""
    cells = []
    for split in ("valid", "test"):
        main = [wrench_score(metric, y[split], r[split]) for r in runs]
        other = [wrench_score("f1" if metric == "acc" else "acc", y[split], r[split]) for r in runs]
        spread = f" (min {min(main):.3f} max {max(main):.3f})" if len(runs) > 1 else ""
        cells.append(f"{split} {metric} {np.mean(main):.3f}{spread} [other {np.mean(other):.3f}]")
    return f"{label:<42} " + "  ".join(cells)


def timed_fit(L: dict[str, IntArray], y: dict[str, IntArray], **kwargs: Any) -> tuple[Any, float]:
    """Fit five times and keep the median wall time (the machine is shared)."""
    seconds = []
    for _ in range(5):
        start = time.perf_counter()
        model = LabelModel(cardinality=2, **kwargs)
        if "selection_metric" in kwargs:
            model.fit(L["train"], L["valid"], y["valid"])
        else:
            model.fit(L["train"])
        seconds.append(time.perf_counter() - start)
    return model, float(np.median(seconds))


def bench(name: str, L: dict[str, IntArray], y: dict[str, IntArray], args: Any) -> None:
    metric = METRIC[name]
    print(
        f"\n## {name}  (train {len(y['train'])}, valid {len(y['valid'])}, "
        f"test {len(y['test'])}, {L['train'].shape[1]} LFs; metric {metric})"
    )
    mv = {s: majority_shares(L[s], 2) for s in SPLITS}
    print(row("MV", [mv], y, metric))
    plain, plain_s = timed_fit(L, y)
    print(
        row(
            "Annota LabelModel (train only)",
            [{s: plain.predict_proba(L[s]) for s in SPLITS}],
            y,
            metric,
        )
    )
    selection = "accuracy" if metric == "acc" else "f1"
    tuned, tuned_s = timed_fit(L, y, selection_metric=selection)
    print(
        row(
            "Annota LabelModel (+ valid)",
            [{s: tuned.predict_proba(L[s]) for s in SPLITS}],
            y,
            metric,
        )
    )
    print(
        f"    chosen {tuned.selected_}, fallback={tuned.fallback_}, valid "
        f"{ {k: round(v, 3) for k, v in tuned.validation_scores_.items()} }"
    )
    print(f"    fit seconds (median of 5): train only {plain_s:.3f}, + valid {tuned_s:.3f}")
    if not SNORKEL.exists():
        print("Snorkel venv missing; see README.md")
        return
    seeds = ",".join(str(s) for s in range(args.seeds))
    out = snorkel(L, y["valid"], "default", seeds)
    runs = [{s: np.array(r[s]) for s in SPLITS} for r in out["runs"]]
    print(row(f"Snorkel 0.10 defaults ({args.seeds} seeds)", runs, y, metric))
    print(f"    fit seconds: median {np.median(out['fit_seconds']):.3f}")
    if args.no_search:
        return
    for balance in ("valid", "uniform"):
        out = snorkel(L, y["valid"], "wrench", metric, seeds, balance)
        runs = [{s: np.array(r[s]) for s in SPLITS} for r in out["runs"]]
        print(row(f"Snorkel 0.10 WRENCH search, {balance} prior", runs, y, metric))
        print(
            f"    best {out['best_params']} (valid {out['best_valid']:.3f}); search "
            f"{out['search_seconds']:.1f}s, refit median {np.median(out['fit_seconds']):.3f}s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--no-search", action="store_true", help="skip Snorkel's grid search")
    args = parser.parse_args()
    for name in ("wrench-youtube", "wrench-sms"):
        L, y, _ = load(name)
        bench(name, L, y, args)
    L, y, texts = load("wrench-sms")
    rules = sms_rules()
    start = time.perf_counter()
    recomputed = {s: apply_lfs(rules, ({"text": t} for t in texts[s])) for s in SPLITS}
    print(
        f"\n(apply_lfs: 73 RE2 rules on {sum(len(t) for t in texts.values())} texts in "
        f"{time.perf_counter() - start:.2f}s; train identical to stored: "
        f"{np.array_equal(recomputed['train'], L['train'])})"
    )
    bench("wrench-sms-recomputed", recomputed, y, args)


if __name__ == "__main__":
    main()
