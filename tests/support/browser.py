"""Debian's Chromium as the tests drive it (never a browser Playwright downloads), and a built site
served on 127.0.0.1 for it."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).parents[1] / "vendor" / "axe-core" / "axe.min.js"
NO_CHROMIUM = "needs Debian's chromium at /usr/bin/chromium"


@contextmanager
def running(server):
    """An HTTP server on 127.0.0.1 answering in a thread of its own until the block ends; its base URL."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serving(output: Path):
    """A built site served on 127.0.0.1; its base URL."""
    from pipeline.site import make_server

    with running(make_server(output, port=0)) as base:
        yield base + "/"


@contextmanager
def serving_gzip(output: Path):
    """A built site served on 127.0.0.1 as a static host serves it: each file gzip-compressed for a browser that
    accepts it, never cached (so the browser's resource timing counts the bytes a reader downloads); its base URL."""
    import functools
    import gzip
    import io

    from pipeline.site import make_server

    server = make_server(output, port=0)
    handler = server.RequestHandlerClass  # functools.partial(the site's handler, directory=output)

    class Gzipped(handler.func):
        def send_head(self):
            path = Path(self.translate_path(self.path))
            path = path / "index.html" if path.is_dir() else path
            if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
                return super().send_head()
            body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            return io.BytesIO(body)

    server.RequestHandlerClass = functools.partial(Gzipped, *handler.args, **handler.keywords)
    with running(server) as base:
        yield base + "/"
