"""Chat platforms' receiving ends on 127.0.0.1 (http.server in a thread), one path per kind: each
checks a message against its platform's documented schema and limits and its signature scheme, and
answers as the platform does — its success, or its error (a wrong signature refused as the platform
refuses it).  Tests queue other answers (429, 500) in ``replies``."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

FEISHU_SECRET = "feishu-signing-secret"
DINGTALK_SECRET = "SECdingtalk-signing-secret"
TELEGRAM_TOKEN = "123456:ABC-telegram-token"


@dataclass
class Received:
    kind: str
    path: str
    query: dict
    body: object
    problems: list[str]  # where the message breaks its platform's schema or signature
    answered: int
    queued: bool = False  # answered with a queued reply, unchecked


@dataclass
class ChatServer:
    port: int = 0
    received: list[Received] = field(default_factory=list)
    replies: dict[str, list[tuple[int, dict, str]]] = field(default_factory=dict)  # kind → queued answers
    feishu_secret: str = FEISHU_SECRET
    dingtalk_secret: str = DINGTALK_SECRET
    telegram_token: str = TELEGRAM_TOKEN

    def url(self, kind: str, rest: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{kind}{rest}"

    def env(self) -> dict[str, str]:
        """The secrets of a notify.yml that names every kind (see chat_channels)."""
        return {
            "TEST_SLACK_WEBHOOK": self.url("slack", "/services/T000/B000/XXXX"),
            "TEST_DISCORD_WEBHOOK": self.url("discord", "/api/webhooks/1234/token-abc"),
            "TEST_FEISHU_WEBHOOK": self.url("feishu", "/open-apis/bot/v2/hook/0a1b2c3d"),
            "TEST_FEISHU_SECRET": self.feishu_secret,
            "TEST_DINGTALK_WEBHOOK": self.url("dingtalk", "/robot/send?access_token=d1n6"),
            "TEST_DINGTALK_SECRET": self.dingtalk_secret,
            "TEST_WECOM_WEBHOOK": self.url("wecom", "/cgi-bin/webhook/send?key=w3c0m"),
            "TEST_TELEGRAM_TOKEN": self.telegram_token,
        }

    def accepted(self, kind: str) -> list[Received]:
        return [
            r for r in self.received if r.kind == kind and r.answered in (200, 204) and not r.problems and not r.queued
        ]

    def of(self, kind: str) -> list[Received]:
        return [r for r in self.received if r.kind == kind]


def chat_channels(server: ChatServer, **extra) -> list[dict]:
    """One channel of every chat kind, pointed at ``server``."""
    return [
        {"id": "lab-slack", "kind": "slack", "webhook_env": "TEST_SLACK_WEBHOOK", **extra},
        {"id": "lab-discord", "kind": "discord", "webhook_env": "TEST_DISCORD_WEBHOOK", **extra},
        {
            "id": "lab-feishu",
            "kind": "feishu",
            "webhook_env": "TEST_FEISHU_WEBHOOK",
            "secret_env": "TEST_FEISHU_SECRET",
            **extra,
        },
        {
            "id": "lab-dingtalk",
            "kind": "dingtalk",
            "webhook_env": "TEST_DINGTALK_WEBHOOK",
            "secret_env": "TEST_DINGTALK_SECRET",
            **extra,
        },
        {"id": "lab-wecom", "kind": "wecom", "webhook_env": "TEST_WECOM_WEBHOOK", **extra},
        {
            "id": "lab-telegram",
            "kind": "telegram",
            "token_env": "TEST_TELEGRAM_TOKEN",
            "chat_id": "-1001234567890",
            "api_base": server.url("telegram"),
            **extra,
        },
    ]


# ---- the platforms' schemas -------------------------------------------------------------------


def _need(problems: list[str], ok: bool, what: str) -> None:
    if not ok:
        problems.append(what)


def _slack_text(problems, obj, limit, where, plain_only=False) -> None:
    if not isinstance(obj, dict) or obj.get("type") not in (
        ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
    ):
        problems.append(f"{where}: not a text object")
        return
    text = obj.get("text")
    _need(problems, isinstance(text, str) and 1 <= len(text) <= limit, f"{where}: text of 1..{limit} characters")
    _need(problems, set(obj) <= {"type", "text", "emoji", "verbatim"}, f"{where}: unknown keys {sorted(obj)}")
    if obj["type"] == "mrkdwn":
        _need(problems, "emoji" not in obj, f"{where}: emoji on mrkdwn")


def check_slack(body, query) -> tuple[list[str], tuple[int, dict, str]]:
    """Block Kit through an incoming webhook (api.slack.com/reference/block-kit)."""
    p: list[str] = []
    if not isinstance(body, dict) or not isinstance(body.get("blocks"), list):
        return ["no blocks"], (400, {}, "invalid_payload")
    _need(p, isinstance(body.get("text"), str) and body["text"], "a text fallback")
    _need(p, 1 <= len(body["blocks"]) <= 50, "1..50 blocks")
    for i, block in enumerate(body["blocks"]):
        kind = block.get("type")
        if kind == "header":
            _slack_text(p, block.get("text"), 150, f"blocks[{i}].text", plain_only=True)
        elif kind == "section":
            _slack_text(p, block.get("text"), 3000, f"blocks[{i}].text")
            if "accessory" in block:
                button = block["accessory"]
                _need(p, button.get("type") == "button", f"blocks[{i}].accessory: a button")
                _slack_text(p, button.get("text"), 75, f"blocks[{i}].accessory.text", plain_only=True)
                _need(p, isinstance(button.get("url"), str) and len(button["url"]) <= 3000, "button url")
                _need(p, isinstance(button.get("action_id"), str) and len(button["action_id"]) <= 255, "action_id")
        elif kind == "divider":
            _need(p, set(block) == {"type"}, f"blocks[{i}]: divider takes nothing")
        elif kind == "context":
            elements = block.get("elements")
            _need(p, isinstance(elements, list) and 1 <= len(elements) <= 10, f"blocks[{i}]: 1..10 elements")
            for j, element in enumerate(elements or []):
                _slack_text(p, element, 3000, f"blocks[{i}].elements[{j}]")
        else:
            p.append(f"blocks[{i}]: unknown block type {kind!r}")
    return p, ((400, {}, "invalid_blocks") if p else (200, {}, "ok"))


_DISCORD_LIMITS = {"title": 256, "description": 4096}


def check_discord(body, query) -> tuple[list[str], tuple[int, dict, str]]:
    """An execute-webhook body (discord.com/developers/docs/resources/webhook, embed limits)."""
    p: list[str] = []
    if not isinstance(body, dict):
        return ["not an object"], (400, {}, json.dumps({"code": 50109, "message": "invalid JSON"}))
    _need(p, body.get("allowed_mentions") == {"parse": []}, "allowed_mentions: {parse: []}")
    content = body.get("content", "")
    _need(p, isinstance(content, str) and len(content) <= 2000, "content within 2000 characters")
    embeds = body.get("embeds", [])
    _need(p, isinstance(embeds, list) and len(embeds) <= 10, "at most 10 embeds")
    _need(p, bool(content) or bool(embeds), "content or embeds")
    total = 0
    for i, embed in enumerate(embeds):
        _need(
            p,
            set(embed) <= {"title", "description", "url", "color", "fields", "footer", "author", "timestamp"},
            f"embeds[{i}]: unknown keys",
        )
        for key, limit in _DISCORD_LIMITS.items():
            value = embed.get(key, "")
            _need(p, isinstance(value, str) and len(value) <= limit, f"embeds[{i}].{key} within {limit}")
            total += len(value)
        fields = embed.get("fields", [])
        _need(p, len(fields) <= 25, f"embeds[{i}]: at most 25 fields")
        for f in fields:
            _need(p, 1 <= len(f.get("name", "")) <= 256 and 1 <= len(f.get("value", "")) <= 1024, "field limits")
            total += len(f.get("name", "")) + len(f.get("value", ""))
        footer = embed.get("footer", {}).get("text", "")
        _need(p, len(footer) <= 2048, "footer within 2048")
        total += len(footer)
        _need(p, isinstance(embed.get("color", 0), int), "color is an integer")
    _need(p, total <= 6000, f"embeds' text within 6000 characters ({total})")
    if p:
        return p, (400, {}, json.dumps({"code": 50035, "message": "Invalid Form Body", "errors": p}))
    return p, (204, {}, "")


def feishu_sign(timestamp: str, secret: str) -> str:
    return base64.b64encode(hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()


def _lark_text(p, obj, where, tags=("plain_text", "lark_md")) -> None:
    _need(
        p,
        isinstance(obj, dict) and obj.get("tag") in tags and isinstance(obj.get("content"), str),
        f"{where}: a {'/'.join(tags)} text",
    )


def check_feishu(body, query, secret: str) -> tuple[list[str], tuple[int, dict, str]]:
    """A custom bot's interactive card (open.feishu.cn/document: 自定义机器人, 卡片 JSON 1.0), signed."""
    p: list[str] = []
    if not isinstance(body, dict):
        return ["not an object"], (400, {}, json.dumps({"code": 9499, "msg": "Bad Request"}))
    ts, sign = body.get("timestamp"), body.get("sign")
    if not (
        isinstance(ts, str)
        and ts.isdigit()
        and abs(time.time() - int(ts)) < 3600
        and isinstance(sign, str)
        and hmac.compare_digest(sign, feishu_sign(ts, secret))
    ):
        return ["sign"], (
            200,
            {},
            json.dumps(
                {
                    "code": 19021,
                    "msg": "sign match fail or timestamp is not within one hour from current time",
                    "data": {},
                }
            ),
        )
    _need(p, body.get("msg_type") == "interactive", "msg_type interactive")
    card = body.get("card") or {}
    header = card.get("header", {})
    _lark_text(p, header.get("title"), "card.header.title", ("plain_text",))
    _need(
        p,
        header.get("template", "blue")
        in {
            "blue",
            "wathet",
            "turquoise",
            "green",
            "yellow",
            "orange",
            "red",
            "carmine",
            "violet",
            "purple",
            "indigo",
            "grey",
            "default",
        },
        "template",
    )
    elements = card.get("elements")
    _need(p, isinstance(elements, list) and elements, "card.elements")
    for i, el in enumerate(elements or []):
        tag = el.get("tag")
        if tag == "div":
            _lark_text(p, el.get("text"), f"elements[{i}].text")
        elif tag == "hr":
            _need(p, set(el) == {"tag"}, f"elements[{i}]: hr takes nothing")
        elif tag == "note":
            for j, sub in enumerate(el.get("elements", [])):
                _lark_text(p, sub, f"elements[{i}].elements[{j}]")
        elif tag == "action":
            for j, button in enumerate(el.get("actions", [])):
                _need(
                    p, button.get("tag") == "button" and isinstance(button.get("url"), str), f"action {j}: button url"
                )
                _lark_text(p, button.get("text"), f"elements[{i}].actions[{j}].text")
        else:
            p.append(f"elements[{i}]: unknown tag {tag!r}")
    if len(json.dumps(body, ensure_ascii=False).encode()) > 20_000:  # the custom bot's request body: 20 KB
        return ["the body within 20 KB"], (400, {}, json.dumps({"code": 9499, "msg": "Bad Request", "data": {}}))
    if p:
        return p, (200, {}, json.dumps({"code": 11246, "msg": "card invalid: " + "; ".join(p), "data": {}}))
    return p, (200, {}, json.dumps({"code": 0, "msg": "success", "data": {}}))


def dingtalk_sign(timestamp: str, secret: str) -> str:
    return base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()


def check_dingtalk(body, query, secret: str) -> tuple[list[str], tuple[int, dict, str]]:
    """A custom robot's markdown message (open.dingtalk.com: 自定义机器人发送群消息), signed in the query."""
    p: list[str] = []
    ts, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
    if not (
        query.get("access_token")
        and ts.isdigit()
        and abs(time.time() * 1000 - int(ts)) < 3_600_000
        and hmac.compare_digest(sign, dingtalk_sign(ts, secret))
    ):
        return ["sign"], (200, {}, json.dumps({"errcode": 310000, "errmsg": "sign not match"}))
    if not isinstance(body, dict):
        return ["not an object"], (200, {}, json.dumps({"errcode": 300001, "errmsg": "param error"}))
    if len(json.dumps(body, ensure_ascii=False).encode()) > 20_000:
        return ["the body within 20000 bytes"], (
            200,
            {},
            json.dumps({"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"}),
        )
    _need(p, body.get("msgtype") == "markdown", "msgtype markdown")
    md = body.get("markdown", {})
    _need(
        p,
        isinstance(md.get("title"), str) and md["title"] and isinstance(md.get("text"), str) and md["text"],
        "markdown.title and markdown.text",
    )
    at = body.get("at", {})
    _need(p, at.get("isAtAll") is False and not at.get("atMobiles") and not at.get("atUserIds"), "at nobody")
    if p:
        return p, (200, {}, json.dumps({"errcode": 300001, "errmsg": "; ".join(p)}))
    return p, (200, {}, json.dumps({"errcode": 0, "errmsg": "ok"}))


def check_wecom(body, query) -> tuple[list[str], tuple[int, dict, str]]:
    """A group robot's markdown message (developer.work.weixin.qq.com: 群机器人配置说明)."""
    p: list[str] = []
    if not query.get("key"):
        return ["key"], (200, {}, json.dumps({"errcode": 93000, "errmsg": "invalid webhook url"}))
    if not isinstance(body, dict):
        return ["not an object"], (200, {}, json.dumps({"errcode": 40008, "errmsg": "invalid message type"}))
    _need(p, body.get("msgtype") == "markdown" and set(body) == {"msgtype", "markdown"}, "msgtype markdown")
    content = body.get("markdown", {}).get("content", "")
    _need(p, 0 < len(content.encode("utf-8")) <= 4096, f"content within 4096 bytes ({len(content.encode())})")
    if p:
        return p, (200, {}, json.dumps({"errcode": 40058, "errmsg": "; ".join(p)}))
    return p, (200, {}, json.dumps({"errcode": 0, "errmsg": "ok"}))


_TG_TAGS = r"(?:b|strong|i|em|u|ins|s|strike|del|code|pre|blockquote|tg-spoiler)"
_TG_MARKUP = re.compile(rf"</?{_TG_TAGS}>|<a href=\"[^\"<>]*\">|</a>|&(?:lt|gt|amp|quot);|&#[0-9]+;")


def telegram_visible(text: str) -> tuple[str, list[str]]:
    """What Telegram shows of an HTML-mode text, and what in it Telegram would refuse: every ``<`` must
    open a supported tag and every ``&`` an entity (core.telegram.org/bots/api#html-style)."""
    problems, out, i = [], [], 0
    entities = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"'}
    while i < len(text):
        m = _TG_MARKUP.match(text, i)
        if m:
            token = m.group(0)
            out.append(entities.get(token, chr(int(token[2:-1])) if token.startswith("&#") else ""))
            i = m.end()
            continue
        if text[i] in "<>&":
            problems.append(f"unescaped {text[i]!r} at {i}")
        out.append(text[i])
        i += 1
    return "".join(out), problems


def check_telegram(body, query, path: str, token: str) -> tuple[list[str], tuple[int, dict, str]]:
    """Bot API sendMessage with parse_mode HTML (core.telegram.org/bots/api#sendmessage)."""
    if path != f"/telegram/bot{token}/sendMessage":
        return ["token"], (401, {}, json.dumps({"ok": False, "error_code": 401, "description": "Unauthorized"}))
    p: list[str] = []
    if not isinstance(body, dict):
        return ["not an object"], (400, {}, json.dumps({"ok": False, "error_code": 400, "description": "Bad Request"}))
    _need(p, isinstance(body.get("chat_id"), (int, str)) and body.get("chat_id") != "", "chat_id")
    _need(p, body.get("parse_mode") == "HTML", "parse_mode HTML")
    text = body.get("text", "")
    visible, bad = telegram_visible(text) if isinstance(text, str) else ("", ["text is not a string"])
    p += bad
    units = len(visible.encode("utf-16-le")) // 2  # the Bot API counts UTF-16 code units
    _need(p, 1 <= units <= 4096, f"text of 1..4096 characters after entity parsing ({units})")
    if p:
        return p, (
            400,
            {},
            json.dumps(
                {"ok": False, "error_code": 400, "description": "Bad Request: can't parse entities: " + "; ".join(p)}
            ),
        )
    return p, (
        200,
        {},
        json.dumps(
            {"ok": True, "result": {"message_id": 7, "date": int(time.time()), "chat": {"id": body["chat_id"]}}}
        ),
    )


class _Handler(BaseHTTPRequestHandler):
    server_version = "ChatReceiver/1"

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        chat: ChatServer = self.server.chat  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        kind = parts.path.strip("/").split("/", 1)[0]
        query = parse_qs(parts.query)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            body = None
        if not self.headers.get("Content-Type", "").startswith("application/json"):
            body = None
        queued = bool(chat.replies.get(kind))
        if queued:
            problems, (status, headers, text) = [], chat.replies[kind].pop(0)
        elif kind == "slack":
            problems, (status, headers, text) = check_slack(body, query)
        elif kind == "discord":
            problems, (status, headers, text) = check_discord(body, query)
        elif kind == "feishu":
            problems, (status, headers, text) = check_feishu(body, query, chat.feishu_secret)
        elif kind == "dingtalk":
            problems, (status, headers, text) = check_dingtalk(body, query, chat.dingtalk_secret)
        elif kind == "wecom":
            problems, (status, headers, text) = check_wecom(body, query)
        elif kind == "telegram":
            problems, (status, headers, text) = check_telegram(body, query, parts.path, chat.telegram_token)
        else:
            problems, (status, headers, text) = ["no such platform"], (404, {}, "not found")
        chat.received.append(Received(kind, parts.path, query, body, problems, status, bool(queued)))
        data = text.encode("utf-8")
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json" if text.startswith("{") else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


class chat_server:
    """``with chat_server() as server:`` every platform's receiver on one 127.0.0.1 port."""

    def __enter__(self) -> ChatServer:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.chat = ChatServer(port=self.httpd.server_address[1])
        self.httpd.chat = self.chat  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self.chat

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
