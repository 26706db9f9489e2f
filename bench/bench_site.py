"""Benchmark: build the website for an archive (default: a generated one of 10,000 papers, ~35,000 authors).

    python bench/bench_site.py [--papers 10000] [--days 200] [--daily 200] [--keep DIR]
    python bench/bench_site.py --archive ARCHIVE [--next-day FOLDER] [--profile DIR]

Prints the wall and CPU time of a cold full build (no Pelican cache), of a rebuild with nothing
changed, of the daily rebuild (one new day of papers; the Pelican cache and the output folder of
the previous build kept, as the daily job keeps them) and of a rebuild of one more day into an
empty output folder — each with the search index (pipeline/site/search.py, its share shown) unless
``--no-search``, each in a process of its own as the daily job's build is — then the peak memory
of the builds and of Pagefind, and the output size. Generated entries are written by
the pipeline's own writer, so they look exactly like real ones.

``--archive`` builds a ready-made archive instead (a folder with content/ and state/, such as
bench/archive.py makes), from a copy: the archive itself is never changed. The new day is then the
entries of ``--next-day`` (for instance one day folder of a larger archive), or ``--daily``
generated papers dated the day after the archive's newest entry.

``--profile DIR`` runs every measured build under pyinstrument (the ``bench`` extra) and writes,
per build, DIR/<build>.txt (the call tree, then the functions with the most time of their own and
the most time in total), DIR/<build>.html (the interactive view) and DIR/<build>.pyisession
(``pyinstrument --load``); the top functions are printed. Profiled builds skip the search index
(Pagefind runs in processes of its own, which a Python profile would only show as waiting; time
it with bench/bench_search.py). A profiled build runs somewhat slower: take the timings from a run
without it.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import sys
import tempfile
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))

from kinds import cost_by_kind
from measure import answered, own_peak_rss, rss_bytes, worker

from pipeline.archive.entry import entry_path, render_entry
from pipeline.files import atomic_write
from pipeline.models import Author, Paper, Selection
from pipeline.publish.pages import LIMIT as PAGES_LIMIT
from pipeline.site import build
from pipeline.site.periods import Manifest

SYLLABLES = "an bo chen da el fa gu hao in jun ka li mo na ou pe qi ru si ta wu xi ya ze lo ri ve ma ko".split()
TOPICS = [
    ("language-models", ["language model*", "alignment"], "cs.CL"),
    ("llm-agents", ["agent*", "tool use"], "cs.AI"),
    ("quantum-information", ["qubit*", "entanglement"], "quant-ph"),
    ("efficient-llm", ["quantization", "distillation"], "cs.LG"),
    ("llm-reasoning", ["reasoning", "chain of thought"], "cs.AI"),
    ("cancer-biology", ["tumor*", "metastas*"], "q-bio.CB"),
]
WORDS = (
    "model data learning method results show propose novel approach training inference robust efficient scalable "
    "theory experiment benchmark quantum state circuit noise error signal protein cell tumour network graph"
).split()
ENTRY_DATE = re.compile(r"^Date:\s*(\d{4})-(\d\d)-(\d\d)", re.M)
TOP_FRAMES = 15
PROFILE_INTERVAL = 0.005  # seconds between samples: ~40,000 for a full build of 10,000 papers
DAILY_PAPERS = 200  # generated papers of a new day, unless told otherwise
FIRST_AFTER_ARCHIVE = 90_000  # papers generated after a ready-made archive are numbered above any arXiv month of it


def name(rng: random.Random) -> str:
    return " ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))).capitalize() for _ in range(2))


def papers(count: int, days: int, start: datetime, seed: int = 7, first: int = 0) -> list[Paper]:
    rng = random.Random(seed)
    pool: list[str] = []
    out = []
    for i in range(first, first + count):
        day = start + timedelta(days=(i - first) * days // count)
        authors = []
        for _ in range(rng.randint(2, 6)):
            if pool and rng.random() < 0.2:
                authors.append(rng.choice(pool))
            else:
                authors.append(name(rng))
                pool.append(authors[-1])
        topic, keywords, category = rng.choice(TOPICS)
        abstract = " ".join(rng.choice(WORDS) for _ in range(rng.randint(120, 220))).capitalize() + "."
        out.append(
            Paper(
                id=f"arxiv:{day:%y%m}.{i:05d}",
                title=" ".join(rng.choice(WORDS) for _ in range(9)).title(),
                source="arxiv-bench",
                source_label=f"arXiv ({category.upper()})",
                version=1,
                authors=tuple(Author(a) for a in dict.fromkeys(authors)),
                abstract=abstract,
                categories=(category,),
                published=day,
                updated=day,
                url=f"https://arxiv.org/abs/{day:%y%m}.{i:05d}",
                pdf=f"https://arxiv.org/pdf/{day:%y%m}.{i:05d}v1",
                arxiv_id=f"{day:%y%m}.{i:05d}",
                topics=(Selection(topic, 2, keywords=(rng.choice(keywords),), categories=(category,)),),
            )
        )
    return out


def write(content: Path, items: list[Paper]) -> None:
    for paper in items:
        atomic_write(content / entry_path(paper), render_entry(paper))


def build_with_vectors(root: Path, count: int, days: int, start: datetime, dimensions: int = 384) -> Path:
    """A site of ``count`` generated papers over ``days`` days (root/content), each with a random unit vector in a
    store as the semantic extra keeps them (root/state: the shards' size does not depend on the values), built
    into root/output without the search index; the output folder."""
    import numpy as np

    from pipeline.semantic.store import Store

    items = papers(count, days, start)
    write(root / "content", items)
    store = Store(root / "state", f"bench:random-{dimensions}")
    store.prepare(dimensions)
    matrix = np.random.default_rng(3).normal(size=(len(items), dimensions)).astype(np.float32)
    store.put(items, matrix / np.linalg.norm(matrix, axis=1, keepdims=True))
    settings = root / "benchconf.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\nTHEME = {str(ROOT / 'theme')!r}\n",
        encoding="utf-8",
    )
    build(
        root / "content",
        root / "output",
        settings_file=settings,
        rules=ROOT / "rules",
        state=root / "state",
        siteurl="https://radar.example.org",
        search=False,
    )
    return root / "output"


def _entry_day(path: Path) -> tuple[str, str, str]:
    match = ENTRY_DATE.search(path.read_text(encoding="utf-8"))
    if not match:
        raise SystemExit(f"{path}: no Date line; not an AcademicHub entry")
    return match.groups()


def copy_archive(archive: Path, root: Path) -> Path:
    """A working copy of a ready-made archive's content/ and state/ in ``root``; its content folder."""
    if not (archive / "content").is_dir():
        raise SystemExit(f"{archive}: no content/ folder (make one with bench/archive.py)")
    for folder in ("content", "state"):
        if (archive / folder).is_dir():
            shutil.copytree(archive / folder, root / folder)
    return root / "content"


def add_entries(content: Path, folder: Path) -> int:
    """Copy the entries in ``folder`` into ``content``, where the pipeline keeps them (papers/YYYY/MM/DD/)."""
    entries = sorted(folder.rglob("*.md"))
    for path in entries:
        target = content.joinpath("papers", *_entry_day(path), path.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return len(entries)


def newest_day(content: Path) -> datetime:
    """The date of the newest entry in a content folder (the folders say it: papers/YYYY/MM/DD/)."""
    days = {tuple(p.parent.relative_to(content / "papers").parts) for p in (content / "papers").rglob("*.md")}
    year, month, day = max(d for d in days if len(d) == 3)
    return datetime(int(year), int(month), int(day), tzinfo=UTC)


# ---------------------------------------------------------------- profiles


def top_functions(session, key: str = "own", limit: int = TOP_FRAMES) -> list[tuple[float, str, str]]:
    """The functions with the most sampled time: (seconds, function, file:line of its definition).

    ``own`` is the time a function ran itself; ``total`` includes what it called (a recursive
    function is counted once per stack).
    """
    root = session.root_frame()
    times: dict[tuple[str, str], float] = defaultdict(float)

    def visit(frame, active: frozenset) -> None:
        if frame.is_synthetic:  # pyinstrument's "[self]" leaves: already in their parent's own time
            return
        where = f"{frame.file_path_short or '?'}:{frame.line_no or 0}" if frame.file_path else "<built-in>"
        ident = (frame.function, where)
        if key == "own":
            times[ident] += frame.total_self_time
        elif ident not in active:
            times[ident] += frame.time
        for child in frame.children:
            visit(child, active | {ident})

    if root is not None:
        visit(root, frozenset())
    ranked = sorted(times.items(), key=lambda item: -item[1])[:limit]
    return [(seconds, function, where) for (function, where), seconds in ranked]


def _table(session, key: str, limit: int) -> str:
    duration = session.duration or 1.0
    rows = [
        f"{seconds:8.2f} s {100 * seconds / duration:5.1f}%  {function}  {where}"
        for seconds, function, where in top_functions(session, key, limit)
    ]
    return "\n".join(rows)


def _profiler():
    try:
        from pyinstrument import Profiler
    except ImportError:
        raise SystemExit("--profile needs pyinstrument: pip install -e '.[bench]'") from None
    profiler = Profiler(interval=PROFILE_INTERVAL)
    profiler.start()
    return profiler


def write_profile(session, profiler, folder: Path, build_name: str, label: str) -> None:
    """The reports of one profiled build in ``folder``, and its top functions on the terminal."""
    folder.mkdir(parents=True, exist_ok=True)
    session.target_description = f"AcademicHub site build: {label}"
    text = (
        "\n\n".join(
            [
                profiler.output_text(unicode=True),
                "Functions by own time (excluding what they call):\n" + _table(session, "own", 60),
                "Functions by total time (including what they call):\n" + _table(session, "total", 80),
            ]
        )
        + "\n"
    )
    (folder / f"{build_name}.txt").write_text(text, encoding="utf-8")
    (folder / f"{build_name}.html").write_text(profiler.output_html(), encoding="utf-8")
    session.save(folder / f"{build_name}.pyisession")
    print(f"  profile ({session.duration:.1f} s sampled): {folder / build_name}.txt, .html; functions by own time:")
    print("\n".join("  " + line for line in _table(session, "own", TOP_FRAMES).splitlines()), flush=True)


# ---------------------------------------------------------------- the benchmark


def one_build(job: dict) -> dict:
    """One measured build, in the process that runs it: its search time, its own peak RSS and
    Pagefind's (bytes), and its profile when asked for."""
    profiler = _profiler() if job["profile"] else None
    result = build(
        Path(job["content"]),
        Path(job["output"]),
        settings_file=Path(job["settings"]),
        rules=ROOT / "rules",
        state=Path(job["state"]),
        search=job["search"],
        jobs=job["jobs"],
    )
    if profiler:
        write_profile(profiler.stop(), profiler, Path(job["profile"]), job["name"], job["label"])
    return {
        "search": result.search_seconds if result.search else None,
        "peak_rss": own_peak_rss(),
        "pagefind_peaks": [b.peak_rss for b in result.search.indexed] if result.search else [],
        "shards": (len(result.shards_built), len(result.shards_kept)),
        # the largest process the build started and waited for: a shard's (or a Pagefind run)
        "child_peak": rss_bytes(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss),
    }


def archived_files(root: Path) -> frozenset[str]:
    """The files the closed months' shards wrote, as their manifests list them."""
    names: set[str] = set()
    for path in root.glob("build/pelican-cache/*/periods/*.json"):
        manifest = Manifest.load(path)
        if manifest is not None:
            names.update(manifest.files)
    return frozenset(names)


def archived_papers(root: Path) -> int:
    return sum(len(m.papers) for m in map(Manifest.load, root.glob("build/pelican-cache/*/periods/*.json")) if m)


def cost_table(output: Path, papers_now: int, archived: frozenset[str] = frozenset(), papers_archived: int = 0) -> str:
    """What each kind of file costs (files, MB, KB per paper of the site; the archive tier's files also
    per paper of the archive tier), and how many papers GitHub Pages' 1 GB holds at this cost per paper."""
    lines = ["| kind | files | MB | KB per paper | KB per archived paper |", "|---|---:|---:|---:|---:|"]
    total = 0
    for kind, (count, size) in cost_by_kind(output, archived).items():
        total += size
        tier = f"{size / papers_archived / 1e3:.2f}" if papers_archived and kind.startswith("archive tier") else ""
        lines.append(f"| {kind} | {count:,} | {size / 1e6:,.1f} | {size / papers_now / 1e3:.2f} | {tier} |")
    lines.append(f"| all | | {total / 1e6:,.1f} | {total / papers_now / 1e3:.2f} | |")
    return (
        "\n".join(lines)
        + f"\npapers per GB (GitHub Pages' {PAGES_LIMIT / 1e9:.0f} GB): {PAGES_LIMIT * papers_now / total:,.0f}"
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if answered(argv, "--one-build", one_build):
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=10_000, help="size of the generated archive")
    parser.add_argument("--days", type=int, default=200, help="days the generated archive spans")
    parser.add_argument(
        "--daily", type=int, default=DAILY_PAPERS, help=f"generated papers of each new day (default {DAILY_PAPERS})"
    )
    parser.add_argument("--archive", type=Path, help="build a copy of this ready-made archive (content/, state/)")
    parser.add_argument(
        "--next-day", type=Path, help="entries of the new day, copied in (default: --daily generated papers)"
    )
    parser.add_argument(
        "--profile", type=Path, metavar="DIR", help="profile each build with pyinstrument; reports go here"
    )
    parser.add_argument("--keep", type=Path, help="build here and keep the result (default: a temp folder)")
    parser.add_argument("--no-search", action="store_true", help="skip the Pagefind timing")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="processes building the closed months' shards"
    )
    parser.add_argument("--current-papers", type=int, help="ARCHIVE_CURRENT_PAPERS (default: pelicanconf.py's)")
    parser.add_argument("--no-empty-output", action="store_true", help="skip the rebuild into an empty output folder")
    args = parser.parse_args(argv)
    root = args.keep or Path(tempfile.mkdtemp(prefix="academichub-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    output, state = root / "output", root / "state"
    if args.archive:
        content = copy_archive(args.archive, root)
        entries = sum(1 for _ in content.rglob("*.md"))
        print(f"archive: {entries} entries, a copy of {args.archive} → {content}")
        start = newest_day(content) + timedelta(days=1)
        first = FIRST_AFTER_ARCHIVE
    else:
        content = root / "content"
        start = datetime(2026, 1, 1, tzinfo=UTC)
        archive = papers(args.papers, args.days, start)
        write(content, archive)
        authors = len({a.name for p in archive for a in p.authors})
        print(f"archive: {len(archive)} papers, {authors} distinct authors, {args.days} days → {content}")
        start += timedelta(days=args.days)
        first = args.papers
    settings = root / "pelicanconf.py"
    shutil.copy(ROOT / "pelicanconf.py", settings)  # keeps the Pelican cache inside the bench folder
    if args.current_papers is not None:
        with settings.open("a", encoding="utf-8") as handle:
            handle.write(f"\nARCHIVE_CURRENT_PAPERS = {args.current_papers}\n")
    job = {
        "content": str(content),
        "output": str(output),
        "settings": str(settings),
        "state": str(state),
        "search": not (args.no_search or args.profile),
        "profile": str(args.profile or ""),
        "jobs": args.jobs,
    }
    build_peak, pagefind_peak, child_peak = [0], [0], [0]  # bytes: the largest build, Pagefind run (one bundle), child

    def timed(label: str, build_name: str, note: str = "") -> None:
        # each build runs in a process of its own, as the daily job's does (a process that has
        # built before carries the previous build's objects, which slows the next one down)
        run = worker(Path(__file__), "--one-build", {**job, "name": build_name, "label": label})
        result = run.answer
        search = f", search {result['search']:.1f} s" if result["search"] is not None else ""
        built, kept = result["shards"]
        search += f", shards {built} built / {kept} kept" if built or kept else ""
        build_peak.append(result["peak_rss"])
        pagefind_peak.extend(result["pagefind_peaks"])
        child_peak.append(result["child_peak"])
        # CPU: the build and its Pagefind runs
        print(
            f"{label:30} {run.wall:6.1f} s wall, {run.cpu:6.1f} s CPU{search}  {note}", *run.said, sep="\n", flush=True
        )

    def generated_day(day: datetime, seed: int) -> int:
        write(content, papers(args.daily, 1, day, seed=seed, first=first + (seed - 11) * args.daily))
        return args.daily

    timed("full build (cold cache):", "full")
    timed("rebuild, nothing changed:", "unchanged", "(content cache warm, output folder kept)")
    added = add_entries(content, args.next_day) if args.next_day else generated_day(start, seed=11)
    timed(f"daily rebuild (+{added} papers):", "daily", "(content cache warm, output folder kept)")
    if not args.no_empty_output:
        added = generated_day(start + timedelta(days=1), seed=12)
        shutil.rmtree(output)
        timed(
            f"daily rebuild, empty output (+{added}):",
            "daily-empty-output",
            "(content cache warm, output folder not kept)",
        )
    print(
        f"peak RSS: builds {max(build_peak) / 2**20:.0f} MB, Pagefind {max(pagefind_peak) / 2**20:.0f} MB, "
        f"largest process a build started (a shard's or Pagefind) {max(child_peak) / 2**20:.0f} MB"
    )
    files = [p for p in output.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    papers_now = sum(1 for _ in (content / "papers").rglob("*.md"))
    html = sum(1 for p in files if p.suffix == ".html" and "pagefind" not in p.parts)
    print(
        f"output: {len(files)} files, {size / 1e6:.0f} MB, {html} HTML pages, "
        f"{size / papers_now / 1e3:.1f} KB per paper ({papers_now} papers)"
    )
    print(cost_table(output, papers_now, archived_files(root), archived_papers(root)))
    if not args.keep:
        shutil.rmtree(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
