"""Text written for GitHub (the job summary, the source-health issue and its comments) pings nobody.

GitHub notifies whoever an ``@name`` or ``@org/team`` in rendered text names, and ignores the
backslash of ``\\@name``; the reports are rendered here with cmark-gfm (GitHub's renderer) and read
for mentions as GitHub reads them (tests/support/github_api.py).
"""

from __future__ import annotations

from github_api import REPO, FakeGitHub, rendered
from helpers import FEEDS, fetch, last_run, write_sources

from pipeline import markdown

PINGS = "Ping @octo-org/core-team, cc @octocat, \\@team, (@paren), @@double and `@code`; write to desk@example.org"
ERROR_FEED = (FEEDS / "arxiv_rss/rss-error-bad-archive-2024-11-28.xml").read_text(encoding="utf-8")


def test_the_detector_sees_what_github_would_notify():
    """The check can fail: a bare mention, a team and the backslash escape all notify."""
    assert rendered("cc @octocat and @octo-org/core-team, \\@team")[1] == ["octocat", "octo-org/core-team", "team"]
    assert rendered("`@octocat` [x](https://example.org/@octocat) desk@example.org")[1] == []


def test_mentions_in_feed_errors_reach_the_summary_and_the_issue_inert(feed_server, run_cli, tmp_path, case):
    body = ERROR_FEED.replace("Bad archive 'astroph'.", PINGS.replace("&", "&amp;").replace("<", "&lt;"))
    feed_server.add("/error", body=body.encode("utf-8"))
    source = {"id": "astro", "kind": "arxiv_rss", "label": "arXiv", "url": feed_server.base + "/error"}
    write_sources(tmp_path, [source])
    for day in ("2026-04-27", "2026-04-28"):
        fetch(run_cli, tmp_path, day)
    assert "@octocat" in last_run(tmp_path)["astro"]["errors"][0]  # the record keeps the text as it came
    summary = tmp_path / "summary.md"
    with FakeGitHub() as github:
        env = {"GITHUB_REPOSITORY": REPO, "GITHUB_TOKEN": "t0ken", "GITHUB_API_URL": github.url}
        done = run_cli("health", "--summary", str(summary), "--github-issue", env=env)
        assert done.returncode == 0, done.stderr
        issue = github.issues[1]["body"]
    reports = {"job summary": summary.read_text(encoding="utf-8"), "issue": issue}
    for name, text in reports.items():
        shown, mentioned = rendered(text)
        assert mentioned == [], (name, mentioned)
        visible = shown.replace("\u200b", "")
        assert "Ping @octo-org/core-team, cc @octocat, \\@team, (@paren), @@double and `@code`" in visible, name
        assert "desk@example.org" in visible, name
    case(
        "GitHub text",
        "a source's error naming @octocat, @octo-org/core-team, \\@team, (@paren), @@double, `@code`, "
        "then `health --summary` and `health --github-issue`",
        "job summary and issue render the text as written and notify nobody (cmark-gfm + GitHub's mention pattern)",
        f"0 mentions in {len(reports)} reports; the text reads the same",
    )


def test_every_markdown_helper_is_inert():
    """Labels of links, table cells and code spans built from the same text notify nobody either."""
    text = markdown.table(
        ["source", "paper"],
        [
            [markdown.code(PINGS), markdown.link(PINGS, "https://example.org/@x")],
            [markdown.text(PINGS), markdown.link(PINGS, "javascript:@x")],
        ],
    )
    shown, mentioned = rendered(text)
    assert mentioned == [] and shown.replace("\u200b", "").count("cc @octocat") == 4
