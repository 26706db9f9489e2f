"""Shared pieces of the source kinds."""

from __future__ import annotations

import calendar
import email.utils
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime, timezone
from typing import Callable

from ...config import KIND_DEFAULTS, SourceConfig
from ...errors import FeedError
from ...models import RawItem
from ..http import Client


@dataclass
class Page:
    """One page of a paged source.  ``records`` names every record on it, read, skipped or filtered out:
    paging stops at a page that names none not seen before, whatever its cursor says."""

    items: list[RawItem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    records: list[str] = field(default_factory=list)
    total: int | None = None  # how many results the server says the query has, when it says
    cursor: str = ""


@dataclass
class Fetched:
    """What one source returned: items plus what the feed says about itself."""

    items: list[RawItem] = field(default_factory=list)
    url: str = ""
    http_status: int | None = None
    # ok, empty (valid feed, nothing announced), not-modified (HTTP 304), partial (paging ended early)
    status: str = "ok"
    feed_time: datetime | None = None  # when the feed says it was built, in its own time zone
    note: str = ""
    skipped: list[str] = field(default_factory=list)  # items that could not be read, with why
    seen: set[str] = field(default_factory=set, repr=False)  # records of the pages read so far

    def add_page(self, page: Page, http_status: int) -> bool:
        """Add one page; False (and nothing added) when it brought no record not seen before."""
        self.http_status = http_status
        fresh = [name for name in page.records if name not in self.seen]
        if not fresh:
            return False
        known = {_name(item) for item in self.items}
        self.items.extend(item for item in page.items if _name(item) not in known)
        self.skipped.extend(page.skipped)
        self.seen.update(fresh)
        return True

    def incomplete(self, read: int, total: int, why: str) -> None:
        """Paging ended before the server's own total: the result is partial, and the note says so."""
        self.status = "partial"
        self.note = "; ".join(filter(None, (self.note, f"{read} of {total} results ({why})")))

    def finish(self, empty_note: str) -> "Fetched":
        """Mark a paged fetch that found nothing as 'empty' (a valid answer, not an error)."""
        if not self.items and self.status == "ok":
            self.status, self.note = "empty", "; ".join(filter(None, (empty_note, self.note)))
        return self


def _name(item: RawItem) -> str:
    return f"{item.arxiv_id or item.doi}v{item.version}"


def fetch_feed(client: Client, url: str, parse: Callable[[bytes], Fetched], polite: bool = False) -> Fetched:
    """GET a feed conditionally; a 304 becomes a 'not-modified' result without parsing."""
    response = client.get(url, conditional=True, polite=polite)
    if response.status == 304:
        return Fetched(url=response.url, http_status=304, status="not-modified", note="unchanged since the last run")
    result = parse(response.content)
    result.url, result.http_status = response.url, response.status
    return result


def complete_entries(feed, content: bytes) -> tuple[list, list[str]]:
    """The entries of a parsed feed, minus the last one when the document was cut off.

    A truncated download still parses, but its last item may have lost fields
    (authors, abstract): it is skipped and reported rather than stored wrong.
    """
    entries = list(feed.entries)
    tail = content.rstrip()[-32:].lower()
    if feed.get("bozo") and entries and not tail.endswith((b"</rss>", b"</feed>", b"</rdf:rdf>")):
        last = entries.pop()
        return entries, [f"the document is cut off; its last item was skipped: {last.get('title', '')[:60]!r}"]
    return entries, []


def bozo_note(feed) -> str:
    """feedparser's complaint about a feed it could still read, for the run record."""
    if not feed.get("bozo"):
        return ""
    problem = feed.get("bozo_exception")
    return f"the feed is not well-formed ({problem.__class__.__name__}: {problem}); {len(feed.entries)} items read"


def endpoint(source: SourceConfig) -> str:
    """The configured URL of a source, or its kind's public default."""
    attr, default = KIND_DEFAULTS[source.kind]
    return (getattr(source, attr) or default).rstrip("/")


def parse_xml(content: bytes, what: str) -> ET.Element:
    """Parse an XML response; a broken or hostile document (expat refuses entity bombs) is a FeedError."""
    try:
        return ET.fromstring(content)
    except ET.ParseError as exc:
        raise FeedError(f"not an {what} document: {exc}") from exc


def struct_to_datetime(value) -> datetime | None:
    """feedparser's UTC struct_time to an aware datetime."""
    if not value:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)


def zoned(text: str | None) -> datetime | None:
    """A date and time as a feed writes it (RFC 822 or ISO 8601), kept in the zone it names (UTC when it
    names none): a feed built at 07:30 +08:00 was built on that day, whatever the date in UTC."""
    if not text:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return parse_iso(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def channel_time(channel, *keys: str) -> datetime | None:
    """A feedparser channel's first date among ``keys`` (``updated``, ``published``), in the feed's own
    zone; feedparser's own reading (in UTC) when the text is in a form only it reads."""
    for key in keys:
        if channel.get(f"{key}_parsed"):
            return zoned(channel.get(key)) or struct_to_datetime(channel[f"{key}_parsed"])
    return None


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
