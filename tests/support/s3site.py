"""A real S3 API on 127.0.0.1 for the deploy tests (moto's standalone server), the bucket's website as
a CDN in front of it serves it, and proxies that refuse chosen uploads (a deploy failing midway) or
everything after a number of writes (a deploy killed there)."""

from __future__ import annotations

import http.client
import http.server
import logging
from contextlib import contextmanager
from urllib.parse import unquote, urlparse

import boto3
from browser import running
from moto.server import ThreadedMotoServer

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "academichub-test",
    "AWS_SECRET_ACCESS_KEY": "academichub-test",
    "AWS_REGION": "us-east-1",
}


class RequestLog(logging.Handler):
    """The S3 requests the server answered, as (method, key) in order: what moved over the wire."""

    def __init__(self, bucket: str):
        super().__init__()
        self.bucket = bucket
        self.requests: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        # werkzeug logs '"PUT /bucket/key HTTP/1.1" 200 -'
        parts = record.getMessage().split('"')
        if len(parts) < 2 or len(parts[1].split()) != 3:
            return
        method, target, _ = parts[1].split()
        path = unquote(urlparse(target).path)
        prefix = f"/{self.bucket}/"
        self.requests.append((method, path[len(prefix) :] if path.startswith(prefix) else ""))

    def since(self, start: int, method: str) -> list[str]:
        return [key for m, key in self.requests[start:] if m == method]


@contextmanager
def s3_server(bucket: str):
    """moto's S3 server on a free 127.0.0.1 port with an empty bucket: (endpoint URL, client, request log)."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    log = RequestLog(bucket)
    werkzeug = logging.getLogger("werkzeug")
    werkzeug.addHandler(log)
    werkzeug.propagate = False  # the request log goes to RequestLog only, not to pytest's output
    werkzeug.setLevel(logging.INFO)
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=url,
        region_name=CREDENTIALS["AWS_REGION"],
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=bucket)
    try:
        yield url, client, log
    finally:
        werkzeug.removeHandler(log)
        server.stop()


def _serving(handler):
    return running(http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler))


@contextmanager
def website(client, bucket: str):
    """The bucket served as a website, the way S3 website hosting, a CloudFront function or R2's
    custom domain do: a folder's address gives its index.html, a missing key the site's 404.html with
    status 404, and every object comes with the Content-Type and Cache-Control it was stored with."""

    class Website(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's names)
            key = unquote(urlparse(self.path).path).lstrip("/")
            if key == "" or key.endswith("/"):
                key += "index.html"
            status = 200
            try:
                found = client.get_object(Bucket=bucket, Key=key)
            except client.exceptions.NoSuchKey:
                status, found = 404, client.get_object(Bucket=bucket, Key="404.html")
            body = found["Body"].read()
            self.send_response(status)
            self.send_header("Content-Type", found["ContentType"])
            self.send_header("Cache-Control", found.get("CacheControl", ""))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # noqa: A002
            pass

    with _serving(Website) as url:
        yield url + "/"


@contextmanager
def refusing(endpoint: str, refused: set[str], bucket: str):
    """A proxy in front of the S3 server that answers 403 AccessDenied to uploads of the ``refused``
    keys and passes every other request through unchanged."""
    with _proxy(endpoint, bucket, lambda method, key: method == "PUT" and key in refused) as url:
        yield url


class Cut:
    """A proxy in front of the S3 server through which the first ``writes`` writes (uploads, deletes) go,
    and after them nothing: every later request is refused, as if the deploy had been killed there."""

    def __init__(self, writes: int):
        self.writes, self.seen = writes, 0

    def __call__(self, method: str, key: str) -> bool:
        if self.seen >= self.writes:
            return True
        self.seen += method in ("PUT", "POST", "DELETE")
        return False


@contextmanager
def cutting(endpoint: str, bucket: str, writes: int):
    """The address of a :class:`Cut` proxy letting ``writes`` writes through."""
    with _proxy(endpoint, bucket, Cut(writes)) as url:
        yield url


@contextmanager
def _proxy(endpoint: str, bucket: str, refuse):
    """A proxy in front of the S3 server answering 403 AccessDenied to the requests ``refuse(method, key)``
    names, passing the others through unchanged."""
    upstream = urlparse(endpoint)

    class Proxy(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _relay(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            key = unquote(urlparse(self.path).path)[len(f"/{bucket}/") :]
            if refuse(self.command, key):
                error = (
                    b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code>'
                    b"<Message>Access Denied</Message></Error>"
                )
                self.send_response(403)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(error)))
                self.end_headers()
                self.wfile.write(error)
                return
            connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
            connection.request(self.command, self.path, body=body, headers=dict(self.headers))
            answer = connection.getresponse()
            data = answer.read()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            connection.close()

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _relay  # noqa: N815

        def log_message(self, format, *args):  # noqa: A002
            pass

    with _serving(Proxy) as url:
        yield url
