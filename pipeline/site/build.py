"""Building the site (Pelican, then the search index), pruning what no build wrote, and serving it."""

from __future__ import annotations

import functools
import hashlib
import http.server
import logging
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from pelican import Pelican
from pelican import __version__ as pelican_version
from pelican.settings import read_settings

from ..errors import SearchError, SiteError
from .search import SearchReport, index_site
from .writer import FeedWriter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    output: Path
    papers: int
    pelican_seconds: float
    search: SearchReport | None  # None when the build made no search index

    @property
    def search_seconds(self) -> float:
        return self.search.seconds if self.search else 0.0


def build(content: Path | None = None, output: Path | None = None, *, settings_file: Path | None = None,
          publish: bool = False, rules: Path | None = None, state: Path | None = None,
          siteurl: str | None = None, search: bool = True) -> BuildResult:
    """Build the site with Pelican, then index it with Pagefind."""
    settings_file = settings_file or Path("publishconf.py" if publish else "pelicanconf.py")
    if not settings_file.is_file():
        raise SiteError(f"{settings_file}: no Pelican settings file here; run from the project folder "
                        "or pass --settings")
    root = settings_file.resolve().parent
    override: dict = {}
    if content:
        override["PATH"] = str(content.resolve())
        if state is None and (content.resolve().parent / "state").is_dir():
            state = content.resolve().parent / "state"
    if output:
        override["OUTPUT_PATH"] = str(output.resolve())
    override["ACADEMICHUB_RULES"] = str((rules or root / "rules").resolve())
    override["ACADEMICHUB_STATE"] = str((state or root / "state").resolve())
    if siteurl:
        override["SITEURL"] = override["FEED_DOMAIN"] = siteurl.rstrip("/")
    try:
        settings = read_settings(str(settings_file), override=override)
    except ValueError as exc:  # Pelican's way of saying the content folder is missing
        raise SiteError(f"{content or 'content/'}: no content folder (run `academichub fetch` or "
                        f"`academichub demo` first): {exc}") from exc
    settings["CACHE_PATH"] = str(_cache_folder(Path(settings["CACHE_PATH"]), settings["PATH"], settings_file))
    if not settings.get("SITEURL", "").startswith(("http://", "https://")):
        raise SiteError(f"{settings_file}: SITEURL must be an absolute http(s) address (feeds need absolute ids)")
    if not Path(settings["PATH"]).is_dir():
        raise SiteError(f"{settings['PATH']}: no content folder (run `academichub fetch` or `academichub demo` first)")
    started = time.perf_counter()
    pelican = Pelican(settings)
    FeedWriter.active = None
    pelican.run()
    pelican_seconds = time.perf_counter() - started
    out = Path(settings["OUTPUT_PATH"])
    writer = FeedWriter.active
    if writer is not None:
        writer.save_keys()
        if not settings.get("DELETE_OUTPUT_DIRECTORY"):
            prune(out, writer._written_files)
    report = None
    if search and settings.get("PAGEFIND", True):
        try:
            report = index_site(out, settings.get("PAGEFIND_BUCKET_PAGES"),
                                cache=Path(settings["CACHE_PATH"]) / "search-pages.json")
        except SearchError as exc:
            raise SiteError(str(exc)) from exc
    papers = sum(1 for _ in Path(settings["PATH"]).rglob("*.md"))
    return BuildResult(out, papers, pelican_seconds, report)


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
    modules = [*sorted((package / "site").rglob("*.py")), *sorted((package / "archive").glob("*.py")), package / "models.py"]
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
                if name.endswith((".html", ".xml", ".json")) and path not in keep:
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
