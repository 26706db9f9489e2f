"""A feed is stale when it has not moved on by the run's day in its own time zone.

A journal in Beijing that rebuilds its feed at 07:30 +08:00 did so on the run day, though that is
23:30 the day before in UTC; one in Honolulu that rebuilt at 07:30 -10:00 is today's feed for a run
made while its day is still the day before. Neither is stale nor an alert; a feed days behind is both.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from helpers import FEEDS, fetch, last_run, write_sources

from pipeline.archive.runlog import is_stale

DAY = date(2026, 4, 27)
NATURE = (FEEDS / "nature/nature-rss1-rdf-current-2024-07-18-truncated.xml").read_text(encoding="utf-8")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("built", "run_at", "stale"),
    [
        ("2026-04-27T07:30:00+08:00", "2026-04-27T06:00:00+00:00", False),  # Beijing, the run day's morning
        ("2026-04-26T23:30:00+00:00", "2026-04-27T06:00:00+00:00", False),  # the same rebuild, written in UTC
        ("2026-04-26T07:30:00-10:00", "2026-04-27T06:00:00+00:00", False),  # Honolulu: 20:00 on the 26th there
        ("2026-04-27T07:30:00-10:00", "2026-04-27T20:00:00+00:00", False),  # Honolulu, later in the run day
        ("2026-04-27T07:30:00-10:00", "2026-12-07T06:00:00+00:00", False),  # a day run again months later
        ("2026-04-27T00:00:00-04:00", "2026-04-27T06:00:00+00:00", False),  # arXiv's announcement
        ("2026-04-26T07:30:00+08:00", "2026-04-27T06:00:00+00:00", True),  # Beijing, a day behind
        ("2026-04-25T07:30:00-10:00", "2026-04-27T20:00:00+00:00", True),  # Honolulu, two days behind
        ("2026-04-26T06:00:00+00:00", "2026-04-27T06:00:00+00:00", True),  # UTC, a day behind
        ("2025-04-28T00:00:00-04:00", "2026-04-27T06:00:00+00:00", True),  # a year behind
    ],
)
def test_stale_is_judged_in_the_feeds_zone(built, run_at, stale):
    assert is_stale(_at(built), DAY, _at(run_at)) is stale


def journal(built: str) -> bytes:
    """Nature's RSS 1.0 feed, dated by its channel's dc:date."""
    return NATURE.replace(
        "<dc:language>en</dc:language>", f"<dc:language>en</dc:language><dc:date>{built}</dc:date>", 1
    ).encode("utf-8")


def journal_rss2(built: str) -> bytes:
    """A journal's RSS 2.0 feed dated by its lastBuildDate (RFC 822)."""
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Journal of Tests</title>'
        f"<link>https://journal.example/</link><description>Current issue</description>"
        f"<lastBuildDate>{built}</lastBuildDate><item><title>A paper on coral reefs</title>"
        f"<link>https://doi.org/10.5555/reef.2026.1</link><description>Reefs.</description>"
        f"<pubDate>{built}</pubDate></item></channel></rss>"
    ).encode()


FEEDS_BUILT = {
    "beijing": journal("2026-04-27T07:30:00+08:00"),
    "beijing-rss2": journal_rss2("Mon, 27 Apr 2026 07:30:00 +0800"),
    "honolulu": journal("2026-04-27T07:30:00-10:00"),
    "honolulu-rss2": journal_rss2("Mon, 27 Apr 2026 07:30:00 -1000"),
    "behind": journal_rss2("Fri, 24 Apr 2026 07:30:00 +0800"),
}


def test_journal_feeds_rebuilt_the_same_morning_are_not_stale(feed_server, run_cli, tmp_path, case):
    for name, body in FEEDS_BUILT.items():
        feed_server.add(f"/{name}", body=body, content_type="application/rss+xml")
    write_sources(
        tmp_path,
        [{"id": name, "kind": "rss", "label": "Journal", "url": f"{feed_server.base}/{name}"} for name in FEEDS_BUILT],
    )
    done = fetch(run_cli, tmp_path, DAY.isoformat())
    assert done.returncode == 0, done.stderr
    health = last_run(tmp_path)
    status = {name: health[name]["status"] for name in FEEDS_BUILT}
    assert status == {"beijing": "ok", "beijing-rss2": "ok", "honolulu": "ok", "honolulu-rss2": "ok", "behind": "stale"}
    assert (
        health["beijing-rss2"]["feed_date"] == "2026-04-27"
        and health["beijing-rss2"]["feed_time"] == "2026-04-27T07:30:00+08:00"
    )
    assert "2026-04-24T07:30:00+08:00" in health["behind"]["note"]
    alerts = run_cli("health", "--github-issue", "--dry-run", cwd=tmp_path)
    assert alerts.returncode == 0 and "(1 anomalies)" in alerts.stderr, alerts.stderr
    report = run_cli("health", cwd=tmp_path).stdout
    assert "`behind` serves a feed that has not moved on: the feed is dated 2026-04-24T07:30:00+08:00" in report
    assert not any(f"`{name}` serves" in report for name in FEEDS_BUILT if name != "behind")
    assert json.loads((tmp_path / "state/runs.jsonl").read_text().splitlines()[-1])["ok"]
    case(
        "freshness",
        "journal feeds rebuilt at 07:30 +08:00 and 07:30 -10:00 on the run day (RSS 1.0 dc:date and "
        "RSS 2.0 lastBuildDate), beside one built three days before",
        "judged in the feed's own zone: the two mornings ok, no alert; the old one stale with an alert",
        ", ".join(f"{name}: {value}" for name, value in status.items()),
    )
