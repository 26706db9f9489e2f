"""The size of the published site over time: one JSON line per deploy in ``state/deploys.jsonl``,
and what the status page says of it — the size and how many months are left under GitHub Pages'
limit at the rate papers have arrived over the last radar days (``state/runs.jsonl``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from ..archive import runlog
from ..layout import Layout
from .pages import LIMIT
from .plan import DeployReport

RATE_DAYS = 30  # radar days the rate is measured over
MONTH_DAYS = 365.25 / 12


def append(state: Path, report: DeployReport, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    runlog.append(
        Layout(state=state).deploys_file,
        {
            "at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "target": report.target,
            "files": report.files,
            "bytes": report.bytes,
            "papers": report.papers,
            "uploaded": report.uploaded,
            "deleted": report.deleted,
        },
    )


@dataclass(frozen=True)
class SiteSize:
    """The last deploy's site and its growth, for the status page."""

    at: str
    target: str
    bytes: int
    files: int
    papers: int
    papers_per_day: float  # new papers per radar day over the last RATE_DAYS days
    days: int  # the days that rate covers
    limit: int = LIMIT

    @property
    def bytes_per_paper(self) -> float | None:
        return self.bytes / self.papers if self.papers else None

    @property
    def months_left(self) -> float | None:
        """Months until the site passes GitHub Pages' limit at the current rate (None: it does not grow)."""
        if self.bytes >= self.limit:
            return 0.0
        if not self.bytes_per_paper or not self.papers_per_day:
            return None
        return (self.limit - self.bytes) / (self.bytes_per_paper * self.papers_per_day) / MONTH_DAYS


def _new_per_day(runs: list[dict]) -> tuple[float, int]:
    """New papers per day over the last RATE_DAYS radar days of the run records, and the days covered."""
    new: dict[date, int] = {}
    for run in runs:
        try:
            day = date.fromisoformat(str(run.get("date")))
            count = int((run.get("totals") or {}).get("new") or 0)
        except (TypeError, ValueError, AttributeError):
            continue  # a damaged record is no evidence of a rate
        new[day] = new.get(day, 0) + count
    if not new:
        return 0.0, 0
    last = max(new)
    window = [day for day in new if (last - day).days < RATE_DAYS]
    days = (last - min(window)).days + 1
    return sum(new[day] for day in window) / days, days


def site_size(state: Path) -> SiteSize | None:
    """The status page's figures; None before the first deploy."""
    records = runlog.load(Layout(state=state).deploys_file)
    if not records:
        return None
    last = records[-1]
    try:
        figures = {key: int(last[key]) for key in ("bytes", "files", "papers")}
    except (KeyError, TypeError, ValueError):
        return None
    rate, days = _new_per_day(runlog.load(Layout(state=state).runs_file))
    return SiteSize(
        at=str(last.get("at", "")), target=str(last.get("target", "")), papers_per_day=rate, days=days, **figures
    )
