"""E-mail: the day's message as a multipart message (a plain-text part and an HTML part that mail
clients render — inline styles, no script, no remote image, readable in light and dark mode), sent
through SMTP with STARTTLS, TLS or neither, to recipients read from a secret."""

from __future__ import annotations

import html
import re
import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, parseaddr
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from ..config.notify import ChannelSettings, Delivery, EnvName
from ..errors import DeliveryError
from .message import Message, Outgoing


class EmailChannel(ChannelSettings):
    """E-mail through SMTP: a plain-text and an HTML part, to recipients read from a secret."""

    kind: Literal["email"]
    smtp_host: Annotated[str, Field(max_length=255)] = ""  # the SMTP server
    smtp_port: int = Field(0, ge=0, le=65535)  # 0: 587 with STARTTLS, 465 with TLS, 25 without
    security: Literal["starttls", "tls", "none"] = "starttls"  # tls: implicit TLS from the first byte
    user_env: EnvName = ""  # the variable holding the SMTP login (none: no login)
    password_env: EnvName = ""  # the variable holding its password
    sender: Annotated[str, Field(max_length=320)] = ""  # the From address: "AcademicHub <radar@example.org>"
    to_env: EnvName = ""  # the recipients, comma-separated, from a secret

    needs: ClassVar[tuple[str, ...]] = ("smtp_host", "sender", "to_env")

    @model_validator(mode="after")
    def _login_has_password(self) -> EmailChannel:
        if self.user_env and not self.password_env:
            raise ValueError("user_env needs password_env")
        return self

    @property
    def port(self) -> int:
        return self.smtp_port or {"starttls": 587, "tls": 465, "none": 25}[self.security]


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def plain_text(message: Message) -> str:
    """The text part: the same content, for clients that show no HTML."""
    out = [message.heading, ""]
    for section in message.sections:
        if section.headline:
            out += [section.headline, ""]
        for theme in section.themes:
            refs = f" [{', '.join(theme.labels)}]" if theme.labels else ""
            out.append(f"- {theme.title}: {theme.text}{refs}" if theme.title else f"- {theme.text}{refs}")
        if section.themes:
            out.append("")
    if message.cards:
        out += [message.words("cards"), ""]
    for card in message.cards:
        topic = " · ".join(dict.fromkeys(card.topic[lang] for lang in message.languages))
        out.append(f"{card.label}. {card.title} ({topic})")
        out += [f"    {card.tldr[lang]}" for lang in message.languages if lang in card.tldr]
        out += [f"    {card.url}", ""]
    if message.more:
        out.append(f"+{message.more} {message.words('more')}: {message.brief_url}")
    if message.updates:
        out.append(message.count(message.updates, "updated"))
    out += [
        f"{message.words('site')}: {message.day_url}",
        "",
        "-- ",
        message.words("why", "\n"),
        f"{message.words('unsubscribe')}: {message.feeds_url}",
        "",
    ]
    return "\n".join(out)


# Light colours inline (every client reads them); the dark scheme in one <style> block that
# clients with a dark mode apply (and the others ignore), every rule !important over the inline one.
_DARK = (
    "@media (prefers-color-scheme: dark) {"
    " .ah-page { background: #101418 !important; color: #e7eaee !important; }"
    " .ah-card { background: #1a2027 !important; border-color: #2e3742 !important; }"
    " .ah-muted { color: #a8b3bf !important; }"
    " .ah-label { background: #2e3742 !important; color: #e7eaee !important; }"
    " .ah-link { color: #8cc4ff !important; }"
    " }"
)
_FONT = "font-family:-apple-system,'Segoe UI',Roboto,'Noto Sans','PingFang SC','Microsoft YaHei',sans-serif"
_WRAP = "overflow-wrap:anywhere;word-break:break-word"


def html_part(message: Message) -> str:
    lang = "zh" if message.languages[0] == "zh" else "en"
    link = "color:#0b57d0;text-decoration:underline"
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark">',
        f"<title>{_e(message.subject)}</title><style>{_DARK}</style></head>",
        f'<body class="ah-page" style="margin:0;padding:0;background:#f4f5f7;color:#1c2430;{_FONT}">',
        '<div class="ah-page" style="background:#f4f5f7;padding:16px 8px">',
        f'<div style="max-width:640px;margin:0 auto;{_WRAP}">',
        f'<p class="ah-muted" style="margin:0 0 4px;font-size:13px;color:#5b6673">{_e(message.heading)}</p>',
    ]
    for section in message.sections:
        if section.headline:
            out.append(
                f'<h1 lang="{_e(section.lang)}" style="margin:0 0 12px;font-size:21px;line-height:1.35">'
                f"{_e(section.headline)}</h1>"
            )
        if section.themes:
            out.append(
                f'<ul lang="{_e(section.lang)}" style="margin:0 0 16px;padding-left:20px;font-size:15px;'
                'line-height:1.5">'
            )
            for theme in section.themes:
                title = f"<strong>{_e(theme.title)}</strong> " if theme.title else ""
                refs = (
                    f' <span class="ah-muted" style="color:#5b6673">[{_e(", ".join(theme.labels))}]</span>'
                    if theme.labels
                    else ""
                )
                out.append(f'<li style="margin:0 0 6px">{title}{_e(theme.text)}{refs}</li>')
            out.append("</ul>")
    if message.cards:
        out.append(f'<h2 style="margin:20px 0 8px;font-size:17px">{_e(message.words("cards"))}</h2>')
    for card in message.cards:
        topic = " · ".join(dict.fromkeys(card.topic[lang] for lang in message.languages))
        out.append(
            '<div class="ah-card" style="background:#ffffff;border:1px solid #dde1e6;border-radius:8px;'
            'padding:12px 14px;margin:0 0 10px">'
        )
        out.append(
            f'<p style="margin:0 0 4px;font-size:16px;line-height:1.4"><span class="ah-label" '
            'style="display:inline-block;background:#e8ecf1;color:#1c2430;border-radius:4px;padding:0 6px;'
            f'margin-right:6px;font-size:13px;font-weight:600">{_e(card.label)}.</span>'
            f'<a class="ah-link" href="{_e(card.url)}" style="{link};font-weight:600">{_e(card.title)}</a></p>'
        )
        out.append(f'<p class="ah-muted" style="margin:0 0 6px;font-size:13px;color:#5b6673">{_e(topic)}</p>')
        for lang in message.languages:
            if lang in card.tldr:
                out.append(
                    f'<p lang="{_e(lang)}" style="margin:0 0 4px;font-size:15px;line-height:1.5">'
                    f"{_e(card.tldr[lang])}</p>"
                )
        out.append("</div>")
    more = []
    if message.more:
        more.append(
            f"+{message.more} {_e(message.words('more'))}: "
            f'<a class="ah-link" href="{_e(message.brief_url)}" style="{link}">{_e(message.brief_url)}</a>'
        )
    if message.updates:
        more.append(_e(message.count(message.updates, "updated")))
    more.append(f'<a class="ah-link" href="{_e(message.day_url)}" style="{link}">{_e(message.words("site"))}</a>')
    out += [
        f'<p style="margin:14px 0;font-size:15px;line-height:1.5">{"<br>".join(more)}</p>',
        '<p class="ah-muted" style="margin:18px 0 0;font-size:12px;line-height:1.5;color:#5b6673">'
        f'{_e(message.words("why", " "))}<br><a class="ah-link" href="{_e(message.feeds_url)}" '
        f'style="{link}">{_e(message.words("unsubscribe"))}</a></p>',
        "</div></div></body></html>",
        "",
    ]
    return "\n".join(out)


def recipients(channel: EmailChannel, env: dict[str, str]) -> list[str]:
    """The addresses in the channel's recipient secret (comma-separated, "Name <a@b>" allowed)."""
    value = env.get(channel.to_env, "")
    return [addr for _, addr in getaddresses([value]) if "@" in addr]


def build(message: Message, channel: EmailChannel) -> EmailMessage:
    """The e-mail for ``message`` (addressed to the sender; the recipients go in the envelope only,
    so no recipient sees another's address).  The Message-ID is the same for the same day and channel."""
    name, sender = parseaddr(channel.sender)
    domain = sender.rpartition("@")[2] or "academichub.invalid"
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = Address(name or message.name, addr_spec=sender) if sender else channel.sender
    mail["To"] = mail["From"]
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = f"<{message.day.isoformat()}.{message.channel}.academichub@{domain}>"
    phrase = re.sub(r'[\s<>"()]+', " ", message.name).strip()  # the site's name as a header's phrase
    mail["List-Id"] = f"{phrase} daily brief <{message.channel}.{domain}>"
    mail["List-Unsubscribe"] = f"<{message.feeds_url}>"
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(plain_text(message))
    mail.add_alternative(html_part(message), subtype="html")
    return mail


def send(mail: EmailMessage, channel: EmailChannel, env: dict[str, str], delivery: Delivery) -> str:
    """Deliver through the channel's SMTP server; returns a note (recipients refused), raises DeliveryError."""
    where = f"smtp://{channel.smtp_host}:{channel.port}"
    to = recipients(channel, env)
    if not to:
        raise DeliveryError(channel.id, where, f"no recipient address in ${channel.to_env}")
    user = env.get(channel.user_env, "") if channel.user_env else ""
    if channel.user_env and not user:
        raise DeliveryError(channel.id, where, f"${channel.user_env} is not set")
    try:
        if channel.security == "tls":
            smtp = smtplib.SMTP_SSL(
                channel.smtp_host, channel.port, timeout=delivery.timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(channel.smtp_host, channel.port, timeout=delivery.timeout)
        with smtp:
            if channel.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if user:
                smtp.login(user, env.get(channel.password_env, ""))
            refused = smtp.send_message(mail, from_addr=parseaddr(channel.sender)[1], to_addrs=to)
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(channel.id, where, f"every recipient refused ({len(exc.recipients)})") from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(channel.id, where, f"login refused: {exc.smtp_code}") from exc
    except smtplib.SMTPResponseException as exc:  # 4xx: try again later; 5xx: permanent
        reply = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise DeliveryError(
            channel.id, where, f"SMTP {exc.smtp_code} {reply[:200]}", retry=400 <= exc.smtp_code < 500
        ) from exc
    except ssl.SSLCertVerificationError as exc:  # a certificate that is not trusted stays untrusted: not retried
        raise DeliveryError(
            channel.id, where, f"the server's certificate is not trusted: {exc.verify_message or exc.reason}"
        ) from exc
    except (smtplib.SMTPException, ssl.SSLError) as exc:
        raise DeliveryError(channel.id, where, f"{type(exc).__name__}: {exc}"[:300], retry=True) from exc
    except (TimeoutError, OSError) as exc:
        raise DeliveryError(
            channel.id, where, f"cannot connect: {exc.strerror or type(exc).__name__}", retry=True
        ) from exc
    if refused:
        return f"{len(refused)} of {len(to)} recipients refused"
    return f"{len(to)} recipient{'s' * (len(to) != 1)}"


def render(message: Message, channel: EmailChannel) -> Outgoing:
    mail = build(message, channel)
    head = "".join(f"{k}: {v}\n" for k, v in mail.items())
    return Outgoing(mail, f"{head}(envelope: the addresses in ${channel.to_env})\n\n{plain_text(message)}")


def deliver(outgoing: Outgoing, channel: EmailChannel, env: dict[str, str], delivery: Delivery, session) -> str:
    return send(outgoing.payload, channel, env, delivery)
