"""Building the site (Pelican, then the search index), pruning what no build wrote, and serving it."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
import hashlib
import http.server
import logging
import multiprocessing
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from pelican import Pelican
from pelican import __version__ as pelican_version
from pelican.settings import load_source, read_settings
from pelican.utils import clean_output_dir

from ..archive.checkout import open_index, sparse_checkout
from ..config.takedowns import load_takedowns
from ..errors import SearchError, SiteError
from ..layout import Layout
from .periods import DEFAULT_CURRENT_PAPERS, Manifest, Period, Tiers, manifest_path, plan, reusable
from .search import SearchReport, index_site
from .settings import KEY, SiteSettings, site_settings, update
from .views import load_topics
from .writer import FeedWriter, pages_key, render_digest

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    output: Path
    papers: int
    pelican_seconds: float
    search: SearchReport | None  # None when the build made no search index
    shards_built: tuple[str, ...] = ()  # closed months built by this build (periods.py)
    shards_kept: tuple[str, ...] = ()  # closed months whose earlier shard still stands

    @property
    def search_seconds(self) -> float:
        return self.search.seconds if self.search else 0.0


def build(
    content: Path | None = None,
    output: Path | None = None,
    *,
    settings_file: Path | None = None,
    publish: bool = False,
    rules: Path | None = None,
    state: Path | None = None,
    siteurl: str | None = None,
    search: bool = True,
    jobs: int = 1,
    period: str | None = None,
    takedowns: Path | None = None,
) -> BuildResult:
    """Build the site: the closed months' shards that changed (``jobs`` at a time), then the current
    tier with Pelican, then the search index. ``period`` builds that closed month's shard only (one
    job of a workflow matrix; the build that follows finds it done). ``takedowns`` lists papers the site
    leaves out (default: ``takedowns.yml`` beside the settings file)."""
    settings_file = settings_file or Path("publishconf.py" if publish else "pelicanconf.py")
    settings = _settings(settings_file, content, output, rules, state, siteurl, takedowns)
    load_takedowns(site_settings(settings).takedowns)  # a mistake in it is reported before anything is built
    root = Path(settings["PATH"])
    out = Path(settings["OUTPUT_PATH"])
    shards = Shards(settings_file, settings, out)
    tiers = _checked_out(settings, shards)
    if settings.get("DELETE_OUTPUT_DIRECTORY") and period is None:
        # emptied here, once, before the shards are built into it (Pelican would empty it again for each run)
        clean_output_dir(str(out), settings.get("OUTPUT_RETENTION", []))
    settings["DELETE_OUTPUT_DIRECTORY"] = False
    started = time.perf_counter()
    if period is not None:
        chosen = [p for p in tiers.closed if p.month == period]
        if not chosen:
            closed = ", ".join(p.month for p in tiers.closed) or "none"
            raise SiteError(
                f"{root}: {period} is not a closed month of this archive (closed: {closed}); "
                "the current tier is built by `academichub build` without --period"
            )
        shards.build(chosen, jobs=1)
        return BuildResult(out, len(chosen[0].papers), time.perf_counter() - started, None, (period,))
    manifests, stale = shards.check(tiers.closed)
    manifests += shards.build(stale, jobs=jobs)
    manifests.sort(key=lambda m: m.month)
    settings["ARTICLE_PATHS"] = tiers.current_paths
    update(settings, closed=tuple(manifests))
    writer = _run_pelican(settings)
    pelican_seconds = time.perf_counter() - started
    if writer is not None:
        writer.save_keys()
        kept = {os.path.join(out, name) for m in manifests for name in m.files}
        prune(out, writer._written_files | kept)
    report = None
    if search and settings.get("PAGEFIND", True):
        try:
            report = index_site(
                out, settings.get("PAGEFIND_BUCKET_PAGES"), cache=Path(settings["CACHE_PATH"]) / "search-pages.json"
            )
        except SearchError as exc:
            raise SiteError(str(exc)) from exc
    return BuildResult(
        out,
        tiers.entries,
        pelican_seconds,
        report,
        tuple(p.month for p in stale),
        tuple(m.month for m in manifests if m.month not in {p.month for p in stale}),
    )


def periods_report(
    content: Path | None = None,
    output: Path | None = None,
    *,
    settings_file: Path | None = None,
    publish: bool = False,
    siteurl: str | None = None,
) -> dict:
    """The archive's months: the closed ones (papers, whether their shard stands) and the current tier's."""
    settings_file = settings_file or Path("publishconf.py" if publish else "pelicanconf.py")
    settings = _settings(settings_file, content, output, None, None, siteurl)
    tiers = _plan(settings)
    shards = Shards(settings_file, settings, Path(settings["OUTPUT_PATH"]))
    kept, _ = shards.check(tiers.closed)
    built = {m.month for m in kept}
    return {
        "closed": [{"month": p.month, "papers": len(p.papers), "built": p.month in built} for p in tiers.closed],
        "current": [{"month": p.month, "papers": len(p.papers)} for p in tiers.current],
    }


def _plan(settings: dict, listed: dict[str, str] | None = None) -> Tiers:
    return plan(
        Path(settings["PATH"]),
        int(settings.get("ARCHIVE_CURRENT_PAPERS", DEFAULT_CURRENT_PAPERS) or 0),
        cache=Path(settings["CACHE_PATH"]) / "periods" / "entries.json",
        listed=listed,
    )


def _checked_out(settings: dict, shards: Shards) -> Tiers:
    """The archive's tiers, with what the build needs checked out when ``content/`` is a sparse
    checkout (the daily job's): the current tier's entries, and a closed month's when its shard must
    be built again or one of its entries changed; a closed month left out whose shard stands is kept
    as built.  Git downloads what it checks out, so a daily build's checkout follows the current tier."""
    root = Path(settings["PATH"])
    checkout = sparse_checkout(root)
    if checkout is None:
        return _plan(settings)
    index = open_index(Layout(root, site_settings(settings).state), checkout)  # a month read when it must be
    listed = {rel: day[:7] for rel, day in index.days().items()}  # the months left out: from their key files
    tiers = _plan(settings, listed)
    wanted = [rel for period in tiers.current for rel in period.absent]
    _, stale = shards.check([p for p in tiers.closed if p.absent])
    wanted += [rel for period in stale for rel in period.absent]
    if wanted:
        checkout(wanted)
        tiers = _plan(settings, listed)
    update(settings, left_out=frozenset(rel for period in tiers.closed + tiers.current for rel in period.absent))
    return tiers


def read_site_settings(settings_file: Path) -> dict:
    """A settings file as Pelican reads it (its folder's content/ need not exist)."""
    return read_settings(str(settings_file), override={"PATH": str(settings_file.resolve().parent)})


def _settings(
    settings_file: Path,
    content: Path | None,
    output: Path | None,
    rules: Path | None,
    state: Path | None,
    siteurl: str | None,
    takedowns: Path | None = None,
) -> dict:
    """Pelican's settings for this build: the settings file with the command's folders and address."""
    if not settings_file.is_file():
        raise SiteError(
            f"{settings_file}: no Pelican settings file here; run from the project folder or pass --settings"
        )
    root = settings_file.resolve().parent
    override: dict = {}
    if content:
        override["PATH"] = str(content.resolve())
        if state is None and (content.resolve().parent / "state").is_dir():
            state = content.resolve().parent / "state"
    if output:
        override["OUTPUT_PATH"] = str(output.resolve())
    if siteurl:
        override["SITEURL"] = override["FEED_DOMAIN"] = siteurl.rstrip("/")
    try:
        settings = read_settings(str(settings_file), override=override)
    except ValueError as exc:  # Pelican's way of saying the content folder is missing
        raise SiteError(
            f"{content or 'content/'}: no content folder (run `academichub fetch` or `academichub demo` first): {exc}"
        ) from exc
    _radar_theme(settings, root)
    settings[KEY] = SiteSettings(
        rules=(rules or root / "rules").resolve(),
        state=(state or root / "state").resolve(),
        takedowns=(takedowns or root / "takedowns.yml").resolve(),
    )
    settings["CACHE_PATH"] = str(_cache_folder(Path(settings["CACHE_PATH"]), settings["PATH"], settings_file))
    if not settings.get("SITEURL", "").startswith(("http://", "https://")):
        raise SiteError(f"{settings_file}: SITEURL must be an absolute http(s) address (feeds need absolute ids)")
    if not Path(settings["PATH"]).is_dir():
        raise SiteError(f"{settings['PATH']}: no content folder (run `academichub fetch` or `academichub demo` first)")
    return settings


def _radar_theme(settings: dict, root: Path) -> None:
    """A radar's own templates and static files, in folders beside its settings file: its templates
    are searched before the package's theme, its static files copied over the theme's."""
    overrides = settings.get("THEME_TEMPLATES_OVERRIDES", [])
    settings["THEME_TEMPLATES_OVERRIDES"] = [str(root / folder) for folder in overrides]
    static = root / settings.get("RADAR_STATIC", "static")
    if settings.get("RADAR_STATIC") and static.is_dir():
        settings["THEME_STATIC_PATHS"] = [*settings.get("THEME_STATIC_PATHS", ["static"]), str(static)]
    for sheet in settings.get("EXTRA_CSS", []):
        if not (static / sheet).is_file():
            raise SiteError(f"{root / 'pelicanconf.py'}: EXTRA_CSS names {sheet}, which is not in {static}")


def _run_pelican(settings: dict) -> FeedWriter | None:
    """One Pelican run; the writer it used (None when Pelican used its own)."""
    pelican = Pelican(settings)
    FeedWriter.active = None
    pelican.run()
    return FeedWriter.active


class Shards:
    """The closed months' shards of one site (see periods.py): which still stand, and building the others."""

    def __init__(self, settings_file: Path, settings: dict, output: Path):
        self.settings_file, self.settings, self.output = settings_file, settings, output
        self.content = Path(settings["PATH"])
        self.folder = Path(settings["CACHE_PATH"]) / "periods"
        # what a shard's pages depend on besides its entries (the cache folder's name covers the
        # code, the settings file and Pelican's version)
        topics = load_topics(site_settings(settings).rules)
        self.stamp = render_digest(
            Path(settings["CACHE_PATH"]).name, pages_key(settings, Path(settings["THEME"]), topics)
        )

    def check(self, closed: list[Period]) -> tuple[list[Manifest], list[Period]]:
        """The manifests of the shards that still stand, and the months to build again."""
        kept, stale = [], []
        for period in closed:
            manifest = Manifest.load(manifest_path(self.folder, period.month))
            if reusable(manifest, period, self.stamp, self.content, self.output):
                if manifest.listing != period.listing:  # the same entries, touched (a fresh checkout)
                    manifest = dataclasses.replace(manifest, listing=period.listing)
                    manifest.save(self.folder)
                kept.append(manifest)
            else:
                stale.append(period)
        return kept, stale

    def build(self, periods: list[Period], jobs: int = 1) -> list[Manifest]:
        """Build these months' shards, ``jobs`` processes at a time; their manifests."""
        tasks = [(self.settings_file, self.settings, period, self.stamp) for period in periods]
        if jobs <= 1 or len(tasks) <= 1:
            return [_build_shard(*task) for task in tasks]
        # each shard is a Pelican run of its own: fresh processes, so that no state of one run leaks into another;
        # each loads the settings file first, as this process did, for the settings that name its functions
        with concurrent.futures.ProcessPoolExecutor(
            min(jobs, len(tasks)),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_load_settings_module,
            initargs=(self.settings_file.resolve(),),
        ) as pool:
            return list(pool.map(_build_shard, *zip(*tasks)))


def _load_settings_module(settings_file: Path) -> None:
    """In a shard's process, before its task arrives: the settings file as the module Pelican made of it.

    Settings may be functions of that file (``ARTICLE_ORDER_BY``), which travel to the process by the
    module's name; a spawned process imports nothing from the folder the settings file is in (nor from
    the folder the command was started in), so it loads the file under the name Pelican gave it, with
    its folder importable for a ``publishconf.py`` that imports ``pelicanconf``.
    """
    folder = str(settings_file.parent)
    if folder not in sys.path:
        sys.path.append(folder)
    load_source(settings_file.stem, str(settings_file))


def _build_shard(settings_file: Path, settings: dict, period: Period, stamp: str) -> Manifest:
    """A closed month's shard: its papers' lean pages, its days' and briefs' pages and API files."""
    started = time.perf_counter()
    folder = Path(settings["CACHE_PATH"]) / "periods"
    previous = Manifest.load(manifest_path(folder, period.month))
    manifest_path(folder, period.month).unlink(missing_ok=True)  # a shard half rebuilt never looks complete
    site = dataclasses.replace(site_settings(settings), period=period.month)
    shard = {
        **settings,
        "ARTICLE_PATHS": period.paths,
        KEY: site,
        "DIRECT_TEMPLATES": [],
        "CATEGORY_SAVE_AS": "",
        "TAG_SAVE_AS": "",
        "AUTHOR_SAVE_AS": "",
        "THEME_STATIC_PATHS": [],
        "STATIC_PATHS": [],  # the theme's files are the current tier's
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
        "JINJA_FILTERS": dict(settings.get("JINJA_FILTERS", {})),
        "CACHE_PATH": str(folder / f".{period.month}"),
    }
    writer = _run_pelican(shard)
    if writer is None or writer.period_record is None:
        raise SiteError(f"{settings_file}: the site plugin (pipeline.site) did not run for {period.month}")
    out = Path(settings["OUTPUT_PATH"])
    files = sorted(os.path.relpath(path, out) for path in writer._written_files)
    manifest = Manifest.of(
        month=period.month,
        stamp=stamp,
        listing=period.listing,
        digest=period.digest(Path(settings["PATH"])),
        files=files,
        **writer.period_record,
    )
    if previous is not None:  # pages of entries that left the month
        for name in set(previous.files) - set(files):
            (out / name).unlink(missing_ok=True)
    manifest.save(folder)
    log.info(
        "site: built the shard of %s (%d papers) in %.1fs",
        period.month,
        len(period.papers),
        time.perf_counter() - started,
    )
    return manifest


def _cache_folder(caches: Path, content: str, settings_file: Path) -> Path:
    """The folder of Pelican's content cache for this content folder and this code.

    The cache holds Article objects as this module prepared them, so it is keyed by this module's
    code, the settings file and Pelican's version (a change never reads stale objects), and by the
    content folder (two sites built from one project keep a cache each). Caches of the same content
    folder made by other code are removed, and so are caches named as earlier versions named them
    (twelve hex digits): they would never be read again, and the daily job keeps the whole cache
    folder between runs.
    """
    site = hashlib.sha1(content.encode()).hexdigest()[:8]
    # the cache holds what the site's code made of the entries: any change to a module of the site, of
    # the archive (the entry format) or of the records (or to the settings, or to Pelican) is a new folder
    package = Path(__file__).parent.parent
    modules = [
        *sorted((package / "site").rglob("*.py")),
        *sorted((package / "archive").glob("*.py")),
        package / "models.py",
    ]
    source = b"".join(path.read_bytes() for path in modules)
    code = hashlib.sha1(source + settings_file.read_bytes() + pelican_version.encode()).hexdigest()[:12]
    folder = caches / f"{site}-{code}"
    if caches.is_dir():
        for other in caches.iterdir():
            stale = other.name.startswith(f"{site}-") or re.fullmatch("[0-9a-f]{12}", other.name)
            if other.is_dir() and stale and other != folder:
                shutil.rmtree(other, ignore_errors=True)
                log.info("site: removed the content cache of an earlier version (%s)", other)
    return folder


PRUNED = ("papers", "briefs", "authors", "tags", "topics", "archive", "feeds", "api")


def prune(output: Path, written: set[str]) -> int:
    """Remove pages and feeds this build did not produce (an entry or author that is gone).

    The output folder is kept between builds so unchanged pages need no rendering; this keeps
    it exactly what a build into an empty folder would hold.
    """
    # both sides are absolute paths under the same output folder: abspath is enough (realpath
    # costs several system calls a file, seconds for the ~40,000 files of a large archive)
    keep = {os.path.abspath(p) for p in written}
    removed = 0
    for folder in PRUNED:
        for root, _, files in os.walk(os.path.abspath(output / folder)):
            for name in files:
                path = os.path.join(root, name)
                if name.endswith((".html", ".xml", ".json", ".bib", ".ris")) and path not in keep:
                    os.unlink(path)
                    removed += 1
    if removed:
        log.info("site: removed %d pages and feeds of entries that are gone", removed)
    return removed


class _Handler(http.server.SimpleHTTPRequestHandler):
    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        log.info("%s - %s", self.address_string(), format % args)


def make_server(output: Path, host: str = "127.0.0.1", port: int = 8000) -> http.server.ThreadingHTTPServer:
    """An HTTP server for a built site (404.html for missing pages); port 0 picks a free port."""
    if not (output / "index.html").is_file():
        raise SiteError(f"{output}: no built site here (run `academichub build` first)")
    handler = functools.partial(_Handler, directory=str(output))
    return http.server.ThreadingHTTPServer((host, port), handler)
