"""The entry format: one Markdown file a paper, the contract between the stages.

An entry is ``content/papers/YYYY/MM/DD/<slug>.md``: Pelican metadata lines, then the abstract as
escaped text inside an HTML block (Markdown leaves HTML blocks alone, so nothing in an abstract can
become markup or be mangled by Markdown; LaTeX survives for KaTeX), then the brief section after
``MARKER``.  The ``Record`` line holds the complete paper as one line of JSON; ``Brief_status`` and
``Brief`` belong to the brief stage.  Render, read and replace the brief happen here and nowhere else.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path

from ..layout import Layout
from ..models import Paper

log = logging.getLogger(__name__)


MARKER = "<!-- brief -->"


SUMMARY_CHARS = 400


META_ORDER = (
    "Title",
    "Date",
    "Modified",
    "Received",
    "Category",
    "Tags",
    "Authors",
    "Slug",
    "Summary",
    "Paper_id",
    "Version",
    "Source",
    "Source_label",
    "Abs_url",
    "Pdf",
    "Doi",
    "Topics",
    "Why",
    "Brief_status",
    "Brief",
    "Record",
)


JSON_LINES = ("Brief", "Record")  # one line of JSON each: written as they are


class BriefStatus(StrEnum):
    """An entry's ``Brief_status`` line: where its brief stands (the value is what the file holds).
    In this order the run summary counts them."""

    DONE = "done"  # written by a model
    EXTRACTIVE = "extractive"  # quoted from the abstract, no model
    FAILED = "failed"  # the model could not brief it: tried again on the next run
    PENDING = "pending"  # no brief yet


def slug_for(paper_id: str) -> str:
    """Stable slug: 'arxiv:2606.17199' -> 'arxiv-2606-17199'; DOIs get a short hash (punctuation is lossy)."""
    scheme, _, rest = paper_id.partition(":")
    body = re.sub(r"[^a-z0-9]+", "-", rest.lower()).strip("-")[:70]
    if scheme == "arxiv":
        return f"arxiv-{body}"
    digest = hashlib.sha1(paper_id.encode("utf-8")).hexdigest()[:6]
    return f"{scheme}-{body}-{digest}"


def one_line(text: str) -> str:
    return " ".join((text or "").split())


def meta_list(values) -> str:
    """A Pelican list value: joined with '; ' so commas inside names survive.

    Pelican splits on ';' when the value has one, else on ','.  A lone value
    with a comma ("Doe, Jane") gets a trailing ';' so it is not split.
    """
    items = [one_line(v).replace(";", ",") for v in values if one_line(v)]
    text = "; ".join(items)
    if len(items) == 1 and "," in text:
        text += ";"
    return text


def _summary(abstract: str) -> str:
    if len(abstract) <= SUMMARY_CHARS:
        return abstract
    cut = abstract[:SUMMARY_CHARS].rsplit(" ", 1)[0]
    return cut + " …"


def _date(value: datetime | None) -> str:
    return (value or datetime(1970, 1, 1, tzinfo=UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def render_entry(
    paper: Paper, brief_status: str = BriefStatus.PENDING, body_extra: str = "", brief: str = "", slug: str = ""
) -> str:
    """The complete Markdown text of one entry.  Every value is text; HTML contexts get escaped text.

    ``brief_status``, ``brief`` (the ``Brief:`` JSON) and ``body_extra`` (the brief section) belong
    to the brief stage; the fetch stage passes back what an entry already had.  ``slug`` names the
    paper's page and API file: its file's name (``entry_path``), ``slug_for`` its id by default.
    """
    topics = [t.rule for t in paper.topics]
    # keyword pages are named by the words matched, never by a wildcard keyword's stem
    tags = list(dict.fromkeys([word for t in paper.topics for word in t.words] + topics[1:]))
    meta = {
        "Title": one_line(paper.title),
        "Date": _date(paper.published),
        "Modified": _date(paper.updated or paper.published),
        "Received": paper.received.isoformat() if paper.received else "",
        "Category": topics[0] if topics else "uncategorised",
        "Tags": meta_list(tags),
        "Authors": meta_list(a.name for a in paper.authors),
        "Slug": slug or slug_for(paper.id),
        # Pelican treats Summary as HTML: store it escaped
        "Summary": html.escape(_summary(one_line(paper.abstract)), quote=False),
        "Paper_id": paper.id,
        "Version": str(paper.version) if paper.version else "",
        "Source": paper.source,
        "Source_label": one_line(paper.source_label),
        "Abs_url": paper.url,
        "Pdf": paper.pdf,
        "Doi": paper.doi,
        "Topics": meta_list(topics),
        "Why": " | ".join(t.reason() for t in paper.topics).replace("\n", " "),
        "Brief_status": brief_status,
        "Brief": brief,
        "Record": json.dumps(paper.to_json(), ensure_ascii=False, sort_keys=True),
    }
    # one line per value: a newline would end Python-Markdown's metadata block
    lines = [
        f"{key}: {meta[key] if key in JSON_LINES else one_line(meta[key])}".rstrip()
        for key in META_ORDER
        if meta[key] or key in ("Title", "Record")
    ]
    # one line inside the block too: a blank line would end the HTML block and let Markdown in
    abstract = html.escape(one_line(paper.abstract), quote=False)
    body = f'<div class="abstract">\n{abstract}\n</div>\n' if abstract else ""
    return "\n".join(lines) + "\n\n" + body + body_extra


def _fields(lines) -> dict[str, str]:
    """The metadata lines of an entry, up to the first blank line: ``Key: value`` → {key: value}."""
    meta = {}
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            break
        key, sep, value = line.partition(": ")
        if sep:
            meta[key] = value
    return meta


def metadata(path: Path) -> dict[str, str]:
    """The metadata lines of an entry file (the body is not read); empty when it cannot be read."""
    try:
        with path.open(encoding="utf-8") as handle:
            return _fields(handle)
    except (OSError, UnicodeDecodeError):
        return {}


def _record(meta: dict[str, str]) -> Paper:
    """The Paper of a ``Record`` line; KeyError, ValueError or TypeError when there is none readable."""
    return Paper.from_json(json.loads(meta["Record"]))


def read_record(path: Path) -> Paper | None:
    """The Paper stored in an entry's ``Record`` line, or None if the file has none."""
    try:
        return _record(metadata(path))
    except (ValueError, KeyError, TypeError):
        return None


def card_order(scores: Iterable[int], slug: str) -> tuple[int, str]:
    """Where a paper's card goes among its day's: best curation score first, then slug.  The home
    page, the daily brief's card numbers and the messages all order a day by it."""
    return -max(scores, default=0), slug


def entry_path(paper: Paper, slug: str = "") -> str:
    """``papers/YYYY/MM/DD/<slug>.md``; the slug (``slug_for`` the paper's id by default) also names
    its page and API file, so the index gives every paper one of its own (``Index.claim``)."""
    when = (paper.published or datetime(1970, 1, 1, tzinfo=UTC)).astimezone(UTC)
    return f"papers/{when:%Y/%m/%d}/{slug or slug_for(paper.id)}.md"


def distinct_slugs(paper_id: str) -> Iterator[str]:
    """The slugs a paper may take, in order: ``slug_for`` its id, then the same with a longer digest
    of the id (two ids whose short slugs collide), then numbered: stable, and never two ids' one."""
    first = slug_for(paper_id)
    yield first
    yield f"{first}-{hashlib.sha256(paper_id.encode('utf-8')).hexdigest()[:16]}"
    yield from (f"{first}-{n}" for n in itertools.count(2))


def keep_brief(path: Path) -> tuple[str, str, str]:
    """The brief status, brief section and ``Brief:`` line of an existing entry, kept across updates."""
    text = path.read_text(encoding="utf-8")
    meta = _fields(text.split("\n"))
    marker = text.find("\n" + MARKER)
    section = text[marker + 1 :] if marker >= 0 else ""
    return meta.get("Brief_status", BriefStatus.PENDING), section, meta.get("Brief", "")


def paper_digest(paper: Paper) -> str:
    """What a brief was written from: title, abstract and topics.  A changed paper gets a new brief."""
    material = json.dumps([paper.title, paper.abstract, [t.rule for t in paper.topics]], ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


def brief_stale(brief_line: str, paper: Paper) -> bool:
    """Whether an entry's brief (its ``Brief:`` line) was not written from ``paper``: missing,
    unreadable, or written from an earlier version of its text."""
    try:
        brief = json.loads(brief_line)
    except ValueError:
        return True
    return not isinstance(brief, dict) or brief.get("paper_digest", "") != paper_digest(paper)


@dataclass(frozen=True)
class Entry:
    """A paper entry as read from ``content/``: the record, its brief status and its text."""

    path: Path
    rel: str  # relative to the content folder, e.g. papers/2026/04/27/arxiv-2604-22038.md
    paper: Paper
    meta: dict[str, str]
    text: str

    @property
    def status(self) -> str:
        return self.meta.get("Brief_status", BriefStatus.PENDING)

    @property
    def brief(self) -> dict | None:
        try:
            return json.loads(self.meta["Brief"])
        except (KeyError, ValueError):
            return None

    @property
    def day(self) -> date:
        """The radar day: the day the paper arrived (an undated entry still gets its brief, on no day's page)."""
        return self.paper.radar_day or date(1970, 1, 1)

    @property
    def topic(self) -> str:
        return self.meta.get("Category", "")


def read_entry(path: Path, root: Path) -> Entry | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("%s: cannot read: %s", path, exc)
        return None
    meta = _fields(text.split("\n"))
    try:
        paper = _record(meta)
    except (KeyError, ValueError, TypeError) as exc:
        log.warning("%s: no readable Record line (%s); skipped", path, exc)
        return None
    return Entry(path, path.relative_to(root).as_posix(), paper, meta, text)


def read_entries(content: Path) -> list[Entry]:
    """Every readable paper entry, newest day first, then by file name."""
    entries = [e for p in Layout(content).entry_files() if (e := read_entry(p, content))]
    return sorted(entries, key=lambda e: (-e.day.toordinal(), e.rel))


def with_brief(entry: Entry, status: str, brief: dict | None, section: str = "") -> str:
    """The entry's text with its brief status, ``Brief:`` line and brief section (``section``, the
    brief rendered as HTML) replaced; nothing else changes."""
    head, sep, body = entry.text.partition("\n\n")
    lines = [line for line in head.split("\n") if not line.startswith(("Brief: ", "Brief_status: "))]
    at = next((i for i, line in enumerate(lines) if line.startswith("Record: ")), len(lines))
    new = [f"Brief_status: {status}"]
    if brief is not None:
        new.append("Brief: " + json.dumps(brief, ensure_ascii=False, sort_keys=True))
    lines[at:at] = new
    marker = body.find(MARKER)
    if marker >= 0:
        body = body[:marker]
    if brief is not None:
        body = body + MARKER + "\n" + section
    return "\n".join(lines) + "\n\n" + body
