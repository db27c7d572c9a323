"""Weak supervision on WRENCH YouTube and SMS: majority vote, Annota's LabelModel, Snorkel 0.10.

Same label matrices, one run. Snorkel runs in its own venv (``bench/.venvs/snorkel``; see
README.md) through ``snorkel_label_model.py``. Metrics per WRENCH: accuracy for YouTube, F1
of the spam class for SMS; both are printed for every split. ``sms-recomputed`` re-derives
SMS valid/test votes from the 73 regular expressions in the dataset's readme with Annota's
``RegexLF`` (the stored valid/test votes do not match their texts; see README.md).

Usage: .venv/bin/python bench/automation/weak_supervision.py [--seeds 5]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sklearn.metrics import accuracy_score, f1_score

from annota.automation import LabelModel, RegexLF, apply_lfs, majority_vote

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
SNORKEL = ROOT / "bench" / ".venvs" / "snorkel" / "bin" / "python"
SPLITS = ("train", "valid", "test")
IntArray = npt.NDArray[np.int64]


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


def scores(y: IntArray, pred: IntArray) -> str:
    return f"acc {accuracy_score(y, pred):.3f} F1 {f1_score(y, pred):.3f}"


def run_snorkel(L: dict[str, IntArray], seed: int) -> tuple[dict[str, IntArray], float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "L.npz"
        np.savez(path, **L)
        proc = subprocess.run(
            [
                str(SNORKEL),
                str(Path(__file__).with_name("snorkel_label_model.py")),
                str(path),
                str(seed),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    out = json.loads(proc.stdout)
    return {s: np.array(out[s]) for s in SPLITS}, float(out["fit_seconds"])


def bench(name: str, L: dict[str, IntArray], y: dict[str, IntArray], seeds: int) -> None:
    print(
        f"\n## {name}  (train {len(y['train'])}, valid {len(y['valid'])}, "
        f"test {len(y['test'])}, {L['train'].shape[1]} LFs)"
    )
    for split in ("valid", "test"):
        mv = [scores(y[split], majority_vote(L[split], 2, random_state=s)) for s in range(seeds)]
        accs = [float(m.split()[1]) for m in mv]
        f1s = [float(m.split()[3]) for m in mv]
        print(
            f"MV (random ties, mean of {seeds})  {split}: acc {np.mean(accs):.3f} "
            f"F1 {np.mean(f1s):.3f}"
        )
    for label, kwargs in (
        ("unsupervised", {}),
        ("with valid", {"L_valid": L["valid"], "y_valid": y["valid"]}),
    ):
        start = time.perf_counter()
        model = LabelModel(cardinality=2).fit(L["train"], **kwargs)
        seconds = time.perf_counter() - start
        print(
            f"Annota LabelModel ({label}) fit {seconds:.3f}s fallback={model.fallback_}  "
            + "  ".join(f"{s}: {scores(y[s], model.predict(L[s]))}" for s in SPLITS)
        )
    if SNORKEL.exists():
        preds, seconds = run_snorkel(L, 0)
        print(
            f"Snorkel 0.10 LabelModel (defaults, seed 0) fit {seconds:.3f}s  "
            + "  ".join(f"{s}: {scores(y[s], preds[s])}" for s in SPLITS)
        )
    else:
        print("Snorkel venv missing; see README.md")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    for name in ("wrench-youtube", "wrench-sms"):
        L, y, _ = load(name)
        bench(name, L, y, args.seeds)
    L, y, texts = load("wrench-sms")
    rules = sms_rules()
    start = time.perf_counter()
    recomputed = {s: apply_lfs(rules, ({"text": t} for t in texts[s])) for s in SPLITS}
    print(
        f"\n(apply_lfs: 73 RE2 rules on {sum(len(t) for t in texts.values())} texts in "
        f"{time.perf_counter() - start:.2f}s; train identical to stored: "
        f"{np.array_equal(recomputed['train'], L['train'])})"
    )
    bench("wrench-sms-recomputed", recomputed, y, args.seeds)


if __name__ == "__main__":
    main()
