"""Every paper's BibTeX and RIS, as its page shows them, read by bibtexparser 2, pybtex and rispy."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC

import bibtexparser
import pytest
import rispy
from pybtex.database import parse_string
from site_helpers import built_site
from zotero import zotero_from_bibtex, zotero_from_ris

from pipeline.site.views import AUTHORS_LISTED


@pytest.fixture(scope="module")
def papers():
    out = built_site().output
    found = []
    for page in sorted((out / "papers").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        blocks = {k: html.unescape(v) for k, v in re.findall(r'<pre id="(bibtex|ris)"[^>]*>(.*?)</pre>', text, re.S)}
        meta = {}
        for name, content in re.findall(r'<meta name="(citation_[a-z_]+)" content="([^"]*)"', text):
            meta.setdefault(name, []).append(html.unescape(content))
        found.append((page.name, blocks, meta))
    assert len(found) > 20
    return found


def test_bibtex_parses_in_bibtexparser_and_pybtex_with_the_right_fields(papers):
    for name, blocks, meta in papers:
        library = bibtexparser.parse_string(blocks["bibtex"])
        assert not library.failed_blocks, name
        (entry,) = library.entries
        fields = {f.key: f.value for f in entry.fields}
        assert "author" not in fields or fields["author"].strip(), name
        assert fields["month"] in {
            "jan",
            "feb",
            "mar",
            "apr",
            "may",
            "jun",
            "jul",
            "aug",
            "sep",
            "oct",
            "nov",
            "dec",
        }, name
        assert "{" not in blocks["bibtex"].split("month =")[1].split("\n")[0], name  # the unbraced macro
        pybtex = parse_string(blocks["bibtex"], "bibtex").entries[entry.key]
        authors = [str(p) for p in pybtex.persons.get("author", [])]
        named = len(meta.get("citation_author", []))  # the page's Highwire tags name every author
        if named > AUTHORS_LISTED:  # a long list: the first ones, then BibTeX's own "and others"
            assert authors[-1] == "others" and len(authors) == AUTHORS_LISTED + 1, name
        else:
            assert len(authors) == named, name
        if "citation_arxiv_id" in meta:
            assert fields["eprint"] == meta["citation_arxiv_id"][0] and fields["archivePrefix"] == "arXiv", name
        if fields.get("howpublished") in {"bioRxiv", "medRxiv"}:
            assert entry.entry_type == "misc" and "journal" not in fields, name
        assert fields.get("journal") not in {"bioRxiv", "medRxiv"}, name


def test_ris_parses_in_rispy_with_family_names_first_abstract_ids_and_pdf(papers):
    for name, blocks, meta in papers:
        (record,) = rispy.loads(blocks["ris"])
        assert record["title"] == meta["citation_title"][0], name
        # "Family, Given" (the source's family name, else the last word): read back, the name on the page
        authors = record.get("authors", [])
        assert all(", " in a for a, shown in zip(authors, meta.get("citation_author", [])) if " " in shown), name
        named = meta.get("citation_author", [])[:AUTHORS_LISTED]  # the page's tags name every author
        assert [" ".join(reversed(a.split(", ", 1))) for a in authors] == named, name
        assert record.get("abstract"), name
        # a preprint server is no journal: a bioRxiv preprint is not typed as a journal article
        assert record.get("secondary_title") not in {"bioRxiv", "medRxiv"}, name
        if record.get("publisher") in {"bioRxiv", "medRxiv"}:
            assert record["type_of_reference"] == "GEN", name
        if "citation_doi" in meta:
            assert record["doi"] == meta["citation_doi"][0], name
        if "citation_pdf_url" in meta:
            assert record["file_attachments1"] == meta["citation_pdf_url"][0], name
        if "citation_arxiv_id" in meta:
            assert record["accession_number"] == "arXiv:" + meta["citation_arxiv_id"][0], name
        assert '\\"' not in blocks["ris"] and "\\'" not in blocks["ris"], name


def test_a_paper_without_authors_gets_no_empty_author_field(papers):
    authorless = [blocks for _, blocks, meta in papers if not meta.get("citation_author")]
    assert authorless
    for blocks in authorless:
        assert "author =" not in blocks["bibtex"] and "AU  -" not in blocks["ris"]


def test_family_names_the_sources_give_are_kept_apart_in_bibtex_and_ris():
    """Crossref names the family ("García Márquez", "van der Berg") and feeds write "Family, Given": the
    citations put that family first; a full name alone is left as BibTeX reads it."""
    from datetime import datetime
    from types import SimpleNamespace

    from pipeline.fetch.normalise import normalise
    from pipeline.models import RawAuthor, RawItem
    from pipeline.site.citations import bibtex, csl_json, ris
    from pipeline.site.views import paper_view

    item = RawItem(
        source_id="journal",
        title="Solitude in a hundred years of data",
        doi="10.5555/one.1",
        authors=(
            RawAuthor("Gabriel García Márquez", family="García Márquez"),
            RawAuthor("Anna van der Berg", family="van der Berg"),
            RawAuthor("Lovelace, Ada M."),
            RawAuthor("Alan Turing"),
            RawAuthor("Research and Development Group"),
            RawAuthor("Plato"),
        ),
        published=datetime(2026, 4, 27, tzinfo=UTC),
        venue="Journal of Tests",
    )
    paper = normalise(item, "Journal")
    assert [a.name for a in paper.authors][:4] == [
        "Gabriel García Márquez",
        "Anna van der Berg",
        "Ada M. Lovelace",
        "Alan Turing",
    ]
    assert [a.family for a in paper.authors][:4] == ["García Márquez", "van der Berg", "Lovelace", ""]
    record = json.dumps(paper.to_json())
    meta = SimpleNamespace(get=lambda key, default=None: {"record": record}.get(key, default))
    article = SimpleNamespace(
        metadata=meta, paper=None, slug="doi-one-1", date=paper.published, authors=[], title=paper.title
    )
    article.metadata = {"record": record}
    article.paper = paper_view(article)
    key, entry = parse_string(bibtex(article), "bibtex").entries.popitem()
    assert key == "GarciaMarquez20265555one1"  # ASCII (classic BibTeX reads no other); the id's last 8
    assert [
        (" ".join(p.first_names + p.middle_names), " ".join(p.prelast_names + p.last_names))
        for p in entry.persons["author"]
    ] == [
        ("Gabriel", "García Márquez"),
        ("Anna", "van der Berg"),
        ("Ada M.", "Lovelace"),
        ("Alan", "Turing"),
        ("", "{Research and Development Group}"),
        ("", "Plato"),
    ]  # a collaboration is one name, not two
    assert rispy.loads(ris(article))[0]["authors"] == [
        "García Márquez, Gabriel",
        "van der Berg, Anna",
        "Lovelace, Ada M.",
        "Turing, Alan",
        "Group, Research and Development",
        "Plato",
    ]
    (item,) = json.loads(csl_json(article))
    assert item["id"] == key and item["type"] == "article-journal" and item["container-title"] == "Journal of Tests"
    assert item["author"] == [
        {"family": "García Márquez", "given": "Gabriel"},
        {"family": "van der Berg", "given": "Anna"},
        {"family": "Lovelace", "given": "Ada M."},
        {"family": "Turing", "given": "Alan"},
        {"family": "Group", "given": "Research and Development"},
        {"literal": "Plato"},
    ]


def test_zotero_reads_arxiv_and_biorxiv_preprints_and_journal_articles_each_as_it_should(papers):
    """Zotero has no preprint type in either translator, so a preprint comes in as the nearest it
    has, with its server as the publisher (a preprint's repository, should the reader make it one)
    and its arXiv id kept; a journal article comes in as one, its journal the publication."""
    kinds = set()
    for name, blocks, meta in papers:
        ris_item, bib_item = zotero_from_ris(blocks["ris"]), zotero_from_bibtex(blocks["bibtex"])
        venue = (meta.get("citation_journal_title") or [""])[0]
        arxiv = (meta.get("citation_arxiv_id") or [""])[0]
        if venue and venue not in {"bioRxiv", "medRxiv"}:
            kinds.add("journal")
            assert ris_item["itemType"] == bib_item["itemType"] == "journalArticle", name
            assert ris_item["publicationTitle"] == bib_item["publicationTitle"] == venue, name
        else:
            server = venue or "arXiv"
            kinds.add(server)
            assert (ris_item["itemType"], bib_item["itemType"]) == ("journalArticle", "document"), name
            assert ris_item["publisher"] == bib_item["publisher"] == server, name
            assert "publicationTitle" not in ris_item and "publicationTitle" not in bib_item, name
        if arxiv:
            assert ris_item["archiveLocation"] == f"arXiv:{arxiv}" and bib_item["extra"] == f"arXiv: {arxiv}", name
        assert ris_item["title"] == meta["citation_title"][0] and bib_item["title"].startswith("{"), name
        for item in (ris_item, bib_item):
            # BibTeX's "and others" (after AUTHORS_LISTED names) names no one
            creators = [c for c in item["creators"] if c != "others"]
            assert len(creators) == min(len(meta.get("citation_author", [])), AUTHORS_LISTED), name
            assert item.get("DOI") == (meta.get("citation_doi") or [None])[0], name
            assert item.get("url") == (meta.get("citation_abstract_html_url") or [None])[0], name
            assert item.get("abstractNote"), name
        assert ris_item["date"] == meta["citation_publication_date"][0], name
        assert ris_item["attachments"] == [
            {"url": u, "mimeType": "application/pdf"} for u in meta.get("citation_pdf_url", [])
        ]
    assert kinds >= {"journal", "arXiv", "bioRxiv"}


def test_each_papers_citation_files_are_its_pages_own_and_its_csl_json_names_the_same(papers):
    """The API's api/v1/papers/<slug>.bib and .ris are the page's BibTeX and RIS, byte for byte; the
    .csl.json is one CSL item with the same key, title, authors, date, DOI and type; every key on the
    site is ASCII and names one paper."""
    out = built_site().output / "api/v1/papers"
    keys = set()
    for name, blocks, meta in papers:
        slug = name[: -len(".html")]
        page = (built_site().output / "papers" / name).read_text(encoding="utf-8")
        assert re.findall(r'<a href="\.\./(api/v1/papers/[^"]+)" download>', page) == [
            f"api/v1/papers/{slug}.{ext}" for ext in ("bib", "ris", "csl.json")
        ], name  # the page links its files
        assert (out / f"{slug}.bib").read_text(encoding="utf-8") == blocks["bibtex"], name
        assert (out / f"{slug}.ris").read_text(encoding="utf-8") == blocks["ris"], name
        (item,) = json.loads((out / f"{slug}.csl.json").read_text(encoding="utf-8"))
        (entry,) = bibtexparser.parse_string(blocks["bibtex"]).entries
        assert item["id"] == entry.key and entry.key.isascii() and entry.key not in keys, name
        keys.add(entry.key)
        assert item["type"] == ("article-journal" if entry.entry_type == "article" else "article"), name
        assert item["title"] == meta["citation_title"][0], name
        names = [a.get("literal") or f"{a['given']} {a['family']}" for a in item["author"]]
        assert names == meta.get("citation_author", [])[:AUTHORS_LISTED], name
        assert (
            "-".join(f"{n:02d}" for n in item["issued"]["date-parts"][0]).replace("-", "/")
            == meta["citation_publication_date"][0]
        ), name
        assert item.get("DOI") == (meta.get("citation_doi") or [None])[0], name
        assert item.get("abstract"), name
