"""arXiv's daily announcement feed (rss.arxiv.org, the format in use since 2024).

Items carry ``<arxiv:announce_type>`` (new, cross, replace, replace-cross) and a
description that starts "arXiv:NNNN.NNNNNvN Announce Type: … Abstract:".
On weekends and holidays the feed is a valid channel with no items; a wrong
archive name gives an "error feed" served with HTTP 200.
"""

from __future__ import annotations

from datetime import date

import feedparser

from ..config import SourceConfig
from ..http import Client
from ..models import RawAuthor, RawItem
from .base import Fetched, FeedError, bozo_note, complete_entries, fetch_feed, struct_to_datetime

DEFAULT_BASE = "https://rss.arxiv.org/rss/"


def feed_url(source: SourceConfig) -> str:
    return source.url or DEFAULT_BASE + "+".join(source.categories)


def split_authors(text: str) -> tuple[RawAuthor, ...]:
    """arXiv RSS puts all authors in one dc:creator, comma separated."""
    return tuple(RawAuthor(name.strip()) for name in text.split(",") if name.strip())


def parse(content: bytes, source: SourceConfig) -> Fetched:
    feed = feedparser.parse(content)
    channel = feed.get("feed", {})
    title = channel.get("title", "")
    if title.lower().startswith("feed error"):
        raise FeedError(f"arXiv error feed: {channel.get('description') or title}")
    if not title and not feed.entries:
        raise FeedError(f"not an RSS feed ({feed.get('bozo_exception') or 'no channel'})")
    when = struct_to_datetime(channel.get("published_parsed") or channel.get("updated_parsed"))
    result = Fetched(feed_date=when.date() if when else None, note=bozo_note(feed))
    entries, result.skipped = complete_entries(feed, content)
    for entry in entries:
        link = entry.get("link", "")
        arxiv_id = entry.get("id", "") or link
        if not entry.get("title") or "arxiv" not in arxiv_id.lower():
            result.skipped.append(f"item without title or arXiv id: {entry.get('title', '')[:60]!r}")
            continue
        item_date = struct_to_datetime(entry.get("published_parsed")) or when
        result.items.append(
            RawItem(
                source_id=source.id,
                title=entry.get("title", ""),
                abstract=entry.get("summary", ""),
                abstract_format="html",
                authors=split_authors(entry.get("author", "")),
                arxiv_id=arxiv_id.replace("oai:arXiv.org:", ""),
                doi=entry.get("arxiv_doi", ""),
                categories=tuple(t.get("term", "") for t in entry.get("tags", [])),
                announce_type=entry.get("arxiv_announce_type", "new").strip(),
                published=item_date,
                updated=item_date,
                url=link,
                journal_ref=entry.get("arxiv_journal_reference", ""),
            )
        )
    if not feed.entries:
        result.status = "empty"
        result.note = "valid feed with no items: arXiv made no announcement (weekend or holiday)"
    return result


def fetch(client: Client, source: SourceConfig, day: date) -> Fetched:
    return fetch_feed(client, feed_url(source), lambda content: parse(content, source), polite=True)
