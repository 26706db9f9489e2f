"""The terminal: every table, progress bar and error message the command prints, on stderr.

The pipeline's functions return reports; only the command line (and the demo, which is one) print
them, through this module.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table
from rich.text import Text

from .brief.llm import Usage
from .brief.report import BriefReport
from .fetch.job import FetchSummary
from .notify import NotifyReport
from .publish import DeployReport, DeployTarget
from .publish.pages import size_text

console = Console(stderr=True, width=None if sys.stderr.isatty() else 110)


def error(message: str) -> None:
    """One error, in red, as plain text (nothing in it is read as markup)."""
    console.print(message, style="red", markup=False, highlight=False, soft_wrap=True)


def problems(lines: list[str]) -> None:
    """A configuration error's problems, one a line and never wrapped: editors and CI annotate file:line."""
    for line in lines:
        error(line)


def say(message: str, style: str | None = None) -> None:
    """A line of plain text (nothing in it is read as markup)."""
    console.print(message, style=style, markup=False, highlight=False, soft_wrap=True)


def ask(question: str, default: str) -> str:
    """A question on the terminal; Enter keeps ``default``."""
    answer = input(f"> {question} [{default}] ").strip()
    return answer or default


def tell(line: str) -> None:
    """A line for the person answering questions, beside them on stdout."""
    print(line)


@contextmanager
def counting(label: str) -> Iterator[Callable[[int, int | None], None]]:
    """A progress bar on a terminal (nothing otherwise); yields the ``on_progress(done, total)`` callback."""
    with Progress(
        TextColumn(label),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task(label, total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)


@contextmanager
def stepping(label: str, total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar over named steps; yields ``on_step(name)``, called as each step starts."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task(label, total=total)

        def on_step(name: str) -> None:
            progress.update(task, description=f"{label} {name}")
            progress.advance(task)

        yield on_step


def print_summary(summary: FetchSummary) -> None:
    """The fetch's closing table: per source what was seen and done, then its notes and errors."""
    table = Table(title=f"Fetch {summary.day.isoformat()}", title_justify="left")
    for column in ("source", "status", "HTTP", "fetched", "new", "updated", "duplicate", "old", "rejected", "errors"):
        table.add_column(column, justify="left" if column in ("source", "status") else "right")
    for r in summary.reports:
        style = {"failed": "red", "stale": "yellow", "partial": "yellow", "empty": "cyan"}.get(r.status, "")
        table.add_row(
            r.source,
            f"[{style}]{r.status}[/]" if style else r.status,
            str(r.http_status or "-"),
            str(r.items_seen),
            str(r.new),
            str(r.updated),
            str(r.duplicate),
            str(r.old),
            str(r.rejected),
            str(len(r.errors)),
        )
    console.print(table)
    for r in summary.reports:
        if r.note:
            console.print(f"  {r.source}: {r.note}", markup=False, highlight=False, soft_wrap=True)
        for message in r.errors[:5]:
            console.print(f"  {r.source}: {message}", style="red", markup=False, highlight=False, soft_wrap=True)
        if len(r.errors) > 5:
            console.print(f"  {r.source}: … and {len(r.errors) - 5} more", style="red")


def print_brief_report(report: BriefReport) -> None:
    """The brief stage's usage report: what was briefed, from where, at what cost."""
    usage = Usage()
    usage.add(report.usage)
    usage.add(report.batch_usage)
    cost = "-" if report.cost is None else f"${report.cost:.4f}"
    table = Table(title=f"Briefs ({report.mode}: {report.model})", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    rows = (
        ("entries", report.papers_seen),
        ("entries changed", report.written),
        ("briefed", report.done),
        ("from cache", report.cached),
        ("extractive", report.extractive),
        ("left pending", report.pending),
        ("failed", len(report.failed)),
        ("grounded", report.grounded),
        ("unverified", report.unverified),
        ("replaced by extractive", report.replaced),
        ("API calls", usage.calls),
        ("retries", usage.retries),
        ("input tokens", usage.input_tokens),
        ("output tokens", usage.output_tokens),
        ("estimated cost", cost),
    )
    for name, value in rows:
        table.add_row(name, str(value))
    console.print(table)
    for path in report.digests:
        console.print(f"  brief: {path}", markup=False, highlight=False)
    if report.failures:
        found = ", ".join(f"{kind} {n}" for kind, n in sorted(report.failures.items()))
        console.print(f"  not found in their sources: {found}", style="yellow", markup=False, highlight=False)
    if report.dropped_refs:
        console.print(f"  {report.dropped_refs} references to papers that do not exist were dropped", style="yellow")
    for paper_id, why in report.failed[:10]:
        console.print(f"  {paper_id}: {why}", style="red", markup=False, highlight=False)
    for note in report.notes[:10]:
        console.print(f"  {note}", markup=False, highlight=False)


def print_notify_report(report: NotifyReport) -> None:
    """Per channel: what was sent, or why not; with --dry-run, what each would receive (on stdout)."""
    for result in report.results:
        if result.preview:
            sys.stdout.write(f"===== {result.channel} ({result.kind}) =====\n{result.preview.rstrip()}\n\n")
    sys.stdout.flush()
    if report.note:
        console.print(report.note, style="yellow", markup=False, highlight=False, soft_wrap=True)
        return
    table = Table(title=f"Notifications {report.day.isoformat()}", title_justify="left")
    for column in ("channel", "kind", "status", "attempts", "detail"):
        table.add_column(column, justify="right" if column == "attempts" else "left")
    for r in report.results:
        style = {"failed": "red", "sent": "green", "nothing": "cyan"}.get(r.status, "")
        table.add_row(
            Text(r.channel), Text(r.kind), Text(r.status, style=style), str(r.attempts or "-"), Text(r.detail)
        )
    console.print(table)


def print_deploy_report(report: DeployReport) -> None:
    """One line of what a deploy published and moved, then its warnings."""
    if report.target == DeployTarget.PAGES:
        line = (
            f"pages: {report.destination} checked, {size_text(report.bytes)} in {report.files:,} files "
            f"({report.papers:,} paper pages): within GitHub Pages' limits"
        )
    else:
        line = (
            f"s3: {report.files:,} files ({size_text(report.bytes)}) at {report.destination}: "
            f"{report.uploaded:,} uploaded ({size_text(report.uploaded_bytes)}), {report.deleted:,} deleted, "
            f"{report.unchanged:,} unchanged in {report.seconds:.1f}s"
        )
    console.print(line, markup=False, highlight=False, soft_wrap=True)
    for warning in report.warnings:
        console.print(warning, style="yellow", markup=False, highlight=False, soft_wrap=True)
