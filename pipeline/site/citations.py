"""A paper as BibTeX and as RIS, the way reference managers import them."""

from __future__ import annotations

from pelican.contents import Article

from ..models import Author, PaperView
from .views import AUTHORS_LISTED


def family_first(author: Author) -> str | None:
    """'Family, Given' when the source named the family ("García Márquez, Gabriel"); None when it did not."""
    name, family = author.name, author.family
    given = name[:-len(family)].strip() if family and name.endswith(family) else ""
    return f"{family}, {given}" if given else None


PREPRINT_SERVERS = {"bioRxiv", "medRxiv"}


def journal(paper: PaperView) -> str:
    """The journal a paper appeared in: its journal reference, else its venue unless that is a
    preprint server (a bioRxiv preprint is no journal article, as Zotero's translators read it)."""
    return paper.journal_ref or ("" if paper.venue in PREPRINT_SERVERS else paper.venue)


def preprint_server(paper: PaperView) -> str:
    """The server a preprint is on (bioRxiv, medRxiv, arXiv); "" once the paper is in a journal."""
    if journal(paper):
        return ""
    if paper.venue in PREPRINT_SERVERS:
        return paper.venue
    return "arXiv" if paper.arxiv_id else ""


# How Zotero's own translators read these records (zotero/translators, BibTeX.js and RIS.js, read
# 2026-06): neither has a preprint type. BibTeX.js reads @article as a journal article and @misc as a
# document; it keeps an arXiv id only from `eprint` with `eprinttype` (it ignores `archivePrefix`),
# as "arXiv: <id>" in Extra; `journal`, `publisher`, `doi`, `url` and `abstract` become the
# publication, publisher, DOI, URL and abstract. RIS.js reads JOUR as a journal article and GEN (the
# type it writes its own preprints as) as one too; T2 is the publication, PB the publisher (a
# preprint's repository), DO the DOI, UR the URL, L1 a PDF attachment, AB the abstract and AN the
# location in the archive.


def bibtex(article: Article, limit: int = AUTHORS_LISTED) -> str:
    """The paper as BibTeX: @article for a journal article, @misc for a preprint (as arXiv exports
    its own), with the arXiv id both as BibTeX styles (archivePrefix) and as biblatex and Zotero
    (eprinttype) read it. At most ``limit`` authors, then BibTeX's own "and others" (et al.)."""
    paper = article.paper
    first = ((paper.authors[0].family or paper.authors[0].name.split()[-1]) if paper.authors
             else "anon")
    key = "".join(ch for ch in f"{first}{article.date:%Y}{article.slug[-6:]}" if ch.isalnum())

    def field(text: str) -> str:
        return "".join("\\" + ch if ch in "{}&%$#_" else ch for ch in " ".join(str(text).split()))

    fields = [("title", "{" + field(paper.title) + "}")]
    if paper.authors:
        # a full name alone is left to BibTeX's own reading ("First von Last")
        names = [field(family_first(a) or a.name) for a in paper.authors[:limit]]
        fields.append(("author", " and ".join(names + ["others"] * (len(paper.authors) > limit))))
    fields.append(("year", f"{article.date:%Y}"))
    if paper.arxiv_id:
        fields += [("eprint", paper.arxiv_id), ("archivePrefix", "arXiv"), ("eprinttype", "arxiv")]
        if paper.categories:
            fields.append(("primaryClass", paper.categories[0]))
    server = preprint_server(paper)
    if journal(paper):
        fields.append(("journal", field(journal(paper))))
    elif paper.venue:
        fields.append(("howpublished", field(paper.venue)))
    if server:
        fields.append(("publisher", field(server)))
    if paper.doi:
        fields.append(("doi", paper.doi))
    if paper.url:
        fields.append(("url", paper.url))
    if paper.abstract:
        fields.append(("abstract", field(paper.abstract)))
    kind = "article" if journal(paper) else "misc"
    # the month is BibTeX's own macro (jan … dec), unbraced, so styles print it in their language
    body = ",\n".join([f"  {name} = {{{value}}}" for name, value in fields] + [f"  month = {article.date:%b}".lower()])
    return f"@{kind}{{{key},\n{body}\n}}\n"


def ris_name(author: Author) -> str:
    """'Ada M. Lovelace' -> 'Lovelace, Ada M.': RIS (and Zotero, which splits AU at the comma) wants
    the family name first: the source's, else the last word, as BibTeX takes it."""
    name = author.name
    given, _, family = name.rpartition(" ")
    return family_first(author) or (f"{family}, {given}" if given and "," not in name else name)


def ris(article: Article, limit: int = AUTHORS_LISTED) -> str:
    """The paper as an RIS record, tagged as Zotero's RIS import reads it: JOUR for a journal
    article (T2 the journal), GEN for a preprint (PB its server), AU "Family, Given" (at most ``limit``;
    RIS has no "et al."), AB the abstract, DO the DOI, UR the page, L1 the PDF, AN the arXiv id."""
    paper = article.paper
    lines = [("TY", "JOUR" if journal(paper) else "GEN"), ("TI", paper.title)]
    lines += [("AU", ris_name(a)) for a in paper.authors[:limit]]
    lines += [("PY", f"{article.date:%Y}"), ("DA", f"{article.date:%Y/%m/%d}")]
    if journal(paper):
        lines.append(("T2", journal(paper)))
    elif preprint_server(paper) or paper.venue:
        lines.append(("PB", preprint_server(paper) or paper.venue))
    if paper.abstract:
        lines.append(("AB", paper.abstract))
    if paper.doi:
        lines.append(("DO", paper.doi))
    if paper.url:
        lines.append(("UR", paper.url))
    if paper.pdf:
        lines.append(("L1", paper.pdf))
    if paper.arxiv_id:
        lines.append(("AN", f"arXiv:{paper.arxiv_id}"))
    return "".join(f"{tag}  - {' '.join(str(value).split())}\n" for tag, value in lines) + "ER  - \n"
