"""Papers taken down: listed in ``takedowns.yml`` with a reason, or whose entry was removed from
``content/``. The site leaves them out of everything it writes — their pages, every list, feed, brief,
API file, the search index, the sitemap and the radar's data — and the status page counts them.

A listed paper is left out as its entry is read, before Pelican's lists are made, so no page, feed or
file of the site knows it. A daily or weekly brief names papers three ways — its ``Papers`` and
``Updates`` lines, its structured text (``Brief``: each theme's papers, the papers to read first) and
its HTML body, which feeds and the JSON Feed carry (card numbers linking to the entries, the titles
of the papers to read first and of the day's updates) — and each is cleaned of the papers that are
gone: their references, and a theme, pick or update that was only about them or names their title.
The brief's cards are numbered again without them, as its page and the home page number them.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
from pelican.contents import Article

from ..archive.identity import normalise_doi, split_arxiv_id
from ..archive.index import recorded
from ..config.takedowns import Takedown, load_takedowns
from ..layout import Layout
from ..models import PaperView
from .settings import site_settings

log = logging.getLogger(__name__)

DIGEST_LISTS = ("themes", "changes", "connections")
FILENAME = "{filename}/"  # how a brief's body links to an entry (Pelican resolves it)


def identity(value: str) -> str:
    """One spelling of a paper's id, arXiv id or DOI: ``doi:10.1038/x``, ``arxiv:2604.22038``."""
    doi = normalise_doi(value) if "10." in value else ""
    if doi:
        return f"doi:{doi}"
    arxiv, _ = split_arxiv_id(value)
    return f"arxiv:{arxiv}" if arxiv else value.strip().casefold()


def identities(paper: PaperView) -> set[str]:
    """Every spelling a takedown may use for this paper (its record as the site reads it)."""
    found = {identity(paper.id)}
    if paper.doi:
        found.add(identity(paper.doi))
    if paper.arxiv_id:
        found.add(identity(paper.arxiv_id))
    return found


@dataclass(frozen=True)
class Removed:
    """A paper the site does not publish, as the status page lists it."""

    id: str
    how: str  # "takedowns.yml" or "content/"
    reason: str = ""
    day: str = ""  # when it was taken down, when the file says
    path: str = ""  # its entry, relative to content/ (removed by hand: where it was)


@dataclass
class Gone:
    """What a build leaves out: papers by id and by entry, and the titles of those it read."""

    content: Path
    ids: set[str] = field(default_factory=set)
    paths: set[str] = field(default_factory=set)
    titles: set[str] = field(default_factory=set)
    known: set[str] | None = None  # every paper id of the archive, when the index says (else unknown)
    removed: list[Removed] = field(default_factory=list)

    def has(self, paper_id: str) -> bool:
        return paper_id in self.ids or (self.known is not None and paper_id not in self.known)

    def has_path(self, rel: str) -> bool:
        return rel in self.paths or not (self.content / rel).is_file()

    def names(self, text: str) -> bool:
        folded = text.casefold()
        return any(title in folded for title in self.titles)


def leave_out(articles: list[Article], settings: dict) -> tuple[list[Article], Gone]:
    """The articles the site publishes, without the papers taken down, and what was left out."""
    content = Path(settings["PATH"])
    site = site_settings(settings)
    listed = load_takedowns(site.takedowns)
    by_identity: dict[str, Takedown] = {identity(t.id): t for t in listed}
    gone = Gone(content)
    kept: list[Article] = []
    for article in articles:
        paper = getattr(article, "paper", None)
        takedown = next((by_identity[i] for i in identities(paper) if i in by_identity), None) if paper else None
        if takedown is None:
            kept.append(article)
            continue
        gone.ids.add(paper.id)
        gone.paths.add(os.path.relpath(article.source_path, content).replace(os.sep, "/"))
        gone.titles.add(paper.title.casefold())
        log.info("site: %s left out (takedowns.yml: %s)", paper.id, takedown.reason)
    gone.removed = [Removed(t.id, "takedowns.yml", t.reason, f"{t.date:%Y-%m-%d}" if t.date else "") for t in listed]
    entries = recorded(Layout(state=site.state).index_dir)
    if entries is not None:
        # an entry a sparse checkout left out (the daily job's) is there, not removed
        left_out = site.left_out
        present = {paper_id for paper_id, rel in entries.items() if rel in left_out or (content / rel).is_file()}
        # the papers this build reads, those the closed months' shards hold, and those the index has files for
        built = {a.paper.id for a in kept if getattr(a, "paper", None)}
        closed = {p["id"] for m in site.closed for p in m.papers}
        gone.known = (present | built | closed) - gone.ids
        listed_ids = set(by_identity)
        for paper_id in sorted(entries.keys() - present):
            gone.paths.add(entries[paper_id])
            if identity(paper_id) not in listed_ids:
                gone.removed.append(Removed(paper_id, "content/", path=entries[paper_id]))
    return kept, gone


def keep_original(article: Article) -> None:
    """Remember a brief as its entry has it (the content cache keeps this), before any cleaning."""
    article.original_brief = (article._content, article.brief, list(article.paper_ids), list(article.update_ids))


def clean_brief(article: Article, gone: Gone) -> None:
    """The brief without the papers that are gone (see the module's text), from its entry as read."""
    content, brief, paper_ids, update_ids = article.original_brief
    article._content, article.brief = content, brief
    article.paper_ids = [p for p in paper_ids if not gone.has(p)]
    article.update_ids = [p for p in update_ids if not gone.has(p)]
    if article.brief:
        article.brief = {
            k: _clean_text(v, gone) if k in ("zh", "en") and isinstance(v, dict) else v
            for k, v in article.brief.items()
        }
    if content and FILENAME in content:
        article._content = _clean_html(content, paper_ids, article.paper_ids, gone)


def _clean_text(text: dict, gone: Gone) -> dict:
    """A language of the structured brief without the papers that are gone."""
    out = dict(text)
    for key in DIGEST_LISTS:
        if isinstance(text.get(key), list):
            items = []
            for item in text[key]:
                if not isinstance(item, dict):
                    continue
                papers = item.get("papers") if isinstance(item.get("papers"), list) else []
                left = [p for p in papers if not (isinstance(p, str) and gone.has(p))]
                words = " ".join(str(item.get(k) or "") for k in ("title", "text"))
                if (papers and not left) or gone.names(words):
                    continue
                items.append({**item, "papers": left} if "papers" in item else item)
            out[key] = items
    if isinstance(text.get("read_first"), list):
        out["read_first"] = [
            i for i in text["read_first"] if not (isinstance(i, dict) and gone.has(str(i.get("paper"))))
        ]
    return out


def _clean_html(html: str, before: list[str], after: list[str], gone: Gone) -> str:
    """A brief's body without the references, picks and updates of papers that are gone, its card
    numbers those of ``after`` (the papers left, in their order)."""
    number = {paper_id: f"{n:02d}" for n, paper_id in enumerate(after, 1)}
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    changed = False
    for link in list(root.iter("a")):
        href = link.get("href") or ""
        if not href.startswith(FILENAME) or root not in link.iterancestors():  # gone with its pick already
            continue
        label = (link.text or "").strip().rstrip(".")
        paper_id = before[int(label) - 1] if label.isdigit() and 0 < int(label) <= len(before) else ""
        if gone.has_path(href[len(FILENAME) :]) or (paper_id and gone.has(paper_id)):
            item = next(link.iterancestors("li"), None)
            only = item is not None and not any(
                a is not link and (a.get("href") or "").startswith(FILENAME) for a in item.iter("a")
            )
            # a pick or an update is about that paper alone; a theme loses the reference, or goes with its last one
            if item is not None and (only or _in(item, "digest-read-first", "digest-updates")):
                item.getparent().remove(item)
            else:
                _drop(link)
            changed = True
        elif paper_id in number and label != number[paper_id]:
            link.text = f"{number[paper_id]}."
            changed = True
    for item in list(root.iter("li")):
        if gone.names(item.text_content()):
            item.getparent().remove(item)
            changed = True
    if not changed:
        return html
    return (root.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in root)


def _in(element, *classes: str) -> bool:
    return any(set((a.get("class") or "").split()) & set(classes) for a in element.iterancestors())


def _drop(element) -> None:
    """Remove an element, keeping the text that follows it."""
    parent = element.getparent()
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)
