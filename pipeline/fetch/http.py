"""The one HTTP client of a run: polite, retrying, conditional.

* a User-Agent naming the project and a contact address;
* connect/read timeouts;
* retries with exponential backoff on 429/5xx and timeouts, honouring ``Retry-After``;
* at most one request per ``arxiv_interval`` seconds to arXiv hosts;
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

    def _throttle(self, url: str, polite: bool) -> None:
        host = urlsplit(url).hostname or ""
        interval = self.settings.arxiv_interval if (polite or host.endswith(ARXIV_HOSTS)) else 0.0
        if not interval:
            return
        with self._lock:
            wait = self._last.get("arxiv", 0.0) + interval - time.monotonic()
            if wait > 0:
                self._sleep(wait)
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
            status, body, error, r = None, b"", None, None
            try:
                r = self.session.get(full, headers=headers, timeout=(s.connect_timeout, s.read_timeout), stream=True)
                status = r.status_code
                body = self._read_body(full, r)
                if body is None:
                    error = f"timed out: body not received within {s.total_timeout:g} s"
            except requests.Timeout as exc:
                error = f"timed out: {exc.__class__.__name__}"
            except requests.RequestException as exc:
                error = f"connection failed: {exc.__class__.__name__}"
            finally:
                if r is not None:
                    r.close()
            retryable = status in RETRY_STATUS if error is None else True
            if retryable and attempt < s.retries:
                after = _retry_after(r.headers.get("Retry-After")) if r is not None and error is None else None
                attempt += 1
                self._sleep(s.delay(attempt, after))
                continue
            retried = f" after {attempt} retries" if attempt else ""
            if error is not None:
                raise HttpError(full, error + retried, status)
            if status == 304:
                return Response(full, 304, b"", dict(r.headers))
            if status >= 400:
                raise HttpError(full, f"HTTP {status}{retried}", status, body)
            if conditional:
                etag, modified = r.headers.get("ETag"), r.headers.get("Last-Modified")
                if etag or modified:
                    self.validators[full] = {"etag": etag, "last_modified": modified}
            return Response(full, status, body, dict(r.headers))

    def _read_body(self, url: str, r: requests.Response) -> bytes | None:
        """Read the body within ``max_bytes`` (else HttpError) and ``total_timeout`` (else None), so a
        trickling server cannot stall a run."""
        limit, deadline = self.settings.max_bytes, time.monotonic() + self.settings.total_timeout
        declared = r.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise HttpError(url, f"response of {int(declared):,} bytes is larger than max_bytes ({limit:,})", r.status_code)
        chunks, size = [], 0
        for chunk in r.iter_content(None):  # as data arrives, so the deadline is checked between reads
            size += len(chunk)
            if size > limit:
                raise HttpError(url, f"response is larger than max_bytes ({limit:,} bytes)", r.status_code)
            if time.monotonic() > deadline:
                return None
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
