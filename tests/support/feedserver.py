"""A feed server on 127.0.0.1 for integration tests: captured responses plus injectable faults."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FEEDS = Path(__file__).parents[1] / "fixtures" / "feeds"


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/xml"
    delay: float = 0.0  # seconds before answering (a timeout test sets it above the read timeout)
    fail_first: int = 0  # answer the first N requests with fail_status
    fail_status: int = 503
    retry_after: str | None = None
    etag: bool = False  # send an ETag and honour If-None-Match
    # query value of `page_param` -> body, or bodies answered in turn (the last one then repeats)
    pages: dict[str, bytes | list[bytes]] = field(default_factory=dict)
    page_param: str = ""
    trickle: float = 0.0  # seconds between 1 KB chunks of the body (a slow body)
    truncate_to: int | None = None  # declare the full length, send only this many bytes, close
    encoding: str = ""  # a Content-Encoding header (the body is sent as given: gzip it first)
    # the test's signal: without ``stall``, the answer waits until it is set (a run held inside its
    # fetch); with ``stall`` ("headers" or "body"), that part trickles a byte at a time until it is set
    hold: threading.Event | None = None
    stall: str = ""
    hits: int = 0
    page_hits: dict[str, int] = field(default_factory=dict)


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                server._handle(self)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def add(self, path: str, fixture: str | None = None, **kwargs) -> Route:
        body = (FEEDS / fixture).read_bytes() if fixture else kwargs.pop("body", b"")
        if fixture and fixture.endswith(".json"):
            kwargs.setdefault("content_type", "application/json")
        route = Route(body=body, **kwargs)
        self.routes[path] = route
        return route

    def requests_to(self, path: str) -> list[dict]:
        return [r for r in self.log if r["path"] == path]

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.log.append({"path": parts.path, "query": query, "headers": dict(handler.headers), "at": time.monotonic()})
        route = next(
            (
                r
                for p, r in self.routes.items()
                if parts.path == p or (p.endswith("*") and parts.path.startswith(p[:-1]))
            ),
            None,
        )
        if route is None:
            handler.send_error(404)
            return
        route.hits += 1
        if route.delay:
            time.sleep(route.delay)
        if route.hold is not None and not route.stall:
            route.hold.wait()
        if route.hits <= route.fail_first:
            handler.send_response(route.fail_status)
            if route.retry_after is not None:
                handler.send_header("Retry-After", route.retry_after)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        body = route.body
        if route.page_param:
            key = query.get(route.page_param, "")
            body = route.pages.get(key, route.body)
            if isinstance(body, list):
                route.page_hits[key] = route.page_hits.get(key, 0) + 1
                body = body[min(route.page_hits[key], len(body)) - 1]
        tag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if route.etag and handler.headers.get("If-None-Match") == tag:
            handler.send_response(304)
            handler.send_header("ETag", tag)
            handler.end_headers()
            return
        if route.stall == "headers":
            self._trickle(handler, b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1_000_000, route.hold)
            return
        handler.send_response(route.status)
        handler.send_header("Content-Type", route.content_type)
        handler.send_header("Content-Length", str(len(body)))
        if route.encoding:
            handler.send_header("Content-Encoding", route.encoding)
        if route.etag:
            handler.send_header("ETag", tag)
            handler.send_header("Last-Modified", formatdate(usegmt=True))
        handler.end_headers()
        try:
            if route.truncate_to is not None:
                handler.wfile.write(body[: route.truncate_to])
                handler.wfile.flush()
                handler.close_connection = True
            elif route.stall == "body":
                self._trickle(handler, body, route.hold)
            elif route.trickle:
                for start in range(0, len(body), 1024):
                    handler.wfile.write(body[start : start + 1024])
                    handler.wfile.flush()
                    time.sleep(route.trickle)
            else:
                handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    @staticmethod
    def _trickle(handler: BaseHTTPRequestHandler, data: bytes, hold: threading.Event) -> None:
        """Send ``data`` a byte every 50 ms until ``hold`` is set, then close the connection."""
        handler.close_connection = True
        try:
            for byte in data:
                if hold.wait(0.05):
                    return
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up: what the test wants
            pass

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
