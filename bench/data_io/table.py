"""The Markdown tables of a ``run.py`` result; ``python table.py FILE`` re-prints a saved one."""

from __future__ import annotations

import json
import sys
from pathlib import Path

STEP_NAMES = {
    "import_coco": "import COCO (`annota import --format coco --create`)",
    "export_jsonl": "export JSONL, fast path",
    "export_coco": "export COCO",
    "import_back": "import the COCO export back (new project)",
    "export_jsonl_general": "export JSONL, general path (`--with-predictions`)",
}


def _f(x: float | None, digits: int = 2) -> str:
    return "n/a" if x is None else f"{x:,.{digits}f}"


def _ratio(slow: float | None, fast: float | None) -> str:
    return "n/a" if not slow or not fast else f"{slow / fast:.1f}x"


def _net(seconds: float, startup: float | None) -> float | None:
    """``seconds`` less the CLI's start-up; None where that would not be positive."""
    if startup is None or seconds <= startup:
        return None
    return seconds - startup


def annota_table(res: dict) -> list[str]:
    sizes = res.get("annota", [])
    if not sizes:
        return []
    head = " | ".join(f"{s['boxes']:,} boxes ({s['repeats']} run(s))" for s in sizes)
    lines = [
        "Annota, whole `annota` processes: seconds (boxes/s) and peak RSS MiB",
        "",
        f"| step | {head} |",
        "|---|" + "---:|" * len(sizes),
    ]
    for step, label in STEP_NAMES.items():
        cells = []
        for s in sizes:
            m = s["summary"][step]
            rate = s["boxes"] / m["seconds"]
            cells.append(f"{_f(m['seconds'])} s ({rate:,.0f}/s), {_f(m['peak_rss_mib'], 0)} MiB")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append(f"\n`annota --help` (CLI start-up alone): {_f(res.get('annota_startup_s'))} s")
    return lines


def side_by_side(res: dict) -> list[str]:
    ls = {s["boxes"]: s for s in res.get("label_studio", {}).get("sizes", [])}
    an = {s["boxes"]: s for s in res.get("annota", [])}
    common = [b for b in ls if b in an]
    startup = res.get("annota_startup_s")
    if not common:
        return []
    lines = [
        "Annota beside Label Studio on the same boxes: seconds (medians), x = LS / Annota",
        "",
        "| boxes (tasks) | what | Annota | Label Studio | x faster |",
        "|---|---|---:|---:|---:|",
    ]
    for b in common:
        a, s = an[b]["summary"], ls[b]
        tasks = s["import"]["counts"].get("task_number")
        http = (an[b].get("http") or {}).get("seconds")
        lj, lc = s["export_json"]["seconds"], s["export_coco"]["seconds"]
        rows = [
            ("export JSON: Annota CLI JSONL (whole process) vs LS API JSON",
             a["export_jsonl"]["seconds"], lj),
            ("export JSON: Annota CLI JSONL minus CLI start-up (estimate)",
             _net(a["export_jsonl"]["seconds"], startup), lj),
            ("export JSON: Annota HTTP JSONL vs LS API JSON", http, lj),
            ("export COCO: Annota CLI vs LS API COCO", a["export_coco"]["seconds"], lc),
            ("export COCO: Annota CLI minus CLI start-up (estimate)",
             _net(a["export_coco"]["seconds"], startup), lc),
            ("import: Annota CLI COCO vs LS API JSON tasks",
             a["import_coco"]["seconds"], s["import"]["seconds"]),
        ]  # fmt: skip
        for what, x, y in rows:
            if x is None and "estimate" in what:
                continue  # start-up measured longer than the step: load noise, no estimate
            lines.append(f"| {b:,} ({tasks:,}) | {what} | {_f(x)} | {_f(y)} | {_ratio(y, x)} |")
        ls_peak = max(s[k]["server_rss_peak_mib"] for k in ("export_json", "export_coco"))
        mem = (
            f"| {b:,} ({tasks:,}) | peak RSS during export, MiB: Annota CLI process / "
            f"Annota server / LS server | {_f(a['export_jsonl']['peak_rss_mib'], 0)} / "
            f"{_f((an[b].get('http') or {}).get('server_rss_peak_mib'), 0)} | "
            f"{_f(ls_peak, 0)} | |"
        )
        lines.append(mem)
    return lines


def render(res: dict) -> str:
    parts = [side_by_side(res), annota_table(res)]
    return "\n\n".join("\n".join(p) for p in parts if p)


if __name__ == "__main__":
    print(render(json.loads(Path(sys.argv[1]).read_text())))
