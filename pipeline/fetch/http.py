"""The one HTTP client of a run: polite, retrying, conditional.

* a User-Agent naming the project and a contact address;
* connect/read timeouts, and one wall-clock deadline (``total_timeout``) around each whole request:
  connecting, the headers and the body, however slowly a server trickles them;
* at most ``max_bytes`` of body, counted after decompression and while streaming (a gzip bomb
  is stopped at the limit, never inflated in memory);
* retries with exponential backoff on 429/5xx and timeouts, honouring ``Retry-After``;
* at most one request per ``arxiv_interval`` seconds to arXiv hosts, counted from the end of the last answer;
* conditional GET (ETag / Last-Modified) so an unchanged feed costs one 304.
"""

from __future__ import annotations

import email.utils
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests

from ..config import HttpSettings
from ..errors import HttpError

RETRY_STATUS = {429, 500, 502, 503, 504}
CHUNK = 64 * 1024  # bytes decompressed and read at a time
ARXIV_HOSTS = ("arxiv.org",)


@dataclass
class Response:
    url: str
    status: int
    content: bytes
    headers: dict

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


class Client:
    def __init__(self, settings: HttpSettings, cache_file: Path | None = None, sleep=time.sleep):
        self.settings = settings
        self.session = requests.Session()
        agent = settings.user_agent + (f" mailto:{settings.contact}" if settings.contact else "")
        self.session.headers["User-Agent"] = agent
        self.cache_file = cache_file
        self.validators: dict[str, dict] = {}
        if cache_file and cache_file.exists():
            try:
                self.validators = json.loads(cache_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.validators = {}
        self._sleep = sleep
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        self.requests_made = 0
        self.touched: list[str] = []  # URLs requested since the caller last cleared it

    def _spaced(self, url: str, polite: bool) -> bool:
        host = urlsplit(url).hostname or ""
        return bool(self.settings.arxiv_interval) and (polite or host.endswith(ARXIV_HOSTS))

    def _throttle(self, url: str, polite: bool) -> None:
        if not self._spaced(url, polite):
            return
        with self._lock:
            wait = self._last.get("arxiv", 0.0) + self.settings.arxiv_interval - time.monotonic()
            if wait > 0:
                self._sleep(wait)
            self._last["arxiv"] = time.monotonic()

    def _answered(self, url: str, polite: bool) -> None:
        """The spacing counts from the end of the last exchange too: a slow answer is no reason to ask sooner."""
        if self._spaced(url, polite):
            with self._lock:
                self._last["arxiv"] = time.monotonic()

    def get(self, url: str, params: dict | None = None, conditional: bool = False, polite: bool = False) -> Response:
        """GET with retries.  Raises HttpError; returns status 304 responses as-is."""
        s = self.settings
        full = requests.Request("GET", url, params=params).prepare().url or url
        self.touched.append(full)
        headers = {}
        if conditional and full in self.validators:
            cached = self.validators[full]
            if cached.get("etag"):
                headers["If-None-Match"] = cached["etag"]
            if cached.get("last_modified"):
                headers["If-Modified-Since"] = cached["last_modified"]
        attempt = 0
        while True:
            self._throttle(full, polite)
            self.requests_made += 1
            status, body, error, answer, expired = None, b"", None, None, False
            try:
                answer = self._within_deadline(full, headers)
                self._answered(full, polite)
                if answer is None:
                    error = f"timed out: no complete response within {s.total_timeout:g} s (total_timeout)"
                    expired = True
                else:
                    status, body = answer.status, answer.content
            except requests.Timeout as exc:
                error = f"timed out: {exc.__class__.__name__}"
            except requests.RequestException as exc:
                error = f"connection failed: {exc.__class__.__name__}"
            # a server that could not answer within total_timeout is not asked again: each try costs as much
            retryable = status in RETRY_STATUS if error is None else not expired
            if retryable and attempt < s.retries:
                asked = answer.headers.get("Retry-After") if answer is not None and error is None else None
                after = _retry_after(asked)
                attempt += 1
                self._sleep(s.delay(attempt, after))
                continue
            retried = f" after {attempt} retries" if attempt else ""
            if error is not None:
                raise HttpError(full, error + retried, status)
            if status == 304:
                return answer
            if status >= 400:
                raise HttpError(full, f"HTTP {status}{retried}", status, body)
            if conditional:
                etag, modified = answer.headers.get("ETag"), answer.headers.get("Last-Modified")
                if etag or modified:
                    self.validators[full] = {"etag": etag, "last_modified": modified}
            return answer

    def _within_deadline(self, url: str, headers: dict) -> Response | None:
        """One request, connection to last byte, within ``total_timeout``; None when the deadline passed.

        The exchange runs in a worker thread the deadline does not wait for: a server that trickles
        its headers or body a byte at a time keeps each socket read short, so no socket timeout
        would ever fire.  A worker left behind stops at its next chunk and its connection is closed."""
        outcome: dict = {}
        abandoned = threading.Event()

        def exchange() -> None:
            try:
                outcome["response"] = self._exchange(url, headers, abandoned)
            except BaseException as exc:  # noqa: BLE001 (handed over to the caller's thread)
                outcome["error"] = exc

        worker = threading.Thread(target=exchange, name=f"fetch {url}", daemon=True)
        worker.start()
        worker.join(self.settings.total_timeout)
        if worker.is_alive():
            abandoned.set()
            return None
        if "error" in outcome:
            raise outcome["error"]
        return outcome["response"]

    def _exchange(self, url: str, headers: dict, abandoned: threading.Event) -> Response | None:
        s = self.settings
        timeout = (min(s.connect_timeout, s.total_timeout), min(s.read_timeout, s.total_timeout))
        with self.session.get(url, headers=headers, timeout=timeout, stream=True) as r:
            if r.status_code == 304:
                return Response(url, 304, b"", dict(r.headers))
            body = self._read_body(url, r, abandoned)
            return None if body is None else Response(url, r.status_code, body, dict(r.headers))

    def _read_body(self, url: str, r: requests.Response, abandoned: threading.Event) -> bytes | None:
        """The body within ``max_bytes`` (else HttpError), decompressed a chunk at a time; None once abandoned."""
        limit = self.settings.max_bytes
        declared = r.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise HttpError(
                url, f"response of {int(declared):,} bytes is larger than max_bytes ({limit:,})", r.status_code
            )
        chunks, size = [], 0
        for chunk in r.iter_content(CHUNK):  # urllib3 inflates at most CHUNK bytes a read
            if abandoned.is_set():
                return None
            size += len(chunk)
            if size > limit:
                raise HttpError(
                    url, f"response is larger than max_bytes ({limit:,} bytes, decompressed)", r.status_code
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def forget(self, url: str) -> None:
        """Drop the validators of a URL whose response could not be used, so the next run fetches it again."""
        self.validators.pop(url, None)

    def save_validators(self) -> None:
        if not self.cache_file:
            return
        from ..files import atomic_write

        atomic_write(self.cache_file, json.dumps(self.validators, indent=1, sort_keys=True) + "\n")
