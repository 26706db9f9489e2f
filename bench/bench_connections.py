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

``--embeddings`` also measures the brief's connections with the semantic extra: all-MiniLM-L6-v2 rows
(cached in ``--cache``), the day's clusters and pairs across topics (``links_among``, thresholds from
``--cluster-similarity`` and ``--link-similarity``) given to ``connections`` first.

Categories are too broad to tell whether two papers share a subject, so ``--sample FILE`` writes a
checked sample: ``--sample-size`` connections of each kind and as many random cross-topic pairs,
shuffled together (seeded), each with both titles, the shared terms and the opening of both abstracts,
and an empty verdict for a reader to fill in ("yes" when both papers address a common technical
subject: the same task, method, object of study or dataset).  ``--score FILE`` reads the verdicts back
and prints each source's share of "yes" with its bootstrap interval.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_radar import embeddings, read_corpus
from bench.bench_semantic import labelled_set
from pipeline.brief.connect import Document, connections, shared_terms, vectors
from pipeline.brief.extractive import sentences

SOURCES = {"tfidf": "TF-IDF connection", "embedding": "connection with embeddings", "random": "random cross-topic pair"}

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


def real_days(folder: Path, count: int, tune: bool, cache: Path | None) -> tuple[list[list[Paper]], dict]:
    """The days' papers and, with ``cache``, their embeddings by id."""
    by_day: dict[str, list] = {}
    for paper in read_corpus(folder):
        by_day.setdefault(paper.day, []).append(paper)
    chosen = sorted(by_day)[-2 * count : -count] if tune else sorted(by_day)[-count:]
    days = [[(p.id, f"{p.title}. {p.abstract}", tuple(p.categories)) for p in by_day[d]] for d in chosen]
    if cache is None:
        return days, {}
    papers = [p for d in chosen for p in by_day[d]]
    return days, dict(zip((p.id for p in papers), embeddings(papers, cache)))


def embedded(day: list[Paper], rows: dict, config) -> list[tuple[tuple[str, ...], float]]:
    """The day's measured links as the daily brief receives them with the semantic extra."""
    import numpy as np

    from pipeline.semantic.views import links_among

    ids = sorted(p[0] for p in day)
    topic_of = {p[0]: p[2][0] for p in day}
    return [
        (link.ids, link.similarity) for link in links_among(ids, np.stack([rows[i] for i in ids]), topic_of, config)
    ]


def opening(text: str, limit: int = 240) -> str:
    """The title, then the abstract's first sentence, shortened to ``limit`` characters."""
    title, _, abstract = text.partition(". ")
    first = (sentences(abstract) or [abstract])[0]
    return f"**{title}** — {first[:limit] + '…' * (len(first) > limit)}"


def write_sample(path: Path, rows: list[tuple[str, list[Paper], tuple[str, ...]]], seed: int) -> None:
    lines = [
        "# Checked sample of cross-domain connections",
        "",
        f"Written by `bench/bench_connections.py --sample` (seed {seed}); the verdicts were filled in by",
        "reading each item: **yes** when both (all) papers address a common technical subject — the same",
        "task, method, object of study or dataset, not merely a field such as deep learning — else **no**.",
        "Items of all sources are shuffled together; the source was read after the verdict.",
        "",
    ]
    for n, (source, papers, common) in enumerate(rows, 1):
        lines += [f"## {n}", ""]
        lines += [f"- {p[0]} ({', '.join(p[2])}): {opening(p[1])}" for p in papers]
        lines += [f"- shared terms: {', '.join(common) or '—'}", f"- source: {source}", "- verdict: ", "- reason: ", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def score(path: Path, seed: int) -> None:
    source = verdict = None
    found: dict[str, list[bool]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("- source: "):
            source = line.removeprefix("- source: ").strip()
        elif line.startswith("- verdict: ") and source:
            verdict = line.removeprefix("- verdict: ").strip().lower()
            if verdict in ("yes", "no"):
                found.setdefault(source, []).append(verdict == "yes")
    for name, key in ((v, k) for k, v in SOURCES.items()):
        values = found.get(key, [])
        share, low, high = bootstrap(values, random.Random(seed))
        print(f"{name:28} share a subject {share:6.1%}  95% CI {low:.1%}–{high:.1%}  (n = {len(values)})")


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
    parser.add_argument("--threshold", type=float, default=0.04, help="TF-IDF cosine of a connection")
    parser.add_argument("--embeddings", action="store_true", help="with --days-dir: also the semantic extra's")
    parser.add_argument("--cache", type=Path, help="embeddings cache (default: DAYS_DIR/minilm.npz)")
    parser.add_argument("--cluster-similarity", type=float, help="the semantic extra's cluster_similarity")
    parser.add_argument("--link-similarity", type=float, help="the semantic extra's link_similarity")
    parser.add_argument("--sample", type=Path, help="with --days-dir: write a checked sample here")
    parser.add_argument("--sample-size", type=int, default=30)
    parser.add_argument("--score", type=Path, help="read a checked sample's verdicts")
    args = parser.parse_args()
    if args.score:
        return score(args.score, args.seed)
    if not args.quick and args.corpus is None and args.days_dir is None:
        parser.error("give --quick, --corpus, --days-dir or --score")
    rng = random.Random(args.seed)
    semantic = args.days_dir is not None and args.embeddings
    if args.days_dir:
        cache = (args.cache or args.days_dir / "minilm.npz") if semantic else None
        days, rows = real_days(args.days_dir, args.days, args.tune, cache)
        pool = [p for day in days for p in day]
    else:
        pool = captured() if args.quick else corpus(args.corpus, args.limit)
        days = [rng.sample(pool, min(args.day, len(pool))) for _ in range(20 if args.quick else args.days)]
    config = None
    if semantic:
        from pipeline.config.semantic import SemanticConfig

        overrides = {"cluster_similarity": args.cluster_similarity, "link_similarity": args.link_similarity}
        config = SemanticConfig(**{k: v for k, v in overrides.items() if v is not None})
    # a connection proposed on several days counts once: (papers, shared terms) by ids
    proposed: dict[str, dict[tuple[str, ...], tuple[list[Paper], tuple[str, ...]]]] = {"tfidf": {}, "embedding": {}}
    base: list[tuple[list[Paper], tuple[str, ...]]] = []
    measures: dict[str, int] = {}
    for day in days:
        by_id = {p[0]: p for p in day}
        docs = [Document(p[0], p[2][0], p[1]) for p in day]
        for link in connections(docs, threshold=args.threshold):
            proposed["tfidf"][link.ids] = ([by_id[i] for i in link.ids], link.terms)
        if semantic:
            for link in connections(docs, threshold=args.threshold, measured=embedded(day, rows, config)):
                proposed["embedding"][link.ids] = ([by_id[i] for i in link.ids], link.terms)
                measures[link.measure] = measures.get(link.measure, 0) + 1
        cross = [(a, b) for n, a in enumerate(day) for b in day[n + 1 :] if a[2][0] != b[2][0]]
        for pair in rng.sample(cross, min(4, len(cross))):
            vecs = vectors([Document(p[0], p[2][0], p[1]) for p in pair])
            base.append((list(pair), shared_terms(vecs)))
    print(
        f"corpus: {len(pool)} papers, {len({p[2][0] for p in pool})} primary categories; "
        f"{len(days)} days of {min(map(len, days))}–{max(map(len, days))} papers (seed {args.seed})"
    )
    if measures:
        print("connections with embeddings by measure: " + ", ".join(f"{k} {v}" for k, v in sorted(measures.items())))
    found = {"tfidf": list(proposed["tfidf"].values()), "embedding": list(proposed["embedding"].values())}
    found["random"] = base
    for key, items in found.items():
        if not items:
            continue
        judged = [judge(papers) for papers, _ in items]
        for label, k in (("share a category beyond their topics", 0), ("share any category", 1)):
            share, low, high = bootstrap([r[k] for r in judged], random.Random(args.seed))
            print(f"{SOURCES[key]:28} {label:38} {share:6.1%}  95% CI {low:.1%}–{high:.1%}  (n = {len(judged)})")
    if args.sample:
        rows_out = [  # each source's items drawn apart, so a source measured or not leaves the others' alone
            (key, *item)
            for key, items in found.items()
            for item in random.Random(args.seed).sample(
                sorted(items, key=lambda i: [p[0] for p in i[0]]), min(args.sample_size, len(items))
            )
        ]
        picker = random.Random(args.seed)
        picker.shuffle(rows_out)
        write_sample(args.sample, rows_out, args.seed)
        print(f"sample of {len(rows_out)} written to {args.sample}")


if __name__ == "__main__":
    main()
