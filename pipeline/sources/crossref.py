"""Crossref REST ``/works`` filtered by journal ISSN and index date (cursor paging).

Requests carry ``mailto`` so they go to Crossref's polite pool.  Abstracts
arrive as JATS XML; normalise strips it.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from ..config import SourceConfig
from ..http import Client
from ..models import RawAuthor, RawItem
from .base import Fetched, FeedError, endpoint, parse_iso


def _date(work: dict, *keys: str) -> datetime | None:
    for key in keys:
        value = work.get(key) or {}
        if value.get("date-time"):
            return parse_iso(value["date-time"])
        parts = (value.get("date-parts") or [[None]])[0]
        if parts and parts[0]:
            year, month, day = (list(parts) + [1, 1])[:3]
            return datetime(int(year), int(month or 1), int(day or 1), tzinfo=timezone.utc)
    return None


def _author(person: dict) -> RawAuthor:
    name = " ".join(filter(None, (person.get("given", ""), person.get("family", "")))) or person.get("name", "")
    return RawAuthor(name, tuple(a.get("name", "") for a in person.get("affiliation", []) if a.get("name")))


def _versions(work: dict) -> tuple[str, ...]:
    """The preprint of a journal article, or the article of a preprint, from Crossref's ``relation``."""
    relation = work.get("relation") or {}
    return tuple(str(r.get("id", "")) for kind in ("has-preprint", "is-preprint-of")
                 for r in relation.get(kind) or () if isinstance(r, dict) and r.get("id"))


def work_to_item(work: dict, source: SourceConfig) -> RawItem:
    pdf = next((l.get("URL", "") for l in work.get("link", []) if l.get("content-type") == "application/pdf"), "")
    return RawItem(
        source_id=source.id,
        title=": ".join(filter(None, (" ".join(work.get("title") or []), " ".join(work.get("subtitle") or [])))),
        abstract=work.get("abstract", ""),
        abstract_format="jats",
        authors=tuple(_author(p) for p in work.get("author", [])),
        doi=work.get("DOI", ""),
        categories=tuple(filter(None, [source.default_category] + list(work.get("subject", [])))),
        published=_date(work, "published-online", "published-print", "published", "issued", "created"),
        updated=_date(work, "published-online", "published-print", "published", "issued", "created"),
        url=(work.get("resource", {}).get("primary", {}) or {}).get("URL", "") or work.get("URL", ""),
        pdf=pdf,
        venue=" ".join(work.get("container-title") or []),
        links=_versions(work),
    )


def parse(content: bytes, source: SourceConfig) -> tuple[list[RawItem], str, list[str]]:
    """One response: (items, next cursor, skipped).  Accepts a work-list or a single work."""
    try:
        data = json.loads(content)
    except ValueError as exc:
        raise FeedError(f"not JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("status") != "ok":
        raise FeedError(f"Crossref error: {str(data)[:200] if isinstance(data, dict) else 'unexpected document'}")
    message = data.get("message", {})
    works = message.get("items", []) if data.get("message-type") == "work-list" else [message]
    items, skipped = [], []
    for work in works:
        if not work.get("DOI") or not work.get("title"):
            skipped.append(f"work without DOI or title: {work.get('DOI', '')!r}")
            continue
        items.append(work_to_item(work, source))
    return items, message.get("next-cursor", "") if works else "", skipped


def fetch(client: Client, source: SourceConfig, day: date) -> Fetched:
    url = endpoint(source) + "/works"
    start = day - timedelta(days=source.days - 1)
    filters = [f"issn:{issn}" for issn in source.issn]
    filters += [f"from-index-date:{start.isoformat()}", f"until-index-date:{day.isoformat()}"]
    params = {"filter": ",".join(filters), "rows": source.page_size, "cursor": "*"}
    if source.mailto:
        params["mailto"] = source.mailto
    result = Fetched(url=url)
    while len(result.items) < source.max_results:
        response = client.get(url, params=params)
        items, cursor, skipped = parse(response.content, source)
        result.add_page(items, skipped, response.status)
        if not items or not cursor or cursor == params["cursor"]:
            break
        params["cursor"] = cursor
    return result.finish("no works indexed in this date range")
