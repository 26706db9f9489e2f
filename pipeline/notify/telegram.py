"""Telegram: the day's message through a bot's ``sendMessage`` with ``parse_mode`` HTML.

Text from feeds and the model has ``&``, ``<`` and ``>`` written as entities (the Bot API's HTML
rules), so only the message's own ``<b>``, ``<i>`` and ``<a>`` are markup.  Within 4096 characters
after entity parsing, counted in UTF-16 code units.  The bot's token comes from a secret and is never shown: errors name the Bot
API's server only."""

from __future__ import annotations

import html
import re
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from ..config.loader import HttpAddress
from ..config.notify import ChannelSettings, Delivery, EnvName
from ..errors import DeliveryError
from . import chat
from .message import Message, Outgoing

MAX_TEXT = 4096
_TAG = re.compile(r"<[^>]*>")


class TelegramChannel(ChannelSettings):
    """Telegram: HTML through a bot's ``sendMessage``."""

    kind: Literal["telegram"]
    token_env: EnvName = ""  # the variable holding the bot's token
    # a public @channel or a chat's numeric id ("-100…")
    chat_id: Annotated[str, Field(pattern=r"^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$")] = ""
    api_base: HttpAddress = ""  # the Bot API's address; empty: https://api.telegram.org

    endpoint: ClassVar[str] = "https://api.telegram.org"
    needs: ClassVar[tuple[str, ...]] = ("token_env", "chat_id")


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def visible(text: str) -> int:
    """The characters Telegram counts: the text without its tags, entities read, in UTF-16 code units
    (as the Bot API measures text: a character beyond the BMP, such as 𝒪 or an emoji, counts two)."""
    return len(html.unescape(_TAG.sub("", text)).encode("utf-16-le")) // 2


def text(message: Message) -> str:
    out = [f"<b>{escape(message.heading)}</b>", ""]
    for section in message.sections:
        if section.headline:
            out.append(f"<b>{escape(chat.clip(section.headline, 400))}</b>")
        out += [
            f"• {escape(chat.clip(chat.theme_text(t), 600))}" + (f" [{', '.join(t.labels)}]" if t.labels else "")
            for t in section.themes
        ]
        if section.headline or section.themes:
            out.append("")
    if message.cards:
        out += [f"<b>{escape(message.words('cards'))}</b>", ""]
    for card in message.cards:
        out.append(
            f'<b>{card.label}.</b> <a href="{html.escape(card.url, quote=True)}">'
            f"{escape(chat.clip(card.title, 300))}</a>"
        )
        out.append(f"<i>{escape(chat.topic(message, card))}</i>")
        out += [escape(chat.clip(t, 600)) for t in chat.tldrs(message, card)]
        out.append("")
    if message.more:
        out.append(
            f"+{message.more} {escape(message.words('more'))}: "
            f'<a href="{html.escape(message.brief_url, quote=True)}">{escape(message.brief_url)}</a>'
        )
    if message.updates:
        out.append(escape(message.count(message.updates, "updated")))
    out.append(f'<a href="{html.escape(message.day_url, quote=True)}">{escape(message.words("site"))}</a>')
    return "\n".join(out)


def _chat_id(value: str) -> int | str:
    return int(value) if value.lstrip("-").isdigit() else value


def render(message: Message, channel: TelegramChannel) -> Outgoing:
    return chat.fit(
        message,
        lambda m: {
            "chat_id": _chat_id(channel.chat_id),
            "text": text(m),
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
        },
        lambda body: visible(body["text"]) <= MAX_TEXT,
    )


def deliver(outgoing: Outgoing, channel: TelegramChannel, env: dict[str, str], delivery: Delivery, session) -> str:
    """POST to ``{api_base}/bot{token}/sendMessage``; the Bot API answers ``ok`` true."""
    post: chat.Post = outgoing.payload
    token = chat.secret(channel, env, "token_env", "the bot's token")
    base = (channel.api_base or channel.endpoint).rstrip("/")
    shown = chat.where(base)
    _, parsed = chat.post(session, f"{base}/bot{token}/sendMessage", post.body, channel, delivery, shown=shown)
    if not (isinstance(parsed, dict) and parsed.get("ok") is True):
        raise DeliveryError(channel.id, shown, f"refused: {str(parsed)[:200]}")
    return post.note
