"""The side-by-side table of run_core.py: Annota, Label Studio and how many times better.

"x better" is Annota's rate over Label Studio's, or Label Studio's time (or memory) over
Annota's, so a figure above 1 always favours Annota. Every value is a median over repeats.
"""

from __future__ import annotations

from typing import Any

Row = dict[str, Any]


def get(d: Any, *path: Any) -> Any:
    for key in path:
        if isinstance(d, dict):
            d = d.get(key)
        elif isinstance(d, list) and isinstance(key, int) and -len(d) <= key < len(d):
            d = d[key]
        else:
            return None
    return d


def _div(a: Any, b: Any) -> float | None:
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or not b:
        return None
    return a / b


def _max(runs: Any, key: str) -> float | None:
    vals = [r.get(key) for r in runs or [] if isinstance(r.get(key), (int, float))]
    return max(vals) if vals else None


def rows(ann: dict | None, ls: dict | None, n: int) -> list[Row]:
    """The table's rows; a missing side (``--skip-ls``) leaves its column empty."""
    s = get(ann, "summary_medians") or {}
    lss = get(ls, "summary_medians") or {}
    ls_annotations = get(ls, "project_counts_end", "total_annotations_number")
    ls_export_all = get(lss, "export_all", "seconds")
    ls_export_ann = get(lss, "export_annotated", "seconds")
    out: list[Row] = []

    def add(metric: str, a: Any, b: Any, higher_is_better: bool) -> None:
        ratio = _div(a, b) if higher_is_better else _div(b, a)
        out.append({"metric": metric, "annota": a, "label_studio": b, "x_better": ratio})

    add(
        "import via REST, items/s",
        get(ann, "import", "items_per_s"),
        get(ls, "import", "tasks_per_s"),
        True,
    )
    add(
        "import via CLI (annota import), items/s", get(ann, "cli_import", "items_per_s"), None, True
    )
    for p in ("p50", "p95", "p99"):
        add(
            f"next, 1 annotator, {p} ms",
            get(s, "annotations_sequential", f"next_{p}_ms"),
            get(lss, "next_before_annotations", f"{p}_ms"),
            False,
        )
    for p in ("p50", "p95", "p99"):
        add(
            f"next, 16 annotators at once, {p} ms",
            get(s, "annotations_concurrent", f"next_{p}_ms"),
            None,
            False,
        )
    add(
        "submit, 1 client, annotations/s",
        get(s, "annotations_sequential", "submit_per_s"),
        get(lss, "annotations_sequential", "throughput_per_s"),
        True,
    )
    add(
        "submit, 1 client, p99 ms",
        get(s, "annotations_sequential", "submit_p99_ms"),
        get(lss, "annotations_sequential", "p99_ms"),
        False,
    )
    add(
        "submit, 16 clients, annotations/s",
        get(s, "annotations_concurrent", "submit_per_s"),
        get(lss, "annotations_concurrent", "throughput_per_s"),
        True,
    )
    add(
        "submit, 16 clients, p99 ms",
        get(s, "annotations_concurrent", "submit_p99_ms"),
        get(lss, "annotations_concurrent", "p99_ms"),
        False,
    )
    for label, key in (("1 client", "annotations_sequential"), ("16", "annotations_concurrent")):
        add(
            f"server CPU per next+submit, {label}, ms",
            get(s, key, "server_cpu_ms_per_cycle"),
            None,
            False,
        )
    add(
        "next+submit cycles/s, 16 free-running annotators (fill)",
        get(ann, "fill", "cycles_per_s"),
        None,
        True,
    )
    add(
        "export all items (annotations as LS), s", get(s, "export", "seconds"), ls_export_all, False
    )
    add("export all items, items/s", get(s, "export", "items_per_s"), _div(n, ls_export_all), True)
    add(
        "export all items, annotations/s",
        get(s, "export", "annotations_per_s"),
        _div(ls_annotations, ls_export_all),
        True,
    )
    add("export annotated only (LS default), s", None, ls_export_ann, False)
    filled = get(s, "export_filled", "annotations")
    after_fill = "export after the fill" + (f" ({filled:,.0f} annotations)" if filled else "")
    add(f"{after_fill}, items/s", get(s, "export_filled", "items_per_s"), None, True)
    add(
        f"{after_fill}, annotations/s",
        get(s, "export_filled", "annotations_per_s"),
        None,
        True,
    )
    add(
        "server RSS after import, MiB",
        get(ann, "rss_after_import", "rss_mib"),
        get(ls, "rss_after_import", "rss_mib"),
        False,
    )
    ann_export_peak = (
        max(
            [
                v
                for v in (
                    _max(get(ann, "export"), "rss_peak_sampled_mib"),
                    _max(get(ann, "export_filled"), "rss_peak_sampled_mib"),
                )
                if v
            ]
            or [0]
        )
        or None
    )
    add(
        "server RSS peak during export, MiB",
        ann_export_peak,
        get(ls, "rss_peak_sampled_mib"),
        False,
    )
    add(
        "server VmHWM at end, MiB",
        get(ann, "rss_end", "hwm_mib"),
        get(ls, "rss_end", "hwm_mib"),
        False,
    )
    add(
        "database on disk at end, MiB",
        get(ann, "db_end", "total_mib"),
        get(ls, "db_end", "total_mib"),
        False,
    )
    return out


def _fmt(v: Any) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{v:,.1f}" if abs(v) >= 10 else f"{v:,.2f}"
    return f"{v:,}"


def _ratio(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.1f}x"


def render(table: list[Row], n: int, machine: dict) -> str:
    """A Markdown table (it reads in a terminal and pastes into README.md)."""
    loads = "; ".join(
        f"{side}: {get(machine, before, 'load_1min')} at its start"
        + (
            f", {get(machine, during, 'mean')} mean / {get(machine, during, 'max')} max during"
            if during in machine
            else ""
        )
        for side, before, during in (
            ("Label Studio", "before_ls", "load_during_ls"),
            ("Annota", "before_annota", "load_during_annota"),
        )
        if before in machine
    )
    head = (
        f"N = {n:,}; {machine.get('cpus')} CPUs; 1-minute load average: {loads or 'n/a'}\n\n"
        "| metric | Annota | Label Studio 1.23.2 | x better |\n|---|---:|---:|---:|\n"
    )
    body = "".join(
        f"| {r['metric']} | {_fmt(r['annota'])} | {_fmt(r['label_studio'])} | "
        f"{_ratio(r['x_better'])} |\n"
        for r in table
    )
    return head + body


if __name__ == "__main__":
    import json
    import sys

    for path in sys.argv[1:]:  # re-render saved results: python bench/core_table.py FILE...
        with open(path) as fh:
            saved = json.load(fh)
        n = saved["params"]["n"]
        print(render(rows(saved.get("annota"), saved.get("label_studio"), n), n, saved["machine"]))
