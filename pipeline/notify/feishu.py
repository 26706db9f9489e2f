"""Feishu/Lark: the day's message as an interactive card through a group's custom bot, signed with
the bot's secret when it has one (``timestamp`` and ``sign`` in the body: the base64 of an
HMAC-SHA256 keyed with ``"{timestamp}\\n{secret}"`` over nothing).

Text from feeds and the model goes in ``lark_md`` with every character that could start markup, a
link or an ``<at>`` mention written as an HTML entity, which Feishu shows as the character.  The
body stays within the custom bot's request body of 20 KB (read as 20,000 bytes; a larger body is
refused with code 9499 "Bad Request") — smaller than the 30 KB a card's JSON may have, so it is the
limit that binds."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from typing import Literal

from ..config.notify import Delivery
from . import chat
from .message import Message, Outgoing

MAX_BODY = 20_000
SIGNED = 120  # the bytes a timestamp and a sign add
RATE_LIMITED = {11232, 9499}  # "frequency limited" and a busy server: try again later

_SPECIAL = re.compile(r"[&<>*_~`\[\]()#+\-!|\\@$]")


class FeishuChannel(chat.SignedWebhookChannel):
    """Feishu/Lark: an interactive card through a custom bot's webhook, signed when the bot asks for it."""

    kind: Literal["feishu"]


def escape(text: str) -> str:
    """``text`` for ``lark_md``: markup characters as entities (``&lt;``, ``&#42;``)."""
    named = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
    return _SPECIAL.sub(lambda m: named.get(m.group(0), f"&#{ord(m.group(0))};"), " ".join(text.split()))


def sign(timestamp: int, secret: str) -> str:
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def _md(content: str) -> dict:
    return {"tag": "div", "text": {"tag": "lark_md", "content": content}}


def card(message: Message) -> dict:
    elements: list[dict] = []
    for section in message.sections:
        lines = [f"**{escape(chat.clip(section.headline, 400))}**"] if section.headline else []
        for theme in section.themes:
            refs = f" &#91;{', '.join(theme.labels)}&#93;" if theme.labels else ""
            lines.append(f"• {escape(chat.clip(chat.theme_text(theme), 600))}{refs}")
        if lines:
            elements.append(_md("\n".join(lines)))
    if message.cards:
        elements += [{"tag": "hr"}, _md(f"**{escape(message.words('cards'))}**")]
    for item in message.cards:
        lines = [
            f"**{item.label}.** [{escape(chat.clip(item.title, 300))}]({item.url})",
            f"<font color='grey'>{escape(chat.topic(message, item))}</font>",
            *(escape(chat.clip(t, 600)) for t in chat.tldrs(message, item)),
        ]
        elements.append(_md("\n".join(lines)))
    notes = []
    if message.more:
        notes.append(f"+{message.more} {message.words('more')}")
    if message.updates:
        notes.append(message.count(message.updates, "updated"))
    elements.append({"tag": "hr"})
    if notes:
        elements.append({"tag": "note", "elements": [{"tag": "plain_text", "content": " · ".join(notes)}]})
    buttons = [
        {
            "tag": "button",
            "type": "primary",
            "url": message.day_url,
            "text": {"tag": "plain_text", "content": message.words("site")},
        }
    ]
    if message.more:
        buttons.append(
            {
                "tag": "button",
                "type": "default",
                "url": message.brief_url,
                "text": {"tag": "plain_text", "content": message.words("brief")},
            }
        )
    elements.append({"tag": "action", "actions": buttons})
    return {
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": True},
            "header": {"template": "blue", "title": {"tag": "plain_text", "content": message.heading}},
            "elements": elements,
        },
    }


def fits(body: dict) -> bool:
    return chat.size(body) + SIGNED <= MAX_BODY


def render(message: Message, channel: FeishuChannel) -> Outgoing:
    return chat.fit(message, card, fits)


def deliver(outgoing: Outgoing, channel: FeishuChannel, env: dict[str, str], delivery: Delivery, session) -> str:
    """POST the card (signed now, when the channel has a secret); Feishu answers ``code`` 0."""
    post: chat.Post = outgoing.payload
    url = chat.webhook(channel, env)
    body = dict(post.body)
    if channel.secret_env:
        secret = chat.secret(channel, env, "secret_env", "the bot's signing secret")
        stamp = int(time.time())
        body.update(timestamp=str(stamp), sign=sign(stamp, secret))
    _, parsed = chat.post(session, url, body, channel, delivery)
    code = parsed.get("code", parsed.get("StatusCode")) if isinstance(parsed, dict) else None
    if code != 0:
        text = parsed.get("msg", parsed.get("StatusMessage", "")) if isinstance(parsed, dict) else parsed
        raise chat.refused(channel, url, code, text, retry=code in RATE_LIMITED)
    return post.note
