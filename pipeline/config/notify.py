"""``notify.yml``: where the daily brief is delivered — e-mail and chat channels, each with the
secrets it needs named by environment variable (never the secret itself), the topics it carries,
its language and how much of the day it sends."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .loader import HttpAddress, Retrying, _Strict, load_yaml

EnvName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=100)]

# the settings each kind takes besides the ones every channel has
_OWN = {
    "email": {"smtp_host", "smtp_port", "security", "user_env", "password_env", "sender", "to_env"},
    "slack": {"webhook_env"},
    "discord": {"webhook_env"},
    "feishu": {"webhook_env", "secret_env"},
    "dingtalk": {"webhook_env", "secret_env"},
    "wecom": {"webhook_env"},
    "telegram": {"token_env", "chat_id", "api_base"},
}
_REQUIRED = {
    "email": ("smtp_host", "sender", "to_env"),
    "slack": ("webhook_env",),
    "discord": ("webhook_env",),
    "feishu": ("webhook_env",),
    "dingtalk": ("webhook_env",),
    "wecom": ("webhook_env",),
    "telegram": ("token_env", "chat_id"),
}


class Channel(_Strict):
    """One place the day's message goes."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]  # what was sent is kept by it
    kind: Literal["email", "slack", "discord", "feishu", "dingtalk", "wecom", "telegram"]  # the platform
    enabled: bool = True  # false: the channel is kept but sent nothing
    topics: list[Annotated[str, Field(min_length=1, max_length=100)]] = []  # rule ids; empty: every topic
    language: Literal["zh", "en", "both"] | None = None  # the languages it carries (empty: those of the day's brief)
    cards: int = Field(10, ge=0, le=50)  # the top N cards of the day, each with its TL;DR
    themes: bool = True  # the daily brief's themes under its headline
    # e-mail through SMTP
    smtp_host: Annotated[str, Field(max_length=255)] = ""
    smtp_port: int = Field(0, ge=0, le=65535)  # 0: 587 with STARTTLS, 465 with TLS, 25 without
    security: Literal["starttls", "tls", "none"] = "starttls"  # tls: implicit TLS from the first byte
    user_env: EnvName = ""  # the variable holding the SMTP login (none: no login)
    password_env: EnvName = ""  # the variable holding its password
    sender: Annotated[str, Field(max_length=320)] = ""  # the From address: "AcademicHub <radar@example.org>"
    to_env: EnvName = ""  # the recipients, comma-separated, from a secret
    # chat: the incoming webhook's address (it holds the credential) from a secret, and the signing
    # secret of the Feishu/Lark and DingTalk bots that have signing turned on
    webhook_env: EnvName = ""
    secret_env: EnvName = ""  # Feishu/Lark, DingTalk: the variable holding the bot's signing secret
    # Telegram: a bot's token from a secret, the chat it posts to, the Bot API's address
    token_env: EnvName = ""
    # a public @channel or a chat's numeric id ("-100…")
    chat_id: Annotated[str, Field(pattern=r"^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$")] = ""
    api_base: HttpAddress = ""  # default https://api.telegram.org

    @model_validator(mode="after")
    def _fits_kind(self) -> "Channel":
        given = {name for name in self.model_fields_set if name in set().union(*_OWN.values())}
        foreign = sorted(given - _OWN[self.kind])
        if foreign:
            raise ValueError(f"{', '.join(foreign)}: not a setting of {self.kind} channels "
                             f"(they take {', '.join(sorted(_OWN[self.kind]))})")
        missing = [name for name in _REQUIRED[self.kind] if not getattr(self, name)]
        if missing:
            raise ValueError(f"this {self.kind} channel needs {', '.join(missing)}")
        if self.user_env and not self.password_env:
            raise ValueError("user_env needs password_env")
        return self

    @property
    def port(self) -> int:
        return self.smtp_port or {"starttls": 587, "tls": 465, "none": 25}[self.security]

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages asked for; empty: those of the day's brief (brief.yml's languages)."""
        return {"both": ("zh", "en"), None: ()}.get(self.language, (self.language,))


class Delivery(Retrying):
    """How hard a channel is tried before it is reported as failed."""

    timeout: float = Field(20.0, gt=0, le=300)  # seconds per request or SMTP session
    backoff: float = Field(2.0, ge=0, le=60)  # seconds before the first retry, doubled each time


class NotifyFile(_Strict):
    """``notify.yml``."""

    site_url: HttpAddress = ""  # the site's public address (else ACADEMICHUB_SITEURL): every link points there
    site_name: Annotated[str, Field(max_length=200)] = ""  # what messages are signed with (empty: SITENAME)
    delivery: Delivery = Delivery()  # timeouts and retries of every channel
    channels: list[Channel] = Field(min_length=1)  # where the day's message goes

    @model_validator(mode="after")
    def _unique_ids(self) -> "NotifyFile":
        seen: set[str] = set()
        for channel in self.channels:
            if channel.id in seen:
                raise ValueError(f"channel id '{channel.id}' is used twice (the sent record is kept by id)")
            seen.add(channel.id)
        return self


def load_notify(path: Path) -> NotifyFile:
    """``notify.yml`` (errors as file:line)."""
    return load_yaml(path, NotifyFile)
