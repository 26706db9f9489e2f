"""arXiv's OAI-PMH interface, which arXiv asks large back-fills to use.

``ListRecords`` with ``metadataPrefix=arXiv`` over a set such as ``cs``, paged
with resumption tokens, at most one request every 3 seconds.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..config import SourceConfig
from ..http import Client
from ..models import RawAuthor, RawItem
from .base import Fetched, FeedError, endpoint, parse_iso, parse_xml

NS = {"oai": "http://www.openarchives.org/OAI/2.0/", "ax": "http://arxiv.org/OAI/arXiv/"}



def parse(content: bytes, source: SourceConfig) -> tuple[list[RawItem], str, list[str]]:
    """One ListRecords page: (items, resumption token or "", skipped)."""
    root = parse_xml(content, "OAI-PMH")
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
        arxiv_id = meta.findtext("ax:id", "", NS).strip()
        if not arxiv_id or not meta.findtext("ax:title", "", NS).strip():
            skipped.append(f"record without id or title: {arxiv_id!r}")
            continue
        authors = []
        for author in meta.iterfind("ax:authors/ax:author", NS):
            parts = (author.findtext(f"ax:{part}", "", NS).strip() for part in ("forenames", "keyname", "suffix"))
            name = " ".join(filter(None, parts))
            affiliations = tuple(a.text or "" for a in author.findall("ax:affiliation", NS))
            authors.append(RawAuthor(name, affiliations))
        created = parse_iso(meta.findtext("ax:created", "", NS))
        items.append(
            RawItem(
                source_id=source.id,
                title=meta.findtext("ax:title", "", NS),
                abstract=meta.findtext("ax:abstract", "", NS),
                abstract_format="text",
                authors=tuple(authors),
                arxiv_id=arxiv_id,
                doi=meta.findtext("ax:doi", "", NS),
                categories=tuple(meta.findtext("ax:categories", "", NS).split()),
                announce_type="new",
                published=created,
                updated=parse_iso(meta.findtext("ax:updated", "", NS)) or created,
                journal_ref=meta.findtext("ax:journal-ref", "", NS),
                comment=meta.findtext("ax:comments", "", NS),
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
        result.add_page(items, skipped, response.status)
        if not token or len(result.items) >= source.max_results:
            break
        params = {"verb": "ListRecords", "resumptionToken": token}
    return result.finish("no records in this date range")
