"""WeCom (企业微信): the day's message as Markdown through a group robot's webhook.

Text from feeds and the model is Markdown-escaped (see ``chat.md_escape``: a ``<@userid>``
mention or a ``<font>`` tag in a title stays text).  Within the robot's 4096 bytes of Markdown."""

from __future__ import annotations

from typing import Literal

from ..config.notify import Delivery
from . import chat
from .message import Message, Outgoing

MAX_BYTES = 4096
RATE_LIMITED = {45009, -1}  # "api freq out of limit" and "system busy": try again later


class WecomChannel(chat.WebhookChannel):
    """WeCom (企业微信): Markdown through a group robot's webhook."""

    kind: Literal["wecom"]


def markdown(message: Message) -> dict:
    return {"msgtype": "markdown", "markdown": {"content": chat.markdown_text(message)}}


def fits(body: dict) -> bool:
    return len(body["markdown"]["content"].encode("utf-8")) <= MAX_BYTES


def render(message: Message, channel: WecomChannel) -> Outgoing:
    return chat.fit(message, markdown, fits)


def deliver(outgoing: Outgoing, channel: WecomChannel, env: dict[str, str], delivery: Delivery, session) -> str:
    """POST to the webhook; WeCom answers ``errcode`` 0."""
    post: chat.Post = outgoing.payload
    url = chat.webhook(channel, env)
    _, parsed = chat.post(session, url, post.body, channel, delivery)
    code = parsed.get("errcode") if isinstance(parsed, dict) else None
    if code != 0:
        text = parsed.get("errmsg", "") if isinstance(parsed, dict) else parsed
        raise chat.refused(channel, url, code, text, retry=code in RATE_LIMITED)
    return post.note
