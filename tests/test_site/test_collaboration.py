"""A collaboration paper of 3,000 authors (tests/support/collaboration.py): every output but its own page and
API file names 20 of them and "et al. — 3,000 authors", the site grows by less than 1 MB, its feeds pass the
W3C checker, and the author pages and feeds of its long tail cost bytes in proportion to their papers."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from clients import feed_checker, json_feed_errors
from collaboration import collaboration_paper
from site_helpers import SITEURL, make_site, rebuild, recent_papers

from pipeline.archive.entry import entry_path, render_entry
from pipeline.files import atomic_write

ATOM = "{http://www.w3.org/2005/Atom}"
ET_AL = "et al. — 3,000 authors"


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    """The sample site, then the same with one 3,000-author paper, then with a second one by the same
    collaboration (every author then has two papers: a page and a feed each)."""
    site = make_site(tmp_path_factory.mktemp("collaboration"))
    sizes = [size(site.output)]
    for n in (1, 2):
        paper = collaboration_paper(f"2609.0{n}234", received=date(2026, 9, 8))
        atomic_write(site.root / "content" / entry_path(paper), render_entry(paper))
        rebuild(site)
        sizes.append(size(site.output))
        if n == 1:
            first = {p.relative_to(site.output).as_posix(): p.read_bytes() for p in site.output.rglob("*.xml")}
    return site, sizes, paper, first


def test_one_paper_of_3000_authors_adds_less_than_a_megabyte(grown):
    _, sizes, _, _ = grown
    assert sizes[1] - sizes[0] <= 1_000_000, f"{(sizes[1] - sizes[0]) / 1e6:.2f} MB"


def test_feeds_name_20_authors_and_how_many_there_are(grown):
    site, _, paper, first = grown
    out = site.output
    for name in ("feeds/all.atom.xml", "feeds/topics/followed-authors.atom.xml"):
        feed = lxml.etree.fromstring(first[name])
        entry = next(e for e in feed.iter(f"{ATOM}entry") if "arxiv-2609-01234" in e.findtext(f"{ATOM}id"))
        names = [a.findtext(f"{ATOM}name") for a in entry.iter(f"{ATOM}author")]
        assert names == [a.name for a in paper.authors[:20]] + [ET_AL], name
    rss = lxml.etree.fromstring((out / "feeds/all.rss.xml").read_bytes())
    item = next(i for i in rss.iter("item") if "arxiv-2609-01234" in i.findtext("link"))
    assert len(item.findall("{http://purl.org/dc/elements/1.1/}creator")) == 21
    feed = json.loads((out / "feed.json").read_text())
    item = next(i for i in feed["items"] if "arxiv-2609-01234" in i["id"])
    assert len(item["authors"]) == 21 and item["authors"][-1]["name"] == ET_AL
    assert json_feed_errors(out) == []
    errors, _ = feed_checker(
        out,
        SITEURL,
        [
            "feeds/all.atom.xml",
            "feeds/all.rss.xml",
            "feeds/topics/followed-authors.atom.xml",
            "feeds/topics/followed-authors.rss.xml",
            f"feeds/authors/{_slug(out, paper.authors[1500].name)}.atom.xml",
        ],
    )
    assert errors == []


def test_lists_citations_and_the_api_name_20_and_the_paper_page_all(grown):
    site, _, paper, _ = grown
    out = site.output
    names = [a.name for a in paper.authors]
    page = (out / "papers/arxiv-2609-01234.html").read_text()
    tree = lxml.html.fromstring(page)
    assert [a.text_content() for a in tree.xpath('//p[@class="authors full"]/a')] == names  # the page: every author
    bibtex = tree.get_element_by_id("bibtex").text_content()
    assert re.search(r"author = \{(.*)\}", bibtex).group(1).count(" and ") == 20 and " and others}" in bibtex
    assert tree.get_element_by_id("ris").text_content().count("AU  - ") == 20
    ld = json.loads(tree.xpath('//script[@type="application/ld+json"]')[0].text)
    assert len(ld["author"]) == 20
    assert len(tree.xpath('//meta[@property="article:author"]')) == 20
    assert len(tree.xpath('//meta[@name="citation_author"]')) == 3000
    institutions = sum(len(a.affiliations) for a in paper.authors[:20])
    assert len(tree.xpath('//meta[@name="citation_author_institution"]')) == institutions
    home = lxml.html.fromstring((out / "index.html").read_text())
    card = home.xpath('//article[@data-id="arxiv:2609.01234"]')[0]
    assert card.get("data-authors").split("|") == names[:20]
    assert "3000 authors" in card.text_content()
    record = next(p for p in recent_papers(out) if p["id"] == "arxiv:2609.01234")
    assert record["authors"] == names[:20] and len(record["author_urls"]) == 20 and record["authors_total"] == 3000
    day = json.loads((out / "api/v1/days/2026-09-08.json").read_text())
    record = next(p for p in day["papers"] if p["id"] == "arxiv:2609.01234")
    assert [a["name"] for a in record["authors"]] == names[:20] and record["authors_total"] == 3000
    own = json.loads((out / "api/v1/papers/arxiv-2609-01234.json").read_text())
    assert [a["name"] for a in own["paper"]["authors"]] == names and own["paper"]["authors_total"] == 3000
    assert own["paper"]["authors"][7]["affiliations"] == list(paper.authors[7].affiliations)


def _slug(out: Path, name: str) -> str:
    for record in recent_papers(out):
        if name in record["authors"]:
            return record["author_urls"][record["authors"].index(name)].removeprefix("authors/").removesuffix(".html")
    page = (out / "papers/arxiv-2609-01234.html").read_text()
    return re.search(r'href="\.\./authors/([^"]+)\.html">' + re.escape(name) + "<", page).group(1)


def test_the_long_tail_of_a_collaboration_costs_bytes_in_proportion_to_its_papers(grown):
    """Author 1,501 of 3,000 (two papers): a page and a feed of two entries, naming 20 authors each — not
    the 2 × 3,000 names the feed held when every entry listed every author."""
    site, _, paper, _ = grown
    out = site.output
    author = paper.authors[1500].name
    slug = _slug(out, author)
    feed = out / f"feeds/authors/{slug}.atom.xml"
    entries = lxml.etree.fromstring(feed.read_bytes()).findall(f"{ATOM}entry")
    assert len(entries) == 2 and all(len(e.findall(f"{ATOM}author")) == 21 for e in entries)
    assert feed.stat().st_size < 8_000
    page = out / f"authors/{slug}.html"
    assert page.stat().st_size < 20_000 and paper.authors[2500].name not in page.read_text()
    feeds = list((out / "feeds/authors").glob("*.atom.xml"))
    assert len(feeds) >= 3000 and sum(p.stat().st_size for p in feeds) < 3000 * 8_000
