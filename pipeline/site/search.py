"""The search stage: Pagefind indexes of the paper and brief pages, one bundle per span of dates.

Pagefind holds every page of an index in memory until it writes the index (about 150 KB a
page: 1.45 GB for 10,000 papers, 7 GB or more for 50,000), and re-indexing means indexing
everything again. So the pages are split into
*buckets* by date: whole calendar months, grouped greedily from the oldest until a bucket
would exceed ``bucket_pages`` pages (a month larger than that is split by day, a day larger
than that into runs of pages), and the weeks of the newest month, one bucket each. A new day
only ever changes the newest week's bucket, so every other bucket stays the same from day to
day until the month ends.

Each bucket is indexed on its own by the Pagefind CLI into a bundle folder under
``output/pagefind/`` whose name ends with the bucket's fingerprint: a hash of exactly what
Pagefind reads from its pages (see :func:`read_page`), their URLs, the Pagefind version and the
options. A bucket whose fingerprint already has a folder is not indexed again, so Pagefind's
peak memory is bounded by one bucket and a daily rebuild indexes one bucket, not the archive.

``output/pagefind/bundles.json`` lists the bundles, newest first; the search page loads the
first with Pagefind's JS API and merges the others into it (``mergeIndex``), and Pagefind ranks
the results of all bundles together. A bundle folder only ever gets its final name once
Pagefind has written it completely, the list is replaced in one rename after every bundle it
names is in place, and folders no list names are removed only after that: an interrupted build
leaves the previous search working, and the next build finishes the job.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from pathlib import Path

from ..errors import SearchError
from ..files import atomic_write

log = logging.getLogger(__name__)

# Folders of the output that hold indexed pages (only paper and brief pages carry data-pagefind-body).
SECTIONS = ("papers", "briefs")
FOLDER = "pagefind"
MANIFEST = "bundles.json"
# Pagefind needs about 150 KB of memory per page it indexes: a bundle of 5,000 pages stays under 1 GB.
DEFAULT_BUCKET_PAGES = 5000
LANGUAGE = "zh"  # one index for every page: Pagefind's Chinese segmentation also handles English
FORMAT = 1  # bumped when the layout of bundles changes, so every bundle is indexed again


@dataclass(frozen=True)
class Page:
    """An indexed page: its path under the output folder, its date, and the digest of what Pagefind reads."""

    path: str
    day: date
    digest: str


@dataclass(frozen=True)
class Bucket:
    """Pages indexed together into one bundle, oldest first; ``key`` names their span of dates."""

    key: str
    pages: tuple[Page, ...]

    @property
    def first(self) -> date:
        return self.pages[0].day

    @property
    def last(self) -> date:
        return self.pages[-1].day

    def fingerprint(self, options: dict) -> str:
        digest = hashlib.sha256(json.dumps(options, sort_keys=True).encode())
        for page in self.pages:
            digest.update(f"\n{page.path}\t{page.digest}".encode())
        return digest.hexdigest()


@dataclass(frozen=True)
class Bundle:
    """A bucket's bundle in this build: indexed now (``seconds``, ``peak_rss`` in bytes) or kept."""

    key: str
    folder: str
    first: date
    last: date
    pages: int
    indexed: bool
    seconds: float = 0.0
    peak_rss: int = 0


@dataclass(frozen=True)
class SearchReport:
    """What a run of the search stage did: every bundle of the site, newest first."""

    seconds: float
    bundles: tuple[Bundle, ...]
    removed: int  # folders and files of bundles that no longer exist

    @property
    def indexed(self) -> tuple[Bundle, ...]:
        return tuple(b for b in self.bundles if b.indexed)


# ---------------------------------------------------------------- what Pagefind reads from a page


_TOKEN = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][^\s/>]*)((?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+)>", re.S)
_ATTR = re.compile(r"""([^\s"'=<>/`]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_RAW_TEXT = frozenset(("script", "style", "textarea", "title"))
# Elements Pagefind treats as inline and gives no other meaning: text wrapped in one (a link to an
# author's page, say) is indexed exactly as the bare text, so the tag itself is not part of a page's digest.
_INLINE = frozenset(
    "a abbr acronym b bdo big button cite code dfn em i kbd map object output q samp small span "
    "strong sub sup time tt var".split()
)


def _attrs(text: str) -> dict[str, str]:
    return {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or "" for m in _ATTR.finditer(text)}


@functools.lru_cache(maxsize=64)
def _same_name(name: str) -> re.Pattern:
    return re.compile(rf"<(/?){re.escape(name)}(?=[\s/>])", re.I)


@functools.lru_cache(maxsize=8)
def _end_tag(name: str) -> re.Pattern:
    return re.compile(rf"</{name}", re.I)


class _Reader:
    """One pass over a page (see :func:`read_page`)."""

    def __init__(self, html: str):
        self.html = html
        self.parts: list[str] = []
        self.has_body = self.broken = self.seen_h1 = False
        self.day: date | None = None

    def read(self) -> None:
        """Outside the elements Pagefind indexes, only its attributes, the ``<html>`` and ``<title>``
        tags and the first ``h1`` matter: find them with plain string searches (the theme writes
        lowercase markup) and read each of those elements whole."""
        html = self.html
        for name in ("html", "title"):
            if (at := html.find(f"<{name}")) >= 0 and (match := _TOKEN.match(html, at)):
                self.element(match, inside=False)
        pos, h1 = 0, html.find("<h1")
        while True:
            hit = html.find("data-pagefind", pos)
            if not self.seen_h1 and h1 >= 0 and (hit < 0 or h1 < hit):
                start, h1 = h1, html.find("<h1", h1 + 3)
                match = _TOKEN.match(html, start)
                if not match or match.group(2).lower() != "h1":
                    continue
            elif hit >= 0:
                start = html.rfind("<", 0, hit)
                match = _TOKEN.match(html, start) if start >= 0 else None
                if not match or match.group(1) or match.group(2) is None or match.end() <= hit:
                    pos = hit + 1  # the words "data-pagefind" in text, or an end tag
                    continue
            else:
                return
            pos = self.element(match, inside=False)
            while 0 <= h1 < pos:
                h1 = html.find("<h1", h1 + 3)

    def element(self, match: re.Match, inside: bool, in_body: bool = False) -> int:
        """Read the element whose start tag is ``match``; the position after it.

        Outside the indexed elements (``inside`` false) only an element that Pagefind reads is
        recorded, with everything in it.
        """
        html, name, rest = self.html, match.group(2).lower(), match.group(3)
        pos = match.end()
        if name in _RAW_TEXT:  # text up to the end tag, markup or not
            end_tag = _end_tag(name).search(html, pos)
            end = end_tag.start() if end_tag else len(html)
            if inside or name == "title":
                self.parts.append(f"<{name}>{html[pos:end]}</{name}>")
            close = html.find(">", end)
            return len(html) if close < 0 else close + 1
        wanted = (
            "data-pagefind" in rest or name in ("html", "h1", "img") or (inside and ("id" in rest or name == "time"))
        )
        attrs = _attrs(rest) if wanted else {}
        if attrs.get("data-pagefind-ignore", "index").lower() not in ("", "index", "true"):
            return self.skip(name, rest, pos)  # left out entirely, metadata and filters too
        body = "data-pagefind-body" in attrs
        first_h1 = name == "h1" and not self.seen_h1
        self.seen_h1 = self.seen_h1 or name == "h1"
        if name == "html":
            self.parts.append(f"<html lang={attrs.get('lang', '')!r}>")
        if not inside and not (body or first_h1 or any(k.startswith("data-pagefind-") for k in attrs)):
            return pos
        self.has_body = self.has_body or body
        in_body = in_body or body
        if name == "time" and in_body and self.day is None:
            try:
                self.day = date.fromisoformat(attrs.get("datetime", "")[:10])
            except ValueError:
                pass
        if name not in _INLINE or any(k == "id" or k.startswith("data-pagefind-") for k in attrs):
            self.parts.append(self.tag(name, attrs))
        if name in _VOID or rest.rstrip().endswith("/"):
            return pos
        return self.children(name, pos, in_body)

    def children(self, name: str, pos: int, in_body: bool) -> int:
        """Record what is in an element, up to its end tag (an element that never ends runs to the page's end)."""
        html = self.html
        while match := _TOKEN.search(html, pos):
            self.parts.append(html[pos : match.start()])
            pos = match.end()
            closing, tag, rest = match.groups()
            if tag is None:  # a comment
                continue
            tag = tag.lower()
            if closing:
                if tag == name:
                    if name not in _INLINE:
                        self.parts.append(f"</{name}>")
                    return pos
                continue  # the end of an element recorded when it started
            if tag in _INLINE and tag not in (name, "time") and "data-pagefind" not in rest and "id" not in rest:
                continue  # a plain inline element: its text is read by this loop, its tag changes nothing
            pos = self.element(match, inside=True, in_body=in_body)
        self.parts.append(html[pos:])
        return len(html)

    def skip(self, name: str, rest: str, pos: int) -> int:
        """The position after an element that is left out (by counting the start and end tags of its name)."""
        if name in _VOID or rest.rstrip().endswith("/"):
            return pos
        depth = 1
        for match in _same_name(name).finditer(self.html, pos):
            depth += -1 if match.group(1) else 1
            if depth == 0:
                close = self.html.find(">", match.end())
                return len(self.html) if close < 0 else close + 1
        self.broken = True  # it never ends: what follows is not read reliably
        return len(self.html)

    @staticmethod
    def tag(name: str, attrs: dict[str, str]) -> str:
        """A start tag with the attributes that can change the index: ids (anchors), an image's source, and
        all of them on an element with Pagefind's own (which may name others, as in ``image[content]``)."""
        if not any(k.startswith("data-pagefind-") for k in attrs):
            attrs = {k: v for k, v in attrs.items() if k == "id" or (name == "img" and k in ("src", "alt"))}
        return "<" + name + "".join(f" {k}={v!r}" for k, v in sorted(attrs.items())) + ">"


def read_page(html: str) -> tuple[bool, date | None, str]:
    """What Pagefind reads from a page: (has a ``data-pagefind-body``, the page's date, a digest).

    The digest covers the text and structure of every ``data-pagefind-body`` element, of every
    element with another ``data-pagefind-*`` attribute (metadata, filters, sort keys), of the
    first ``h1`` (Pagefind's default title), the ``<title>`` and the page's language, all without
    the elements marked ``data-pagefind-ignore="all"``. Links, classes and everything else outside
    those elements are left out, so a page whose sidebar or list of related papers changes keeps
    its digest, and its bundle is not indexed again. A page whose left-out element never ends is
    digested whole (a change to it is never missed). The date is the ``datetime`` of the first
    ``<time>`` in the page's body.
    """
    reader = _Reader(html)
    reader.read()
    record = html if reader.broken else "".join(reader.parts)
    return reader.has_body, reader.day, hashlib.sha1(" ".join(record.split()).encode()).hexdigest()


def find_pages(output: Path, cache: Path | None = None) -> list[Page]:
    """The pages of ``output`` that Pagefind indexes (those with a ``data-pagefind-body``), dated.

    With a ``cache`` file, a page whose size and modification time are those it had last time is
    not read again (the site's writer leaves files whose content did not change untouched). A
    page without a date in its body is reported and dated with the newest page, so it stays
    searchable (in the bundle that is indexed again every day).
    """
    known: dict[str, list] = {}
    if cache:
        try:
            stored = json.loads(cache.read_text(encoding="utf-8"))
            known = stored["pages"] if stored.get("format") == FORMAT else {}
        except (OSError, ValueError, KeyError, AttributeError):
            known = {}
    # a file changed within the last seconds could change again without its time moving on
    # (coarse file system clocks): it is read again next time
    settled = time.time_ns() - 2_000_000_000
    seen: dict[str, list] = {}
    pages: list[Page] = []
    undated: list[tuple[str, str]] = []
    read = 0
    for section in SECTIONS:
        for path in sorted((output / section).rglob("*.html")):
            rel = path.relative_to(output).as_posix()
            try:
                stat = path.stat()
                entry = known.get(rel)
                if not (isinstance(entry, list) and entry[:2] == [stat.st_size, stat.st_mtime_ns]):
                    has_body, day, digest = read_page(path.read_text(encoding="utf-8"))
                    entry = [stat.st_size, stat.st_mtime_ns, has_body, day and day.isoformat(), digest]
                    read += 1
            except (OSError, UnicodeDecodeError) as exc:
                log.warning("%s: not indexed for search: %s", path, exc)
                continue
            if stat.st_mtime_ns < settled:
                seen[rel] = entry
            _, _, has_body, day, digest = entry
            if has_body and day:
                pages.append(Page(rel, date.fromisoformat(day), digest))
            elif has_body:
                undated.append((rel, digest))
    if cache:
        atomic_write(cache, json.dumps({"format": FORMAT, "pages": seen}, separators=(",", ":")))
    log.info(
        "search: %d pages to index, %d read (new or changed since the last build)", len(pages) + len(undated), read
    )
    if undated:
        newest = max((p.day for p in pages), default=date.today())
        log.warning(
            "search: %d pages have no <time datetime> in their body; indexed with the newest day (%s), e.g. %s",
            len(undated),
            newest,
            undated[0][0],
        )
        pages += [Page(rel, newest, digest) for rel, digest in undated]
    return pages


# ---------------------------------------------------------------- buckets


def plan_buckets(pages: list[Page], bucket_pages: int) -> list[Bucket]:
    """Split pages into buckets of at most ``bucket_pages`` pages, oldest first.

    Every month but the newest is a unit (a month with more pages than that is split into days,
    a day into runs of pages in path order), and consecutive units are grouped greedily from the
    oldest, so a bucket is closed for good once the next month did not fit. The newest month is
    the one new days are added to: each of its weeks (days 1–7, 8–14, 15–21, 22–28, 29–31) is a
    bucket of its own, so a new day re-indexes at most a week of pages; once the month is over,
    it is grouped with the others (a larger re-index once a month).
    """
    if bucket_pages < 1:
        raise SearchError(f"PAGEFIND_BUCKET_PAGES must be at least 1, not {bucket_pages}")
    ordered = sorted(pages, key=lambda p: (p.day, p.path))
    months = [(month, list(in_month)) for month, in_month in groupby(ordered, key=lambda p: f"{p.day:%Y-%m}")]
    groups: list[list[tuple[str, list[Page]]]] = []  # consecutive units, each group a bucket
    size = 0
    for month, in_month in months[:-1]:
        for key, unit in _units(month, in_month, bucket_pages):
            if not groups or size + len(unit) > bucket_pages:
                groups.append([])
                size = 0
            groups[-1].append((key, unit))
            size += len(unit)
    buckets = [
        Bucket(
            group[0][0] if len(group) == 1 else f"{group[0][0]}~{group[-1][0]}",
            tuple(page for _, unit in group for page in unit),
        )
        for group in groups
    ]
    for month, in_month in months[-1:]:
        for week, in_week in groupby(in_month, key=lambda p: (p.day.day - 1) // 7 + 1):
            buckets += [
                Bucket(key, tuple(unit)) for key, unit in _units(f"{month}-w{week}", list(in_week), bucket_pages)
            ]
    return buckets


def _units(key: str, pages: list[Page], bucket_pages: int) -> list[tuple[str, list[Page]]]:
    """Pages of a span of dates (in date order) as units of at most ``bucket_pages`` pages: all of them,
    else one unit a day, and a day larger than that in runs of pages."""
    if len(pages) <= bucket_pages:
        return [(key, pages)]
    units = []
    for day, in_day in groupby(pages, key=lambda p: p.day.isoformat()):
        in_day = list(in_day)
        runs = range(0, len(in_day), bucket_pages)
        units += [
            (day if len(runs) == 1 else f"{day}.{n + 1}", in_day[start : start + bucket_pages])
            for n, start in enumerate(runs)
        ]
    return units


# ---------------------------------------------------------------- Pagefind


def pagefind_version() -> str:
    """The version of the Pagefind binary that indexes (part of every bundle's fingerprint)."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pagefind", "--version"], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchError(f"pagefind could not run: {exc}") from exc
    if result.returncode != 0:
        raise SearchError("pagefind could not run: " + (result.stderr or result.stdout).strip()[-2000:])
    return result.stdout.split()[-1] if result.stdout.split() else "unknown"


def run_pagefind(site: Path, bundle: Path, language: str = LANGUAGE) -> int:
    """Index every page under ``site`` into the bundle folder ``bundle``; the peak RSS of Pagefind, in bytes.

    The CLI runs at native speed over a folder (Pagefind's Python API answers about ten requests
    a second, far too slow to add thousands of pages one by one); the extended binary segments
    Chinese.
    """
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site),
        "--output-path",
        str(bundle),
        "--force-language",
        language,
        "--silent",
    ]
    with tempfile.TemporaryFile() as messages:
        try:
            process = subprocess.Popen(command, stdout=messages, stderr=subprocess.STDOUT)
        except OSError as exc:
            raise SearchError(f"pagefind could not run: {exc}") from exc
        peak, status = _wait_measuring(process.pid)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            messages.seek(0)
            text = messages.read().decode("utf-8", "replace").strip()
            raise SearchError(f"pagefind failed (exit {process.returncode}) on {site}: {text[-2000:]}")
    return peak


def _wait_measuring(pid: int) -> tuple[int, int]:
    """Wait for process ``pid`` (python -m pagefind execs the binary); (its peak RSS in bytes, wait status).

    A child's ru_maxrss also counts the memory of the process it was started from (a whole
    Pelican build, here), so on Linux the binary's own high-water mark (VmHWM) is read while it
    runs; it only grows, and is read every 20 ms until the process ends.
    """
    status_file = Path(f"/proc/{pid}/status")
    if not status_file.exists():
        _, status, usage = os.wait4(pid, 0)
        return usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024), status
    peak = 0
    while True:
        done, status, _ = os.wait4(pid, os.WNOHANG)
        if done:
            return peak, status
        try:
            text = status_file.read_text()
        except OSError:
            text = ""
        if match := re.search(r"^VmHWM:\s+(\d+) kB", text, re.M):
            peak = max(peak, int(match.group(1)) * 1024)
        time.sleep(0.02)


def _index_bucket(output: Path, bucket: Bucket, folder: Path, work: Path, language: str) -> Bundle:
    """Index one bucket into ``folder``: its pages are hard-linked into a folder of their own, so
    Pagefind sees them at their own paths (and URLs) and nothing else; the bundle is written beside
    and renamed into place once complete."""
    started = time.perf_counter()
    site, written = work / "site", work / "bundle"
    for leftover in (site, written):
        shutil.rmtree(leftover, ignore_errors=True)
    for page in bucket.pages:
        target = site / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(output / page.path, target)
        except OSError:  # a file system without hard links
            shutil.copyfile(output / page.path, target)
    peak = run_pagefind(site, written, language)
    shutil.rmtree(folder, ignore_errors=True)  # a folder of that name without a complete bundle
    os.replace(written, folder)
    shutil.rmtree(site, ignore_errors=True)
    return Bundle(
        bucket.key, folder.name, bucket.first, bucket.last, len(bucket.pages), True, time.perf_counter() - started, peak
    )


def index_site(
    output: Path, bucket_pages: int | None = None, *, cache: Path | None = None, language: str = LANGUAGE
) -> SearchReport:
    """Bring ``output/pagefind/`` up to date with the paper and brief pages of ``output``.

    ``bucket_pages`` bounds the pages of one bundle (default :data:`DEFAULT_BUCKET_PAGES`);
    ``cache`` is a file where the digests of pages are kept between builds.
    """
    started = time.perf_counter()
    try:
        bucket_pages = int(bucket_pages or DEFAULT_BUCKET_PAGES)
    except (TypeError, ValueError):
        raise SearchError(f"PAGEFIND_BUCKET_PAGES must be a number of pages, not {bucket_pages!r}") from None
    root = output / FOLDER
    work = root / ".work"
    options = {"format": FORMAT, "pagefind": pagefind_version(), "language": language}
    buckets = plan_buckets(find_pages(output, cache), bucket_pages)
    root.mkdir(parents=True, exist_ok=True)
    bundles: list[Bundle] = []
    for bucket in reversed(buckets):  # newest first, the order of the list the search page reads
        folder = root / f"{bucket.key}.{bucket.fingerprint(options)[:16]}"
        if (folder / "pagefind-entry.json").is_file():
            bundles.append(Bundle(bucket.key, folder.name, bucket.first, bucket.last, len(bucket.pages), False))
            continue
        bundle = _index_bucket(output, bucket, folder, work, language)
        log.info(
            "search: indexed %s (%d pages) in %.1f s, Pagefind peak %.0f MB",
            bundle.key,
            bundle.pages,
            bundle.seconds,
            bundle.peak_rss / 2**20,
        )
        bundles.append(bundle)
    shutil.rmtree(work, ignore_errors=True)
    manifest = {
        **options,
        "bundles": [
            {
                "key": b.key,
                "path": f"{b.folder}/",
                "first": b.first.isoformat(),
                "last": b.last.isoformat(),
                "pages": b.pages,
            }
            for b in bundles
        ],
    }
    atomic_write(root / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    # only now that the list names the new bundles: what it no longer names goes
    keep = {MANIFEST, *(b.folder for b in bundles)}
    removed = 0
    for path in root.iterdir():
        if path.name not in keep:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
            removed += 1
    report = SearchReport(time.perf_counter() - started, tuple(bundles), removed)
    log.info(
        "search: %d bundles (%d indexed, %d kept), %d removed, %.1f s",
        len(bundles),
        len(report.indexed),
        len(bundles) - len(report.indexed),
        removed,
        report.seconds,
    )
    return report


def index_search(output: Path, bucket_pages: int | None = None, cache: Path | None = None) -> float:
    """Index the site in ``output`` for search (see :func:`index_site`); the seconds it took."""
    return index_site(output, bucket_pages, cache=cache).seconds
