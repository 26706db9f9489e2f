"""Discord: the day's message as embeds through a channel's webhook.

Text from feeds and the model is escaped for Discord's Markdown (a backslash before every character
that could start markup, a link, an emoji or a mention), and ``allowed_mentions`` is empty, so
nothing in the message can ping anyone.  Within Discord's limits: 2000 characters of content, 10
embeds, 256 a title, 4096 a description, 2048 a footer, 6000 in all the embeds."""

from __future__ import annotations

import re
from typing import Literal

from ..config.notify import Delivery
from . import chat
from .message import Message, Outgoing

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_FOOTER = 2048
MAX_EMBED_TEXT = 6000
COLOUR = 0x0B57D0

_SPECIAL = re.compile(r"([\\*_~`|<>#\-\[\]()@:!.+])")


class DiscordChannel(chat.WebhookChannel):
    """Discord: embeds through a channel's webhook."""

    kind: Literal["discord"]


def escape(text: str) -> str:
    """``text`` as Discord shows it written: every markup character after a backslash."""
    return _SPECIAL.sub(r"\\\1", text)


def embeds(message: Message) -> dict:
    out = []
    for section in message.sections:
        if not section.headline and not section.themes:
            continue
        lines = [
            f"• {escape(chat.theme_text(t))}" + (f" \\[{', '.join(t.labels)}\\]" if t.labels else "")
            for t in section.themes
        ]
        embed = {
            "title": chat.clip_escaped(section.headline or message.words("brief"), MAX_TITLE, escape),
            "url": message.brief_url,
            "color": COLOUR,
        }
        if lines:
            embed["description"] = chat.clip("\n".join(lines), MAX_DESCRIPTION)
        out.append(embed)
    for card in message.cards:
        embed = {
            "title": chat.clip_escaped(f"{card.label}. {card.title}", MAX_TITLE, escape),
            "url": card.url,
            "color": COLOUR,
            "footer": {"text": chat.clip(chat.topic(message, card), MAX_FOOTER)},
        }
        if chat.tldrs(message, card):
            embed["description"] = chat.clip_escaped("\n\n".join(chat.tldrs(message, card)), MAX_DESCRIPTION, escape)
        out.append(embed)
    content = [f"**{escape(message.heading)}**"]
    if message.more:
        content.append(f"+{message.more} {escape(message.words('more'))}: <{message.brief_url}>")
    if message.updates:
        content.append(escape(message.count(message.updates, "updated")))
    content.append(f"[{escape(message.words('site'))}](<{message.day_url}>)")
    return {"content": "\n".join(content), "embeds": out, "allowed_mentions": {"parse": []}}


def _text(embed: dict) -> int:
    return (
        len(embed.get("title", "")) + len(embed.get("description", "")) + len(embed.get("footer", {}).get("text", ""))
    )


def fits(body: dict) -> bool:
    return (
        len(body["content"]) <= MAX_CONTENT
        and len(body["embeds"]) <= MAX_EMBEDS
        and sum(_text(e) for e in body["embeds"]) <= MAX_EMBED_TEXT
    )


def render(message: Message, channel: DiscordChannel) -> Outgoing:
    return chat.fit(message, embeds, fits)


def deliver(outgoing: Outgoing, channel: DiscordChannel, env: dict[str, str], delivery: Delivery, session) -> str:
    """POST to the webhook; Discord answers 204 (or 200 with the message)."""
    post: chat.Post = outgoing.payload
    chat.post(session, chat.webhook(channel, env), post.body, channel, delivery)
    return post.note
