"""The website built by a real Pelican run (plus Pagefind) from the demo feeds and crafted entries."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import feedparser
import pytest
from clients import VNU, html_checker
from pelican.settings import read_settings
from site_helpers import (
    BRIEF_ZH_WORD,
    DAY,
    HOSTILE_AUTHOR,
    HOSTILE_TITLE,
    ROOT,
    SEARCH_BUCKET_PAGES,
    built_site,
    crafted_papers,
    recent_papers,
)

from pipeline.archive.entry import entry_path, render_entry
from pipeline.files import atomic_write
from pipeline.models import Author, Paper, Selection
from pipeline.site import SiteError, StablePaginator, build, related_papers
from pipeline.site.build import _cache_folder
from pipeline.site.learn import CARD_ROWS

SITEURL = "https://radar.example.org/hub"


def read(out: Path, name: str) -> str:
    return (out / name).read_text(encoding="utf-8")


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def html_files(out: Path) -> list[Path]:
    return [p for p in out.rglob("*.html") if "pagefind" not in p.parts]


def test_every_kind_of_page_is_written(out):
    for name in (
        "index.html",
        "topics.html",
        "archives.html",
        "radar.html",
        "search.html",
        "status.html",
        "404.html",
        "papers/arxiv-2604-22038.html",
        "topics/language-models.html",
        "topics/daily-brief.html",
        "briefs/2026-09-08.html",
        "archive/2026/09/08.html",
        "authors/ellie-pavlick.html",
        "feeds/all.atom.xml",
        "feeds/all.rss.xml",
        "feeds/topics/language-models.atom.xml",
        "feeds/topics/daily-brief.rss.xml",
        "feeds/authors/ellie-pavlick.atom.xml",
        "feed.json",
        "feeds.opml",
        "sitemap.xml",
        "robots.txt",
        "data/index.json",
        "theme/css/site.css",
        "theme/katex/katex.min.js",
        "pagefind/bundles.json",
    ):
        assert (out / name).is_file(), name
    assert len(list((out / "papers").glob("*.html"))) == 33
    assert any((out / "tags").glob("*.html"))


def test_authors_with_several_papers_have_a_page_and_feeds(site, out):
    papers = Counter()
    for path in (site.root / "content" / "papers").rglob("*.md"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("Authors: "):
                papers.update({n.strip() for n in line[len("Authors: ") :].split(";") if n.strip()})
    several = [name for name, count in papers.items() if count >= 2]
    pages = sorted(p.name for p in (out / "authors").glob("*.html"))
    assert len(several) >= 2 and len(pages) == len(several), (several, pages)
    # Atom only: AUTHOR_FEED_RSS is off by default
    assert pages == sorted(p.name.replace(".atom.xml", ".html") for p in (out / "feeds" / "authors").glob("*.xml"))
    page = read(out, "authors/ellie-pavlick.html")
    assert "Source-Modality Monitoring in Vision-Language Models" in page
    assert 'href="../feeds/authors/ellie-pavlick.atom.xml"' in page
    # an author of one paper has no page: the name leads to a search for it, on every page
    assert papers["Tian Yun"] == 1 and not (out / "authors" / "tian-yun.html").exists()
    assert '<a href="../search.html?q=Tian%20Yun">Tian Yun</a>' in read(out, "papers/arxiv-2604-22038.html")
    assert '<a href="../authors/ellie-pavlick.html">Ellie Pavlick</a>' in read(out, "papers/arxiv-2604-22038.html")


def test_keyword_pages_are_named_by_the_words_their_papers_matched(site, out):
    """A wildcard keyword (metastas*, quantum comput*) names its pages by the words it matched in
    each paper, never by its stem; a paper's keyword links are words of its own title or abstract (up to a
    plural's "s": spellings of one word are one page)."""
    from pipeline.fetch.curate import tokens
    from pipeline.models import Paper
    from pipeline.site.plugin import keyword_key

    rules = {p.stem for p in (ROOT / "rules").glob("*.yml")}
    crafted = {paper.id for paper, _ in crafted_papers()}  # written with made-up selections
    for path in (site.root / "content" / "papers").rglob("*.md"):
        head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
        record = Paper.from_json(json.loads(re.search(r"^Record: (.*)$", head, re.M).group(1)))
        if record.id in crafted:
            continue
        slug = re.search(r"^Slug: (.*)$", head, re.M).group(1)
        text = " ".join(keyword_key(" ".join(tokens(record.title + " " + record.abstract))))
        links = re.findall(r'href="\.\./tags/([^"]+)\.html">#([^<]+)<', read(out, f"papers/{slug}.html"))
        for _, name in links:
            assert name not in rules and f" {' '.join(keyword_key(name))} " in f" {text} ", (slug, name)
    assert "#metastasis" in read(out, "tags/metastasis.html") and not (out / "tags" / "metastas.html").exists()
    assert "<h1>#quantum computing</h1>" in read(out, "tags/quantum-computing.html")
    assert not (out / "tags" / "quantum-comput.html").exists() and not (out / "tags" / "cancer-biology.html").exists()


def test_hostile_text_is_escaped_everywhere(out):
    for path in html_files(out):
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text, path
        # escaped for HTML, or for JSON inside the JSON-LD data block (\u003c, never a tag)
        assert "onerror=alert" not in text.replace("&lt;img src=x onerror=alert", "").replace(
            "\\u003cimg src=x onerror=alert", ""
        ), path
        assert "<b>is</b>" not in text, path
    page = read(out, "papers/arxiv-2609-00002.html")
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; Attention &lt;b&gt;is&lt;/b&gt; all &amp; more" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;script&gt;alert(&#34;author&#34;)&lt;/script&gt; Mallory" in page
    # the visible text is exactly the untrusted text
    parsed = Tags(page)
    assert HOSTILE_TITLE in "".join(parsed.text)
    assert HOSTILE_AUTHOR in "".join(parsed.text)


def test_escaped_in_feeds_too(out):
    for name in ("feeds/all.atom.xml", "feeds/all.rss.xml", "feeds/topics/language-models.atom.xml"):
        feed = feedparser.parse(read(out, name))
        entry = next(e for e in feed.entries if "2609.00002" in e.link or "2609-00002" in e.link)
        assert entry.title == HOSTILE_TITLE  # plain text, nothing stripped
        body = entry.content[0].value if "content" in entry else entry.description
        assert "<img" not in body and "<script" not in body


def test_no_raw_arxiv_announcement_prefix(out):
    for path in html_files(out):
        assert "Announce Type:" not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize(
    "name",
    [
        "feeds/all.atom.xml",
        "feeds/all.rss.xml",
        "feeds/topics/quantum-information.atom.xml",
        "feeds/topics/daily-brief.atom.xml",
        "feeds/topics/daily-brief.rss.xml",
        "feeds/authors/ellie-pavlick.atom.xml",
    ],
)
def test_feeds_parse_without_bozo(out, name):
    feed = feedparser.parse(read(out, name))
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.entries
    for entry in feed.entries:
        assert entry.link.startswith(SITEURL + "/")
        assert entry.get("id", entry.link).startswith(SITEURL + "/")
        assert entry.title


def test_feed_items_carry_authors_abstract_and_brief(out):
    feed = feedparser.parse(read(out, "feeds/all.atom.xml"))
    entry = next(e for e in feed.entries if e.link.endswith("papers/arxiv-2604-22038.html"))
    assert [a["name"] for a in entry.authors] == ["Etha Tianze Hua", "Tian Yun", "Ellie Pavlick"]
    assert "source-modality monitoring" in entry.content[0].value
    assert "language-models" in [t.term for t in entry.tags]
    briefs = feedparser.parse(read(out, "feeds/topics/daily-brief.atom.xml"))
    assert briefs.entries[0].link == SITEURL + "/briefs/2026-09-08.html"


def test_autodiscovery_links(out):
    tags = Tags(read(out, "index.html"))
    kinds = {a["type"]: a["href"] for a in tags.find("link", rel="alternate")}
    assert kinds == {
        "application/atom+xml": "./feeds/all.atom.xml",
        "application/rss+xml": "./feeds/all.rss.xml",
        "application/feed+json": "./feed.json",
    }
    topic = Tags(read(out, "topics/language-models.html"))
    assert {a["href"] for a in topic.find("link", rel="alternate")} >= {
        "../feeds/topics/language-models.atom.xml",
        "../feeds/topics/language-models.rss.xml",
    }


def test_json_feed_opml_sitemap(out):
    feed = json.loads(read(out, "feed.json"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == SITEURL + "/feed.json"
    item = next(i for i in feed["items"] if i["url"].endswith("arxiv-2604-22038.html"))
    assert [a["name"] for a in item["authors"]] == ["Etha Tianze Hua", "Tian Yun", "Ellie Pavlick"]
    assert item["external_url"] == "https://arxiv.org/abs/2604.22038"
    opml = ET.fromstring(read(out, "feeds.opml"))
    urls = [o.get("xmlUrl") for o in opml.iter("outline")]
    assert SITEURL + "/feeds/all.atom.xml" in urls
    assert SITEURL + "/feeds/topics/language-models.atom.xml" in urls
    assert SITEURL + "/feeds/topics/daily-brief.atom.xml" in urls
    sitemap = ET.fromstring(read(out, "sitemap.xml"))
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert SITEURL + "/papers/arxiv-2604-22038.html" in locs
    assert SITEURL + "/authors/ellie-pavlick.html" in locs
    assert all(loc.startswith(SITEURL + "/") for loc in locs)
    assert f"Sitemap: {SITEURL}/sitemap.xml" in read(out, "robots.txt")


def test_paper_page_metadata_for_reference_managers(out):
    page = Tags(read(out, "papers/arxiv-2609-00001.html"))
    meta = {}
    for attrs in page.find("meta"):
        meta.setdefault(attrs.get("name") or attrs.get("property"), []).append(attrs.get("content"))
    assert meta["citation_title"] == ["Surface Codes Below Threshold with $d=7$ Lattices"]
    assert meta["citation_author"] == ["Ada Quantum", "Subir Sachdev"]
    assert meta["citation_author_institution"] == ["Institute of Qubits"]
    assert meta["citation_publication_date"] == ["2026/09/08"]
    assert meta["citation_pdf_url"] == ["https://arxiv.org/pdf/2609.00001v1"]
    assert meta["citation_arxiv_id"] == ["2609.00001"]
    assert meta["og:url"] == [SITEURL + "/papers/arxiv-2609-00001.html"]
    assert page.find("link", rel="canonical")[0]["href"] == SITEURL + "/papers/arxiv-2609-00001.html"


def test_paper_page_shows_everything(out):
    page = read(out, "papers/arxiv-2609-00001.html")
    for text in (
        "https://arxiv.org/abs/2609.00001",
        "https://arxiv.org/pdf/2609.00001v1",
        "https://github.com/example/surface",
        "首个低于阈值的表面码实验",
        "First surface code below threshold.",
        BRIEF_ZH_WORD,
        "Ten times lower logical error rate.",
        "@misc{",
        "eprint = {2609.00001}",
        "TY  - GEN",
        "AU  - Quantum, Ada",
        "quantum error correction",
        "Subir Sachdev",
        'data-authors="Ada Quantum|Subir Sachdev"',
        'data-topic="quantum-information"',
        'class="panel follow" open',
        "related",
    ):
        assert text in page, text
    # a paper without a brief still has a complete page, without an empty brief box
    plain = read(out, "papers/arxiv-2604-22038.html")
    assert "brief-box" not in plain and "We define and investigate source-modality monitoring" in plain
    assert "@misc{" in plain and "Related papers" in plain


def test_home_page_cards_brief_link_and_card_order(out):
    page = read(out, "index.html")
    cards = re.findall(r'<article class="card" data-id="([^"]+)"', page)
    assert len(cards) == 30  # three batches; "换一批" continues from data/index.json in the same order
    # the daily brief's Papers order comes first, so its card numbers match the home page
    assert cards[:2] == ["arxiv:2609.00001", "arxiv:2609.00002"]
    # the lead day's two cards, then the demo's day under its own heading, numbered from 01 as its brief would
    assert re.findall(r'<span class="num" aria-hidden="true">(\d+)\.</span>', page)[:3] == ["01", "02", "01"]
    assert re.search(r'<li class="day-head" data-day="2026-04-27"><h3>.*?<time datetime="2026-04-27">', page)
    assert 'href="./briefs/2026-09-08.html"' in page
    assert "首个低于阈值的表面码实验" in page  # the TL;DR on the card
    assert "入选理由" in page and "Why" in page


def test_daily_brief_page_cites_cards(out):
    page = read(out, "briefs/2026-09-08.html")
    assert "量子纠错与语言模型的交汇" in page and "Where error correction meets language models" in page
    assert re.search(r'<a class="cite-ref" href="\.\./papers/arxiv-2609-00001\.html"[^>]*>01\.</a>', page)
    assert re.search(r'<a class="cite-ref" href="\.\./papers/arxiv-2609-00002\.html"[^>]*>02\.</a>', page)
    assert "&lt;script&gt;alert(&#39;daily&#39;)&lt;/script&gt;" in page


def test_topic_page_has_description_feed_and_rule_link(out):
    page = read(out, "topics/language-models.html")
    assert "关于大语言模型的新发现" in page and "New findings about large language models" in page
    assert "feeds/topics/language-models.atom.xml" in page
    assert "rules/language-models.yml" in page


def test_status_page_reads_run_records(out):
    page = read(out, "status.html")
    assert "arxiv-quant-ph" in page and "status-stale" in page and "源未更新" in page and "Stale feed" in page
    assert "arxiv-cs-ai" in page and "status-ok" in page


def test_radar_index(out):
    index = json.loads(read(out, "data/index.json"))
    assert index["topics"]["language-models"] == {"zh": "语言模型", "en": "Language Models"}
    papers = recent_papers(out)
    paper = next(p for p in papers if p["id"] == "arxiv:2604.22038")
    assert paper["authors"] == ["Etha Tianze Hua", "Tian Yun", "Ellie Pavlick"]
    assert paper["author_urls"][2] == "authors/ellie-pavlick.html"
    assert paper["url"] == "papers/arxiv-2604-22038.html"
    assert paper["topics"][0]["rule"] == "followed-authors"
    assert len(papers) == 33
    home = re.findall(r'<article class="card" data-id="([^"]+)"', read(out, "index.html"))
    assert [p["id"] for p in papers][: len(home)] == home
    # one radar day a part, at most CARD_ROWS papers, newest day first; each part named by its bytes
    assert [part["day"] for part in index["parts"]] == sorted((part["day"] for part in index["parts"]), reverse=True)
    assert all(
        0 < part["count"] <= CARD_ROWS and {p["day"] for p in json.loads(read(out, part["file"]))} == {part["day"]}
        for part in index["parts"]
    )


def test_only_local_resources(out):
    for path in html_files(out):
        tags = Tags(path.read_text(encoding="utf-8"))
        for tag, attrs in tags.tags:
            url = attrs.get("src") or (
                attrs.get("href") if tag == "link" and attrs.get("rel") in ("stylesheet", "icon") else None
            )
            assert not url or not re.match(r"(https?:)?//", url), (path, url)
    assert "http" not in read(out, "theme/css/site.css").replace("http://www.w3.org", "")


def test_search_indexes_papers_only(out):
    bundles = json.loads(read(out, "pagefind/bundles.json"))["bundles"]
    assert len(bundles) >= 2  # the test site's search bundles are small, so its index is split by date
    assert [b["first"] for b in bundles] == sorted((b["first"] for b in bundles), reverse=True)  # newest first
    pages = 0
    for bundle in bundles:
        entry = json.loads(read(out, f"pagefind/{bundle['path']}pagefind-entry.json"))
        assert list(entry["languages"]) == ["zh"]  # one index with Chinese segmentation
        assert entry["languages"]["zh"]["page_count"] == bundle["pages"] <= SEARCH_BUCKET_PAGES
        pages += bundle["pages"]
    assert pages == 34  # 33 papers + 1 daily brief; lists and author pages are not indexed


def test_related_papers_prefer_shared_authors(site):
    class A:
        def __init__(self, slug, authors, tags):
            self.slug = slug
            self.authors = [type("W", (), {"slug": a})() for a in authors]
            self.tags = [type("W", (), {"slug": t})() for t in tags]

    a, b, c, d = A("a", ["x"], ["t"]), A("b", ["x"], []), A("c", [], ["t"]), A("d", ["y"], ["u"])
    related = related_papers([a, b, c, d], 5)
    assert related[id(a)] == [b, c]
    assert related[id(d)] == []


def test_build_refuses_a_relative_siteurl_and_missing_content(tmp_path):
    with pytest.raises(SiteError, match="absolute"):
        build(tmp_path, tmp_path / "out", settings_file=ROOT / "pelicanconf.py", siteurl="/relative")
    with pytest.raises(SiteError, match="no content folder"):
        build(tmp_path / "missing", tmp_path / "out", settings_file=ROOT / "pelicanconf.py")


def test_a_bad_entry_is_reported_and_skipped(tmp_path):
    content = tmp_path / "content"
    (content / "papers").mkdir(parents=True)
    (content / "papers" / "broken.md").write_text(
        "Title: Broken\nDate: not a date\nRecord: {nope\n\nbody\n", encoding="utf-8"
    )
    source = built_site().root / "content" / "papers" / "2026" / "04" / "27" / "arxiv-2604-22038.md"
    shutil.copy(source, content / "papers" / "good.md")
    result = build(
        content,
        tmp_path / "out",
        settings_file=ROOT / "pelicanconf.py",
        rules=ROOT / "rules",
        state=tmp_path / "no-state",
        search=False,
    )
    assert (result.output / "papers" / "arxiv-2604-22038.html").is_file()
    assert "No run records yet" in (result.output / "status.html").read_text(encoding="utf-8")


def test_two_entries_for_one_page_keep_one_and_say_so(tmp_path, caplog):
    content = tmp_path / "content"
    source = built_site().root / "content" / "papers" / "2026" / "04" / "27" / "arxiv-2604-22038.md"
    for day in ("27", "28"):
        (content / "papers" / day).mkdir(parents=True)
        shutil.copy(source, content / "papers" / day / source.name)
    with caplog.at_level(logging.WARNING, logger="pipeline.site"):
        result = build(
            content,
            tmp_path / "out",
            settings_file=ROOT / "pelicanconf.py",
            rules=ROOT / "rules",
            state=tmp_path / "no-state",
            search=False,
        )
    assert (result.output / "papers" / "arxiv-2604-22038.html").is_file()
    assert "same page (papers/arxiv-2604-22038.html)" in caplog.text


def test_entries_are_listed_newest_radar_day_first_then_newest_published_then_by_slug():
    from pelican.settings import read_settings

    order = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(ROOT)})["ARTICLE_ORDER_BY"]
    moment = datetime(2026, 4, 27, 4, tzinfo=UTC)
    day = moment.date()
    entries = [
        SimpleNamespace(date=moment, radar_day=day, slug="b"),
        SimpleNamespace(date=moment + timedelta(days=1), radar_day=day + timedelta(days=1), slug="c"),
        SimpleNamespace(date=moment, radar_day=day, slug="a"),
        # published long ago, arrived on the newest day: first
        SimpleNamespace(date=moment - timedelta(days=400), radar_day=day + timedelta(days=2), slug="z"),
    ]
    assert [e.slug for e in sorted(entries, key=order)] == ["z", "c", "a", "b"]


def test_caches_of_earlier_code_for_the_same_content_are_removed(tmp_path):
    caches = tmp_path / "pelican-cache"
    folder = _cache_folder(caches, "/site/content", ROOT / "pelicanconf.py")
    site = folder.name.split("-")[0]
    earlier, legacy, other_site = (
        caches / f"{site}-0123456789ab",
        caches / "0123456789ab",
        caches / "feedbeef-0123456789ab",
    )
    for cache in (earlier, legacy, other_site, folder):
        (cache / "ArticlesGenerator-Readers").mkdir(parents=True)
    assert _cache_folder(caches, "/site/content", ROOT / "pelicanconf.py") == folder
    assert sorted(p.name for p in caches.iterdir()) == sorted([folder.name, other_site.name])
    assert _cache_folder(caches, "/other/content", ROOT / "pelicanconf.py") != folder and folder.is_dir()


def test_rebuild_renders_only_what_changed_and_prunes_what_is_gone(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(built_site().root / "content" / "papers", content / "papers")
    output = tmp_path / "out"
    options = dict(settings_file=ROOT / "pelicanconf.py", rules=ROOT / "rules", state=tmp_path / "state", search=False)
    build(content, output, **options)
    paper = output / "papers" / "arxiv-2604-22038.html"
    author = output / "authors" / "ellie-pavlick.html"
    untouched = {p: p.stat().st_mtime_ns for p in (paper, author)}
    # a day page and a keyword page whose papers do not change are not rendered again either
    day, tag = output / "archive" / "2026" / "04" / "27.html", output / "tags" / "agentic.html"
    for page in (day, tag):
        page.write_text("stale", encoding="utf-8")
    marker = output / "papers" / "doi-10-64898-2026-09-03-749302-818cd3.html"
    marker.write_text("stale", encoding="utf-8")  # same inputs (entry, related papers), so it is kept ...
    gone = next((content / "papers").rglob("arxiv-2609-00002.md"))
    gone.unlink()  # ... while the page of a removed entry goes, and so do the page and feeds of
    build(content, output, **options)  # Ada Quantum, who is left with one paper
    assert {p: p.stat().st_mtime_ns for p in untouched} == untouched
    assert (
        marker.read_text(encoding="utf-8")
        == day.read_text(encoding="utf-8")
        == tag.read_text(encoding="utf-8")
        == "stale"
    )
    assert not (output / "papers" / "arxiv-2609-00002.html").exists()
    assert not (output / "authors" / "ada-quantum.html").exists()
    assert not (output / "feeds" / "authors" / "ada-quantum.atom.xml").exists()
    assert "search.html?q=Ada%20Quantum" in (output / "papers" / "arxiv-2609-00001.html").read_text(encoding="utf-8")
    # a changed entry renders again
    source = next((content / "papers").rglob("arxiv-2604-22038.md"))
    source.write_text(
        source.read_text(encoding="utf-8").replace("Source-Modality", "Changed Source-Modality"), encoding="utf-8"
    )
    build(content, output, **options)
    assert "Changed Source-Modality" in paper.read_text(encoding="utf-8")
    assert "Changed Source-Modality" in author.read_text(encoding="utf-8")
    assert "Changed Source-Modality" in day.read_text(encoding="utf-8")
    assert "Changed Source-Modality" in tag.read_text(encoding="utf-8")


def test_cli_build_and_serve_help(run_cli, tmp_path):
    result = run_cli("build", "--content", str(tmp_path / "missing"), "--settings", str(ROOT / "pelicanconf.py"))
    assert result.returncode == 1 and "no content folder" in result.stderr
    assert run_cli("serve", "--help").returncode == 0


@pytest.mark.skipif(
    not shutil.which("java") or not VNU.exists(),
    reason="the Nu HTML Checker needs java and `npm ci --prefix tests/tools` (vnu-jar)",
)
def test_every_page_passes_the_nu_html_checker(out):
    assert sum(1 for _ in out.rglob("*.html")) > 50
    assert html_checker(out) == []


def list_pages(count: int) -> StablePaginator:
    """A topic's pages for ``count`` papers, newest first (numbered ``count`` … 1)."""
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(ROOT)})
    return StablePaginator(
        "topics/llm-reasoning.html",
        "topics/llm-reasoning.html",
        list(range(count, 0, -1)),
        settings,
        settings["PAGINATED_TEMPLATES"]["category"],
    )


def test_list_pages_are_cut_from_the_oldest_end_and_keep_their_papers():
    before = list_pages(100)
    assert [(p.number, p.object_list[0], p.object_list[-1]) for p in before.reading_order()] == [
        (1, 100, 61),
        (3, 60, 31),
        (2, 30, 1),
    ]
    after = list_pages(130)  # a month later: page 1 filled up once
    assert [(p.save_as, len(p.object_list)) for p in after.reading_order()] == [
        ("topics/llm-reasoning.html", 40),
        ("topics/llm-reasoning-4.html", 30),
        ("topics/llm-reasoning-3.html", 30),
        ("topics/llm-reasoning-2.html", 30),
    ]
    assert [after.page(n).object_list for n in (2, 3)] == [before.page(n).object_list for n in (2, 3)]
    assert [len(p.object_list) for p in list_pages(59).reading_order()] == [59]
    assert [len(p.object_list) for p in list_pages(0).reading_order()] == [0]


def test_a_new_paper_renders_the_first_page_of_its_lists_only(tmp_path):
    settings = tmp_path / "smallpages.py"  # the project's settings with two papers a page
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"THEME = {str(ROOT / 'theme')!r}\nPAGINATED_TEMPLATES = {{'category': 2, 'tag': 2}}\n",
        encoding="utf-8",
    )
    content = tmp_path / "content"
    shutil.copytree(built_site().root / "content" / "papers", content / "papers")
    options = dict(settings_file=settings, rules=ROOT / "rules", state=tmp_path / "state", search=False)
    output = build(content, tmp_path / "out", **options).output
    topic = Counter(
        re.search(r"^Category: (.+)$", p.read_text(encoding="utf-8"), re.M).group(1)
        for p in (content / "papers").rglob("*.md")
    ).most_common(1)[0][0]
    oldest = output / "topics" / f"{topic}-2.html"
    assert oldest.is_file()
    oldest.write_text("stale", encoding="utf-8")  # same papers, same neighbours: not rendered again
    source = next(
        p for p in (content / "papers").rglob("*.md") if f"\nCategory: {topic}\n" in p.read_text(encoding="utf-8")
    )
    entry = source.read_text(encoding="utf-8")
    entry = re.sub(r"^Date: .*$", "Date: 2030-01-01T04:00:00+00:00", entry, flags=re.M)
    entry = re.sub(r"^Slug: .*$", "Slug: a-newer-paper", entry, flags=re.M).replace("\nTitle: ", "\nTitle: Newer: ", 1)
    (content / "papers" / "2030" / "01" / "01").mkdir(parents=True)
    (content / "papers" / "2030" / "01" / "01" / "a-newer-paper.md").write_text(entry, encoding="utf-8")
    build(content, output, **options)
    assert oldest.read_text(encoding="utf-8") == "stale"
    assert "papers/a-newer-paper.html" in (output / "topics" / f"{topic}.html").read_text(encoding="utf-8")


def test_english_and_chinese_text_inside_the_chinese_page_carry_their_language(tmp_path):
    """Pages are lang="zh-CN"; a paper's title and abstract, and each language of its brief, say their own."""
    surface, _ = crafted_papers()[0]
    chinese = Paper(
        id="doi:10.1360/ssi-2026-0001",
        title="基于表面码的容错量子计算综述",
        source="crossref-ssi",
        source_label="中国科学",
        authors=(Author("王小明"),),
        abstract="本文综述了表面码在容错量子计算中的最新进展，包括 LDPC 码与解码器。",
        published=DAY,
        updated=DAY,
        url="https://doi.org/10.1360/ssi-2026-0001",
        doi="10.1360/ssi-2026-0001",
        topics=(Selection("quantum-information", 2, keywords=("quantum error correction",)),),
    )
    briefs = {
        surface.id: {"model": "m", "zh": {"tldr": "首个低于阈值的表面码实验。"}, "en": {"tldr": "Below threshold."}},
        chinese.id: {"model": "m", "zh": {"tldr": "表面码综述。"}},
    }  # no English brief: the Chinese one stands in
    content = tmp_path / "content"
    for paper in (surface, chinese):
        atomic_write(
            content / entry_path(paper),
            render_entry(paper, brief_status="done", brief=json.dumps(briefs[paper.id], ensure_ascii=False)),
        )
    output = build(
        content,
        tmp_path / "out",
        settings_file=built_site().root / "testconf.py",
        rules=ROOT / "rules",
        state=tmp_path / "state",
        search=False,
    ).output

    def lang_of(page: Tags, tag: str, cls: str) -> list[str]:
        return [a.get("lang") for t, a in page.tags if t == tag and cls in (a.get("class") or "").split()]

    english = Tags(read(output, "papers/arxiv-2609-00001.html"))
    assert english.find("html")[0]["lang"] == "zh-CN"
    assert lang_of(english, "h1", "math") == ["en"] and lang_of(english, "div", "abstract") == ["en"]
    assert [a["lang"] for a in english.find("div") if a.get("class") in ("zh", "en")] == ["zh-CN", "en"]
    page = next(output.glob("papers/*ssi-2026-0001*.html"))
    han = Tags(page.read_text(encoding="utf-8"))
    assert lang_of(han, "h1", "math") == ["zh-CN"] and lang_of(han, "div", "abstract") == ["zh-CN"]
    # the English part of its brief is the Chinese text standing in, and says so
    assert [a["lang"] for a in han.find("div") if a.get("class") in ("zh", "en")] == ["zh-CN", "zh-CN"]
    home = Tags(
        re.sub(r"<template.*?</template>", "", read(output, "index.html"), flags=re.DOTALL)
    )  # cards, not cards.js's
    assert sorted(lang_of(home, "h3", "card-title")) == ["en", "zh-CN"]
    assert sorted(lang_of(home, "div", "abstract")) == ["en", "zh-CN"]
    tldrs = re.findall(r'<p class="tldr">.*?</p>', read(output, "index.html"), re.DOTALL)
    assert any('<span class="en" lang="zh-CN">表面码综述。</span>' in p for p in tldrs)
    assert any('<span class="en" lang="en">Below threshold.</span>' in p for p in tldrs)
    # rows (topic pages) tag their titles too
    topic = Tags(read(output, "topics/quantum-information.html"))
    assert sorted(lang_of(topic, "h3", "card-title")) == ["en", "zh-CN"]


def test_two_spellings_of_one_keyword_are_one_keyword_page_listing_the_paper_once(tmp_path):
    """A matched word ("language models") and a second topic's id ("language-models") are one page."""
    surface, _ = crafted_papers()[0]
    paper = dataclasses.replace(
        surface,
        topics=(
            Selection("efficient-llm", 3, keywords=("language model*",), words=("language models",)),
            Selection("language-models", 2, keywords=("language model*",), words=("language models",)),
        ),
    )
    content = tmp_path / "content"
    atomic_write(content / entry_path(paper), render_entry(paper))
    assert "Tags: language models; language-models" in (content / entry_path(paper)).read_text(encoding="utf-8")
    output = build(
        content,
        tmp_path / "out",
        settings_file=built_site().root / "testconf.py",
        rules=ROOT / "rules",
        state=tmp_path / "state",
        search=False,
    ).output
    listed = read(output, "tags/language-models.html")
    assert listed.count('<li class="row">') == 1
    page = read(output, "papers/arxiv-2609-00001.html")
    assert page.count('href="../tags/language-models.html"') == 1
