"""Every AcademicHub benchmark in one command: one table on the terminal and in bench/results.md.

    python bench/run.py            # full sizes (about two hours on 2 cores)
    python bench/run.py --work DIR # keep the generated archives in DIR and reuse them next time
    python bench/run.py --quick    # small sizes, a few minutes: checks that every benchmark runs
    python bench/run.py --only site,pipeline --repeats 5

Benchmarks (each in bench/, each also runnable alone):

* pipeline — CPU per candidate paper and peak memory for a 2,000-candidate arXiv day
             (bench_pipeline.py);
* briefs   — 1,000 per-paper briefs against a local OpenAI-compatible server answering after
             500 ms, their peak memory, and the cached second run (bench_brief.py);
* site     — full, unchanged and daily (+200 papers) builds with the search index of archives of
             1,000, 10,000 and 50,000 papers made by the pipeline, peak memory and the output
             size (bench_site.py);
* search   — the search stage alone on a built archive of 10,000 papers: the first index,
             nothing changed and one more day, bundle by bundle, with Pagefind's peak memory per
             bundle and per page indexed (bench_search.py);
* semantic — embedding speed, storage, related papers (bench_semantic.py; only when the
             ``semantic`` extra is installed);
* grounding — the grounding check of briefs: planted errors caught, correct briefs flagged
             (bench_grounding.py; on SciTLDR's test papers with --scitldr DIR, else the demo's);
* tldr     — ROUGE of the extractive TL;DR against the lead sentence on SciTLDR's test set
             (bench_tldr.py; only with --scitldr DIR and the ``bench`` extra).

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
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

NAMES = ("pipeline", "briefs", "site", "search", "semantic", "grounding", "tldr")
SIZES = {  # (quick, full)
    "pipeline": (200, 2000),
    "briefs": (50, 1000),
    "site": ("100", "1000,10000,50000"),
    "search": ("100", "10000"),
}
DATA: dict[str, Path | None] = {"scitldr": None}  # a clone of github.com/allenai/scitldr (--scitldr)


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


def pipeline(table: Table, quick: bool, repeats: int, progress, work: Path) -> None:
    from bench_pipeline import run

    candidates = SIZES["pipeline"][not quick]
    result = run(candidates, repeats)  # the median of its repeats
    table.add(
        "pipeline",
        f"CPU per candidate paper, {candidates:,}-candidate day (fetch-parse → write)",
        f"{result['cpu_ms_per_paper']:.2f} ms",
        "≤ 1 ms",
    )
    table.add(
        "pipeline",
        "the same day again (nothing changes)",
        f"{result['rerun_cpu_ms_per_paper']:.2f} ms, {result['rerun_changed']} entries changed",
        "0 changed",
    )
    table.add("pipeline", "entries written / wall time", f"{result['written']:,} / {result['wall_s']:.1f} s", "")
    table.add(
        "pipeline",
        f"peak RSS, the {candidates:,}-candidate day's process / the same day again",
        f"{result['peak_rss_mb']:.0f} MB ({result['rss_at_start_mb']:.0f} MB before the day: Python and "
        f"the modules) / {result['rerun_peak_rss_mb']:.0f} MB",
        "",
    )


def briefs(table: Table, quick: bool, repeats: int, progress, work: Path) -> None:
    papers = SIZES["briefs"][not quick]
    walls, calls, again_calls, peaks, starts = [], [], [], [], []
    for _ in range(repeats):
        text = _script("bench_brief.py", "--papers", str(papers))
        walls.append(_seconds(text, "wall time"))
        calls.append(int(re.search(r"^API calls\s+(\d+)", text, re.M).group(1)))
        again_calls.append(int(re.search(r"^re-run\s+[\d.]+ s, (\d+) API calls", text, re.M).group(1)))
        memory = re.search(r"^peak RSS\s+(\d+) MB \((\d+) MB", text, re.M)
        peaks.append(int(memory.group(1)))
        starts.append(int(memory.group(2)))
    table.add(
        "briefs",
        f"{papers:,} per-paper briefs, server answering after 500 ms",
        f"{_median(walls):.1f} s",
        "≤ 20 s (1,000 papers)",
    )
    table.add(
        "briefs", "API calls, first run / second run", f"{_median(calls):.0f} / {max(again_calls)}", "second run 0"
    )
    table.add(
        "briefs",
        f"peak RSS of the {papers:,}-paper run's process",
        f"{max(peaks)} MB ({max(starts)} MB before the run: Python and the modules)",
        "",
    )


def _archives(work: Path, sizes: list[int], progress) -> dict[int, Path]:
    """Archives made by the real pipeline (bench/archive.py), kept in ``work`` and reused."""
    from archive import make_archives

    return make_archives(work, sizes, progress=progress)


def _finished_archives(work: Path) -> dict[int, Path]:
    """The archives made in ``work`` so far: {size: folder}."""
    return {
        int(path.name.removeprefix("archive-")): path
        for path in work.glob("archive-*")
        if path.name.removeprefix("archive-").isdigit() and (path / "done").is_file()
    }


def _next_day(archive: Path, larger: Path | None) -> Path | None:
    """The entries of the day after ``archive`` in a larger archive, which continues it (None: the
    benchmarks generate papers for that day)."""
    from bench_site import newest_day

    if larger is None:
        return None
    day = newest_day(archive / "content") + timedelta(days=1)
    folder = larger / "content" / "papers" / f"{day:%Y/%m/%d}"
    return folder if folder.is_dir() else None


SITE_TARGETS = {"full": {10_000: "≤ 3 min", 50_000: "≤ 12 min"}, "daily": {10_000: "≤ 30 s"}}


def site(table: Table, quick: bool, repeats: int, progress, work: Path) -> None:
    sizes = [int(s) for s in SIZES["site"][not quick].split(",")]
    archives = {} if quick else {**_finished_archives(work), **_archives(work, sizes, progress)}
    for size in sizes:
        runs = 1 if size > 10_000 else repeats
        figures: dict[str, list[float]] = {}
        for _ in range(runs):
            if quick:
                text = _script("bench_site.py", "--papers", str(size), "--days", "10")
            else:
                larger = min((n for n in archives if n > size), default=None)
                next_day = _next_day(archives[size], archives.get(larger))
                text = _script(
                    "bench_site.py",
                    "--archive",
                    str(archives[size]),
                    *(["--next-day", str(next_day)] if next_day else []),
                )
            progress(text)
            for label, wall, cpu, search in re.findall(
                r"^([^:\n]+):\s+([\d.]+) s wall,\s+([\d.]+) s CPU(?:, search ([\d.]+) s)?", text, re.M
            ):
                for key, value in (("wall", wall), ("CPU", cpu), ("search", search)):
                    if value:
                        figures.setdefault(f"{label.strip()}|{key}", []).append(float(value))
            memory = re.search(r"^peak RSS: builds (\d+) MB, Pagefind (\d+) MB", text, re.M)
            output = re.search(
                r"^output: (\d+) files, (\d+) MB, (\d+) HTML pages, ([\d.]+) KB per paper \((\d+)", text, re.M
            )
            figures.setdefault("rss", []).append(float(memory.group(1)))
            figures.setdefault("pagefind rss", []).append(float(memory.group(2)))
            for i, key in enumerate(("files", "MB", "html", "per paper", "papers"), 1):
                figures.setdefault(key, []).append(float(output.group(i)))
        n = f"{size:,} papers ({runs} run{'s' if runs > 1 else ''})"
        for label in dict.fromkeys(k.split("|")[0] for k in figures if "|" in k):
            wall, cpu = _median(figures[f"{label}|wall"]), _median(figures[f"{label}|CPU"])
            search = figures.get(f"{label}|search")
            kind = (
                "full"
                if label.startswith("full")
                else "daily"
                if re.fullmatch(r"daily rebuild \(\+\d+ papers\)", label)
                else ""
            )
            table.add(
                "site",
                f"{label}, {n}",
                f"{wall:.1f} s wall, {cpu:.1f} s CPU" + (f" (search {_median(search):.1f} s)" if search else ""),
                SITE_TARGETS.get(kind, {}).get(size, ""),
            )
        table.add(
            "site",
            f"peak RSS, builds / Pagefind, {n}",
            f"{_median(figures['rss']):,.0f} MB / {_median(figures['pagefind rss']):,.0f} MB",
            "≤ 4 GB at 50k" if size == 50_000 else "",
        )
        table.add(
            "site",
            f"output, {_median(figures['papers']):,.0f} papers",
            f"{_median(figures['MB']):,.0f} MB, {_median(figures['files']):,.0f} files, "
            f"{_median(figures['html']):,.0f} HTML pages, {_median(figures['per paper']):.1f} KB per paper",
            "≤ 6 KB per paper",
        )


def search(table: Table, quick: bool, repeats: int, progress, work: Path) -> None:
    from bench_search import run
    from bench_site import DAILY_PAPERS

    sizes = [int(s) for s in SIZES["search"][not quick].split(",")]
    archives = _archives(work, sizes, progress)
    for size in sizes:
        # the next day from a larger archive made in the work folder (by the site benchmark, say),
        # else as many generated papers as the site benchmark adds
        made = _finished_archives(work)
        larger = next((made[n] for n in sorted(made) if n > size), None)
        folder = _next_day(archives[size], larger)
        day = {"next_day": "-".join(folder.parts[-3:]), "source": larger} if folder else {"daily": DAILY_PAPERS}
        runs = [run(archives[size], **day, progress=progress) for _ in range(1 if size >= 10_000 else repeats)]
        first, unchanged, *after = zip(*(r["steps"] for r in runs))
        n = f"{runs[0]['papers']:,} papers ({len(runs)} run{'s' if len(runs) > 1 else ''})"
        largest = max((b for step in first for b in step["indexed"]), key=lambda b: b["peak_rss"])
        table.add(
            "search",
            f"first index (no index yet), {n}",
            f"{_median([s['seconds'] for s in first]):.1f} s, {first[0]['bundles']} bundles of "
            f"{first[0]['pages']:,} pages",
            "",
        )
        table.add(
            "search",
            f"Pagefind's largest run: peak RSS, pages, per page, {n}",
            f"{largest['peak_rss'] / 2**20:,.0f} MB, {largest['pages']:,} pages, "
            f"{largest['peak_rss'] / largest['pages'] / 1024:.0f} KB per page",
            "",
        )
        table.add(
            "search",
            f"nothing changed, {n}",
            f"{_median([s['seconds'] for s in unchanged]):.1f} s, "
            f"{max(len(s['indexed']) for s in unchanged)} bundles indexed again",
            "0 indexed again",
        )
        for steps in after:
            pages = max(sum(b["pages"] for b in s["indexed"]) for s in steps)
            table.add(
                "search",
                f"one more day (+{runs[0]['added']} papers{'' if folder else ', generated'}), {n}",
                f"{_median([s['seconds'] for s in steps]):.1f} s, {len(steps[0]['indexed'])} of "
                f"{steps[0]['bundles']} bundles indexed again ({pages:,} pages)",
                "",
            )
        own = max(s["own_peak_rss"] for r in runs for s in r["steps"])
        table.add("search", f"peak RSS of the stage's own process (Pagefind apart), {n}", f"{own / 2**20:,.0f} MB", "")


def semantic(table: Table, quick: bool, repeats: int, progress, work: Path) -> None:
    if not all(importlib.util.find_spec(m) for m in ("numpy", "sentence_transformers")):
        table.notes.append("semantic: skipped, the `semantic` extra is not installed")
        return
    text = _script("bench_semantic.py", *(["--quick"] if quick else []))
    for line in text.splitlines():
        if match := re.match(r"^([0-3])\. (.+)$", line):
            measure, _, value = match.group(2).partition(": ")
            table.add("semantic", measure, value)


def grounding(table: Table, quick: bool, repeats: int, progress, work: Path) -> None:
    scitldr = DATA["scitldr"]
    if not quick and not scitldr:
        table.notes.append(
            "grounding: on the demo's abstracts only; --scitldr DIR (a clone of "
            "github.com/allenai/scitldr) measures it on SciTLDR's test papers and human TL;DRs"
        )
    text = _script("bench_grounding.py", *(["--scitldr", str(scitldr)] if scitldr and not quick else ["--quick"]))
    progress(text)
    for match in re.finditer(r"^• (.+?): (.+?)(?: \(target (.+)\))?$", text, re.M):
        table.add("grounding", *match.groups(default=""))


def tldr(table: Table, quick: bool, repeats: int, progress, work: Path) -> None:
    if not DATA["scitldr"] or not importlib.util.find_spec("rouge_score"):
        table.notes.append(
            "tldr: skipped, it needs --scitldr DIR (a clone of github.com/allenai/scitldr) and "
            "the `bench` extra (rouge-score)"
        )
        return
    text = _script("bench_tldr.py", "--scitldr", str(DATA["scitldr"]))
    progress(text)
    for system, figures in re.findall(r"^(lead-1|extractive)\s+(rouge1 .+)$", text, re.M):
        table.add(
            "tldr",
            f"SciTLDR test, {system} TL;DR: ROUGE-1 / 2 / L F1 (95 % interval)",
            " · ".join(figures.split("  ")),
            "",
        )
    for measure, gain in re.findall(r"^gain over lead-1, (\w+): (.+)$", text, re.M):
        table.add(
            "tldr", f"extractive over lead-1, {measure} points", gain, "≥ 3 (ROUGE-1)" if measure == "rouge1" else ""
        )


# ---------------------------------------------------------------- the report


def machine() -> str:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").is_file()
        else platform.processor()
    )
    memory = ""
    if Path("/proc/meminfo").is_file():
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024**2:.1f} GB RAM"
    load = f", load average {os.getloadavg()[0]:.1f} before the run" if hasattr(os, "getloadavg") else ""
    versions = [f"Python {platform.python_version()}"]
    for package in ("pelican", "pagefind"):
        try:
            from importlib.metadata import version

            versions.append(f"{package} {version(package)}")
        except Exception:  # not installed
            continue
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}{load}; {platform.system()} {platform.release()}; {', '.join(versions)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a check that everything runs)")
    parser.add_argument("--repeats", type=int, default=None, help="runs per figure, median (default 3, quick 1)")
    parser.add_argument("--only", default=",".join(NAMES), help=f"comma-separated subset of {', '.join(NAMES)}")
    parser.add_argument("--output", type=Path, default=BENCH / "results.md", help="where the table is written")
    parser.add_argument(
        "--sizes",
        action="append",
        default=[],
        metavar="NAME=N,N",
        help="sizes of one benchmark instead of the defaults, e.g. site=10000,50000 or search=1000",
    )
    parser.add_argument(
        "--work",
        type=Path,
        help="keep the generated archives and builds here and reuse them "
        "(default: a temporary folder, removed at the end)",
    )
    parser.add_argument(
        "--scitldr",
        type=Path,
        help="a clone of github.com/allenai/scitldr: the grounding "
        "benchmark's papers and human TL;DRs, and the TL;DR benchmark's data",
    )
    args = parser.parse_args(argv)
    DATA["scitldr"] = args.scitldr
    chosen = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = sorted(set(chosen) - set(NAMES))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    repeats = args.repeats or (1 if args.quick else 3)
    for option in args.sizes:
        name, _, sizes = option.partition("=")
        if name not in SIZES or not re.fullmatch(r"\d+(,\d+)*", sizes):
            parser.error(f"--sizes {option}: expected NAME=N[,N…] with NAME one of {', '.join(SIZES)}")
        value = sizes if isinstance(SIZES[name][1], str) else int(sizes.split(",")[0])
        SIZES[name] = (value, value)
    header = (
        f"Machine: {machine()}\n\nDate: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · command: "
        f"`python bench/run.py {' '.join(sys.argv[1:] if argv is None else argv)}`".rstrip()
        + f" · medians of {repeats} run(s)"
    )
    table = Table()
    started = time.perf_counter()
    work = args.work or Path(tempfile.mkdtemp(prefix="academichub-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        for name in chosen:
            began = time.perf_counter()
            print(f"{name} …", file=sys.stderr, flush=True)
            globals()[name](table, args.quick, repeats, lambda text: print(text, file=sys.stderr, flush=True), work)
            print(f"{name}: {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    text = (
        "\n\n".join(
            [
                f"# AcademicHub benchmarks\n\n{header}",
                table.markdown(),
                *table.notes,
                f"Total time: {time.perf_counter() - started:.0f} s",
            ]
        )
        + "\n"
    )
    print(text)
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
