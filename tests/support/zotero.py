"""What Zotero makes of a BibTeX or RIS record: the mappings of its own import translators, stated
here as read, so that the tests can say which item type and fields a record becomes."""

from __future__ import annotations

import re

import bibtexparser

# What Zotero's own import translators make of these records (zotero/translators, read at its 2026-06
# snapshot). RIS.js: the TY through `importTypeMap` (JOUR -> journalArticle; GEN -> journalArticle,
# and GEN is also what it writes its own preprint items as; ELEC -> webpage; no TY is a preprint) and
# the tags through `fieldMap` (T2 -> publicationTitle for a journalArticle, PB -> publisher, DO -> DOI,
# UR -> url, AB -> abstractNote, AN -> archiveLocation, DA -> date, AU -> an author, L1 -> a PDF
# attachment). BibTeX.js: the entry type through `bibtex2zoteroTypeMap` (article -> journalArticle,
# misc -> document, online -> webpage, unpublished -> manuscript; no preprint) and the fields through
# `fieldMap`, `inputFieldMap` and `processField` (journal -> publicationTitle, publisher -> publisher,
# doi -> DOI, url -> url, abstract -> abstractNote, author -> authors; `eprint` with `eprinttype = arxiv`
# -> "arXiv: <id>" in Extra, while `archivePrefix` and `primaryClass` are not read).
ZOTERO_RIS_TYPES = {"JOUR": "journalArticle", "GEN": "journalArticle", "ELEC": "webpage"}
ZOTERO_RIS_FIELDS = {
    "TI": "title",
    "T2": "publicationTitle",
    "PB": "publisher",
    "DO": "DOI",
    "UR": "url",
    "AB": "abstractNote",
    "AN": "archiveLocation",
    "DA": "date",
}
ZOTERO_BIBTEX_TYPES = {
    "article": "journalArticle",
    "misc": "document",
    "online": "webpage",
    "unpublished": "manuscript",
}
ZOTERO_BIBTEX_FIELDS = {
    "title": "title",
    "journal": "publicationTitle",
    "publisher": "publisher",
    "doi": "DOI",
    "url": "url",
    "abstract": "abstractNote",
}
ZOTERO_EPRINT_TYPES = {"arxiv": "arXiv"}


def zotero_from_ris(text: str) -> dict:
    lines = re.findall(r"^([A-Z][A-Z0-9])  - ?(.*)$", text, re.MULTILINE)
    item = {"itemType": ZOTERO_RIS_TYPES.get(dict(lines)["TY"], "unread"), "creators": [], "attachments": []}
    for tag, value in lines:
        if tag == "AU":
            item["creators"].append(value)
        elif tag == "L1":
            item["attachments"].append({"url": value, "mimeType": "application/pdf"})
        elif tag in ZOTERO_RIS_FIELDS:
            item[ZOTERO_RIS_FIELDS[tag]] = value
    return item


def zotero_from_bibtex(text: str) -> dict:
    (entry,) = bibtexparser.parse_string(text).entries
    fields = {f.key.lower(): f.value for f in entry.fields}
    item = {
        "itemType": ZOTERO_BIBTEX_TYPES.get(entry.entry_type.lower(), "unread"),
        "creators": re.split(r"\s+and\s+", fields["author"]) if "author" in fields else [],
    }
    item.update({ZOTERO_BIBTEX_FIELDS[k]: v for k, v in fields.items() if k in ZOTERO_BIBTEX_FIELDS})
    label = ZOTERO_EPRINT_TYPES.get(fields.get("eprinttype", "").lower())
    if label and fields.get("eprint"):
        item["extra"] = f"{label}: {fields['eprint']}"
    return item
