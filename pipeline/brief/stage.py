"""The brief stage's run: every entry that needs a brief, then the daily and weekly briefs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from ..archive import runlog
from ..archive.checkout import open_index
from ..archive.entry import Entry, read_entry
from ..config import Rule
from ..config.corrections import Correction, load_corrections
from ..errors import ConfigError, LLMError
from ..files import atomic_write
from ..layout import Layout
from . import prompts
from .batch import run_batch
from .cache import Cache
from .corrections import apply_corrections, corrected, pinned
from .daily import Asker, digest_file, extractive_daily, grounded_digest, measured_links, model_daily, updated_on
from .entries import needs_brief, outdated
from .extractive import brief_extractive
from .llm import Client
from .numbering import Numbering, cited_first, home_order, resolved
from .paper import brief_with_model, rule_names
from .report import BriefMode, BriefReport
from .settings import EXTRACTIVE, Settings
from .weekly import _weekly

# the radar days the daily and weekly briefs read: this week and the two before it
DIGEST_DAYS = 20


def run_brief(
    layout: Layout,
    settings: Settings,
    *,
    rules_dir: Path | None = None,
    day: date | None = None,
    digests: bool = True,
    weekly: bool = False,
    batch: bool = False,
    wait: bool = True,
    corrections_dir: Path | None = None,
    stale: bool = False,
    on_progress: Callable[[int, int], None] = lambda done, total: None,
    every: bool = False,
    checkout: Callable[[list[str]], None] | None = None,
) -> BriefReport:
    """Brief every entry that needs it (with ``stale``, also the model briefs another model or prompt
    version wrote), lay the reviewed corrections over the briefs, then write the daily (and weekly)
    cross-domain briefs.  A pinned brief is never written again.

    The index (``state/papers/``) says which entries to open: those written since the last brief
    run, pending, failed or (with a model) extractive, those a correction names, and for the digests
    the recent radar days — never the whole archive; ``every`` (and ``stale``) open every entry.
    ``checkout`` makes entries a sparse checkout left out present."""

    endpoint = settings.endpoint
    if stale and endpoint is None:
        raise ConfigError(["--stale: re-writing model briefs needs a model (set OPENAI_API_KEY)"])
    mode = BriefMode.BATCH if batch and endpoint else BriefMode.MODEL if endpoint else BriefMode.EXTRACTIVE
    report = BriefReport(mode, endpoint.model if endpoint else EXTRACTIVE)
    rules = rule_names(rules_dir)
    index = open_index(layout, checkout)
    report.papers_seen = index.papers()
    corrections = {c.target: c for c in load_corrections(corrections_dir)} if corrections_dir else {}
    if every or stale:
        index.read_all()
    due = set(index.entries.values()) if every or stale else set(index.due(endpoint is not None))
    day = day or runlog.last_day(layout.runs_file) or index.newest_day()
    recent = set(index.around(day - timedelta(days=DIGEST_DAYS), day)) if digests and day else set()
    named = {index.entries[t] for t in corrections if index.lookup(t) is not None and t in index.entries}
    index.present(sorted(due | recent | named))
    entries = sorted(
        (e for rel in due | recent | named if (e := read_entry(layout.content / rel, layout.content))),
        key=lambda e: (-e.day.toordinal(), e.rel),
    )
    current = (endpoint.model, prompts.load("paper").version) if endpoint else ("", "")
    todo = [
        e
        for e in entries
        if e.rel in due
        and not pinned(e, corrections)
        and (needs_brief(e, endpoint is not None) or (stale and outdated(e, *current)))
    ]
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
    entries = apply_corrections([by_rel.get(e.rel, e) for e in entries], corrections, report)
    for entry in entries:
        if entry.rel in due and not needs_brief(entry, endpoint is not None):
            index.briefed(entry.paper.id, entry.status)
    index.save(layout.index_dir)
    if digests and entries:
        write_digests(entries, settings, rules, layout, report, day=day, weekly=weekly, corrections=corrections)
    if report.grounding()["checked"]:
        on = day or runlog.last_day(layout.runs_file) or date.today()
        runlog.append(layout.briefs_file, {"day": on.isoformat(), "model": report.model, **report.grounding()})
    if endpoint is not None:
        costs = (settings.cost(report.usage), settings.cost(report.batch_usage, settings.config.batch_discount))
        report.cost = None if None in costs else sum(costs)
    return report


def write_digests(
    entries: list[Entry],
    settings: Settings,
    rules: dict[str, Rule],
    layout: Layout,
    report: BriefReport,
    *,
    day: date | None = None,
    weekly: bool = False,
    corrections: dict[str, Correction] | None = None,
) -> None:
    """Write the daily brief of the radar day ``day`` (default: the last run's day, else the newest
    radar day), with its correction, and the weekly briefs due."""
    day = day or runlog.last_day(layout.runs_file) or max(e.day for e in entries)
    cache = Cache(layout.brief_cache, "digests", day)
    try:
        asyncio.run(
            _write_digests(
                entries,
                settings,
                rules,
                layout,
                report,
                cache,
                day,
                weekly,
                (corrections or {}).get(f"brief:{day.isoformat()}"),
            )
        )
    finally:
        cache.save()


async def _write_digests(entries, settings, rules, layout, report, cache, day, weekly, correction) -> None:
    client = Client(settings.endpoint) if settings.endpoint else None
    asker = Asker(settings, cache, report)
    languages = settings.languages
    by_day: dict[date, list[Entry]] = {}
    for entry in entries:
        by_day.setdefault(entry.day, []).append(entry)
    try:
        todays = sorted((e for e in entries if e.day == day), key=home_order)
        updates = updated_on(entries, day)
        path = layout.daily_brief(day)
        if correction is not None and correction.action == "pin" and path.exists():
            report.digests.append(path.relative_to(layout.content).as_posix())
        elif todays or updates:  # a day with updates only still has its brief, listing them
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
                    brief = grounded_digest(
                        resolved(answer, numbering, languages, report),
                        numbering,
                        settings.config,
                        report,
                        lambda langs: extractive_daily(numbering, rules, langs, links, updated=len(updates)),
                    )
            if brief is not None:
                if correction is not None:
                    brief = corrected(brief, correction)
                atomic_write(
                    path,
                    digest_file(
                        "daily",
                        f"brief-{day.isoformat()}",
                        f"Daily brief {day.isoformat()} · 每日简报",
                        day,
                        brief,
                        cited_first(brief, numbering),
                        updates,
                    ),
                )
                report.digests.append(path.relative_to(layout.content).as_posix())
        weeks = [day - timedelta(days=7)] + ([day] if weekly else [])
        for when in weeks:
            await _weekly(when, layout, by_day, client, asker, settings, rules, report)
    finally:
        if client is not None:
            await client.close()
