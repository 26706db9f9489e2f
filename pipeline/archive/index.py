"""The index of the archive and the writes that keep it: which entry holds which paper (by every
identity key), new entries for new papers, updates that keep an entry's radar day and brief.

Every write is atomic (temporary file + rename) and skipped when the bytes would not change, so
re-running a day leaves the tree untouched.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from urllib.parse import quote, unquote

from ..errors import WriteError
from ..files import atomic_write
from ..layout import Layout
from ..models import Event, Paper, Selection
from .entry import BriefStatus, brief_stale, distinct_slugs, entry_path, keep_brief, metadata, read_record, render_entry
from .identity import Merged, find_same, keys, merge

log = logging.getLogger(__name__)

# 2: every entry records its radar day (``Received``); 3: and the words its keywords matched
INDEX_FORMAT = 3
# a key file's first line: ``#2`` then the month's counts; a line a paper: its path, radar day, key hashes
KEYS_FORMAT = "#2"


def _outdated(paper: Paper) -> bool:
    """An entry an earlier AcademicHub wrote: without a radar day, or a selection without its matched words."""
    return paper.received is None or any(t.keywords and not t.words for t in paper.topics)


@dataclass
class Index:
    """What has been written: paper id -> entry path, with every identity key, and what the later
    stages need without opening the entry (its radar day, its last change, its brief status).

    Kept in ``state/papers/YYYY-MM.json``, one file a month of entry folders (``papers/YYYY/MM/``):
    a day's run rewrites the months it wrote to, never the whole archive's index.  An entry the
    index lists but the disk lacks is kept (a sparse checkout has only some months); an entry on
    disk that its month's file does not list makes that month be read again from ``content/``.
    """

    root: Path  # the content directory
    entries: dict[str, str]  # paper id -> path relative to root
    by_key: dict[str, str]  # identity key -> paper id
    format: int = INDEX_FORMAT  # below INDEX_FORMAT: some entries were written by an earlier AcademicHub
    info: dict[str, dict] = field(default_factory=dict)  # paper id -> {"day", "changed", "brief", "due"}
    checkout: Callable[[list[str]], None] | None = None  # makes absent entries present (a sparse checkout)
    legacy: Path | None = None  # the single index file an earlier AcademicHub kept: removed by the next save
    folder: Path | None = None  # state/papers/, where the months not read yet are read from
    elsewhere: dict[str, Keys] = field(default_factory=dict)  # months whose index file is not read
    check_out_files: Callable[[list[Path]], None] | None = None  # makes absent index files present
    outdated: frozenset[str] = frozenset()  # months whose key file has no radar days (an earlier AcademicHub's)
    _taken: set[str] | None = field(default=None, repr=False)  # the slugs listed, kept while papers are added

    @classmethod
    def rebuild(cls, root: Path, files: Iterable[Path] | None = None) -> Index:
        index = cls(root, {}, {})
        for path in Layout(root).entry_files() if files is None else files:
            meta = metadata(path)
            paper = read_record(path)
            if paper:
                index.add(
                    paper,
                    path.relative_to(root).as_posix(),
                    meta.get("Brief_status", BriefStatus.PENDING),
                    brief_stale(meta.get("Brief", ""), paper),
                )
                if _outdated(paper):
                    index.format = 1
        return index

    @classmethod
    def load(
        cls, root: Path, folder: Path, sparse: bool = False, check_out: Callable[[list[Path]], None] | None = None
    ) -> Index:
        """The saved index (``folder``: ``state/papers/``, or the one ``state/papers.json`` an earlier
        AcademicHub kept, migrated on the next save); the months ``content/`` holds entries of that it
        does not list are read again from their entries.  An entry gone from ``content/`` is dropped,
        unless ``content/`` is a ``sparse`` checkout, which leaves entries out — and may leave out
        index files: a month's is then read when a key of its ``state/keys/`` file, an entry of it
        on disk or a new entry of it asks for it (``check_out`` checks it out)."""
        index = cls(root, {}, {}, check_out_files=check_out)
        legacy = folder.with_suffix(".json")
        shards = sorted(folder.glob("*.json")) if folder.is_dir() else []
        if not shards and legacy.is_file():
            index._load_legacy(legacy)
        index.folder = folder
        for shard in shards:
            index._read_shard(shard)
        if sparse:  # the months whose index file the checkout left out: their keys, hashed
            read = {shard.stem for shard in shards}
            listed = read_keys(keys_dir(folder))
            unreadable = {path.stem for path in keys_dir(folder).glob("*.txt")} - set(listed)
            listed.update({month: Keys(frozenset(), frozenset()) for month in unreadable})
            index.elsewhere = {
                month: found
                for month, found in listed.items()
                if month not in read and not (folder / f"{month}.json").exists()
            }
            # its keys unknown, or its radar days (an earlier AcademicHub's key file): the month is read whole
            index.outdated = frozenset(month for month, found in listed.items() if found.days is None)
            index.read_months(unreadable | (index.outdated if check_out is not None else set()))
        on_disk: dict[str, list[Path]] = {}
        for path in Layout(root).entry_files():
            on_disk.setdefault(shard_name(path.relative_to(root).as_posix()), []).append(path)
        index.read_months(on_disk)
        listed = set(index.entries.values())
        for month, files in sorted(on_disk.items()):
            if any(path.relative_to(root).as_posix() not in listed for path in files):
                index._replace_month(month, cls.rebuild(root, files))
        if not sparse:
            found = {path.relative_to(root).as_posix() for files in on_disk.values() for path in files}
            for paper_id in [i for i, rel in index.entries.items() if rel not in found]:
                index._drop(paper_id)
            # two ids on one file, or one slug on two (a page is named by its slug): out of step
            paths = list(index.entries.values())
            if len(set(paths)) != len(paths) or len({Path(rel).stem for rel in paths}) != len(paths):
                log.warning("%s: two papers share a file or a slug; read again from content/", folder)
                return cls.rebuild(root)
        return index

    def _read_shard(self, shard: Path) -> None:
        try:
            data = json.loads(shard.read_text(encoding="utf-8"))
            self._taken = None
            self.format = min(self.format, int(data["format"]))
            for paper_id, item in data["papers"].items():
                self.entries[paper_id] = item["path"]
                self.by_key.update({k: paper_id for k in item["keys"]})
                self.info[paper_id] = {k: item[k] for k in ("day", "changed", "brief", "due")}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("%s: unreadable index file, read again from content/ (%s)", shard, exc)

    def read_months(self, months: Iterable[str]) -> None:
        """Read the index files of ``months`` the checkout left out (checked out first)."""
        wanted = sorted(m for m in set(months) if m in self.elsewhere)
        if not wanted or self.folder is None:
            return
        paths = [self.folder / f"{month}.json" for month in wanted]
        if self.check_out_files is not None and not all(p.exists() for p in paths):
            self.check_out_files([p for p in paths if not p.exists()])
        for month, path in zip(wanted, paths):
            if path.exists():
                del self.elsewhere[month]
                self._read_shard(path)
            else:  # still left out: its slugs stay taken, and the next save leaves its files as they are
                log.warning("%s: not checked out, its papers are not matched", path)

    def _load_legacy(self, path: Path) -> None:
        """``state/papers.json``: ids, paths and keys as written; the rest read once from the entries."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries, keys_ = dict(data["entries"]), dict(data["keys"])
            self.format = data.get("format", 1)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("%s: unreadable index, read again from content/ (%s)", path, exc)
            return
        for paper_id, rel in entries.items():
            paper = read_record(self.root / rel)
            meta = metadata(self.root / rel)
            if paper is not None:
                self.add(
                    paper, rel, meta.get("Brief_status", BriefStatus.PENDING), brief_stale(meta.get("Brief", ""), paper)
                )
            else:  # unreadable: listed as it was, so that no other paper takes its file
                self.entries[paper_id] = rel
                self.info[paper_id] = {"day": "1970-01-01", "changed": "", "brief": BriefStatus.PENDING, "due": False}
            self.by_key.update({k: paper_id for k in keys_.get(paper_id, ())})
        self.legacy = path
        self._taken = None

    def _replace_month(self, month: str, fresh: Index) -> None:
        self._taken = None
        for paper_id in [i for i, rel in self.entries.items() if shard_name(rel) == month]:
            self._drop(paper_id)
        for paper_id, rel in fresh.entries.items():
            self.entries[paper_id], self.info[paper_id] = rel, fresh.info[paper_id]
        self.by_key.update(fresh.by_key)
        self.format = min(self.format, fresh.format)

    def _drop(self, paper_id: str) -> None:
        self._taken = None
        del self.entries[paper_id]
        self.info.pop(paper_id, None)
        for key in [k for k, v in self.by_key.items() if v == paper_id]:
            del self.by_key[key]

    def add(self, paper: Paper, rel_path: str, brief: str | None = None, due: bool | None = None) -> None:
        """List ``paper`` at ``rel_path``; ``brief`` is its entry's brief status and ``due`` whether
        its brief was written from another text than the paper's (None: as listed before)."""
        self.read_months([shard_name(rel_path)])  # a month not read: the new entry joins its file
        before = self.info.get(paper.id, {})
        if paper.id in self.entries:  # listed before, maybe under another path
            self._taken = None
        elif self._taken is not None:
            self._taken.add(Path(rel_path).stem)
        self.entries[paper.id] = rel_path
        self.by_key.update({k: paper.id for k in keys(paper)})
        last = max((e.day for e in paper.events), default=None)
        self.info[paper.id] = {
            "day": (paper.radar_day or date(1970, 1, 1)).isoformat(),
            "changed": last.isoformat() if last else "",
            "brief": brief or before.get("brief", BriefStatus.PENDING),
            "due": before.get("due", True) if due is None else due,
        }

    def briefed(self, paper_id: str, status: str) -> None:
        """The brief stage looked at the entry: its status now, nothing due."""
        if paper_id in self.info:
            self.info[paper_id].update(brief=status, due=False)

    def claim(self, paper: Paper) -> str:
        """The entry path of a paper new to the archive, its slug (which names the file, the page and
        the API file) taken by no other paper: a collision gets a longer, stable suffix, never an
        overwrite.  A file already on disk that the index does not list counts as taken."""
        if self._taken is None:  # built once, then kept by add(): a day's papers do not each read the archive
            self._taken = {Path(rel).stem for rel in self.entries.values()}
            self._taken.update(slug for month in self.elsewhere.values() for slug in month.slugs)
        taken = self._taken
        return next(
            rel
            for slug in distinct_slugs(paper.id)
            if slug not in taken
            for rel in [entry_path(paper, slug)]
            if not (self.root / rel).exists()
        )

    def find(self, paper: Paper) -> tuple[str, Paper | None, bool] | None:
        """The entry holding the same paper: (paper id, its record or None if unreadable, matched by title only).
        A key whose hash a month not read lists makes that month be read: its keys are compared whole."""
        hashes = {key_hash(k) for k in keys(paper) if k not in self.by_key}
        self.read_months(m for m, found in self.elsewhere.items() if hashes & found.hashes)
        candidates = (
            (k, (self.by_key[k], record), record)
            for k in keys(paper)
            if k in self.by_key
            for record in [self.read(self.by_key[k])]
        )
        found = find_same(paper, candidates)
        return (*found[0], found[1]) if found else None

    def present(self, rels: list[str]) -> None:
        """Make the listed entries present on disk when a sparse checkout left them out."""
        absent = [rel for rel in rels if not (self.root / rel).exists()]
        if absent and self.checkout is not None:
            self.checkout(absent)

    def read(self, paper_id: str) -> Paper | None:
        if paper_id not in self.entries:
            return None
        self.present([self.entries[paper_id]])
        return read_record(self.root / self.entries[paper_id])

    def save(self, folder: Path) -> bool:
        """Write the months whose entries changed (one file each, and its key file); True if any file
        changed.  A month whose index file could not be read is left as it is."""
        months: dict[str, list[str]] = {}
        for paper_id, rel in sorted(self.entries.items()):
            months.setdefault(shard_name(rel), []).append(paper_id)
        grouped: dict[str, list[str]] = {}
        for key, paper_id in sorted(self.by_key.items()):
            grouped.setdefault(paper_id, []).append(key)
        changed = False
        for month, ids in months.items():
            if month in self.elsewhere:  # its index file unread: rewriting it would lose its papers
                log.warning("%s: not checked out, %d entries of it not listed", folder / f"{month}.json", len(ids))
                continue
            lines = [
                f"{json.dumps(i, ensure_ascii=False)}: "
                + json.dumps(
                    {"path": self.entries[i], "keys": grouped.get(i, []), **self.info[i]},
                    ensure_ascii=False,
                    sort_keys=True,
                )
                for i in ids
            ]
            text = f'{{"format": {self.format}, "papers": {{\n' + ",\n".join(lines) + "\n}}\n"
            changed |= atomic_write(folder / f"{month}.json", text)
            counts = Counter(self.info[i]["brief"] for i in ids)
            counts["due"] = sum(1 for i in ids if _due(self.info[i], False))
            lines = [" ".join([KEYS_FORMAT, *(f"{k}={n}" for k, n in sorted(counts.items()) if n)])]
            lines += [
                " ".join(
                    [
                        _key_path(month, self.entries[i]),
                        self.info[i]["day"],
                        *sorted({key_hash(k) for k in grouped.get(i, [])}),
                    ]
                )
                for i in ids
            ]
            changed |= atomic_write(keys_dir(folder) / f"{month}.txt", "\n".join(lines) + "\n")
        for stale in [
            *(folder.glob("*.json") if folder.is_dir() else ()),
            *(keys_dir(folder).glob("*.txt") if keys_dir(folder).is_dir() else ()),
        ]:
            if stale.stem not in months and stale.stem not in self.elsewhere:
                stale.unlink()
                changed = True
        if self.legacy is not None:
            self.legacy.unlink(missing_ok=True)
            self.legacy = None
            changed = True
        return changed

    def due(self, with_model: bool) -> list[str]:
        """The entries whose brief must be looked at: written since, pending, failed, or extractive
        when a model now writes briefs.  A month left out is read when its key file counts one."""
        self.read_months(
            month
            for month, found in self.elsewhere.items()
            if found.counts is None
            or found.counts.get("due")
            or (with_model and found.counts.get(BriefStatus.EXTRACTIVE))
        )
        return sorted(rel for paper_id, rel in self.entries.items() if _due(self.info[paper_id], with_model))

    def read_all(self) -> None:
        """Read every month's index file a sparse checkout left out (checked out first)."""
        self.read_months(list(self.elsewhere))

    def lookup(self, key: str) -> str | None:
        """The paper id an identity key names, reading the month left out whose key file lists its hash."""
        if key not in self.by_key:
            self.read_months(m for m, found in self.elsewhere.items() if key_hash(key) in found.hashes)
        return self.by_key.get(key)

    def papers(self) -> int:
        """How many papers the archive holds, the months left out counted from their key files."""
        return len(self.entries) + sum(found.size for found in self.elsewhere.values())

    def brief_counts(self) -> Counter:
        """How many entries have each brief status, the months left out counted from their key files."""
        self.read_months(m for m, found in self.elsewhere.items() if found.counts is None)
        counts = Counter(info["brief"] for info in self.info.values())
        for found in self.elsewhere.values():
            counts.update({k: n for k, n in (found.counts or {}).items() if k in set(BriefStatus)})
        return counts

    def days(self) -> dict[str, str]:
        """Every entry's radar day (path relative to content/ -> ``YYYY-MM-DD``), the months left out
        from their key files (an earlier AcademicHub's key file says none: its month is not listed)."""
        found = {rel: self.info[paper_id]["day"] for paper_id, rel in self.entries.items()}
        for month in self.elsewhere.values():
            found.update(month.days or {})
        return found

    def newest_day(self) -> date | None:
        """The newest radar day of the archive."""
        days = self.days()
        return date.fromisoformat(max(days.values())) if days else None

    def around(self, first: date, day: date) -> list[str]:
        """The entries that arrived from ``first`` to ``day`` (the months left out too, from their
        key files), or changed on ``day`` (the months read)."""
        low, high = first.isoformat(), day.isoformat()
        changed = {rel for paper_id, rel in self.entries.items() if self.info[paper_id]["changed"] == high}
        return sorted(changed | {rel for rel, arrived in self.days().items() if low <= arrived <= high})


def _due(info: dict, with_model: bool) -> bool:
    """Whether an entry's brief must be looked at (its index record ``info``)."""
    return (
        info["due"]
        or info["brief"] in (BriefStatus.PENDING, BriefStatus.FAILED)
        or (with_model and info["brief"] == BriefStatus.EXTRACTIVE)
    )


@dataclass(frozen=True)
class Keys:
    """A month's ``state/keys/YYYY-MM.txt``: its entries' slugs, and the hashes of their identity keys;
    their paths and radar days, and the month's counts (``due`` and each brief status) — None in a
    key file an earlier AcademicHub wrote."""

    hashes: frozenset[str]
    slugs: frozenset[str]
    days: dict[str, str] | None = None  # entry path (relative to content/) -> radar day
    counts: dict[str, int] | None = None
    size: int = 0  # its papers


def key_hash(key: str) -> str:
    """The short hash of an identity key a key file lists (8 hex digits: a match is then checked whole)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


def keys_dir(folder: Path) -> Path:
    """The key files beside the index (``state/keys/`` for ``state/papers/``): one line a paper, its
    slug then the hashes of its identity keys, always checked out."""
    return folder.with_name("keys")


def read_keys(folder: Path) -> dict[str, Keys]:
    """The key files in ``folder``, by month; an unreadable one is left out."""
    found = {}
    for path in sorted(folder.glob("*.txt")) if folder.is_dir() else ():
        try:
            lines = [line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            if lines and lines[0][0] == KEYS_FORMAT:  # path, radar day, hashes
                counts = {k: int(n) for k, _, n in (item.partition("=") for item in lines[0][1:])}
                days = {f"{_month_prefix(path.stem)}{unquote(line[0])}.md": line[1] for line in lines[1:]}
                found[path.stem] = Keys(
                    frozenset(h for line in lines[1:] for h in line[2:]),
                    frozenset(Path(rel).stem for rel in days),
                    days,
                    counts,
                    len(lines) - 1,
                )
            else:  # an earlier AcademicHub's: slug, hashes
                found[path.stem] = Keys(
                    frozenset(h for line in lines for h in line[1:]),
                    frozenset(line[0] for line in lines),
                    size=len(lines),
                )
        except (OSError, ValueError, IndexError) as exc:
            log.warning("%s: unreadable key file (%s)", path, exc)
    return found


def _month_prefix(month: str) -> str:
    """What the paths of a month's entries start with (``2026-04`` → ``papers/2026/04/``; ``other``: nothing)."""
    return f"papers/{month.replace('-', '/')}/" if month != "other" else ""


def _key_path(month: str, rel: str) -> str:
    """An entry's path as its key file writes it: after its month's folder, without ``.md``, quoted."""
    return quote(rel.removeprefix(_month_prefix(month)).removesuffix(".md"), safe="/")


def shard_name(rel: str) -> str:
    """The index file an entry is listed in: the month of its folder (``papers/2026/04/27/x.md`` → ``2026-04``)."""
    parts = rel.split("/")
    if len(parts) >= 4 and parts[0] == "papers" and parts[1].isdigit() and parts[2].isdigit():
        return f"{parts[1]}-{parts[2]}"
    return "other"


def recorded(folder: Path) -> dict[str, str] | None:
    """The entries the saved index records (paper id -> path relative to content/), as it was saved — an
    entry removed since is still there; None when there is no readable index (``folder``: ``state/papers/``,
    else the one ``state/papers.json`` an earlier AcademicHub kept).  Only the index files on disk are
    read: in a sparse checkout the months checked out, whose entries are the ones it can find gone."""
    shards = sorted(folder.glob("*.json")) if folder.is_dir() else []
    try:
        if not shards:
            entries = json.loads(folder.with_suffix(".json").read_text(encoding="utf-8"))["entries"]
            return {str(k): str(v) for k, v in entries.items()} if isinstance(entries, dict) else None
        found: dict[str, str] = {}
        for shard in shards:
            found.update(
                {str(k): str(v["path"]) for k, v in json.loads(shard.read_text(encoding="utf-8"))["papers"].items()}
            )
        return found
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


class OutcomeKind(StrEnum):
    """What writing one incoming paper did."""

    NEW = "new"
    UPDATED = "updated"  # an entry of the archive took in something new
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"  # its file could not be written


@dataclass(frozen=True)
class Outcome:
    """What writing one incoming paper did (its ``kind``); ``why`` says why it was skipped or failed,
    or names a merge made by title alone."""

    incoming: Paper
    written: Paper | None
    kind: OutcomeKind
    why: str = ""
    error: WriteError | None = None  # kind "failed": the write that failed (disk full …)


def _merge_topics(new: tuple[Selection, ...], old: tuple[Selection, ...]) -> tuple[Selection, ...]:
    seen = {t.rule for t in new}
    return new + tuple(t for t in old if t.rule not in seen)


def life_events(old: Paper, merged: Paper, incoming: Paper, day: date) -> tuple[Event, ...]:
    """What the incoming record tells about a paper already on the radar: a new version, or its
    journal version found — a journal, journal reference or DOI the preprint's entry did not have
    yet (the journal's own record matched by DOI or by its links, or a later arXiv record); once."""
    found = []
    if old.version and merged.version > old.version:
        found.append(Event(day, "version", version=merged.version))
    gained = any(getattr(merged, name) and not getattr(old, name) for name in ("venue", "journal_ref", "doi"))
    if old.id.startswith("arxiv:") and gained and not any(e.kind == "journal" for e in old.events):
        from_journal = incoming.id.startswith("doi:")  # the journal's own record, not the preprint's
        published = incoming.published.astimezone(UTC).date() if from_journal and incoming.published else None
        found.append(
            Event(
                day,
                "journal",
                journal=(incoming.venue if from_journal else "") or merged.journal_ref or merged.venue,
                doi=merged.doi,
                published=published,
            )
        )
    return tuple(found)


def write_papers(papers: list[Paper], index: Index, day: date, render=render_entry) -> list[Outcome]:
    """Write new entries (their radar day is ``day``), update changed ones, leave the rest; the
    index is updated in place.  An update keeps the entry's radar day and records its events.

    A paper whose file cannot be written is a "failed" outcome (the index does not list it);
    the others are still written.
    """
    outcomes = []
    for paper in papers:
        try:
            outcomes.append(_write_one(paper, index, day, render))
        except WriteError as exc:
            outcomes.append(Outcome(paper, None, OutcomeKind.FAILED, str(exc), exc))
    return outcomes


def _write_one(paper: Paper, index: Index, day: date, render) -> Outcome:
    found = index.find(paper)
    if found is None:
        if paper.announce_type.startswith("replace"):
            return Outcome(paper, None, OutcomeKind.SKIPPED, "replacement of a paper not in the archive")
        paper = replace(paper, received=day)
        rel = index.claim(paper)
        atomic_write(index.root / rel, render(paper, slug=Path(rel).stem))
        index.add(paper, rel, BriefStatus.PENDING, due=True)  # no brief yet
        return Outcome(paper, paper, OutcomeKind.NEW)
    existing_id, old, by_title = found
    rel = index.entries.get(existing_id, "")
    path = index.root / rel
    if old is None:
        return Outcome(
            paper, None, OutcomeKind.SKIPPED, f"{rel or existing_id}: existing entry has no readable Record line"
        )
    merged = merge(old, paper, by_title)
    events = life_events(old, merged, paper, day)
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    merged = replace(
        merged,
        topics=_merge_topics(paper.topics, old.topics),
        received=old.radar_day,
        events=old.events + events,
        # an event is news of its day: the entry's feeds carry it as updated then
        updated=max(filter(None, (merged.updated, start if events else None)), default=None),
    )
    kept = keep_brief(path)
    changed = atomic_write(path, render(merged, *kept, slug=path.stem))
    index.add(merged, rel, kept[0], brief_stale(kept[2], merged))
    return Outcome(
        paper,
        merged,
        OutcomeKind.UPDATED if changed else OutcomeKind.UNCHANGED,
        Merged(paper, existing_id, by_title).describe() if by_title else "",
    )


def upgrade_entries(
    index: Index, first_seen: dict[str, date], fill: Callable[[Paper], Paper], render=render_entry
) -> int:
    """The one-time step for archives an earlier AcademicHub wrote.  An entry without a radar day
    gets the first day a run's candidates list it (``state/candidates``), else its publication
    day — the day the site gave it until then; a selection without its matched words gets them
    from the paper's text by ``fill`` (its keyword pages were named by wildcard stems).  Returns how many
    entries were rewritten."""
    stamped = 0
    for rel in sorted(index.entries.values()):
        path = index.root / rel
        paper = read_record(path)
        if paper and _outdated(paper):
            day = paper.received or first_seen.get(paper.id) or paper.radar_day
            filled = fill(replace(paper, received=day))
            atomic_write(path, render(filled, *keep_brief(path), slug=path.stem))
            index.add(filled, rel)
            stamped += 1
    index.format = INDEX_FORMAT
    return stamped
