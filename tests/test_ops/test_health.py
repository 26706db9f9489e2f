"""`academichub health`: the run summary, anomaly detection and the alert issue.

The alert issue is tested against a small stand-in for GitHub's Issues API on
127.0.0.1, talked to by the real HTTP client.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from github_api import REPO, FakeGitHub

from pipeline.archive.entry import entry_path, render_entry
from pipeline.archive.index import Index
from pipeline.errors import GitHubError
from pipeline.files import atomic_write
from pipeline.layout import Layout
from pipeline.models import Paper
from pipeline.ops.health import ISSUE_MARKER, GitHubIssues, find_anomalies, summary_markdown, sync_issue


def source(name: str, status: str = "ok", kind: str = "arxiv_rss", items: int = 10, **extra) -> dict:
    return {
        "source": name,
        "kind": kind,
        "status": status,
        "items_seen": items,
        "new": items,
        "updated": 0,
        "duplicate": 0,
        "rejected": 0,
        "skipped": 0,
        "http_status": 200,
        "errors": [],
        "note": "",
        "feed_date": None,
        **extra,
    }


def run(day: str, *sources: dict) -> dict:
    return {
        "date": day,
        "run_at": f"{day}T06:00:00Z",
        "ok": True,
        "totals": {"new": 3, "updated": 1},
        "sources": list(sources),
    }


# 2026-04-27 is a Monday, 2026-04-25 a Saturday
HEALTHY = run("2026-04-27", source("arxiv-cs"), source("nature", kind="rss"))


def test_one_failure_is_not_an_alert_two_in_a_row_are():
    failing = source("nature", "failed", kind="rss", items=0, errors=["HTTP 503 from https://nature.example/rss"])
    assert find_anomalies([HEALTHY, run("2026-04-28", source("arxiv-cs"), failing)]) == []
    (anomaly,) = find_anomalies([run("2026-04-28", failing), run("2026-04-29", source("arxiv-cs"), failing)])
    assert (anomaly.source, anomaly.kind) == ("nature", "failing")
    assert "2 runs" in anomaly.detail and "HTTP 503" in anomaly.detail
    # a run where the source was not configured does not break the streak
    assert find_anomalies([run("2026-04-28", failing), run("2026-04-29", source("x")), run("2026-04-30", failing)])


def test_no_items_on_an_announcement_day_but_not_on_a_weekend():
    empty = source("arxiv-cs", "empty", items=0)
    (anomaly,) = find_anomalies([run("2026-04-27", empty)])
    assert anomaly.kind == "no-items"
    assert find_anomalies([run("2026-04-25", empty)]) == []
    assert find_anomalies([run("2026-04-27", source("arxiv-cs", "ok", items=0))])[0].kind == "no-items"
    # journals and API queries may well have nothing new on a given day
    assert find_anomalies([run("2026-04-27", source("crossref", "ok", kind="crossref", items=0))]) == []


def test_stale_feed():
    stale = source("arxiv-cs", "stale", feed_date="2026-04-24")
    (anomaly,) = find_anomalies([run("2026-04-27", stale)])
    assert anomaly.kind == "stale" and "2026-04-24" in anomaly.detail


def test_summary_says_what_happened(tmp_path):
    layout = Layout(tmp_path / "content", tmp_path / "state")
    index = Index(layout.content, {}, {})
    for name, status in (
        ("2604.00001", "done"),
        ("2604.00002", "extractive"),
        ("2604.00003", "done"),
        ("2604.00004", "failed"),
    ):
        paper = Paper(
            f"arxiv:{name}",
            f"Paper {name}",
            "arxiv-cs",
            "arXiv",
            arxiv_id=name,
            received=date(2026, 4, 27),
            published=datetime(2026, 4, 27, tzinfo=UTC),
        )
        rel = entry_path(paper)
        atomic_write(layout.content / rel, render_entry(paper, status))
        index.add(paper, rel, status)
    index.save(layout.index_dir)  # the statuses the summary counts: the index's, not every entry read again
    atomic_write(layout.daily_brief(date(2026, 4, 27)), "Title: brief\n")
    content = layout
    bad = source("nature", "failed", kind="rss", items=0, errors=["<script>alert(1)</script> | broken"])
    text = summary_markdown([run("2026-04-26", bad), run("2026-04-27", source("arxiv-cs", old=2), bad)], content)
    assert text.startswith("## AcademicHub run for 2026-04-27\n")
    assert "3 new and 1 updated papers from 2 sources; 1 failed." in text
    # every count the run records has its column, the old records too
    assert "| fetched | new | updated | duplicate | rejected | old | skipped |" in text
    assert "| `arxiv-cs` | ok | 200 | 10 | 10 | 0 | 0 | 0 | 2 | 0 |  |" in text
    assert "<script>" not in text and "&lt;script&gt;" in text and "\\| broken" in text
    assert "Briefs on the site: 2 done, 1 extractive, 1 failed." in text
    assert "1 entry still waits for a brief; the next run tries again." in text
    assert "Daily brief for 2026-04-27: written." in text
    assert "`nature` has failed two runs in a row" in text
    assert "None: every source is healthy." in summary_markdown([HEALTHY], content)
    assert "No run has been recorded yet" in summary_markdown([], content)


# ---------------------------------------------------------------- the alert issue


FAILING = source("nature", "failed", kind="rss", items=0, errors=["HTTP 503"])
BROKEN_TWICE = [run("2026-04-27", FAILING), run("2026-04-28", source("arxiv-cs"), FAILING)]


def test_issue_opened_updated_and_closed():
    with FakeGitHub() as github:
        issues = GitHubIssues(REPO, "t0ken", github.url)
        assert sync_issue(issues, BROKEN_TWICE, "https://ci/run/1") == "opened issue #1"
        issue = github.issues[1]
        assert issue["labels"] == ["source-health"] and ISSUE_MARKER in issue["body"]
        assert "`nature` has failed two runs in a row" in issue["body"] and "https://ci/run/1" in issue["body"]

        # the same problem the next day: the body is refreshed, nobody is pinged
        assert sync_issue(issues, BROKEN_TWICE + [run("2026-04-29", FAILING)]) == "updated issue #1"
        assert github.comments == {}
        # a new problem appears: a comment says so
        stale = source("arxiv-cs", "stale", feed_date="2026-04-27")
        assert (
            sync_issue(issues, BROKEN_TWICE + [run("2026-04-29", stale, FAILING)])
            == "updated issue #1 (problems changed)"
        )
        assert "`arxiv-cs` serves a feed that has not moved on" in github.comments[1][0]
        assert len(github.issues) == 1

        # every source recovers: closed with a comment
        assert sync_issue(issues, BROKEN_TWICE + [HEALTHY]) == "closed issue #1"
        assert github.issues[1]["state"] == "closed" and github.issues[1]["state_reason"] == "completed"
        assert "healthy again" in github.comments[1][-1]
        assert sync_issue(issues, [HEALTHY]) == "no alert issue needed"
        # a later problem opens a fresh issue
        assert sync_issue(issues, BROKEN_TWICE) == "opened issue #2"


def test_issue_found_by_its_marker_when_labels_were_dropped():
    with FakeGitHub() as github:
        github.issues[1] = {
            "number": 1,
            "state": "open",
            "title": "x",
            "labels": [],
            "body": f'{ISSUE_MARKER} ["failing:nature"] -->\nold',
        }
        assert sync_issue(GitHubIssues(REPO, "t0ken", github.url), BROKEN_TWICE) == "updated issue #1"


def test_api_errors_are_reported_not_raised_raw():
    with FakeGitHub() as github:
        with pytest.raises(GitHubError, match="HTTP 401"):
            sync_issue(GitHubIssues(REPO, "wrong", github.url), BROKEN_TWICE)
        github.fail_with = 502
        with pytest.raises(GitHubError, match="HTTP 502"):
            GitHubIssues(REPO, "t0ken", github.url).find_open()
    with pytest.raises(GitHubError, match="owner/name"):
        GitHubIssues("not a repo", "t")
    with pytest.raises(GitHubError, match="no token"):
        GitHubIssues(REPO, "")


def test_cli_syncs_the_issue_from_the_run_records(tmp_path, run_cli):
    state = tmp_path / "state"
    state.mkdir()
    (state / "runs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in BROKEN_TWICE))
    summary = tmp_path / "summary.md"
    with FakeGitHub() as github:
        env = {
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_TOKEN": "t0ken",
            "GITHUB_API_URL": github.url,
            "GITHUB_RUN_ID": "42",
            "GITHUB_SERVER_URL": "https://github.example",
        }
        dry = run_cli("health", "--summary", str(summary), "--github-issue", "--dry-run", env=env)
        assert dry.returncode == 0 and "would open or update" in dry.stderr
        assert github.requests == []
        done = run_cli("health", "--github-issue", env=env)
        assert done.returncode == 0, done.stderr
        assert "opened issue #1" in done.stderr
        assert "## AcademicHub run for 2026-04-28" in done.stdout
        assert "https://github.example/radar/site/actions/runs/42" in github.issues[1]["body"]
        missing = run_cli("health", "--github-issue", env={**env, "GITHUB_TOKEN": ""})
        assert missing.returncode == 1 and "no token" in missing.stderr
    assert "`nature` has failed two runs in a row" in summary.read_text()
