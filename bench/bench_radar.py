"""The radar that learns, measured on real arXiv days with simulated readers, beside its peers' methods.

    python bench/bench_radar.py --corpus FOLDER [--readers 48] [--days 3] [--window 30] [--quick]

The corpus: a folder of real daily arXiv announcements, one ``YYYY-MM-DD.jsonl`` a day, one paper a line
(``id``, ``categories`` — the primary first —, ``authors``, ``title``, ``summary``), as the public repository
dw-dengwei/daily-arXiv-ai-enhanced keeps them on its ``data`` branch (``data/*.jsonl``, not the
``*_AI_enhanced_*`` files); arXiv's metadata is CC0. A paper belongs to the first day that lists it. The
measurements in docs/developer/radar-benchmark.md used the days 2026-05-15 to 2026-07-01 (11,017 papers;
with ``--window 10``, the 2,531 that the windows and the libraries hold are embedded)::

    git clone --branch data --depth 1 https://github.com/dw-dengwei/daily-arXiv-ai-enhanced arxiv-days
    python bench/bench_radar.py --corpus arxiv-days/data

The readers (four kinds, 12 each by default): a *specialist* follows one narrow category (cs.RO, cs.IT …),
a *cross-domain* reader two distant ones (either), a *sub-topic* reader the papers of a broad category that
are also in a narrow one (cs.CV ∧ cs.RO), a *broad* reader a big category or two (cs.CV, cs.CL ∪ cs.IR). A
paper is relevant to a reader when its categories say so. For each reader and each held-out radar day (the
last ``--days`` days with at least 150 new papers), the radar holds the ``--window`` days up to it (30, as
``RADAR_DAYS``); the reader has rated papers of the days before it (half 👍 among the relevant ones, half 👎
among the near misses: papers of the categories most often listed beside the reader's own), scrolled past
30 papers of the last three days without rating them, and follows 3–5 keywords of their own (the words or
word pairs that best pick their papers among the days before, as a reader who knows the field would choose
them). Each list is scored on the papers of the held-out day: nDCG@20 and P@10, averaged over the days,
then over the readers, with a 95 % bootstrap interval over the readers.

The radar's lists are computed by the site's own modules in Node (bench/radar_readers.mjs imports
theme/static/js/learn.js and radar.js), on the all-MiniLM-L6-v2 vectors quantised as the shards are; the
peers' methods are computed here: MiniLM similarity to the 👍 papers (zotero-arxiv-daily's ranking: the
mean cosine to the library, newer papers weighted more) and TF-IDF + a linear SVM (arxiv-sanity-lite's:
word and word-pair TF-IDF of the window, the 👍 papers against all others, class-balanced).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.site.learn import quantise, shard_bytes
from pipeline.site.scripts import scripts_beside_shared

WINDOW = 30  # the radar's RADAR_DAYS
KINDS = {  # (categories, how they combine): a paper is relevant when …
    "specialist": [
        (c,)
        for c in (
            "cs.RO",
            "cs.IT",
            "cs.GR",
            "cs.GT",
            "cs.CE",
            "cs.MA",
            "cs.CY",
            "cs.IR",
            "cs.HC",
            "cs.CR",
            "cs.MM",
            "cs.SE",
        )
    ],
    "cross-domain": [
        ("cs.GT", "cs.RO"),
        ("cs.IT", "cs.HC"),
        ("cs.GR", "cs.CY"),
        ("cs.CE", "cs.IR"),
        ("cs.MA", "cs.CR"),
        ("cs.SE", "cs.MM"),
        ("cs.RO", "cs.CY"),
        ("cs.GT", "cs.SD"),
        ("cs.IT", "cs.GR"),
        ("cs.CE", "cs.HC"),
        ("eess.SP", "cs.IR"),
        ("cs.LO", "cs.MM"),
    ],
    "sub-topic": [
        ("cs.CV", "cs.RO"),
        ("cs.CV", "cs.GR"),
        ("cs.CL", "cs.IR"),
        ("cs.AI", "cs.MA"),
        ("cs.AI", "cs.CY"),
        ("cs.CL", "cs.HC"),
        ("cs.CV", "cs.MM"),
        ("cs.CV", "eess.IV"),
        ("cs.AI", "cs.SE"),
        ("cs.CL", "cs.SD"),
        ("cs.AI", "cs.CR"),
        ("cs.CL", "cs.CY"),
    ],
    "broad": [
        ("cs.CV",),
        ("cs.CL",),
        ("cs.LG",),
        ("cs.AI",),
        ("cs.CV", "cs.MM"),
        ("cs.CL", "cs.SD"),
        ("cs.LG", "stat.ML"),
        ("cs.CV", "eess.IV"),
        ("cs.CL", "cs.IR"),
        ("cs.AI", "cs.LO"),
        ("cs.CV", "cs.RO"),
        ("cs.CL", "cs.HC"),
    ],
}
RATINGS = (10, 30)
SEEN = 30


@dataclass
class Paper:
    id: str
    day: str
    title: str
    abstract: str
    authors: list[str]
    categories: list[str]


@dataclass
class Reader:
    name: str
    kind: str
    categories: tuple[str, ...]
    seed: int
    near: set[str] = field(default_factory=set)

    def relevant(self, paper: Paper) -> bool:
        cats = set(paper.categories)
        if self.kind == "sub-topic":
            return all(c in cats for c in self.categories)
        return any(c in cats for c in self.categories)


def read_corpus(folder: Path) -> list[Paper]:
    """The papers of the folder's days, each on the first day that lists it, newest day first."""
    papers: dict[str, Paper] = {}
    for path in sorted(folder.glob("*.jsonl")):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}\.jsonl", path.name):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
                key = f"arxiv:{record['id']}"
                if key not in papers and record.get("summary") and record.get("categories"):
                    papers[key] = Paper(
                        key,
                        path.stem,
                        " ".join(record["title"].split()),
                        " ".join(record["summary"].split()),
                        list(record.get("authors") or []),
                        list(record["categories"]),
                    )
            except (ValueError, KeyError, TypeError):
                continue  # a damaged line: the others still count
    return sorted(papers.values(), key=lambda p: (p.day, p.id), reverse=True)


def embeddings(papers: list[Paper], cache: Path) -> np.ndarray:
    """all-MiniLM-L6-v2 rows of the papers (the semantic extra's model and text), cached by id."""
    from pipeline.semantic.embedders import LocalEmbedder, paper_text

    known: dict[str, np.ndarray] = {}
    if cache.exists():
        data = np.load(cache)
        known = dict(zip(data["ids"].tolist(), data["rows"]))
    missing = [p for p in papers if p.id not in known]
    if missing:
        started = time.perf_counter()
        rows = LocalEmbedder().embed([paper_text(p.title, p.abstract) for p in missing])
        known.update(zip((p.id for p in missing), rows))
        np.savez(cache, ids=np.array(list(known)), rows=np.stack(list(known.values())))
        print(f"embedded {len(missing):,} papers in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return np.stack([known[p.id] for p in papers]).astype(np.float32)


# ---------------------------------------------------------------- the simulated readers


def readers(count: int) -> list[Reader]:
    per_kind = max(1, count // len(KINDS))
    return [
        Reader(f"{kind}: {(' ∧ ' if kind == 'sub-topic' else ' ∪ ').join(c)}", kind, c, seed=1000 * k + i)
        for k, (kind, definitions) in enumerate(KINDS.items())
        for i, c in enumerate(definitions[:per_kind])
    ]


TOKEN = re.compile(r"[a-z][a-z0-9-]{2,}")
STOP = set(
    "the and for with that this from are was were which these those their our its into than then have has had been "
    "can could may might will would should also such using use used based via not but all any each more most other "
    "some both between over under about after before while where when how what who there here they them new show "
    "shows shown study paper results approach method methods model models data propose proposed work task tasks "
    "learning large framework performance existing however across two three one first".split()
)


@cache
def terms(text: str) -> frozenset[str]:
    words = [w for w in TOKEN.findall(text.lower()) if w not in STOP]
    return frozenset(words) | {f"{a} {b}" for a, b in zip(words, words[1:])}


def own_keywords(reader: Reader, history: list[Paper], index: dict[str, set[str]], n: int) -> list[str]:
    """The n words or word pairs that pick the reader's papers best among the days before (``index``: term → the
    ids of the papers of those days whose title or abstract holds it): each adds the term that most raises the
    F1 of "matches any" — what a reader who knows the field would follow."""
    relevant = {p.id for p in history if reader.relevant(p)}
    counts = Counter(t for p in history if p.id in relevant for t in terms(f"{p.title} {p.abstract}"))
    pool = [t for t, c in sorted(counts.items(), key=lambda tc: (-tc[1], tc[0]))[:300] if c >= 2]  # ties by name
    chosen: list[str] = []
    covered: set[str] = set()

    def f1(ids: set[str]) -> float:
        hit = len(ids & relevant)
        return 2 * hit / (len(ids) + len(relevant)) if ids else 0.0

    for _ in range(n):
        best = max((t for t in pool if t not in chosen), key=lambda t: (f1(covered | index[t]), t), default=None)
        if best is None or f1(covered | index[best]) <= f1(covered):
            break
        chosen.append(best)
        covered |= index[best]
    return chosen


def near_categories(reader: Reader, history: list[Paper]) -> set[str]:
    """The three categories most often listed beside the reader's relevant papers (their near misses' fields)."""
    counts = Counter(c for p in history if reader.relevant(p) for c in p.categories if c not in reader.categories)
    return {c for c, _ in counts.most_common(3)}


# ---------------------------------------------------------------- the peers' methods (computed here)


def similarity_ranking(vectors: np.ndarray, today: list[int], liked: list[int]) -> list[int]:
    """zotero-arxiv-daily: each new paper's cosine to the library's papers, averaged with weights 1 / (1 + log10(rank))
    (rank 1 the newest addition) — the library here is the 👍 papers, newest rated last."""
    if not liked:
        return []
    library = vectors[liked[::-1]]
    weights = 1 / (1 + np.log10(np.arange(len(liked)) + 1))
    weights /= weights.sum()
    scores = (vectors[today] @ library.T) @ weights
    return [today[i] for i in np.argsort(-scores, kind="stable")]


def svm_ranking(tfidf, window: list[int], today: list[int], liked: list[int]) -> list[int]:
    """arxiv-sanity-lite: a linear SVM (C = 0.01, balanced classes) on the window's TF-IDF, 👍 papers against
    all others."""
    from sklearn.svm import LinearSVC

    if not liked:
        return []
    rows = tfidf[window]
    labels = np.isin(window, liked).astype(int)
    svm = LinearSVC(class_weight="balanced", C=0.01, tol=1e-6, max_iter=10000)
    svm.fit(rows, labels)
    scores = svm.decision_function(tfidf[today])
    return [today[i] for i in np.argsort(-scores, kind="stable")]


# ---------------------------------------------------------------- scores


def ndcg(ranking: list[str], relevant: set[str], k: int = 20) -> float:
    ideal = sum(1 / np.log2(i + 2) for i in range(min(k, len(relevant))))
    return (
        sum(1 / np.log2(i + 2) for i, x in enumerate(ranking[:k]) if x in relevant) / ideal if ideal else float("nan")
    )


def precision(ranking: list[str], relevant: set[str], k: int = 10) -> float:
    return sum(x in relevant for x in ranking[:k]) / k


def bootstrap(values: np.ndarray, rng: np.random.Generator, draws: int = 2000) -> tuple[float, float, float]:
    """The mean and its 95 % percentile interval, resampling the readers."""
    means = values[rng.integers(0, len(values), size=(draws, len(values)))].mean(axis=1)
    return float(values.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="a folder of YYYY-MM-DD.jsonl arXiv days")
    parser.add_argument(
        "--readers", type=int, default=48, help="simulated readers, spread over the four kinds (default 48)"
    )
    parser.add_argument("--days", type=int, default=3, help="held-out radar days per reader (default 3)")
    parser.add_argument("--window", type=int, default=WINDOW, help=f"the radar's days (default {WINDOW}, RADAR_DAYS)")
    parser.add_argument("--cache", type=Path, help="where the embeddings are kept (default: CORPUS/minilm.npz)")
    parser.add_argument("--quick", action="store_true", help="8 readers, 2 days, no TF-IDF SVM")
    parser.add_argument("--json", type=Path, help="also write every per-reader score here")
    options = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    n_readers, n_days = (8, 2) if options.quick else (options.readers, options.days)

    papers = read_corpus(options.corpus)
    by_day: dict[str, list[int]] = {}
    for i, p in enumerate(papers):
        by_day.setdefault(p.day, []).append(i)
    days = sorted(by_day)
    held_out = [
        d
        for d in days
        if len(by_day[d]) >= 150
        and date.fromisoformat(d) - timedelta(days=options.window) >= date.fromisoformat(days[0]) + timedelta(days=7)
    ][-n_days:]
    people = readers(n_readers)
    first = date.fromisoformat(held_out[0]) - timedelta(
        days=options.window
    )  # no held-out day's window reaches back to it
    older = [i for i, p in enumerate(papers) if date.fromisoformat(p.day) <= first]
    libraries = {}  # each reader's imported library: 10 of their papers from before every window
    for reader in people:
        theirs = [i for i in older if reader.relevant(papers[i])]
        if len(theirs) >= 10:
            libraries[reader.name] = [
                int(i) for i in np.random.default_rng(reader.seed).choice(theirs, 10, replace=False)
            ]
    needed = sorted(
        {i for i, p in enumerate(papers) if date.fromisoformat(p.day) > first}
        | {i for v in libraries.values() for i in v}
    )
    papers = [papers[i] for i in needed]  # the papers the radar's windows and the libraries hold, newest day first
    position = {i: k for k, i in enumerate(needed)}
    libraries = {name: [position[i] for i in chosen] for name, chosen in libraries.items()}
    by_day = {}
    for i, p in enumerate(papers):
        by_day.setdefault(p.day, []).append(i)
    days = sorted(by_day)
    vectors = embeddings(papers, options.cache or options.corpus / "minilm.npz")
    print(
        f"corpus: {len(papers):,} papers over {len(days)} days ({days[0]} – {days[-1]}); "
        f"held-out days {', '.join(held_out)}; "
        f"{len(people)} readers",
        file=sys.stderr,
    )

    cases, truth = [], {}
    peers: dict[str, dict[str, list[str]]] = {}
    tfidf_by_day = {}
    for day in held_out:
        end = date.fromisoformat(day)
        window = [
            i for d in days if end - timedelta(days=options.window) < date.fromisoformat(d) <= end for i in by_day[d]
        ]
        history = [i for i in window if papers[i].day < day]
        recent = [i for d in [d for d in days if d < day][-3:] for i in by_day[d]]
        today = by_day[day]
        index: dict[str, set[str]] = {}
        for i in history:
            for term in terms(f"{papers[i].title} {papers[i].abstract}"):
                index.setdefault(term, set()).add(papers[i].id)
        if not options.quick:
            from sklearn.feature_extraction.text import TfidfVectorizer

            vectorizer = TfidfVectorizer(
                strip_accents="unicode",
                stop_words="english",
                ngram_range=(1, 2),
                max_features=20000,
                sublinear_tf=True,
                max_df=0.1,
                min_df=5,
                token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b",
            )
            matrix = vectorizer.fit_transform([f"{papers[i].title}. {papers[i].abstract}" for i in window])
            tfidf_by_day[day] = (matrix, {i: k for k, i in enumerate(window)})
        for reader in people:
            rng = np.random.default_rng(reader.seed * 100 + held_out.index(day))
            hist = [papers[i] for i in history]
            relevant_today = {papers[i].id for i in today if reader.relevant(papers[i])}
            if not relevant_today:
                continue
            reader.near = near_categories(reader, hist)
            positives = [i for i in history if reader.relevant(papers[i])]
            near = [i for i in history if not reader.relevant(papers[i]) and reader.near & set(papers[i].categories)]
            others = [i for i in history if not reader.relevant(papers[i])]
            keywords = own_keywords(reader, hist, index, 3 + reader.seed % 3)
            key = f"{reader.name}|{day}"
            truth[key] = (reader, relevant_today)
            base = {"day": day, "keywords": keywords, "ratings": {}, "seen": {}}
            cases.append({**base, "key": f"{key}|keywords|0", "variant": "keywords"})
            cases.append({**base, "key": f"{key}|cold-follows|0", "variant": "vectors"})
            if reader.name in libraries:
                chosen = libraries[reader.name]
                cases.append(
                    {
                        **base,
                        "key": f"{key}|cold-library|0",
                        "variant": "vectors",
                        "keywords": [],
                        "ratings": {papers[i].id: {"r": 1} for i in chosen},
                    }
                )
            for n in RATINGS:
                if len(positives) < n // 2:
                    continue
                liked = [int(i) for i in rng.choice(positives, n // 2, replace=False)]
                pool = near if len(near) >= n - n // 2 else others
                disliked = [int(i) for i in rng.choice(pool, n - n // 2, replace=False)]
                ratings = {papers[i].id: {"r": 1} for i in liked} | {papers[i].id: {"r": -1} for i in disliked}
                unrated = [i for i in recent if papers[i].id not in ratings]
                seen = {papers[i].id: 1 for i in rng.choice(unrated, min(SEEN, len(unrated)), replace=False)}
                state = {**base, "ratings": ratings, "seen": seen}
                likes_only = {k: v for k, v in ratings.items() if v["r"] == 1}
                for variant, extra in (
                    ("shown", {}),
                    ("explore-20", {"explore": 0.2}),
                    ("no-dislikes", {"ratings": likes_only}),
                    ("no-follows", {"keywords": []}),
                    ("no-seen", {"seen": {}}),
                ):
                    cases.append({**state, **extra, "key": f"{key}|{variant}|{n}", "variant": "vectors"})
                cases.append({**state, "key": f"{key}|words|{n}", "variant": "words"})
                peers.setdefault(key, {})[f"similarity|{n}"] = [
                    papers[i].id for i in similarity_ranking(vectors, today, liked)
                ]
                if not options.quick:
                    matrix, at = tfidf_by_day[day]
                    ranking = svm_ranking(
                        matrix, list(range(len(window))), [at[i] for i in today], [at[i] for i in liked]
                    )
                    peers[key][f"svm|{n}"] = [papers[window[k]].id for k in ranking]

    with tempfile.TemporaryDirectory(prefix="academichub-bench-radar-") as folder:
        scripts = scripts_beside_shared(Path(folder))
        job = Path(folder) / "job.json"
        rows = Path(folder) / "rows.i8"
        rows.write_bytes(shard_bytes(*quantise(vectors)))
        job.write_text(
            json.dumps(
                {
                    "papers": [
                        {
                            "id": p.id,
                            "title": p.title,
                            "abstract": p.abstract[:600],
                            "authors": p.authors,
                            "day": p.day,
                            "tags": [],
                            "topics": [],
                        }
                        for p in papers
                    ],
                    "vectors": str(rows),
                    "dims": int(vectors.shape[1]),
                    "window": options.window,
                    "cases": cases,
                }
            )
        )
        started = time.perf_counter()
        lists = json.loads(
            subprocess.run(
                ["node", str(ROOT / "bench" / "radar_readers.mjs"), str(job), str(scripts)],
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            ).stdout
        )
        print(f"{len(cases):,} lists in Node in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    report(lists, peers, truth, options.json)


ROWS = (  # (label, method key, ratings)
    ('the "for you" list as shown', "shown", None),
    ("— with 20 % exploration", "explore-20", None),
    ("— without the 👎 ratings", "no-dislikes", None),
    ("— without the followed keywords", "no-follows", None),
    ("— without the papers scrolled past", "no-seen", None),
    ("the site without the semantic extra (hashed words)", "words", None),
    ("the reader's own keywords, ranked by matches (the radar's keyword list)", "keywords", 0),
    ("MiniLM similarity to the 👍 papers (zotero-arxiv-daily)", "similarity", None),
    ("TF-IDF + linear SVM (arxiv-sanity-lite)", "svm", None),
)


def report(lists: dict, peers: dict, truth: dict, dump: Path | None) -> None:
    rng = np.random.default_rng(5)

    def scores(method: str, n: int) -> dict[str, list[tuple[float, float]]]:
        per_reader: dict[str, list[tuple[float, float]]] = {}
        for key, (reader, relevant) in truth.items():
            ranked = (
                (lists.get(f"{key}|{method}|{n}") or {}).get("ids")
                if method not in ("similarity", "svm")
                else peers.get(key, {}).get(f"{method}|{n}")
            )
            if ranked is None:
                continue
            per_reader.setdefault(reader.name, []).append((ndcg(ranked, relevant), precision(ranked, relevant)))
        return per_reader

    def cell(per_reader) -> str:
        if not per_reader:
            return "—"
        values = np.array([np.mean([s[0] for s in v]) for v in per_reader.values()])
        mean, low, high = bootstrap(values, rng)
        p10 = np.mean([np.mean([s[1] for s in v]) for v in per_reader.values()])
        return f"{mean:.3f} [{low:.3f}, {high:.3f}] / {p10:.2f}"

    kinds = list(KINDS)
    reader_kind = {reader.name: reader.kind for reader, _ in truth.values()}
    print("| nDCG@20 [95 % interval] / P@10, mean over readers | 10 ratings | 30 ratings |")
    print("|---|---|---|")
    for label, method, fixed in ROWS:
        print(
            f"| {label} | "
            + " | ".join(cell(scores(method, fixed if fixed is not None else n)) for n in RATINGS)
            + " |"
        )
    print()
    print("| with no rating (nDCG@20 [95 %] / P@10) | all readers |")
    print("|---|---|")
    for label, method in (
        ('"for you" from the followed keywords alone', "cold-follows"),
        ('"for you" from an imported library of 10 older papers', "cold-library"),
        ("the radar's keyword list", "keywords"),
    ):
        print(f"| {label} | {cell(scores(method, 0))} |")
    print()
    print("| nDCG@20 by kind of reader (10 / 30 ratings) | " + " | ".join(kinds) + " |")
    print("|---|" + "---|" * len(kinds))
    for label, method, fixed in ROWS:
        cells = []
        for kind in kinds:
            parts = []
            for n in RATINGS:
                per = {
                    k: v for k, v in scores(method, fixed if fixed is not None else n).items() if reader_kind[k] == kind
                }
                parts.append(f"{np.mean([np.mean([s[0] for s in v]) for v in per.values()]):.2f}" if per else "—")
            cells.append(" / ".join(parts))
        print(f"| {label} | " + " | ".join(cells) + " |")
    timings = [v["ms"] for k, v in lists.items() if k.endswith("|shown|30")]
    if timings:
        print(
            "\nfollows, training and ranking in Node (the radar's window, 30 ratings): "
            f"median {np.median(timings):.0f} ms"
        )
    if dump:
        dump.write_text(
            json.dumps(
                {
                    f"{m}|{n}": {r: v for r, v in scores(m, n).items()}
                    for _, m, f in ROWS
                    for n in ((f,) if f is not None else RATINGS)
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
