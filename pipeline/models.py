"""Typed records that flow between the pipeline stages.

``RawItem`` is what a source parser read from a response, text still as the
publisher wrote it.  ``Paper`` is the normalised, de-duplicated record every
later stage (curate, write, brief, site) works with.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar


@dataclass(frozen=True)
class RawAuthor:
    name: str
    affiliations: tuple[str, ...] = ()
    family: str = ""  # when the source names it apart (Crossref's "family")


@dataclass(frozen=True)
class RawItem:
    """One item exactly as a source parser read it (HTML and prefixes not removed yet)."""

    source_id: str
    title: str
    title_format: str = "text"  # "text" or "html" (markup removed, e.g. Nature's <sub>)
    abstract: str = ""
    abstract_format: str = "html"  # "html", "jats" or "text"
    authors: tuple[RawAuthor, ...] = ()
    arxiv_id: str = ""  # e.g. "2606.17199v1" or "astro-ph/0601001v1"
    doi: str = ""
    version: int = 0  # when the source states it (bioRxiv); arXiv ids carry their own
    categories: tuple[str, ...] = ()  # primary first
    announce_type: str = ""  # arXiv: new, cross, replace, replace-cross
    published: datetime | None = None
    updated: datetime | None = None
    url: str = ""
    pdf: str = ""
    journal_ref: str = ""
    comment: str = ""
    venue: str = ""
    # the paper's other versions as its record names them (arXiv ids or DOIs): Crossref's
    # has-preprint / is-preprint-of relations
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Author:
    name: str  # "Given Family", as the site shows it
    affiliations: tuple[str, ...] = ()
    # the family name when the source tells it ("van der Berg" of "Anna van der Berg"); "" when it
    # gives a full name only, and citations then take the last word, as BibTeX does
    family: str = ""


@dataclass(frozen=True)
class Selection:
    """Why a paper was kept: one record per rule that matched it."""

    rule: str
    score: int
    keywords: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    # the semantic signal (rules with similar_to): cosine similarity to the nearest listed paper, and which one
    similarity: float | None = None
    similar_to: str = ""
    # the words the keywords matched, as the paper writes them: a keyword itself, and for a wildcard
    # keyword each form it took ("agents", "agentic" for agent*); they name the paper's keyword pages
    words: tuple[str, ...] = ()

    def reason(self) -> str:
        parts = []
        if self.authors:
            parts.append("followed author " + ", ".join(self.authors))
        if self.keywords:
            parts.append("keyword " + ", ".join(self.keywords))
        if self.categories:
            parts.append("category " + ", ".join(self.categories))
        if self.similarity is not None:
            parts.append(f"similar to {self.similar_to} ({self.similarity:.2f})")
        return f"{self.rule}: " + ("; ".join(parts) or "matched")


@dataclass(frozen=True)
class Event:
    """Something that happened to a paper already on the radar, dated by the radar day it was seen.

    ``version``: a new version arrived (``version`` is its number).  ``journal``: its journal
    version was found (``journal``, ``doi`` and the journal's publication date ``published``).
    """

    day: date
    kind: str  # "version" or "journal"
    version: int = 0
    journal: str = ""
    doi: str = ""
    published: date | None = None

    def to_json(self) -> dict[str, Any]:
        data = {"day": self.day.isoformat(), "kind": self.kind}
        if self.version:
            data["version"] = self.version
        data.update({k: v for k, v in (("journal", self.journal), ("doi", self.doi)) if v})
        if self.published:
            data["published"] = self.published.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Event:
        published = data.get("published")
        return cls(
            day=date.fromisoformat(data["day"]),
            kind=str(data["kind"]),
            version=int(data.get("version") or 0),
            journal=str(data.get("journal") or ""),
            doi=str(data.get("doi") or ""),
            published=date.fromisoformat(published) if published else None,
        )

    def describe(self) -> str:
        """ "v3" or "Published in Nature, 2026-06-01" (the journal's date when known)."""
        if self.kind == "version":
            return f"v{self.version}"
        where = ", ".join(
            filter(None, (self.journal or self.doi, self.published.isoformat() if self.published else ""))
        )
        return f"Published in {where}"


@dataclass(frozen=True)
class Paper:
    """The normalised record of one paper, whatever source it came from."""

    id: str  # canonical: "arxiv:2606.17199" or "doi:10.1038/srep16696"
    title: str
    source: str
    source_label: str
    version: int = 0
    authors: tuple[Author, ...] = ()
    abstract: str = ""
    categories: tuple[str, ...] = ()
    announce_type: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    url: str = ""
    pdf: str = ""
    doi: str = ""
    arxiv_id: str = ""  # without version
    journal_ref: str = ""
    comment: str = ""
    venue: str = ""
    code_links: tuple[str, ...] = ()
    # identity keys of the paper's other version named by its own record ("arxiv:2604.22038" for a
    # journal article whose Crossref record says it has that preprint)
    links: tuple[str, ...] = ()
    topics: tuple[Selection, ...] = field(default=(), compare=False)
    # the radar day: the run day on which the paper first entered the radar (set once, by write)
    received: date | None = None
    # what happened to it since, day by day: new versions, its journal version found
    events: tuple[Event, ...] = ()

    @property
    def primary_category(self) -> str:
        return self.categories[0] if self.categories else ""

    @property
    def radar_day(self) -> date | None:
        """The day the paper arrived; an entry written before radar days were kept counts its publication day."""
        if self.received:
            return self.received
        return self.published.astimezone(UTC).date() if self.published else None

    def events_on(self, day: date) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.day == day)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for topic in data["topics"]:  # the semantic fields only when a similar_to rule matched
            if topic["similarity"] is None:
                del topic["similarity"], topic["similar_to"]
            if not topic["words"]:
                del topic["words"]
        for key in ("published", "updated", "received"):
            value = getattr(self, key)
            data[key] = value.isoformat() if value else None
        data["events"] = [e.to_json() for e in self.events]
        for author in data["authors"]:
            if not author["family"]:
                del author["family"]
        for key in ("links", "events", "received"):  # absent rather than empty: older records stay byte-identical
            if not data[key]:
                del data[key]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Paper:
        values = dict(data)
        values["authors"] = tuple(
            Author(a["name"], tuple(a.get("affiliations", ())), a.get("family", "")) for a in values.get("authors", ())
        )
        values["topics"] = tuple(
            Selection(
                rule=s["rule"],
                score=s["score"],
                keywords=tuple(s.get("keywords", ())),
                authors=tuple(s.get("authors", ())),
                categories=tuple(s.get("categories", ())),
                similarity=s.get("similarity"),
                similar_to=s.get("similar_to", ""),
                words=tuple(s.get("words", ())),
            )
            for s in values.get("topics", ())
        )
        for key in ("categories", "code_links", "links"):
            values[key] = tuple(values.get(key, ()))
        values["events"] = tuple(Event.from_json(e) for e in values.get("events", ()))
        for key in ("published", "updated"):
            if values.get(key):
                values[key] = datetime.fromisoformat(values[key])
        if values.get("received"):
            values["received"] = date.fromisoformat(values["received"])
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in values.items() if k in known})


def _text(value) -> str:
    return str(value) if value else ""


def _texts(values) -> tuple[str, ...]:
    """The non-blank strings (and numbers, as text) of a list; nothing from anything else."""
    if not isinstance(values, (list, tuple)):
        return ()
    return tuple(str(v) for v in values if isinstance(v, (str, int, float)) and str(v).strip())


def _author(data) -> Author | None:
    if not isinstance(data, dict) or not data.get("name"):
        return None
    return Author(_text(data["name"]), _texts(data.get("affiliations")), _text(data.get("family")))


def _selection(data) -> Selection | None:
    if not isinstance(data, dict) or not data.get("rule"):
        return None
    score, similarity = data.get("score"), data.get("similarity")
    return Selection(
        rule=_text(data["rule"]),
        score=score if isinstance(score, int) else 0,
        keywords=_texts(data.get("keywords")),
        authors=_texts(data.get("authors")),
        categories=_texts(data.get("categories")),
        similarity=similarity if isinstance(similarity, (int, float)) else None,
        similar_to=_text(data.get("similar_to")),
        words=_texts(data.get("words")),
    )


def _event(data) -> Event | None:
    try:
        return Event.from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _several(read):
    def parse(values) -> tuple:
        return tuple(filter(None, map(read, values))) if isinstance(values, (list, tuple)) else ()

    return parse


def _web_links(values) -> tuple[str, ...]:
    return tuple(v for v in _texts(values) if v.startswith(("http://", "https://")))


@dataclass(frozen=True)
class PaperView:
    """A paper as every output shows it: its page and cards, data/index.json, the API, the MCP server
    and the citations all read this, built once from the paper's Record (``from_record``).

    Each output names the keys it gives a paper in one of the ``*_FIELDS`` lists below: a key that is
    a field of the view is taken from it, any other the output computes (``pick``); the API's JSON
    Schemas list the same keys (a test compares them).
    """

    id: str = ""
    title: str = ""
    abstract: str = ""
    authors: tuple[Author, ...] = ()
    categories: tuple[str, ...] = ()
    topics: tuple[Selection, ...] = ()
    url: str = ""
    pdf: str = ""
    doi: str = ""
    arxiv_id: str = ""
    version: str = ""
    journal_ref: str = ""
    venue: str = ""
    comment: str = ""
    code_links: tuple[str, ...] = ()
    source_label: str = ""
    brief_status: str = "pending"  # the entry's Brief-Status: pending, done, extractive, failed
    received: str = ""  # the radar day, YYYY-MM-DD ("" in entries written before it was kept)
    events: tuple[Event, ...] = ()

    # an output's key that names a field of another name
    ALIASES: ClassVar[dict[str, str]] = {"source": "source_label"}
    # the keys each output gives a paper, in its order
    API_FIELDS: ClassVar[tuple[str, ...]] = (
        "id",
        "title",
        "authors",
        "authors_total",
        "abstract",
        "published",
        "updated",
        "day",
        "source",
        "version",
        "categories",
        "doi",
        "arxiv_id",
        "journal_ref",
        "venue",
        "comment",
        "topics",
        "tags",
        "brief",
        "events",
        "links",
    )
    CARD_FIELDS: ClassVar[tuple[str, ...]] = (
        "id",
        "title",
        "authors",
        "authors_total",
        "published",
        "day",
        "source",
        "topics",
        "tldr",
        "links",
    )
    INDEX_FIELDS: ClassVar[tuple[str, ...]] = (
        "id",
        "url",
        "title",
        "authors",
        "authors_total",
        "author_urls",
        "date",
        "day",
        "source",
        "topics",
        "tags",
        "abstract",
        "tldr",
        "extractive",
    )
    MCP_CARD_FIELDS: ClassVar[tuple[str, ...]] = (
        "id",
        "title",
        "authors",
        "more_authors",
        "published",
        "day",
        "source",
        "topics",
        "tldr",
    )
    MCP_FULL_FIELDS: ClassVar[tuple[str, ...]] = (*MCP_CARD_FIELDS, "abstract", "why", "brief", "links")

    @classmethod
    def from_record(cls, record, fallback: PaperView | None = None) -> PaperView:
        """The view of a Record (``Paper.to_json``), damaged or not: a value of the wrong kind is left
        out (an author without a name, a topic without a rule, an event that does not parse), and a
        field the record leaves empty takes ``fallback``'s value (the entry's other metadata)."""
        data = record if isinstance(record, dict) else {}
        fallback = fallback or cls()
        return cls(
            **{
                spec.name: _READ.get(spec.name, _READ_TYPE[spec.type])(data.get(spec.name))
                or getattr(fallback, spec.name)
                for spec in fields(cls)
            }
        )

    @classmethod
    def field_of(cls, key: str) -> str | None:
        """The view's field an output's ``key`` names, or None when the output computes it."""
        name = cls.ALIASES.get(key, key)
        return name if name in cls.__dataclass_fields__ else None

    def pick(self, keys: tuple[str, ...], computed: dict[str, Any], shown: dict[str, Any] | None = None) -> dict:
        """An output's record of the paper: ``keys`` in order, each a value in ``computed`` (the output's
        own: data/index.json's ``url`` is the page's) or else a field of the view, as ``shown[key]``
        renders it or as it is (text, or a list of text). A key that is neither fails, as does a field
        of records with no rendering, and so does a computed value no key names."""
        shown = shown or {}
        if set(computed) - set(keys):
            raise KeyError(f"computed but not listed: {sorted(set(computed) - set(keys))}")
        out = {}
        for key in keys:
            name = self.field_of(key)
            if key in computed or name is None:
                out[key] = computed[key]
            elif key in shown:
                out[key] = shown[key](getattr(self, name))
            else:
                out[key] = _plain(getattr(self, name))
        return out


def _plain(value):
    if isinstance(value, tuple):
        if any(not isinstance(v, str) for v in value):
            raise TypeError(f"a list of records needs a rendering: {value!r:.80}")
        return list(value)
    return value


_READ_TYPE = {
    "str": _text,
    "tuple[str, ...]": _texts,
    "tuple[Author, ...]": _several(_author),
    "tuple[Selection, ...]": _several(_selection),
    "tuple[Event, ...]": _several(_event),
}
_READ = {"code_links": _web_links}


class SourceStatus(StrEnum):
    """What one source's run came to, as the run record writes it."""

    OK = "ok"
    EMPTY = "empty"  # a valid answer with nothing in it
    NOT_MODIFIED = "not-modified"  # HTTP 304
    STALE = "stale"  # the feed was built before the run's day
    PARTIAL = "partial"  # paging ended before the server's own total
    FAILED = "failed"


@dataclass
class SourceReport:
    """What one source did during one run; appended to the run-health log."""

    source: str
    kind: str
    url: str = ""
    http_status: int | None = None
    status: SourceStatus = SourceStatus.OK
    items_seen: int = 0
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    rejected: int = 0
    skipped: int = 0
    old: int = 0  # published more than the source's max_age_days before the run day: not news
    feed_date: str | None = None  # the day the feed says it was built, in its own time zone
    feed_time: str | None = None  # and when, with its offset (ISO 8601)
    errors: list[str] = field(default_factory=list)
    note: str = ""

    def add_note(self, text: str) -> None:
        self.note = "; ".join(filter(None, (self.note, text)))
