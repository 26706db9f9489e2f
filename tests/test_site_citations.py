"""Every paper's BibTeX and RIS, as its page shows them, read by bibtexparser 2, pybtex and rispy."""

from __future__ import annotations

import html
import json
import re

import bibtexparser
import pytest
import rispy
from pybtex.database import parse_string

from site_helpers import built_site


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
        assert fields["month"] in {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}, name
        assert "{" not in blocks["bibtex"].split("month =")[1].split("\n")[0], name  # the unbraced macro
        pybtex = parse_string(blocks["bibtex"], "bibtex").entries[entry.key]
        authors = [str(p) for p in pybtex.persons.get("author", [])]
        assert len(authors) == len(meta.get("citation_author", [])), name
        if "citation_arxiv_id" in meta:
            assert fields["eprint"] == meta["citation_arxiv_id"][0] and fields["archivePrefix"] == "arXiv", name


def test_ris_parses_in_rispy_with_family_names_first_abstract_ids_and_pdf(papers):
    for name, blocks, meta in papers:
        (record,) = rispy.loads(blocks["ris"])
        assert record["title"] == meta["citation_title"][0], name
        expected = [f"{n.rpartition(' ')[2]}, {n.rpartition(' ')[0]}" if " " in n else n
                    for n in meta.get("citation_author", [])]
        assert record.get("authors", []) == expected, name
        assert record.get("abstract"), name
        if "citation_doi" in meta:
            assert record["doi"] == meta["citation_doi"][0], name
        if "citation_pdf_url" in meta:
            assert record["file_attachments1"] == meta["citation_pdf_url"][0], name
        if "citation_arxiv_id" in meta:
            assert record["accession_number"] == "arXiv:" + meta["citation_arxiv_id"][0], name
        assert "\\\"" not in blocks["ris"] and "\\'" not in blocks["ris"], name


def test_a_paper_without_authors_gets_no_empty_author_field(papers):
    authorless = [blocks for _, blocks, meta in papers if not meta.get("citation_author")]
    assert authorless
    for blocks in authorless:
        assert "author =" not in blocks["bibtex"] and "AU  -" not in blocks["ris"]
