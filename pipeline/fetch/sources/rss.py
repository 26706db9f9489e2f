"""Any journal's RSS 1.0 (RDF), RSS 2.0 or Atom feed: Nature, Science, PNAS, PLOS, Cell, MDPI …

The DOI comes from ``prism:doi``, ``dc:identifier`` or a doi.org link; the
publication date from the entry or ``prism:publicationDate``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from typing import ClassVar, Literal

import feedparser

from ...archive.identity import DOI_RE
from ...config.loader import HttpAddress
from ...config.sources import SourceSettings
from ...errors import FeedError
from ...models import RawAuthor, RawItem, SourceStatus
from ...text import xml_document
from ..http import Client
from ..normalise import strip_markup
from .base import Fetched, bozo_note, channel_time, complete_entries, fetch_feed, parse_iso, struct_to_datetime

# Nature-style summaries open with "Nature, Published online: 18 July 2024; doi:10.1038/…"
_PUBLISHED_LINE = re.compile(r"^[^;]{0,120}Published online:[^;]*;\s*doi:\S+\s*", re.IGNORECASE)
_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.?[- ]?)+$")


class RssSource(SourceSettings):
    """Any RSS 1.0/2.0 or Atom feed, such as a journal's current issue; the DOI comes from ``prism:doi``,
    ``dc:identifier`` or a doi.org link."""

    kind: Literal["rss"]
    url: HttpAddress = ""  # the full feed URL

    needs: ClassVar[tuple[str, ...]] = ("url",)

    def default_age(self) -> int | None:
        return 45  # a journal's feed lists its current issue


def split_author_list(text: str) -> list[str]:
    """One creator field holding several names: 'A. Smith, B. Jones' or 'LAPALU, N., SIMON, A.'."""
    parts = [p.strip() for p in re.split(r",|\band\b|&", text) if p.strip()]
    if len(parts) >= 2 and len(parts) % 2 == 0 and all(_INITIALS.match(p) for p in parts[1::2]):
        return [f"{parts[i]}, {parts[i + 1]}" for i in range(0, len(parts), 2)]
    return parts


def _authors(entry) -> tuple[RawAuthor, ...]:
    names = [a.get("name", "") for a in entry.get("authors", []) if a.get("name")]
    if len(names) == 1 and "," in names[0]:
        names = split_author_list(names[0])
    return tuple(RawAuthor(n) for n in names)


def _doi(entry) -> str:
    candidates = [entry.get("prism_doi", ""), entry.get("dc_identifier", ""), entry.get("id", "")]
    candidates += [link.get("href", "") for link in entry.get("links", [])]
    for value in candidates:
        match = DOI_RE.search(value or "")
        if match:
            return match.group(0)
    return ""


def _abstract(entry, title: str) -> str:
    html = entry.get("summary", "") or ""
    if entry.get("content"):
        longest = max((c.get("value", "") for c in entry["content"]), key=len)
        html = longest if len(strip_markup(longest)) > len(strip_markup(html)) else html
    text = _PUBLISHED_LINE.sub("", strip_markup(html))
    return "" if text.strip() == strip_markup(title).strip() else text


# the item fields read as text; feedparser keeps only the text after an element nested in one of them
_TEXT_FIELDS = {
    "title",
    "link",
    "description",
    "summary",
    "creator",
    "identifier",
    "doi",
    "date",
    "pubDate",
    "publicationName",
    "publicationDate",
    "url",
    "guid",
    "id",
    "published",
    "updated",
}


def _nested_fields(content: bytes) -> list[str]:
    """Per item, in document order, the first text field that holds elements ("" for none).

    Atom's ``type="xhtml"`` text is markup by design and is not counted.  A document that is not
    well-formed XML is left to feedparser's tolerant reading.
    """
    try:
        root = ET.fromstring(content)
    except ET.ParseError:
        return []
    return [
        next(
            (_local(f.tag) for f in element if _local(f.tag) in _TEXT_FIELDS and len(f) and f.get("type") != "xhtml"),
            "",
        )
        for element in root.iter()
        if _local(element.tag) in ("item", "entry")
    ]


def _local(tag) -> str:
    """An element's name without its namespace."""
    return str(tag).rsplit("}", 1)[-1]


def parse(content: bytes, source: RssSource) -> Fetched:
    feed = feedparser.parse(xml_document(content))  # feedparser fails on a reference to a surrogate
    channel = feed.get("feed", {})
    if not channel.get("title") and not feed.entries:
        raise FeedError(f"not a feed ({feed.get('bozo_exception') or 'no channel and no items'})")
    result = Fetched(feed_time=channel_time(channel, "updated", "published"), note=bozo_note(feed))
    venue = channel.get("prism_publicationname") or channel.get("title", "")
    entries, result.skipped = complete_entries(feed, content)
    nested = _nested_fields(content)
    for position, entry in enumerate(entries):
        title = entry.get("title", "")
        if position < len(nested) and nested[position]:
            result.skipped.append(
                f"item {position + 1} ({title[:60]!r}): {nested[position]}: expected text, got an element"
            )
            continue
        doi = _doi(entry)
        if not title or not doi:
            result.skipped.append(f"item without title or DOI: {title[:60]!r}")
            continue
        published = struct_to_datetime(entry.get("published_parsed") or entry.get("updated_parsed")) or parse_iso(
            entry.get("prism_publicationdate")
        )
        result.items.append(
            RawItem(
                source_id=source.id,
                title=title,
                title_format="html" if entry.get("title_detail", {}).get("type") == "text/html" else "text",
                abstract=_abstract(entry, title),
                abstract_format="text",
                authors=_authors(entry),
                doi=doi,
                categories=tuple(
                    filter(None, [source.default_category] + [t.get("term", "") for t in entry.get("tags", [])])
                ),
                published=published,
                updated=struct_to_datetime(entry.get("updated_parsed")) or published,
                url=entry.get("link", "") or entry.get("prism_url", ""),
                venue=entry.get("prism_publicationname", "") or venue,
            )
        )
    if not feed.entries:
        result.status = SourceStatus.EMPTY
        result.note = "valid feed with no items"
    return result


def fetch(client: Client, source: RssSource, day: date) -> Fetched:
    return fetch_feed(client, source.url, lambda content: parse(content, source))
