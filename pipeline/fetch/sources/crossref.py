"""Crossref REST ``/works`` filtered by journal ISSN and index date (cursor paging).

Requests carry ``mailto`` so they go to Crossref's polite pool.  Abstracts
arrive as JATS XML; normalise strips it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import ClassVar, Literal

from ...config.sources import PagedSettings
from ...errors import BadRecord, FeedError
from ...models import RawAuthor, RawItem
from ..http import Client
from .base import Fetched, Page, cursor_pages, parse_iso, read_json, read_works
from .fields import kind_of, obj, objects, record, text, texts


class CrossrefSource(PagedSettings):
    """Crossref's ``/works``: the works of journals, by ISSN, indexed over the last ``days``, with cursor
    paging; JATS removed from abstracts."""

    kind: Literal["crossref"]
    issn: list[str] = []  # the journals' ISSNs
    mailto: str = ""  # Crossref's polite pool: your e-mail address

    endpoint: ClassVar[str] = "https://api.crossref.org"
    needs: ClassVar[tuple[str, ...]] = ("issn",)

    def default_age(self) -> int | None:
        return max(45, self.days)  # Crossref indexes late


def _date(work: dict, *keys: str) -> datetime | None:
    for key in keys:
        value = obj(work, key)
        if text(value, "date-time"):
            return parse_iso(value["date-time"])
        parts = value.get("date-parts")
        if parts is None or parts == [[None]]:
            continue
        if not isinstance(parts, list) or not parts or not isinstance(parts[0], list):
            raise BadRecord(f"{key}: date-parts should be a list of [year, month, day], got {kind_of(parts)}")
        numbers = parts[0][:3]
        if not numbers:
            continue
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
            raise BadRecord(f"{key}: date-parts should hold numbers, got {numbers!r:.60}")
        year, month, day = (numbers + [1, 1])[:3]
        try:
            return datetime(year, month or 1, day or 1, tzinfo=UTC)
        except ValueError as exc:
            raise BadRecord(f"{key}: date-parts {numbers!r} is not a date ({exc})") from exc
    return None


def _author(person: dict) -> RawAuthor:
    name = " ".join(filter(None, (text(person, "given"), text(person, "family")))) or text(person, "name")
    return RawAuthor(
        name,
        tuple(text(a, "name") for a in objects(person, "affiliation") if text(a, "name")),
        family=text(person, "family") if text(person, "given") else "",
    )


def _versions(work: dict) -> tuple[str, ...]:
    """The preprint of a journal article, or the article of a preprint, from Crossref's ``relation``."""
    relation = obj(work, "relation")
    return tuple(
        text(r, "id") for kind in ("has-preprint", "is-preprint-of") for r in objects(relation, kind) if text(r, "id")
    )


def work_to_item(work, source: CrossrefSource) -> RawItem:
    """One work, every field checked (BadRecord names the first field of the wrong type)."""
    work = record(work, "work")
    doi, title = text(work, "DOI"), " ".join(texts(work, "title"))
    if not doi or not title.strip():
        raise BadRecord("no DOI or title")
    pdf = next(
        (text(link, "URL") for link in objects(work, "link") if text(link, "content-type") == "application/pdf"), ""
    )
    dates = ("published-online", "published-print", "published", "issued", "created")
    landing = text(obj(obj(work, "resource"), "primary"), "URL"), text(work, "URL")
    return RawItem(
        source_id=source.id,
        title=": ".join(filter(None, (title, " ".join(texts(work, "subtitle"))))),
        abstract=text(work, "abstract"),
        abstract_format="jats",
        authors=tuple(_author(p) for p in objects(work, "author")),
        doi=doi,
        categories=tuple(filter(None, [source.default_category] + texts(work, "subject"))),
        published=_date(work, *dates),
        updated=_date(work, *dates),
        url=landing[0] or landing[1],
        pdf=pdf,
        venue=" ".join(texts(work, "container-title")),
        links=_versions(work),
    )


def parse(content: bytes, source: CrossrefSource) -> Page:
    """One response: items, the works skipped with why, every work's DOI, the total and the next cursor.

    Accepts a work-list or a single work.
    """
    data = read_json(content)
    if not isinstance(data, dict) or data.get("status") != "ok":
        raise FeedError(f"Crossref error: {str(data)[:200] if isinstance(data, dict) else 'unexpected document'}")
    message = data.get("message")
    if not isinstance(message, dict):
        raise FeedError(f"Crossref answered status ok with a message that is {kind_of(message)}, not an object")
    listing = data.get("message-type") == "work-list"
    works = message.get("items") if listing else [message]
    if not isinstance(works, list):
        raise FeedError(f"Crossref answered a work-list whose items are {kind_of(works)}, not a list")
    names = [str(w.get("DOI")) if isinstance(w, dict) else repr(w)[:100] for w in works]
    page = read_works(works, names, lambda work: work_to_item(work, source))
    total = message.get("total-results") if listing else 1
    page.total = total if isinstance(total, int) and not isinstance(total, bool) else None
    cursor = message.get("next-cursor") if works else ""
    page.cursor = cursor if isinstance(cursor, str) else ""
    return page


def fetch(client: Client, source: CrossrefSource, day: date) -> Fetched:
    url = source.address() + "/works"
    start = day - timedelta(days=source.days - 1)
    filters = [f"issn:{issn}" for issn in source.issn]
    filters += [f"from-index-date:{start.isoformat()}", f"until-index-date:{day.isoformat()}"]
    params = {"filter": ",".join(filters), "rows": source.page_size}
    if source.mailto:
        params["mailto"] = source.mailto
    return cursor_pages(client, url, params, partial(parse, source=source), "Crossref", source.max_results).finish(
        "no works indexed in this date range"
    )
