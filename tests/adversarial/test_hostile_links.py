"""Links a published site gives, through the real `academichub mcp --site` against a server on 127.0.0.1
that decodes and resolves paths as web servers do."""

from __future__ import annotations

import json
import threading

import pytest


@pytest.mark.parametrize(
    "link",
    [
        "api/v1/%2E%2E%2F%2E%2E%2F%2E%2E%2Fsecret.json",
        "%2e%2e/secret.json",
        "api/v1/%252e%252e/%252e%252e/%252e%252e/secret.json",
        "api/v1/..%5c..%5c..%5csecret.json",
    ],
)
def test_mcp_site_never_follows_an_encoded_link_outside_the_site(run_cli, tmp_path, case, link):
    """A server that decodes and resolves paths as web servers do; the index points outside the site."""
    import http.server
    import posixpath
    from urllib.parse import unquote, urlsplit

    requested: list[str] = []
    index = {"api_version": 1, "days": [{"api": link}], "briefs": []}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            path = posixpath.normpath(unquote(urlsplit(self.path).path))
            requested.append(path)
            outside = {"date": "2026-04-27", "papers": [{"id": "arxiv:secret", "title": "a file outside the site"}]}
            body = json.dumps(index if path == "/site/api/v1/index.json" else outside)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        done = run_cli("mcp", "--site", f"http://127.0.0.1:{server.server_address[1]}/site/")
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 1 and "a link outside the site" in done.stderr, done.stderr
    assert requested == ["/site/api/v1/index.json"]
    case(
        "links",
        f"`academichub mcp --site`: the site's API index links a day to {link}",
        "normalised (percent-decoded, dot segments) before the same-site check: refused, never requested",
        "exit 1: a link outside the site; 1 request (the index)",
    )
