"""One table of every benchmark figure beside its same-run baseline (bench/results/*.json).

Usage: .venv/bin/python bench/summary.py   (run by `make bench` after the benchmarks)
Writes bench/results/summary.md and bench/results/summary.json.
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
Row = dict[str, Any]


def _plain(bench: str, data: Any, engine: str = "-") -> Iterator[Row]:
    """Files whose rows already read name / value / unit / baseline_name / baseline_value."""
    rows = data["rows"] if isinstance(data, dict) else data
    engine = data.get("engine", engine) if isinstance(data, dict) else engine
    for r in rows:
        yield {"bench": bench, "engine": r.get("engine", engine), "name": r["name"],
               "value": r["value"], "unit": r.get("unit", ""),
               "baseline": r.get("baseline_name"), "baseline_value": r.get("baseline_value"),
               "ratio": r.get("ratio")}


def _copies(bench: str, data: Any) -> Iterator[Row]:
    for r in data:
        yield {"bench": bench, "engine": "sqlite", "name": r["name"], "value": r["per_second"],
               "unit": "/s", "baseline": r["baseline"], "baseline_value": r["baseline_per_second"],
               "ratio": r["ratio"]}


def _search(bench: str, data: Any) -> Iterator[Row]:
    for r in data:
        for p in ("p50", "p95"):
            yield {"bench": bench, "engine": r["engine"],
                   "name": f"search {p}, {r['documents']:,} documents "
                           f"(index {r['index_bytes'] / 1e6:.0f} MB)",
                   "value": r[f"{p}_ms"], "unit": "ms",
                   "baseline": f"raw full-text match {p}", "baseline_value": r[f"raw_match_{p}_ms"],
                   "ratio": r[f"{p}_ms"] / r[f"raw_match_{p}_ms"] if r[f"raw_match_{p}_ms"] else None}


def _intake(bench: str, data: Any) -> Iterator[Row]:
    for part in ("reviewed", "independent"):
        overall = data[part]["overall"]
        for measure in ("precision", "recall"):
            yield {"bench": bench, "engine": "-", "name": f"intake field {measure} ({part} truth, "
                   f"{data[part]['documents']} documents)", "value": overall[measure], "unit": "",
                   "baseline": None, "baseline_value": None, "ratio": None}


def _generic(bench: str, data: Any) -> Iterator[Row]:
    rows = data.get("rows", []) if isinstance(data, dict) else data
    for r in rows if isinstance(rows, list) else []:
        if isinstance(r, dict) and "name" in r and "value" in r:
            yield from _plain(bench, [r], data.get("engine", "-")
                              if isinstance(data, dict) else "-")


READERS: dict[str, Callable[[str, Any], Iterator[Row]]] = {
    "copies": _copies, "search": _search, "intake": _intake,
}


def collect() -> list[Row]:
    rows: list[Row] = []
    for path in sorted(RESULTS.glob("*.json")):
        if path.stem == "summary":
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        reader = READERS.get(path.stem)
        if reader is None:
            reader = _plain if _looks_plain(data) else _generic
        rows.extend(reader(path.stem, data))
    return rows


def _looks_plain(data: Any) -> bool:
    rows = data.get("rows") if isinstance(data, dict) else data
    return isinstance(rows, list) and all(
        isinstance(r, dict) and {"name", "value"} <= set(r) for r in rows)


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def main() -> None:
    rows = collect()
    head = (f"cores: {os.cpu_count()} · {platform.python_implementation()} "
            f"{platform.python_version()} · {platform.machine()}")
    lines = ["# Benchmarks (`make bench`)", "", head, "",
             "| bench | engine | measure | value | unit | baseline (same run) | baseline value "
             "| ratio |", "|---|---|---|---:|---|---|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['bench']} | {r['engine']} | {r['name']} | {_fmt(r['value'])} | "
                     f"{r['unit']} | {r['baseline'] or '—'} | {_fmt(r['baseline_value'])} | "
                     f"{_fmt(r['ratio'])} |")
    (RESULTS / "summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (RESULTS / "summary.json").write_text(json.dumps(
        {"cores": os.cpu_count(), "python": platform.python_version(), "rows": rows},
        indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
