"""The synthetic texts of ../shared/bench/ls_workload.py, written as Annota JSONL files.

``make_text`` is a copy of that script's generator (same words, same seed), so both tools
import byte-for-byte the same texts; only the record shape differs: Label Studio gets
``{"text", "ref_id"}`` tasks, Annota ``{"id", "text"}`` JSONL lines.
"""

from __future__ import annotations

import random
from pathlib import Path

import orjson

WORDS = (  # noqa: SIM905 - kept as written in ls_workload.py, to compare at a glance
    "the a an of to and in is was for on that with as by at from this be it are "
    "product service delivery price quality support order customer experience "
    "great terrible okay fast slow broken excellent average refund package "
    "arrived late early works failed love hate recommend never again would "
    "buy store staff friendly rude helpful manager battery screen phone laptop "
    "shipping box color size fit material cheap expensive value money time"
).split()


def make_text(rng: random.Random, target: int = 200) -> str:
    parts = []
    length = 0
    while length < target:
        w = rng.choice(WORDS)
        parts.append(w)
        length += len(w) + 1
    s = " ".join(parts)
    return s[:target].rstrip() + "."


def write_jsonl_files(n: int, seed: int, per_file: int, folder: Path) -> list[Path]:
    """The same texts as ls_workload.make_tasks, one JSONL file per ``per_file`` records."""
    rng = random.Random(seed)
    paths: list[Path] = []
    out = None
    for i in range(n):
        if i % per_file == 0:
            if out:
                out.close()
            paths.append(folder / f"items-{len(paths):04d}.jsonl")
            out = open(paths[-1], "wb")  # noqa: SIM115 - closed when the next file opens
        out.write(orjson.dumps({"id": i, "text": make_text(rng)}) + b"\n")
    if out:
        out.close()
    return paths
