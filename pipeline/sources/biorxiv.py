"""The bioRxiv / medRxiv details API: ``/details/{server}/{from}/{to}/{cursor}/json``.

Pages by cursor (the API returns up to 100 records a page and reports the
total in ``messages``); filtered by ``category``.  A DOI appears once per
version: the highest version wins when records are merged.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from ..config import SourceConfig
from ..http import Client
from ..models import RawAuthor, RawItem
from .base import Fetched, FeedError, endpoint, parse_iso
from .rss import split_author_list

SITES = {"biorxiv": "https://www.biorxiv.org", "medrxiv": "https://www.medrxiv.org"}


def _authors(record: dict) -> tuple[RawAuthor, ...]:
    names = [n.strip() for n in (record.get("authors") or "").split(";") if n.strip()]
    if len(names) == 1:
        names = split_author_list(names[0])
    institution = record.get("author_corresponding_institution", "")
    corresponding = record.get("author_corresponding", "")
    out = []
    for name in names:
        last = name.split(",")[0].strip().lower()
        mine = institution and corresponding and corresponding.lower().endswith(last)
        out.append(RawAuthor(name, (institution,) if mine and institution != "NA" else ()))
    return tuple(out)


def parse(content: bytes, source: SourceConfig) -> tuple[list[RawItem], int, int, list[str]]:
    """One page: (items, records on the page, total, skipped)."""
    try:
        data = json.loads(content)
    except ValueError as exc:
        raise FeedError(f"not JSON: {exc}") from exc
    messages = (data.get("messages") or [{}]) if isinstance(data, dict) else [{}]
    status = str(messages[0].get("status", ""))
    if status != "ok":
        if "no posts found" in status.lower():
            return [], 0, 0, []
        raise FeedError(f"{source.server} API: {status or 'unexpected document'}")
    site = SITES[source.server]
    items, skipped = [], []
    for record in data.get("collection", []):
        doi, title = record.get("doi", ""), record.get("title", "")
        if not doi or not title:
            skipped.append(f"record without DOI or title: {doi!r}")
            continue
        if source.category and record.get("category", "").lower() != source.category.replace("_", " ").lower():
            continue
        version = str(record.get("version", "1"))
        published = parse_iso(record.get("date"))
        journal_doi = record.get("published", "")
        items.append(
            RawItem(
                source_id=source.id,
                title=title,
                abstract=record.get("abstract", ""),
                abstract_format="html",
                authors=_authors(record),
                doi=doi,
                version=int(version) if version.isdigit() else 0,
                categories=tuple(filter(None, [source.default_category, record.get("category", "")])),
                published=published,
                updated=published,
                url=f"{site}/content/{doi}v{version}",
                pdf=f"{site}/content/{doi}v{version}.full.pdf",
                journal_ref=f"doi:{journal_doi}" if journal_doi and journal_doi != "NA" else "",
                venue={"biorxiv": "bioRxiv", "medrxiv": "medRxiv"}[source.server],
            )
        )
    total = messages[0].get("total", 0)
    page = len(data.get("collection", []))
    return items, page, int(total) if str(total).isdigit() else 0, skipped


def fetch(client: Client, source: SourceConfig, day: date) -> Fetched:
    start = day - timedelta(days=source.days - 1)
    base = f"{endpoint(source)}/details/{source.server}/{start.isoformat()}/{day.isoformat()}"
    params = {"category": source.category} if source.category else None
    result = Fetched(url=base)
    cursor = 0
    while len(result.items) < source.max_results:
        response = client.get(f"{base}/{cursor}/json", params=params)
        items, page, total, skipped = parse(response.content, source)
        seen = {item.doi for item in result.items}
        if items and all(item.doi in seen for item in items):
            break  # a server repeating a page must not make us loop
        result.add_page(items, skipped, response.status)
        cursor += page
        if not page or cursor >= total:
            break
    return result.finish("no preprints posted in this date range")
