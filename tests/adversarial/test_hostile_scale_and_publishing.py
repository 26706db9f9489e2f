"""Hostile scale and publishing: a 3,000-author record, takedowns written every way a person writes an id,
a settings file no process can import by name, and a deploy stopped between any two uploads."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
from datetime import date
from pathlib import Path

import lxml.etree
from collaboration import collaboration_paper
from site_helpers import ROOT, SITEURL

from pipeline.archive.entry import entry_path, render_entry
from pipeline.files import atomic_write
from pipeline.models import PaperView
from pipeline.publish.plan import HOME, SiteFile, cache_control, content_type, plan
from pipeline.site import build
from pipeline.site.takedowns import identities, identity

ATOM = "{http://www.w3.org/2005/Atom}"


def _settings(root: Path, name: str = "pelicanconf.py") -> Path:
    conf = (ROOT / "pelicanconf.py").read_text(encoding="utf-8")
    path = root / name
    path.write_text(conf + f"\nTHEME = {str(ROOT / 'theme')!r}\nPAGEFIND = False\n", encoding="utf-8")
    return path


def test_a_3000_author_record_names_20_authors_in_every_feed_and_costs_bytes_not_megabytes(tmp_path, case):
    paper = collaboration_paper("2609.05555", received=date(2026, 9, 8))
    atomic_write(tmp_path / "content" / entry_path(paper), render_entry(paper))
    build(
        tmp_path / "content",
        tmp_path / "output",
        settings_file=_settings(tmp_path),
        rules=ROOT / "rules",
        state=tmp_path / "state",
        siteurl=SITEURL,
        search=False,
    )
    out = tmp_path / "output"
    counts = {}
    for feed in ("feeds/all.atom.xml", "feeds/topics/followed-authors.atom.xml"):
        entry = lxml.etree.parse(str(out / feed)).find(f"{ATOM}entry")
        counts[feed] = len(entry.findall(f"{ATOM}author"))
    site = sum(p.stat().st_size for p in out.rglob("*") if p.is_file() and not p.is_relative_to(out / "theme"))
    case(
        "site",
        "one paper of 3,000 authors (arXiv's API record of a LIGO–Virgo–KAGRA-shaped collaboration)",
        "feeds name 20 authors and 'et al. — 3,000 authors'; the whole site (theme files aside) under 1.5 MB",
        f"authors per feed entry {sorted(set(counts.values()))}; site {site / 1e6:.2f} MB",
    )
    assert set(counts.values()) == {21}
    assert site < 1_500_000


def test_takedown_ids_match_however_they_are_written(case):
    paper = PaperView(id="arxiv:2604.22038", doi="10.1038/S41586-026-01234-5", arxiv_id="2604.22038")
    written = [
        "arxiv:2604.22038",
        "2604.22038v3",
        "https://arxiv.org/abs/2604.22038",
        "ARXIV:2604.22038",
        "doi:10.1038/s41586-026-01234-5",
        "https://doi.org/10.1038/S41586-026-01234-5.",
        " 10.1038/s41586-026-01234-5 ",
    ]
    matched = [w for w in written if identity(w) in identities(paper)]
    others = ["arxiv:2604.2203", "2604.22039", "10.1038/s41586-026-01234-50", "doi:10.1038/s41586-026-01234"]
    wrong = [w for w in others if identity(w) in identities(paper)]
    case(
        "takedowns",
        "a takedown naming the paper by id, versioned arXiv id, address, DOI URL with trailing dot, "
        "upper case; near-miss ids",
        "every spelling matches the paper; no near miss does",
        f"{len(matched)} of {len(written)} matched; {len(wrong)} near misses matched",
    )
    assert matched == written and wrong == []


def _module_of(function) -> str:
    return function.__module__


def test_a_settings_file_no_process_can_import_by_name_reaches_every_shard_process(tmp_path, case):
    """`site-conf.py` in a folder of its own: its functions travel to spawned processes by the name
    Pelican loaded it under, which no import of a fresh process finds by itself."""
    from pelican.settings import get_settings_from_file

    from pipeline.site.build import _load_settings_module

    (tmp_path / "elsewhere").mkdir()
    path = _settings(tmp_path / "elsewhere", "site-conf.py")
    with path.open("a", encoding="utf-8") as conf:  # a radar's own order, defined in its settings file
        conf.write("\n\ndef ARTICLE_ORDER_BY(article):\n    return (-article.radar_day.toordinal(), article.slug)\n")
    order = get_settings_from_file(str(path))["ARTICLE_ORDER_BY"]
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(
        2, mp_context=context, initializer=_load_settings_module, initargs=(path,)
    ) as pool:
        modules = list(pool.map(_module_of, [order, order]))
    case(
        "site",
        "a settings file named site-conf.py outside the project, its ARTICLE_ORDER_BY sent to 2 spawned "
        "shard processes",
        "each process unpickles it (no ModuleNotFoundError)",
        f"modules seen: {modules}",
    )
    assert modules == ["site-conf", "site-conf"]


def _file(key: str) -> SiteFile:
    return SiteFile(key, Path(key), 1, key, content_type(key), cache_control(key))


def test_a_deploy_plan_puts_every_new_page_before_what_links_to_it(case):
    """Every mix of new and changed pages: new pages (not entry points) first, then new entry points,
    then the pages already live, the new home page last, deletions after."""
    site = [
        _file(k)
        for k in (
            "index.html",
            "papers/new.html",
            "archive/2026/09/08.html",
            "feeds/all.atom.xml",
            "feeds/topics/new-topic.atom.xml",
            "topics/x.html",
            "sitemap.xml",
            "theme/css/site.css",
            "pagefind/2026.0123456789abcdef/pagefind-entry.json",
            "data/index.json",
        )
    ]
    for present in (
        {"index.html", "topics/x.html", "feeds/all.atom.xml", "sitemap.xml", "data/index.json", "old.html"},
        set(),
        {"old.html"},
    ):
        todo = plan(site, {}, present)
        keys = [f.key for phase in todo.phases for f in phase]
        rank = {key: n for n, phase in enumerate(todo.phases) for key in (f.key for f in phase)}
        assert rank["papers/new.html"] < min(rank[k] for k in keys if k in present or k == HOME)
        assert rank["archive/2026/09/08.html"] == rank["papers/new.html"]  # they link to each other: one phase
        assert rank["feeds/topics/new-topic.atom.xml"] > rank["papers/new.html"]
        bundle = rank["pagefind/2026.0123456789abcdef/pagefind-entry.json"]
        assert all(rank[k] > bundle for k in keys if k.endswith(".html"))
        if HOME not in present:
            assert keys[-1] == HOME
        assert todo.delete == tuple(sorted(present - {f.key for f in site}))
    case(
        "s3",
        "a deploy's pages: new ones linking to each other (a paper and its new day), changed live ones, "
        "new feeds, a first deploy's home page",
        "new pages before every page that may link to them; home last",
        "holds for a daily deploy, a first deploy and a deploy over a stray object",
    )
