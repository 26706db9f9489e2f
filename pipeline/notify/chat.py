"""What the chat channels share: the webhook address or token read from the channel's secret, one
JSON POST with the platform's answer read (429 and 5xx retried, the wait the server asks for
kept), the message cut to the platform's size limits with a link to the rest on the site, and
the error text that names the server but never the credential in its address."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import ClassVar
from urllib.parse import urlsplit

import requests

from ..config.notify import ChannelSettings, Delivery, EnvName
from ..errors import DeliveryError
from .message import CardText, Message, Outgoing, Theme


@dataclass(frozen=True)
class Post:
    """One JSON body for one platform, before any signature (signed when it is sent, so a retry
    signs again with a fresh timestamp)."""

    body: dict
    cards: int  # how many of the day's cards it carries (the rest are behind its link to the site)
    total: int  # how many the channel would carry without the size limit

    @property
    def note(self) -> str:
        """What the record says was sent."""
        left = self.total - self.cards
        return f"{self.cards} cards" + (f", {left} more behind the link (size limit)" if left else "")

    def preview(self) -> str:
        return json.dumps(self.body, ensure_ascii=False, indent=1)


class WebhookChannel(ChannelSettings):
    """A chat channel posting to an incoming webhook."""

    # the variable holding the incoming webhook's address (the address is the credential)
    webhook_env: EnvName = ""

    needs: ClassVar[tuple[str, ...]] = ("webhook_env",)


class SignedWebhookChannel(WebhookChannel):
    """A webhook whose bot may have signing turned on (Feishu/Lark, DingTalk)."""

    secret_env: EnvName = ""  # the variable holding the bot's signing secret (none: not signed)


def size(body: dict) -> int:
    """The body's size as sent: UTF-8 bytes of its JSON."""
    return len(json.dumps(body, ensure_ascii=False).encode("utf-8"))


def clip(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut at a word where one is near, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "…"


def fit(message: Message, render: Callable[[Message], dict], fits: Callable[[dict], bool]) -> Outgoing:
    """What the channel sends: the largest rendering of ``message`` that ``fits``: its cards dropped from the end one by one
    (the message then says how many more are on the site and links there); when not even one card
    fits beside the brief's themes, the themes go (the brief's page is linked) and the cards are
    tried again; then the brief without any card.  A message that fits in no way is refused (each
    renderer clips its long texts, so only a limit smaller than the bare headline and links gets there)."""
    bare = replace(message, sections=tuple(replace(s, themes=()) for s in message.sections))
    least = 1 if message.cards else 0
    tries = [(message, n) for n in range(len(message.cards), least - 1, -1)]
    tries += [(bare, n) for n in range(len(message.cards), least - 1, -1)] + [(message, 0), (bare, 0)]
    for candidate, count in tries:
        body = render(replace(candidate, cards=candidate.cards[:count]))
        if fits(body):
            post = Post(body, count, len(message.cards))
            return Outgoing(post, post.preview())
    raise DeliveryError(
        message.channel, "", "the message does not fit the platform's limit even without cards and themes"
    )


def where(url: str) -> str:
    """The server of ``url`` for messages: scheme, host and port, never its path or query (a webhook's
    path is its credential)."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}"


def secret(channel: ChannelSettings, env: dict[str, str], name: str, what: str) -> str:
    """The value of the environment variable the channel names in ``name``; DeliveryError when unset."""
    variable = getattr(channel, name)
    value = env.get(variable, "").strip()
    if not value:
        raise DeliveryError(channel.id, "", f"${variable} ({what}) is not set")
    return value


def webhook(channel: WebhookChannel, env: dict[str, str]) -> str:
    """The channel's incoming-webhook address, from its secret."""
    url = secret(channel, env, "webhook_env", "the webhook address")
    if not url.startswith(("https://", "http://")) or not urlsplit(url).hostname:
        raise DeliveryError(channel.id, "", f"${channel.webhook_env} is not an http(s) address")
    return url


def retry_after(response: requests.Response, body: object = None) -> float | None:
    """The seconds the server asks to wait: the Retry-After header, or a JSON ``retry_after``
    (Discord's at the top, Telegram's under ``parameters``)."""
    header = response.headers.get("Retry-After")
    try:
        if header is not None:
            return max(float(header), 0.0)
    except ValueError:
        pass
    if isinstance(body, dict):
        for holder in (body, body.get("parameters")):
            if isinstance(holder, dict) and isinstance(holder.get("retry_after"), (int, float)):
                return max(float(holder["retry_after"]), 0.0)
    return None


def answer(response: requests.Response) -> object:
    """The response's JSON, or its text when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return response.text


def post(
    session: requests.Session,
    url: str,
    body: dict,
    channel: ChannelSettings,
    delivery: Delivery,
    *,
    params: dict | None = None,
    shown: str | None = None,
) -> tuple[requests.Response, object]:
    """POST ``body`` as JSON; returns the response and its parsed answer for a 2xx.  A 429, a 5xx, a
    timeout or a refused connection raise a retryable DeliveryError, any other status a final one."""
    server = shown or where(url)
    try:
        response = session.post(
            url,
            params=params,
            timeout=delivery.timeout,
            data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
    except requests.Timeout as exc:
        raise DeliveryError(channel.id, server, f"no answer within {delivery.timeout:g}s", retry=True) from exc
    except requests.RequestException as exc:
        raise DeliveryError(channel.id, server, f"cannot connect: {type(exc).__name__}", retry=True) from exc
    parsed = answer(response)
    if response.status_code == 429 or response.status_code >= 500:
        raise DeliveryError(
            channel.id,
            server,
            f"HTTP {response.status_code} {_short(parsed)}",
            retry=True,
            wait=retry_after(response, parsed),
        )
    if not 200 <= response.status_code < 300:
        raise DeliveryError(channel.id, server, f"HTTP {response.status_code} {_short(parsed)}")
    return response, parsed


def refused(
    channel: ChannelSettings, url: str, code: object, text: object, *, retry: bool = False, shown: str | None = None
) -> DeliveryError:
    """A platform's refusal inside a 200 answer (Feishu's ``code``, DingTalk's and WeCom's ``errcode``)."""
    return DeliveryError(channel.id, shown or where(url), f"refused: {code} {str(text)[:200]}", retry=retry)


def _short(parsed: object) -> str:
    text = parsed if isinstance(parsed, str) else json.dumps(parsed, ensure_ascii=False)
    return " ".join(text.split())[:200]


# the day's text as the chat formats lay it out (raw: each platform escapes it for its format)


def topic(message: Message, card: CardText) -> str:
    """The card's topic in the message's languages: "量子信息 · Quantum Information"."""
    return " · ".join(dict.fromkeys(card.topic[lang] for lang in message.languages))


def tldrs(message: Message, card: CardText) -> list[str]:
    return [card.tldr[lang] for lang in message.languages if lang in card.tldr]


def theme_text(theme: Theme) -> str:
    """A theme as one line of text (without its card numbers)."""
    return f"{theme.title}: {theme.text}" if theme.title else theme.text


def clip_escaped(text: str, limit: int, escape: Callable[[str], str]) -> str:
    """``escape(text)`` within ``limit`` characters: the text is cut before it is escaped, so an escape
    is never cut in half."""
    keep = limit
    while True:
        out = escape(clip(text, keep))
        if len(out) <= limit or keep <= 1:
            return out
        keep -= max(1, (len(out) - limit) // 2)


# Markdown of the CommonMark family (DingTalk, WeCom): every character that could start markup —
# emphasis, code, a link, a heading, a list, a quote, an HTML tag or a <@mention> — escaped with a
# backslash, so text from feeds and models shows as written
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|<>~&])")


def md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def markdown_text(message: Message) -> str:
    """The day's message as Markdown: the brief, the cards as links to their pages, the site's links."""
    out = [f"### {md_escape(message.heading)}", ""]
    for section in message.sections:
        if section.headline:
            out += [f"**{md_escape(clip(section.headline, 400))}**", ""]
        for theme in section.themes:
            refs = f" \\[{', '.join(theme.labels)}\\]" if theme.labels else ""
            out.append(f"- {md_escape(clip(theme_text(theme), 600))}{refs}")
        if section.themes:
            out.append("")
    if message.cards:
        out += [f"**{md_escape(message.words('cards'))}**", ""]
    for card in message.cards:
        out.append(f"**{card.label}.** [{md_escape(clip(card.title, 300))}]({card.url})  ")
        out.append(f"{md_escape(topic(message, card))}  " if tldrs(message, card) else md_escape(topic(message, card)))
        texts = [md_escape(clip(t, 600)) for t in tldrs(message, card)]
        out += [line + "  " for line in texts[:-1]] + texts[-1:]
        out.append("")
    if message.more:
        out.append(
            f"+{message.more} {md_escape(message.words('more'))}: [{md_escape(message.brief_url)}]"
            f"({message.brief_url})  "
        )
    if message.updates:
        out.append(md_escape(message.count(message.updates, "updated")) + "  ")
    out.append(f"[{md_escape(message.words('site'))}]({message.day_url})")
    return "\n".join(out)
