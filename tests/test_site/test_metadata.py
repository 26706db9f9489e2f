"""Every paper page read by the scrapers reference tools use: Wikimedia's html-metadata (behind
Citoid, which Wikipedia cites with) and extruct: a complete ScholarlyArticle and citation record."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess

import pytest
from clients import ROOT
from site_helpers import built_site

from pipeline.site.views import AUTHORS_LISTED

SCRIPT = ROOT / "tests" / "tools" / "metadata.cjs"
MODULE = ROOT / "tests" / "tools" / "node_modules" / "html-metadata"


@pytest.fixture(scope="module")
def pages():
    out = built_site().output
    return sorted((out / "papers").glob("*.html"))


def _meta(text: str, name: str) -> list[str]:
    return [html.unescape(v) for v in re.findall(rf'<meta name="{name}" content="([^"]*)"', text)]


def _check_article(article: dict, text: str, name: str) -> None:
    assert article["@type"] == "ScholarlyArticle", name
    assert article["name"] == _meta(text, "citation_title")[0], name
    # the Highwire tags name every author, the JSON-LD the first AUTHORS_LISTED (with the tags' institutions)
    assert [a["name"] for a in article.get("author", [])] == _meta(text, "citation_author")[:AUTHORS_LISTED], name
    assert all(a["@type"] == "Person" for a in article.get("author", [])), name
    affiliations = [aff for a in article.get("author", []) for aff in a.get("affiliation", [])]
    assert affiliations == _meta(text, "citation_author_institution"), name
    assert article["datePublished"] == _meta(text, "citation_publication_date")[0].replace("/", "-"), name
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", article.get("dateModified", article["datePublished"])), name
    assert article["abstract"] and article["url"].endswith("/papers/" + name), name
    ids = {i["propertyID"]: i["value"] for i in article["identifier"]}
    assert ids.get("arXiv", "") == "".join(_meta(text, "citation_arxiv_id")), name
    assert ids.get("DOI", "") == "".join(_meta(text, "citation_doi")), name
    assert set(_meta(text, "citation_pdf_url")) <= set(article["sameAs"]), name
    if _meta(text, "citation_journal_title") and _meta(text, "citation_journal_title")[0] not in ("bioRxiv", "medRxiv"):
        assert article["isPartOf"]["name"] == _meta(text, "citation_journal_title")[0], name


def extruct_article(text: str, base_url: str, name: str) -> dict:
    """The one ScholarlyArticle extruct finds on a paper page, checked against the page's citation tags,
    with OpenGraph naming the same authors."""
    import extruct

    data = extruct.extract(text, base_url=base_url, syntaxes=["json-ld", "opengraph"])
    (article,) = data["json-ld"]
    _check_article(article, text, name)
    (og,) = data["opengraph"]
    listed = _meta(text, "citation_author")[:AUTHORS_LISTED]
    assert [v for k, v in og["properties"] if k == "article:author"] == listed, name
    return article


def test_extruct_finds_a_complete_scholarly_article_and_opengraph_authors(pages):
    for page in pages:
        extruct_article(page.read_text(encoding="utf-8"), "https://radar.example.org/hub/", page.name)


NEEDS_HTML_METADATA = pytest.mark.skipif(
    not MODULE.exists() or not shutil.which("node"), reason="needs `npm ci --prefix tests/tools` (html-metadata)"
)


def html_metadata(pages) -> dict[str, dict]:
    """What Wikimedia's html-metadata finds in each page, by path."""
    done = subprocess.run(["node", str(SCRIPT), *map(str, pages)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _listed(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _check_highwire(highwire: dict, text: str, name: str) -> None:
    """The Highwire Press citation record as html-metadata reads it: the authors one by one, in order,
    the dates, the identifiers and the links, each what the page's own tags say."""
    assert highwire["title"] == _meta(text, "citation_title")[0], name
    assert _listed(highwire.get("author")) == _meta(text, "citation_author"), name
    assert _listed(highwire.get("author_institution")) == _meta(text, "citation_author_institution"), name
    for key in ("publication_date", "online_date", "pdf_url", "abstract_html_url", "doi", "arxiv_id", "journal_title"):
        assert _listed(highwire.get(key)) == _meta(text, "citation_" + key), (name, key)
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", highwire["publication_date"]), name


def check_html_metadata(found: dict, page) -> dict:
    """One complete ScholarlyArticle (JSON-LD) and one complete citation record (Highwire) in a page."""
    text = page.read_text(encoding="utf-8")
    meta = found[str(page)]
    (article,) = _listed(meta["jsonLd"])
    _check_article(article, text, page.name)
    _check_highwire(meta["highwirePress"], text, page.name)
    return meta


@NEEDS_HTML_METADATA
def test_html_metadata_finds_json_ld_and_the_highwire_citation_record(pages):
    found = html_metadata(pages)
    kinds = set()
    for page in pages:
        highwire = check_html_metadata(found, page)["highwirePress"]
        kinds.update(
            key for key in ("doi", "arxiv_id", "pdf_url", "journal_title", "author_institution") if key in highwire
        )
    assert kinds == {"doi", "arxiv_id", "pdf_url", "journal_title", "author_institution"}  # each kind was checked
