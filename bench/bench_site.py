"""Benchmark: build the website for a generated archive (default 10,000 papers, ~35,000 authors).

    python bench/bench_site.py [--papers 10000] [--days 200] [--keep DIR]

Prints the time of a cold full build (no Pelican cache), of the daily rebuild (cache warm,
one new day of papers added) and of the Pagefind index, plus the output size. Entries are
written by the pipeline's own writer, so they look exactly like real ones.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.models import Author, Paper, Selection  # noqa: E402
from pipeline.site import build, index_search  # noqa: E402
from pipeline.write import atomic_write, entry_path, render_entry  # noqa: E402

SYLLABLES = "an bo chen da el fa gu hao in jun ka li mo na ou pe qi ru si ta wu xi ya ze lo ri ve ma ko".split()
TOPICS = [("language-models", ["language model*", "alignment"], "cs.CL"), ("llm-agents", ["agent*", "tool use"], "cs.AI"),
          ("quantum-information", ["qubit*", "entanglement"], "quant-ph"), ("efficient-llm", ["quantization", "distillation"], "cs.LG"),
          ("llm-reasoning", ["reasoning", "chain of thought"], "cs.AI"), ("cancer-biology", ["tumor*", "metastas*"], "q-bio.CB")]
WORDS = ("model data learning method results show propose novel approach training inference robust efficient scalable "
         "theory experiment benchmark quantum state circuit noise error signal protein cell tumour network graph").split()


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
        out.append(Paper(
            id=f"arxiv:{day:%y%m}.{i:05d}", title=" ".join(rng.choice(WORDS) for _ in range(9)).title(),
            source="arxiv-bench", source_label=f"arXiv ({category.upper()})", version=1,
            authors=tuple(Author(a) for a in dict.fromkeys(authors)), abstract=abstract, categories=(category,),
            published=day, updated=day, url=f"https://arxiv.org/abs/{day:%y%m}.{i:05d}",
            pdf=f"https://arxiv.org/pdf/{day:%y%m}.{i:05d}v1", arxiv_id=f"{day:%y%m}.{i:05d}",
            topics=(Selection(topic, 2, keywords=(rng.choice(keywords),), categories=(category,)),)))
    return out


def write(content: Path, items: list[Paper]) -> None:
    for paper in items:
        atomic_write(content / entry_path(paper), render_entry(paper))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="build here and keep the result (default: a temp folder)")
    parser.add_argument("--no-search", action="store_true", help="skip the Pagefind timing")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="academichub-bench-"))
    content, output = root / "content", root / "output"
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    archive = papers(args.papers, args.days, start)
    write(content, archive)
    authors = len({a.name for p in archive for a in p.authors})
    print(f"archive: {len(archive)} papers, {authors} distinct authors, {args.days} days → {content}")
    settings = root / "pelicanconf.py"
    shutil.copy(ROOT / "pelicanconf.py", settings)  # keeps the Pelican cache inside the bench folder
    common = dict(settings_file=settings, rules=ROOT / "rules", state=root / "state", search=False)

    def timed(label: str, note: str = "") -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        build(content, output, **common)
        print(f"{label:30} {time.perf_counter() - wall:6.1f} s wall, {time.process_time() - cpu:6.1f} s CPU  {note}")

    timed("full build (cold cache):")
    timed("rebuild, nothing changed:", "(content cache warm, output folder kept)")
    new_day = start + timedelta(days=args.days)
    write(content, papers(60, 1, new_day, seed=11, first=args.papers))
    timed("daily rebuild (+60 papers):", "(content cache warm, output folder kept)")
    write(content, papers(60, 1, new_day + timedelta(days=1), seed=12, first=args.papers + 60))
    shutil.rmtree(output)
    timed("daily rebuild, empty output:", "(content cache warm, output folder not kept)")
    if not args.no_search:
        print(f"pagefind index:                {index_search(output):6.1f} s")
    files = [p for p in output.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(f"output: {len(files)} files, {size / 1e6:.0f} MB")
    if not args.keep:
        shutil.rmtree(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
