"""Debian's Chromium as the tests drive it (never a browser Playwright downloads), and a built site
served on 127.0.0.1 for it."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
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
