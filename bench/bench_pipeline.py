"""Pipeline CPU per candidate paper and peak memory: fetch-parse → normalise → de-duplicate → curate → write.

A 2,000-candidate arXiv day, served from 127.0.0.1, fetched by the real job with the
repository's starter rules, into a fresh content folder; then the same day again (nothing
changes). Each run is a process of its own, as the daily job's ``academichub fetch`` is: its CPU
time and wall time are the stage's (the interpreter's start and the imports left out), its peak
RSS is the process's (bench/measure.py: the corpus and the feed server stay in this one).
Target: ≤ 1 ms CPU per paper.

    python bench/bench_pipeline.py [--candidates 2000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "support"))

from corpus import Corpus, arxiv_rss
from feedserver import FeedServer
from measure import answered, own_peak_rss, worker

from pipeline.config import HttpSettings, load_rules
from pipeline.fetch.job import run_fetch
from pipeline.fetch.sources import SourcesFile, source_settings
from pipeline.layout import Layout

ROOT = Path(__file__).resolve().parent.parent
DAY = date(2026, 6, 17)


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def fetch_day(job: dict) -> dict:
    """One run of the day, in the process that runs it: CPU and wall time of ``run_fetch``, the
    entries it wrote or changed, and the process's peak RSS before it started (bytes)."""
    config = SourcesFile(
        http=HttpSettings(arxiv_interval=0),
        sources=[source_settings(id="arxiv", kind="arxiv_rss", label="arXiv ({CATEGORY})", url=job["url"])],
    )
    rules = load_rules(ROOT / "rules")
    layout = Layout(Path(job["folder"]) / "content", Path(job["folder"]) / "state")
    before = own_peak_rss()
    c0, w0 = cpu(), time.perf_counter()
    summary = run_fetch(config, rules, layout, DAY, use_cache=job["use_cache"])
    return {
        "cpu": cpu() - c0,
        "wall": time.perf_counter() - w0,
        "new": len(summary.new),
        "changed": len(summary.new) + len(summary.updated),
        "rss_at_start": before,
    }


def run(candidates: int = 2000, repeats: int = 3) -> dict:
    body = arxiv_rss(Corpus().day(DAY, candidates), DAY)
    figures = []
    with FeedServer() as server:
        server.add("/rss", body=body)
        for _ in range(repeats):
            with tempfile.TemporaryDirectory() as tmp:
                job = {"url": server.base + "/rss", "folder": tmp}
                first = worker(Path(__file__), "--fetch-day", {**job, "use_cache": True})
                again = worker(Path(__file__), "--fetch-day", {**job, "use_cache": False})
                figures.append(
                    {
                        "cpu": first.answer["cpu"],
                        "wall": first.answer["wall"],
                        "written": first.answer["new"],
                        "peak_rss": first.peak_rss,
                        "rss_at_start": first.answer["rss_at_start"],
                        "rerun_cpu": again.answer["cpu"],
                        "rerun_changed": again.answer["changed"],
                        "rerun_peak_rss": again.peak_rss,
                    }
                )
    figures.sort(key=lambda f: f["cpu"])
    median = figures[len(figures) // 2]
    return {
        "candidates": candidates,
        "feed_bytes": len(body),
        "written": median["written"],
        "cpu_ms_per_paper": 1000 * median["cpu"] / candidates,
        "wall_s": median["wall"],
        "rerun_cpu_ms_per_paper": 1000 * median["rerun_cpu"] / candidates,
        "rerun_changed": median["rerun_changed"],
        # memory barely varies between runs: the largest of them
        "peak_rss_mb": max(f["peak_rss"] for f in figures) / 2**20,
        "rss_at_start_mb": max(f["rss_at_start"] for f in figures) / 2**20,
        "rerun_peak_rss_mb": max(f["rerun_peak_rss"] for f in figures) / 2**20,
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if answered(argv, "--fetch-day", fetch_day):
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--candidates", type=int, default=2000, help="candidate papers of the day (default 2000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs (median; default 3)")
    args = parser.parse_args(argv)
    for key, value in run(args.candidates, args.repeats).items():
        print(f"{key:>24}: {value:.3f}" if isinstance(value, float) else f"{key:>24}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
