"""Run-health records: one JSON line per run in ``state/runs.jsonl``.

Each record says, per source, the HTTP status, what was seen and done, the
errors, and whether the feed itself says it is stale or a no-announcement day,
so a quiet day can be told apart from a broken feed.
"""

from __future__ import annotations

import json
import os
from contextlib import suppress
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from ..errors import WriteError
from ..models import SourceReport, SourceStatus
from . import lock

KEEP_RUNS = 400
# how long before the run day began (in the feed's zone) a feed may have been built and still be the
# day's: a feed rebuilt late the evening before, or one that gives UTC times for a morning rebuild in
# a zone up to twelve hours ahead (07:30 +08:00 is 23:30 the day before in UTC)
STALE_TOLERANCE = timedelta(hours=12)


def is_stale(built: datetime, day: date, now: datetime) -> bool:
    """Whether a feed built at ``built`` (in its own zone) is behind the run of ``day``.

    Judged in the feed's zone: the run's day there is ``day``, or the day before while ``day`` has
    not yet begun there (a run at 06:00 UTC is 20:00 the day before at UTC-10); a feed built that day,
    or within STALE_TOLERANCE before it began, is current.
    """
    zone = built.tzinfo or UTC
    there = min(day, now.astimezone(zone).date())
    return built < datetime.combine(there, time(), zone) - STALE_TOLERANCE


def classify(report: SourceReport, day: date, now: datetime | None = None) -> None:
    """Set ``status`` from what happened; a feed built before the run's day, in its own zone, is stale."""
    if report.errors and not report.items_seen:
        report.status = SourceStatus.FAILED
    elif report.status in (SourceStatus.EMPTY, SourceStatus.NOT_MODIFIED, SourceStatus.PARTIAL):
        pass
    elif report.feed_time and is_stale(datetime.fromisoformat(report.feed_time), day, now or datetime.now(UTC)):
        report.status = SourceStatus.STALE
        report.note = report.note or f"the feed was built {report.feed_time}, before {day.isoformat()} there"


def record(reports: list[SourceReport], day: date, now: datetime | None = None, *, failure: str | None = None) -> dict:
    """The run's record; ``failure`` says what the run could not write (the run is then not ok)."""
    now = now or datetime.now(UTC)
    totals = {
        k: sum(getattr(r, k) for r in reports)
        for k in ("items_seen", "new", "updated", "duplicate", "rejected", "skipped", "old")
    }
    entry = {
        "run_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "date": day.isoformat(),
        "ok": failure is None and any(r.status != SourceStatus.FAILED for r in reports),
        "totals": totals,
        "sources": [asdict(r) for r in reports],
    }
    if failure:
        entry["failure"] = failure
    return entry


def append(path: Path, entry: dict) -> None:
    """Append one record as one line (never rewriting the others); raises ``WriteError`` when it cannot.

    A failed append is undone, so the file never keeps half a line; while this run holds the state
    lock, the file is then trimmed to the last KEEP_RUNS records.
    """
    line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    except OSError as exc:
        raise WriteError(path, exc.strerror or str(exc)) from exc
    size = os.fstat(fd).st_size
    try:
        if size and not _ends_with_newline(path):  # a run killed mid-line: start a line of its own
            line = "\n" + line
        data = line.encode("utf-8")
        while data:
            data = data[os.write(fd, data) :]
        os.fsync(fd)
    except OSError as exc:
        with suppress(OSError):
            os.ftruncate(fd, size)
        raise WriteError(path, exc.strerror or str(exc)) from exc
    finally:
        os.close(fd)
    if lock.held(path.parent):
        _trim(path)


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def _trim(path: Path) -> None:
    from ..files import atomic_write

    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if len(lines) > KEEP_RUNS:
        atomic_write(path, "\n".join(lines[-KEEP_RUNS:]) + "\n")


def load(path: Path) -> list[dict]:
    if not path.exists():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            runs.append(json.loads(line))
        except ValueError:
            continue
    return runs


def last_day(path: Path) -> date | None:
    """The day of the last run (the newest radar day), None before the first."""
    for run in reversed(load(path)):
        try:
            return date.fromisoformat(str(run.get("date", "")))
        except ValueError:
            continue
    return None
