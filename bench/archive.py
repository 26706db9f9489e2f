"""A site-sized archive made by the real pipeline: generated arXiv days fetched by ``run_fetch``.

Each day is a 2,000-candidate announcement (bench/corpus.py) served on 127.0.0.1 and fetched with
the repository's starter rules into one content folder, day after day, as the daily job would;
the curation rules keep about one candidate in nine, so every entry is a real entry with real
topics, tags and reasons. When the archive reaches a requested size its content and state are
copied aside, so one pass makes the archives of every size (the smaller ones are the first days
of the larger ones).
"""

from __future__ import annotations

import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "support"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import Corpus, arxiv_rss
from feedserver import FeedServer

from pipeline.config import HttpSettings, load_rules
from pipeline.fetch.job import run_fetch
from pipeline.fetch.sources import SourcesFile, source_settings
from pipeline.layout import Layout

FIRST_DAY = date(2026, 1, 5)
CANDIDATES_PER_DAY = 2000


def make_archives(
    folder: Path, sizes: list[int], candidates: int = CANDIDATES_PER_DAY, progress=lambda text: None
) -> dict[int, Path]:
    """Fetch generated days until each size is reached; ``{size: folder with content/ and state/}``.

    An archive already made in ``folder`` by an earlier call is reused.
    """
    wanted = sorted(set(sizes))
    done = {size: folder / f"archive-{size}" for size in wanted if (folder / f"archive-{size}" / "done").is_file()}
    if len(done) == len(wanted):
        return done
    work = folder / "archive-work"
    shutil.rmtree(work, ignore_errors=True)
    layout = Layout(work / "content", work / "state")
    rules = load_rules(ROOT / "rules")
    corpus = Corpus()
    written, day = 0, FIRST_DAY
    with FeedServer() as server:
        for size in wanted:
            while written < size:
                # small days for small archives, so that even 50 papers span several days
                per_day = min(candidates, max(100, size))
                server.add("/rss", body=arxiv_rss(corpus.day(day, per_day), day))
                config = SourcesFile(
                    http=HttpSettings(arxiv_interval=0),
                    sources=[
                        source_settings(
                            id="arxiv-bench", kind="arxiv_rss", label="arXiv ({CATEGORY})", url=server.base + "/rss"
                        )
                    ],
                )
                written += len(run_fetch(config, rules, layout, day, use_cache=False).new)
                progress(f"archive: {day} fetched, {written} entries")
                day += timedelta(days=1)
            target = folder / f"archive-{size}"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(work, target)
            (target / "done").write_text(f"{written}\n")
            done[size] = target
    shutil.rmtree(work, ignore_errors=True)
    return done


def entry_count(archive: Path) -> int:
    return sum(1 for _ in (archive / "content").rglob("*.md"))
