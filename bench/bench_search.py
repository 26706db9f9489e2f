"""Benchmark: the search stage (Pagefind bundles by date) on a built archive, and after one more day.

    python bench/bench_search.py --archive ARCHIVE [--next-day YYYY-MM-DD --from LARGER_ARCHIVE | --daily N]
                                 [--bucket-pages 5000] [--keep DIR]

ARCHIVE is a folder with content/ and state/ (bench/archive.py makes them); it is copied, never
changed. The copy is built by ``academichub build --no-search`` in its own process, then the
search stage alone is timed: the first index (an empty pagefind/ folder and no page cache), a
rebuild with nothing changed, and — with ``--next-day`` — after that day's entries of a larger
archive are added and the site is built again (the daily job's case); ``--daily N`` adds N
generated papers dated the day after the archive's newest instead. Each step runs in a process
of its own (bench/measure.py) and prints its wall time, the bundles it indexed and kept, the
peak RSS of every Pagefind process (wait4 on exactly that process) and of the stage's own
Python side.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from measure import answered, measure, own_peak_rss, worker

from pipeline.site.search import DEFAULT_BUCKET_PAGES, index_site


def build_site(work: Path) -> float:
    """Pelican alone (``academichub build --no-search``) in its own process; its wall time."""
    settings = work / "pelicanconf.py"
    shutil.copy(ROOT / "pelicanconf.py", settings)  # keeps Pelican's cache inside the work folder
    return measure(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "build",
            "--content",
            str(work / "content"),
            "--output",
            str(work / "output"),
            "--settings",
            str(settings),
            "--rules",
            str(ROOT / "rules"),
            "--no-search",
        ],
        cwd=ROOT,
    ).wall


def index_step(job: dict) -> dict:
    """One run of the search stage, in the process that runs it: what it did and its own peak RSS (bytes)."""
    report = index_site(Path(job["output"]), job["bucket_pages"], cache=Path(job["cache"]))
    return {
        "seconds": report.seconds,
        "bundles": len(report.bundles),
        "pages": sum(b.pages for b in report.bundles),
        "indexed": [
            {"key": b.key, "pages": b.pages, "seconds": b.seconds, "peak_rss": b.peak_rss} for b in report.indexed
        ],
        "own_peak_rss": own_peak_rss(),
    }


def show(label: str, step: dict) -> str:
    indexed = step["indexed"]
    lines = [
        f"{label:28} {step['seconds']:7.1f} s  {step['bundles']} bundles, {step['pages']:,} pages; "
        f"indexed {len(indexed)}, kept {step['bundles'] - len(indexed)}; "
        f"stage's own peak RSS {step['own_peak_rss'] / 2**20:.0f} MB"
    ]
    lines += [
        f"    {b['key']:28} {b['pages']:6,} pages {b['seconds']:7.1f} s  Pagefind peak RSS "
        f"{b['peak_rss'] / 2**20:6.0f} MB  ({b['peak_rss'] / b['pages'] / 1024:.0f} KB/page)"
        for b in indexed
    ]
    return "\n".join(lines)


def run(
    archive: Path,
    next_day: str | None = None,
    source: Path | None = None,
    daily: int = 0,
    bucket_pages: int = DEFAULT_BUCKET_PAGES,
    keep: Path | None = None,
    progress=print,
) -> dict:
    """The steps above on a copy of ``archive``: {"papers", "build_s", "steps": [{"label", "seconds",
    "bundles", "pages", "indexed": [per bundle], "own_peak_rss"}], "added": papers of the new day}."""
    work = keep or Path(tempfile.mkdtemp(prefix="academichub-search-"))
    for folder in ("content", "state"):
        shutil.copytree(archive / folder, work / folder, dirs_exist_ok=True)
    content, cache = work / "content", work / "search-pages.json"
    job = {"output": str(work / "output"), "bucket_pages": bucket_pages, "cache": str(cache)}
    result = {"papers": sum(1 for _ in content.rglob("*.md")), "build_s": build_site(work), "steps": [], "added": 0}
    progress(f"site build (Pelican, no search): {result['build_s']:7.1f} s → {work / 'output'}")

    def step(label: str) -> None:
        done = worker(Path(__file__), "--index", job).answer
        result["steps"].append({"label": label, **done})
        progress(show(f"{label}:", done))

    step("first index")
    step("rebuild, nothing changed")
    if next_day:
        folder = Path("papers", *next_day.split("-"))
        shutil.copytree(source / "content" / folder, content / folder, dirs_exist_ok=True)
        result["added"] = len(list((content / folder).glob("*.md")))
    elif daily:
        # imported here, so that the processes of the search stage load the search stage only
        from bench_site import FIRST_AFTER_ARCHIVE, newest_day, papers, write

        day = newest_day(content) + timedelta(days=1)
        write(content, papers(daily, 1, day, seed=11, first=FIRST_AFTER_ARCHIVE))
        result["added"], next_day = daily, f"{day:%Y-%m-%d}"
    if next_day:
        progress(f"site build, +{result['added']} papers of {next_day}: {build_site(work):7.1f} s")
        step(f"index after +{result['added']} papers")
    if not keep:
        shutil.rmtree(work)
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if answered(argv, "--index", index_step):
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", type=Path, required=True, help="a folder with content/ and state/")
    parser.add_argument("--next-day", help="a day (YYYY-MM-DD) of --from to add after the first index")
    parser.add_argument("--from", dest="source", type=Path, help="the larger archive the next day comes from")
    parser.add_argument("--daily", type=int, default=0, help="else: this many generated papers of the next day")
    parser.add_argument("--bucket-pages", type=int, default=DEFAULT_BUCKET_PAGES)
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: a temp folder)")
    args = parser.parse_args(argv)
    if bool(args.next_day) != bool(args.source):
        parser.error("--next-day and --from go together")
    if args.next_day and args.daily:
        parser.error("--daily is for when there is no --next-day")
    run(args.archive, args.next_day, args.source, args.daily, args.bucket_pages, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
