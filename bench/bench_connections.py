"""How often the extractive daily brief's connections are right.

    python bench/bench_connections.py --quick                     # the captured arXiv feeds in tests/fixtures
    python bench/bench_connections.py --corpus arxiv-metadata.json # a larger arXiv metadata file
    python bench/bench_connections.py --days-dir data/ --days 20   # real days, one YYYY-MM-DD.jsonl each

Each paper's topic is its primary arXiv category; simulated days of ``--day`` papers are drawn from the
corpus (seeded) and the brief's connections (``pipeline.brief.connect.connections``) are proposed on
each (a connection proposed on several days counts once).  A connection is *right* when its papers
share a category beyond their topics' own (strict), and *related* when they share any category (one
paper is cross-listed in the other's topic).  Shares come with a 95 % bootstrap interval; random
cross-topic pairs of the same days give the base rate.

``--corpus`` reads JSON lines with ``id``, ``title``, ``abstract`` and ``categories`` (space-separated,
primary first): the format of the public arXiv metadata snapshot (CC0).

``--days-dir`` reads real days instead of drawing them: the arXiv days ``bench/bench_radar.py`` reads
(one ``YYYY-MM-DD.jsonl`` a day, each paper on the first day that lists it).  The last ``--days`` days
are the report days; ``--tune`` takes the ``--days`` days before them instead, the ones thresholds may
be chosen on.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_radar import read_corpus
from bench.bench_semantic import labelled_set
from pipeline.brief.connect import Document, connections

Paper = tuple[str, str, tuple[str, ...]]  # id, title + abstract, categories (primary first)


def captured() -> list[Paper]:
    return [
        (p.id, f"{p.title}. {p.abstract}", tuple(p.categories))
        for p, category, _ in labelled_set()
        if ":" not in category and p.categories
    ]


def corpus(path: Path, limit: int) -> list[Paper]:
    out = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            out.append((record["id"], f"{record['title']}. {record['abstract']}", tuple(record["categories"].split())))
            if len(out) == limit:
                break
    return out


def real_days(folder: Path, count: int, tune: bool) -> list[list[Paper]]:
    by_day: dict[str, list[Paper]] = {}
    for paper in read_corpus(folder):
        by_day.setdefault(paper.day, []).append((paper.id, f"{paper.title}. {paper.abstract}", tuple(paper.categories)))
    days = [by_day[d] for d in sorted(by_day)]
    return days[-2 * count : -count] if tune else days[-count:]


def judge(papers: list[Paper]) -> tuple[bool, bool]:
    shared = set(papers[0][2]).intersection(*(p[2] for p in papers[1:]))
    return bool(shared - {p[2][0] for p in papers}), bool(shared)


def bootstrap(values: list[bool], rng: random.Random, rounds: int = 2000) -> tuple[float, float, float]:
    if not values:
        return 0.0, 0.0, 0.0
    shares = sorted(sum(rng.choices(values, k=len(values))) / len(values) for _ in range(rounds))
    return sum(values) / len(values), shares[int(0.025 * rounds)], shares[int(0.975 * rounds) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the captured arXiv feeds of tests/fixtures")
    parser.add_argument("--corpus", type=Path, help="arXiv metadata as JSON lines")
    parser.add_argument("--days-dir", type=Path, help="real days, one YYYY-MM-DD.jsonl each")
    parser.add_argument("--tune", action="store_true", help="with --days-dir: the days before the report days")
    parser.add_argument("--limit", type=int, default=20000, help="papers read from --corpus")
    parser.add_argument("--days", type=int, default=200)
    parser.add_argument("--day", type=int, default=30, help="papers per simulated day")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not args.quick and args.corpus is None and args.days_dir is None:
        parser.error("give --quick, --corpus or --days-dir")
    rng = random.Random(args.seed)
    if args.days_dir:
        days = real_days(args.days_dir, args.days, args.tune)
        pool = [p for day in days for p in day]
    else:
        pool = captured() if args.quick else corpus(args.corpus, args.limit)
        days = [rng.sample(pool, min(args.day, len(pool))) for _ in range(20 if args.quick else args.days)]
    proposed: dict[tuple[str, ...], tuple[bool, bool]] = {}  # a connection proposed on several days counts once
    base: list[tuple[bool, bool]] = []
    for day in days:
        by_id = {p[0]: p for p in day}
        for link in connections([Document(p[0], p[2][0], p[1]) for p in day]):
            proposed[link.ids] = judge([by_id[i] for i in link.ids])
        cross = [(a, b) for n, a in enumerate(day) for b in day[n + 1 :] if a[2][0] != b[2][0]]
        base += [judge(list(pair)) for pair in rng.sample(cross, min(4, len(cross)))]
    print(
        f"corpus: {len(pool)} papers, {len({p[2][0] for p in pool})} primary categories; "
        f"{len(days)} days of {min(map(len, days))}–{max(map(len, days))} papers (seed {args.seed})"
    )
    for name, rows in (("proposed connections", list(proposed.values())), ("random cross-topic pairs", base)):
        for label, k in (("share a category beyond their topics", 0), ("share any category", 1)):
            share, low, high = bootstrap([r[k] for r in rows], random.Random(args.seed))
            print(f"{name:26} {label:38} {share:6.1%}  95% CI {low:.1%}–{high:.1%}  (n = {len(rows)})")


if __name__ == "__main__":
    main()
