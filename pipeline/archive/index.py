"""The index of the archive and the writes that keep it: which entry holds which paper (by every
identity key), new entries for new papers, updates that keep an entry's radar day and brief.

Every write is atomic (temporary file + rename) and skipped when the bytes would not change, so
re-running a day leaves the tree untouched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

from ..errors import WriteError
from ..files import atomic_write
from ..layout import Layout
from ..models import Event, Paper, Selection
from .entry import entry_path, keep_brief, read_record, render_entry
from .identity import Merged, find_same, keys, merge

# 2: every entry records its radar day (``Received``); 3: and the words its keywords matched
INDEX_FORMAT = 3


def _outdated(paper: Paper) -> bool:
    """An entry an earlier AcademicHub wrote: without a radar day, or a selection without its matched words."""
    return paper.received is None or any(t.keywords and not t.words for t in paper.topics)


@dataclass
class Index:
    """What has been written: paper id -> entry path, with every identity key."""

    root: Path  # the content directory
    entries: dict[str, str]  # paper id -> path relative to root
    by_key: dict[str, str]  # identity key -> paper id
    format: int = INDEX_FORMAT  # below INDEX_FORMAT: some entries were written by an earlier AcademicHub

    @classmethod
    def rebuild(cls, root: Path) -> "Index":
        index = cls(root, {}, {})
        for path in Layout(root).entry_files():
            paper = read_record(path)
            if paper:
                index.add(paper, path.relative_to(root).as_posix())
                if _outdated(paper):
                    index.format = 1
        return index

    @classmethod
    def load(cls, root: Path, state_file: Path) -> "Index":
        """Load the saved index; rebuild it from content/ when missing or out of step."""
        try:
            data = json.loads(state_file.read_text(encoding="utf-8"))
            index = cls(root, data["entries"], {}, data.get("format", 1))
            for paper_id, keys_ in data["keys"].items():
                index.by_key.update({k: paper_id for k in keys_})
            on_disk = sum(1 for _ in Layout(root).entry_files())
            if on_disk == len(index.entries):
                return index
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return cls.rebuild(root)

    def add(self, paper: Paper, rel_path: str) -> None:
        self.entries[paper.id] = rel_path
        self.by_key.update({k: paper.id for k in keys(paper)})

    def find(self, paper: Paper) -> tuple[str, Paper | None, bool] | None:
        """The entry holding the same paper: (paper id, its record or None if unreadable, matched by title only)."""
        candidates = ((k, (self.by_key[k], record), record) for k in keys(paper) if k in self.by_key
                      for record in [self.read(self.by_key[k])])
        found = find_same(paper, candidates)
        return (*found[0], found[1]) if found else None

    def read(self, paper_id: str) -> Paper | None:
        return read_record(self.root / self.entries[paper_id]) if paper_id in self.entries else None

    def save(self, state_file: Path) -> bool:
        grouped: dict[str, list[str]] = {}
        for key, paper_id in sorted(self.by_key.items()):
            grouped.setdefault(paper_id, []).append(key)
        data = {"entries": dict(sorted(self.entries.items())), "format": self.format,
                "keys": dict(sorted(grouped.items()))}
        return atomic_write(state_file, json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n")


def recorded(state_file: Path) -> dict[str, str] | None:
    """The entries the saved index records (paper id -> path relative to content/), as it was saved — an
    entry removed since is still there; None when there is no readable index."""
    try:
        entries = json.loads(state_file.read_text(encoding="utf-8"))["entries"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return {str(k): str(v) for k, v in entries.items()} if isinstance(entries, dict) else None


@dataclass(frozen=True)
class Outcome:
    """What writing one incoming paper did: new, updated, unchanged, skipped or failed; ``why`` says why
    it was skipped or failed, or names a merge made by title alone."""

    incoming: Paper
    written: Paper | None
    kind: str
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
        published = incoming.published.astimezone(timezone.utc).date() if from_journal and incoming.published else None
        found.append(Event(day, "journal", journal=(incoming.venue if from_journal else "") or merged.journal_ref
                           or merged.venue, doi=merged.doi, published=published))
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
            outcomes.append(Outcome(paper, None, "failed", str(exc), exc))
    return outcomes


def _write_one(paper: Paper, index: Index, day: date, render) -> Outcome:
    found = index.find(paper)
    if found is None:
        if paper.announce_type.startswith("replace"):
            return Outcome(paper, None, "skipped", "replacement of a paper not in the archive")
        paper = replace(paper, received=day)
        rel = entry_path(paper)
        atomic_write(index.root / rel, render(paper))
        index.add(paper, rel)
        return Outcome(paper, paper, "new")
    existing_id, old, by_title = found
    rel = index.entries.get(existing_id, "")
    path = index.root / rel
    if old is None:
        return Outcome(paper, None, "skipped", f"{rel or existing_id}: existing entry has no readable Record line")
    merged = merge(old, paper, by_title)
    events = life_events(old, merged, paper, day)
    start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    merged = replace(merged, topics=_merge_topics(paper.topics, old.topics), received=old.radar_day,
                     events=old.events + events,
                     # an event is news of its day: the entry's feeds carry it as updated then
                     updated=max(filter(None, (merged.updated, start if events else None)), default=None))
    changed = atomic_write(path, render(merged, *keep_brief(path)))
    index.add(merged, rel)
    return Outcome(paper, merged, "updated" if changed else "unchanged",
                   Merged(paper, existing_id, by_title).describe() if by_title else "")


def upgrade_entries(index: Index, first_seen: dict[str, date], fill: Callable[[Paper], Paper],
                    render=render_entry) -> int:
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
            atomic_write(path, render(fill(replace(paper, received=day)), *keep_brief(path)))
            stamped += 1
    index.format = INDEX_FORMAT
    return stamped


