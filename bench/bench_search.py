"""Benchmark: the search stage (Pagefind bundles by date) on a built archive, and after one more day.

    python bench/bench_search.py --archive ARCHIVE [--next-day YYYY-MM-DD --from LARGER_ARCHIVE]
                                 [--bucket-pages 5000] [--keep DIR]

ARCHIVE is a folder with content/ and state/ (bench/archive.py makes them); it is copied, never
changed. The copy is built by ``academichub build --no-search`` in its own process, then the
search stage alone is timed: the first index (an empty pagefind/ folder and no page cache), a
rebuild with nothing changed, and — with ``--next-day`` — after that day's entries of a larger
archive are added and the site is built again (the daily job's case). Each step prints its wall
time, the bundles it indexed and kept, and the peak RSS of every Pagefind process (wait4 on
exactly that process) and of this process (the stage's own Python side).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.search import DEFAULT_BUCKET_PAGES, SearchReport, index_site  # noqa: E402


def build_site(work: Path) -> float:
    """Pelican alone (``academichub build --no-search``) in its own process; its wall time."""
    settings = work / "pelicanconf.py"
    shutil.copy(ROOT / "pelicanconf.py", settings)  # keeps Pelican's cache inside the work folder
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline.cli", "build", "--content", str(work / "content"),
                    "--output", str(work / "output"), "--settings", str(settings), "--rules", str(ROOT / "rules"),
                    "--no-search"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def show(label: str, report: SearchReport) -> None:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pages = sum(b.pages for b in report.bundles)
    print(f"{label:28} {report.seconds:7.1f} s  {len(report.bundles)} bundles, {pages:,} pages; "
          f"indexed {len(report.indexed)}, kept {len(report.bundles) - len(report.indexed)}; "
          f"stage's own peak RSS {own:.0f} MB")
    for bundle in report.indexed:
        print(f"    {bundle.key:28} {bundle.pages:6,} pages {bundle.seconds:7.1f} s  "
              f"Pagefind peak RSS {bundle.peak_rss / 2**20:6.0f} MB  ({bundle.peak_rss / bundle.pages / 1024:.0f} KB/page)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", type=Path, required=True, help="a folder with content/ and state/")
    parser.add_argument("--next-day", help="a day (YYYY-MM-DD) of --from to add after the first index")
    parser.add_argument("--from", dest="source", type=Path, help="the larger archive the next day comes from")
    parser.add_argument("--bucket-pages", type=int, default=DEFAULT_BUCKET_PAGES)
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: a temp folder)")
    args = parser.parse_args()
    if bool(args.next_day) != bool(args.source):
        parser.error("--next-day and --from go together")
    work = args.keep or Path(tempfile.mkdtemp(prefix="academichub-search-"))
    for folder in ("content", "state"):
        shutil.copytree(args.archive / folder, work / folder, dirs_exist_ok=True)
    cache = work / "search-pages.json"
    print(f"site build (Pelican, no search): {build_site(work):7.1f} s → {work / 'output'}")
    show("first index:", index_site(work / "output", args.bucket_pages, cache=cache))
    show("rebuild, nothing changed:", index_site(work / "output", args.bucket_pages, cache=cache))
    if args.next_day:
        day = Path("papers", *args.next_day.split("-"))
        shutil.copytree(args.source / "content" / day, work / "content" / day, dirs_exist_ok=True)
        added = len(list((work / "content" / day).glob("*.md")))
        print(f"site build, +{added} papers of {args.next_day}: {build_site(work):7.1f} s")
        show(f"index after +{added} papers:", index_site(work / "output", args.bucket_pages, cache=cache))
    if not args.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
