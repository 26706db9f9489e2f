"""The OpenAlex works API: ``/works?filter=…`` over the publication dates of the last ``days``
(cursor paging).

OpenAlex sends no abstract text: it sends ``abstract_inverted_index``, each word with the positions
it holds, and the abstract is those words put back in order.  A work without a DOI is skipped.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from ...config.sources import PagedSettings
from ...errors import BadRecord, FeedError
from ...models import RawAuthor, RawItem
from ..http import Client
from .base import Fetched, Page, cursor_pages, parse_iso, read_json, read_works
from .fields import kind_of, obj, objects, record, text

DOI_PREFIX = "https://doi.org/"


class OpenAlexSource(PagedSettings):
    """OpenAlex's ``/works``: the works a filter selects, published over the last ``days``, with cursor
    paging; the abstract is written back from its inverted index, and a work without a DOI is skipped."""

    kind: Literal["openalex"]
    # an OpenAlex filter, e.g. "primary_topic.field.id:17" or "authorships.institutions.ror:https://ror.org/00f54p054";
    # the publication dates of the window are added to it
    filter: Annotated[str, Field(max_length=2000)] = ""
    mailto: str = ""  # OpenAlex's polite pool: your e-mail address
    page_size: int = Field(100, ge=1, le=200)  # works asked for a page (OpenAlex sends at most 200)

    endpoint: ClassVar[str] = "https://api.openalex.org"
    needs: ClassVar[tuple[str, ...]] = ("filter",)

    def default_age(self) -> int | None:
        return self.days + 1  # its window


def abstract(work: dict) -> str:
    """The abstract written back from ``abstract_inverted_index`` (word → the positions it holds)."""
    index = obj(work, "abstract_inverted_index")
    words: dict[int, str] = {}
    for word, positions in index.items():
        if not isinstance(positions, list) or not all(
            isinstance(p, int) and not isinstance(p, bool) for p in positions
        ):
            raise BadRecord(
                f"abstract_inverted_index: the positions of {word[:40]!r} should be a list of numbers, "
                f"got {kind_of(positions)}"
            )
        words.update((position, word) for position in positions)
    return " ".join(words[position] for position in sorted(words))


def _author(authorship: dict) -> RawAuthor:
    institutions = objects(authorship, "institutions")
    return RawAuthor(
        text(obj(authorship, "author"), "display_name"),
        tuple(filter(None, (text(i, "display_name") for i in institutions))),
    )


def work_to_item(work, source: OpenAlexSource) -> RawItem:
    """One work, every field checked (BadRecord names the first field of the wrong type)."""
    work = record(work, "work")
    doi, title, page = text(work, "doi"), text(work, "title") or text(work, "display_name"), text(work, "id")
    if not doi or not title.strip():
        raise BadRecord("no DOI or title")
    location, best = obj(work, "primary_location"), obj(work, "best_oa_location")
    published = parse_iso(text(work, "publication_date"))
    return RawItem(
        source_id=source.id,
        title=title,
        title_format="html",  # OpenAlex keeps the publisher's <i> and <sub>
        abstract=abstract(work),
        abstract_format="text",
        authors=tuple(_author(a) for a in objects(work, "authorships")),
        doi=doi.removeprefix(DOI_PREFIX),
        categories=tuple(filter(None, (source.default_category, text(obj(work, "primary_topic"), "display_name")))),
        published=published,
        updated=published,
        url=text(location, "landing_page_url") or doi or page,
        pdf=text(location, "pdf_url") or text(best, "pdf_url"),
        venue=text(obj(location, "source"), "display_name"),
    )


def parse(content: bytes, source: OpenAlexSource) -> Page:
    """One page: items, the works skipped with why, every work's id, the total and the next cursor."""
    data = read_json(content)
    if not isinstance(data, dict):
        raise FeedError(f"OpenAlex answered {kind_of(data)}, not an object")
    if "error" in data:
        raise FeedError(f"OpenAlex error: {str(data.get('error'))[:100]}: {str(data.get('message'))[:200]}")
    works, meta = data.get("results"), data.get("meta")
    if not isinstance(works, list) or not isinstance(meta, dict):
        raise FeedError(
            f"OpenAlex answered results that are {kind_of(works)} and meta that is {kind_of(meta)}, "
            "not a list and an object"
        )
    names = [str(w.get("id")) if isinstance(w, dict) else repr(w)[:100] for w in works]
    page = read_works(works, names, lambda work: work_to_item(work, source))
    total, cursor = meta.get("count"), meta.get("next_cursor")
    page.total = total if isinstance(total, int) and not isinstance(total, bool) else None
    page.cursor = cursor if isinstance(cursor, str) and works else ""
    return page


def window(source: OpenAlexSource, day: date) -> str:
    """The configured filter and the publication dates of the ``days`` up to ``day``."""
    start = day - timedelta(days=source.days - 1)
    return f"{source.filter},from_publication_date:{start.isoformat()},to_publication_date:{day.isoformat()}"


def fetch(client: Client, source: OpenAlexSource, day: date) -> Fetched:
    url = source.address() + "/works"
    params = {"filter": window(source, day), "per-page": source.page_size}
    if source.mailto:
        params["mailto"] = source.mailto
    return cursor_pages(client, url, params, partial(parse, source=source), "OpenAlex", source.max_results).finish(
        "no works published in this date range"
    )
