"""A paper as BibTeX and as RIS, the way reference managers import them."""

from __future__ import annotations

from pelican.contents import Article


def family_first(author: dict) -> str | None:
    """'Family, Given' when the source named the family ("García Márquez, Gabriel"); None when it did not."""
    name, family = author["name"], author.get("family") or ""
    given = name[:-len(family)].strip() if family and name.endswith(family) else ""
    return f"{family}, {given}" if given else None


PREPRINT_SERVERS = {"bioRxiv", "medRxiv"}


def journal(paper: dict) -> str:
    """The journal a paper appeared in: its journal reference, else its venue unless that is a
    preprint server (a bioRxiv preprint is no journal article, as Zotero's translators read it)."""
    return paper["journal_ref"] or ("" if paper["venue"] in PREPRINT_SERVERS else paper["venue"])


def bibtex(article: Article) -> str:
    paper = article.paper
    first = ((paper["authors"][0].get("family") or paper["authors"][0]["name"].split()[-1]) if paper["authors"]
             else "anon")
    key = "".join(ch for ch in f"{first}{article.date:%Y}{article.slug[-6:]}" if ch.isalnum())

    def field(text: str) -> str:
        return "".join("\\" + ch if ch in "{}&%$#_" else ch for ch in " ".join(str(text).split()))

    fields = [("title", "{" + field(paper["title"]) + "}")]
    if paper["authors"]:
        # a full name alone is left to BibTeX's own reading ("First von Last")
        fields.append(("author", " and ".join(field(family_first(a) or a["name"]) for a in paper["authors"])))
    fields.append(("year", f"{article.date:%Y}"))
    if paper["arxiv_id"]:
        fields += [("eprint", paper["arxiv_id"]), ("archivePrefix", "arXiv")]
        if paper["categories"]:
            fields.append(("primaryClass", paper["categories"][0]))
    if journal(paper):
        fields.append(("journal", field(journal(paper))))
    elif paper["venue"]:
        fields.append(("howpublished", field(paper["venue"])))
    if paper["doi"]:
        fields.append(("doi", paper["doi"]))
    if paper["url"]:
        fields.append(("url", paper["url"]))
    kind = "article" if journal(paper) else "misc"
    # the month is BibTeX's own macro (jan … dec), unbraced, so styles print it in their language
    body = ",\n".join([f"  {name} = {{{value}}}" for name, value in fields] + [f"  month = {article.date:%b}".lower()])
    return f"@{kind}{{{key},\n{body}\n}}\n"


def ris_name(author: dict) -> str:
    """'Ada M. Lovelace' -> 'Lovelace, Ada M.': RIS (and Zotero, which splits AU at the comma) wants
    the family name first: the source's, else the last word, as BibTeX takes it."""
    name = author["name"]
    given, _, family = name.rpartition(" ")
    return family_first(author) or (f"{family}, {given}" if given and "," not in name else name)


def ris(article: Article) -> str:
    """The paper as an RIS record, tagged as Zotero's RIS import reads it: AU "Family, Given",
    T2 the journal, AB the abstract, DO the DOI, UR the page, L1 the PDF, AN the arXiv id."""
    paper = article.paper
    lines = [("TY", "JOUR" if journal(paper) else "GEN"), ("TI", paper["title"])]
    lines += [("AU", ris_name(a)) for a in paper["authors"]]
    lines += [("PY", f"{article.date:%Y}"), ("DA", f"{article.date:%Y/%m/%d}")]
    if journal(paper):
        lines.append(("T2", journal(paper)))
    elif paper["venue"]:
        lines.append(("PB", paper["venue"]))
    if paper["abstract"]:
        lines.append(("AB", paper["abstract"]))
    if paper["doi"]:
        lines.append(("DO", paper["doi"]))
    if paper["url"]:
        lines.append(("UR", paper["url"]))
    if paper.get("pdf"):
        lines.append(("L1", paper["pdf"]))
    if paper["arxiv_id"]:
        lines.append(("AN", f"arXiv:{paper['arxiv_id']}"))
    return "".join(f"{tag}  - {' '.join(str(value).split())}\n" for tag, value in lines) + "ER  - \n"
