"""The radar that learns: ranking quality, training time in the browser, and what the radar downloads.

    python bench/bench_learn.py [--quick] [--draws 30] [--papers 2000] [--scripts FOLDER]

1. Quality on a labelled set built from the captured feeds in tests/fixtures/feeds (as
   bench_semantic.py builds it: arXiv papers by primary category, bioRxiv/medRxiv by subject, in
   four fields). The captured papers are split at random into two "weeks". A simulated reader is
   interested in one field: they rate 5 papers of that field 👍 and 5 others 👎, all from week one;
   the radar then ranks the papers of week two (relevant: the reader's field). Three rankings, each
   computed by the site's own JavaScript in Chromium:
   * learned — learn.js's logistic regression on the int8-quantised all-MiniLM-L6-v2 vectors, exactly
     as the radar page receives them;
   * hashed words — the same model over learn.js's hashed words of title and abstract (the radar
     without the semantic extra);
   * keyword follows — the reader follows the three words most frequent in their 👍 papers and absent
     from their 👎 ones, and papers are ranked by how many they match (radar.js's keyword matching).
   nDCG@20 and precision@10, averaged over the draws and the fields (a random ranking's precision is
   the field's share of week two).
2. Time in Chromium of what the radar page computes (learn.js's recommend: matching three followed keywords
   against every paper, training, ranking): a radar of --papers recent papers over 30 days (the captured vectors
   repeated with noise, generated titles and abstracts), 10 ratings; then 2,000 ratings. Median of 15 runs, each
   the first ranking of a page load (the papers' texts not yet folded) and the ranking after one more rating.
   With --against OTHER_SCRIPTS, only this, for the scripts measured and the other copy, alternated.
3. Bytes the radar page downloads, without and with ratings, on a site built from a generated
   archive of --papers papers with vectors for each (random unit vectors: the shards' size does not
   depend on the values).
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_semantic import labelled_set
from bench_site import build_with_vectors

from pipeline.semantic.embedders import LocalEmbedder, paper_text
from pipeline.site import make_server
from pipeline.site.learn import dequantise, quantise
from pipeline.site.scripts import scripts_beside_shared

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LIKES = DISLIKES = 5


@contextmanager
def served(folder: Path):
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


# what the page computes for one draw: the three rankings of week two
RANKINGS = """async ({papers, rows, likes, dislikes, week2}) => {
  const learn = await import("/js/learn.js");
  const radar = await import("/js/radar.js");
  const ids = papers.map((p) => p.id);
  const vectors = {kind: "vectors", model: "bench", dims: rows[0].length, ids, rows: rows.map((r) => Float32Array.from(r))};
  const words = learn.hashedFeatures(papers);
  const ratings = Object.fromEntries([...likes.map((id) => [id, {r: 1}]), ...dislikes.map((id) => [id, {r: -1}])]);
  const order = (features) => learn.rank(features, ratings, week2).ranked.map((r) => r.id);
  const byId = new Map(papers.map((p) => [p.id, p]));
  const counts = new Map();
  const against = new Set(dislikes.flatMap((id) => learn.words(`${byId.get(id).title} ${byId.get(id).abstract}`)));
  for (const id of likes) for (const w of learn.words(`${byId.get(id).title} ${byId.get(id).abstract}`)) counts.set(w, (counts.get(w) || 0) + 1);
  const keyword = [...counts].filter(([w]) => !against.has(w) && !/^\\d+$/.test(w)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3).map(([w]) => w);
  const follows = {...radar.emptyRadar(), keyword};
  const matched = week2.map((id, i) => [id, radar.reasons(follows, byId.get(id)).length, i]).sort((a, b) => b[1] - a[1] || a[2] - b[2]).map((m) => m[0]);
  return {learned: order(vectors), words: order(words), keywords: matched, followed: keyword};
}"""

# the radar of the timing, kept in the page (window.bench): --papers recent papers, their vectors, ratings and follows
TIMING_SETUP = """async ({root, base, n, rated, noise}) => {
  const learn = await import(`${root}js/learn.js`);
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
  const rows = [];
  for (let i = 0; i < n; i += 1) {
    const row = Float32Array.from(base[i % base.length], (v) => v + noise * random());
    rows.push(row);
  }
  const ids = rows.map((_, i) => `arxiv:2609.${String(i).padStart(5, "0")}`);
  const features = {kind: "vectors", model: "bench", dims: rows[0].length, ids, rows};
  const ratings = Object.fromEntries(ids.slice(0, rated).map((id, i) => [id, {r: i % 2 ? -1 : 1}]));
  const more = {...ratings, [ids[rated]]: {r: 1}};
  // titles and 600-character abstracts of words drawn from 3,000 (so a followed word is in a few % of them),
  // 30 days of papers; the reader follows three keywords
  const vocabulary = Array.from({length: 3000}, (_, i) => `w${(i * 7919) % 3000}x`);
  const text = (length) => Array.from({length}, () => vocabulary[Math.floor((random() + 0.5) ** 2 * 3000)]).join(" ");
  const papers = ids.map((id, i) => ({id, day: `2026-09-${String(30 - Math.floor((i * 30) / n)).padStart(2, "0")}`,
    title: text(9), abstract: text(90).slice(0, 600), authors: ["Ada Lovelace", "Alan Turing"], tags: [], topics: []}));
  const keyword = [vocabulary[100], vocabulary[400], `${vocabulary[900].slice(0, 3)}*`];
  const radar = {...(await import(`${root}js/radar.js`)).emptyRadar(), keyword};
  window.bench = {learn, features, papers, ratings, more, radar, copies: null};
}"""
# the papers as a page load reads them: their texts not yet folded
TIMING_RELOAD = "() => { window.bench.copies = window.bench.papers.map((p) => ({...p})); }"
# one ranking: the first of a page load (`again` false), or the next, after one more rating
TIMING_RANK = """(again) => {
  const b = window.bench;
  const started = performance.now();
  const shown = b.learn.recommend(b.features, b.copies, {ratings: again ? b.more : b.ratings, seen: {}, explore: 0}, b.radar);
  return {ms: performance.now() - started, training: shown.result.trainingMilliseconds,
    iterations: shown.result.model.iterations, followed: shown.result.trainedOn.followed};
}"""
HASHING = """(n) => {
  const words = Array.from({length: n}, (_, i) => ({id: `p${i}`, title: `paper ${i}`, abstract: "attention is all you need ".repeat(20) + i}));
  const started = performance.now();
  window.bench.learn.hashedFeatures(words);
  return performance.now() - started;
}"""


def renderers_cpu(session) -> float:
    """Milliseconds of CPU the browser's renderer processes have used (Chromium's own process accounting)."""
    processes = session.send("SystemInfo.getProcessInfo")["processInfo"]
    return 1000 * sum(p["cpuTime"] for p in processes if p["type"] == "renderer")


def timings(page, session, runs: int) -> dict[str, list[float]]:
    """`runs` page loads' first ranking and the ranking after one more rating: wall and renderer CPU milliseconds."""
    out: dict[str, list[float]] = {k: [] for k in ("first", "again", "first-cpu", "again-cpu", "training")}
    for _ in range(runs):
        page.evaluate(TIMING_RELOAD)
        for key, again in (("first", False), ("again", True)):
            cpu = renderers_cpu(session)
            result = page.evaluate(TIMING_RANK, again)
            out[f"{key}-cpu"].append(renderers_cpu(session) - cpu)
            out[key].append(result["ms"])
        out["training"].append(result["training"])
        out["iterations"], out["followed"] = result["iterations"], result["followed"]
    return out


def dcg(relevant: list[bool], k: int) -> float:
    return sum(1 / np.log2(i + 2) for i, rel in enumerate(relevant[:k]) if rel)


def ndcg(ranking: list[str], relevant: set[str], k: int = 20) -> float:
    ideal = dcg([True] * min(k, len(relevant)), k)
    return dcg([i in relevant for i in ranking], k) / ideal if ideal else 0.0


def precision(ranking: list[str], relevant: set[str], k: int = 10) -> float:
    return sum(i in relevant for i in ranking[:k]) / k


def captured_rows(labelled: list) -> np.ndarray:
    """The labelled papers' all-MiniLM-L6-v2 vectors, int8-quantised as the radar page receives them."""
    model = LocalEmbedder()
    model.load()
    vectors = model.embed([paper_text(p.title, p.abstract) for p, _, _ in labelled])
    return dequantise(*quantise(vectors))


def bench_quality(browser, base: str, draws: int) -> np.ndarray:
    labelled = labelled_set()
    rows = captured_rows(labelled)
    rng = np.random.default_rng(11)
    week = rng.permutation(len(labelled)) % 2  # 0: the week the reader rates, 1: the week ranked
    papers = [
        {
            "id": p.id,
            "title": p.title,
            "abstract": p.abstract[:600],
            "authors": [a.name for a in p.authors],
            "tags": [],
            "topics": [],
        }
        for p, _, _ in labelled
    ]
    fields = sorted({f for _, _, f in labelled})
    page = browser.new_page()
    page.goto(base + "js/")
    totals: dict[str, list[float]] = {}
    print(
        f"1. quality: {len(labelled)} labelled papers (week one {int((week == 0).sum())}, week two {int((week == 1).sum())}), "
        f"{LIKES} 👍 and {DISLIKES} 👎 of week one, {draws} draws per field"
    )
    print(f"   {'field (week two: relevant / papers)':<44} {'ranking':<16} {'nDCG@20':>8} {'P@10':>6}")
    for field in fields:
        own = [i for i, (_, _, f) in enumerate(labelled) if f == field and week[i] == 0]
        other = [i for i, (_, _, f) in enumerate(labelled) if f != field and week[i] == 0]
        week2 = [labelled[i][0].id for i in range(len(labelled)) if week[i] == 1]
        relevant = {labelled[i][0].id for i in range(len(labelled)) if week[i] == 1 and labelled[i][2] == field}
        if len(own) < LIKES or len(relevant) < 3:
            print(f"   {field}: too few papers ({len(own)} in week one, {len(relevant)} in week two), left out")
            continue
        scores: dict[str, list[tuple[float, float]]] = {"learned": [], "words": [], "keywords": []}
        for _ in range(draws):
            likes = [labelled[i][0].id for i in rng.choice(own, LIKES, replace=False)]
            dislikes = [labelled[i][0].id for i in rng.choice(other, DISLIKES, replace=False)]
            result = page.evaluate(
                RANKINGS,
                {"papers": papers, "rows": rows.tolist(), "likes": likes, "dislikes": dislikes, "week2": week2},
            )
            for name in scores:
                scores[name].append((ndcg(result[name], relevant), precision(result[name], relevant)))
        label = f"{field} ({len(relevant)} / {len(week2)})"
        for name, text in (
            ("learned", "learned (vectors)"),
            ("words", "hashed words"),
            ("keywords", "keyword follows"),
        ):
            n, p = (float(np.mean([s[j] for s in scores[name]])) for j in (0, 1))
            totals.setdefault(name, []).append(n)
            totals.setdefault(name + "-p", []).append(p)
            print(f"   {label:<44} {text:<16} {n:>8.3f} {p:>6.2f}")
            label = ""
        print(f"   {'':<44} {'random':<16} {'':>8} {len(relevant) / len(week2):>6.2f}")
    for name, text in (("learned", "learned (vectors)"), ("words", "hashed words"), ("keywords", "keyword follows")):
        print(
            f"   {'mean over the fields':<44} {text:<16} {np.mean(totals[name]):>8.3f} {np.mean(totals[name + '-p']):>6.2f}"
        )
    page.close()
    return rows


def bench_training(browser, base: str, rows: np.ndarray, n: int) -> None:
    page = browser.new_page()
    page.goto(base + "js/")
    session = browser.new_browser_cdp_session()
    for rated in (10, 2000):
        page.evaluate(
            TIMING_SETUP, {"root": "/", "base": rows.tolist(), "n": max(n, rated + 1), "rated": rated, "noise": 0.02}
        )
        result = timings(page, session, 15)
        print(
            f"2. follows, training and ranking in Chromium (learn.js's recommend): {rated:,} ratings, three followed "
            f"keywords ({result['followed']} papers matching them), {max(n, rated + 1):,} papers (384 dimensions): "
            f"{np.median(result['again']):.0f} ms after one more rating (CPU {np.median(result['again-cpu']):.0f} ms), "
            f"of which training {np.median(result['training']):.0f} ms ({result['iterations']} L-BFGS iterations); "
            f"{np.median(result['first']):.0f} ms the first time, the papers' texts folded and matched "
            f"(CPU {np.median(result['first-cpu']):.0f} ms; medians of 15)"
        )
    print(f"   hashed words of {n:,} papers (the fallback's features): {page.evaluate(HASHING, n):.0f} ms")
    page.close()


def compare_training(browser, base: str, rows: np.ndarray, n: int, pairs: int) -> None:
    """recommend's time in the scripts measured (js/) and in another copy of them (against/js/), alternated."""
    pages = {root: browser.new_page() for root in ("/", "/against/")}
    session = browser.new_browser_cdp_session()
    for root, page in pages.items():
        page.goto(base + "js/")
        page.evaluate(TIMING_SETUP, {"root": root, "base": rows.tolist(), "n": n, "rated": 10, "noise": 0.02})
    figures: dict[str, list[dict]] = {root: [] for root in pages}
    for _ in range(pairs):
        for root, page in pages.items():
            figures[root].append({k: np.median(v) for k, v in timings(page, session, 3).items()})
    print(f"2. recommend in Chromium, {n:,} papers, 10 ratings, three followed keywords, {pairs} pairs alternated:")
    for key, text in (
        ("first", "the first time"),
        ("first-cpu", "the first time, renderer CPU"),
        ("again", "after one more rating"),
        ("again-cpu", "after one more rating, renderer CPU"),
        ("training", "of which training"),
    ):
        new, old = (np.median([f[key] for f in figures[root]]) for root in ("/", "/against/"))
        ratios = [a[key] / b[key] for a, b in zip(figures["/"], figures["/against/"], strict=True) if b[key]]
        print(f"   {text}: {new:.0f} ms against {old:.0f} ms (median ratio {np.median(ratios):.2f})")
    for page in pages.values():
        page.close()


def bench_bytes(browser, n: int) -> None:
    from playwright.sync_api import Error as PlaywrightError

    root = Path(tempfile.mkdtemp(prefix="academichub-bench-learn-"))
    started = time.perf_counter()
    output = build_with_vectors(root, n, 30, datetime(2026, 9, 1, tzinfo=UTC))
    print(
        f"3. bytes the radar page downloads, a site of {n:,} papers over 30 days "
        f"(built in {time.perf_counter() - started:.0f} s):"
    )
    index = json.loads((output / "data" / "index.json").read_text(encoding="utf-8"))
    newest = json.loads((output / index["parts"][0]["file"]).read_text(encoding="utf-8"))
    server = make_server(output, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        for label, ratings in (("without ratings", None), ("with 10 ratings", newest[:10])):
            context = browser.new_context()
            page = context.new_page()
            page.goto(base + "index.html")
            if ratings:
                page.evaluate(
                    """(papers) => localStorage.setItem('ah-learn', JSON.stringify({ratings: Object.fromEntries(
                    papers.map((p, i) => [p.id, {r: i % 2 ? -1 : 1, t: p.title, u: p.url, at: 1}]))}))""",
                    ratings,
                )
            got: list[tuple[str, int]] = []

            def finished(request, got=got):
                response = request.response()
                if response is not None and response.status < 300:
                    try:
                        got.append((request.url, len(response.body())))
                    except PlaywrightError:  # a response of the page navigated away from
                        pass

            page.on("requestfinished", finished)
            page.goto(base + "radar.html")
            page.wait_for_load_state("networkidle")
            if ratings:
                page.locator("#foryou-results .card").first.wait_for()
            total = sum(size for _, size in got)
            shards = [size for url, size in got if "/data/vectors/" in url]
            data = sum(size for url, size in got if "/data/index.json" in url or "/data/cards/" in url)
            print(
                f"   {label}: {total / 1024:,.0f} KB in {len(got)} requests (data/index.json and cards {data / 1024:,.0f} KB, "
                f"vectors {sum(shards) / 1024:,.0f} KB in {len(shards)} files)"
            )
            context.close()
        ids_size = (output / "data" / "ids.json").stat().st_size
        print(
            f"   data/ids.json (fetched only to import a library): {ids_size / 1024:,.0f} KB, "
            f"{ids_size / n:.0f} bytes per paper of the archive"
        )
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer draws, a smaller site")
    parser.add_argument("--draws", type=int, default=30, help="draws of ratings per field (default 30)")
    parser.add_argument(
        "--papers", type=int, default=2000, help="recent papers for the timing and the site (default 2,000)"
    )
    parser.add_argument(
        "--scripts",
        type=Path,
        help="a copy of the theme's scripts to measure instead of theme/static/js (to compare versions)",
    )
    parser.add_argument(
        "--against",
        type=Path,
        help="another copy of the theme's scripts: only time recommend, in both, alternated (--pairs times)",
    )
    parser.add_argument("--pairs", type=int, default=5, help="alternations with --against (default 5)")
    options = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    draws, n = (5, 500) if options.quick else (options.draws, options.papers)
    with tempfile.TemporaryDirectory(prefix="academichub-bench-learn-") as site:
        scripts_beside_shared(Path(site), options.scripts)
        if options.against:
            scripts_beside_shared(Path(site) / "against", options.against)
            with served(Path(site)) as base, chromium() as browser:
                compare_training(browser, base, captured_rows(labelled_set()), n, options.pairs)
        else:
            measure(Path(site), draws, n)
    print(json.dumps({"python": sys.version.split()[0], "cpus": os.cpu_count(), "load": os.getloadavg()[0]}))


def measure(site: Path, draws: int, n: int) -> None:
    with served(site) as base, chromium() as browser:
        rows = bench_quality(browser, base, draws)
        bench_training(browser, base, rows, n)
        bench_bytes(browser, n)


if __name__ == "__main__":
    main()
