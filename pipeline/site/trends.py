"""Papers per week for every topic: the topic pages' chart (plain counting over radar days)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from pelican.contents import Article

from .views import radar_day_of


@dataclass(frozen=True)
class Trend:
    weeks: list[tuple[date, int]]  # Monday of each week, papers that week (every week of the archive)
    peak: int
    total: int


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def topic_trends(items: Iterable[tuple[date, Iterable[str]]], weeks: int = 104) -> dict[str, Trend]:
    """Papers per week for every topic over the archive's last ``weeks`` weeks (weeks without papers count 0)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    seen: set[date] = set()
    for day, topics in items:
        week = _monday(day)
        seen.add(week)
        for topic in set(topics):
            counts[topic][week] += 1
    if not seen:
        return {}
    last = max(seen)
    first = max(min(seen), last - timedelta(weeks=weeks - 1))
    span = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    trends = {}
    for topic, counter in counts.items():
        series = [(week, counter[week]) for week in span]
        total = sum(n for _, n in series)
        if total:
            trends[topic] = Trend(series, max(n for _, n in series), total)
    return trends


def topic_trends_of(papers: list[Article]) -> dict[str, Trend]:
    """The trends of the site's papers, each counted on its radar day."""
    return topic_trends((radar_day_of(a), [t.rule for t in a.paper.topics]) for a in papers)
