"""arXiv's OAI-PMH interface, which arXiv asks large back-fills to use.

``ListRecords`` with ``metadataPrefix=arXiv`` over a set such as ``cs``, paged
with resumption tokens, at most one request every 3 seconds.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from typing import ClassVar, Literal

from ...config.sources import QuerySettings
from ...errors import BadRecord, FeedError
from ...models import RawAuthor, RawItem
from ..http import Client
from .base import Fetched, Page, parse_iso, parse_xml
from .fields import element_text, xml_text

NS = {"oai": "http://www.openarchives.org/OAI/2.0/", "ax": "http://arxiv.org/OAI/arXiv/"}


class ArxivOaiSource(QuerySettings):
    """arXiv's OAI-PMH interface (``metadataPrefix=arXiv``): every record of a set, following resumption
    tokens, for large back-fills (records of any age are kept)."""

    kind: Literal["arxiv_oai"]
    set: str = ""  # the OAI set, e.g. "cs" or "physics:quant-ph"

    endpoint: ClassVar[str] = "https://oaipmh.arxiv.org/oai"
    needs: ClassVar[tuple[str, ...]] = ("set",)


def parse(content: bytes, source: ArxivOaiSource) -> Page:
    """One ListRecords page: items, the records skipped with why, and the resumption token."""
    root = parse_xml(content, "OAI-PMH")
    if root.tag != f"{{{NS['oai']}}}OAI-PMH":
        raise FeedError(f"not an OAI-PMH document (root element {root.tag!r})")
    error = root.find("oai:error", NS)
    page = Page()
    if error is not None:
        if error.get("code") == "noRecordsMatch":
            return page
        raise FeedError(f"OAI-PMH error {error.get('code')}: {(error.text or '').strip()}")
    for record in root.iterfind("oai:ListRecords/oai:record", NS):
        name = (record.findtext("oai:header/oai:identifier", "", NS) or "").strip()
        page.records.append(name or ET.tostring(record)[:200].decode("utf-8", "replace"))
        meta = record.find("oai:metadata/ax:arXiv", NS)
        if meta is None:  # deleted records carry only a header
            continue
        try:
            page.items.append(_record(meta, source))
        except BadRecord as exc:
            page.skipped.append(f"record {name or '(no identifier)'}: {exc}")
    token = root.find("oai:ListRecords/oai:resumptionToken", NS)
    if token is not None:
        page.cursor = (token.text or "").strip()
        size = (token.get("completeListSize") or "").strip()
        page.total = int(size) if size.isdigit() else None
    return page


def _record(meta: ET.Element, source: ArxivOaiSource) -> RawItem:
    """One arXiv metadata record, every field read as text."""

    def get(path: str) -> str:
        return xml_text(meta, path, NS)

    arxiv_id = get("ax:id").strip()
    if not arxiv_id or not get("ax:title").strip():
        raise BadRecord("no id or title")
    authors = []
    for author in meta.iterfind("ax:authors/ax:author", NS):
        parts = (xml_text(author, f"ax:{part}", NS).strip() for part in ("forenames", "keyname", "suffix"))
        name = " ".join(filter(None, parts))
        affiliations = tuple(element_text(a, "affiliation") for a in author.findall("ax:affiliation", NS))
        authors.append(RawAuthor(name, affiliations))
    created = parse_iso(get("ax:created"))
    return RawItem(
        source_id=source.id,
        title=get("ax:title"),
        abstract=get("ax:abstract"),
        abstract_format="text",
        authors=tuple(authors),
        arxiv_id=arxiv_id,
        doi=get("ax:doi"),
        categories=tuple(get("ax:categories").split()),
        announce_type="new",
        published=created,
        updated=parse_iso(get("ax:updated")) or created,
        journal_ref=get("ax:journal-ref"),
        comment=get("ax:comments"),
    )


def fetch(client: Client, source: ArxivOaiSource, day: date) -> Fetched:
    url = source.address()
    result = Fetched(url=url)
    start = day - timedelta(days=source.days - 1)
    params: dict = {
        "verb": "ListRecords",
        "metadataPrefix": "arXiv",
        "set": source.set,
        "from": start.isoformat(),
        "until": day.isoformat(),
    }
    total, why = None, ""
    while len(result.items) < source.max_results:
        response = client.get(url, params=params, polite=True)
        page = parse(response.content, source)
        total = page.total if page.total is not None else total
        if not result.add_page(page, response.status):
            why = "arXiv OAI-PMH repeated a page" if page.records else "arXiv OAI-PMH returned an empty page"
            break
        if not page.cursor:
            why = "arXiv OAI-PMH ended the list early"
            break
        params = {"verb": "ListRecords", "resumptionToken": page.cursor}
    if total and len(result.seen) < min(total, source.max_results) and why:
        result.incomplete(len(result.seen), total, why)
    return result.finish("no records in this date range")
