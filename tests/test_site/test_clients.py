"""The built sample site read by clients nobody on the project wrote: the W3C feed checker,
the JSON Feed 1.1 schema and the newsboat feed reader."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from clients import JSONFEED_SCHEMA, NEWSBOAT, feed_checker, feed_files, json_feed_errors, newsboat_read
from site_helpers import built_site

SITEURL = "https://radar.example.org/hub"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def out():
    return built_site().output


def test_w3c_feed_checker_finds_no_error_in_any_feed(out):
    errors, warnings = feed_checker(out, SITEURL)
    assert len(feed_files(out)) > 10
    assert errors == []
    # entries of one day really share their update time; nothing else is left to warn about
    # but markup-like text from a feed, which is escaped as plain text (the checker's guess)
    assert all("same value for atom:updated" in w or "should not contain HTML" in w for w in warnings), warnings


def test_every_author_is_an_atom_author_and_feeds_declare_language_and_author(out):
    root = ET.parse(out / "feeds/all.atom.xml").getroot()
    assert root.get(XML_LANG) == "en"
    assert root.find(f"{ATOM}author/{ATOM}name").text == "AcademicHub"
    entry = next(
        e for e in root.iter(f"{ATOM}entry") if e.find(f"{ATOM}id").text.endswith("papers/arxiv-2604-22038.html")
    )
    assert [a.find(f"{ATOM}name").text for a in entry.findall(f"{ATOM}author")] == [
        "Etha Tianze Hua",
        "Tian Yun",
        "Ellie Pavlick",
    ]
    brief = next(e for e in root.iter(f"{ATOM}entry") if "/briefs/" in e.find(f"{ATOM}id").text)
    assert brief.get(XML_LANG) == "zh-CN" and brief.find(f"{ATOM}author") is None
    rss = feedparser.parse((out / "feeds/all.rss.xml").read_bytes())
    assert rss.feed.language == "en"
    item = next(e for e in rss.entries if e.link.endswith("papers/arxiv-2604-22038.html"))
    assert [a["name"] for a in item.authors] == ["Etha Tianze Hua", "Tian Yun", "Ellie Pavlick"]
    assert feedparser.parse((out / "feeds/topics/daily-brief.rss.xml").read_bytes()).feed.language == "zh-CN"
    author = ET.parse(out / "feeds/authors/ellie-pavlick.atom.xml").getroot()
    assert author.get(XML_LANG) == "en"


def test_topic_feeds_are_titled_by_the_topic_names_as_the_opml_lists_them(out):
    opml = {o.get("xmlUrl"): o.get("title") for o in ET.parse(out / "feeds.opml").getroot().iter("outline")}
    for url, title in opml.items():
        feed = feedparser.parse((out / url.removeprefix(SITEURL + "/")).read_bytes())
        assert feed.feed.title == title
    assert (
        opml[SITEURL + "/feeds/topics/quantum-information.atom.xml"] == "AcademicHub – Quantum Information / 量子信息"
    )


@pytest.mark.skipif(not JSONFEED_SCHEMA.exists(), reason="needs `npm ci --prefix tests/tools` (jsonfeed-schema)")
def test_json_feed_follows_the_json_feed_1_1_schema(out):
    assert json_feed_errors(out) == []
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    assert feed["language"] == "en" and feed["authors"] == [{"name": "AcademicHub", "url": SITEURL + "/"}]
    briefs = [i for i in feed["items"] if "/briefs/" in i["url"]]
    assert briefs and all(i["language"] == "zh-CN" and "authors" not in i for i in briefs)
    papers = [i for i in feed["items"] if "/papers/" in i["url"]]
    assert all(i.get("authors", True) for i in papers) and sum("authors" in i for i in papers) > 10


def test_json_feed_schema_check_can_fail(out, tmp_path):
    if not JSONFEED_SCHEMA.exists():
        pytest.skip("needs `npm ci --prefix tests/tools` (jsonfeed-schema)")
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    feed["items"][0]["authors"] = "AcademicHub"
    (tmp_path / "feed.json").write_text(json.dumps(feed), encoding="utf-8")
    assert json_feed_errors(tmp_path)


@pytest.mark.skipif(not NEWSBOAT, reason="needs newsboat (apt package)")
def test_newsboat_reads_every_feed_with_its_title(out):
    titles, items = newsboat_read(out)
    expected = {name: feedparser.parse((out / name).read_bytes()).feed.title for name in feed_files(out)}
    assert titles == expected
    assert titles["feeds/topics/quantum-information.rss.xml"] == "AcademicHub – Quantum Information / 量子信息"
    ids = {e.id for name in feed_files(out) for e in feedparser.parse((out / name).read_bytes()).entries}
    assert items == ids


SITEMAP_SCHEMA = JSONFEED_SCHEMA.parents[1] / "sitemap" / "schema" / "sitemap.xsd"


@pytest.mark.skipif(not SITEMAP_SCHEMA.exists(), reason="needs `npm ci --prefix tests/tools` (sitemap, for its XSD)")
def test_sitemap_follows_the_sitemaps_org_schema_with_lastmod_on_every_page(out):
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(SITEMAP_SCHEMA)))
    sitemap = etree.parse(str(out / "sitemap.xml"))
    assert schema.validate(sitemap), schema.error_log
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    rows = {
        u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns)
        for u in sitemap.iterfind("s:url", ns)
    }
    assert all(rows.values()), [loc for loc, when in rows.items() if not when]
    assert rows[SITEURL + "/"] == max(rows.values())
    for page in ("search.html", "status.html", "404.html"):
        assert SITEURL + "/" + page not in rows
        text = (out / page).read_text(encoding="utf-8")
        assert '<meta name="robots" content="noindex">' in text and 'rel="canonical"' not in text
    # the radar is a landing page: in the sitemap, indexable, with its own canonical address and description
    assert rows[SITEURL + "/radar.html"] == max(rows.values())
    radar = (out / "radar.html").read_text(encoding="utf-8")
    assert "noindex" not in radar and f'<link rel="canonical" href="{SITEURL}/radar.html">' in radar
    assert re.search(
        r'<meta name="description" content="定制您的专属科研雷达[^"]*Customise your own research radar', radar
    )
    broken = etree.fromstring(etree.tostring(sitemap).replace(b"<lastmod>", b"<lastmod>yesterday ", 1))
    assert not schema.validate(broken)
