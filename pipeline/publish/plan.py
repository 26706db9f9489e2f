"""What a deploy sends: every file of the built site with its content hash, Content-Type and
Cache-Control, and the plan of an upload against what the host already holds.

The plan is the same for every target that stores files one by one (an S3-compatible bucket
today): new and changed files, in the order that keeps the live site consistent, and the files
to delete. The order is

1. ``files`` — everything that is not a page: search bundles, theme assets, fonts. A page
   published later may link to them; a page still live links only to files already there.
2. ``new_pages`` — pages at an address the host does not have yet (a new day's paper pages, its
   day page, a new author's page). No live page links to them: a live page's links were all
   there when it went up, and a new address was not.
3. ``new_entries`` — the site's entry points at a new address (a new topic's feeds; on a first
   deploy every feed, the sitemap, the API's index): readers open them without a link.
4. ``pages`` — the pages the host already has, changed (the home page, topic and author lists,
   feeds, ``data/index.json``, ``pagefind/bundles.json``, the sitemap): each switches to the files
   and pages of steps 1–3, which are all there by then.
5. ``home`` — the home page, when it is new (a first deploy): every other page is reached from it.
6. ``delete`` — what no page of the new site links to any more, last.

A deploy that stops anywhere in between leaves every page a reader can reach (from the home page,
a feed, the sitemap or the API's index) linking only to files that exist: pages of step 2 link to
each other (a paper and its new day) and may be up before the rest of their day, but nothing leads
to them until a page of the later steps that links to them goes up.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

# Cache-Control per kind of file: content-addressed search bundles never change under their
# name; theme assets keep their names across releases; pages and feeds change every day.
IMMUTABLE = "public, max-age=31536000, immutable"
ASSET = "public, max-age=3600"
PAGE = "public, max-age=300"

# a search bundle's folder carries the fingerprint of what it indexes (pipeline/site/search.py), a
# radar vector shard or card part the hash of its bytes (pipeline/site/learn.py)
_HASHED = re.compile(
    r"^pagefind/[^/]+\.[0-9a-f]{16}/|^data/vectors/[^/]+-[0-9a-f]{10}\.i8$"
    r"|^data/cards/[^/]+-[0-9a-f]{10}\.json$"
)
_PAGE_SUFFIXES = (".html", ".xml", ".opml", ".json", ".txt")
# where readers and programs enter the site without following one of its links
_ENTRY = re.compile(
    r"^(index\.html|feed\.json|feeds\.opml|robots\.txt|llms\.txt|sitemap(-\d+)?\.xml"
    r"|feeds/.+|api/v1/index\.json|data/index\.json)$"
)
HOME = "index.html"

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".atom.xml": "application/atom+xml; charset=utf-8",
    ".rss.xml": "application/rss+xml; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
}
# files with a name of their own
_NAMED = {
    "feed.json": "application/feed+json; charset=utf-8",
    "VERSION": "text/plain; charset=utf-8",
    "LICENSE": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class SiteFile:
    """One file of the built site as a host stores it."""

    key: str  # the path under the site's root, with forward slashes
    path: Path
    size: int
    sha256: str
    content_type: str
    cache_control: str

    @property
    def is_page(self) -> bool:
        return self.cache_control == PAGE

    @property
    def headers(self) -> tuple[str, str, str]:
        """What a stored copy must match to be this file: content, type and caching."""
        return self.sha256, self.content_type, self.cache_control


def content_type(key: str) -> str:
    name = key.rsplit("/", 1)[-1]
    if name in _NAMED:
        return _NAMED[name]
    for suffix in sorted(_TYPES, key=len, reverse=True):  # .atom.xml before .xml
        if name.endswith(suffix):
            return _TYPES[suffix]
    guessed, encoding = mimetypes.guess_type(name, strict=False)
    # Pagefind's .pf_* and .pagefind files are its own (gzip-compressed) binary formats
    return guessed if guessed and not encoding else "application/octet-stream"


def cache_control(key: str) -> str:
    if _HASHED.match(key):
        return IMMUTABLE
    return PAGE if key.endswith(_PAGE_SUFFIXES) else ASSET


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def walk(output: Path) -> list[tuple[str, Path, int]]:
    """Every file of the built site as (key, path, size), sorted by key; links are left out."""
    files = []
    root = os.path.abspath(output)
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            if not path.is_symlink() and path.is_file():
                files.append((os.path.relpath(path, root).replace(os.sep, "/"), path, path.stat().st_size))
    return sorted(files)


def scan(output: Path) -> list[SiteFile]:
    """Every file of the built site with its hash, type and caching, sorted by key."""
    return [
        SiteFile(key, path, size, sha256_of(path), content_type(key), cache_control(key))
        for key, path, size in walk(output)
    ]


@dataclass(frozen=True)
class Plan:
    """An upload against what the host holds: ``files``, ``new_pages``, ``new_entries``, ``pages``,
    ``home``, then ``delete`` (see above)."""

    files: tuple[SiteFile, ...]
    new_pages: tuple[SiteFile, ...]
    new_entries: tuple[SiteFile, ...]
    pages: tuple[SiteFile, ...]
    home: tuple[SiteFile, ...]
    delete: tuple[str, ...]
    unchanged: int

    @property
    def phases(self) -> tuple[tuple[SiteFile, ...], ...]:
        """The uploads in the order they go up: a phase ends before the next begins."""
        return self.files, self.new_pages, self.new_entries, self.pages, self.home

    @property
    def uploads(self) -> tuple[SiteFile, ...]:
        return tuple(file for phase in self.phases for file in phase)


def plan(site: list[SiteFile], stored: dict[str, tuple[str, str, str]], present: set[str]) -> Plan:
    """Compare the built site with the host: ``stored`` maps each key to the hash, type and caching it
    was last uploaded with (the manifest), ``present`` is every key the host holds now.

    A file is uploaded when its key is missing or was stored with other bytes or headers; a key
    the host holds that the site does not is deleted.
    """
    changed = [f for f in site if f.key not in present or stored.get(f.key) != f.headers]
    keys = {f.key for f in site}
    pages = [f for f in changed if f.is_page]
    new = [f for f in pages if f.key not in present]
    return Plan(
        files=tuple(f for f in changed if not f.is_page),
        new_pages=tuple(f for f in new if not _ENTRY.match(f.key)),
        new_entries=tuple(f for f in new if _ENTRY.match(f.key) and f.key != HOME),
        pages=tuple(f for f in pages if f.key in present),
        home=tuple(f for f in new if f.key == HOME),
        delete=tuple(sorted(present - keys)),
        unchanged=len(site) - len(changed),
    )


class DeployTarget(StrEnum):
    """Where ``academichub deploy`` publishes the site."""

    PAGES = "pages"  # checked against GitHub Pages' limits (the workflow's Pages actions upload it)
    S3 = "s3"  # uploaded to an S3-compatible bucket


@dataclass(frozen=True)
class DeployReport:
    """What a deploy did: the site it published and the objects it moved."""

    target: DeployTarget
    destination: str  # the bucket's address, or the folder checked for Pages
    files: int
    bytes: int
    papers: int  # paper pages in the site (the status page's bytes per paper)
    uploaded: int = 0
    uploaded_bytes: int = 0
    deleted: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()


def paper_pages(keys) -> int:
    return sum(1 for key in keys if key.startswith("papers/") and key.endswith(".html"))
