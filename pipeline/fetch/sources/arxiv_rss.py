"""arXiv's daily announcement feed (rss.arxiv.org, the format in use since 2024).

Items carry ``<arxiv:announce_type>`` (new, cross, replace, replace-cross) and a
description that starts "arXiv:NNNN.NNNNNvN Announce Type: … Abstract:".
On weekends and holidays the feed is a valid channel with no items; a wrong
archive name gives an "error feed" served with HTTP 200.
"""

from __future__ import annotations

import email.utils
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from typing import ClassVar, Literal

import feedparser

from ...config.loader import HttpAddress
from ...config.sources import SourceSettings
from ...errors import BadRecord, FeedError
from ...models import RawAuthor, RawItem, SourceStatus
from ...text import xml_document
from ..http import Client
from .base import Fetched, bozo_note, channel_time, complete_entries, fetch_feed, struct_to_datetime, zoned
from .fields import element_text, xml_text

NS = {"dc": "http://purl.org/dc/elements/1.1/", "arxiv": "http://arxiv.org/schemas/atom"}


class ArxivRssSource(SourceSettings):
    """arXiv's daily announcements of one or more archives (rss.arxiv.org), with their announce types
    (new, cross, replace, replace-cross)."""

    kind: Literal["arxiv_rss"]
    # the archives joined with "+", e.g. ["cs.AI", "cs.CL"]
    categories: list[str] = []
    url: HttpAddress = ""  # the full feed URL; empty: built from the categories

    endpoint: ClassVar[str] = "https://rss.arxiv.org/rss/"
    needs: ClassVar[tuple[str, ...]] = ("categories", "url")

    def default_age(self) -> int | None:
        return 7  # the feed lists the day's announcements


def feed_url(source: ArxivRssSource) -> str:
    return source.url or source.endpoint + "+".join(source.categories)


def split_authors(text: str) -> tuple[RawAuthor, ...]:
    """arXiv RSS puts all authors in one dc:creator, comma separated."""
    return tuple(RawAuthor(name.strip()) for name in text.split(",") if name.strip())


def _item(source: ArxivRssSource, get, when: datetime | None) -> RawItem | str:
    """One item from a field getter (ElementTree or feedparser); a string says why it was skipped."""
    try:
        return _read_item(source, get, when)
    except BadRecord as exc:
        return f"item {exc}"


def _read_item(source: ArxivRssSource, get, when: datetime | None) -> RawItem:
    """``when``: the feed's own date, the item's when it has none."""
    title, guid, link = get("title"), get("guid"), get("link")
    arxiv_id = guid or link
    if not title.strip() or "arxiv" not in arxiv_id.lower():
        raise BadRecord(f"without title or arXiv id: {title[:60]!r}")
    item_date = get("date") or (when.astimezone(UTC) if when else None)
    return RawItem(
        source_id=source.id,
        title=title,
        abstract=get("description"),
        abstract_format="html",
        authors=split_authors(get("creator")),
        arxiv_id=arxiv_id.replace("oai:arXiv.org:", ""),
        doi=get("doi"),
        categories=tuple(get("categories")),
        announce_type=get("announce_type").strip() or "new",
        published=item_date,
        updated=item_date,
        url=link,
        journal_ref=get("journal_ref"),
    )


def _rfc822(text: str | None) -> datetime | None:
    try:
        return email.utils.parsedate_to_datetime(text).astimezone(UTC) if text else None
    except (TypeError, ValueError, IndexError):
        return None


def _parse_fast(content: bytes, source: ArxivRssSource) -> Fetched:
    """arXiv's own, well-formed RSS 2.0, read with ElementTree (several times faster than feedparser)."""
    root = ET.fromstring(content)
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise ET.ParseError("not RSS 2.0")
    title = channel.findtext("title", "")
    _check_channel(title, channel.findtext("description", ""), has_items=channel.find("item") is not None)
    result = Fetched(feed_time=zoned(channel.findtext("pubDate") or channel.findtext("lastBuildDate")))
    fields = {
        "title": "title",
        "guid": "guid",
        "link": "link",
        "description": "description",
        "creator": "dc:creator",
        "doi": "arxiv:DOI",
        "announce_type": "arxiv:announce_type",
        "journal_ref": "arxiv:journal_reference",
    }
    for element in channel.iterfind("item"):

        def get(name: str, element=element):
            if name == "date":
                return _rfc822(xml_text(element, "pubDate", NS))
            if name == "categories":
                return [element_text(c, "category") for c in element.iterfind("category")]
            return xml_text(element, fields[name], NS)

        _add(result, _item(source, get, result.feed_time))
    return result


def _parse_tolerant(content: bytes, source: ArxivRssSource) -> Fetched:
    """Any other RSS/Atom rendering, or a damaged document, read with feedparser."""
    feed = feedparser.parse(content)
    channel = feed.get("feed", {})
    _check_channel(
        channel.get("title", ""),
        channel.get("description", ""),
        has_items=bool(feed.entries),
        problem=feed.get("bozo_exception"),
    )
    result = Fetched(feed_time=channel_time(channel, "published", "updated"), note=bozo_note(feed))
    entries, result.skipped = complete_entries(feed, content)
    names = {
        "guid": "id",
        "description": "summary",
        "creator": "author",
        "doi": "arxiv_doi",
        "announce_type": "arxiv_announce_type",
        "journal_ref": "arxiv_journal_reference",
    }
    for entry in entries:

        def get(name: str, entry=entry):
            if name == "date":
                return struct_to_datetime(entry.get("published_parsed"))
            if name == "categories":
                return [t.get("term", "") for t in entry.get("tags", [])]
            return entry.get(names.get(name, name), "") or ""

        _add(result, _item(source, get, result.feed_time))
    return result


def _check_channel(title: str, description: str, has_items: bool, problem=None) -> None:
    if title.lower().startswith("feed error"):
        raise FeedError(f"arXiv error feed: {description or title}")
    if not title and not has_items:
        raise FeedError(f"not an RSS feed ({problem or 'no channel'})")


def _add(result: Fetched, item: RawItem | str) -> None:
    if isinstance(item, str):
        result.skipped.append(item)
    else:
        result.items.append(item)


def parse(content: bytes, source: ArxivRssSource) -> Fetched:
    content = xml_document(content)  # characters XML forbids read as U+FFFD (feedparser fails on some)
    try:
        result = _parse_fast(content, source)
    except ET.ParseError:
        result = _parse_tolerant(content, source)
    if not result.items and not result.skipped:
        result.status = SourceStatus.EMPTY
        result.note = "valid feed with no items: arXiv made no announcement (weekend or holiday)"
    return result


def fetch(client: Client, source: ArxivRssSource, day: date) -> Fetched:
    return fetch_feed(client, feed_url(source), lambda content: parse(content, source), polite=True)
