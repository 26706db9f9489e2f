"""The fetch job: sources → normalise → de-duplicate → curate → write, plus the health record.

Reading (every source) happens before writing; one source failing, or one
item being unreadable, is reported and the rest goes on.
"""

from __future__ import annotations

import logging
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ..archive import candidates, lock, runlog
from ..archive.checkout import open_index
from ..archive.identity import dedupe
from ..archive.index import INDEX_FORMAT, Outcome, upgrade_entries, write_papers
from ..config import Rule
from ..errors import AcademicHubError, IncompleteWrite, SourceError, WriteError
from ..files import remove_stale_temp_files
from ..layout import Layout
from ..models import Paper, SourceReport, SourceStatus
from ..text import clean
from . import sources
from .curate import compile_rules, curate, with_matched_words
from .http import Client
from .normalise import normalise, settle_dates
from .sources import SourcesFile

log = logging.getLogger(__name__)


@dataclass
class FetchSummary:
    day: date
    reports: list[SourceReport]
    new: list[Paper] = field(default_factory=list)
    updated: list[Paper] = field(default_factory=list)

    @property
    def all_failed(self) -> bool:
        return bool(self.reports) and all(r.status == SourceStatus.FAILED for r in self.reports)


def read_sources(
    config: SourcesFile, client: Client, day: date, on_source: Callable[[str], None] = lambda _: None
) -> tuple[list[Paper], list[SourceReport]]:
    """Fetch and normalise every enabled source; never raises for a source's failure."""
    papers: list[Paper] = []
    reports: list[SourceReport] = []
    now = datetime.now(UTC)
    for source in config.sources:
        if not source.enabled:
            continue
        on_source(source.id)
        report = SourceReport(source=source.id, kind=source.kind)
        reports.append(report)
        client.touched = []
        try:  # everything of the source's kind is asked for here: a kind that fails, fails this source only
            fetched = sources.fetch(client, source, day)
            limit = source.age_limit()
        except SourceError as exc:
            report.http_status = exc.status
            _failed(report, client, str(exc))
            continue
        except Exception as exc:  # a parser bug or a pathological response must not sink the run
            message = unexpected(exc)
            log.error("source %s: %s", source.id, message)
            log.debug("source %s failed", source.id, exc_info=exc)  # the traceback, with -vv
            _failed(report, client, message)
            continue
        report.url, report.http_status = fetched.url, fetched.http_status
        report.status, report.note = fetched.status, fetched.note
        if fetched.feed_time:
            report.feed_date, report.feed_time = fetched.feed_time.date().isoformat(), fetched.feed_time.isoformat()
        report.items_seen = len(fetched.items) + len(fetched.skipped)
        report.errors.extend(fetched.skipped)
        report.skipped = len(fetched.skipped)
        notes = Counter()
        oldest = day - timedelta(days=limit) if limit is not None else None
        for item in fetched.items:
            try:
                paper, note = settle_dates(normalise(item, source.label), day, now)
            except ValueError as exc:
                report.skipped += 1
                report.errors.append(str(exc))
                continue
            if oldest and paper.published and paper.published.astimezone(UTC).date() < oldest:
                report.old += 1
                continue
            papers.append(paper)
            if note:
                notes[note.split(" (")[0]] += 1
        for why, n in notes.items():
            report.add_note(f"{n} × {why}")
        if report.old:
            report.add_note(f"old: {report.old} × published before {oldest.isoformat()}")
    return papers, reports


def unexpected(exc: Exception) -> str:
    """A programming error, named for the run record: its class, where it was raised and its message.

    Where is the innermost line of AcademicHub's own code the error passed through.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    package = Path(__file__).resolve().parents[1]  # the pipeline package
    ours = [f for f in frames if Path(f.filename).resolve().is_relative_to(package)]
    frame = (ours or frames)[-1] if frames else None
    where = ""
    if frame:
        path = Path(frame.filename).resolve()
        shown = path.relative_to(package.parent).as_posix() if path.is_relative_to(package) else frame.filename
        where = f" at {shown}:{frame.lineno} in {frame.name}"
    return f"unexpected {exc.__class__.__name__}{where}: {exc}"


def _failed(report: SourceReport, client: Client, message: str) -> None:
    """Record a failed source; forget its validators so the next run downloads it again."""
    report.errors.append(clean(message))  # an error may quote the response
    report.url = report.url or (client.touched[0] if client.touched else "")
    for url in client.touched:
        client.forget(url)


def run_fetch(
    config: SourcesFile,
    rules: list[Rule],
    layout: Layout,
    day: date,
    *,
    use_cache: bool = True,
    on_source: Callable[[str], None] = lambda _: None,
    embedder=None,
    checkout: Callable[[list[str]], None] | None = None,
) -> FetchSummary:
    """Read the sources, keep what the rules select and write it; ``checkout`` makes an entry a
    sparse checkout left out present before it is read (archive/checkout.py)."""
    client = Client(config.http, cache_file=layout.http_cache if use_cache else None)
    papers, reports = read_sources(config, client, day, on_source)
    try:
        return _write_day(papers, reports, client, rules, layout, day, use_cache, embedder, checkout)
    except IncompleteWrite:
        raise  # its run record is written
    except Exception as exc:  # a bug past the sources: the run record still says what was read, and why it stopped
        for report in reports:
            runlog.classify(report, day)
        runlog.append(layout.runs_file, runlog.record(reports, day, failure=clean(unexpected(exc))))
        raise


def _write_day(
    papers: list[Paper],
    reports: list[SourceReport],
    client: Client,
    rules: list[Rule],
    layout: Layout,
    day: date,
    use_cache: bool,
    embedder,
    checkout: Callable[[list[str]], None] | None,
) -> FetchSummary:
    """De-duplicate, curate and write what the sources read, then the run record."""
    by_source = {r.source: r for r in reports}

    remove_stale_temp_files(layout.content, lock.held(layout.state))
    index = open_index(layout, checkout)
    if index.format < INDEX_FORMAT:  # before this run's candidates join the record of what runs read
        log.info(
            "%d entries written by an earlier AcademicHub brought up to date",
            upgrade_entries(index, candidates.first_seen(layout.state), with_matched_words),
        )

    unique, merged_away = dedupe(papers)
    failures: list[WriteError] = []
    _saving(failures, candidates.save, layout.state, day, unique)  # what `rules preview` re-curates
    for merged in merged_away:
        by_source[merged.record.source].duplicate += 1
        if merged.by_title:
            by_source[merged.record.source].add_note(merged.describe())
    semantic = similarities(unique, rules, layout, embedder)
    kept, _ = curate(unique, compile_rules(rules), semantic.scores if semantic else None)
    kept_ids = {p.id for p in kept}
    for paper in unique:
        if paper.id not in kept_ids:
            by_source[paper.source].rejected += 1

    summary = FetchSummary(day, reports)
    notes: dict[str, list[str]] = {}
    outcomes = write_papers(kept, index, day)
    for outcome in outcomes:
        report = by_source[outcome.incoming.source]
        if outcome.why and outcome.kind not in ("skipped", "failed"):
            report.add_note(outcome.why)
        if outcome.kind == "new":
            report.new += 1
            summary.new.append(outcome.written)
        elif outcome.kind == "updated":
            report.updated += 1
            summary.updated.append(outcome.written)
        elif outcome.kind == "unchanged":
            report.duplicate += 1
        elif outcome.kind == "failed":
            report.errors.append(f"not written: {outcome.why}")
            failures.append(outcome.error)
        else:
            report.skipped += 1
            notes.setdefault(report.source, []).append(outcome.why)
    for source_id, whys in notes.items():
        counted = ", ".join(f"{n} × {why}" for why, n in Counter(whys).most_common())
        by_source[source_id].add_note(f"not written: {counted}")

    _saving(failures, index.save, layout.index_dir)
    if semantic:
        _saving(failures, semantic.save, kept)
    if use_cache and not failures:  # with a paper unwritten, the next run must download its feed again
        _saving(failures, client.save_validators)
    for report in reports:
        runlog.classify(report, day)
    failure = write_failure(failures, outcomes, layout) if failures else None
    try:
        runlog.append(layout.runs_file, runlog.record(reports, day, failure=failure))
    except WriteError as exc:
        if not failure:
            raise
        raise IncompleteWrite(f"{failure}. The run record could not be written either ({exc})", failures) from exc
    if failure:
        raise IncompleteWrite(f"{failure}. The run record is in {layout.runs_file}", failures)
    return summary


def _saving(failures: list[WriteError], save: Callable, *args) -> None:
    """Run one write of the fetch; a write that fails is collected, and the run goes on."""
    try:
        save(*args)
    except WriteError as exc:
        failures.append(exc)


def write_failure(failures: list[WriteError], outcomes: list[Outcome], layout: Layout) -> str:
    """What a fetch whose writes failed did and did not write, in one message."""
    reasons = dict.fromkeys(f"{exc.folder}: {exc.reason}" for exc in failures)
    done = [o for o in outcomes if o.kind in ("new", "updated")]
    lost = [o.error.path for o in outcomes if o.kind == "failed"]
    files = [exc.path for exc in failures if exc.path not in lost]
    written = (
        f"{len(done)} of {len(done) + len(lost)} entries written "
        f"({sum(o.kind == 'new' for o in done)} new, {sum(o.kind == 'updated' for o in done)} updated)"
    )
    unwritten = ([f"{len(lost)} entries (the first: {lost[0]})"] if lost else []) + [str(f) for f in files]
    return (
        f"{'; '.join(reasons)}. {written}; not written: {', '.join(unwritten)}. "
        f"The next run downloads the feeds again and writes what is missing"
    )


def similarities(papers: list[Paper], rules: list[Rule], layout: Layout, embedder=None):
    """Similarities for the rules with ``similar_to`` (the semantic extra); None when no rule has one.

    Without the extra, or when the embedding backend fails, those rules match by keywords
    alone for this run, and the reason is logged.
    """
    if not any(rule.similar_to for rule in rules):
        return None
    try:
        from ..semantic.stage import rule_similarities

        return rule_similarities(papers, rules, layout.content, layout.state, embedder)
    except ImportError:
        log.warning(
            "rules with similar_to match by keywords only: the semantic extra is not installed "
            "(pip install 'academichub[semantic]')"
        )
    except AcademicHubError as exc:
        log.warning("rules with similar_to match by keywords only in this run: %s", exc)
    return None
