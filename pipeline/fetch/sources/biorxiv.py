"""The bioRxiv / medRxiv details API: ``/details/{server}/{from}/{to}/{cursor}/json``.

Pages by cursor (the API returns up to 100 records a page and reports the
total in ``messages``); filtered by ``category``.  A DOI appears once per
version: the highest version wins when records are merged.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import ClassVar, Literal

from ...config.sources import QuerySettings
from ...errors import BadRecord, FeedError
from ...models import RawAuthor, RawItem
from ..http import Client
from .base import Fetched, Page, parse_iso
from .fields import kind_of, number_or_text, record, text
from .rss import split_author_list

SITES = {"biorxiv": "https://www.biorxiv.org", "medrxiv": "https://www.medrxiv.org"}


class BiorxivSource(QuerySettings):
    """The bioRxiv and medRxiv details API: the preprints posted over the last ``days``, with its cursor
    paging; medRxiv's flattened abstract markup is cleaned."""

    kind: Literal["biorxiv"]
    server: Literal["biorxiv", "medrxiv"] = "biorxiv"  # which of the two servers
    category: str = ""  # a subject such as "cancer_biology"; empty: every subject

    endpoint: ClassVar[str] = "https://api.biorxiv.org"

    def default_age(self) -> int | None:
        return self.days + 1  # its window


def _authors(record: dict) -> tuple[RawAuthor, ...]:
    names = [n.strip() for n in text(record, "authors").split(";") if n.strip()]
    if len(names) == 1:
        names = split_author_list(names[0])
    institution = text(record, "author_corresponding_institution")
    corresponding = text(record, "author_corresponding")
    out = []
    for name in names:
        last = name.split(",")[0].strip().lower()
        mine = institution and corresponding and corresponding.lower().endswith(last)
        out.append(RawAuthor(name, (institution,) if mine and institution != "NA" else ()))
    return tuple(out)


def _item(data, source: BiorxivSource) -> RawItem | None:
    """One record, every field checked; None when it is outside the configured category."""
    data = record(data)
    doi, title, category = text(data, "doi"), text(data, "title"), text(data, "category")
    if not doi or not title:
        raise BadRecord("no DOI or title")
    if source.category and category.lower() != source.category.replace("_", " ").lower():
        return None
    site = SITES[source.server]
    version = number_or_text(data, "version") or "1"
    published = parse_iso(text(data, "date"))
    journal_doi = text(data, "published")
    return RawItem(
        source_id=source.id,
        title=title,
        abstract=text(data, "abstract"),
        abstract_format="html",
        authors=_authors(data),
        doi=doi,
        version=int(version) if version.isdigit() else 0,
        categories=tuple(filter(None, [source.default_category, category])),
        published=published,
        updated=published,
        url=f"{site}/content/{doi}v{version}",
        pdf=f"{site}/content/{doi}v{version}.full.pdf",
        journal_ref=f"doi:{journal_doi}" if journal_doi and journal_doi != "NA" else "",
        venue={"biorxiv": "bioRxiv", "medrxiv": "medRxiv"}[source.server],
    )


def _name(data) -> str:
    """A record's name for paging and reasons: its DOI and version as sent."""
    return f"{data.get('doi')!s}v{data.get('version')!s}" if isinstance(data, dict) else repr(data)[:100]


def parse(content: bytes, source: BiorxivSource) -> Page:
    """One page: items, the records skipped with why, every record's name, and the total."""
    try:
        data = json.loads(content)
    except ValueError as exc:
        raise FeedError(f"not JSON: {exc}") from exc
    messages = data.get("messages") if isinstance(data, dict) else None
    first = messages[0] if isinstance(messages, list) and messages and isinstance(messages[0], dict) else {}
    status = str(first.get("status", ""))
    if status != "ok":
        if "no posts found" in status.lower():
            return Page(total=0)
        raise FeedError(f"{source.server} API: {status[:200] or 'the answer carries no status message'}")
    collection = data.get("collection")
    if not isinstance(collection, list):
        raise FeedError(f"{source.server} API: the collection is {kind_of(collection)}, not a list")
    page = Page(records=[_name(r) for r in collection])
    for raw in collection:
        try:
            item = _item(raw, source)
        except BadRecord as exc:
            page.skipped.append(f"record {_name(raw)}: {exc}")
            continue
        if item is not None:
            page.items.append(item)
    try:
        total = number_or_text(first, "total")
    except BadRecord:
        total = ""
    page.total = int(total) if total.isdigit() else None
    return page


def fetch(client: Client, source: BiorxivSource, day: date) -> Fetched:
    start = day - timedelta(days=source.days - 1)
    base = f"{source.address()}/details/{source.server}/{start.isoformat()}/{day.isoformat()}"
    params = {"category": source.category} if source.category else None
    result = Fetched(url=base)
    cursor = 0
    while len(result.items) < source.max_results:
        response = client.get(f"{base}/{cursor}/json", params=params)
        page = parse(response.content, source)
        if not result.add_page(page, response.status):
            if page.total and cursor < page.total:
                why = f"{source.server} {'repeated a page' if page.records else 'returned an empty page'}"
                result.incomplete(cursor, page.total, why)
            break
        cursor += len(page.records)
        if page.total is None or cursor >= page.total:
            break
    return result.finish("no preprints posted in this date range")
