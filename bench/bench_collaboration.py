"""Benchmark: what one collaboration paper of 3,000 authors costs the site — bytes and build time.

    python bench/bench_collaboration.py [--authors 3000] [--base ARCHIVE] [--repeats 3] [--keep DIR]

The base site is the demo's sample feeds fetched on 127.0.0.1 (about 30 papers), or ARCHIVE (a folder
with content/ and state/, such as bench/archive.py makes; it is copied, never changed). A copy of it
gets one paper of ``--authors`` authors, made as the fetch makes it from arXiv's API
(tests/support/collaboration.py: the shape of the LIGO–Virgo–KAGRA papers arXiv lists in full), on
the newest radar day. Both are built cold (empty output and cache, with the search index) by
``academichub build`` in a process of its own (bench/measure.py), ``--repeats`` times; the figures are
the difference in bytes (with the folders that grew) and the difference of the median build times,
in CPU time (the build's and Pagefind's: what the build costs whatever else the machine runs) and in
wall time. Targets: at most 1 MB and 2 s for 3,000 authors (judged on CPU time, the wall time of an
otherwise idle machine).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "support"))

from collaboration import collaboration_paper
from measure import measure

from pipeline.archive.entry import entry_path, render_entry
from pipeline.config import load_rules
from pipeline.fetch.job import run_fetch
from pipeline.files import atomic_write
from pipeline.layout import Layout
from pipeline.project.demo import DEMO_DAY, demo_sources, serve_samples
from pipeline.site.periods import scan

TARGET_BYTES = 1_000_000
TARGET_SECONDS = 2.0


def base_site(work: Path, archive: Path | None) -> Path:
    """content/ and state/ of the base site in ``work/base``."""
    base = work / "base"
    if archive:
        for name in ("content", "state"):
            if (archive / name).is_dir():
                shutil.copytree(archive / name, base / name)
        return base
    with serve_samples() as address:
        run_fetch(demo_sources(address), load_rules(ROOT / "rules"), Layout(base / "content", base / "state"), DEMO_DAY)
    return base


def newest_day(content: Path):
    """The newest radar day of the archive: the collaboration paper arrives on it (the current tier)."""
    from datetime import date

    from pipeline.archive.entry import read_record

    days = [paper.received for path in Layout(content).entry_files() if (paper := read_record(path)) and paper.received]
    return max(days) if days else date.today()


def with_collaboration(base: Path, work: Path, authors: int) -> Path:
    site = work / "with"
    shutil.copytree(base, site)
    paper = collaboration_paper("2609.91234", count=authors, received=newest_day(site / "content"))
    atomic_write(site / "content" / entry_path(paper), render_entry(paper))
    return site


def build(site: Path, output: Path) -> tuple[float, float]:
    """A cold build (no output, no cache) in its own process; its wall time and CPU time."""
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(site / "build", ignore_errors=True)
    settings = site / "pelicanconf.py"
    shutil.copy(ROOT / "pelicanconf.py", settings)  # Pelican's cache stays inside the site's folder
    done = measure(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "build",
            "--content",
            str(site / "content"),
            "--state",
            str(site / "state"),
            "--output",
            str(output),
            "--settings",
            str(settings),
            "--rules",
            str(ROOT / "rules"),
            "--jobs",
            "1",
        ],
        cwd=ROOT,
    )
    return done.wall, done.cpu


def sizes(output: Path) -> Counter:
    """Bytes per top folder (or file) of the site."""
    found: Counter = Counter()
    for path in output.rglob("*"):
        if path.is_file():
            found[path.relative_to(output).parts[0]] += path.stat().st_size
    return found


def run(authors: int, archive: Path | None, repeats: int, work: Path) -> bool:
    base = base_site(work, archive)
    grown = with_collaboration(base, work, authors)
    papers = sum(len(p["papers"]) for p in scan(base / "content")[0].values())
    times: dict[str, list[tuple[float, float]]] = {"base": [], "with": []}
    for _ in range(repeats):
        for name, site in (("base", base), ("with", grown)):
            times[name].append(build(site, site / "output"))
    wall = {name: statistics.median(t[0] for t in runs) for name, runs in times.items()}
    cpu = {name: statistics.median(t[1] for t in runs) for name, runs in times.items()}
    before, after = sizes(base / "output"), sizes(grown / "output")
    added = sum(after.values()) - sum(before.values())
    seconds = cpu["with"] - cpu["base"]
    print(
        f"base site: {papers} papers, {sum(before.values()) / 1e6:.2f} MB, cold build {cpu['base']:.1f} s CPU, "
        f"{wall['base']:.1f} s wall (medians of {repeats})"
    )
    print(
        f"with one paper of {authors:,} authors: {sum(after.values()) / 1e6:.2f} MB, "
        f"cold build {cpu['with']:.1f} s CPU, {wall['with']:.1f} s wall"
    )
    print(
        f"the paper adds {added / 1e6:.3f} MB (target ≤ {TARGET_BYTES / 1e6:.0f} MB) and {seconds:+.2f} s of CPU "
        f"(target ≤ {TARGET_SECONDS:.0f} s; wall {wall['with'] - wall['base']:+.1f} s, load average "
        f"{os.getloadavg()[0]:.1f})"
    )
    for folder, grew in sorted(((f, after[f] - before[f]) for f in after), key=lambda x: -x[1])[:6]:
        print(f"  {folder:<24} {grew / 1e3:+10.1f} KB")
    return added <= TARGET_BYTES and seconds <= TARGET_SECONDS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--authors", type=int, default=3000, help="authors of the collaboration paper (default 3000)")
    parser.add_argument("--base", type=Path, help="a folder with content/ and state/ (default: the demo's samples)")
    parser.add_argument("--repeats", type=int, default=3, help="cold builds of each site (default 3)")
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: a temp folder)")
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return 0 if run(args.authors, args.base, args.repeats, args.keep) else 1
    with tempfile.TemporaryDirectory(prefix="academichub-collab-") as folder:
        return 0 if run(args.authors, args.base, args.repeats, Path(folder)) else 1


if __name__ == "__main__":
    sys.exit(main())
