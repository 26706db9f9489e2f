"""arXiv's OAI-PMH interface, which arXiv asks large back-fills to use.

``ListRecords`` with ``metadataPrefix=arXiv`` over a set such as ``cs``, paged
with resumption tokens, at most one request every 3 seconds.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from ..config import SourceConfig
from ..http import Client
from ..models import RawAuthor, RawItem
from .base import Fetched, FeedError, endpoint, parse_iso

NS = {"oai": "http://www.openarchives.org/OAI/2.0/", "ax": "http://arxiv.org/OAI/arXiv/"}


def _text(element, path: str) -> str:
    found = element.find(path, NS)
    return (found.text or "") if found is not None else ""


def parse(content: bytes, source: SourceConfig) -> tuple[list[RawItem], str, list[str]]:
    """One ListRecords page: (items, resumption token or "", skipped)."""
    try:
        root = ET.fromstring(content)
    except ET.ParseError as exc:
        raise FeedError(f"not an OAI-PMH document: {exc}") from exc
    error = root.find("oai:error", NS)
    if error is not None:
        if error.get("code") == "noRecordsMatch":
            return [], "", []
        raise FeedError(f"OAI-PMH error {error.get('code')}: {(error.text or '').strip()}")
    items, skipped = [], []
    for record in root.iterfind("oai:ListRecords/oai:record", NS):
        meta = record.find("oai:metadata/ax:arXiv", NS)
        if meta is None:  # deleted records carry only a header
            continue
        arxiv_id = _text(meta, "ax:id").strip()
        if not arxiv_id or not _text(meta, "ax:title").strip():
            skipped.append(f"record without id or title: {arxiv_id!r}")
            continue
        authors = []
        for author in meta.iterfind("ax:authors/ax:author", NS):
            name = " ".join(filter(None, (_text(author, "ax:forenames").strip(), _text(author, "ax:keyname").strip(), _text(author, "ax:suffix").strip())))
            affiliations = tuple(a.text or "" for a in author.findall("ax:affiliation", NS))
            authors.append(RawAuthor(name, affiliations))
        created = parse_iso(_text(meta, "ax:created"))
        items.append(
            RawItem(
                source_id=source.id,
                title=_text(meta, "ax:title"),
                abstract=_text(meta, "ax:abstract"),
                abstract_format="text",
                authors=tuple(authors),
                arxiv_id=arxiv_id,
                doi=_text(meta, "ax:doi"),
                categories=tuple(_text(meta, "ax:categories").split()),
                announce_type="new",
                published=created,
                updated=parse_iso(_text(meta, "ax:updated")) or created,
                journal_ref=_text(meta, "ax:journal-ref"),
                comment=_text(meta, "ax:comments"),
            )
        )
    token = root.find("oai:ListRecords/oai:resumptionToken", NS)
    return items, (token.text or "").strip() if token is not None else "", skipped


def fetch(client: Client, source: SourceConfig, day: date) -> Fetched:
    url = endpoint(source)
    result = Fetched(url=url)
    start = day - timedelta(days=source.days - 1)
    params: dict = {"verb": "ListRecords", "metadataPrefix": "arXiv", "set": source.set,
                    "from": start.isoformat(), "until": day.isoformat()}
    while True:
        response = client.get(url, params=params, polite=True)
        items, token, skipped = parse(response.content, source)
        result.http_status = response.status
        result.items.extend(items)
        result.skipped.extend(skipped)
        if not token or len(result.items) >= source.max_results:
            break
        params = {"verb": "ListRecords", "resumptionToken": token}
    if not result.items:
        result.status = "empty"
        result.note = "no records in this date range"
    return result
