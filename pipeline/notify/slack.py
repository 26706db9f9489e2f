"""Slack: the day's message as Block Kit blocks through an incoming webhook.

Text from feeds and the model goes in ``plain_text`` objects with ``emoji`` off, which Slack shows
as written (no mrkdwn, no link, no mention, no ``:emoji:``); the message's own words and links are
``mrkdwn`` escaped as Slack asks (``&``, ``<``, ``>``), and a broadcast word in them is broken so it
can never become ``@channel``.  Within Block Kit's limits: 50 blocks, 150 characters a header,
3000 a section, 75 a button, 10 elements a context."""

from __future__ import annotations

import re
from typing import Literal

from ..config.notify import Delivery
from ..errors import DeliveryError
from . import chat
from .message import Message, Outgoing

MAX_BLOCKS = 50
MAX_HEADER = 150
MAX_SECTION = 3000
MAX_BUTTON = 75
MAX_CONTEXT = 10
MAX_BODY = 40_000  # the characters Slack takes in a message's text

_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)


class SlackChannel(chat.WebhookChannel):
    """Slack: Block Kit blocks through an incoming webhook."""

    kind: Literal["slack"]


def mrkdwn(text: str) -> str:
    """``text`` for a Slack ``mrkdwn`` field: the three control characters escaped (so ``<!here>``,
    ``<@U…>`` and ``<url|x>`` stay text) and a broadcast word broken by a word joiner."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@\u2060" + m.group(1), text)


def link(url: str, label: str) -> str:
    """A mrkdwn link (the address escaped as Slack asks, ``|`` and the brackets percent-encoded)."""
    address = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    return f"<{address}|{mrkdwn(label)}>"


def plain(text: str, limit: int) -> dict:
    return {"type": "plain_text", "text": chat.clip(text, limit) or " ", "emoji": False}


def blocks(message: Message) -> dict:
    out: list[dict] = [{"type": "header", "text": plain(message.heading, MAX_HEADER)}]
    for section in message.sections:
        if section.headline:
            out.append({"type": "section", "text": plain(section.headline, MAX_SECTION)})
        if section.themes:
            lines = [
                f"• {chat.theme_text(t)}" + (f" [{', '.join(t.labels)}]" if t.labels else "") for t in section.themes
            ]
            out.append({"type": "section", "text": plain("\n".join(lines), MAX_SECTION)})
    if message.cards:
        out += [
            {"type": "divider"},
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{mrkdwn(message.words('cards'))}*"}},
        ]
    for card in message.cards:
        text = "\n".join([f"{card.label}. {card.title}", chat.topic(message, card), *chat.tldrs(message, card)])
        out.append(
            {
                "type": "section",
                "text": plain(text, MAX_SECTION),
                "accessory": {
                    "type": "button",
                    "text": plain(message.words("read"), MAX_BUTTON),
                    "url": card.url,
                    "action_id": f"paper-{card.label}",
                },
            }
        )
    tail = []
    if message.more:
        tail.append(f"+{message.more} {mrkdwn(message.words('more'))}: {link(message.brief_url, message.brief_url)}")
    if message.updates:
        tail.append(mrkdwn(message.count(message.updates, "updated")))
    tail.append(link(message.day_url, message.words("site")))
    out += [
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": t} for t in tail[:MAX_CONTEXT]]},
    ]
    return {"text": mrkdwn(message.subject), "blocks": out, "unfurl_links": False, "unfurl_media": False}


def fits(body: dict) -> bool:
    return len(body["blocks"]) <= MAX_BLOCKS and chat.size(body) <= MAX_BODY


def render(message: Message, channel: SlackChannel) -> Outgoing:
    return chat.fit(message, blocks, fits)


def deliver(outgoing: Outgoing, channel: SlackChannel, env: dict[str, str], delivery: Delivery, session) -> str:
    """POST to the webhook; Slack answers ``ok`` (any other answer is its error code)."""
    post: chat.Post = outgoing.payload
    url = chat.webhook(channel, env)
    response, parsed = chat.post(session, url, post.body, channel, delivery)
    if str(parsed).strip() != "ok":
        raise DeliveryError(channel.id, chat.where(url), f"Slack answered {str(parsed)[:200]!r}")
    return post.note
