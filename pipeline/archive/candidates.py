"""The candidates of recent runs: every paper a run read, kept or not.

A rule preview (``academichub rules preview``) needs the papers no rule kept
to show what a new or wider rule would add.  A run saves its de-duplicated
papers as ``state/candidates/YYYY-MM-DD.jsonl``, one ``Paper`` record per
line, and drops the files older than ``KEEP_DAYS``.  The folder is a cache,
not history: the daily workflow keeps it with ``actions/cache`` and never
commits it, and the pull-request workflow restores the latest copy.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from ..files import atomic_write
from ..layout import Layout
from ..models import Paper

KEEP_DAYS = 30


def save(state: Path, day: date, papers: list[Paper], keep_days: int = KEEP_DAYS) -> Path:
    """Write the day's candidates (sorted, byte-stable) and prune days older than ``keep_days``."""
    folder = Layout(state=state).candidates
    path = folder / f"{day.isoformat()}.jsonl"
    lines = [
        json.dumps({**p.to_json(), "topics": []}, ensure_ascii=False, sort_keys=True)
        for p in sorted(papers, key=lambda p: p.id)
    ]
    atomic_write(path, "".join(line + "\n" for line in lines))
    oldest = day - timedelta(days=keep_days - 1)
    for old in folder.glob("*.jsonl"):
        try:
            if date.fromisoformat(old.stem) < oldest:
                old.unlink()
        except ValueError:
            continue  # not a file of ours
    return path


def load(state: Path) -> list[Paper]:
    """Every cached candidate, its radar day the day of the run that read it; a damaged line costs that one paper."""
    papers = []
    for path, day in _days(state):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                papers.append(replace(Paper.from_json(json.loads(line)), received=day))
            except (ValueError, KeyError, TypeError):
                continue
    return papers


def _days(state: Path) -> list[tuple[Path, date]]:
    """The candidate files with their run days, oldest first (files not of ours left out)."""
    found = []
    for path in sorted(Layout(state=state).candidates.glob("*.jsonl")):
        try:
            found.append((path, date.fromisoformat(path.stem)))
        except ValueError:
            continue
    return found


def first_seen(state: Path) -> dict[str, date]:
    """The first cached day on which a run read each paper (the candidates are a run's record of what it read)."""
    seen: dict[str, date] = {}
    for path, day in reversed(_days(state)):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                seen[str(json.loads(line)["id"])] = day
            except (ValueError, KeyError, TypeError):
                continue
    return seen
