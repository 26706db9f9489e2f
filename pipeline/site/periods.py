"""The archive's periods: the current tier every build reads, and the closed months built once as shards.

A radar's archive only grows, and a month that has passed changes only when one of its own entries
does. So the entries are grouped by the month of their radar day (``papers/YYYY/MM/``, with that
month's daily and weekly briefs), and the newest months that together hold at most
``ARCHIVE_CURRENT_PAPERS`` papers (the newest month always) are the *current tier*: Pelican reads
them on every build, and they get everything — author pages and feeds, topic and keyword lists,
the API file of each paper, related papers, the radar.

Every older month is *closed*: it is the archive tier, built on its own as a *shard* — its papers'
pages (lean: the paper's text, brief and citation data without the site's panels), its days' pages,
its briefs and its days' API files — by a Pelican run over that month alone, into the same output
folder. A shard is rebuilt only when its entries, the site's code, theme, topics or address change
(its *stamp*); otherwise what it wrote is kept, so a daily build reads the current tier only.
Shards do not depend on each other, so they build in parallel processes, or in parallel jobs of a
workflow matrix (``academichub build --period 2026-03``).

What the current tier's pages need of the closed months (the archive's days, the sitemap, the ids
a reader's library is matched against, the briefs' list) is in each shard's manifest, written
last, under the build cache's ``periods/`` folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..files import write_text

DEFAULT_CURRENT_PAPERS = 5000
MONTH = re.compile(r"\d{4}-\d{2}")
_RECEIVED = re.compile(r"^Received:\s*(\d{4}-\d{2})-\d{2}", re.M)
_DATE = re.compile(r"^Date:\s*(\d{4}-\d{2})-\d{2}", re.M)
_DAILY = re.compile(r"(\d{4})-(\d{2})-\d{2}\.md")
_WEEKLY = re.compile(r"(\d{4})-W(\d{2})\.md")
FORMAT = 1  # bumped when a manifest's layout changes: every shard is built again


@dataclass(frozen=True)
class Period:
    """A month of the archive: the entry files Pelican reads for it (paths relative to content/)."""

    month: str  # "2026-03"
    papers: tuple[str, ...]
    briefs: tuple[str, ...]
    listing: str  # digest of the entries' names, sizes and modification times
    absent: tuple[str, ...] = ()  # entries the index lists that a sparse checkout left out

    @property
    def count(self) -> int:
        """Its papers, checked out or not."""
        return len(self.papers) + len(self.absent)

    @property
    def paths(self) -> list[str]:
        return [*self.papers, *self.briefs]

    def digest(self, content: Path) -> str:
        """Digest of the entries' bytes (read only when the listing changed: see :func:`stale`)."""
        digest = hashlib.sha1()
        for path in self.paths:
            digest.update(path.encode() + b"\0" + (content / path).read_bytes() + b"\0")
        return digest.hexdigest()


@dataclass
class Tiers:
    """The months of an archive, oldest first: the closed ones (shards) and the current tier."""

    closed: list[Period] = field(default_factory=list)
    current: list[Period] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)  # entries in no month's folder: always current

    @property
    def entries(self) -> int:
        """Every entry of the archive, in either tier."""
        return sum(len(p.paths) for p in self.closed + self.current) + len(self.unplaced)

    @property
    def current_paths(self) -> list[str]:
        return [p for period in self.current for p in period.paths] + self.unplaced


def _week_month(year: int, week: int) -> str | None:
    try:
        sunday = date.fromisocalendar(year, week, 7)
    except ValueError:
        return None
    return f"{sunday:%Y-%m}"


def _radar_month(path: Path) -> str | None:
    """The month of an entry's radar day (its ``Received:`` line, else its ``Date:``), from its head."""
    with open(path, "rb") as handle:
        head = handle.read(2048).decode("utf-8", "replace")
    found = _RECEIVED.search(head) or _DATE.search(head)
    return found.group(1) if found else None


def scan(
    content: Path, known: dict[str, list] | None = None
) -> tuple[dict[str, dict[str, list]], list[str], dict[str, list]]:
    """Every entry by the month of its radar day: ``{month: {"papers": [(path, stat)], "briefs": [...]}}``,
    the entries in no month, and what was read of each paper (``{path: [size, mtime_ns, month]}``).

    A paper's folder is its publication day, not the day it arrived, so its month is read from the
    entry's head — once: ``known`` (the previous scan's) gives the month of an entry whose size and
    modification time did not change.
    """
    known = known or {}
    months: dict[str, dict[str, list]] = {}
    unplaced: list[str] = []
    seen: dict[str, list] = {}

    def add(month: str | None, kind: str, path: str, info: os.stat_result) -> None:
        if month is None:
            unplaced.append(path)
        else:
            months.setdefault(month, {"papers": [], "briefs": []})[kind].append((path, info))

    for root, dirs, files in os.walk(content / "papers"):
        dirs.sort()
        relative = Path(root).relative_to(content)
        for name in sorted(files):
            if not name.endswith(".md"):
                continue
            path = (relative / name).as_posix()
            info = os.stat(content / path)
            before = known.get(path)
            if before and before[0] == info.st_size and before[1] == info.st_mtime_ns:
                month = before[2]
            else:
                month = _radar_month(content / path)
            seen[path] = [info.st_size, info.st_mtime_ns, month]
            add(month, "papers", path, info)
    for folder, pattern in (("briefs", _DAILY), ("briefs/weekly", _WEEKLY)):
        if not (content / folder).is_dir():
            continue
        for entry in sorted(os.scandir(content / folder), key=lambda e: e.name):
            if not (entry.is_file() and entry.name.endswith(".md")):
                continue
            match = pattern.fullmatch(entry.name)
            month = None
            if match and pattern is _DAILY:
                month = f"{match.group(1)}-{match.group(2)}"
            elif match:
                month = _week_month(int(match.group(1)), int(match.group(2)))
            add(month, "briefs", f"{folder}/{entry.name}", entry.stat())
    return months, unplaced, seen


def plan(
    content: Path,
    current_papers: int = DEFAULT_CURRENT_PAPERS,
    cache: Path | None = None,
    listed: dict[str, str] | None = None,
) -> Tiers:
    """Split the archive into closed months and the current tier.

    The current tier is the newest month with papers, and the months before it as long as the tier
    stays within ``current_papers`` papers; ``current_papers`` of 0 or less puts every month in it
    (no shards). Months with briefs but no papers go with the tier of the months around them.
    ``cache`` keeps what was read of each entry's head between builds. ``listed`` (entry → month
    of its radar day, from the index) counts the entries a sparse checkout left out in their months.
    """
    known = None
    if cache is not None:
        try:
            known = json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = None
    months, unplaced, seen = scan(content, known if isinstance(known, dict) else None)
    if cache is not None and seen != known:
        write_text(cache, json.dumps(seen, separators=(",", ":")))
    absent: dict[str, list[str]] = {}
    for path, month in sorted((listed or {}).items()):
        if path not in seen:
            absent.setdefault(month, []).append(path)
            months.setdefault(month, {"papers": [], "briefs": []})
    periods = []
    for month in sorted(months):
        items = months[month]
        listing = hashlib.sha1(
            "\n".join(f"{p}\t{s.st_size}\t{s.st_mtime_ns}" for p, s in items["papers"] + items["briefs"]).encode()
        ).hexdigest()
        periods.append(
            Period(
                month,
                tuple(p for p, _ in items["papers"]),
                tuple(p for p, _ in items["briefs"]),
                listing,
                tuple(absent.get(month, ())),
            )
        )
    tiers = Tiers(unplaced=unplaced)
    if current_papers <= 0 or not periods:
        tiers.current = periods
        return tiers
    total, cut = 0, len(periods)
    with_papers = [i for i, p in enumerate(periods) if p.count]
    newest = with_papers[-1] if with_papers else len(periods) - 1
    cut = newest
    total = periods[newest].count
    for i in range(newest - 1, -1, -1):
        if total + periods[i].count > current_papers:
            break
        total += periods[i].count
        cut = i
    tiers.closed, tiers.current = periods[:cut], periods[cut:]
    return tiers


# ---------------------------------------------------------------- the shards' manifests


@dataclass(frozen=True)
class Manifest:
    """What a shard wrote and what the current tier's pages need of it."""

    month: str
    stamp: str  # the site's code, theme, topics and address: a change builds every shard again
    listing: str
    digest: str
    files: tuple[str, ...]  # written by the shard, relative to the output folder
    days: tuple[tuple[str, int, int], ...]  # (day, papers arrived, papers updated)
    papers: tuple[dict, ...]  # {"id", "url", "day", "changed", "doi", "arxiv_id"}
    briefs: tuple[dict, ...]  # {"kind", "date", "url", "api", "headline", "changed"}
    urls: tuple[tuple[str, str], ...]  # (page, last change) for the sitemap

    def to_json(self) -> str:
        return json.dumps(
            {"format": FORMAT, **{k: getattr(self, k) for k in self.__dataclass_fields__}},
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def of(cls, **fields) -> Manifest:
        """A manifest from JSON-shaped fields (lists of lists): the record's tuples."""
        return cls(
            **{
                k: tuple(tuple(x) if isinstance(x, list) else x for x in v) if isinstance(v, list) else v
                for k, v in fields.items()
            }
        )

    @classmethod
    def load(cls, path: Path) -> Manifest | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.pop("format", None) != FORMAT:
                return None
            return cls.of(**data)
        except (OSError, ValueError, TypeError):
            return None

    def save(self, folder: Path) -> None:
        write_text(folder / f"{self.month}.json", self.to_json())


def manifest_path(folder: Path, month: str) -> Path:
    return folder / f"{month}.json"


def reusable(manifest: Manifest | None, period: Period, stamp: str, content: Path, output: Path) -> bool:
    """Whether a shard built earlier still stands for ``period``: same code and entries, files in place."""
    if manifest is None or manifest.stamp != stamp or manifest.month != period.month:
        return False
    if period.absent:  # not checked out, so unchanged since the shard was built (a run checks out what it changes)
        if period.papers:
            return False
    elif manifest.listing != period.listing and manifest.digest != period.digest(content):
        return False
    return all(os.path.exists(output / name) for name in manifest.files)
