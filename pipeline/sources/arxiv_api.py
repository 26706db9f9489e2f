"""arXiv's query API (export.arxiv.org/api/query): author/keyword queries and date back-fills.

Pages through results ``page_size`` at a time; the shared client keeps to
arXiv's one-request-every-3-seconds rule.  Read with ElementTree rather than
feedparser so that each author keeps their own affiliations.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..config import SourceConfig
from ..http import Client, HttpError
from ..models import RawAuthor, RawItem
from .base import Fetched, FeedError, endpoint, parse_iso, parse_xml

NS = {
    "a": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "os": "http://a9.com/-/spec/opensearch/1.1/",
}



def parse(content: bytes, source: SourceConfig) -> tuple[list[RawItem], int, list[str]]:
    """Return (items, totalResults, skipped) of one page.  Raises FeedError on an error document."""
    root = parse_xml(content, "Atom")
    if root.tag != f"{{{NS['a']}}}feed":
        raise FeedError(f"not an Atom feed (root element {root.tag!r})")
    total_text = root.findtext("os:totalResults", "", NS).strip()
    total = int(total_text) if total_text.isdigit() else 0
    items, skipped = [], []
    for entry in root.findall("a:entry", NS):
        entry_id = entry.findtext("a:id", "", NS)
        if "/api/errors" in entry_id:
            raise FeedError("arXiv API error: " + entry.findtext("a:summary", "", NS).strip())
        title = entry.findtext("a:title", "", NS)
        if not title.strip() or "arxiv.org/abs/" not in entry_id:
            skipped.append(f"entry without title or arXiv id: {entry_id!r}")
            continue
        links = {(link.get("title") or link.get("rel")): link.get("href", "") for link in entry.findall("a:link", NS)}
        primary = entry.find("arxiv:primary_category", NS)
        categories = [primary.get("term", "")] if primary is not None else []
        categories += [c.get("term", "") for c in entry.findall("a:category", NS)]
        authors = tuple(
            RawAuthor(a.findtext("a:name", "", NS), tuple(x.text or "" for x in a.findall("arxiv:affiliation", NS)))
            for a in entry.findall("a:author", NS)
        )
        items.append(
            RawItem(
                source_id=source.id,
                title=title,
                abstract=entry.findtext("a:summary", "", NS),
                abstract_format="text",
                authors=authors,
                arxiv_id=entry_id,
                doi=entry.findtext("arxiv:doi", "", NS),
                categories=tuple(categories),
                announce_type="new",
                published=parse_iso(entry.findtext("a:published", "", NS)),
                updated=parse_iso(entry.findtext("a:updated", "", NS)),
                url=links.get("alternate", ""),
                pdf=links.get("pdf", ""),
                journal_ref=entry.findtext("arxiv:journal_ref", "", NS),
                comment=entry.findtext("arxiv:comment", "", NS),
            )
        )
    return items, total, skipped


def search_query(source: SourceConfig, day: date) -> str:
    """The configured query limited to submissions in the ``days`` up to ``day``."""
    start = day - timedelta(days=source.days - 1)
    window = f"submittedDate:[{start:%Y%m%d}0000 TO {day:%Y%m%d}2359]"
    return f"({source.query}) AND {window}"


def fetch(client: Client, source: SourceConfig, day: date) -> Fetched:
    url = endpoint(source)
    result = Fetched(url=url)
    start = 0
    query = search_query(source, day)
    while start < source.max_results:
        size = min(source.page_size, source.max_results - start)
        params = {"search_query": query, "start": start, "max_results": size,
                  "sortBy": "submittedDate", "sortOrder": "descending"}
        try:
            response = client.get(url, params=params, polite=True)
        except HttpError as exc:
            if exc.body:  # arXiv explains 400s in an Atom error document
                parse(exc.body, source)
            raise
        items, total, skipped = parse(response.content, source)
        result.add_page(items, skipped, response.status)
        start += len(items)
        if not items or start >= total:
            break
    return result.finish("the query matched no papers in this date range")
