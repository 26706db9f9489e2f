"""arXiv's query API (export.arxiv.org/api/query): author/keyword queries and date back-fills.

Pages through results ``page_size`` at a time; the shared client keeps to
arXiv's one-request-every-3-seconds rule.  Read with ElementTree rather than
feedparser so that each author keeps their own affiliations.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from typing import ClassVar, Literal

from ...config.sources import PagedSettings
from ...errors import BadRecord, FeedError, HttpError
from ...models import RawAuthor, RawItem
from ..http import Client
from .base import Fetched, Page, parse_iso, parse_xml
from .fields import element_text, xml_text

NS = {
    "a": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "os": "http://a9.com/-/spec/opensearch/1.1/",
}

EMPTY_PAGE_TRIES = (
    3  # arXiv's API answers an empty page now and then; the same page asked again usually has the entries
)


class ArxivApiSource(PagedSettings):
    """The arXiv API: the results of a search (e.g. ``au:"Yingqi Fan"``) among the submissions of the
    ``days`` up to the run date, paged; reads primary category, comment, journal reference, DOI and
    affiliations."""

    kind: Literal["arxiv_api"]
    # a search query such as 'au:"Yingqi Fan"' or 'cat:cs.AI AND ti:agent'
    query: str = ""

    endpoint: ClassVar[str] = "https://export.arxiv.org/api/query"
    needs: ClassVar[tuple[str, ...]] = ("query",)

    def default_age(self) -> int | None:
        return self.days + 1  # its window


def parse(content: bytes, source: ArxivApiSource) -> Page:
    """One page: its items, the entries skipped with why, and totalResults.  Raises FeedError on an error document."""
    root = parse_xml(content, "Atom")
    if root.tag != f"{{{NS['a']}}}feed":
        raise FeedError(f"not an Atom feed (root element {root.tag!r})")
    page = Page()
    try:
        total_text = xml_text(root, "os:totalResults", NS).strip()
    except BadRecord:
        total_text = ""
    page.total = int(total_text) if total_text.isdigit() else None
    for position, entry in enumerate(root.findall("a:entry", NS)):
        raw_id = entry.findtext("a:id", "", NS) or ""
        if "/api/errors" in raw_id:
            raise FeedError("arXiv API error: " + (entry.findtext("a:summary", "", NS) or "").strip())
        page.records.append(raw_id.strip() or f"entry {position} without id: {ET.tostring(entry)[:200]!r}")
        try:
            page.items.append(_entry(entry, source))
        except BadRecord as exc:
            page.skipped.append(f"entry {raw_id.strip() or '(no id)'}: {exc}")
    return page


def _entry(entry: ET.Element, source: ArxivApiSource) -> RawItem:
    """One Atom entry, every field read as text."""

    def get(path: str) -> str:
        return xml_text(entry, path, NS)

    entry_id, title = get("a:id"), get("a:title")
    if not title.strip() or "arxiv.org/abs/" not in entry_id:
        raise BadRecord("no title or arXiv id")
    links = {(link.get("title") or link.get("rel")): link.get("href", "") for link in entry.findall("a:link", NS)}
    primary = entry.find("arxiv:primary_category", NS)
    categories = [primary.get("term", "")] if primary is not None else []
    categories += [c.get("term", "") for c in entry.findall("a:category", NS)]
    authors = tuple(
        RawAuthor(
            xml_text(a, "a:name", NS, "author name"),
            tuple(element_text(x, "affiliation") for x in a.findall("arxiv:affiliation", NS)),
        )
        for a in entry.findall("a:author", NS)
    )
    return RawItem(
        source_id=source.id,
        title=title,
        abstract=get("a:summary"),
        abstract_format="text",
        authors=authors,
        arxiv_id=entry_id,
        doi=get("arxiv:doi"),
        categories=tuple(categories),
        announce_type="new",
        published=parse_iso(get("a:published")),
        updated=parse_iso(get("a:updated")),
        url=links.get("alternate", ""),
        pdf=links.get("pdf", ""),
        journal_ref=get("arxiv:journal_ref"),
        comment=get("arxiv:comment"),
    )


def search_query(source: ArxivApiSource, day: date) -> str:
    """The configured query limited to submissions in the ``days`` up to ``day``."""
    start = day - timedelta(days=source.days - 1)
    window = f"submittedDate:[{start:%Y%m%d}0000 TO {day:%Y%m%d}2359]"
    return f"({source.query}) AND {window}"


def fetch(client: Client, source: ArxivApiSource, day: date) -> Fetched:
    url = source.address()
    result = Fetched(url=url)
    start, tries, total, why = 0, 0, None, ""
    query = search_query(source, day)
    while start < source.max_results:
        size = min(source.page_size, source.max_results - start)
        params = {
            "search_query": query,
            "start": start,
            "max_results": size,
            "sortBy": "submittedDate",
            "sortOrder": "descending",
        }
        try:
            response = client.get(url, params=params, polite=True)
        except HttpError as exc:
            if exc.body:  # arXiv explains 400s in an Atom error document
                parse(exc.body, source)
            raise
        page = parse(response.content, source)
        total = page.total if page.total is not None else total
        new = result.add_page(page, response.status)
        if not page.records:
            tries += 1
            if total is None or start >= total or tries >= EMPTY_PAGE_TRIES:
                why = "arXiv returned empty pages" if total and start < total else ""
                break
            continue  # the known flaky empty page: ask for it again
        if not new:
            why = "arXiv repeated a page"
            break
        tries = 0
        start += len(page.records)  # entries skipped for a missing id are behind us too
        if total is not None and start >= total:
            break
    expected = min(total or 0, source.max_results)
    if why and start < expected:
        result.incomplete(start, expected, why)
    elif total and total > source.max_results:
        result.note = f"the first {source.max_results} of {total} results (max_results)"
    return result.finish("the query matched no papers in this date range")
