"""Lighthouse on the bundled sample site: performance, accessibility, best practices and SEO.

    npm ci --prefix bench/lighthouse          # once (Lighthouse 12.2.3; never a browser download)
    python bench/bench_lighthouse.py [--runs 3] [--keep DIR]

The demo (``academichub demo``: the bundled feeds, extractive briefs) is built into a temporary
folder and served on 127.0.0.1 with gzip for text files, as GitHub Pages and a bucket's CDN serve
it; Lighthouse (mobile, its default throttling) runs in Debian's Chromium on the home page, a paper
page, the daily brief and the radar page (a landing page of its own, indexed and in the sitemap). Each
score is the median of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import io
import json
import statistics
import subprocess
import sys
import tempfile
import threading
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.project.demo import run_demo

LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
FLAGS = (
    "--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking "
    "--disable-component-update --disable-sync"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TEXT = (".html", ".css", ".js", ".json", ".xml", ".txt", ".svg", ".opml")


class Gzipped(http.server.SimpleHTTPRequestHandler):
    """A static host: text files gzip-compressed when the browser accepts it, as Pages serves them."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not (path.suffix in TEXT and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, *args) -> None:
        pass


def audit(url: str, report: Path) -> dict[str, int]:
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags={FLAGS}",
            f"--only-categories={','.join(CATEGORIES)}",
        ],
        check=True,
        env={"CHROME_PATH": CHROMIUM, "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    categories = json.loads(report.read_text(encoding="utf-8"))["categories"]
    return {name: round(categories[name]["score"] * 100) for name in CATEGORIES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the reports (JSON) in this folder")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: npm ci --prefix bench/lighthouse")
    with tempfile.TemporaryDirectory() as tmp:
        demo = run_demo(Path(tmp) / "demo")
        if demo.site is None:
            raise SystemExit("the demo wrote no site")
        output = demo.site.output
        paper = sorted((output / "papers").glob("*.html"))[0].relative_to(output).as_posix()
        brief = sorted((output / "briefs").glob("*.html"))[-1].relative_to(output).as_posix()
        pages = {"home": "", "paper": paper, "daily brief": brief, "radar": "radar.html"}
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Gzipped, directory=str(output)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        reports = args.keep or Path(tmp) / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        print(f"| page | {' | '.join(CATEGORIES)} |\n|---|{'---|' * len(CATEGORIES)}")
        try:
            for name, path in pages.items():
                runs = [audit(base + path, reports / f"{name.replace(' ', '-')}-{n}.json") for n in range(args.runs)]
                medians = {c: int(statistics.median(r[c] for r in runs)) for c in CATEGORIES}
                print(
                    f"| {name} (`{path or 'index.html'}`) | " + " | ".join(str(medians[c]) for c in CATEGORIES) + " |"
                )
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
