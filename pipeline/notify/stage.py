"""The notify stage: the day's message on every channel, once per channel and day.

Each channel is composed, rendered in its format, and sent with retries and backoff; what was sent
(or why not) is written to ``state/notify.json`` after each channel, and one channel failing never
stops the others."""

from __future__ import annotations

import operator
import os
import time
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import reduce
from pathlib import Path
from types import ModuleType
from typing import Annotated

import requests
from pydantic import Field, TypeAdapter, model_validator

from .. import __version__
from ..brief.paper import rule_names
from ..config.loader import HttpAddress, _Strict, load_yaml
from ..config.notify import ChannelSettings, Delivery
from ..errors import DeliveryError
from ..layout import Layout
from . import dingtalk, discord, email, feishu, slack, telegram, wecom
from .message import compose, read_day
from .record import SentRecord

# the channel kinds: each module declares its settings (the class its ``render`` takes, whose ``kind``
# names the kind), ``render`` and ``deliver``; listing it here is all that registers it
MODULES: tuple[ModuleType, ...] = (email, slack, discord, feishu, dingtalk, wecom, telegram)


def settings_of(module: ModuleType) -> type[ChannelSettings]:
    """The settings class a channel module declares: the one its ``render`` takes."""
    return typing.get_type_hints(module.render)["channel"]


KINDS: dict[str, ModuleType] = {typing.get_args(settings_of(m).model_fields["kind"].annotation)[0]: m for m in MODULES}

# one channel of notify.yml: the settings class of its kind, chosen by ``kind``
Channel = Annotated[reduce(operator.or_, map(settings_of, MODULES)), Field(discriminator="kind")]
_ONE = TypeAdapter(Channel)


def channel_settings(**settings) -> ChannelSettings:
    """One channel's settings, checked as ``notify.yml`` checks them (a pydantic ValidationError if wrong)."""
    return _ONE.validate_python(settings)


class NotifyFile(_Strict):
    """``notify.yml``."""

    site_url: HttpAddress = ""  # the site's public address (else ACADEMICHUB_SITEURL): every link points there
    site_name: Annotated[str, Field(max_length=200)] = ""  # what messages are signed with (empty: SITENAME)
    delivery: Delivery = Delivery()  # timeouts and retries of every channel
    channels: list[Channel] = Field(min_length=1)  # where the day's message goes

    @model_validator(mode="after")
    def _unique_ids(self) -> NotifyFile:
        seen: set[str] = set()
        for channel in self.channels:
            if channel.id in seen:
                raise ValueError(f"channel id '{channel.id}' is used twice (the sent record is kept by id)")
            seen.add(channel.id)
        return self


def load_notify(path: Path) -> NotifyFile:
    """``notify.yml`` (errors as file:line)."""
    return load_yaml(path, NotifyFile)


class ChannelStatus(StrEnum):
    """What became of a channel on one run."""

    SENT = "sent"
    FAILED = "failed"
    ALREADY_SENT = "already-sent"
    NOTHING = "nothing"  # no paper of the day on its topics
    DISABLED = "disabled"
    DRY_RUN = "dry-run"  # with --dry-run: rendered, not sent


@dataclass(frozen=True)
class ChannelResult:
    channel: str
    kind: str
    status: ChannelStatus
    detail: str = ""
    attempts: int = 0
    preview: str = ""  # with --dry-run: what the channel would receive


@dataclass
class NotifyReport:
    day: date
    results: list[ChannelResult] = field(default_factory=list)
    note: str = ""  # e.g. the day has no daily brief

    @property
    def failed(self) -> list[ChannelResult]:
        return [r for r in self.results if r.status == ChannelStatus.FAILED]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def attempt(send: Callable[[], str], delivery: Delivery, sleep: Callable[[float], None]) -> tuple[int, str]:
    """``send`` until it succeeds, at most ``delivery.retries`` more times for a retryable failure,
    waiting as ``delivery.delay`` says.  Returns (attempts, note); raises the last DeliveryError with ``attempts`` set."""
    for number in range(1, delivery.retries + 2):
        try:
            return number, send()
        except DeliveryError as exc:
            exc.attempts = number
            if not exc.retry or number > delivery.retries:
                raise
            sleep(delivery.delay(number, exc.wait))
    raise AssertionError("unreachable")


def run_notify(
    config: NotifyFile,
    layout: Layout,
    day: date,
    *,
    site_url: str,
    rules_dir: Path | None = None,
    site_name: str = "AcademicHub",
    force: bool = False,
    dry_run: bool = False,
    env: dict[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> NotifyReport:
    """Send ``day``'s message on every enabled channel that has not had it (all of them with ``force``);
    with ``dry_run`` render them only, send nothing and record nothing."""
    env = dict(os.environ) if env is None else env
    report = NotifyReport(day)
    the_day = read_day(layout, day, rule_names(rules_dir))
    if the_day is None:
        report.note = f"no daily brief for {day.isoformat()} in {layout.briefs}: nothing to send"
        return report
    record = SentRecord.load(layout.notify_file)
    session = requests.Session()
    session.headers["User-Agent"] = f"AcademicHub/{__version__} (notify)"
    try:
        for channel in config.channels:
            report.results.append(
                _one(
                    channel,
                    the_day,
                    config,
                    record,
                    session,
                    site_url,
                    config.site_name or site_name,
                    force,
                    dry_run,
                    env,
                    sleep,
                )
            )
    finally:
        session.close()
    return report


def _one(
    channel: ChannelSettings,
    the_day,
    config: NotifyFile,
    record: SentRecord,
    session,
    site_url: str,
    site_name: str,
    force: bool,
    dry_run: bool,
    env: dict[str, str],
    sleep,
) -> ChannelResult:
    day = the_day.day
    if not channel.enabled:
        return ChannelResult(channel.id, channel.kind, ChannelStatus.DISABLED)
    message = compose(the_day, channel, site_url, site_name)
    if message is None:
        return ChannelResult(channel.id, channel.kind, ChannelStatus.NOTHING, "no paper of the day on its topics")
    done = record.sent(day, channel.id)
    if done and not force:
        return ChannelResult(channel.id, channel.kind, ChannelStatus.ALREADY_SENT, f"at {done.get('at', '?')}")
    kind = KINDS.get(channel.kind)
    if kind is None or not isinstance(channel, settings_of(kind)):  # a failure of this channel, not of the run
        return ChannelResult(
            channel.id,
            channel.kind,
            ChannelStatus.FAILED,
            f"no channel kind '{channel.kind}' (kinds: {', '.join(KINDS)})",
        )
    outgoing = kind.render(message, channel)
    if dry_run:
        return ChannelResult(channel.id, channel.kind, ChannelStatus.DRY_RUN, preview=outgoing.preview)
    try:
        attempts, note = attempt(
            lambda: kind.deliver(outgoing, channel, env, config.delivery, session), config.delivery, sleep
        )
    except DeliveryError as exc:
        attempts = exc.attempts
        record.note(
            day,
            channel.id,
            {
                "status": ChannelStatus.FAILED,
                "at": _now(),
                "kind": channel.kind,
                "attempts": attempts,
                "error": str(exc),
            },
        )
        return ChannelResult(channel.id, channel.kind, ChannelStatus.FAILED, str(exc), attempts)
    record.note(
        day,
        channel.id,
        {"status": ChannelStatus.SENT, "at": _now(), "kind": channel.kind, "attempts": attempts, "note": note},
    )
    return ChannelResult(channel.id, channel.kind, ChannelStatus.SENT, note, attempts)
