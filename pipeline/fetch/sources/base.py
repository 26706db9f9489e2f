"""Shared pieces of the source kinds."""

from __future__ import annotations

import calendar
import email.utils
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ...errors import BadRecord, FeedError
from ...models import RawItem, SourceStatus
from ...text import xml_document
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
    status: SourceStatus = SourceStatus.OK  # ok, empty, not-modified or partial
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
        self.status = SourceStatus.PARTIAL
        self.note = "; ".join(filter(None, (self.note, f"{read} of {total} results ({why})")))

    def finish(self, empty_note: str) -> Fetched:
        """Mark a paged fetch that found nothing as 'empty' (a valid answer, not an error)."""
        if not self.items and self.status == SourceStatus.OK:
            self.status, self.note = SourceStatus.EMPTY, "; ".join(filter(None, (empty_note, self.note)))
        return self


def _name(item: RawItem) -> str:
    return f"{item.arxiv_id or item.doi}v{item.version}"


def fetch_feed(client: Client, url: str, parse: Callable[[bytes], Fetched], polite: bool = False) -> Fetched:
    """GET a feed conditionally; a 304 becomes a 'not-modified' result without parsing."""
    response = client.get(url, conditional=True, polite=polite)
    if response.status == 304:
        return Fetched(
            url=response.url, http_status=304, status=SourceStatus.NOT_MODIFIED, note="unchanged since the last run"
        )
    result = parse(response.content)
    result.url, result.http_status = response.url, response.status
    return result


def read_json(content: bytes):
    """A JSON API's answer; not JSON (an HTML error page served with 200) is a FeedError."""
    try:
        return json.loads(content)
    except ValueError as exc:
        raise FeedError(f"not JSON: {exc}") from exc


def read_works(works: list, names: list[str], to_item: Callable[[object], RawItem]) -> Page:
    """A page of a JSON API's works (Crossref, OpenAlex): each read, or skipped with why and its name."""
    page = Page(records=names)
    for work, name in zip(works, names):
        try:
            page.items.append(to_item(work))
        except BadRecord as exc:
            page.skipped.append(f"work {name}: {exc}")
    return page


def cursor_pages(
    client: Client, url: str, params: dict, read: Callable[[bytes], Page], server: str, limit: int
) -> Fetched:
    """A cursor-paged API (Crossref, OpenAlex): ``params["cursor"]`` from ``*`` on, until the cursor ends
    or a page brings nothing new; ended before the server's own total, the result is partial."""
    result = Fetched(url=url)
    params = {**params, "cursor": "*"}
    while len(result.items) < limit:
        response = client.get(url, params=params)
        page = read(response.content)
        if not result.add_page(page, response.status):
            if page.total and len(result.seen) < min(page.total, limit):
                why = f"{server} repeated a page" if page.records else f"{server} returned an empty page"
                result.incomplete(len(result.seen), page.total, why)
            break
        if not page.cursor or page.cursor == params["cursor"]:
            break
        params["cursor"] = page.cursor
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


def parse_xml(content: bytes, what: str) -> ET.Element:
    """Parse an XML response; a broken or hostile document (expat refuses entity bombs) is a FeedError.

    Characters XML forbids (a U+FFFE, a control, a reference to a lone surrogate) are read as
    U+FFFD (``xml_document``): one bad record is not the end of the feed."""
    try:
        return ET.fromstring(xml_document(content))
    except ET.ParseError as exc:
        raise FeedError(f"not an {what} document: {exc}") from exc


def struct_to_datetime(value) -> datetime | None:
    """feedparser's UTC struct_time to an aware datetime."""
    if not value:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)


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
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
