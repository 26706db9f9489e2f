"""Run-health records: one JSON line per run in ``state/runs.jsonl``.

Each record says, per source, the HTTP status, what was seen and done, the
errors, and whether the feed itself says it is stale or a no-announcement day,
so a quiet day can be told apart from a broken feed.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime, timezone
from pathlib import Path

from .models import SourceReport

KEEP_RUNS = 400


def classify(report: SourceReport, day: date) -> None:
    """Set ``status`` from what happened; a feed dated before ``day`` is stale."""
    if report.errors and not report.items_seen:
        report.status = "failed"
    elif report.status in ("empty", "not-modified", "partial"):
        pass
    elif report.feed_date and report.feed_date < day.isoformat():
        report.status = "stale"
        report.note = report.note or f"the feed is dated {report.feed_date}, before {day.isoformat()}"


def record(reports: list[SourceReport], day: date, now: datetime | None = None) -> dict:
    now = now or datetime.now(timezone.utc)
    totals = {k: sum(getattr(r, k) for r in reports) for k in ("items_seen", "new", "updated", "duplicate", "rejected", "skipped", "old")}
    return {
        "run_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "date": day.isoformat(),
        "ok": any(r.status != "failed" for r in reports),
        "totals": totals,
        "sources": [asdict(r) for r in reports],
    }


def append(path: Path, entry: dict) -> None:
    """Append one record, keeping the last KEEP_RUNS; written atomically."""
    from .write import atomic_write

    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    lines = [line for line in lines if line.strip()][-(KEEP_RUNS - 1):]
    lines.append(json.dumps(entry, ensure_ascii=False, sort_keys=True))
    atomic_write(path, "\n".join(lines) + "\n")


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
