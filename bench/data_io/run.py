#!/usr/bin/env python3
"""Export and import of 1,000,000 box annotations (JSONL, COCO), Annota beside Label Studio.

In one run:

1. writes a synthetic COCO detection file per size (``--per-image`` boxes on each image, 80
   categories, fixed ``--seed``, image sizes recorded so no media files are needed);
2. Annota, per size, in a fresh data dir: ``annota import --format coco --create``, ``annota
   export --format jsonl`` (native fast path), ``--format coco``, ``annota import`` of that COCO
   export into a second project, and ``export --with-predictions`` (the general path); each a
   whole process timed with its peak RSS. At the Label Studio sizes it also times the HTTP
   JSONL export of ``annota serve`` (same kind of request as Label Studio's);
3. Label Studio 1.23.2 (``bench/.venvs/labelstudio``, installed by ``run_core.py``'s
   ``ensure_label_studio`` if missing) on loopback with a fresh data dir: the same images and
   boxes imported as tasks with annotations through its REST API, then exported as JSON and
   COCO through ``/api/projects/{id}/export``;
4. prints the side-by-side table and writes everything to
   ``bench/results/data-io-{time}.json``.

Usage (from the repository root)::

    .venv/bin/python bench/data_io/run.py                           # sizes as in README.md
    .venv/bin/python bench/data_io/run.py --annota-sizes 10000 --ls-sizes 10000 --repeats 1
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import annota_side  # noqa: E402
import ls_side  # noqa: E402
from run_core import QUIET_ENV, Server, ensure_label_studio, free_port, source_version  # noqa: E402
from synthetic_coco import write_coco  # noqa: E402
from table import render  # noqa: E402


def log(*a: object) -> None:
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sizes = "boxes (COCO annotations); images = boxes / --per-image"
    ap.add_argument("--annota-sizes", default="10000,100000,1000000", help=sizes)
    ap.add_argument("--ls-sizes", default="10000,100000", help=sizes)
    ap.add_argument("--per-image", type=int, default=10)
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--repeats", type=int, default=3, help="medians over this many runs")
    ap.add_argument(
        "--big-repeats", type=int, default=1, help="repeats at sizes over 100,000 boxes"
    )
    ap.add_argument("--skip-ls", action="store_true")
    ap.add_argument("--skip-annota", action="store_true")
    ap.add_argument("--work", type=Path, default=None, help="work folder (default: a temp dir)")
    return ap.parse_args()


def run_label_studio(a: argparse.Namespace, work: Path, sizes: list[int]) -> dict:
    exe = ensure_label_studio()
    port, token = free_port(), secrets.token_hex(20)
    data = work / "ls-data"
    data.mkdir()
    env = {**os.environ, **QUIET_ENV, "LABEL_STUDIO_BASE_DATA_DIR": str(data)}
    cmd = [
        str(exe), "start", "--no-browser", "--port", str(port), "--internal-host", "127.0.0.1",
        "--data-dir", str(data), "--username", "bench@example.com", "--password",
        "bench-password-1", "--user-token", token, "--enable-legacy-api-token",
        "--log-level", "WARNING",
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    log("starting Label Studio on", url)
    out: dict = {"sizes": []}
    with Server(cmd, env, work / "ls-server.log", f"{url}/api/version") as server:
        for boxes in sizes:
            log(f"Label Studio, {boxes:,} boxes")
            out["sizes"].append(
                ls_side.run_size(
                    url, token, server.pid, boxes // a.per_image, a.per_image, a.seed, a.repeats
                )
            )
    return out


def main() -> None:
    a = parse_args()
    annota_sizes = [int(x) for x in a.annota_sizes.split(",") if x]
    ls_sizes = [int(x) for x in a.ls_sizes.split(",") if x]
    work = a.work or Path(tempfile.mkdtemp(prefix="annota-data-io-"))
    work.mkdir(parents=True, exist_ok=True)
    res: dict = {
        "params": {k: str(v) for k, v in vars(a).items()},
        "source": source_version(),
        "cpus": os.cpu_count(),
        "load_start": os.getloadavg(),
    }
    if not a.skip_annota:
        res["annota_startup_s"] = annota_side.startup_seconds(3)
        log("annota --help:", res["annota_startup_s"], "s")
        res["annota"] = []
        for boxes in annota_sizes:
            coco = work / f"coco-{boxes}.json"
            t0 = time.perf_counter()
            write_coco(coco, boxes // a.per_image, a.per_image, a.seed)
            log(f"wrote {coco} ({coco.stat().st_size:,} bytes) in {time.perf_counter() - t0:.1f} s")
            repeats = a.repeats if boxes <= 100_000 else a.big_repeats
            port = free_port() if boxes in ls_sizes else None
            res["annota"].append(
                annota_side.run_size(coco, boxes, repeats, work, port, Server)
                | {"coco_bytes": coco.stat().st_size}
            )
            coco.unlink()
        res["load_after_annota"] = os.getloadavg()
    if not a.skip_ls and ls_sizes:
        res["label_studio"] = run_label_studio(a, work, ls_sizes)
        res["load_after_ls"] = os.getloadavg()
    results = HERE.parent / "results"
    results.mkdir(exist_ok=True)
    path = results / f"data-io-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(res, indent=2))  # before rendering, so a table bug loses nothing
    res["table"] = render(res)
    print(res["table"])
    path.write_text(json.dumps(res, indent=2))
    log("saved", path)


if __name__ == "__main__":
    main()
