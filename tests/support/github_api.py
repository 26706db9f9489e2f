"""GitHub as the tests see it: a stand-in for its Issues API on 127.0.0.1, talked to by the real
HTTP client, and the mentions its renderer would find in a piece of Markdown."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import cmarkgfm
from lxml import html

REPO = "radar/site"

# GitHub renders Markdown with cmark-gfm, then finds mentions in the HTML's text outside <pre>, <code>
# and <a> (the pattern of html-pipeline's MentionFilter, where GitHub's began; a team is @org/team)
_MENTION = re.compile(
    r"(?:^|\W)@([a-z0-9][a-z0-9-]*(?:/[a-z0-9][a-z0-9_.-]*)?)"
    r"(?=\.+[ \t\W]|\.+$|[^0-9a-z_.]|$)",
    re.IGNORECASE | re.MULTILINE,
)


def rendered(markdown: str) -> tuple[str, list[str]]:
    """What GitHub shows of ``markdown`` (the text of its HTML) and whom it would notify."""
    tree = html.fragment_fromstring(cmarkgfm.github_flavored_markdown_to_html(markdown), create_parent="div")
    outside = "\n".join(tree.xpath("//text()[not(ancestor::pre or ancestor::code or ancestor::a)]"))
    return tree.text_content(), _MENTION.findall(outside)


class FakeGitHub:
    """Just enough of the Issues API: list, create, edit, comment; remembers every request."""

    def __init__(self, token: str = "t0ken"):
        self.issues: dict[int, dict] = {}
        self.comments: dict[int, list[str]] = {}
        self.requests: list[tuple[str, str]] = []
        self.token = token
        self.fail_with = 0

    def __enter__(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, status: int, body) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str) -> None:
                url = urlsplit(self.path)
                fake.requests.append((method, self.path))
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else {}
                if self.headers.get("Authorization") != f"Bearer {fake.token}":
                    return self._reply(401, {"message": "Bad credentials"})
                if fake.fail_with:
                    return self._reply(fake.fail_with, {"message": "Server Error"})
                prefix = f"/repos/{REPO}/issues"
                if method == "GET" and url.path == prefix:
                    query = parse_qs(url.query)
                    found = [
                        i
                        for i in fake.issues.values()
                        if i["state"] == query["state"][0]
                        and ("labels" not in query or query["labels"][0] in i["labels"])
                    ]
                    return self._reply(200, found)
                if method == "POST" and url.path == prefix:
                    number = len(fake.issues) + 1
                    fake.issues[number] = {
                        "number": number,
                        "state": "open",
                        "title": body["title"],
                        "body": body["body"],
                        "labels": body.get("labels", []),
                    }
                    return self._reply(201, fake.issues[number])
                number = int(url.path[len(prefix) + 1 :].split("/")[0])
                if method == "PATCH":
                    fake.issues[number].update(body)
                    return self._reply(200, fake.issues[number])
                if method == "POST" and url.path.endswith("/comments"):
                    fake.comments.setdefault(number, []).append(body["body"])
                    return self._reply(201, {"id": 1})
                return self._reply(404, {"message": "Not Found"})

            def do_GET(self):  # noqa: N802
                self._handle("GET")

            def do_POST(self):  # noqa: N802
                self._handle("POST")

            def do_PATCH(self):  # noqa: N802
                self._handle("PATCH")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
