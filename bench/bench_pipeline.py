"""Pipeline CPU per candidate paper: fetch-parse → normalise → de-duplicate → curate → write.

A 2,000-candidate arXiv day, served from 127.0.0.1, fetched by the real job with the
repository's starter rules, into a fresh content folder.  Target: ≤ 1 ms CPU per paper.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from corpus import Corpus, arxiv_rss  # noqa: E402
from feedserver import FeedServer  # noqa: E402
from pipeline.config import HttpSettings, SourceConfig, SourcesFile, load_rules  # noqa: E402
from pipeline.job import Layout, run_fetch  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DAY = date(2026, 6, 17)


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(candidates: int = 2000, repeats: int = 3) -> dict:
    body = arxiv_rss(Corpus().day(DAY, candidates), DAY)
    rules = load_rules(ROOT / "rules")
    figures = []
    with FeedServer() as server:
        server.add("/rss", body=body)
        config = SourcesFile(http=HttpSettings(arxiv_interval=0),
                             sources=[SourceConfig(id="arxiv", kind="arxiv_rss", label="arXiv ({CATEGORY})", url=server.base + "/rss")])
        for _ in range(repeats):
            with tempfile.TemporaryDirectory() as tmp:
                layout = Layout(Path(tmp) / "content", Path(tmp) / "state")
                c0, w0 = cpu(), time.perf_counter()
                summary = run_fetch(config, rules, layout, DAY)
                c1, w1 = cpu(), time.perf_counter()
                again = run_fetch(config, rules, layout, DAY, use_cache=False)
                c2 = cpu()
                figures.append({"cpu": c1 - c0, "wall": w1 - w0, "written": len(summary.new), "rerun_cpu": c2 - c1,
                                "rerun_changed": len(again.new) + len(again.updated)})
    figures.sort(key=lambda f: f["cpu"])
    median = figures[len(figures) // 2]
    return {
        "candidates": candidates, "feed_bytes": len(body), "written": median["written"],
        "cpu_ms_per_paper": 1000 * median["cpu"] / candidates, "wall_s": median["wall"],
        "rerun_cpu_ms_per_paper": 1000 * median["rerun_cpu"] / candidates, "rerun_changed": median["rerun_changed"],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


if __name__ == "__main__":
    result = run()
    for key, value in result.items():
        print(f"{key:>24}: {value:.3f}" if isinstance(value, float) else f"{key:>24}: {value}")
