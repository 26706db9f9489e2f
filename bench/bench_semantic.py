"""The semantic radar's figures: embedding speed, storage, related-paper time, and quality.

    python bench/bench_semantic.py            # everything (needs the semantic extra)
    python bench/bench_semantic.py --quick    # smaller sizes, for a quick look

1. Embedding 2,000 abstracts with the local all-MiniLM-L6-v2 on the CPU, 2 threads
   (real abstracts from the captured feeds in tests/fixtures/feeds, cycled to 2,000).
2. Bytes on disk for 10,000 papers in ``state/embeddings`` (float16 + id index), and
   after zlib (what git stores).
3. Related papers (top 6 of every paper across the archive) at 10,000 and 50,000 papers,
   and the time to load the store.
4. Quality on a labelled set built from the captured feeds: each paper labelled with its
   primary category (arXiv) or subject (bioRxiv/medRxiv) and the field it belongs to;
   papers of the same category should be nearer than papers of distant fields.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import zlib
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.fetch.normalise import normalise
from pipeline.fetch.sources import arxiv_api, arxiv_oai, arxiv_rss, biorxiv, source_settings
from pipeline.models import Paper
from pipeline.semantic.analysis import extend_nearest, nearest
from pipeline.semantic.embedders import LocalEmbedder, paper_text
from pipeline.semantic.store import Store

FEEDS = ROOT / "tests" / "fixtures" / "feeds"
FIELDS = {  # arXiv archive (or bioRxiv/medRxiv) -> field
    "cs": "computing",
    "eess": "computing",
    "stat": "computing",
    "quant-ph": "physics",
    "cond-mat": "physics",
    "physics": "physics",
    "astro-ph": "physics",
    "hep-ph": "physics",
    "hep-th": "physics",
    "gr-qc": "physics",
    "nucl-th": "physics",
    "math": "mathematics",
    "biorxiv": "life sciences",
    "medrxiv": "life sciences",
}


def labelled_set() -> list[tuple[Paper, str, str]]:
    """(paper, category, field) for every paper of the captured feeds that has an abstract and a category."""
    items = []
    for folder, parse, source in (
        (
            "arxiv_rss",
            lambda b, s: arxiv_rss.parse(b, s).items,
            source_settings(id="rss", kind="arxiv_rss", label="x", categories=["cs"]),
        ),
        (
            "arxiv_api",
            lambda b, s: arxiv_api.parse(b, s)[0],
            source_settings(id="api", kind="arxiv_api", label="x", query="q"),
        ),
        (
            "arxiv_oai",
            lambda b, s: arxiv_oai.parse(b, s)[0],
            source_settings(id="oai", kind="arxiv_oai", label="x", set="cs"),
        ),
        ("biorxiv", lambda b, s: biorxiv.parse(b, s)[0], source_settings(id="biorxiv", kind="biorxiv", label="x")),
        (
            "medrxiv",
            lambda b, s: biorxiv.parse(b, s)[0],
            source_settings(id="medrxiv", kind="biorxiv", label="x", server="medrxiv"),
        ),
    ):
        for path in sorted((FEEDS / folder).glob("*")):
            if path.suffix not in (".xml", ".json"):
                continue
            try:
                items += [(folder, item) for item in parse(path.read_bytes(), source)]
            except Exception:  # the error-document fixtures
                continue
    papers, seen = [], set()
    for folder, item in items:
        try:
            paper = normalise(item, "x")
        except ValueError:
            continue
        if paper.id in seen or not paper.abstract:
            continue
        seen.add(paper.id)
        if folder in ("biorxiv", "medrxiv"):
            category = (paper.categories[0] if paper.categories else "").lower()
            papers.append((paper, f"{folder}:{category}", "life sciences"))
        elif paper.categories:
            category = paper.categories[0]
            archive = category.split(".")[0]
            papers.append((paper, category, FIELDS.get(archive, archive)))
    return papers


def bench_embedding(model: LocalEmbedder, papers: list[Paper], count: int) -> None:
    texts = [paper_text(p.title, p.abstract) for p in papers]
    texts = [texts[i % len(texts)] for i in range(count)]
    words = sum(len(t.split()) for t in texts) / len(texts)
    model.embed(texts[:64])  # warm up
    started = time.perf_counter()
    model.embed(texts)
    seconds = time.perf_counter() - started
    print(
        f"1. embedding {count:,} abstracts (all-MiniLM-L6-v2, CPU, {model.threads} threads, {words:.0f} words "
        f"on average): {seconds:.1f} s, {count / seconds:.0f} papers/s, {1000 * seconds / count:.1f} ms per paper"
    )


def random_papers(n: int, dim: int, rng) -> tuple[list[Paper], np.ndarray]:
    start = datetime(2025, 1, 1, 4, tzinfo=UTC)
    papers = [
        Paper(
            id=f"arxiv:25{i // 100000:02d}.{i % 100000:05d}",
            title=f"Paper {i}",
            source="s",
            source_label="s",
            abstract=f"Abstract {i}",
            published=start + timedelta(days=i // 40),
        )
        for i in range(n)
    ]
    rows = rng.normal(size=(n, dim)).astype(np.float32)
    return papers, rows / np.linalg.norm(rows, axis=1, keepdims=True)


def bench_storage(n: int, dim: int, rng) -> None:
    papers, rows = random_papers(n, dim, rng)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp), "bench")
        store.prepare(dim)
        started = time.perf_counter()
        store.put(papers, rows)
        written = time.perf_counter() - started
        files = [p for p in Path(tmp, "embeddings").rglob("*") if p.is_file()]
        raw = sum(p.stat().st_size for p in files)
        packed = sum(len(zlib.compress(p.read_bytes(), 6)) for p in files)
        vectors = sum(p.stat().st_size for p in files if p.suffix == ".npy")
        started = time.perf_counter()
        loaded = store.load()
        load = time.perf_counter() - started
        assert len(loaded) == n
    per = 10_000 / n
    print(
        f"2. storage for {n:,} papers ({dim} dimensions, float16, 40 papers a day in {len(files) // 2} day files): "
        f"{raw * per / 1e6:.2f} MB per 10,000 papers ({vectors * per / 1e6:.2f} MB vectors, "
        f"{(raw - vectors) * per / 1e6:.2f} MB ids), {packed * per / 1e6:.2f} MB zlib-compressed as git stores it; "
        f"{raw / n:.0f} bytes per paper; written in {written:.1f} s, loaded in {load:.2f} s"
    )


def bench_related(n: int, dim: int, rng, k: int = 6, day: int = 300) -> None:
    _, rows = random_papers(n, dim, rng)
    started = time.perf_counter()
    index, scores = nearest(rows, k)
    seconds = time.perf_counter() - started
    assert index.shape == (n, k)
    started = time.perf_counter()  # the next build: a day's papers added, the archive's neighbours cached
    extend_nearest(rows, n - day, index[: n - day], scores[: n - day], k)
    incremental = time.perf_counter() - started
    print(
        f"3. related papers (top {k} of every paper across the archive) at {n:,} papers: {seconds:.1f} s "
        f"({1e6 * seconds / n:.0f} µs per paper); with the build cache, after a day of {day} new papers: "
        f"{incremental:.2f} s"
    )


def bench_quality(model: LocalEmbedder) -> None:
    labelled = labelled_set()
    papers = [p for p, _, _ in labelled]
    categories = np.array([c for _, c, _ in labelled])
    fields = np.array([f for _, _, f in labelled])
    field_counts = {str(k): v for k, v in Counter(fields.tolist()).items()}
    vectors = model.embed([paper_text(p.title, p.abstract) for p in papers])
    sims = vectors @ vectors.T
    n = len(papers)
    upper = np.triu(np.ones((n, n), dtype=bool), k=1)
    same_cat = upper & (categories[:, None] == categories[None, :])
    same_field = upper & (fields[:, None] == fields[None, :]) & ~same_cat
    distant = upper & (fields[:, None] != fields[None, :])
    a, b = sims[same_cat], sims[distant]
    auc = float((a[:, None] > b[None, :]).mean() + 0.5 * (a[:, None] == b[None, :]).mean())
    np.fill_diagonal(sims, -np.inf)
    nn = sims.argmax(axis=1)
    cat_ok = float((categories[nn] == categories).mean())
    field_ok = float((fields[nn] == fields).mean())
    chance_field = sum((c / n) ** 2 for c in Counter(fields).values())
    print(
        f"4. quality on {n} labelled papers from the captured feeds ({len(set(categories))} categories, "
        f"{field_counts}):"
    )
    print(
        f"   mean cosine: same category {a.mean():.3f} ({len(a)} pairs), same field other category "
        f"{sims[same_field].mean():.3f} ({int(same_field.sum())} pairs), distant fields {b.mean():.3f} ({len(b)} pairs)"
    )
    print(f"   P(a same-category pair is nearer than a distant-field pair) = {auc:.3f}")
    print(
        f"   nearest neighbour in the same field: {field_ok:.1%} (chance {chance_field:.1%}); "
        f"in the same category: {cat_ok:.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for the model (default: 2)")
    options = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    rng = np.random.default_rng(1)
    started = time.perf_counter()
    model = LocalEmbedder(threads=options.threads)
    model.load()
    print(f"0. model loaded in {time.perf_counter() - started:.1f} s (import + weights from site-packages)")
    labelled = [p for p, _, _ in labelled_set()]
    bench_embedding(model, labelled, 200 if options.quick else 2000)
    bench_storage(2000 if options.quick else 10_000, 384, rng)
    for n in (2000, 10_000) if options.quick else (10_000, 50_000):
        bench_related(n, 384, rng)
    bench_quality(model)
    print(json.dumps({"python": sys.version.split()[0], "numpy": np.__version__, "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
