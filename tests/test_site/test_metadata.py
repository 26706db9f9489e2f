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
    assert [a["name"] for a in article.get("author", [])] == _meta(text, "citation_author"), name
    assert all(a["@type"] == "Person" for a in article.get("author", [])), name
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", article["datePublished"]), name
    assert article["abstract"] and article["url"].endswith("/papers/" + name), name
    ids = {i["propertyID"]: i["value"] for i in article["identifier"]}
    assert ids.get("arXiv", "") == "".join(_meta(text, "citation_arxiv_id")), name
    assert ids.get("DOI", "") == "".join(_meta(text, "citation_doi")), name
    assert set(_meta(text, "citation_pdf_url")) <= set(article["sameAs"]), name
    if _meta(text, "citation_journal_title") and _meta(text, "citation_journal_title")[0] not in ("bioRxiv", "medRxiv"):
        assert article["isPartOf"]["name"] == _meta(text, "citation_journal_title")[0], name


def test_extruct_finds_a_complete_scholarly_article_and_opengraph_authors(pages):
    import extruct

    for page in pages:
        text = page.read_text(encoding="utf-8")
        data = extruct.extract(text, base_url="https://radar.example.org/hub/", syntaxes=["json-ld", "opengraph"])
        (article,) = data["json-ld"]
        _check_article(article, text, page.name)
        (og,) = data["opengraph"]
        assert [v for k, v in og["properties"] if k == "article:author"] == _meta(text, "citation_author"), page.name


@pytest.mark.skipif(not MODULE.exists() or not shutil.which("node"), reason="needs `npm ci --prefix tests/tools` (html-metadata)")
def test_html_metadata_finds_json_ld_and_the_highwire_citation_record(pages):
    done = subprocess.run(["node", str(SCRIPT), *map(str, pages)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        meta = found[str(page)]
        (article,) = [d for d in meta["jsonLd"]] if isinstance(meta["jsonLd"], list) else [meta["jsonLd"]]
        _check_article(article, text, page.name)
        highwire = meta["highwirePress"]
        authors = highwire.get("author", [])
        assert (authors if isinstance(authors, list) else [authors]) == _meta(text, "citation_author"), page.name
        assert highwire["title"] == _meta(text, "citation_title")[0] and highwire["publication_date"], page.name
        if _meta(text, "citation_pdf_url"):
            assert highwire["pdf_url"] == _meta(text, "citation_pdf_url")[0], page.name
