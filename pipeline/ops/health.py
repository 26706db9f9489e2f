"""``academichub health``: read the run records, say what happened, raise and clear alerts.

The daily job appends one record per run to ``state/runs.jsonl`` (see
``health.py``).  From those records this module

* writes the run's summary as Markdown (the job's ``$GITHUB_STEP_SUMMARY``),
* finds anomalies that need a person: a source failing two runs in a row, an
  arXiv feed with no items on an announcement day (Monday to Friday), a feed
  that did not move on (stale),
* keeps one GitHub issue in step with them: opened when a problem appears,
  updated while it lasts (with a comment when the set of problems changes),
  closed when every source has recovered.  The API address comes from
  ``GITHUB_API_URL`` so tests talk to a server on 127.0.0.1.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import requests

from .. import markdown
from ..archive import runlog
from ..archive.checkout import open_index, sparse_checkout
from ..archive.entry import BriefStatus
from ..errors import GitHubError
from ..layout import Layout
from ..notify.record import SentRecord

ISSUE_LABEL = "source-health"
ISSUE_MARKER = "<!-- academichub:source-health"
ARXIV_FEEDS = ("arxiv_rss",)
# what a run record counts per source, as the summary's columns (items_seen is "fetched")
COUNTS = ("items_seen", "new", "updated", "duplicate", "rejected", "old", "skipped")


@dataclass(frozen=True)
class Anomaly:
    source: str
    kind: str  # failing, no-items, stale, partial
    detail: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.source}"

    def describe(self) -> str:
        what = {
            "failing": "has failed two runs in a row",
            "no-items": "returned no papers on an announcement day",
            "stale": "serves a feed that has not moved on",
            "partial": "returned only part of its results",
        }[self.kind]
        return f"{markdown.code(self.source)} {what}: {markdown.text(self.detail)}"


def _streak(runs: list[dict], source: str, status: str) -> int:
    """How many of the latest runs that include ``source`` gave it ``status``."""
    count = 0
    for run in reversed(runs):
        entry = next((s for s in run.get("sources", ()) if s.get("source") == source), None)
        if entry is None:
            continue
        if entry.get("status") != status:
            break
        count += 1
    return count


def _announcement_day(day: str) -> bool:
    try:
        return date.fromisoformat(day).weekday() < 5
    except ValueError:
        return False


def find_anomalies(runs: list[dict]) -> list[Anomaly]:
    """What in the latest run needs a person's attention."""
    if not runs:
        return []
    last = runs[-1]
    found = []
    for entry in last.get("sources", ()):
        source, status = entry.get("source", "?"), entry.get("status")
        errors = entry.get("errors") or []
        if status == "failed":
            streak = _streak(runs, source, "failed")
            if streak >= 2:
                found.append(
                    Anomaly(source, "failing", f"{streak} runs; last error: {errors[0] if errors else 'unknown'}")
                )
        elif status == "partial":
            found.append(Anomaly(source, "partial", entry.get("note") or "paging ended before the server's total"))
        elif status == "stale":
            built = entry.get("feed_time") or entry.get("feed_date")
            found.append(Anomaly(source, "stale", f"the feed is dated {built}, the run {last.get('date')}"))
        elif (
            entry.get("kind") in ARXIV_FEEDS
            and _announcement_day(last.get("date", ""))
            and (status == "empty" or (status == "ok" and not entry.get("items_seen")))
        ):
            found.append(
                Anomaly(
                    source,
                    "no-items",
                    f"{last.get('date')} is a weekday; if it was an arXiv holiday this clears itself on the next run",
                )
            )
    return found


def brief_counts(layout: Layout) -> Counter:
    """How many entries have each brief status, as the index (``state/papers/``) records them."""
    index = open_index(layout, sparse_checkout(layout.content))  # the daily job's: entries left out still count
    return index.brief_counts()  # the months left out: from their key files


def summary_markdown(runs: list[dict], layout: Layout, deliveries: dict[str, dict] | None = None) -> str:
    """The job summary: the latest run per source, the briefs, the day's deliveries (channel → outcome,
    from ``state/notify.json``), the anomalies."""
    if not runs:
        return "## AcademicHub run\n\nNo run has been recorded yet (state/runs.jsonl is empty).\n"
    last = runs[-1]
    totals = last.get("totals", {})
    sources = last.get("sources", [])
    failed = [s for s in sources if s.get("status") == "failed"]
    lines = [
        f"## AcademicHub run for {markdown.text(last.get('date', '?'))}",
        "",
        f"{totals.get('new', 0)} new and {totals.get('updated', 0)} updated papers from {len(sources)} sources"
        + (f"; {len(failed)} failed." if failed else "; every source answered."),
        "",
        markdown.table(
            ["source", "status", "HTTP", "fetched", *COUNTS[1:], "note"],
            [
                [
                    markdown.code(s.get("source", "?")),
                    s.get("status", "?"),
                    str(s.get("http_status") or "–"),
                    *(str(s.get(k) or 0) for k in COUNTS),
                    markdown.text("; ".join(filter(None, [s.get("note", ""), *(s.get("errors") or [])[:2]]))),
                ]
                for s in sources
            ],
        ),
    ]
    counts = brief_counts(layout)
    if counts:
        lines += ["", "Briefs on the site: " + ", ".join(f"{counts[k]} {k}" for k in BriefStatus if counts[k]) + "."]
        waiting = counts[BriefStatus.FAILED] + counts[BriefStatus.PENDING]
        if waiting:
            lines.append(
                f"{waiting} {'entry still waits' if waiting == 1 else 'entries still wait'} for a brief; "
                "the next run tries again."
            )
    daily = layout.daily_brief(date.fromisoformat(last["date"])) if last.get("date") else layout.briefs / "?.md"
    lines.append(
        f"Daily brief for {markdown.text(last.get('date', '?'))}: {'written' if daily.exists() else 'not written'}."
    )
    if deliveries:
        lines.append(
            "Sent to: "
            + ", ".join(
                f"{markdown.code(c)} {markdown.text(str(o.get('status', '?')))}" for c, o in sorted(deliveries.items())
            )
            + "."
        )
        lines += [
            f"- {markdown.text(str(o.get('error', '')))}"
            for _, o in sorted(deliveries.items())
            if o.get("status") == "failed"
        ]
    anomalies = find_anomalies(runs)
    lines += ["", "### Alerts", ""]
    lines += [f"- {a.describe()}" for a in anomalies] or ["None: every source is healthy."]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the GitHub issue


class GitHubIssues:
    """The few Issues API calls the alert needs."""

    def __init__(self, repository: str, token: str, api_url: str = "https://api.github.com", timeout: float = 30):
        if not re.fullmatch(r"[\w.-]+/[\w.-]+", repository or ""):
            raise GitHubError(f"GITHUB_REPOSITORY should be owner/name, got {repository!r}")
        if not token:
            raise GitHubError("no token: set GITHUB_TOKEN (the workflow passes github.token)")
        self.base = f"{api_url.rstrip('/')}/repos/{repository}"
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": "AcademicHub-health",
            }
        )
        self.timeout = timeout

    def _call(self, method: str, path: str, **kwargs):
        try:
            response = self.session.request(method, self.base + path, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise GitHubError(f"{method} {path}: {exc}") from exc
        if response.status_code >= 400:
            raise GitHubError(f"{method} {path}: HTTP {response.status_code}: {response.text[:300]}")
        return response.json() if response.content else None

    def find_open(self) -> dict | None:
        """The open alert issue: labelled, or (if labels could not be set) recognised by its marker."""
        for params in ({"state": "open", "labels": ISSUE_LABEL, "per_page": 100}, {"state": "open", "per_page": 100}):
            for issue in self._call("GET", "/issues", params=params) or []:
                if "pull_request" not in issue and ISSUE_MARKER in (issue.get("body") or ""):
                    return issue
        return None

    def create(self, title: str, body: str) -> dict:
        return self._call("POST", "/issues", json={"title": title, "body": body, "labels": [ISSUE_LABEL]})

    def update(self, number: int, **fields) -> dict:
        return self._call("PATCH", f"/issues/{number}", json=fields)

    def comment(self, number: int, body: str) -> dict:
        return self._call("POST", f"/issues/{number}/comments", json={"body": body})


def _issue_body(anomalies: list[Anomaly], runs: list[dict], run_url: str) -> str:
    keys = json.dumps(sorted(a.key for a in anomalies))
    last = runs[-1] if runs else {}
    lines = [
        f"{ISSUE_MARKER} {keys} -->",
        f"The daily run for {markdown.text(last.get('date', '?'))} found problems with these sources:",
        "",
        *(f"- {a.describe()}" for a in anomalies),
        "",
        "What to do: open the source's address in a browser; if it moved, change `url` or `base_url` in "
        "`sources.yml`; if it is gone, set `enabled: false`.  This issue is updated by every run and closed "
        "automatically when every source has recovered.",
    ]
    if run_url:
        lines += ["", f"Latest run: {run_url}"]
    return "\n".join(lines) + "\n"


def _keys_in(body: str) -> list[str]:
    match = re.search(re.escape(ISSUE_MARKER) + r" (\[.*?\]) -->", body or "")
    try:
        return json.loads(match.group(1)) if match else []
    except ValueError:
        return []


def sync_issue(issues: GitHubIssues | None, runs: list[dict], run_url: str = "", dry_run: bool = False) -> str:
    """Open, update or close the alert issue; returns what was (or, dry, would be) done."""
    anomalies = find_anomalies(runs)
    keys = sorted(a.key for a in anomalies)
    title = f"Source health: {len(anomalies)} problem{'s' if len(anomalies) != 1 else ''} in the daily run"
    if dry_run or issues is None:
        return (
            f"would {'open or update' if anomalies else 'close any open'} the alert issue ({len(anomalies)} anomalies)"
        )
    current = issues.find_open()
    if anomalies and current is None:
        created = issues.create(title, _issue_body(anomalies, runs, run_url))
        return f"opened issue #{created['number']}"
    if anomalies:
        number = current["number"]
        before = _keys_in(current.get("body", ""))
        issues.update(number, title=title, body=_issue_body(anomalies, runs, run_url))
        if before != keys:
            issues.comment(number, "The problems changed:\n\n" + "\n".join(f"- {a.describe()}" for a in anomalies))
            return f"updated issue #{number} (problems changed)"
        return f"updated issue #{number}"
    if current is not None:
        number = current["number"]
        when = markdown.text(runs[-1].get("date", "?")) if runs else "the latest run"
        issues.comment(
            number,
            f"Every source is healthy again in the run for {when}. Closing."
            + (f"\n\nRun: {run_url}" if run_url else ""),
        )
        issues.update(number, state="closed", state_reason="completed")
        return f"closed issue #{number}"
    return "no alert issue needed"


def load_runs(state: Path) -> list[dict]:
    return runlog.load(Layout(state=state).runs_file)


def summary_of(layout: Layout) -> tuple[list[dict], str]:
    """The run records and the job summary of the latest run (with that day's deliveries)."""
    runs = load_runs(layout.state)
    day = str(runs[-1].get("date", "")) if runs else ""
    return runs, summary_markdown(runs, layout, SentRecord.load(layout.notify_file).days.get(day))


def alert(runs: list[dict], environ: Mapping[str, str], dry_run: bool = False) -> str:
    """Open, update or close the alert issue of the repository the workflow runs in (its
    ``GITHUB_*`` variables in ``environ``); says what was done.  Raises GitHubError."""
    issues = (
        None
        if dry_run
        else GitHubIssues(
            environ.get("GITHUB_REPOSITORY", ""),
            environ.get("GITHUB_TOKEN", ""),
            environ.get("GITHUB_API_URL") or "https://api.github.com",
        )
    )
    run_url = ""
    if environ.get("GITHUB_RUN_ID"):
        run_url = (
            f"{environ.get('GITHUB_SERVER_URL', 'https://github.com')}/"
            f"{environ.get('GITHUB_REPOSITORY')}/actions/runs/{environ['GITHUB_RUN_ID']}"
        )
    return sync_issue(issues, runs, run_url, dry_run)
