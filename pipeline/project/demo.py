"""``academichub demo``: the whole pipeline on real captured feeds bundled with the package.

The samples are served from 127.0.0.1 by a small HTTP server in a thread, so
the demo exercises exactly the code a real run uses: HTTP client, parsers,
normalisation, curation and writing.  No network and no API key are needed.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ..brief.report import BriefReport
from ..config import load_rules
from ..fetch.job import FetchSummary, run_fetch
from ..fetch.sources import SourcesFile
from ..layout import Layout

if TYPE_CHECKING:
    from ..site.build import BuildResult

# Where the demo writes when not told (`academichub demo --out`), and where `academichub brief` looks next
DEMO_OUT = Path("demo")
# The day of the bundled cs.* announcement feeds
DEMO_DAY = date(2026, 4, 27)
# API paths the samples answer, by prefix
ROUTES = {
    "/crossref/works": "works-query-ecology-rows2-2026-06-16.json",
    "/biorxiv/details/": "biorxiv-api-details-cancer-biology-2026-09-07-truncated.json",
    "/medrxiv/details/": "medrxiv-api-details-2026-09-15-3of72-reserialized.json",
}


def samples_dir() -> Path:
    return Path(str(resources.files("pipeline.project") / "samples"))


class _SampleHandler(BaseHTTPRequestHandler):
    feeds: Path

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0]
        name = next((f for prefix, f in ROUTES.items() if path.startswith(prefix)), path.lstrip("/"))
        file = self.feeds / Path(name).name
        if not file.is_file():
            self.send_error(404)
            return
        body = file.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if file.suffix == ".json" else "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve_samples():
    """Serve the bundled feeds on 127.0.0.1; yields the base URL."""
    handler = type("Handler", (_SampleHandler,), {"feeds": samples_dir() / "feeds"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def demo_sources(base: str) -> SourcesFile:
    text = (samples_dir() / "sources.yml").read_text(encoding="utf-8").replace("{base}", base)
    return SourcesFile.model_validate(yaml.safe_load(text))


def project_or_packaged(name: str) -> Path:
    """``name`` in the current folder when it is a project folder, else the copy the package ships."""
    from .scaffold import skeleton

    here = Path(name)
    return here if here.exists() else skeleton() / name


def demo_settings(out: Path) -> Path:
    """The current folder's pelicanconf.py when it is a project folder, else a new radar's, in ``out``."""
    from ..files import atomic_write
    from .scaffold import SiteChoices, pelican_settings

    here = Path("pelicanconf.py")
    if here.exists():
        return here
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "pelicanconf.py", pelican_settings(SiteChoices(name="AcademicHub demo")).encode())
    return out / "pelicanconf.py"


@dataclass(frozen=True)
class Demo:
    """What the demo did: the fetch, the briefs and the site (neither when no entry was written)."""

    summary: FetchSummary
    entries: int
    briefs: BriefReport | None = None
    site: BuildResult | None = None


def run_demo(out: Path, rules_dir: Path | None = None) -> Demo:
    """fetch (bundled feeds) → extractive briefs (no API key) → website in ``out/output``.

    Runs from any folder: without ``rules_dir``, the rules and site settings of the current
    folder are used when it has them, else those the package ships.  Raises SiteError.
    """
    from ..brief import load_config, resolve_settings, run_brief
    from ..site import build

    rules_dir = rules_dir or project_or_packaged("rules")
    rules = load_rules(rules_dir)
    layout = Layout(out / "content", out / "state")
    with serve_samples() as base:
        summary = run_fetch(demo_sources(base), rules, layout, DEMO_DAY)
    entries = sum(1 for _ in layout.entry_files())
    if not entries:
        return Demo(summary, 0)
    briefs = run_brief(layout, resolve_settings(load_config(None), extractive=True), rules_dir=rules_dir, day=DEMO_DAY)
    site = build(layout.content, out / "output", settings_file=demo_settings(out), rules=rules_dir, state=layout.state)
    return Demo(summary, entries, briefs, site)
