"""The notify stage: the day's message on every channel, once per channel and day.

Each channel is composed, rendered in its format, and sent with retries and backoff; what was sent
(or why not) is written to ``state/notify.json`` after each channel, and one channel failing never
stops the others."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

import requests

from .. import __version__
from ..brief.paper import rule_names
from ..config.notify import Channel, Delivery, NotifyFile
from ..errors import DeliveryError
from ..layout import Layout
from . import dingtalk, discord, email, feishu, slack, telegram, wecom
from .message import compose, read_day
from .record import SentRecord

KINDS = {"email": email, "slack": slack, "discord": discord, "feishu": feishu, "dingtalk": dingtalk,
         "wecom": wecom, "telegram": telegram}


@dataclass(frozen=True)
class ChannelResult:
    channel: str
    kind: str
    status: str  # sent, failed, already-sent, nothing, disabled, dry-run
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
        return [r for r in self.results if r.status == "failed"]


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


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


def run_notify(config: NotifyFile, layout: Layout, day: date, *, site_url: str, rules_dir: Path | None = None,
               site_name: str = "AcademicHub", force: bool = False, dry_run: bool = False,
               env: dict[str, str] | None = None,
               sleep: Callable[[float], None] = time.sleep) -> NotifyReport:
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
            report.results.append(_one(channel, the_day, config, record, session, site_url,
                                       config.site_name or site_name, force, dry_run, env, sleep))
    finally:
        session.close()
    return report


def _one(channel: Channel, the_day, config: NotifyFile, record: SentRecord, session, site_url: str, site_name: str,
         force: bool, dry_run: bool, env: dict[str, str], sleep) -> ChannelResult:
    day = the_day.day
    if not channel.enabled:
        return ChannelResult(channel.id, channel.kind, "disabled")
    message = compose(the_day, channel, site_url, site_name)
    if message is None:
        return ChannelResult(channel.id, channel.kind, "nothing", "no paper of the day on its topics")
    done = record.sent(day, channel.id)
    if done and not force:
        return ChannelResult(channel.id, channel.kind, "already-sent", f"at {done.get('at', '?')}")
    kind = KINDS[channel.kind]
    outgoing = kind.render(message, channel)
    if dry_run:
        return ChannelResult(channel.id, channel.kind, "dry-run", preview=outgoing.preview)
    try:
        attempts, note = attempt(lambda: kind.deliver(outgoing, channel, env, config.delivery, session),
                                 config.delivery, sleep)
    except DeliveryError as exc:
        attempts = exc.attempts
        record.note(day, channel.id, {"status": "failed", "at": _now(), "kind": channel.kind, "attempts": attempts,
                                      "error": str(exc)})
        return ChannelResult(channel.id, channel.kind, "failed", str(exc), attempts)
    record.note(day, channel.id, {"status": "sent", "at": _now(), "kind": channel.kind, "attempts": attempts,
                                  "note": note})
    return ChannelResult(channel.id, channel.kind, "sent", note, attempts)
