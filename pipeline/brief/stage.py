"""The brief stage's run: every entry that needs a brief, then the daily and weekly briefs."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

from ..archive import runlog
from ..archive.entry import Entry, read_entry
from ..archive.index import Index
from ..config import Rule
from ..errors import LLMError
from ..files import atomic_write
from ..layout import Layout
from .batch import run_batch
from .cache import Cache
from .daily import Asker, digest_file, extractive_daily, measured_links, model_daily, updated_on
from .entries import needs_brief
from .extractive import brief_extractive
from .llm import Client
from .numbering import Numbering, cited_first, home_order, resolved
from .paper import brief_with_model, rule_names
from .report import BriefReport
from .settings import EXTRACTIVE, Settings
from .weekly import _weekly

# the radar days the daily and weekly briefs read: this week and the two before it
DIGEST_DAYS = 20


def run_brief(layout: Layout, settings: Settings, *, rules_dir: Path | None = None, day: date | None = None,
              digests: bool = True, weekly: bool = False, batch: bool = False, wait: bool = True,
              on_progress: Callable[[int, int], None] = lambda done, total: None,
              every: bool = False, checkout: Callable[[list[str]], None] | None = None) -> BriefReport:
    """Brief every entry that needs it, then write the daily (and weekly) cross-domain briefs.

    The index (``state/papers/``) says which entries to open: those written since the last brief
    run, pending, failed or (with a model) extractive, and for the digests the recent radar days —
    never the whole archive; ``every`` opens every entry (one edited by hand, say).  ``checkout``
    makes entries a sparse checkout left out present."""

    endpoint = settings.endpoint
    report = BriefReport("batch" if batch and endpoint else "model" if endpoint else EXTRACTIVE,
                         endpoint.model if endpoint else EXTRACTIVE)
    rules = rule_names(rules_dir)
    index = Index.load(layout.content, layout.index_dir, sparse=checkout is not None)
    index.checkout = checkout
    report.papers_seen = len(index.entries)
    due = set(index.entries.values()) if every else set(index.due(endpoint is not None))
    day = day or runlog.last_day(layout.runs_file) or index.newest_day()
    recent = set(index.around(day - timedelta(days=DIGEST_DAYS), day)) if digests and day else set()
    index.present(sorted(due | recent))
    entries = sorted((e for rel in due | recent if (e := read_entry(layout.content / rel, layout.content))),
                     key=lambda e: (-e.day.toordinal(), e.rel))
    todo = [e for e in entries if e.rel in due and needs_brief(e, endpoint is not None)]
    counter = {"done": 0}

    def progressed(_: Entry) -> None:
        counter["done"] += 1
        on_progress(counter["done"], len(todo))

    cache = Cache(layout.brief_cache, "papers", day)
    if endpoint is None:
        written = brief_extractive(todo, report)
    elif batch:
        written = run_batch(todo, settings, rules, cache, layout, report, wait=wait)
    else:
        written = asyncio.run(brief_with_model(todo, settings, rules, cache, report, progressed))
    by_rel = {e.rel: e for e in written}
    entries = [by_rel.get(e.rel, e) for e in entries]
    for entry in entries:
        if entry.rel in due and not needs_brief(entry, endpoint is not None):
            index.briefed(entry.paper.id, entry.status)
    index.save(layout.index_dir)
    if digests and entries:
        write_digests(entries, settings, rules, layout, report, day=day, weekly=weekly)
    if endpoint is not None:
        costs = (settings.cost(report.usage), settings.cost(report.batch_usage, settings.config.batch_discount))
        report.cost = None if None in costs else sum(costs)
    return report


def write_digests(entries: list[Entry], settings: Settings, rules: dict[str, Rule], layout: Layout,
                  report: BriefReport, *, day: date | None = None, weekly: bool = False) -> None:
    """Write the daily brief of the radar day ``day`` (default: the last run's day, else the newest
    radar day) and the weekly briefs due."""
    day = day or runlog.last_day(layout.runs_file) or max(e.day for e in entries)
    cache = Cache(layout.brief_cache, "digests", day)
    try:
        asyncio.run(_write_digests(entries, settings, rules, layout, report, cache, day, weekly))
    finally:
        cache.save()


async def _write_digests(entries, settings, rules, layout, report, cache, day, weekly) -> None:
    client = Client(settings.endpoint) if settings.endpoint else None
    asker = Asker(settings, cache, report)
    languages = settings.languages
    by_day: dict[date, list[Entry]] = {}
    for entry in entries:
        by_day.setdefault(entry.day, []).append(entry)
    try:
        todays = sorted((e for e in entries if e.day == day), key=home_order)
        updates = updated_on(entries, day)
        if todays or updates:  # a day with updates only still has its brief, listing them
            numbering = Numbering(todays)
            links = measured_links(layout, numbering)
            brief = None
            if client is None or not todays:
                brief = extractive_daily(numbering, rules, languages, links, updated=len(updates))
            else:
                try:
                    answer = await model_daily(numbering, asker, client, settings.config, languages, links)
                except LLMError as exc:
                    report.notes.append(f"daily brief {day}: {exc}; it will be written by a later run")
                else:
                    brief = resolved(answer, numbering, languages, report)
            if brief is not None:
                path = layout.daily_brief(day)
                atomic_write(path, digest_file("daily", f"brief-{day.isoformat()}",
                                               f"Daily brief {day.isoformat()} · 每日简报", day, brief,
                                               cited_first(brief, numbering), updates))
                report.digests.append(path.relative_to(layout.content).as_posix())
        weeks = [day - timedelta(days=7)] + ([day] if weekly else [])
        for when in weeks:
            await _weekly(when, layout, by_day, client, asker, settings, rules, report)
    finally:
        if client is not None:
            await client.close()
