"""DingTalk: the day's message as Markdown through a group's custom robot, signed with the robot's
secret when it has one (``timestamp`` in milliseconds and ``sign`` — the base64 of an HMAC-SHA256
keyed with the secret over ``"{timestamp}\\n{secret}"`` — as query parameters, URL-encoded).

Text from feeds and the model is Markdown-escaped (see ``chat.md_escape``) and the message @s no
one (``isAtAll`` false, no mobiles, no user ids).  Within the robot's 20,000 bytes of body (UTF-8
JSON; DingTalk refuses a longer one with errcode 460101, "message too long, exceed 20000 bytes")."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Literal

from ..config.notify import Delivery
from . import chat
from .message import Message, Outgoing

MAX_BODY = 20_000
RATE_LIMITED = {130101, -1}  # "send too fast" and "system busy": try again later


class DingtalkChannel(chat.SignedWebhookChannel):
    """DingTalk: Markdown through a group robot's webhook, signed when the robot asks for it."""

    kind: Literal["dingtalk"]


def sign(timestamp_ms: int, secret: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def markdown(message: Message) -> dict:
    return {
        "msgtype": "markdown",
        "markdown": {"title": message.subject, "text": chat.markdown_text(message)},
        "at": {"isAtAll": False, "atMobiles": [], "atUserIds": []},
    }


def fits(body: dict) -> bool:
    return chat.size(body) <= MAX_BODY


def render(message: Message, channel: DingtalkChannel) -> Outgoing:
    return chat.fit(message, markdown, fits)


def deliver(outgoing: Outgoing, channel: DingtalkChannel, env: dict[str, str], delivery: Delivery, session) -> str:
    """POST (signed now, when the channel has a secret); DingTalk answers ``errcode`` 0."""
    post: chat.Post = outgoing.payload
    url = chat.webhook(channel, env)
    params = None
    if channel.secret_env:
        secret = chat.secret(channel, env, "secret_env", "the robot's signing secret")
        stamp = int(time.time() * 1000)
        params = {"timestamp": str(stamp), "sign": sign(stamp, secret)}  # requests URL-encodes them
    _, parsed = chat.post(session, url, post.body, channel, delivery, params=params)
    code = parsed.get("errcode") if isinstance(parsed, dict) else None
    if code != 0:
        text = parsed.get("errmsg", "") if isinstance(parsed, dict) else parsed
        raise chat.refused(channel, url, code, text, retry=code in RATE_LIMITED)
    return post.note
