"""The ``academichub`` command: a thin layer over the pipeline's functions."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import __version__
from .archive import lock, runlog
from .archive.checkout import RECENT_DAYS, check_out_day, sparse_checkout
from .archive.checkout import patterns as checkout_patterns
from .config import load_rules
from .console import counting, error, print_brief_report, print_notify_report, print_summary, problems, say, stepping
from .environment import Environment
from .errors import AcademicHubError, ConfigError, DeployError, ExtraNotInstalled
from .fetch.job import run_fetch
from .fetch.sources import load_sources
from .layout import Layout
from .project.demo import DEMO_OUT
from .publish import DeployTarget


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-11-25, got {text!r}") from exc


def _add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", type=Path, default=Path("sources.yml"), help="sources file (default: sources.yml)")
    parser.add_argument("--rules", type=Path, default=Path("rules"), help="folder of rule files (default: rules/)")
    parser.add_argument(
        "--content", type=Path, default=Path("content"), help="where entries are written (default: content/)"
    )
    parser.add_argument(
        "--state", type=Path, default=Path("state"), help="pipeline state and run records (default: state/)"
    )


def _add_lock(parser: argparse.ArgumentParser, state_of=lambda args: args.state) -> None:
    """The command writes into a state folder: it holds that folder's lock while it runs."""
    parser.add_argument(
        "--lock-timeout",
        type=float,
        metavar="SECONDS",
        help="when another run is using the state folder, give up after SECONDS "
        "(exit status 75) instead of waiting for it; 0 gives up at once",
    )
    parser.set_defaults(lock_state=state_of)


def _locked(args: argparse.Namespace):
    """The state folder's lock for a command that writes, else nothing to hold."""
    state_of = getattr(args, "lock_state", None)
    if state_of is None:
        return nullcontext()
    return lock.hold(
        state_of(args),
        f"academichub {args.command}",
        args.lock_timeout,
        on_wait=lambda message: say(message, style="yellow"),
    )


@dataclass(frozen=True)
class Command:
    """A subcommand: its name and one-line help, the function declaring its arguments, its handler."""

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[argparse.Namespace], int] | None = None  # None: a group of subcommands
    group: str = ""  # the group it belongs to ("rules"), else a command of its own


COMMANDS: list[Command] = []  # in the order `academichub --help` lists them


def command(name: str, help: str, arguments: Callable[[argparse.ArgumentParser], None], *, group: str = "") -> Callable:
    """Register the decorated handler as ``academichub [group] name``; ``arguments`` declares what it takes."""

    def register(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS.append(Command(name, help, arguments, handler, group))
        return handler

    return register


def command_group(name: str, help: str) -> None:
    """Register ``academichub name``, whose subcommands are registered with ``group=name``."""
    COMMANDS.append(Command(name, help, lambda parser: None))


def _fetch_arguments(parser: argparse.ArgumentParser) -> None:
    _add_paths(parser)
    parser.add_argument("--date", type=_day, default=date.today(), help="the day to fetch (default: today)")
    parser.add_argument("--force", action="store_true", help="ignore ETag/Last-Modified and download everything again")
    _add_lock(parser)


@command("fetch", "fetch new papers and write entries into content/", _fetch_arguments)
def cmd_fetch(args: argparse.Namespace) -> int:
    config = load_sources(args.sources)
    rules = load_rules(args.rules)
    enabled = [s for s in config.sources if s.enabled]
    with stepping("fetching", len(enabled)) as on_source:
        summary = run_fetch(
            config,
            rules,
            Layout(args.content, args.state),
            args.date,
            use_cache=not args.force,
            on_source=on_source,
            checkout=sparse_checkout(args.content),
        )
    print_summary(summary)
    say(f"{len(summary.new)} new, {len(summary.updated)} updated entries in {args.content}")
    return 1 if summary.all_failed else 0


command_group("rules", "work with curation rules")


def _rules_check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", type=Path, default=Path("rules"), help="folder of rule files (default: rules/)")
    parser.add_argument(
        "--corrections",
        type=Path,
        default=Path("corrections"),
        help="folder of brief corrections (default: corrections/, optional)",
    )


@command("check", "validate every rule file and every correction of a brief", _rules_check_arguments, group="rules")
def cmd_rules_check(args: argparse.Namespace) -> int:
    from .config.corrections import load_corrections
    from .semantic.references import check_rules

    problems: list[str] = []
    try:
        rules = load_rules(args.rules)
        problems += check_rules(rules)  # similar_to: ids and BibTeX files
    except ConfigError as exc:
        rules, problems = [], exc.problems
    try:
        corrections = load_corrections(args.corrections)
    except ConfigError as exc:
        corrections, problems = [], problems + exc.problems
    if problems:
        raise ConfigError(problems)
    for rule in rules:
        say(f"ok  {rule.path}  {rule.id} ({rule.name.en})")
    for correction in corrections:
        say(f"ok  {correction.path}  {correction.action} {correction.target}")
    say(f"{len(rules)} rule files are valid")
    if corrections:
        say(f"{len(corrections)} corrections of briefs are valid")
    return 0


def _rules_preview_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", type=Path, default=Path("rules"), help="the proposed rules (default: rules/)")
    base = parser.add_mutually_exclusive_group(required=True)
    base.add_argument(
        "--base", metavar="REVISION", help="compare with the rules at this git revision (e.g. origin/main)"
    )
    base.add_argument("--base-rules", type=Path, metavar="FOLDER", help="compare with the rules in this folder")
    parser.add_argument(
        "--content", type=Path, default=Path("content"), help="entries to re-curate (default: content/)"
    )
    parser.add_argument("--state", type=Path, default=Path("state"), help="cached candidates under state/candidates/")
    parser.add_argument("--days", type=int, default=14, help="how many recent days of papers; 0 for all (default: 14)")
    parser.add_argument("--limit", type=int, default=25, help="papers listed per rule and change (default: 25)")


@command(
    "preview",
    "which recent papers the changed rules would add or remove (Markdown)",
    _rules_preview_arguments,
    group="rules",
)
def cmd_rules_preview(args: argparse.Namespace) -> int:
    from .ops.preview import preview, to_markdown

    result = preview(args.content, args.state, args.rules, args.days, args.base_rules, args.base)
    sys.stdout.write(to_markdown(result, args.limit))
    return 0


def _demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=DEMO_OUT, help="where the demo writes (default: demo/)")
    parser.add_argument(
        "--rules", type=Path, help="folder of rule files (default: rules/, else the rules the package ships)"
    )
    _add_lock(parser, lambda args: args.out / "state")


@command("demo", "run the pipeline on the bundled sample feeds (no network, no API key)", _demo_arguments)
def cmd_demo(args: argparse.Namespace) -> int:
    from .project.demo import run_demo

    demo = run_demo(args.out, args.rules)
    print_summary(demo.summary)
    if demo.site is None:
        return 1
    print_brief_report(demo.briefs)
    say(
        f"demo: {demo.entries} entries in {args.out / 'content'}; website in {demo.site.output}\n"
        f"      view it with: academichub serve --output {demo.site.output}"
    )
    return 0


def _no_entries(command: str, content: Path) -> bool:
    """Whether ``content`` holds no entry; then the command says so in one line, and where it looked."""
    if any(Layout(content).entry_files()):
        return False
    say(
        f"{command}: nothing to do: no entries in {content / 'papers'}; --content DIR reads another folder "
        "(`academichub demo` writes demo/content)"
    )
    return True


def _brief_folders(args: argparse.Namespace) -> None:
    """Where ``academichub brief`` reads when not told: content/ and state/ here, else — in the folder
    where ``academichub demo`` ran — the demo's (demo/content, demo/state), as the Quick start has it."""
    from .project.demo import project_or_packaged

    args.found = ""
    if args.content is None:
        args.content = Path("content")
        demo = Layout(DEMO_OUT / "content", DEMO_OUT / "state")
        if not any(Layout(args.content).entry_files()) and any(demo.entry_files()):
            args.content, args.state = demo.content, args.state or demo.state
            args.found = f"the demo's entries in {demo.content} (no content/ here; --content DIR reads another folder)"
    args.state = args.state or Path("state")
    if args.rules == Path("rules"):
        args.rules = project_or_packaged("rules")


def _add_brief_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", type=Path, default=Path("brief.yml"), help="brief settings (default: brief.yml, optional)"
    )
    parser.add_argument("--model", help="model name (default: brief.yml, $ACADEMICHUB_MODEL, gpt-4o-mini)")
    parser.add_argument("--base-url", help="OpenAI-compatible API root (default: $OPENAI_BASE_URL, brief.yml)")
    parser.add_argument(
        "--languages",
        type=lambda t: [x.strip() for x in t.split(",") if x.strip()],
        help="comma-separated brief languages (default: zh,en)",
    )
    parser.add_argument("--concurrency", type=int, help="requests in flight at once (default: 48)")
    parser.add_argument("--timeout", type=float, help="seconds per request (default: 60)")
    parser.add_argument("--max-papers", type=int, help="brief at most this many papers now; the rest stay pending")
    parser.add_argument(
        "--max-tokens", type=int, help="stop starting requests after this many tokens; the rest stay pending"
    )
    parser.add_argument(
        "--batch", action="store_true", help="use the Batch API (half price, resumable; the batch id is kept in state/)"
    )
    parser.add_argument(
        "--no-wait", dest="wait", action="store_false", help="with --batch: submit or check once, do not poll"
    )
    parser.add_argument("--extractive", action="store_true", help="no model: quote lead sentences and key phrases")
    parser.add_argument("--no-daily", dest="digests", action="store_false", help="only the per-paper briefs")
    parser.add_argument(
        "--weekly", action="store_true", help="also write the weekly brief of the current (unfinished) week"
    )
    parser.add_argument(
        "--stale",
        action="store_true",
        help="also re-write the model briefs another model or prompt version wrote (pinned ones never)",
    )
    parser.add_argument(
        "--corrections",
        type=Path,
        default=Path("corrections"),
        help="reviewed corrections laid over the briefs (default: corrections/, optional)",
    )


def _brief_arguments(parser: argparse.ArgumentParser) -> None:
    _add_paths(parser)
    parser.add_argument("--date", type=_day, help="the radar day of the daily brief (default: the last run's day)")
    parser.add_argument(
        "--all",
        dest="every",
        action="store_true",
        help="open every entry, not only those the index says need a brief (after editing entries by hand)",
    )
    _add_brief_options(parser)
    _add_lock(parser)
    parser.set_defaults(content=None, state=None, prepare=_brief_folders)


@command("brief", "write LLM briefs into entries, and the daily/weekly cross-domain briefs", _brief_arguments)
def cmd_brief(args: argparse.Namespace) -> int:
    """Resolve the settings, run the stage with a progress bar, print the usage report."""
    from .brief import load_config, resolve_settings, run_brief

    settings = resolve_settings(  # first: a broken brief.yml is reported whatever the folder holds
        load_config(args.config),
        model=args.model,
        base_url=args.base_url,
        extractive=args.extractive,
        languages=args.languages,
        concurrency=args.concurrency,
        timeout=args.timeout,
        max_papers=args.max_papers,
        max_tokens=args.max_tokens,
    )
    if _no_entries("brief", args.content):
        return 0
    if getattr(args, "found", ""):
        say(f"brief: {args.found}")
    if settings.endpoint is None and not args.extractive:
        say(
            "No OPENAI_API_KEY: writing extractive briefs (quoted from the abstracts, labelled as such).",
            style="yellow",
        )
    with counting("briefs") as on_progress:
        report = run_brief(
            Layout(args.content, args.state),
            settings,
            rules_dir=args.rules,
            day=args.date,
            digests=args.digests,
            weekly=args.weekly,
            batch=args.batch,
            wait=args.wait,
            corrections_dir=args.corrections,
            stale=args.stale,
            on_progress=on_progress,
            every=getattr(args, "every", False),
            checkout=sparse_checkout(args.content),
        )
    print_brief_report(report)
    if getattr(args, "found", ""):
        say(
            f"brief: the demo's site shows them once rebuilt: academichub build --content {args.content} "
            f"--output {args.content.parent / 'output'}"
        )
    return 1 if report.failed and not report.done else 0


def _health_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--state", type=Path, default=Path("state"), help="where runs.jsonl is (default: state/)")
    parser.add_argument(
        "--content", type=Path, default=Path("content"), help="entries, for brief counts (default: content/)"
    )
    parser.add_argument(
        "--summary", type=Path, metavar="FILE", help="append the Markdown summary to FILE (e.g. $GITHUB_STEP_SUMMARY)"
    )
    parser.add_argument(
        "--github-issue",
        action="store_true",
        help="open, update or close the alert issue (GITHUB_REPOSITORY, GITHUB_TOKEN, GITHUB_API_URL)",
    )
    parser.add_argument("--dry-run", action="store_true", help="say what would be done to the issue, change nothing")


@command("health", "the latest run's summary and alerts; keep the alert issue in step", _health_arguments)
def cmd_health(args: argparse.Namespace) -> int:
    """The job summary (to the file GitHub shows, or stdout), and the alert issue when asked."""
    from .ops.health import alert, summary_of

    runs, text = summary_of(Layout(args.content, args.state))
    if args.summary:
        with args.summary.open("a", encoding="utf-8") as handle:
            handle.write(text + "\n")
    else:
        sys.stdout.write(text)
    if args.github_issue:
        say(f"alert issue: {alert(runs, os.environ, args.dry_run)}")
    return 0


def _init_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", type=Path, nargs="?", help="the folder to create the site in")
    parser.add_argument("--name", help="the site's title")
    parser.add_argument("--tagline", help="the site's tagline (footer, titles, feeds)")
    parser.add_argument("--language", choices=["en", "zh"], help="the site's main language")
    parser.add_argument(
        "--brief-languages",
        metavar="LANGS",
        help="languages of the briefs, comma-separated (default: the site's language; en,zh pays for both)",
    )
    parser.add_argument(
        "--repository", metavar="URL", help="the radar's GitHub repository, https://github.com/you/radar"
    )
    parser.add_argument("--topics", help="comma-separated topic ids (see --list-topics)")
    parser.add_argument(
        "--follow", action="append", default=[], metavar="AUTHOR", help="an author to follow (repeatable)"
    )
    parser.add_argument("--list-topics", action="store_true", help="list the topics that can be chosen and exit")
    parser.add_argument(
        "--package",
        metavar="SPEC",
        help="what the site's workflows pip-install (default: what runs "
        "now: this release, or its git remote at this commit; e.g. "
        "'academichub @ git+https://github.com/you/academichub@COMMIT')",
    )
    parser.add_argument(
        "--upgrade",
        action="store_true",
        help="check the radar in DIRECTORY (default: here) against "
        "this AcademicHub: what is outdated and what to do (exit 1 when something is)",
    )
    parser.add_argument("--no-input", action="store_true", help="never ask; use the options and defaults")
    parser.add_argument("--force", action="store_true", help="write into a folder that is not empty (overwrites)")


@command("init", "create a new AcademicHub site in a folder (asks for name, language, topics)", _init_arguments)
def cmd_init(args: argparse.Namespace) -> int:
    from .console import ask, tell
    from .project.scaffold import InitOptions, catalogue, choose, create

    if args.upgrade:
        from .project.upgrade import check_radar, report

        folder = args.directory or Path(".")
        if not (folder / "rules").is_dir() and not (folder / "pelicanconf.py").is_file():
            error(f"{folder}: not a radar's folder (no rules/, no pelicanconf.py)")
            return 2
        findings = check_radar(folder)
        say(report(folder, findings))
        return 1 if findings else 0
    known = catalogue()
    if args.list_topics:
        for rule in known.values():
            say(f"{rule.id:24} {rule.name.en} — {rule.description.en}")
        return 0
    if args.directory is None:
        error("academichub init: give the folder to create, e.g. academichub init my-radar")
        return 2
    interactive = not args.no_input and sys.stdin.isatty()
    if interactive:
        tell(
            f"Welcome to AcademicHub. This creates a new research radar in {args.directory}.\n"
            "Press Enter to accept the value in [brackets].\n"
        )
    given = InitOptions(
        args.name,
        args.language,
        args.topics,
        tuple(args.follow or ()),
        args.package,
        args.tagline,
        args.repository,
        args.brief_languages,
    )
    try:
        choices = choose(given, known, ask if interactive else None, tell)
    except EOFError:
        error("init: no answer")
        return 1
    written = create(args.directory, choices, force=args.force)
    say(f"Created {choices.name!r} in {args.directory} ({len(written)} files).")
    say(
        'Next: push it to GitHub, set Settings → Pages → Source to "GitHub Actions", and run the '
        "Daily radar workflow once (README.md in the new folder has the details)."
    )
    return 0


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", type=Path, help="where the site is written (default: output/)")
    parser.add_argument("--settings", type=Path, help="Pelican settings file (default: pelicanconf.py)")
    parser.add_argument("--publish", action="store_true", help="use publishconf.py (public address, clean output)")
    parser.add_argument("--siteurl", help="the site's public address (feeds and canonical links need it)")
    parser.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="build the closed months' shards in N processes at once (default: one a CPU)",
    )
    parser.add_argument(
        "--takedowns",
        type=Path,
        metavar="FILE",
        help="papers the site leaves out, with the reason (default: takedowns.yml beside the settings)",
    )


def _build_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, help="the entries (default: PATH of the settings, content/)")
    parser.add_argument("--rules", type=Path, help="rule files for topic names (default: rules/)")
    parser.add_argument(
        "--state",
        type=Path,
        help="run records for the status page (default: the state/ folder beside --content, else state/)",
    )
    parser.add_argument(
        "--period",
        metavar="YYYY-MM",
        help="build only this closed month's shard (a job of a workflow matrix); "
        "`academichub periods --stale` lists the months to build",
    )
    _add_build_options(parser)


@command("build", "build the website with Pelican, then the search index", _build_arguments)
def cmd_build(args: argparse.Namespace) -> int:
    from .site import build

    period = getattr(args, "period", None)
    # from any folder: without a pelicanconf.py here, the one beside --content (the demo writes demo/pelicanconf.py)
    beside = args.content.parent / "pelicanconf.py" if args.content else None
    here = Path("pelicanconf.py").exists() or args.publish or not (beside and beside.exists())
    settings = args.settings or (None if here else beside)
    result = build(
        args.content,
        args.output,
        settings_file=settings,
        publish=args.publish,
        rules=args.rules,
        state=args.state,
        siteurl=args.siteurl,
        search=not args.no_search,
        jobs=args.jobs,
        period=period,
        takedowns=args.takedowns,
    )
    if period:
        say(f"site: the shard of {period} ({result.papers} papers) → {result.output} ({result.pelican_seconds:.1f}s)")
        return 0
    shards = (
        f"; closed months: {len(result.shards_built)} built, {len(result.shards_kept)} kept"
        if result.shards_built or result.shards_kept
        else ""
    )
    say(
        f"site: {result.papers} entries → {result.output} (Pelican {result.pelican_seconds:.1f}s, "
        f"search index {result.search_seconds:.1f}s{shards})"
    )
    return 0


def _checkout_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=Path("content"), help="the entries (default: content/)")
    parser.add_argument(
        "--state", type=Path, default=Path("state"), help="the index in state/papers/ (default: state/)"
    )
    parser.add_argument("--date", type=_day, help="the run's day (default: the last run's day, else today)")
    parser.add_argument(
        "--days",
        type=int,
        default=RECENT_DAYS,
        help=f"the radar days before it whose entries are checked out (default: {RECENT_DAYS})",
    )
    parser.add_argument("--print", action="store_true", help="print the sparse-checkout patterns, change nothing")


@command("checkout", "in a sparse checkout, check out what a day's run needs (the recent entries)", _checkout_arguments)
def cmd_checkout(args: argparse.Namespace) -> int:
    """Check out what a day's run needs of a partial clone (or print the sparse-checkout patterns)."""
    layout = Layout(args.content, args.state)
    day = args.date or runlog.last_day(layout.runs_file) or date.today()
    if args.print:
        sys.stdout.write("\n".join(checkout_patterns(layout, day, args.days)) + "\n")
        return 0
    chosen = check_out_day(layout, day, args.days)
    folders = sum(1 for pattern in chosen if all(p.isdigit() for p in pattern.rstrip("/").split("/")[-3:]))
    say(
        f"checked out what a run on {day} needs: the entries of {folders} day folders (the last {args.days} radar days)"
    )
    return 0


def _commit_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=Path("content"), help="the entries (default: content/)")
    parser.add_argument("--state", type=Path, default=Path("state"), help="the state folder (default: state/)")
    parser.add_argument("--date", type=_day, help="the day the commit names (default: the last run's day, else today)")
    parser.add_argument("--remote", default="origin", help="where to push (default: origin)")
    parser.add_argument("--branch", help="the branch to push to (default: the current one)")


@command(
    "commit",
    "commit and push what a day's run changed in content/ and state/ (GITHUB_TOKEN: push with the job's token)",
    _commit_arguments,
)
def cmd_commit(args: argparse.Namespace) -> int:
    """Commit and push what a day's run changed in content/ and state/ (nothing when nothing changed)."""
    from .archive.commit import auth_header, commit_day

    layout = Layout(args.content, args.state)
    day = args.date or runlog.last_day(layout.runs_file) or date.today()
    token = os.environ.get("GITHUB_TOKEN") or None
    if token and os.environ.get("GITHUB_ACTIONS"):  # the runner hides the credential should anything echo it
        print(f"::add-mask::{auth_header(token)}", flush=True)
    done = commit_day(layout, day, args.remote, args.branch, token, say)
    if output := os.environ.get("GITHUB_OUTPUT"):  # for the workflow's next steps
        with open(output, "a", encoding="utf-8") as file:
            file.write(f"changed={'true' if done.changed else 'false'}\nsha={done.sha}\n")
    return 0


def _periods_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, help="the entries (default: PATH of the settings, content/)")
    parser.add_argument("--output", type=Path, help="the built site (default: output/)")
    parser.add_argument("--settings", type=Path, help="Pelican settings file (default: pelicanconf.py)")
    parser.add_argument("--publish", action="store_true", help="use publishconf.py")
    parser.add_argument(
        "--siteurl", help="the site's public address, as the build is given it (a shard's pages depend on it)"
    )
    parser.add_argument(
        "--stale",
        action="store_true",
        help="only the closed months whose shard must be built, as a JSON list (for a matrix)",
    )


@command("periods", "the archive's months: closed (shards) and current, as JSON", _periods_arguments)
def cmd_periods(args: argparse.Namespace) -> int:
    """The archive's months as JSON: closed (with whether their shard stands) and current."""
    from .site import periods_report

    report = periods_report(
        args.content, args.output, settings_file=args.settings, publish=args.publish, siteurl=args.siteurl
    )
    stale = [p["month"] for p in report["closed"] if not p["built"]]
    sys.stdout.write(json.dumps(stale if args.stale else report, indent=None if args.stale else 1) + "\n")
    return 0


def _run_arguments(parser: argparse.ArgumentParser) -> None:
    _add_paths(parser)
    parser.add_argument("--date", type=_day, default=date.today(), help="the day to fetch (default: today)")
    parser.add_argument("--force", action="store_true", help="ignore ETag/Last-Modified and download everything again")
    _add_brief_options(parser)
    _add_build_options(parser)
    parser.add_argument("--no-brief", dest="brief", action="store_false", help="skip the brief stage")
    parser.add_argument("--no-build", dest="build", action="store_false", help="skip building the website")
    parser.add_argument(
        "--no-embed",
        dest="embed",
        action="store_false",
        help="skip the semantic step (embeddings; runs only when the semantic extra is installed)",
    )
    parser.add_argument(
        "--semantic-config",
        type=Path,
        default=Path("semantic.yml"),
        help="embedding settings (default: semantic.yml, optional)",
    )
    parser.add_argument(
        "--notify-config",
        type=Path,
        default=Path("notify.yml"),
        help="channels the day's brief is sent to (default: notify.yml; no file, no message)",
    )
    parser.add_argument("--no-notify", dest="notify", action="store_false", help="send the day's brief to no channel")
    _add_lock(parser)


@command("run", "the daily job: fetch, then brief, then build the website", _run_arguments)
def cmd_run(args: argparse.Namespace) -> int:
    """fetch → brief → build → notify.  A day where no source answered still builds, so the status page shows it."""
    status = cmd_fetch(args)
    status = _step("embed", _embed_in_run, args) or status  # before the brief: the daily brief reads the day's clusters
    if args.brief:
        status = _step("brief", cmd_brief, args) or status  # the brief of the run's day: what arrived in this run
    if args.build:
        status = _step("build", cmd_build, args) or status
    if args.notify and args.notify_config.exists():  # a resend is `academichub notify --force`, never a run's
        status = (
            _step("notify", cmd_notify, argparse.Namespace(**{**vars(args), "force": False, "dry_run": False}))
            or status
        )
    return status


def _step(name: str, command, args: argparse.Namespace) -> int:
    """A step of ``run`` after the fetch: its failure is reported and the next steps still run (a day
    whose briefs failed still builds, so the site and its status page show the day)."""
    try:
        return command(args)
    except AcademicHubError as exc:
        return _report(name, exc)


def _notify_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        dest="notify_config",
        type=Path,
        default=Path("notify.yml"),
        help="the channels (default: notify.yml)",
    )
    parser.add_argument(
        "--content", type=Path, default=Path("content"), help="the entries and briefs (default: content/)"
    )
    parser.add_argument(
        "--state", type=Path, default=Path("state"), help="where what was sent is recorded (default: state/)"
    )
    parser.add_argument(
        "--rules", type=Path, default=Path("rules"), help="rule files, for topic names (default: rules/)"
    )
    parser.add_argument("--date", type=_day, help="the radar day to send (default: the last run's day)")
    parser.add_argument(
        "--siteurl",
        help="the site's public address the links point to (default: notify.yml's site_url, ACADEMICHUB_SITEURL)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print what each channel would receive; send and record nothing"
    )
    parser.add_argument("--force", action="store_true", help="send again to channels that already had the day")
    _add_lock(parser)


@command("notify", "send the day's brief by e-mail and to chat channels (notify.yml)", _notify_arguments)
def cmd_notify(args: argparse.Namespace) -> int:
    """The day's message on every channel of notify.yml; exit status 1 when a channel failed."""
    from .notify import run_notify
    from .notify.stage import load_notify

    config = load_notify(args.notify_config)
    site = (args.siteurl or config.site_url or Environment.read().siteurl).rstrip("/")
    if not site:
        raise ConfigError(
            [
                f"{args.notify_config}:1: site_url: the site's public address is needed for the "
                "messages' links (site_url, ACADEMICHUB_SITEURL or --siteurl)"
            ]
        )
    layout = Layout(args.content, args.state)
    day = args.date or runlog.last_day(layout.runs_file) or date.today()
    report = run_notify(
        config,
        layout,
        day,
        site_url=site,
        rules_dir=args.rules,
        site_name=_site_name(),
        force=args.force,
        dry_run=args.dry_run,
    )
    print_notify_report(report)
    return 1 if report.failed else 0


def _site_name(settings_file: Path = Path("pelicanconf.py")) -> str:
    """The site's name (SITENAME) from the settings file of the folder, for what the radar sends."""
    if not settings_file.is_file():
        return "AcademicHub"
    from .site import read_site_settings

    return read_site_settings(settings_file)["SITENAME"]


def _embed_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=Path("content"), help="the entries (default: content/)")
    parser.add_argument(
        "--state", type=Path, default=Path("state"), help="vectors go to state/embeddings/ (default: state/)"
    )
    parser.add_argument(
        "--semantic-config",
        type=Path,
        default=Path("semantic.yml"),
        help="embedding settings (default: semantic.yml, optional)",
    )
    parser.add_argument("--backend", choices=["local", "openai"], help="local model or an OpenAI-compatible endpoint")
    parser.add_argument("--model", dest="embed_model", help="local model folder, or the endpoint's model name")
    parser.add_argument("--base-url", dest="embed_base_url", help="OpenAI-compatible API root (openai backend)")
    _add_lock(parser)


@command(
    "embed", "embed new entries for related papers, maps and similar_to rules (the semantic extra)", _embed_arguments
)
def cmd_embed(args: argparse.Namespace) -> int:
    """Vectors for every entry that has none."""
    from .semantic.stage import default_embedder, embed_archive
    from .semantic.store import Store

    # first: a broken semantic.yml, or the extra missing, is reported whatever the folder holds
    embedder = default_embedder(
        getattr(args, "semantic_config", None),
        backend=getattr(args, "backend", None),
        model=getattr(args, "embed_model", None),
        base_url=getattr(args, "embed_base_url", None),
    )
    if _no_entries("embed", args.content):
        return 0
    with counting("embedding") as on_progress:
        report = embed_archive(args.content, args.state, embedder, on_progress)
    say(
        f"embed: {report.papers} entries, {report.embedded} embedded now, {report.papers - report.embedded} already "
        f"stored ({report.model}, {report.seconds:.1f}s) in {Store(args.state).root}"
    )
    return 0


def _embed_in_run(args: argparse.Namespace) -> int:
    """The run's semantic step, skipped with a note when the semantic extra is not installed."""
    from .errors import INSTALL_HINT
    from .semantic.stage import step_available

    if not args.embed:
        return 0
    if not step_available(getattr(args, "semantic_config", None)):
        say(f"embed: skipped; related papers, maps and similar_to rules need the semantic extra ({INSTALL_HINT})")
        return 0
    return cmd_embed(args)


def _deploy_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", type=Path, default=Path("output"), help="the built site (default: output/)")
    parser.add_argument(
        "--target",
        choices=list(DeployTarget),
        help="pages: check the site against GitHub Pages' limits (the workflow's Pages actions "
        "upload it); s3: upload to a bucket (default: $ACADEMICHUB_DEPLOY, else pages)",
    )
    parser.add_argument(
        "--state",
        type=Path,
        default=Path("state"),
        help="the size of each deploy goes to state/deploys.jsonl, for the status page (default: state/)",
    )
    parser.add_argument(
        "--bucket", default=Environment.read().s3_bucket or None, help="the bucket (default: $ACADEMICHUB_S3_BUCKET)"
    )
    parser.add_argument(
        "--endpoint-url",
        help="the S3 API's address, e.g. https://ACCOUNT.r2.cloudflarestorage.com "
        "(default: $AWS_ENDPOINT_URL_S3, $AWS_ENDPOINT_URL, else AWS)",
    )
    parser.add_argument("--region", help="the bucket's region; auto for R2 (default: $AWS_REGION, $AWS_DEFAULT_REGION)")
    parser.add_argument("--workers", type=int, default=16, help="uploads in flight at once (default: 16)")
    _add_lock(parser)


@command(
    "deploy",
    "publish the built site: check it for GitHub Pages, or upload what changed to an S3-compatible bucket",
    _deploy_arguments,
)
def cmd_deploy(args: argparse.Namespace) -> int:
    from .console import print_deploy_report
    from .publish import S3Target, deploy

    target = args.target or Environment.read().deploy or DeployTarget.PAGES
    s3 = None
    if target == DeployTarget.S3:
        if not args.bucket:
            raise DeployError("deploy --target s3 needs a bucket: --bucket NAME or ACADEMICHUB_S3_BUCKET")
        s3 = S3Target(args.bucket, endpoint_url=args.endpoint_url, region=args.region, workers=args.workers)
    with counting("uploading") as on_progress:
        report = deploy(args.output, target, args.state, s3=s3, on_progress=on_progress)
    print_deploy_report(report)
    return 0


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", type=Path, default=Path("output"), help="the built site (default: output/)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")


@command("serve", "preview the built website on http://127.0.0.1:8000/", _serve_arguments)
def cmd_serve(args: argparse.Namespace) -> int:
    from .site import make_server

    try:
        server = make_server(args.output, args.host, args.port)
    except OSError as exc:
        error(f"serve: {args.host}:{args.port}: {exc.strerror or exc}")
        return 1
    host, port = server.server_address[:2]
    say(f"serving {args.output} at http://{host}:{port}/ (Ctrl+C stops)")
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


def _mcp_arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--content", type=Path, default=Path("content"), help="a local archive (default: content/)")
    where.add_argument("--site", help="a published site's address: read its JSON API (api/v1/)")
    parser.add_argument("--state", type=Path, help="where the embeddings are (default: state/ beside --content)")
    parser.add_argument("--timeout", type=float, default=20, help="with --site: seconds per request (default: 20)")
    parser.add_argument(
        "--max-days", type=int, default=90, help="with --site: read the newest this many radar days (default: 90)"
    )


@command("mcp", "a Model Context Protocol server (stdio) over the archive or a published site", _mcp_arguments)
def cmd_mcp(args: argparse.Namespace) -> int:
    """A Model Context Protocol server on stdio (stdout carries the protocol: messages go to stderr)."""
    from .errors import ArchiveError
    from .mcp_server import from_content, from_site, serve

    try:
        import mcp  # noqa: F401
    except ImportError:
        error("academichub mcp needs the MCP SDK: pip install 'academichub[mcp]'")
        return 1
    try:
        if args.site:
            archive = from_site(args.site, timeout=args.timeout, max_days=args.max_days)
        else:
            archive = from_content(args.content, args.state)
    except ArchiveError as exc:
        error(str(exc))
        return 1
    logging.getLogger(__name__).info(
        "mcp: %d papers, %d briefs from %s", len(archive.papers), len(archive.briefs), archive.where
    )
    serve(archive)
    return 0


def _report(command: str, exc: AcademicHubError) -> int:
    """The one place an error reaches the terminal; returns the exit status it calls for."""
    if isinstance(exc, ConfigError):
        problems(exc.problems)
    else:
        error(f"{command}: {exc}")
    return exc.exit_code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="academichub", description="AcademicHub: a curated daily research radar.")
    parser.add_argument("--version", action="version", version=f"academichub {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    sub = parser.add_subparsers(dest="command", required=True)
    groups: dict[str, argparse._SubParsersAction] = {}
    for spec in COMMANDS:
        where = groups[spec.group] if spec.group else sub
        subparser = where.add_parser(spec.name, help=spec.help)
        spec.arguments(subparser)
        if spec.handler is None:
            groups[spec.name] = subparser.add_subparsers(dest=f"{spec.name}_command", required=True)
        else:
            subparser.set_defaults(func=spec.handler)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=[logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)],
        format="%(levelname)s %(name)s: %(message)s",
    )
    if getattr(args, "prepare", None):  # the folders a command works on, when they depend on what is here
        args.prepare(args)
    try:
        with _locked(args):
            return args.func(args)
    except AcademicHubError as exc:
        return _report(args.command, exc)
    except ModuleNotFoundError as exc:  # a command of an optional extra, without it: one line, no traceback
        missing = ExtraNotInstalled.of(exc)
        if missing is None:
            raise
        return _report(args.command, missing)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
