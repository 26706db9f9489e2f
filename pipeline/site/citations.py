"""A paper as BibTeX, RIS and CSL-JSON, the way reference managers import them.

These are the only writers of the three formats: the paper pages show their BibTeX and RIS, the
API publishes all three beside each paper's record (``api/v1/papers/<slug>.bib|.ris|.csl.json``),
and the radar's exports in the browser join the files of the papers chosen, unchanged.
"""

from __future__ import annotations

import json
import unicodedata

from pelican.contents import Article

from ..models import Author, PaperView
from .views import AUTHORS_LISTED, authors_listed, published_day_of


def family_first(author: Author) -> str | None:
    """'Family, Given' when the source named the family ("García Márquez, Gabriel"); None when it did not."""
    name, family = author.name, author.family
    given = name[: -len(family)].strip() if family and name.endswith(family) else ""
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


def family_given(author: Author) -> str:
    """'Ada M. Lovelace' -> 'Lovelace, Ada M.': the family name first, the source's, else the last
    word (as BibTeX itself would take it). BibTeX, RIS and Zotero (which splits at the comma) all read
    this form the same way; a name with a comma already, or of one word, is kept as it is."""
    name = author.name
    given, _, family = name.rpartition(" ")
    return family_first(author) or (f"{family}, {given}" if given and "," not in name else name)


def family_name(author: Author) -> str:
    return family_given(author).partition(",")[0]


def ascii_letters(text: str) -> str:
    """Only the ASCII letters and digits of ``text``, accents dropped ('Gödel' -> 'Godel'): a key
    classic BibTeX and every reference manager accept."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if ch.isascii() and ch.isalnum())


def citation_key(article: Article) -> str:
    """Family name of the first author, year, and the last eight letters and digits of the paper's
    id ('Lovelace202660300005'): the same for a paper wherever it is cited from."""
    paper = article.paper
    family = ascii_letters(family_name(paper.authors[0])) if paper.authors else ""
    suffix = ascii_letters(paper.id.partition(":")[2] or paper.id)[-8:]
    return f"{family or 'anon'}{published_day_of(article):%Y}{suffix}"


def _bibtex_text(text: str) -> str:
    """A field's text, its whitespace made single spaces, with TeX's special characters escaped so
    that every character prints as the source wrote it (a backslash as \\textbackslash{})."""
    return "".join(
        "\\textbackslash{}" if ch == "\\" else "\\" + ch if ch in "{}&%$#_" else ch
        for ch in " ".join(str(text).split())
    )


def _bibtex_name(author: Author) -> str:
    # a name holding the word "and" (a collaboration) is one name, not two: braced, BibTeX keeps it whole
    if " and " in f" {author.name.casefold()} ":
        return "{" + _bibtex_text(author.name) + "}"
    return _bibtex_text(family_given(author))


def bibtex(article: Article, limit: int = AUTHORS_LISTED) -> str:
    """The paper as BibTeX: @article for a journal article, @misc for a preprint (as arXiv exports
    its own), with the arXiv id both as BibTeX styles (archivePrefix) and as biblatex and Zotero
    (eprinttype) read it. Authors as "Family, Given", at most ``limit``, then BibTeX's own "and
    others" (et al.); the month as BibTeX's macro (jan … dec), unbraced, so styles print it in their
    language."""
    paper, day = article.paper, published_day_of(article)
    fields = [("title", "{" + _bibtex_text(paper.title) + "}")]
    if paper.authors:
        names = [_bibtex_name(a) for a in paper.authors[:limit]]
        fields.append(("author", " and ".join(names + ["others"] * (len(paper.authors) > limit))))
    fields.append(("year", f"{day:%Y}"))
    if paper.arxiv_id:
        fields += [("eprint", paper.arxiv_id), ("archivePrefix", "arXiv"), ("eprinttype", "arxiv")]
        if paper.categories:
            fields.append(("primaryClass", paper.categories[0]))
    server = preprint_server(paper)
    if journal(paper):
        fields.append(("journal", _bibtex_text(journal(paper))))
    elif paper.venue:
        fields.append(("howpublished", _bibtex_text(paper.venue)))
    if server:
        fields.append(("publisher", _bibtex_text(server)))
    if paper.doi:
        fields.append(("doi", paper.doi))
    if paper.url:
        fields.append(("url", paper.url))
    if paper.abstract:
        fields.append(("abstract", _bibtex_text(paper.abstract)))
    body = ",\n".join([f"  {name} = {{{value}}}" for name, value in fields] + [f"  month = {day:%b}".lower()])
    return f"@{'article' if journal(paper) else 'misc'}{{{citation_key(article)},\n{body}\n}}\n"


def ris(article: Article, limit: int = AUTHORS_LISTED) -> str:
    """The paper as an RIS record, tagged as Zotero's RIS import reads it: JOUR for a journal
    article (T2 the journal), GEN for a preprint (PB its server), AU "Family, Given" (at most ``limit``;
    RIS has no "et al."), AB the abstract, DO the DOI, UR the page, L1 the PDF, AN the arXiv id."""
    paper, day = article.paper, published_day_of(article)
    lines = [("TY", "JOUR" if journal(paper) else "GEN"), ("TI", paper.title)]
    lines += [("AU", family_given(a)) for a in paper.authors[:limit]]
    lines += [("PY", f"{day:%Y}"), ("DA", f"{day:%Y/%m/%d}")]
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


def csl_name(author: Author) -> dict:
    """A CSL name: family and given apart when known (the source's family, else the last word), a
    one-word name or one with a comma as a literal."""
    name = " ".join(author.name.split())
    family, _, given = family_given(author).partition(", ")
    return {"family": family, "given": given} if given and "," not in name else {"literal": name}


def csl_json(article: Article, limit: int = AUTHORS_LISTED) -> str:
    """The paper as CSL-JSON (the citation data of Zotero, Pandoc and citeproc): a list of one item,
    "article-journal" for a journal article, "article" (CSL's preprint) for a preprint, its archive
    the server and its place there the arXiv id, at most ``limit`` authors."""
    paper, day = article.paper, published_day_of(article)
    item = {
        "id": citation_key(article),
        "type": "article-journal" if journal(paper) else "article",
        "title": " ".join(paper.title.split()),
        "author": [csl_name(a) for a in paper.authors[:limit]],
        "issued": {"date-parts": [[day.year, day.month, day.day]]},
    }
    if journal(paper):
        item["container-title"] = journal(paper)
    elif preprint_server(paper) or paper.venue:
        item["publisher"] = preprint_server(paper) or paper.venue
    if paper.arxiv_id:
        item |= {"archive": "arXiv", "archive_location": f"arXiv:{paper.arxiv_id}"}
    if paper.doi:
        item["DOI"] = paper.doi
    if paper.url:
        item["URL"] = paper.url
    if paper.abstract:
        item["abstract"] = " ".join(paper.abstract.split())
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


# each format's writer, by the extension of its file beside the paper's API record
CITATION_FILES = {"bib": bibtex, "ris": ris, "csl.json": csl_json}


def citation_files(article: Article, settings: dict) -> dict[str, str]:
    """The paper's citation in each format, by extension, naming the site's AUTHORS_LISTED authors as
    its page does."""
    limit = authors_listed(settings)
    return {extension: writer(article, limit) for extension, writer in CITATION_FILES.items()}
